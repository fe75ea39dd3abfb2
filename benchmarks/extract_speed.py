"""Extraction speed: ``parse_article`` on ~1 MB of Markdown, HTML and plain text.

``l10n add`` and every load of an article re-parse the source, so parse speed bounds
how big an article can be and how fast the API answers. For each document this prints
the median of ``--repeat`` runs as segments/s and MB/s, the share of that time spent
inside the sentence splitter (pysbd, timed directly, without a profiler's distortion),
and then a cProfile summary per document (top functions by cumulative time) to see
where the rest goes.

Documents, each about ``--size`` bytes (default 1 MiB):

* ``md docs``: the vendored real-world Markdown (``tests/data/realworld/md``: READMEs,
  changelogs, docs pages) concatenated, so code blocks, tables and links are as common
  as in real docs;
* ``md news``: generated news copy from the sample article's sentences: headings,
  paragraphs with emphasis, links and code spans, lists, a table, block quotes;
* ``html docs``: the bodies of the vendored real-world HTML (Sphinx pages, converter
  output) in one page;
* ``text news``: the sample article (``examples/articles``) repeated, each copy's
  lines made unique so no cache flatters the numbers.

    .venv/bin/python benchmarks/extract_speed.py [--size 1048576] [--repeat 5] [--top 10]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from l10n_service.core import builder  # noqa: E402
from l10n_service.core.formats import parse_article  # noqa: E402
from l10n_service.core.model import Article  # noqa: E402

SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
REALWORLD = REPO / "tests" / "data" / "realworld"
_BODY = re.compile(r"<body\b[^>]*>(.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Document:
    name: str
    fmt: str
    source: str

    @property
    def megabytes(self) -> float:
        return len(self.source.encode("utf-8")) / 1e6


# --------------------------------------------------------------------------- documents


def _fill(parts: Iterator[str], size: int) -> str:
    """Concatenate parts until ``size`` UTF-8 bytes are reached."""
    out: list[str] = []
    total = 0
    for part in parts:
        out.append(part)
        total += len(part.encode("utf-8"))
        if total >= size:
            break
    return "".join(out)


def _cycle(items: list[str]) -> Iterator[str]:
    while True:
        yield from items


def markdown_docs(size: int) -> str:
    docs = [p.read_text("utf-8") for p in sorted((REALWORLD / "md").glob("*.md"))]
    return _fill(_cycle([d.rstrip("\n") + "\n\n" for d in docs]), size)


def html_docs(size: int) -> str:
    bodies = []
    for path in sorted((REALWORLD / "html").glob("*.html")):
        text = path.read_text("utf-8")
        match = _BODY.search(text)
        bodies.append(f"<section>\n{match.group(1) if match else text}\n</section>\n")
    head = "<!DOCTYPE html>\n<html lang='en'><head><title>Docs, all in one</title></head><body>\n"
    return head + _fill(_cycle(bodies), size) + "</body></html>\n"


def _sample_sentences() -> list[str]:
    text = SAMPLE.read_text("utf-8")
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) > 4 and "\n" not in s]


def markdown_news(size: int, seed: int = 7) -> str:
    """Realistic news Markdown: every construct the parser handles, in proportions
    seen in blog posts, built from real sentences so pysbd sees real text."""
    rng = random.Random(seed)
    sentences = _sample_sentences()

    def sentence() -> str:
        words = rng.choice(sentences).split()
        i = rng.randrange(len(words))
        style = rng.random()
        if style < 0.15:
            words[i] = f"*{words[i]}*"
        elif style < 0.25:
            words[i] = f"**{words[i]}**"
        elif style < 0.35:
            words[i] = f"[{words[i]}](https://news.example.org/{rng.randrange(10**6)})"
        elif style < 0.40:
            words[i] = f"`{words[i].lower()}`"
        return " ".join(words)

    def parts() -> Iterator[str]:
        n = 0
        while True:
            n += 1
            yield f"## Section {n}: {sentence().rstrip('.?!')}\n\n"
            for _ in range(rng.randint(2, 5)):
                yield " ".join(sentence() for _ in range(rng.randint(2, 5))) + "\n\n"
            kind = rng.random()
            if kind < 0.3:
                yield "".join(f"- {sentence()}\n" for _ in range(rng.randint(2, 5))) + "\n"
            elif kind < 0.45:
                yield f"> {sentence()}\n> {sentence()}\n\n"
            elif kind < 0.55:
                rows = "".join(
                    f"| {rng.randrange(1990, 2026)} | {sentence()} |\n" for _ in range(3)
                )
                yield f"| Year | What happened |\n|---|---|\n{rows}\n"
            elif kind < 0.6:
                yield "```python\nresult = marathon.finish(time=7560)\nprint(result)\n```\n\n"

    return "# North Korea's Marathon, in depth\n\n" + _fill(parts(), size)


def text_news(size: int) -> str:
    lines = SAMPLE.read_text("utf-8").splitlines()
    dateline, body = lines[0], lines[1:]

    def copies() -> Iterator[str]:
        n = 0
        while True:
            n += 1
            out = []
            for line in body:
                if line.startswith("- ") or ":" in line[:40] or not line.strip():
                    out.append(line)  # bullets and speaker turns keep their shape
                elif line.rstrip().endswith((".", "?", "!")):
                    out.append(f"In part {n}, {line[0].lower()}{line[1:]}")
                else:
                    out.append(f"{line} (part {n})")
            yield "\n".join(out) + "\n"

    return dateline + "\n" + _fill(copies(), size)


def documents(size: int) -> list[Document]:
    return [
        Document("md docs", "md", markdown_docs(size)),
        Document("md news", "md", markdown_news(size)),
        Document("html docs", "html", html_docs(size)),
        Document("text news", "text", text_news(size)),
    ]


# --------------------------------------------------------------------------- measuring


@contextmanager
def splitter_clock() -> Iterator[list[float]]:
    """Time spent in the sentence splitter, by wrapping the builder's reference to it."""
    spent = [0.0]
    original = builder.sentence_spans

    def timed(text: str, lang: str = "en") -> list[tuple[int, int]]:
        start = time.perf_counter()
        try:
            return original(text, lang)
        finally:
            spent[0] += time.perf_counter() - start

    builder.sentence_spans = timed
    try:
        yield spent
    finally:
        builder.sentence_spans = original


@dataclass(frozen=True)
class Timing:
    article: Article
    median_s: float
    spread: tuple[float, float]
    splitter_share: float


def measure(doc: Document, repeat: int) -> Timing:
    times: list[float] = []
    shares: list[float] = []
    article = None
    for _ in range(repeat):
        with splitter_clock() as spent:
            start = time.perf_counter()
            article = parse_article(doc.source, fmt=doc.fmt, slug="bench")
            elapsed = time.perf_counter() - start
        times.append(elapsed)
        shares.append(spent[0] / elapsed)
    assert article is not None
    return Timing(
        article, statistics.median(times), (min(times), max(times)), statistics.median(shares)
    )


def profile(doc: Document, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    parse_article(doc.source, fmt=doc.fmt, slug="bench")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    lines = out.getvalue().strip().splitlines()
    table = lines[next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")) :]
    total = next(line for line in lines if "function calls" in line).strip()
    return "\n".join([f"  {total}", *(f"  {line}" for line in table)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1 << 20, help="bytes per document")
    parser.add_argument("--repeat", type=int, default=5, help="runs per document (median)")
    parser.add_argument("--top", type=int, default=10, help="functions in each profile")
    args = parser.parse_args()

    docs = documents(args.size)
    parse_article("# Warm up\n\nDr. Who is here. It works.\n", fmt="md", slug="warm")

    print(f"parse_article, median of {args.repeat} runs (min-max), Python {sys.version.split()[0]}")
    header = (
        f"{'document':<11}{'MB':>6}{'blocks':>8}{'segments':>10}{'median s':>10}"
        f"{'min-max s':>13}{'segments/s':>12}{'MB/s':>7}{'in pysbd':>10}"
    )
    print(header)
    print("-" * len(header))
    for doc in docs:
        t = measure(doc, args.repeat)
        segments = sum(len(b.segments) for b in t.article.blocks)
        print(
            f"{doc.name:<11}{doc.megabytes:>6.2f}{len(t.article.blocks):>8}{segments:>10}"
            f"{t.median_s:>10.2f}{f'{t.spread[0]:.2f}-{t.spread[1]:.2f}':>13}"
            f"{segments / t.median_s:>12,.0f}{doc.megabytes / t.median_s:>7.2f}"
            f"{t.splitter_share:>10.0%}"
        )

    print(f"\ncProfile, top {args.top} by cumulative time (profiling inflates Python-heavy code):")
    for doc in docs:
        print(f"\n[{doc.name}]")
        print(profile(doc, args.top))


if __name__ == "__main__":
    main()

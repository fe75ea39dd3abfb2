"""``l10n add`` of big Markdown documents: CPU seconds per MB at 0.5, 1, 2 and 5 MB.

What ``l10n add`` does, in process: :func:`~l10n_service.services.articles.add_article`
(decode, parse, store) and :func:`~l10n_service.services.catalogs.update_languages`
(the catalog template). The document is real text: the vendored real-world Markdown
(``tests/data/realworld/md``, ~0.8 MB) concatenated until the size is reached, each
copy's text made its own: a made-up word for the copy number (``copy_word``) goes into
every sentence of every line of text outside code fences (headings, list items, quotes,
each table cell), so neither the catalog's sharing of identical sentences nor the
builder's reuse of a repeated block flatters the bigger sizes. What repeats is what
repeats within one copy of the corpus (changelog headings such as "Fixed"): the 5 MB
document has 36,865 blocks with text, 32,238 distinct, and 50,482 segments in 37,935
catalog entries, about the same shares as one copy's.

Printed per size: the median CPU time (``time.process_time``) of ``--repeat`` runs,
seconds per MB, the ratio of seconds per MB to the smallest size's (flat = 1.0: the
work grows linearly) and the peak RSS of the process so far. Goal: flat, and 5 MB
under 15 s. The 0.5 MB document is the first part of one copy (the changelogs of
attrs and black come first), not a sample of the whole: 5,533 segments (11,000 a MB,
against 10,100 a MB at 5 MB).

    .venv/bin/python benchmarks/big_documents.py [--sizes 0.5,1,2,5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from l10n_service.services import articles  # noqa: E402
from l10n_service.services.articles import add_article  # noqa: E402
from l10n_service.services.catalogs import update_languages  # noqa: E402
from l10n_service.workspace import Workspace  # noqa: E402

REALWORLD = REPO / "tests" / "data" / "realworld" / "md"
MB = 1_000_000


_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
# Before a full stop, question or exclamation mark that ends a sentence (not after a
# digit, so "1." of an ordered list stays a list marker).
_SENTENCE_END = re.compile(r"(?<=[^\s\d.!?])([.!?])(?=\s|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:")


def copy_word(copy: int) -> str:
    """A made-up word for copy number ``copy`` ("bakaba"...): translatable text, which
    the builder neither protects as a number or code nor finds in a dictionary."""
    syllables = []
    for _ in range(3):
        copy, rest = divmod(copy, len(_CONSONANTS) * len(_VOWELS))
        syllables.append(_CONSONANTS[rest // len(_VOWELS)] + _VOWELS[rest % len(_VOWELS)])
    return "".join(syllables)


def _mark(line: str, word: str) -> str:
    """``line`` with ``word`` in each of its sentences (each cell of a table row)."""
    if not any(ch.isalpha() for ch in line) or line.lstrip()[:1] == "<":
        return line  # no text, or HTML
    if _LINK_DEFINITION.match(line):
        return line
    body = line.rstrip()
    tail = line[len(body) :]  # a hard break's trailing spaces stay
    if body.lstrip().startswith("|"):
        cells = body.split("|")
        return (
            "|".join(
                f"{cell.rstrip()} {word} " if any(ch.isalpha() for ch in cell) else cell
                for cell in cells
            )
            + tail
        )
    marked = _SENTENCE_END.sub(rf" {word}\1", body)
    if not _SENTENCE_END.search(body, len(body) - 1):  # the last sentence is unmarked
        marked = f"{marked} {word}"
    return marked + tail


def real_markdown(size: int) -> str:
    """About ``size`` bytes of real Markdown, each copy of the corpus made unique."""
    corpus = [p.read_text("utf-8") for p in sorted(REALWORLD.glob("*.md"))]
    parts: list[str] = []
    total = 0
    copy = 0
    while total < size:
        copy += 1
        word = copy_word(copy)
        for text in corpus:
            lines: list[str] = []
            fenced = False
            for line in text.split("\n"):
                if _FENCE.match(line):
                    fenced = not fenced
                    lines.append(line)
                else:
                    lines.append(line if fenced else _mark(line, word))
            chunk = "\n".join(lines).rstrip("\n") + "\n\n"
            parts.append(chunk)
            total += len(chunk.encode("utf-8"))
            if total >= size:
                break
    return "".join(parts)


def add_once(text: bytes) -> float:
    """CPU seconds of one ``l10n add`` into a fresh workspace."""
    articles.forget_last_parse()  # each run parses: no reuse of the previous run's parse
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.at(Path(tmp) / "ws")
        start = time.process_time()
        article = add_article(ws, text, name="big.md", slug="big")
        update_languages(ws, article.slug)
        return time.process_time() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0.5,1,2,5", help="MB, comma separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"l10n add of real Markdown, median CPU of {args.repeat} runs per size")
    base: float | None = None
    for size in sizes:
        data = real_markdown(int(size * MB)).encode("utf-8")
        runs = [add_once(data) for _ in range(args.repeat)]
        cpu = statistics.median(runs)
        per_mb = cpu / (len(data) / MB)
        base = base or per_mb
        print(
            f"{len(data) / MB:5.2f} MB: {cpu:7.2f} s CPU, {per_mb:5.2f} s/MB "
            f"({per_mb / base:4.2f}x the {sizes[0]:g} MB rate), peak RSS {peak_rss_mb():6.0f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

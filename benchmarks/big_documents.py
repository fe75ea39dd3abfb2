"""``l10n add`` of big Markdown documents: CPU seconds per MB at 0.5, 1, 2 and 5 MB.

What ``l10n add`` does, in process: :func:`~l10n_service.services.articles.add_article`
(decode, parse, store) and :func:`~l10n_service.services.catalogs.update_languages`
(the catalog template). The document is real text: the vendored real-world Markdown
(``tests/data/realworld/md``) concatenated until the size is reached, each copy's
prose made unique (a number appended to every line of text) so that identical
sentences sharing one catalog entry do not flatter the figures.

Printed per size: the median CPU time (``time.process_time``) of ``--repeat`` runs,
seconds per MB, the ratio of seconds per MB to the smallest size's (flat = 1.0: the
work grows linearly) and the peak RSS of the process so far. Goal: flat, and 5 MB
under 15 s. Headings, list items, code and cells repeat from copy to copy (the 5 MB
document has 39,176 blocks and 11,669 distinct texts) and the builder splits a
repeated block once, so sizes past one copy of the corpus (~0.8 MB) fall below 1.0.

    .venv/bin/python benchmarks/big_documents.py [--sizes 0.5,1,2,5] [--repeat 3]
"""

from __future__ import annotations

import argparse
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


def real_markdown(size: int) -> str:
    """About ``size`` bytes of real Markdown, every copy of the corpus made unique."""
    corpus = [p.read_text("utf-8") for p in sorted(REALWORLD.glob("*.md"))]
    parts: list[str] = []
    total = 0
    copy = 0
    while total < size:
        copy += 1
        for text in corpus:
            # Mark prose lines only: code fences and tables keep their shape.
            lines = [
                f"{line} v{copy}" if line[:1].isalpha() and line.rstrip()[-1:] in ".:" else line
                for line in text.split("\n")
            ]
            chunk = "\n".join(lines).rstrip("\n") + "\n\n"
            parts.append(chunk)
            total += len(chunk.encode("utf-8"))
            if total >= size:
                break
    return "".join(parts)


def add_once(text: bytes) -> float:
    """CPU seconds of one ``l10n add`` into a fresh workspace."""
    articles._last = None  # each run parses: no reuse of the previous run's parse
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

"""Translation-memory lookup: 1,000 new segments against a 100k-segment memory.

Fills a memory (SQLite in a temp dir, and PostgreSQL with ``--postgres URL``) with
sentences built from the sample article's words, then looks up 1,000 segments: a
quarter already in the memory, half edited versions of units in it (a word changed,
added or dropped), a quarter new. Prints the fill time, the first lookup (which
loads the pair's sources and builds the fuzzy index), the next lookups (index
cached), and how many segments got an exact hit / a fuzzy suggestion.

    .venv/bin/python benchmarks/tm_lookup.py
    .venv/bin/python benchmarks/tm_lookup.py --size 100000 --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from catalog_update import (  # noqa: E402
    article_words,
    edit_sentence,
    make_sentence,
    pseudo_translation,
)

from l10n_service.tm import TranslationMemory  # noqa: E402


def segments(size: int, queries: int, seed: int = 5) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    words = article_words()
    memory: dict[str, None] = {}
    while len(memory) < size:
        memory[make_sentence(rng, words)] = None
    sources = list(memory)
    asked = []
    for number in range(queries):
        kind = number % 4
        if kind == 0:
            asked.append(rng.choice(sources))
        elif kind in (1, 2):
            asked.append(edit_sentence(rng, words, rng.choice(sources)))
        else:
            asked.append(make_sentence(rng, words))
    return sources, asked


def run(
    name: str,
    tm: TranslationMemory,
    sources: list[str],
    asked: list[str],
    repeat: int,
    reopen: Callable[[], TranslationMemory],
) -> None:
    start = time.perf_counter()
    tm.add_many(("en", "de", s, pseudo_translation(s), "bench", "translated") for s in sources)
    fill = time.perf_counter() - start
    start = time.perf_counter()
    results = tm.lookup("en", "de", asked)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        tm.lookup("en", "de", asked)
        warm.append(time.perf_counter() - start)
    with reopen() as again:  # a new process's memory finds the index saved on disk
        start = time.perf_counter()
        again.lookup("en", "de", asked)
        saved = time.perf_counter() - start
    exact = sum(1 for hits in results if hits and hits[0].exact)
    fuzzy = sum(1 for hits in results if hits and not hits[0].exact)
    print(f"\n== {name}: {tm.count('en', 'de'):,} units, {len(asked):,} segments looked up ==")
    print(f"fill (add_many)                  {fill:8.2f} s")
    print(f"first lookup (loads + indexes)   {cold:8.3f} s")
    print(f"first lookup, index saved        {saved:8.3f} s   (new TranslationMemory, same root)")
    print(
        f"next lookups, median of {repeat}        {statistics.median(warm):8.3f} s   "
        f"({' '.join(f'{t:.3f}' for t in warm)})"
    )
    print(
        f"segments with an exact hit: {exact}, with only fuzzy suggestions: {fuzzy}, "
        f"with nothing: {len(asked) - exact - fuzzy}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="units in the memory")
    parser.add_argument("--queries", type=int, default=1000, help="segments looked up")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also run against this PostgreSQL")
    args = parser.parse_args()
    sources, asked = segments(args.size, args.queries)
    with tempfile.TemporaryDirectory(prefix="l10n-tm-bench-") as tmp:
        url = f"sqlite:///{tmp}/tm.sqlite"
        with TranslationMemory.open(tmp, url=url) as tm:
            run("SQLite", tm, sources, asked, args.repeat, lambda: TranslationMemory.open(tmp, url))
    if args.postgres:
        import psycopg

        schema = f"tm_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as connection:
            connection.execute(f'create schema "{schema}"')
        try:
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            with (
                tempfile.TemporaryDirectory(prefix="l10n-tm-bench-") as tmp,
                TranslationMemory.open(tmp, url=url) as tm,
            ):
                run(
                    "PostgreSQL",
                    tm,
                    sources,
                    asked,
                    args.repeat,
                    lambda: TranslationMemory.open(tmp, url),
                )
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute(f'drop schema "{schema}" cascade')


if __name__ == "__main__":
    main()

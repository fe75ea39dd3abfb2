"""What keeping Apertium's tagger stateless costs: the raw pipe (``ApertiumPipe``, as
in ``apertium_throughput.py``'s raw rows) on the chain as ``apertium-wblank-mode``
writes it, against the same chain with the HMM tagger under ``mt/apertium_guard.py``
(one record at a time through it, a fresh tagger after each record that changed it).

Two pipes, both started and warm, translate the same sentences alternately (which
goes first alternates too), ``--rounds`` times, 32 in flight and 1 in flight. Printed:
median segments/s of each, the median of the per-round ratios guarded / plain (a
shared machine's load swings between rounds, less within one), and CPU ms per
segment of the chain's process tree plus this driver (``/proc``; a tagger the guard
replaced counts in the guard's children). Sentences: the sample article x3 (448
segments, what ``apertium_throughput.py`` uses), and the first ``--documents``
(1,500) sentences of the vendored real-world documents, where more make the tagger
report (3% against 1.3%), so more taggers are replaced.

    .venv/bin/python benchmarks/apertium_guard.py [--rounds 7] [--mode eng-spa] [--documents 1500]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REALWORLD = REPO / "tests" / "data" / "realworld"


def sample_x3() -> list[str]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from apertium_throughput import article

    return article(3)[1]


def documents() -> list[str]:
    from l10n_service.core.formats import parse_article
    from l10n_service.core.tokens import TOKEN_RE

    texts: list[str] = []
    for path in sorted(REALWORLD.rglob("*")):
        fmt = {".md": "md", ".txt": "text", ".html": "html"}.get(path.suffix)
        if fmt and path.name != "LICENSES.md":
            article = parse_article(path.read_text("utf-8"), fmt=fmt, slug="doc")
            texts += [s.source for s in article.unique_segments()]
    return [t for t in dict.fromkeys(texts) if re.search(r"\w", TOKEN_RE.sub("", t))]


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of these processes and of their reaped children."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def compare(mode: str, texts: list[str], rounds: int, flight: int) -> None:
    from l10n_service.mt.apertium import MODES_DIR
    from l10n_service.mt.apertium_pipe import ApertiumPipe, guard_taggers
    from l10n_service.mt.apertium_stream import decode, encode

    plain = subprocess.run(
        ["apertium-wblank-mode", "-z", str(MODES_DIR / f"{mode}.mode")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    pipes = {
        "plain": ApertiumPipe(mode, plain, in_flight=flight),
        "guarded": ApertiumPipe(mode, guard_taggers(plain), in_flight=flight),
    }
    records = [encode(t) for t in texts]
    rates: dict[str, list[float]] = {name: [] for name in pipes}
    cpu: dict[str, list[float]] = {name: [] for name in pipes}
    try:
        for pipe in pipes.values():
            pipe.translate(["Warm up."])
        for k in range(rounds):
            for name in ("plain", "guarded") if k % 2 == 0 else ("guarded", "plain"):
                pipe = pipes[name]
                pids = pipe.pids()
                cpu0, own0, wall0 = tree_cpu(pids), time.process_time(), time.perf_counter()
                [decode(a) for a in pipe.translate(records)]
                wall = time.perf_counter() - wall0
                used = tree_cpu(pids) - cpu0 + time.process_time() - own0
                rates[name].append(len(records) / wall)
                cpu[name].append(1000 * used / len(records))
    finally:
        for pipe in pipes.values():
            pipe.close()
    ratios = [g / p for g, p in zip(rates["guarded"], rates["plain"], strict=True)]
    print(f"  {flight} in flight:")
    for name in pipes:
        print(
            f"    {name:<8} {statistics.median(rates[name]):6.0f} seg/s, "
            f"{statistics.median(cpu[name]):.2f} CPU ms/segment"
        )
    print(
        f"    guarded / plain, paired: {statistics.median(ratios):.2f}x "
        f"(rounds {min(ratios):.2f}-{max(ratios):.2f}x); CPU "
        f"{statistics.median(cpu['guarded']) / statistics.median(cpu['plain']):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--mode", default="eng-spa")
    parser.add_argument("--documents", type=int, default=1500)
    args = parser.parse_args()
    corpora = [("sample x3", sample_x3()), ("real-world documents", documents()[: args.documents])]
    for label, texts in corpora:
        print(f"{args.mode}, {label}: {len(texts)} segments, {args.rounds} rounds, medians")
        for flight in (32, 1):
            compare(args.mode, texts, args.rounds, flight)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

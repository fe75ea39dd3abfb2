"""Machine-translation throughput, three ways on the same model and segments, in one run.

(a) argostranslate's own ``translate()`` per segment (the LibreTranslate way), with
    its best thread setting (ARGOS_INTRA_THREADS=1) and its default (0 = all cores);
(b) raw CTranslate2 ``translate_batch`` on pre-tokenised segments, batches of 32,
    argostranslate's decoding options but ``replace_unknowns`` off, as the engine
    searches (it searches again with it only results holding ``<unk>``, which this
    model never outputs): the engine's ceiling;
(c) our end-to-end path: ``l10n translate --wait`` through Redis and real
    ``l10n worker`` processes (1 and 2 workers), catalog apply included;
(d) duplicate-heavy input: half the segments repeat, and are translated once.

The model is the suite's tiny argostranslate package (tests/support/tiny_argos.py):
real argostranslate/CTranslate2 code paths, output known exactly. Prints medians
(segments/s) and ratios against (b). Needs Redis: ``$L10N_BENCH_REDIS_URL`` (default
``redis://127.0.0.1:6379/13``), a database this script may flush.

    .venv/bin/python benchmarks/mt_throughput.py [--segments 600] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
# Flushed before each end-to-end run: give it a database of its own.
REDIS = os.environ.get("L10N_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def segments(count: int) -> list[str]:
    """Distinct news-like sentences built from the sample article."""
    from l10n_service.core.formats import parse_article

    article = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug="s")
    # At most ~200 characters: argostranslate's translate() stops at 256 output tokens
    # (CTranslate2's default), and this model has one token per character.
    base = [s.source for s in article.unique_segments() if 40 < len(s.source) <= 200]
    out: list[str] = []
    i = 0
    while len(out) < count:
        out.append(f"{base[i % len(base)]} ({i})" if i >= len(base) else base[i])
        i += 1
    return out


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "L10N_"))}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    env.update(extra)
    return env


ARGOS_SCRIPT = """
import json, sys, time
import argostranslate.translate as t
texts = json.load(open(sys.argv[1]))
t.translate(texts[0], "en", "de")  # load the model outside the timing
start = time.perf_counter()
for text in texts:
    t.translate(text, "en", "de")
print(time.perf_counter() - start)
"""

RAW_SCRIPT = """
import json, sys, time
import ctranslate2
from argostranslate import package
texts = json.load(open(sys.argv[1]))
pkg = [p for p in package.get_installed_packages() if p.to_code == "de"][0]
tok = [pkg.tokenizer.encode(x) for x in texts]
tr = ctranslate2.Translator(str(pkg.package_path / "model"), device="cpu",
                            inter_threads=1, intra_threads=int(sys.argv[2]))
opts = dict(beam_size=4, length_penalty=0.2, replace_unknowns=False, num_hypotheses=1,
            max_batch_size=32, max_decoding_length=512)
tr.translate_batch(tok[:4], **opts)
start = time.perf_counter()
order = sorted(range(len(tok)), key=lambda i: len(tok[i]))
res = tr.translate_batch([tok[i] for i in order], **opts)
[pkg.tokenizer.decode(r.hypotheses[0]) for r in res]
print(time.perf_counter() - start)
"""


def timed_script(script: str, env: dict[str, str], *args: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def end_to_end(texts: list[str], env: dict[str, str], workers: int, tmp: Path) -> float:
    """Segments/s of a whole job: enqueue -> MT workers -> apply into the catalog."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    root = tmp / f"ws-{workers}-{time.monotonic_ns()}"
    root.mkdir()
    article = tmp / "bench.txt"
    article.write_text("Benchmark Article\n\n" + "\n\n".join(texts) + "\n", "utf-8")
    env = {**env, "L10N_BROKER_URL": REDIS, "L10N_MT_THREADS": "1"}
    l10n = str(BIN / "l10n")
    subprocess.run(
        [l10n, "add", str(article), "--slug", "bench", "--root", str(root)],
        env=env,
        check=True,
        capture_output=True,
    )
    procs = [
        subprocess.Popen(
            [l10n, "worker", "--root", str(root), "--concurrency", "1"],
            env={**env, "L10N_WORKER_CONCURRENCY": str(workers)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        time.sleep(4)  # workers up and models loaded on first task
        subprocess.run(
            [l10n, "translate", "bench", "--to", "de", "--wait", "--root", str(root)],
            env=env,
            check=True,
            capture_output=True,
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
    job = json.loads(next((root / ".l10n" / "jobs").glob("*.json")).read_text())
    return job["segments"] / (job["finished"] - job["created"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from tests.support.tiny_argos import build_tiny_argos_package

    tmp = Path(tempfile.mkdtemp(prefix="l10n-bench-mt-"))
    try:
        home = tmp / "home"
        env = _env(home)
        pkg = build_tiny_argos_package(tmp / "pkg", "en", "de", mode="accent")
        subprocess.run(
            [str(BIN / "l10n"), "models", "install", str(pkg)],
            env=env,
            check=True,
            capture_output=True,
        )
        texts = segments(args.segments)
        data = tmp / "texts.json"
        data.write_text(json.dumps(texts))
        n = len(texts)
        results: dict[str, float] = {}

        scripts = {
            "(a) argos translate(), 1 thread": (ARGOS_SCRIPT, {"ARGOS_INTRA_THREADS": "1"}, []),
            "(a) argos translate(), default threads": (
                ARGOS_SCRIPT,
                {"ARGOS_INTRA_THREADS": "0"},
                [],
            ),
            "(b) raw CTranslate2 batches, 1 thread": (RAW_SCRIPT, {}, ["1"]),
            "(b) raw CTranslate2 batches, 2 threads": (RAW_SCRIPT, {}, ["2"]),
        }
        for label, (script, extra, more) in scripts.items():
            seconds = [
                timed_script(script, _env(home, **extra), str(data), *more)
                for _ in range(args.repeat)
            ]
            results[label] = n / statistics.median(seconds)
        for workers in (1, 2):
            rates = [end_to_end(texts, env, workers, tmp) for _ in range(args.repeat)]
            results[f"(c) l10n translate via Celery, {workers} worker(s)"] = statistics.median(
                rates
            )
        dupes = texts[: n // 2] * 2
        rates = [end_to_end(dupes, env, 1, tmp) * 2 for _ in range(args.repeat)]
        results["(d) 50% duplicates, 1 worker (input segments/s)"] = statistics.median(rates)

        ceiling = results["(b) raw CTranslate2 batches, 1 thread"]
        print(f"\nMT throughput on {n} segments, tiny argos model, medians of {args.repeat}")
        print(f"{'path':<52} {'seg/s':>9} {'vs (b) 1 thread':>16}")
        for label, rate in results.items():
            print(f"{label:<52} {rate:>9.1f} {rate / ceiling:>15.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

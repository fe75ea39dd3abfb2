"""The ``l10n translate --wait`` client's own cost on a warm Apertium worker.

One worker (``-Q mt.apertium.en-es,apply``, Redis), then ``--runs`` jobs of the
sample article x3 (448 segments), each in a fresh workspace, as
``apertium_throughput.py`` runs them. Per job, from the job record and the clock:
start -> created (the CLI's start-up, reading and creating the catalog), enqueue
(created -> all chunks sent), the job (created -> finished, the worker's side),
end -> exit (finished -> the client exited: noticing the end, printing, exiting),
the wall time and the client's CPU seconds. Prints each run and the medians.

``--base-src DIR`` alternates every run with the client of another checkout's
``src`` (e.g. ``git archive OLD | tar -x -C /tmp/old``) on the same worker, so a
change is compared in the same minutes of a shared machine's load.

    L10N_BENCH_REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python benchmarks/translate_client.py [--runs 5] [--base-src DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
REDIS = os.environ.get("L10N_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
COLUMNS = ("start->created", "enqueue", "job", "end->exit", "wall", "client CPU")


def one_job(source: Path, env: dict[str, str], tmp: Path) -> tuple[float, ...]:
    from apertium_throughput import added, translated  # this folder is on sys.path

    root = added(source, env, tmp)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, end, job = translated(root, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    created, finished = float(job["created"]), float(job["finished"])
    return (created - start, float(job["dispatched"]) - created, finished - created,
            end - finished, end - start, cpu)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base-src", type=Path, default=None)
    args = parser.parse_args()
    import redis
    from apertium_throughput import article  # this folder is on sys.path

    from l10n_service.mt.apertium import ApertiumEngine

    redis.Redis.from_url(REDIS).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="l10n-bench-client-"))
    source = tmp / "bench.txt"
    source.write_text(article(3)[0], "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("L10N_")}
    env.pop("PYTHONPATH", None)
    env["L10N_BROKER_URL"] = REDIS
    clients = {"this": env}
    if args.base_src:
        clients["base"] = {**env, "PYTHONPATH": str(args.base_src.resolve())}
    (tmp / "worker").mkdir()
    queues = f"{ApertiumEngine.queue_for('en', 'es')},apply"
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "l10n_service.jobs.app", "worker", "-Q", queues, "-c", "1",
         "-n", "client-bench@%h", "--loglevel", "WARNING"],
        env={**env, "L10N_ROOT": str(tmp / "worker")},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    rows: dict[str, list[tuple[float, ...]]] = {name: [] for name in clients}
    try:
        one_job(source, env, tmp)  # the worker's first job starts its pipeline
        for _ in range(args.runs):
            for name, client_env in clients.items():
                rows[name].append(one_job(source, client_env, tmp))
                print(name, "  ".join(f"{c} {v:.3f}" for c, v in zip(COLUMNS, rows[name][-1],
                                                                     strict=True)))  # fmt: skip
    finally:
        worker.terminate()
        worker.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nmedians of {args.runs}, seconds, load {os.getloadavg()[0]:.1f}")
    for name, values in rows.items():
        medians = [statistics.median(column) for column in zip(*values, strict=True)]
        print(name, "  ".join(f"{c} {v:.3f}" for c, v in zip(COLUMNS, medians, strict=True)))


if __name__ == "__main__":
    main()

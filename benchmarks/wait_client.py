"""The waiting client of ``l10n translate --wait`` against the worker it waits on
(issue #14: "the waiting client under 10% of the worker's CPU").

On a copy of ``newsroom_build``'s 100-article workspace, with Redis (``--redis``,
flushed) and one real ``l10n worker`` (prefork, one process):

1. the worker is started alone, and its start-up CPU measured once it is idle;
2. ``l10n translate <100 slugs> --to de,fr,ar --engine pseudo`` (no ``--wait``)
   creates and sends the 300 jobs (its CPU is printed: job creation, not waiting);
3. ``l10n jobs wait <300 ids>`` (what ``--wait`` runs after creating the jobs)
   waits while the worker translates; its CPU from ``wait4``, the worker's from
   /proc (minus its start-up);
4. ``l10n jobs wait`` once more on the finished jobs: the CLI's start-up and one
   poll, so the waiting itself can be told from the interpreter starting.

CPU time, not wall time: the machine is shared. ``--runs`` (3) repeats all of it;
medians are printed, and PASS when the median share is under 10% and every job ended
done.

    .venv/bin/python benchmarks/wait_client.py --redis redis://127.0.0.1:6379/12
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from newsroom_build import LANGS, cached_workspace, slug_for
from newsroom_measure import run_command, stop, tree_cpu, wait_idle

L10N = str(Path(sys.executable).parent / "l10n")
ARTICLES = 100


def _worker(root: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [L10N, "worker", "--root", str(root), "--concurrency", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


@dataclass(frozen=True)
class Measured:
    jobs: int
    done: int
    wall: float
    create: float  # CPU s of ``l10n translate`` without --wait
    worker: float  # CPU s of the worker translating, start-up excluded
    client: float  # CPU s of ``l10n jobs wait`` while the worker translates
    baseline: float  # CPU s of ``l10n jobs wait`` on the finished jobs: start-up + one poll


def measure(redis_url: str, budget: float) -> Measured:
    """One run on a fresh copy of the workspace, with Redis flushed."""
    import redis

    pristine = cached_workspace(ARTICLES)
    env = {**os.environ, "L10N_BROKER_URL": redis_url}
    with tempfile.TemporaryDirectory(prefix="l10n-bench-wait-") as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(pristine, root)
        log = Path(tmp) / "worker.log"
        redis.Redis.from_url(redis_url).flushdb()
        worker = _worker(root, env, log)
        try:
            wait_idle(worker.pid)
            startup = tree_cpu(worker.pid)
        finally:
            stop(worker)
        slugs = [slug_for(i) for i in range(ARTICLES)]
        cmd = [L10N, "translate", *slugs, "--to", ",".join(LANGS), "--engine", "pseudo"]
        create = run_command([*cmd, "--root", str(root)], env=env, budget=budget)
        ids = [line.split()[1].rstrip(":") for line in create.stdout.splitlines()
               if line.startswith("job ")]  # fmt: skip
        if create.returncode or not ids:
            raise RuntimeError(f"translate: {create.stderr[-2000:]}")
        worker = _worker(root, env, log)
        try:
            waiting = run_command([L10N, "jobs", "wait", *ids, "--root", str(root)], env=env,
                                  budget=budget)  # fmt: skip
            worker_cpu = tree_cpu(worker.pid) - startup
        finally:
            stop(worker)
        done = sum(1 for line in waiting.stdout.splitlines() if line.endswith(": done"))
        again = run_command([L10N, "jobs", "wait", *ids, "--root", str(root)], env=env,
                            budget=budget)  # fmt: skip
    return Measured(len(ids), done, waiting.sample.wall, create.sample.cpu, worker_cpu,
                    waiting.sample.cpu, again.sample.cpu)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default=os.environ.get("L10N_BENCH_REDIS_URL",
                                                          "redis://127.0.0.1:6379/12"))  # fmt: skip
    parser.add_argument("--budget", type=float, default=600)
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are printed")
    args = parser.parse_args()
    runs: list[Measured] = []
    for number in range(1, max(1, args.runs) + 1):
        run = measure(args.redis, args.budget)
        runs.append(run)
        print(f"run {number}: {run.done}/{run.jobs} done, wall {run.wall:.1f} s; CPU s: "
              f"creation {run.create:.2f}, worker {run.worker:.2f}, client {run.client:.2f} "
              f"({100 * run.client / run.worker:.0f}%), start-up + one poll {run.baseline:.2f}",
              flush=True)  # fmt: skip

    def med(values: list[float]) -> float:
        return statistics.median(values)

    create = med([r.create for r in runs])
    worker_cpu = med([r.worker for r in runs])
    client = med([r.client for r in runs])
    baseline = med([r.baseline for r in runs])
    alone = med([max(0.0, r.client - r.baseline) for r in runs])
    share = med([r.client / r.worker for r in runs])
    print(f"{runs[0].jobs} jobs ({ARTICLES} articles x {', '.join(LANGS)}, pseudo engine); "
          f"medians of {len(runs)} runs, CPU time")  # fmt: skip
    print(f"job creation (l10n translate, no --wait)  CPU {create:6.2f} s "
          f"({1000 * create / runs[0].jobs:.1f} ms a job, start-up included)")  # fmt: skip
    print(f"worker, translating (start-up excluded)   CPU {worker_cpu:6.2f} s")
    print(f"waiting client (l10n jobs wait)           CPU {client:6.2f} s "
          f"= {100 * share:.0f}% of the worker")  # fmt: skip
    print(
        f"  of which CLI start-up + one poll        CPU {baseline:6.2f} s "
        f"(waiting alone: {alone:.2f} s = {100 * alone / worker_cpu:.1f}% of the worker)"
    )
    ok = share < 0.10 and all(r.done == r.jobs for r in runs)
    print(f"{'PASS' if ok else 'FAIL'}  waiting client < 10% of the worker's CPU: "
          f"{100 * share:.0f}% (median), every job done")  # fmt: skip


if __name__ == "__main__":
    main()

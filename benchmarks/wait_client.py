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

CPU time, not wall time: the machine is shared.

    .venv/bin/python benchmarks/wait_client.py --redis redis://127.0.0.1:6379/12
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", default=os.environ.get("L10N_BENCH_REDIS_URL",
                                                          "redis://127.0.0.1:6379/12"))  # fmt: skip
    parser.add_argument("--budget", type=float, default=600)
    args = parser.parse_args()
    import redis

    pristine = cached_workspace(ARTICLES)
    env = {**os.environ, "L10N_BROKER_URL": args.redis}
    with tempfile.TemporaryDirectory(prefix="l10n-bench-wait-") as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(pristine, root)
        log = Path(tmp) / "worker.log"
        redis.Redis.from_url(args.redis).flushdb()
        worker = _worker(root, env, log)
        try:
            wait_idle(worker.pid)
            startup = tree_cpu(worker.pid)
        finally:
            stop(worker)
        slugs = [slug_for(i) for i in range(ARTICLES)]
        cmd = [L10N, "translate", *slugs, "--to", ",".join(LANGS), "--engine", "pseudo"]
        create = run_command([*cmd, "--root", str(root)], env=env, budget=args.budget)
        ids = [line.split()[1].rstrip(":") for line in create.stdout.splitlines()
               if line.startswith("job ")]  # fmt: skip
        if create.returncode or not ids:
            raise RuntimeError(f"translate: {create.stderr[-2000:]}")
        worker = _worker(root, env, log)
        try:
            waiting = run_command([L10N, "jobs", "wait", *ids, "--root", str(root)], env=env,
                                  budget=args.budget)  # fmt: skip
            worker_cpu = tree_cpu(worker.pid) - startup
        finally:
            stop(worker)
        done = sum(1 for line in waiting.stdout.splitlines() if line.endswith(": done"))
        again = run_command([L10N, "jobs", "wait", *ids, "--root", str(root)], env=env,
                            budget=args.budget)  # fmt: skip
    client = waiting.sample.cpu
    baseline = again.sample.cpu
    print(f"{len(ids)} jobs ({ARTICLES} articles x {', '.join(LANGS)}, pseudo engine), "
          f"{done} done; wall {waiting.sample.wall:.1f} s")  # fmt: skip
    print(f"job creation (l10n translate, no --wait)  CPU {create.sample.cpu:6.2f} s")
    print(f"worker, translating (start-up excluded)   CPU {worker_cpu:6.2f} s")
    print(f"waiting client (l10n jobs wait)           CPU {client:6.2f} s "
          f"= {100 * client / worker_cpu:.0f}% of the worker")  # fmt: skip
    print(f"  of which CLI start-up + one poll        CPU {baseline:6.2f} s "
          f"(waiting alone: {client - baseline:.2f} s "
          f"= {100 * max(0.0, client - baseline) / worker_cpu:.1f}% of the worker)")  # fmt: skip
    ok = client < 0.10 * worker_cpu
    print(f"{'PASS' if ok else 'FAIL'}  waiting client < 10% of the worker's CPU: "
          f"{100 * client / worker_cpu:.0f}%")  # fmt: skip


if __name__ == "__main__":
    main()

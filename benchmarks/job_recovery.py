"""How fast a job recovers from a worker killed with SIGKILL, on both brokers.

For each broker (a private redis-server and a private rabbitmq-server, as in the
resilience tests): a job of ``--segments`` segments in chunks of 10 runs on one
``l10n worker``; once 3 chunks are done, either nothing happens (the baseline) or the
worker (main process and pool) is killed with SIGKILL and a new worker started. Measured from
that moment: seconds until the lost chunk is sent again (the supervisor's
``job.resumed``; RabbitMQ gives a dead consumer's messages back by itself, so there it
may stay 0) and until the job is done. Prints medians of ``--repeat`` runs and the
ratio of "done after a kill" to the baseline of the same run.

    .venv/bin/python benchmarks/job_recovery.py [--segments 300] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
HANG_GUARD_S = 600.0


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "L10N_"))}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    env.update(extra)
    return env


def _article(path: Path, segments: int) -> None:
    lines = ["Recovery Benchmark", ""]
    for p in range(segments // 5):
        lines.append(" ".join(f"Runner {chr(65 + s)}{p} passed mark {p % 26}." for s in range(5)))
        lines.append("")
    path.write_text("\n".join(lines), "utf-8")


def _l10n(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "l10n"), *args], env=env, check=True, capture_output=True)


def _worker(ws: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as handle:
        return subprocess.Popen(
            [str(BIN / "l10n"), "worker", "--root", str(ws), "--concurrency", "1"],
            env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            continue


def _job(ws: Path) -> Any:
    from l10n_service.services.jobs_store import JobStore
    from l10n_service.workspace import Workspace

    return JobStore(Workspace.at(ws)).all()[-1]


def _until(ws: Path, test: Callable[[Any], bool]) -> float:
    start = time.monotonic()
    while not test(_job(ws)):
        if time.monotonic() - start > HANG_GUARD_S:
            raise SystemExit("hang guard: the job did not get there")
        time.sleep(0.1)
    return time.monotonic() - start


def one_run(
    url: str, env: dict[str, str], tmp: Path, segments: int, kill: bool
) -> dict[str, float]:
    ws = tmp / f"ws-{time.monotonic_ns()}"
    ws.mkdir()
    env = {**env, "L10N_BROKER_URL": url, "L10N_CHUNK_SIZE": "10"}
    _article(tmp / "bench.txt", segments)
    _l10n(env, "add", str(tmp / "bench.txt"), "--root", str(ws))
    _l10n(env, "update", "--lang", "de", "--root", str(ws))
    workers = [_worker(ws, env, tmp / "worker.log")]
    try:
        _l10n(env, "translate", "bench", "--to", "de", "--root", str(ws))
        _until(ws, lambda j: len(j.done_chunks) >= 3)
        start = time.monotonic()
        resent = float("nan")
        if kill:
            os.killpg(workers[0].pid, signal.SIGKILL)  # main and pool, as `docker kill`
            workers[0].wait()
            workers.append(_worker(ws, env, tmp / "worker.log"))
        while _job(ws).state not in ("done", "failed"):
            if resent != resent and _job(ws).resumed:
                resent = time.monotonic() - start
            if time.monotonic() - start > HANG_GUARD_S:
                raise SystemExit("hang guard: the job did not finish")
            time.sleep(0.1)
        done = time.monotonic() - start
        job = _job(ws)
        assert job.state == "done" and not job.failed, job
        return {"done": done, "resent": resent}
    finally:
        for w in workers:
            _stop(w)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from tests.support.brokers import RabbitServer, RedisServer
    from tests.support.tiny_argos import build_tiny_argos_package

    tmp = Path(tempfile.mkdtemp(prefix="l10n-recovery-"))
    try:
        env = _env(tmp / "home", L10N_MT_THREADS="1", L10N_SUPERVISOR_INTERVAL="5")
        pkg = build_tiny_argos_package(tmp / "pkg", "en", "de", mode="accent")
        _l10n(env, "models", "install", str(pkg))
        rows = []
        for server in (RedisServer(tmp / "redis"), RabbitServer(tmp / "rabbitmq")):
            server.start()
            try:
                base, killed = [], []
                for _ in range(args.repeat):
                    base.append(one_run(server.url, env, tmp, args.segments, kill=False))
                    killed.append(one_run(server.url, env, tmp, args.segments, kill=True))
            finally:
                server.stop()
            b = statistics.median(r["done"] for r in base)
            k = statistics.median(r["done"] for r in killed)
            resends = [r["resent"] for r in killed if r["resent"] == r["resent"]]
            resent = (
                f"{statistics.median(resends):.1f} s" if resends else "n/a (broker redelivered)"
            )
            rows.append((server.name, b, k, resent))
        print(f"\nJob recovery, {args.segments} segments, chunks of 10, supervisor every 5 s, "
              f"medians of {args.repeat} (seconds from the 3rd chunk done)")  # fmt: skip
        for name, b, k, resent in rows:
            print(f"{name:16} baseline done {b:6.1f} s | kill -9 worker: lost chunk re-sent after "
                  f"{resent}, done {k:6.1f} s = {k / b:.2f}x baseline")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

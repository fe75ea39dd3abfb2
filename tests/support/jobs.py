"""Helpers for tests that deliver a job's chunks themselves."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.workspace import Workspace

__all__ = ["Held", "real_worker"]

DEADLINE_S = 300.0  # hang guard, not a speed assertion


class Held:
    """A Dispatch that sends nothing: the test delivers the chunks itself."""

    def __call__(
        self, root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
    ) -> None:
        pass


@contextlib.contextmanager
def worker_starter(
    root: Path, env: Mapping[str, str], *fixed: str
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Yields ``start(*args, **more_env)``: an ``l10n worker --root ROOT *fixed *args``
    process, logged to ``worker-N.log`` beside ``root``; every one is stopped on exit."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, **more_env: str) -> subprocess.Popen[bytes]:
        with open(root.parent / f"worker-{len(started)}.log", "wb") as log:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "l10n"), "worker", "--root", str(root),
                 *fixed, *args],
                env={**os.environ, **env, **more_env}, stdout=log, stderr=log,
            )  # fmt: skip
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=60)


@contextlib.contextmanager
def real_worker(
    root: Path, queues: str, log: Path, env: Mapping[str, str], cwd: Path | None = None
) -> Iterator[Callable[[Iterable[str]], None]]:
    """``l10n worker`` (solo pool) on ``root``, stopped on exit; yields a function
    that waits until the jobs given ended (failing with the worker's log)."""
    with open(log, "wb") as handle:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "l10n"), "worker", "--root", str(root),
             "--pool", "solo", "--queues", queues],
            cwd=cwd, env=dict(env), stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def until_ended(job_ids: Iterable[str]) -> None:
        store, ids = JobStore(Workspace.at(root)), list(job_ids)
        deadline = time.monotonic() + DEADLINE_S
        while {store.get(j).state for j in ids} - {"done", "failed", "cancelled"}:
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)

    try:
        yield until_ended
    finally:
        worker.terminate()
        worker.wait(timeout=60)

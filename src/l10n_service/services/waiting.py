"""Waiting on machine-translation jobs: what ``l10n translate --wait`` and ``l10n jobs
wait`` run while the workers translate.

Apart from ``services.machine`` because the waiting client is a short-lived process
whose whole cost is start-up plus one store pass per tick: it needs the job store
only, not the catalog parser, the engines or the translation memory that planning
and applying a job import (``machine`` is imported only to re-send stalled chunks).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import JobError
from ..job_events import ended_events
from .jobs_store import Job, JobStore

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .machine import Dispatch

__all__ = ["wait_for"]


def wait_for(
    ws: Workspace,
    job_ids: list[str],
    *,
    timeout: float = 3600,
    resume_after: float | None = None,
    dispatch: Dispatch | None = None,
    on_progress: Callable[[list[Job]], None] | None = None,
    interval: float = 0.5,
    store: JobStore | None = None,
) -> list[Job]:
    """Poll job records until all end: one :meth:`JobStore.poll` per ``interval``
    for all the jobs (a stat per running job, a read only of the files that
    changed), so a client waiting on hundreds of jobs stays out of the worker's way;
    sooner when Redis announces that one of them ended (``job_events``), so the
    last job's end is noticed at once, not up to ``interval`` later.
    With ``resume_after`` (and the ``dispatch`` to send with), a job that made no
    progress for that many seconds gets its missing chunks sent again."""
    if resume_after is not None and dispatch is None:
        raise JobError("resuming stalled jobs needs a dispatch to send chunks with")
    store = store or JobStore(ws)
    with ended_events(ws.root, job_ids) as wait:  # subscribed before the first look
        return _wait(ws, store, job_ids, timeout, resume_after, dispatch, on_progress,
                     interval, wait)  # fmt: skip


def _wait(
    ws: Workspace,
    store: JobStore,
    job_ids: list[str],
    timeout: float,
    resume_after: float | None,
    dispatch: Dispatch | None,
    on_progress: Callable[[list[Job]], None] | None,
    interval: float,
    wait: Callable[[float], bool],
) -> list[Job]:
    deadline = time.monotonic() + timeout
    progress: dict[str, tuple[int, float]] = {}
    seen: dict[str, tuple[tuple[int, int, int], Job]] = {}
    while True:
        jobs = store.poll(job_ids, seen)
        if on_progress:
            on_progress(jobs)
        if all(j.state in ("done", "failed", "cancelled") for j in jobs):
            return jobs
        now = time.monotonic()
        for job in jobs:
            done = len(job.done_chunks)
            last = progress.get(job.id)
            if last is None or last[0] != done:
                progress[job.id] = (done, now)
            elif dispatch is not None and resume_after is not None and now - last[1] > resume_after:
                from .machine import resume_job  # the planner's imports, only to re-send

                resume_job(ws, job.id, dispatch)
                progress[job.id] = (done, now)
        if now > deadline:
            raise JobError(f"jobs {', '.join(job_ids)} did not finish within {timeout:.0f} s")
        wait(interval)

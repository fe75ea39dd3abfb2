"""The job supervisor: finds chunks of running jobs that nobody holds any more and
sends them again, so no job waits on a broker's timeout to recover.

Each round compares every running job's outstanding chunks (the job store) with
what the queues and the live workers hold (a :class:`BrokerView`, the queue's
business: ``jobs.supervisor``); ``core.recovery`` decides. Lost are chunks whose
worker was killed (a Redis broker gives an unacknowledged message back only after
its visibility timeout), and messages a broker restart dropped in flight.
"""

from __future__ import annotations

import time
from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol

from ..core.recovery import ChunkRef, judge
from ..workspace import Workspace
from .jobs_store import JobStore
from .machine import Dispatch, record_chunk_failure, resume_job

__all__ = ["BrokerView", "Supervisor", "Survey"]

# A job that was never marked sent in full (its sender died mid-way) is looked at
# after this long anyway.
UNSENT_GRACE_S = 60.0
# A chunk lost this often is recorded as failed instead of sent again forever. A
# loss is a whole worker or the broker going away with the chunk (a pool process
# that dies is seen by its worker, which sends the chunk again itself): a restart,
# as a rule, not the chunk's doing, so a good chunk survives a few; but a worker
# with a single process (``--pool solo``) killed by its chunk shows no other way.
# As ``jobs.config.MAX_RETURNS``, the same limit for what RabbitMQ hands back.
MAX_LOSSES = 5


@dataclass(frozen=True)
class Survey:
    held: frozenset[ChunkRef]  # chunks a queue or a live worker has a task of
    opaque: frozenset[str]  # queues that may hold chunks the view cannot list


class BrokerView(Protocol):
    def survey(self, queues: Set[str]) -> Survey:
        """What the broker's queues (``queues`` and the apply queue) and the live
        workers hold; raises when the broker cannot be asked."""
        ...


class Supervisor:
    """Rounds over one workspace; remembers the previous round's suspects."""

    def __init__(self, ws: Workspace, view: BrokerView, dispatch: Dispatch) -> None:
        self.ws, self.view, self.dispatch = ws, view, dispatch
        self.suspects: frozenset[ChunkRef] = frozenset()

    def forget(self) -> None:
        """After a round that could not see everything: suspect nothing from it."""
        self.suspects = frozenset()

    def round(self) -> dict[str, list[int]]:
        """One comparison; returns the chunks sent again, by job id."""
        now = time.time()
        jobs = [
            job
            for job in JobStore(self.ws).all()
            if job.state in ("queued", "running")
            and (job.dispatched is not None or now - job.created > UNSENT_GRACE_S)
        ]
        if not jobs:
            self.forget()
            return {}
        outstanding = {
            job.id: sorted(set(range(job.chunks)) - set(job.done_chunks)) for job in jobs
        }
        survey = self.view.survey({job.queue for job in jobs})
        opaque = [job.id for job in jobs if job.queue in survey.opaque]
        verdict = judge(outstanding, survey.held, opaque, self.suspects)
        self.suspects = verdict.suspects
        resent: dict[str, list[int]] = {}
        for ref in sorted(verdict.lost):
            resent.setdefault(ref.job_id, []).append(ref.chunk)
        for job_id, chunks in list(resent.items()):
            resent[job_id] = self._resend(job_id, chunks)
        return {job_id: chunks for job_id, chunks in resent.items() if chunks}

    def _resend(self, job_id: str, chunks: list[int]) -> list[int]:
        store = JobStore(self.ws)
        with store.editing(job_id) as job:
            for chunk in chunks:
                job.lost[str(chunk)] = job.lost.get(str(chunk), 0) + 1
            counts = dict(job.lost)
        plans = store.plans(job_id)
        again = []
        for chunk in chunks:
            if counts[str(chunk)] > MAX_LOSSES:
                reason = (
                    f"lost {counts[str(chunk)]} times (its worker or the broker went away "
                    "with it each time)"
                )
                record_chunk_failure(str(self.ws.root), job_id, chunk, plans[chunk]["keys"], reason)
            else:
                again.append(chunk)
        if again:
            resume_job(self.ws, job_id, self.dispatch, again)
        return again

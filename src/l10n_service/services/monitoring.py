"""What the service tells its operator: is it ready to work (``/readyz``), and
which jobs wait on a queue that no worker consumes.

The broker is asked by ``jobs.broker`` (the Celery adapter); its answers come in
as arguments, since services do not reach up into the job queue.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..storage import write_atomic
from ..workspace import Workspace
from .jobs_store import Job

__all__ = ["PUBLIC_WAITING", "Check", "Readiness", "check_workspace", "needs_workers", "readiness",
           "waiting_note", "waiting_notes"]  # fmt: skip

# A job in these states still needs workers.
_PENDING = ("queued", "running")
# What an anonymous reader of the public front page sees instead of a waiting note:
# queue names describe the deployment (engines, pairs, which workers are down).
PUBLIC_WAITING = "waiting for a translation worker"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ok else "not ready",
            "failed": [check.name for check in self.checks if not check.ok],
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in self.checks},
        }


def check_workspace(ws: Workspace) -> Check:
    """Readable (the articles are listed) and writable (a probe file is written
    atomically into ``.l10n`` and removed), as every job and upload needs."""
    probe = ws.state_dir / f".ready-{os.getpid()}"
    try:
        ws.slugs()
        write_atomic(probe, b"ready\n")
        probe.unlink()
    except Exception as exc:  # OSError, StorageError: either way not ready
        reason = str(exc).replace(str(ws.root), ".")
        return Check("workspace", False, f"cannot read or write the workspace: {reason}")
    return Check("workspace", True, "readable and writable")


def readiness(ws: Workspace, broker_error: str | None, *, embedded: bool) -> Readiness:
    """The workspace check, and the broker's: ``broker_error`` is None when it
    answered (``jobs.broker.ping``)."""
    if embedded:
        broker = Check("broker", True, "embedded (SQLite in the workspace)")
    elif broker_error is None:
        broker = Check("broker", True, "answers")
    else:
        broker = Check("broker", False, f"does not answer: {broker_error}")
    return Readiness((broker, check_workspace(ws)))


def waiting_note(job: Job, consumed: set[str] | None, apply_queue: str) -> str | None:
    """"waiting: no worker consumes mt.en-es" for a pending job whose MT queue (or
    the apply queue after it) no live worker consumes; None when some worker does,
    or when nobody can tell (``consumed`` is None)."""
    if consumed is None or job.state not in _PENDING:
        return None
    missing = [queue for queue in (job.queue, apply_queue) if queue not in consumed]
    return f"waiting: no worker consumes {', '.join(missing)}" if missing else None


def waiting_notes(
    jobs: Iterable[Job], consumed: set[str] | None, apply_queue: str
) -> dict[str, str]:
    """Job id -> note, for the jobs that have one."""
    notes = {job.id: waiting_note(job, consumed, apply_queue) for job in jobs}
    return {job_id: note for job_id, note in notes.items() if note}


def needs_workers(jobs: Iterable[Job]) -> bool:
    """Whether any job is pending, i.e. whether asking the workers is worth it."""
    return any(job.state in _PENDING for job in jobs)

"""Job records: one JSON file per job under ``.l10n/jobs``, updated under a lock.

Kept in the workspace (not only in Celery's result backend) because progress must
survive worker restarts and be readable by ``l10n status`` without a broker.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TypedDict

from filelock import FileLock

from ..errors import NotFoundError
from ..job_events import announce_ended
from ..storage import write_atomic
from ..workspace import Workspace

__all__ = ["Job", "JobFigures", "JobState", "JobStore"]

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
_ENDED = frozenset({"done", "failed", "cancelled"})


class JobFigures(TypedDict):
    """What :meth:`Job.to_dict` adds to the stored fields (the HTTP schema is built
    from both, see ``http.schemas``)."""

    progress: float
    segments_per_s: float
    eta_s: float | None
    # "waiting: no worker consumes mt.en-es", filled in by the callers that can ask
    # the workers (``services.monitoring.waiting_note``); None otherwise.
    waiting: str | None


@dataclass
class Job:
    id: str
    slug: str
    lang: str
    engine: str
    queue: str
    segments: int
    chunks: int
    created: float
    done_chunks: list[int] = field(default_factory=list)
    translated: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    finished: float | None = None
    state: JobState = "queued"
    notice: str = ""
    source: str = "en"
    resumed: int = 0
    reused: int = 0  # filled from the translation memory before MT, not sent to MT
    # When its chunks were last all handed to the broker (None while being sent): the
    # supervisor looks for lost chunks only in a job sent in full.
    dispatched: float | None = None
    # Chunk (as a string: JSON keys) -> how often the supervisor found it lost.
    lost: dict[str, int] = field(default_factory=dict)
    # Chunk -> the entries (msgctxt) it was counted failed for when it was given up
    # whole (its translation failed for good, or it was lost or redelivered too
    # often). A copy of it applied later all the same replaces that count.
    given_up: dict[str, list[str]] = field(default_factory=dict)

    def count_chunk(
        self, chunk: int, *, written: int, skipped: int, failed: dict[str, str],
        given_up: bool = False,
    ) -> bool:  # fmt: skip
        """Count one delivery's outcome of ``chunk``; False when it changed nothing.

        Copies of a chunk arrive in any order (redelivered by the broker, sent again
        by the supervisor, an errback racing a copy that got through), so the first
        applied outcome counts and stays; a chunk given up whole counts as failed
        only until a copy of it is applied after all: the figures say what the
        catalog holds, whatever the order."""
        key = str(chunk)
        if chunk in self.done_chunks:
            if given_up or key not in self.given_up:
                return False
            for ctxt in self.given_up.pop(key):  # a copy got through: undo the failure
                self.failed.pop(ctxt, None)
        else:
            self.done_chunks.append(chunk)
            if given_up:
                self.given_up[key] = sorted(failed)
        self.translated += written
        self.skipped += skipped
        self.failed.update(failed)
        return True

    @property
    def progress(self) -> float:
        return len(self.done_chunks) / self.chunks if self.chunks else 1.0

    def rate(self) -> float:
        """Segments per second so far."""
        end = self.finished or time.time()
        done = self.translated + self.skipped + len(self.failed)
        return done / max(end - self.created, 1e-6)

    def eta(self) -> float | None:
        rate = self.rate()
        remaining = self.segments - (self.translated + self.skipped + len(self.failed))
        return remaining / rate if rate > 0 and remaining > 0 else None

    def figures(self) -> JobFigures:
        return {
            "progress": round(self.progress, 4),
            "segments_per_s": round(self.rate(), 2),
            "eta_s": self.eta(),
            "waiting": None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), **self.figures()}


class JobStore:
    def __init__(self, ws: Workspace):
        self.root = ws.root
        self.dir = ws.state_dir / "jobs"
        self.loads = 0  # job files parsed by poll()

    def _path(self, job_id: str) -> Path:
        if not job_id.replace("-", "").isalnum():
            raise NotFoundError(f"no job {job_id!r}")
        return self.dir / f"{job_id}.json"

    def new(self, **fields: Any) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], created=time.time(), **fields)
        if job.chunks == 0:
            job.state, job.finished = "done", job.created
        self.save(job)
        return job

    def save(self, job: Job) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(job).items()}
        write_atomic(self._path(job.id), (json.dumps(data, indent=1) + "\n").encode())

    def save_plans(self, job_id: str, plans: list[dict[str, Any]]) -> None:
        """What each chunk carries, so missing chunks can be sent again."""
        data = json.dumps(plans, ensure_ascii=False).encode("utf-8")
        write_atomic(self.dir / f"{job_id}.chunks", data)

    def plans(self, job_id: str) -> list[dict[str, Any]]:
        self._path(job_id)  # validates the id
        loaded: list[dict[str, Any]] = json.loads((self.dir / f"{job_id}.chunks").read_text())
        return loaded

    def get(self, job_id: str) -> Job:
        try:
            data = json.loads(self._path(job_id).read_text("utf-8"))
        except FileNotFoundError:
            raise NotFoundError(f"no job {job_id!r}") from None
        return Job(**data)

    @contextmanager
    def editing(self, job_id: str) -> Iterator[Job]:
        """Change a job under its lock; an edit that ends it is announced to the
        clients waiting on it (``job_events``)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self._path(job_id)) + ".lock", timeout=60):
            job = self.get(job_id)
            was = job.state
            yield job
            self.save(job)
        if job.state in _ENDED and was not in _ENDED:
            announce_ended(self.root, job_id)

    def poll(
        self, job_ids: list[str], seen: dict[str, tuple[tuple[int, int, int], Job]]
    ) -> list[Job]:
        """The jobs, in order, in one pass over the store: a job that ended is not
        looked at again, one whose file is the same (inode, mtime, size: every save
        replaces the file) as in ``seen`` is not read again; ``seen`` is updated.
        What a waiting client calls once per tick for all its jobs (``loads``
        counts the files it parsed)."""
        jobs: list[Job] = []
        for job_id in job_ids:
            known = seen.get(job_id)
            if known is not None and known[1].state in _ENDED:
                jobs.append(known[1])
                continue
            if known is None:
                self._path(job_id)  # validates the id, once
            try:
                # A plain string: building a Path per job per tick cost 4x the stat.
                stat = os.stat(f"{self.dir}/{job_id}.json")
            except FileNotFoundError:
                raise NotFoundError(f"no job {job_id!r}") from None
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if known is not None and known[0] == stamp:
                jobs.append(known[1])
                continue
            job = self.get(job_id)
            self.loads += 1
            seen[job_id] = (stamp, job)
            jobs.append(job)
        return jobs

    def all(self) -> list[Job]:
        jobs = [Job(**json.loads(p.read_text("utf-8"))) for p in self.dir.glob("*.json")]
        return sorted(jobs, key=lambda j: j.created)

    def latest(self, slug: str, lang: str) -> Job | None:
        matching = [j for j in self.all() if j.slug == slug and j.lang == lang]
        return matching[-1] if matching else None

"""Machine-translation jobs over HTTP: enqueue with ``jobs.dispatch.enqueue_jobs``
(as ``l10n translate`` does: the broker asked before any job is created, what the
languages share looked up once), poll the job record.

The API only enqueues. Someone must consume the queues: ``l10n worker`` (with
``L10N_BROKER_URL`` for Redis, or without it on the embedded SQLite broker in the
workspace, then on the same machine). Unlike ``l10n translate``, the server does
not start an embedded worker itself: a web process that forks model-loading
workers per request would be the wrong place to hold MT memory. A job with no
worker stays ``queued``, which ``GET /jobs/{id}`` shows.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel

from ..auth import Permission, TokenRecord
from ..core.locales import normalize_locale
from ..errors import NotFoundError
from ..jobs import broker
from ..jobs.config import APPLY_QUEUE
from ..jobs.dispatch import enqueue_jobs
from ..services.jobs_store import Job, JobStore
from ..services.machine import cancel_job
from ..services.monitoring import needs_workers, waiting_notes
from ..settings import load_settings
from ..workspace import Workspace, validate_slug
from .deps import JsonBody, SlugParam, State, require
from .schemas import JobOut, JobsCreated, JobsRequest

__all__ = ["jobs_out", "router", "waiting_by_language"]

log = logging.getLogger("l10n_service.http")

router = APIRouter(tags=["jobs"])

_JOB_ID = re.compile(r"^[a-z0-9]{1,64}$")


def _bind_job_queue(ws: Workspace) -> None:
    """Make sure this workspace's chunks are published to its own queue.

    Without ``L10N_BROKER_URL`` the broker is a SQLite file in the workspace:
    ``jobs.dispatch`` publishes into the file of the workspace it is given, but a
    Celery app (``jobs.app``, if this process imported it: the workers it asks
    about) finds it from ``L10N_ROOT`` once, at its import; so set it while no app
    is imported. ``l10n serve`` runs one workspace
    per process and always matches; a process whose app was built for another
    workspace is logged. (With a real broker the queue is shared and each task
    carries its workspace.)
    """
    if not load_settings().embedded:
        return
    bound = os.environ.get("L10N_ROOT")
    if "l10n_service.jobs.app" not in sys.modules:
        os.environ["L10N_ROOT"] = str(ws.root)
    elif bound and FsPath(bound).resolve() != ws.root:
        log.warning(
            "this process's embedded job queue is in %s, not %s: start one server per workspace",
            bound,
            ws.root,
        )


def jobs_out(jobs: list[Job]) -> list[dict[str, Any]]:
    """The jobs as the API shows them: a pending job whose queue no live worker
    consumes says so in ``waiting`` (the workers are asked only when some job is
    pending, and their answer is cached for a few seconds)."""
    consumed = broker.consumed_queues() if needs_workers(jobs) else None
    notes = waiting_notes(jobs, consumed, APPLY_QUEUE)
    return [{**job.to_dict(), "waiting": notes.get(job.id)} for job in jobs]


def waiting_by_language(ws: Workspace) -> dict[tuple[str, str], str]:
    """(slug, lang) -> the note of that pair's latest job, for the front page."""
    latest: dict[tuple[str, str], Job] = {}
    for job in JobStore(ws).all():  # oldest first: the last one wins
        latest[(job.slug, job.lang)] = job
    pending = list(latest.values())
    consumed = broker.consumed_queues() if needs_workers(pending) else None
    notes = waiting_notes(pending, consumed, APPLY_QUEUE)
    return {(job.slug, job.lang): notes[job.id] for job in pending if job.id in notes}


Reviewer = Annotated[TokenRecord, Depends(require(Permission.JOBS))]


@router.post(
    "/articles/{slug}/jobs",
    status_code=202,
    response_model=JobsCreated,
    dependencies=[JsonBody],
    summary="Machine-translate an article into languages (one job per language)",
)
def create_jobs(
    slug: SlugParam,
    body: JobsRequest,
    _: Reviewer,
    app: State,
    request: Request,
    response: Response,
) -> JobsCreated:
    validate_slug(slug)
    # Validate every language before enqueueing any, so a typo starts nothing.
    langs = list(dict.fromkeys(normalize_locale(x) for x in body.languages))
    _bind_job_queue(app.ws)
    # The broker before any job: one that does not answer is a 503 and no job record.
    jobs = enqueue_jobs(app.ws, [slug], langs, engine=body.engine)
    if len(jobs) == 1:
        response.headers["Location"] = f"{request.scope.get('root_path', '')}/jobs/{jobs[0].id}"
    return JobsCreated.model_validate(
        {
            "jobs": [j.to_dict() for j in jobs],
            "notices": sorted({j.notice for j in jobs if j.notice}),
        }
    )


def _known_id(job_id: str) -> str:
    """A job id of the shape we issue, else 404 (never a path to look up)."""
    if not _JOB_ID.match(job_id):
        raise NotFoundError(f"no job {job_id[:80]!r}")
    return job_id


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(
    job_id: Annotated[str, Path(json_schema_extra={"pattern": _JOB_ID.pattern})],
    _: Reviewer,
    app: State,
) -> BaseModel:
    return JobOut.model_validate(jobs_out([JobStore(app.ws).get(_known_id(job_id))])[0])


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobOut,
    summary="Cancel a job: chunks still queued are dropped when they reach apply",
)
def cancel(
    job_id: Annotated[str, Path(json_schema_extra={"pattern": _JOB_ID.pattern})],
    _: Reviewer,
    app: State,
) -> BaseModel:
    return JobOut.model_validate(cancel_job(app.ws, _known_id(job_id)).to_dict())

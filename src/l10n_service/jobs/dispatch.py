"""Sending a job's chunks to the workers: the Celery side of
``services.machine.Dispatch``.

The services take this function as an argument instead of importing it, because
the tasks in ``jobs.app`` call the services: importing each other would be a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import uuid4

from ..core.recovery import chunk_task_id
from ..services.jobs_store import Job
from .config import APPLY_QUEUE

__all__ = ["send_chunks"]


def send_chunks(
    root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
) -> None:
    """Each chunk: translate on the job's queue, then apply on ``apply``; a chunk
    that fails for good is recorded by the errback, so the job still ends."""
    # Imported here, not above: the Celery app reads its broker settings (and, on the
    # embedded broker, the workspace from L10N_ROOT) when first imported, which the
    # caller may still be setting up (see ``http.jobs._bind_job_queue``).
    from .app import apply_chunk, chunk_failed, translate_chunk

    for index in indices:
        plan = plans[index]
        # Ids that name the chunk: the supervisor reads from a worker's task list
        # which chunks it holds (core.recovery).
        ident = {step: chunk_task_id(job.id, index, step, uuid4().hex[:10]) for step in "tae"}
        on_error = chunk_failed.s(root, job.id, index, plan["keys"]).set(
            queue=APPLY_QUEUE, task_id=ident["e"]
        )
        translate = translate_chunk.s(job.engine, job.source, job.lang, plan["texts"]).set(
            queue=job.queue, task_id=ident["t"]
        )
        apply = apply_chunk.s(root, job.id, index, plan["keys"]).set(
            queue=APPLY_QUEUE, task_id=ident["a"]
        )
        (translate.on_error(on_error) | apply).apply_async()

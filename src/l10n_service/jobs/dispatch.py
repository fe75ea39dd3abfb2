"""Sending a job's chunks to the workers: the queue's side of
``services.machine.Dispatch``, published with kombu, without importing Celery.

``l10n translate`` is a short-lived process: importing Celery (its app, its task
machinery, the settings table) cost it about 0.3 s of CPU per job before the first
chunk reached the broker, more than the rest of the enqueueing together. What
Celery sends for a chunk is one message in its task protocol 2 (headers, body of
args, kwargs and the "embed" of what runs next), which this module builds itself
and publishes with kombu, which the broker connection needs anyway. Celery's own
``(translate.on_error(failed) | apply).apply_async()`` sent exactly these
messages; ``tests/jobs/test_dispatch.py`` compares the two field by field and has
real workers run ours, on Redis and on RabbitMQ.

What the message must say, as Celery would: the task's name and id in the headers;
the queue as routing key on the default exchange, with the queue declared as a
Celery worker declares it (a direct exchange of its name, durable), so a chunk sent
before any worker started waits in it; the apply step as the one-link ``chain`` and
the errback in ``errbacks``, both as signature dicts the worker turns back into
tasks. The ``l10n_deliveries`` header is added by the worker when it re-sends a
redelivered chunk (``jobs.app._deliveries``); a first delivery carries none and
counts as one.

The services take ``send_chunks`` as an argument instead of importing it, because
the tasks in ``jobs.app`` call the services.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.recovery import chunk_task_id
from ..services.jobs_store import Job
from .config import APPLY_QUEUE, celery_config

__all__ = ["chunk_messages", "send_chunks"]

TRANSLATE_TASK = "l10n.translate_chunk"
APPLY_TASK = "l10n.apply_chunk"
FAILED_TASK = "l10n.chunk_failed"
# Celery's ``argsrepr_maxsize``: the arguments as logs and monitors show them.
ARGSREPR_MAX = 1024
# Celery's ``broker_connection_timeout``.
CONNECT_TIMEOUT_S = 4.0
# Where a worker would send a result over the RPC backend (tasks store none): one
# id per process, as Celery's ``app.thread_oid`` is.
_REPLY_TO = str(uuid.uuid4())


def send_chunks(
    root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
) -> None:
    """Each chunk: translate on the job's queue, then apply on ``apply``; a chunk
    that fails for good is recorded by the errback, so the job still ends."""
    # kombu here, not at the top: a waiting client that never re-sends imports none.
    import kombu.connection
    import kombu.entity
    import kombu.pools

    # kombu has no type hints: Any here rather than an ignore on every call.
    entity: Any = kombu.entity
    producers: Any = kombu.pools.producers
    # The embedded broker is the file of ``root``, the workspace the chunks are for,
    # whatever L10N_ROOT says (``l10n jobs resume JOB --root DIR`` sets none).
    config = celery_config(Path(root).resolve())
    messages = chunk_messages(root, job, plans, indices, config)
    queue = entity.Queue(job.queue, entity.Exchange(job.queue, "direct"), job.queue)
    connection = kombu.connection.Connection(  # type: ignore[no-untyped-call]
        config["broker_url"],
        transport_options=config.get("broker_transport_options", {}),
        connect_timeout=CONNECT_TIMEOUT_S,
    )
    # A pool per broker URL: the HTTP server and the worker's supervisor reuse one
    # connection across jobs; kombu resets its pools in a forked child.
    with producers[connection].acquire(block=True) as producer:
        for headers, body in messages:
            producer.publish(
                body,
                exchange="",
                routing_key=job.queue,
                serializer="json",
                headers=headers,
                delivery_mode=2,  # persistent: a chunk outlives a broker restart
                declare=[queue],
                retry=True,
                retry_policy=config["task_publish_retry_policy"],
                correlation_id=headers["id"],
                reply_to=_REPLY_TO,
                priority=None,
            )


def chunk_messages(
    root: str,
    job: Job,
    plans: Sequence[Mapping[str, Any]],
    indices: Iterable[int],
    config: Mapping[str, Any],
) -> list[tuple[dict[str, Any], list[Any]]]:
    """The (headers, body) of each chunk's first message, as Celery's task protocol
    2 has them (pure: no broker, no Celery)."""
    limits = [config.get("task_time_limit"), config.get("task_soft_time_limit")]
    origin = f"gen{os.getpid()}@{socket.gethostname()}"
    messages = []
    for index in indices:
        plan = plans[index]
        # Ids that name the chunk: the supervisor reads from a worker's task list
        # which chunks it holds (core.recovery).
        ident = {step: chunk_task_id(job.id, index, step, uuid.uuid4().hex[:10]) for step in "tae"}
        args = [job.engine, job.source, job.lang, plan["texts"]]
        headers: dict[str, Any] = {
            "lang": "py",
            "task": TRANSLATE_TASK,
            "id": ident["t"],
            "shadow": None,
            "eta": None,
            "expires": None,
            "group": None,
            "group_index": None,
            "retries": 0,
            "timelimit": limits,
            "root_id": ident["t"],
            "parent_id": None,
            "argsrepr": _short_repr(tuple(args)),
            "kwargsrepr": "{}",
            "origin": origin,
            "ignore_result": True,
            "replaced_task_nesting": 0,
            "stamped_headers": None,
            "stamps": {},
        }
        on_error = _signature(FAILED_TASK, [root, job.id, index, plan["keys"]], ident["e"])
        apply = _signature(APPLY_TASK, [root, job.id, index, plan["keys"]], ident["a"])
        apply["options"]["reply_to"] = _REPLY_TO
        embed = {"callbacks": None, "errbacks": [on_error], "chain": [apply], "chord": None}
        messages.append((headers, [args, {}, embed]))
    return messages


def _signature(task: str, args: list[Any], task_id: str) -> dict[str, Any]:
    """A task on ``apply`` as Celery serialises a signature."""
    return {
        "task": task,
        "args": args,
        "kwargs": {},
        "options": {"queue": APPLY_QUEUE, "task_id": task_id},
        "subtask_type": None,
        "immutable": False,
    }


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= ARGSREPR_MAX else text[: ARGSREPR_MAX - 3] + "..."

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.recovery import chunk_task_id
from ..errors import BrokerUnavailable
from ..services.jobs_store import Job
from .config import APPLY_QUEUE, celery_config

if TYPE_CHECKING:
    from ..services.machine import Dispatch
    from ..workspace import Workspace

__all__ = ["chunk_messages", "enqueue_jobs", "publisher", "send_chunks"]

TRANSLATE_TASK = "l10n.translate_chunk"
APPLY_TASK = "l10n.apply_chunk"
FAILED_TASK = "l10n.chunk_failed"
# Celery's ``argsrepr_maxsize``: the arguments as logs and monitors show them.
ARGSREPR_MAX = 1024
# Celery's ``broker_connection_timeout``.
CONNECT_TIMEOUT_S = 4.0
# How long a publishing client waits for an answer from a Redis broker.
SOCKET_TIMEOUT_S = 5.0
# Where a worker would send a result over the RPC backend (tasks store none): one
# id per process, as Celery's ``app.thread_oid`` is.
_REPLY_TO = str(uuid.uuid4())


def enqueue_jobs(
    ws: Workspace, slugs: Sequence[str], langs: Sequence[str], *, engine: str
) -> list[Job]:
    """``start_jobs`` as ``l10n translate`` and ``POST /articles/{slug}/jobs`` call it:
    an unknown article named first, then the broker asked (``publisher``), then the
    jobs created and sent on that connection."""
    from ..services.catalogs import require_sources
    from ..services.machine import start_jobs

    require_sources(ws, slugs)
    with publisher(ws.root) as dispatch:
        return start_jobs(ws, slugs, langs, engine=engine, dispatch=dispatch)


def send_chunks(
    root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
) -> None:
    """Each chunk: translate on the job's queue, then apply on ``apply``; a chunk
    that fails for good is recorded by the errback, so the job still ends. Connects
    first (:func:`publisher`); creating jobs opens the publisher before it creates
    them (:func:`enqueue_jobs`)."""
    with publisher(root) as send:
        send(root, job, plans, indices)


@contextmanager
def publisher(root: str | Path) -> Iterator[Dispatch]:
    """The broker of the workspace at ``root``, connected now, and a ``Dispatch``
    that publishes chunks on that connection.

    ``l10n translate`` and ``POST /articles/{slug}/jobs`` open it before they create
    a job (:func:`enqueue_jobs`): a broker that does not answer is then one line
    (``BrokerUnavailable``, HTTP 503) and no job record, where the job used to be
    written first and left behind failed ("could not enqueue"). It also keeps
    importing kombu and opening the connection (about 0.03 s) out of the job's own
    span, which starts when its record is created; a publish that fails after the
    connection was made still fails the job it was for (``services.machine``)."""
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
    options = dict(config.get("broker_transport_options", {}))
    if config["broker_url"].startswith(("redis", "rediss")):
        # A Redis that takes the connection and never answers would hold the
        # client for ever (kombu sets no socket timeout); AMQP's handshake is
        # bounded by ``connect_timeout`` already.
        options["socket_timeout"] = SOCKET_TIMEOUT_S
    connection = kombu.connection.Connection(  # type: ignore[no-untyped-call]
        config["broker_url"], transport_options=options, connect_timeout=CONNECT_TIMEOUT_S
    )
    # A pool per broker URL: the HTTP server and the worker's supervisor reuse one
    # connection across jobs; kombu resets its pools in a forked child.
    held = None
    try:
        held = producers[connection].acquire(block=True)
        pooled = held.connection
        if pooled.connected and not _answers(pooled):
            # Open when it was pooled (the HTTP server's, between two jobs) but the
            # broker went away since: kombu's ``connected`` is only what the client
            # last saw, and ``ensure_connection`` would take it as it is.
            pooled.collect()
        # One try: a broker that came back is connected to again; one that is away
        # raises here, before a job is created.
        pooled.ensure_connection(max_retries=0)
    except Exception as exc:  # any transport's error: the broker is not usable
        if held is not None:
            held.release()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise BrokerUnavailable(
            f"service unavailable: the broker ({connection.as_uri()}) does not answer: {reason}"
        ) from exc

    def send(
        root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
    ) -> None:
        messages = chunk_messages(root, job, plans, indices, config)
        queue = entity.Queue(job.queue, entity.Exchange(job.queue, "direct"), job.queue)
        for headers, body in messages:
            held.publish(
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

    with held:
        yield send


def _answers(connection: Any) -> bool:
    """Whether the broker of an open pooled ``connection`` is still there: a Redis
    PING, or for AMQP a read that finds the socket closed (a broker that stopped or
    restarted closed it); the embedded broker is a local file."""
    try:
        driver = connection.transport.driver_type
        if driver == "redis":
            connection.default_channel.client.ping()
        elif driver == "amqp":
            # Nothing to read (a timeout) is a socket still open.
            with suppress(TimeoutError):
                connection.drain_events(timeout=0)
    except Exception:  # any transport's error: reconnect (once)
        return False
    return True


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

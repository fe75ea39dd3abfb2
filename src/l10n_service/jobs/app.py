"""The Celery application and tasks. Tasks take plain data, call one service
function and return a small result; they hold no business logic.

Results are not stored: progress lives in the workspace's job records, and a result
backend that is down while a finished chunk reports would make Celery ack a chunk
whose work was never applied.
"""

from __future__ import annotations

import logging
from typing import Any

from billiard.einfo import ExceptionWithTraceback
from celery import Celery
from celery.exceptions import Ignore, WorkerLostError
from celery.signals import worker_process_shutdown, worker_shutdown
from celery.worker import state as worker_state
from celery.worker.request import Request

from ..errors import PoisonChunk, ServiceUnavailable, TransientEngineError
from ..mt.registry import close_engines
from ..services.machine import apply_chunk_result, record_chunk_failure, translate_texts
from .config import (
    DELIVERIES_HEADER,
    MAX_DELIVERIES,
    MAX_RETURNS,
    RETURNS_HEADER,
    celery_config,
)

__all__ = ["app", "apply_chunk", "chunk_failed", "translate_chunk"]

log = logging.getLogger("l10n_service.worker")
app = Celery("l10n_service")
app.config_from_object(celery_config())


@worker_process_shutdown.connect  # a prefork child ends
@worker_shutdown.connect  # the worker ends (the solo pool runs tasks in it)
def _close_engines(**_: Any) -> None:
    """Engines may hold helper processes: end them with the process that ran them."""
    close_engines()


def _count(request: Any, name: str, default: int) -> int:
    """A count carried in the message: a header (or the request attribute Celery
    makes of it)."""
    headers = request.headers or {}
    return int(headers.get(name) or getattr(request, name, default) or default)


class ChunkRequest(Request):  # type: ignore[misc]  # Celery ships no types
    """A chunk step as the worker's main process sees it. When the pool process
    running it dies (a segfault, the OOM killer: the chunk's doing, as far as anyone
    can tell), the step is sent again with its death count plus one and this copy
    acknowledged, instead of Celery's reject-and-requeue, which would look like any
    other redelivery (:func:`_give_up`). A task cancelled because the broker
    connection was lost, and a worker being shut down, are left to Celery."""

    def on_failure(
        self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False
    ) -> None:
        exc = exc_info.exception
        if isinstance(exc, ExceptionWithTraceback):
            exc = exc.exc
        died = (
            isinstance(exc, WorkerLostError)
            and not (self._already_cancelled or self._already_revoked)
            and not (worker_state.should_stop or worker_state.should_terminate)
        )
        if died and not self.acknowledged:
            context = self._context
            headers = dict(context.headers or {})
            headers.pop("redelivered", None)
            headers[DELIVERIES_HEADER] = _count(context, DELIVERIES_HEADER, 1) + 1
            headers[RETURNS_HEADER] = _count(context, RETURNS_HEADER, 0)
            try:
                self.task.signature_from_request(context, headers=headers).apply_async()
            except Exception:  # the broker is away: Celery's requeue, counted as a return
                log.warning("could not send %s again after its process died", self.id,
                            exc_info=True)
            else:
                self.acknowledge()  # Celery's reject below is then a no-op
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)


def _give_up(task: Any) -> str | None:
    """Why this delivery of a chunk step is the last (None: run it). The counts
    travel in the message, so the limits hold on every broker without a store.

    A pool process that died running the step counts against it
    (:class:`ChunkRequest`); past ``MAX_DELIVERIES`` it is given up. A message the
    broker hands out again marked ``redelivered`` (RabbitMQ at once, Redis after a
    reject, a lost connection or the visibility timeout) is not run: a copy with
    ``l10n_returns`` plus one (same task id, same next steps) is sent and this one
    acknowledged (``Ignore``); only past ``MAX_RETURNS`` is it given up."""
    request = task.request
    deliveries = _count(request, DELIVERIES_HEADER, 1)
    if deliveries > MAX_DELIVERIES:
        return f"gave up after {deliveries - 1} deliveries that never finished"
    if not (request.delivery_info or {}).get("redelivered"):
        return None
    returns = _count(request, RETURNS_HEADER, 0) + 1
    if returns > MAX_RETURNS:
        return f"gave up after {returns - 1} deliveries the broker handed back unfinished"
    headers = dict(request.headers or {})
    headers.pop("redelivered", None)  # kombu's Redis transport marks it here too
    headers.update({DELIVERIES_HEADER: deliveries, RETURNS_HEADER: returns})
    task.signature_from_request(headers=headers).apply_async()
    raise Ignore()


@app.task(
    name="l10n.translate_chunk",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    Request=ChunkRequest,
    ignore_result=True,
    # Only what may pass (mt.argos.engine_error says which); other errors fail the
    # chunk at once, and the errback records it.
    autoretry_for=(TransientEngineError,),
    retry_backoff=True,
    max_retries=3,
)
def translate_chunk(
    self: Any, engine: str, source: str, target: str, texts: list[str]
) -> dict[str, Any]:
    reason = _give_up(self)
    if reason is not None:  # the errback records the chunk failed
        raise PoisonChunk(reason)
    return translate_texts(engine, source, target, texts)


@app.task(
    name="l10n.apply_chunk", bind=True, acks_late=True, reject_on_worker_lost=True,
    Request=ChunkRequest, ignore_result=True,
    # The lock server (Redis) not answering is raised before anything is written,
    # and the chunk's translation is in this message: try it again, backing off up
    # to a minute (about 5 minutes in all), rather than let it go to be found lost
    # by the supervisor, translated again, and given up after MAX_LOSSES rounds.
    autoretry_for=(ServiceUnavailable,), retry_backoff=True, retry_backoff_max=60,
    max_retries=10,
)  # fmt: skip
def apply_chunk(
    self: Any, result: dict[str, Any], root: str, job_id: str, chunk: int,
    keys: list[dict[str, Any]],
) -> dict[str, int]:  # fmt: skip
    reason = _give_up(self)
    if reason is not None:  # no errback on this step: record it here
        record_chunk_failure(root, job_id, chunk, keys, f"PoisonChunk: {reason}")
        return {"written": 0, "skipped": 0, "failed": sum(len(k["contexts"]) for k in keys)}
    return apply_chunk_result(root, job_id, chunk, keys, result)


@app.task(name="l10n.chunk_failed", ignore_result=True)
def chunk_failed(
    request: Any, exc: BaseException, traceback: Any, root: str, job_id: str, chunk: int,
    keys: list[dict[str, Any]],
) -> None:  # fmt: skip
    """Errback: a chunk that failed for good is recorded, so the job still ends."""
    record_chunk_failure(root, job_id, chunk, keys, f"{type(exc).__name__}: {exc}")

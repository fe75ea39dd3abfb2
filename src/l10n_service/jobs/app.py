"""The Celery application and tasks. Tasks take plain data, call one service
function and return a small result; they hold no business logic.

Results are not stored: progress lives in the workspace's job records, and a result
backend that is down while a finished chunk reports would make Celery ack a chunk
whose work was never applied.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.exceptions import Ignore
from celery.signals import worker_process_shutdown, worker_shutdown

from ..errors import PoisonChunk, TransientEngineError
from ..mt.registry import close_engines
from ..services.machine import apply_chunk_result, record_chunk_failure, translate_texts
from .config import DELIVERIES_HEADER, MAX_DELIVERIES, celery_config

__all__ = ["app", "apply_chunk", "chunk_failed", "translate_chunk"]

app = Celery("l10n_service")
app.config_from_object(celery_config())


@worker_process_shutdown.connect  # a prefork child ends
@worker_shutdown.connect  # the worker ends (the solo pool runs tasks in it)
def _close_engines(**_: Any) -> None:
    """Engines may hold helper processes: end them with the process that ran them."""
    close_engines()


def _deliveries(task: Any) -> int:
    """How often this message was delivered, counted in the message itself, so the
    limit holds on every broker without a store of its own.

    A broker marks a message it hands out again ``redelivered``: its worker died or
    lost the connection before acknowledging it (RabbitMQ redelivers at once, Redis
    after the visibility timeout or a reject; both set the flag). Such a message is
    not run: a copy with the count plus one (same task id, same next steps) is sent
    and this one acknowledged (``Ignore``). Past ``MAX_DELIVERIES`` the count is
    returned for the caller to give up."""
    request = task.request
    headers = dict(request.headers or {})
    count = int(headers.get(DELIVERIES_HEADER) or getattr(request, DELIVERIES_HEADER, 1) or 1)
    if not (request.delivery_info or {}).get("redelivered"):
        return count
    count += 1
    if count > MAX_DELIVERIES:
        return count
    headers.pop("redelivered", None)  # kombu's Redis transport marks it here too
    task.signature_from_request(headers={**headers, DELIVERIES_HEADER: count}).apply_async()
    raise Ignore()


@app.task(
    name="l10n.translate_chunk",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
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
    deliveries = _deliveries(self)
    if deliveries > MAX_DELIVERIES:  # the errback records the chunk failed
        raise PoisonChunk(_gave_up(deliveries))
    return translate_texts(engine, source, target, texts)


@app.task(
    name="l10n.apply_chunk", bind=True, acks_late=True, reject_on_worker_lost=True,
    ignore_result=True,
)  # fmt: skip
def apply_chunk(
    self: Any, result: dict[str, Any], root: str, job_id: str, chunk: int,
    keys: list[dict[str, Any]],
) -> dict[str, int]:  # fmt: skip
    deliveries = _deliveries(self)
    if deliveries > MAX_DELIVERIES:  # no errback on this step: record it here
        record_chunk_failure(root, job_id, chunk, keys, f"PoisonChunk: {_gave_up(deliveries)}")
        return {"written": 0, "skipped": 0, "failed": sum(len(k["contexts"]) for k in keys)}
    return apply_chunk_result(root, job_id, chunk, keys, result)


def _gave_up(deliveries: int) -> str:
    return f"gave up after {deliveries - 1} deliveries that never finished"


@app.task(name="l10n.chunk_failed", ignore_result=True)
def chunk_failed(
    request: Any, exc: BaseException, traceback: Any, root: str, job_id: str, chunk: int,
    keys: list[dict[str, Any]],
) -> None:  # fmt: skip
    """Errback: a chunk that failed for good is recorded, so the job still ends."""
    record_chunk_failure(root, job_id, chunk, keys, f"{type(exc).__name__}: {exc}")

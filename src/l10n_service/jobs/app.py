"""The Celery application and tasks. Tasks take plain data, call one service
function and return a small result; they hold no business logic.

Results are not stored: progress lives in the workspace's job records, and a result
backend that is down while a finished chunk reports would make Celery ack a chunk
whose work was never applied.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import worker_process_shutdown, worker_shutdown

from ..errors import PoisonChunk, TransientEngineError
from ..mt.registry import close_engines
from ..services.machine import apply_chunk_result, record_chunk_failure, translate_texts
from .config import celery_config

__all__ = ["app", "apply_chunk", "chunk_failed", "translate_chunk"]

app = Celery("l10n_service")
app.config_from_object(celery_config())

# A chunk that keeps killing its worker (reject_on_worker_lost redelivers it) is
# given up after this many deliveries instead of looping forever.
MAX_DELIVERIES = 3


@worker_process_shutdown.connect  # a prefork child ends
@worker_shutdown.connect  # the worker ends (the solo pool runs tasks in it)
def _close_engines(**_: Any) -> None:
    """Engines may hold helper processes: end them with the process that ran them."""
    close_engines()


def _deliveries(task_id: str, attempt: int) -> int:
    """How often this attempt (a retry is a new attempt with the same task id) was
    delivered, counted in Redis when it is the broker."""
    url = str(app.conf.broker_url or "")
    if not url.startswith(("redis://", "rediss://")) or not task_id:
        return 1
    import redis

    client = redis.Redis.from_url(url)
    key = f"l10n:deliveries:{task_id}:{attempt}"
    count = int(client.incr(key))
    client.expire(key, 24 * 3600)
    return count


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
    deliveries = _deliveries(self.request.id, self.request.retries)
    if deliveries > MAX_DELIVERIES:
        raise PoisonChunk(f"gave up after {deliveries - 1} deliveries that never finished")
    return translate_texts(engine, source, target, texts)


@app.task(name="l10n.apply_chunk", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def apply_chunk(
    result: dict[str, Any], root: str, job_id: str, chunk: int, keys: list[dict[str, Any]]
) -> dict[str, int]:
    return apply_chunk_result(root, job_id, chunk, keys, result)


@app.task(name="l10n.chunk_failed", ignore_result=True)
def chunk_failed(
    request: Any, exc: BaseException, traceback: Any, root: str, job_id: str, chunk: int,
    keys: list[dict[str, Any]],
) -> None:  # fmt: skip
    """Errback: a chunk that failed for good is recorded, so the job still ends."""
    record_chunk_failure(root, job_id, chunk, keys, f"{type(exc).__name__}: {exc}")

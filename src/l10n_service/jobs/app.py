"""The Celery application and tasks. Tasks take plain data, call one service
function and return a small result; they hold no business logic."""

from __future__ import annotations

from typing import Any

from celery import Celery

from ..errors import EngineError
from .config import celery_config

__all__ = ["app", "apply_chunk", "translate_chunk"]

app = Celery("l10n_service")
app.config_from_object(celery_config())


class TransientEngineError(EngineError):
    """Worth a retry (a model file busy, memory pressure); nothing else is."""


@app.task(
    name="l10n.translate_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientEngineError,),
    retry_backoff=True,
    max_retries=3,
)
def translate_chunk(engine: str, source: str, target: str, texts: list[str]) -> dict[str, Any]:
    from ..services.machine import translate_texts

    return translate_texts(engine, source, target, texts)


@app.task(name="l10n.apply_chunk", acks_late=True, reject_on_worker_lost=True)
def apply_chunk(
    result: dict[str, Any], root: str, job_id: str, chunk: int, keys: list[dict[str, Any]]
) -> dict[str, int]:
    from ..services.machine import apply_chunk_result

    return apply_chunk_result(root, job_id, chunk, keys, result)

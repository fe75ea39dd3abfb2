"""What a worker tells its operator: one log line per task (name, id, queue, state,
run time, and the job and chunk for an apply), at INFO.

Celery's own lines ("received", "succeeded ... : <result>") are two per task and
print whole results; ours is one, with fields a JSON log shipper can index. The
hooks are Celery signals, connected by ``l10n worker`` (``install``), so a worker
started any other way keeps Celery's behaviour.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.signals import setup_logging, task_postrun, task_prerun

__all__ = ["QUIET_LOGGERS", "install"]

log = logging.getLogger("l10n_service.worker")

# Celery's per-task lines, left for DEBUG (their failures are still logged: ERROR).
QUIET_LOGGERS = ("celery.worker.strategy", "celery.app.trace")

_started: dict[str, float] = {}


def _on_prerun(task_id: str = "", **_: Any) -> None:
    _started[task_id] = time.monotonic()


def _on_postrun(
    task_id: str = "", task: Any = None, args: Any = (), state: str | None = None, **_: Any
) -> None:
    began = _started.pop(task_id, None)
    runtime = round(time.monotonic() - began, 3) if began is not None else None
    name = getattr(task, "name", "?")
    request = getattr(task, "request", None)
    delivery = getattr(request, "delivery_info", None) or {}
    fields: dict[str, Any] = {
        "task": name, "task_id": task_id, "state": state or "?", "runtime_s": runtime,
        "queue": delivery.get("routing_key") or "",
    }  # fmt: skip
    detail = ""
    if name == "l10n.apply_chunk" and len(args) >= 4:
        fields["job"], fields["chunk"] = args[2], args[3]
        detail = f" job={args[2]} chunk={args[3]}"
    elif name == "l10n.translate_chunk" and len(args) >= 4:
        fields["pair"], fields["texts"] = f"{args[1]}-{args[2]}", len(args[3])
        detail = f" {args[0]} {args[1]}->{args[2]} texts={len(args[3])}"
    level = logging.INFO if state == "SUCCESS" else logging.WARNING
    log.log(
        level, "%s[%s] %s in %ss on %s%s", name, task_id, state, runtime, fields["queue"],
        detail, extra=fields,
    )  # fmt: skip


def install(level: str, fmt: str) -> None:
    """Configure logging now and whenever Celery would (it sends ``setup_logging``
    in the worker and again in each prefork child; with a receiver it leaves the
    root logger alone), and log each task."""
    from ..logs import configure

    def _setup(**_: Any) -> None:
        configure(level, fmt, quiet=QUIET_LOGGERS)

    _setup()
    setup_logging.connect(_setup, weak=False)
    task_prerun.connect(_on_prerun, weak=False)
    task_postrun.connect(_on_postrun, weak=False)

"""Celery settings. Redis (or any broker) when L10N_BROKER_URL is set; otherwise an
embedded broker and result store in SQLite files inside the workspace, so the same
task code runs with no server at all."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..settings import load_settings

__all__ = [
    "APPLY_QUEUE",
    "DELIVERIES_HEADER",
    "MAX_DELIVERIES",
    "MAX_RETURNS",
    "RETURNS_HEADER",
    "celery_config",
]

# Catalog writes; MT queues are named by the engines (``Engine.queue_for``).
APPLY_QUEUE = "apply"
# A chunk that keeps killing its worker's pool process (a segfault, the OOM killer)
# is given up after this many deliveries instead of looping forever (``jobs.app``).
# Only those deaths count: the worker's main process sees them and sends the chunk
# again with the count plus one.
MAX_DELIVERIES = 3
# The message header that carries that count (1 + the pool processes that died
# running the step).
DELIVERIES_HEADER = "l10n_deliveries"
# A message the broker hands out again (its connection was lost, the broker or the
# whole worker restarted) is not the chunk's doing as a rule: a good chunk must
# survive a few restarts. It is given up only after this many, because a worker
# with a single process (``--pool solo``) killed by its chunk shows no other way.
MAX_RETURNS = 5
RETURNS_HEADER = "l10n_returns"


def workspace_root() -> Path:
    return Path(os.environ.get("L10N_ROOT", ".")).resolve()


def celery_config(root: Path | None = None) -> dict[str, Any]:
    """``root``: the workspace whose embedded broker to use (default ``L10N_ROOT``,
    read when called: a Celery app reads it once, at its import)."""
    settings = load_settings()
    backend: str | None
    if settings.embedded:
        state = (root or workspace_root()) / ".l10n"
        state.mkdir(parents=True, exist_ok=True)
        broker = f"sqla+sqlite:///{state / 'broker.sqlite'}"
        backend = f"db+sqlite:///{state / 'results.sqlite'}"
    else:
        broker = settings.broker_url or ""
        backend = settings.result_backend
    config: dict[str, Any] = {
        "broker_url": broker,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": APPLY_QUEUE,
        # The job supervisor (a thread in the worker that applies chunks); named
        # here, not imported by the app, because it sends chunks through the app.
        "include": ["l10n_service.jobs.supervisor"],
        # A chunk is redelivered if its worker dies mid-task; apply is idempotent.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_max_memory_per_child": int(os.environ.get("L10N_WORKER_MAX_MEMORY_KB", "2000000")),
        # Models load lazily on the first task, not in worker_process_init (4 s limit).
        "worker_proc_alive_timeout": 30,
        "task_soft_time_limit": 600,
        "task_time_limit": 660,
        "result_expires": 24 * 3600,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "task_track_started": True,
        # On a lost broker connection, late-ack tasks are cancelled and redelivered
        # (Celery 6's default) rather than finishing with an ack that cannot be sent.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
    }
    if backend:  # optional: tasks ignore their results (progress is in the job store)
        config["result_backend"] = backend
    # Publishing the next step of a chain must outlast a broker restart.
    config["task_publish_retry_policy"] = {
        "max_retries": 60, "interval_start": 0.5, "interval_step": 0.5, "interval_max": 2,
    }  # fmt: skip
    if broker.startswith(("redis", "rediss")):
        # A chunk whose worker died unacked comes back after the visibility timeout;
        # keep it above the hard time limit in production.
        visibility = int(os.environ.get("L10N_VISIBILITY_TIMEOUT", "900"))
        config["broker_transport_options"] = {
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 10)),
            "unacked_restore_throttle": 1,
        }
    return config

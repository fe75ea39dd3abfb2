"""Long-running processes: the HTTP server and Celery workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .base import RootOption, app, split, workspace

LogLevelOption = Annotated[
    str | None,
    typer.Option(
        "--log-level", envvar="L10N_LOG_LEVEL", show_default=False,
        help="DEBUG, INFO (default), WARNING, ERROR.",
    ),
]  # fmt: skip
LogFormatOption = Annotated[
    str | None,
    typer.Option(
        "--log-format", envvar="L10N_LOG_FORMAT", show_default=False,
        help="text (default) or json (one object per line).",
    ),
]  # fmt: skip


def _log_options(level: str | None, fmt: str | None) -> tuple[str, str]:
    from ..logs import resolve

    try:
        return resolve(level, fmt)
    except ValueError as exc:
        raise InputError(str(exc)) from None


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    log_level: LogLevelOption = None,
    log_format: LogFormatOption = None,
    root: RootOption = Path("."),
) -> None:
    """Serve the HTTP API and bundles."""
    import uvicorn

    from ..logs import logging_config

    level, fmt = _log_options(log_level, log_format)
    os.environ["L10N_ROOT"] = str(workspace(root).root)
    uvicorn.run(
        "l10n_service.http.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level=level.lower(), log_config=logging_config(level, fmt),
    )  # fmt: skip


# What a worker started without --queues consumes: both halves of a job (one
# process, the default), only the MT queues (stateless, scaled out: compose's
# mt-worker) or only ``apply`` (the catalogs' writer, which also supervises jobs).
ROLES = ("all", "mt", "apply")


def role_queues(role: str = "all") -> list[str]:
    """The queues of ``role``: ``apply``, every MT queue an engine installed here
    can serve, or both."""
    from ..jobs.config import APPLY_QUEUE
    from ..mt.registry import worker_queues

    if role == "apply":
        return [APPLY_QUEUE]
    mt = set(worker_queues())
    return sorted(mt if role == "mt" else {APPLY_QUEUE, *mt})


def default_queues() -> list[str]:
    """``apply`` and every MT queue an engine installed here can serve."""
    return role_queues("all")


@app.command()
def worker(
    queues: Annotated[str | None, typer.Option(help="Comma-separated queues.")] = None,
    role: Annotated[
        str | None,
        typer.Option(
            help="Without --queues: all (default: apply and every installed pair), mt "
            "(every installed pair, not apply) or apply (apply only).",
            show_default=False,
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="Pool size: processes (prefork) or threads. Default: 2 for threads, else 1.",
            show_default=False,
        ),
    ] = None,
    pool: Annotated[
        str | None,
        typer.Option(
            help="prefork, threads or solo. Default: threads when the worker serves an MT "
            "queue and apply (apply runs while the next chunk translates, on one engine "
            "pipeline), else prefork.",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Celery node name NAME@host (default l10n-<pid>), for health checks."),
    ] = None,
    log_level: LogLevelOption = None,
    log_format: LogFormatOption = None,
    root: RootOption = Path("."),
) -> None:
    """Run a Celery worker for translation and apply tasks (one log line per task
    at INFO). Without --queues: apply and every installed pair's queue (--role mt:
    only the pairs; --role apply: only apply), and pairs installed later, without a
    restart."""
    level, fmt = _log_options(log_level, log_format)
    if role is not None and role not in ROLES:
        raise InputError(f"--role {role!r}: choose {', '.join(ROLES)}")
    if role is not None and queues:
        raise InputError("--role and --queues: give one (--role picks the queues)")
    kind = role or "all"
    os.environ["L10N_ROOT"] = str(workspace(root).root)
    chosen = queues or ",".join(role_queues(kind))
    from ..jobs.config import APPLY_QUEUE
    from ..jobs.worker import default_concurrency, default_pool, engine_processes

    pool = pool or default_pool(split([chosen]), APPLY_QUEUE)
    concurrency = default_concurrency(pool) if concurrency is None else concurrency
    os.environ.setdefault("L10N_WORKER_CONCURRENCY", str(engine_processes(pool, concurrency)))
    from ..jobs import observe
    from ..jobs.app import app as celery_app

    observe.install(level, fmt)
    if not queues and kind != "apply":
        from ..jobs.follow import follow_installed_queues

        follow_installed_queues(celery_app, lambda: role_queues(kind))
    from ..jobs.worker import run_worker

    code = run_worker(
        celery_app, queues=chosen, concurrency=concurrency, pool=pool, loglevel=level,
        nodename=f"{name or f'l10n-{os.getpid()}'}@%h",
        # JSON logs: no banner (stdout) either, so a shipper reads only JSON lines.
        quiet=fmt == "json",
    )  # fmt: skip
    if code:
        raise SystemExit(code)

"""Long-running processes: the HTTP server and Celery workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .base import RootOption, app, workspace


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    root: RootOption = Path("."),
) -> None:
    """Serve the HTTP API and bundles."""
    import uvicorn

    os.environ["L10N_ROOT"] = str(workspace(root).root)
    uvicorn.run(
        "l10n_service.http.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="info",
    )  # fmt: skip


def default_queues() -> list[str]:
    """``apply`` and every MT queue an engine installed here can serve."""
    from ..jobs.config import APPLY_QUEUE
    from ..mt.registry import worker_queues

    return sorted({APPLY_QUEUE, *worker_queues()})


@app.command()
def worker(
    queues: Annotated[str | None, typer.Option(help="Comma-separated queues.")] = None,
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    pool: Annotated[str, typer.Option(help="prefork or solo.")] = "prefork",
    root: RootOption = Path("."),
) -> None:
    """Run a Celery worker for translation and apply tasks."""
    os.environ["L10N_ROOT"] = str(workspace(root).root)
    os.environ.setdefault("L10N_WORKER_CONCURRENCY", str(concurrency))
    from ..jobs.app import app as celery_app

    chosen = queues or ",".join(default_queues())
    celery_app.worker_main(
        ["worker", "-Q", chosen, "-c", str(concurrency), "-P", pool, "--loglevel", "WARNING",
         # No mingle (a fixed wait of about 1 s at start-up, to sync revoked tasks, which
         # jobs do not use: a cancel is a job record) and no gossip.
         "--without-mingle", "--without-gossip", "-n", f"l10n-{os.getpid()}@%h"]
    )  # fmt: skip

"""Start a Celery worker in this process without Celery's command line.

``app.worker_main([...])`` parses an argv with Celery's click CLI, and importing
that CLI (``celery.bin.celery``: every subcommand, click-repl, prompt_toolkit) cost
a fresh worker about 0.2 s of CPU before it did anything. What the ``worker``
subcommand does with its options is small (celery/bin/worker.py): resolve the node
name and the pool class, then ``app.Worker(...).start()``; this module does exactly
that with our options. ``celery -A workers.main worker`` still works as before.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = ["run_worker"]


def run_worker(
    app: Any,
    *,
    queues: str,
    concurrency: int,
    pool: str,
    nodename: str,
    loglevel: str,
    quiet: bool,
) -> int:
    """Run until the worker stops; its exit code. ``nodename`` may hold ``%h``,
    ``%n``, ``%d`` (Celery's node name format); ``pool`` is a pool name (prefork,
    solo, threads)."""
    from celery.concurrency import ALIASES, get_implementation
    from celery.utils.nodenames import default_nodename, host_format

    if pool not in ALIASES:
        raise InputError(f"unknown pool {pool!r}: one of {', '.join(sorted(ALIASES))}")
    worker = app.Worker(
        hostname=host_format(default_nodename(nodename)),
        pool_cls=get_implementation(pool),
        loglevel=loglevel,
        queues=queues,
        concurrency=concurrency,
        # No mingle (a fixed wait of about 1 s at start-up, to sync revoked tasks,
        # which jobs do not use: a cancel is a job record) and no gossip.
        without_mingle=True,
        without_gossip=True,
        quiet=quiet,
        no_color=None,
    )
    worker.start()
    return int(worker.exitcode or 0)

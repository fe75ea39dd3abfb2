"""Start a Celery worker in this process without Celery's command line.

``app.worker_main([...])`` parses an argv with Celery's click CLI, and importing
that CLI (``celery.bin.celery``: every subcommand, click-repl, prompt_toolkit) cost
a fresh worker about 0.2 s of CPU before it did anything. What the ``worker``
subcommand does with its options is small (celery/bin/worker.py): resolve the node
name and the pool class, then ``app.Worker(...).start()``; this module does exactly
that with our options. ``celery -A workers.main worker`` still works as before.

The pool. A worker that serves both halves of a job (an MT queue and ``apply``: the
default ``l10n worker``) runs Celery's ``threads`` pool with two threads, so one
chunk's apply runs while the next chunk translates, on the one engine instance of
the process: one Apertium pipeline per pair (~200 MB), one loaded argos model.
With ``prefork`` and one process, translate and apply took turns (1,491 segments:
3.1 s translating, then 0.6 s applying, one after the other); two processes would
each start their own pipeline and model. The engines serialise their own use (a
lock per Apertium pipeline; CTranslate2 queues concurrent calls on its one
translator) and the apply side is safe under threads: catalog and job-record locks
are flocks on a file descriptor per call, the kept catalogs hand an object to one
caller at a time, the index has a connection per thread. What a thread pool gives
up: Celery's task time limits are not enforced (the Apertium pipeline has its own
timeout, ``L10N_APERTIUM_TIMEOUT``), ``worker_max_memory_per_child`` does not
recycle anything, and a crash of an engine takes the whole worker down, not a pool
child: the chunk comes back when something starts the worker again (and the delivery
limit gives up a chunk that keeps doing it only then). A worker with only MT queues or only
``apply`` keeps ``prefork`` (compose scales those), as does any explicit ``--pool``.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = ["default_concurrency", "default_pool", "engine_processes", "run_worker"]


def default_pool(queues: list[str], apply_queue: str) -> str:
    """The pool of a worker consuming ``queues`` when none was asked for: ``threads``
    when it serves both an MT queue and apply, else ``prefork``."""
    if apply_queue in queues and any(q != apply_queue for q in queues):
        return "threads"
    return "prefork"


def default_concurrency(pool: str) -> int:
    """Two threads (one translating, one applying), else one process."""
    return 2 if pool == "threads" else 1


def engine_processes(pool: str, concurrency: int) -> int:
    """Processes that each load their own engines (``L10N_WORKER_CONCURRENCY``, which
    shares the cores between them): the pool's size for prefork, else one."""
    return concurrency if pool == "prefork" else 1


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

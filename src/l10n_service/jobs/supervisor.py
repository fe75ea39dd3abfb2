"""The job supervisor's Celery side: a thread in the worker that consumes ``apply``
(the one with the workspace), asking every few seconds what the queues and the live
workers hold, and sending lost chunks again (``services.supervision``).

What is held: the tasks live workers report (``inspect`` active, reserved and
scheduled, plus this process's own, which a busy solo pool cannot report), and the
messages waiting in the queues: listed by id on Redis; on RabbitMQ only counted, so a
non-empty queue may hold anything (RabbitMQ itself gives a dead consumer's messages
back at once, so there it only matters after a broker restart).

Several apply workers on one workspace: the one holding ``.l10n/supervisor.lock``
supervises; the lock dies with its process, and another takes over.

Loaded by the worker through Celery's ``include`` setting (``jobs.config``), not
imported by ``jobs.app``: this module sends chunks through ``jobs.dispatch``, which
imports the app.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Set
from typing import Any

from celery.signals import worker_process_init, worker_ready, worker_shutdown
from celery.worker import state as worker_state

from ..core.recovery import parse_task_id
from ..services.supervision import Supervisor, Survey
from ..workspace import Workspace
from .app import app
from .config import APPLY_QUEUE, workspace_root
from .dispatch import send_chunks

__all__ = ["CeleryView", "start", "supervisor_interval"]

log = logging.getLogger(__name__)

# A Redis queue longer than this is not read message by message: it counts as
# holding anything (its chunks will reach a worker before they could be lost).
MAX_LISTED = 5000
# Longer than any healthy round (inspect waits 2 s three times, publishing retries
# for up to a minute while the broker restarts).
ROUND_DEADLINE_S = 120.0
_stop = threading.Event()
_lock_fd: int | None = None  # this process supervises while it holds this flock


def supervisor_interval() -> float:
    """Seconds between rounds; a lost chunk is sent again after two rounds."""
    return float(os.environ.get("L10N_SUPERVISOR_INTERVAL", "5"))


class CeleryView:
    """What the broker and the live workers hold, asked through Celery."""

    def __init__(self, inspect_timeout: float = 2.0) -> None:
        self.inspect_timeout = inspect_timeout

    def survey(self, queues: Set[str]) -> Survey:
        ids = {r.id for r in (*worker_state.active_requests, *worker_state.reserved_requests)}
        ids |= self._worker_task_ids()
        opaque: set[str] = set()
        for queue in sorted({*queues, APPLY_QUEUE}):
            listed = self._waiting_ids(queue)
            if listed is None:
                opaque.add(queue)
            else:
                ids |= listed
        if APPLY_QUEUE in opaque:  # every job's chunks end in ``apply``
            opaque |= set(queues)
        held = {ref for ref in map(parse_task_id, ids) if ref is not None}
        return Survey(held=frozenset(held), opaque=frozenset(opaque))

    def _worker_task_ids(self) -> set[str]:
        # A connection of its own, not one from the app's pool: on Redis the replies
        # are awaited with a BRPOP, and a pool child forked meanwhile (after a child
        # died, or was recycled) runs kombu's after-fork cleanup of the pool, which
        # reads that BRPOP's reply on the inherited socket and hangs before the child
        # ever starts; Celery kills it after 30 s and forks another, again and again.
        with app.connection_for_write() as connection:
            inspect = app.control.inspect(timeout=self.inspect_timeout, connection=connection)
            ids: set[str] = set()
            for ask in (inspect.active, inspect.reserved, inspect.scheduled):
                for tasks in (ask() or {}).values():
                    for task in tasks:
                        request = task.get("request", task)  # scheduled ones are wrapped
                        if request.get("id"):
                            ids.add(str(request["id"]))
        return ids

    def _waiting_ids(self, queue: str) -> set[str] | None:
        """Task ids waiting in ``queue``; None when they cannot be listed and may
        be there."""
        url = str(app.conf.broker_url or "")
        if url.startswith(("redis://", "rediss://")):
            return _redis_waiting_ids(url, queue)
        with app.connection_for_read() as conn:
            try:
                count = int(conn.default_channel.queue_declare(queue=queue, passive=True)[1])
            except Exception as exc:  # no such queue: nothing waits in it
                if "NOT_FOUND" in str(exc) or "404" in str(exc):
                    return set()
                raise
        return set() if count == 0 else None


def _redis_waiting_ids(url: str, queue: str) -> set[str] | None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        if int(client.llen(queue)) > MAX_LISTED:
            return None
        raw: list[bytes | str] = client.lrange(queue, 0, -1)
    finally:
        client.close()
    ids: set[str] = set()
    for message in raw:
        try:
            headers: dict[str, Any] = json.loads(message).get("headers") or {}
        except ValueError:
            continue
        if headers.get("id"):
            ids.add(str(headers["id"]))
    return ids


def _run(ws: Workspace, interval: float) -> None:
    supervisor = Supervisor(ws, CeleryView(), send_chunks)
    while not _stop.wait(interval):
        if not _elected(ws):
            continue  # another apply worker supervises this workspace
        if not _round_within(supervisor, ROUND_DEADLINE_S):
            # A round that hangs (a broker connection that never answers) is left to
            # itself; the next rounds start afresh.
            log.warning("supervisor: a round took over %.0f s; starting afresh", ROUND_DEADLINE_S)
            supervisor = Supervisor(ws, CeleryView(), send_chunks)


def _round_within(supervisor: Supervisor, deadline: float) -> bool:
    """One round in its own thread; False when it did not end within ``deadline``."""

    def one() -> None:
        try:
            resent = supervisor.round()
        except Exception as exc:  # the broker is away: try again next round
            log.warning("supervisor: round skipped: %s", exc)
            supervisor.forget()
            return
        for job_id, chunks in resent.items():
            log.warning("supervisor: job %s: sent lost chunks %s again", job_id, chunks)

    thread = threading.Thread(target=one, name="l10n-supervisor-round", daemon=True)
    thread.start()
    thread.join(deadline)
    return not thread.is_alive()


def _elected(ws: Workspace) -> bool:
    """Hold ``.l10n/supervisor.lock`` (an flock: the kernel drops it with the process)."""
    global _lock_fd
    if _lock_fd is not None:
        return True
    fd = os.open(ws.state_dir / "supervisor.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _lock_fd = fd
    return True


def start(root: str | None = None, interval: float | None = None) -> threading.Thread:
    ws = Workspace.at(root or workspace_root())
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    _stop.clear()
    thread = threading.Thread(
        target=_run, args=(ws, interval or supervisor_interval()), name="l10n-supervisor",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return thread


@worker_ready.connect
def _on_ready(sender: Any = None, **_: Any) -> None:
    """Only a worker that applies chunks (it has the workspace) supervises; the
    embedded broker's single worker lives only as long as its ``translate``."""
    url = str(app.conf.broker_url or "")
    if url.startswith("sqla+") or APPLY_QUEUE not in app.amqp.queues.consume_from:
        return
    start()


@worker_process_init.connect
def _on_child(**_: Any) -> None:
    """A pool process forked after the election shares the lock's open file: close
    it, or an orphaned child would keep the lock after its main process died."""
    global _lock_fd
    if _lock_fd is not None:
        os.close(_lock_fd)
        _lock_fd = None


@worker_shutdown.connect
def _on_shutdown(**_: Any) -> None:
    _stop.set()

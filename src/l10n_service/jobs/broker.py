"""What an operator asks the broker, for ``/readyz``, ``/metrics`` and the
"waiting: no worker consumes ..." notes: does it answer, how many messages wait
in each queue, and which queues some live worker consumes.

Redis and RabbitMQ answer the same kombu calls: a passive ``queue_declare``
returns a queue's message count on both (Redis: the list's length). Which queues
have a consumer comes from the workers themselves (Celery's remote control
``active_queues``), since a Redis list has no notion of consumers. On the
embedded SQLite broker there are no remote workers to ask: every answer is
"unknown" (None), and ``l10n translate`` runs its own worker there anyway.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import kombu.connection

from ..settings import load_settings

__all__ = ["consumed_queues", "forget", "ping", "queue_depths"]

# Answers are cached this long: /metrics is scraped every few seconds and
# ``active_queues`` waits its whole timeout for replies.
CACHE_S = 10.0
INSPECT_TIMEOUT_S = 1.0
CONNECT_TIMEOUT_S = 2.0

# kombu has no type hints: one Any here rather than an ignore on every call.
Connection: Any = kombu.connection.Connection

_cache: dict[str, tuple[float, set[str] | None]] = {}
_cache_lock = threading.Lock()


def _url() -> str | None:
    """The broker's URL, or None on the embedded broker."""
    settings = load_settings()
    return None if settings.embedded else settings.broker_url


def _connect(connection: Any) -> None:
    """Connect once, without kombu's default wait of 2 s before a retry: a probe
    must answer quickly, and the caller asks again later anyway."""
    connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0)


def ping() -> str | None:
    """None when the broker answers (or is the embedded one), else why not, in one
    line (with the URL's password masked, as kombu prints it)."""
    url = _url()
    if url is None:
        return None
    connection = Connection(url, connect_timeout=CONNECT_TIMEOUT_S)
    try:
        _connect(connection)
        connection.default_channel  # noqa: B018 (opening a Redis channel pings it)
    except Exception as exc:  # any transport's error: the broker is not usable
        return f"{connection.as_uri()}: {type(exc).__name__}: {' '.join(str(exc).split())}"
    finally:
        connection.release()
    return None


def queue_depths(queues: Iterable[str]) -> dict[str, int] | None:
    """Messages waiting in each queue (0 for a queue that does not exist yet);
    None on the embedded broker or when the broker does not answer."""
    url = _url()
    if url is None:
        return None
    depths: dict[str, int] = {}
    try:
        with Connection(url, connect_timeout=CONNECT_TIMEOUT_S) as connection:
            _connect(connection)
            for queue in sorted(set(queues)):
                # A channel per queue: RabbitMQ closes the channel that asked
                # about a queue it does not have.
                channel = connection.channel()
                try:
                    _, count, _ = channel.queue_declare(queue=queue, passive=True)
                    depths[queue] = int(count)
                except connection.channel_errors:
                    depths[queue] = 0
                finally:
                    try:
                        channel.close()
                    except connection.connection_errors + connection.channel_errors:
                        pass
    except Exception:  # the broker went away: no figures rather than wrong ones
        return None
    return depths


def consumed_queues() -> set[str] | None:
    """Every queue some live worker consumes (cached for ``CACHE_S``); an empty set
    when no worker answers; None when nobody can tell (embedded broker, broker
    down)."""
    url = _url()
    if url is None:
        return None
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(url)
        if cached is not None and now - cached[0] < CACHE_S:
            return cached[1]
    answer = None if ping() else _ask_workers(url)
    with _cache_lock:
        _cache[url] = (time.monotonic(), answer)
    return answer


def forget() -> None:
    """Drop the cached answer (tests, and a worker that just changed its queues)."""
    with _cache_lock:
        _cache.clear()


def _ask_workers(url: str) -> set[str] | None:
    """Broadcast ``active_queues`` on ``url`` through an app of its own, not
    ``jobs.app``: that one reads its broker once, at import, and this question is
    about the broker configured now."""
    from celery import Celery

    probe = Celery("l10n-probe", broker=url, set_as_current=False)
    try:
        replies = probe.control.inspect(timeout=INSPECT_TIMEOUT_S).active_queues()
    except Exception:  # the broker is down: unknown, not "no consumer"
        return None
    finally:
        probe.close()
    return {queue["name"] for queues in (replies or {}).values() for queue in queues}

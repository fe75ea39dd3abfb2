"""One writer per catalog at a time: a lock file across processes on one machine,
and a Redis lock across machines when Redis is configured.

The Redis lock lives only ``L10N_LOCK_TTL`` seconds (default 10) unless its holder
renews it, which a live holder does every third of that: a holder killed with
SIGKILL (or a Redis restart that kept the key) blocks the catalog for seconds, not
for the longest write anyone could make. The lock file is released by the kernel
when its process dies.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from filelock import FileLock

from .errors import ConflictError, ServiceUnavailable
from .settings import load_settings

__all__ = ["catalog_lock", "check_lock_server", "lock_ttl", "redis_client"]

# How long a writer waits for the catalog (a live holder may write for a while).
LOCK_TIMEOUT_S = 120
# How long one Redis command may wait for an answer (a lock command takes
# microseconds): redis-py before 8 waits for ever on a server that hangs.
REDIS_TIMEOUT_S = 5.0

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def lock_ttl() -> float:
    return float(os.environ.get("L10N_LOCK_TTL", "10"))


@contextlib.contextmanager
def catalog_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    file_lock = FileLock(str(path.parent / f".{path.name}.lock"), timeout=LOCK_TIMEOUT_S)
    with file_lock:
        url = load_settings().redis_lock_url
        if not url:
            yield
            return
        import redis

        client = redis_client(url)
        ttl = lock_ttl()
        # Not thread-local: the renewal thread must see the owner's token.
        lock = client.lock(
            f"l10n:lock:{path}", timeout=ttl, blocking_timeout=LOCK_TIMEOUT_S, thread_local=False
        )
        try:
            acquired = lock.acquire()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            raise _unavailable(url, exc) from exc
        if not acquired:
            raise ConflictError(
                f"catalog {path} is still locked by another writer after {LOCK_TIMEOUT_S} s"
            )
        try:
            with _renewing(lock, ttl):
                yield
        finally:
            # The work is done: a lock that expired meanwhile (Redis restarted) is
            # no reason to fail it.
            with contextlib.suppress(redis.exceptions.LockError, redis.exceptions.ConnectionError):
                lock.release()


def check_lock_server() -> None:
    """Raise ServiceUnavailable when the lock server is configured and does not
    answer: for a caller whose writes come later, in another process (a job's
    chunks are applied by a worker), and would fail there, after the work."""
    url = load_settings().redis_lock_url
    if not url:
        return
    import redis

    try:
        redis_client(url).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        raise _unavailable(url, exc) from exc


def _unavailable(url: str, exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"service unavailable: the lock server (Redis at {_masked(url)}) does not answer: {exc}"
    )


def redis_client(url: str) -> Any:
    """One client (and connection pool) per URL per process: a new client per lock
    paid a TCP connect and the protocol handshake (three round trips) on every
    catalog write, 15-20 ms of a chunk's apply on a busy machine. redis-py's pool
    notices a fork and opens fresh connections in the child. Job records announce
    their end through it too (``job_events``)."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            import redis

            client = _clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
            )
        return client


def _masked(url: str) -> str:
    """``url`` with its password as ``**``, as kombu prints a broker's URL."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":**@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@contextlib.contextmanager
def _renewing(lock: Any, ttl: float) -> Iterator[None]:
    """Keep ``lock`` alive while the block runs: a thread that resets its expiry."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(ttl / 3):
            with contextlib.suppress(Exception):  # Redis away: the key expires, and the
                lock.reacquire()  # lock file still guards this machine

    thread = threading.Thread(target=renew, name="l10n-lock-renewal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()

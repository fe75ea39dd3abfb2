"""One writer per catalog at a time: a lock file across processes on one machine,
and a Redis lock across machines when Redis is configured."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock

from .settings import load_settings

__all__ = ["catalog_lock"]

LOCK_TIMEOUT_S = 120


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

        client = redis.Redis.from_url(url)
        lock = client.lock(
            f"l10n:lock:{path}", timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S
        )
        with lock:
            yield

"""A job's end announced over Redis, so a client waiting on it wakes at once.

``l10n translate --wait`` and ``l10n jobs wait`` look at the job records every
half second: between a worker finishing a job and its client noticing, a quarter
of a second on average, half at most, on top of a job that may itself take a
second. Where Redis is configured (``L10N_REDIS_URL``, or the Redis broker: what
the catalog lock uses), the job store publishes the id of each job that ends on
its workspace's channel, and the waiting client, subscribed before its first look
at the records, wakes on the end of a job it waits for and looks again at once.

The look every half second stays, as the bound: a client on RabbitMQ without
Redis, an announcement lost while Redis restarts, or a worker of an older version
costs only the old latency. Announcing is best effort: a job record is saved
whether or not Redis answers. Only ends are announced (one message per job, not
one per chunk): progress bars move at the polling pace, as before.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from .settings import load_settings

__all__ = ["announce_ended", "channel", "ended_events"]

log = logging.getLogger(__name__)

# How long a subscriber waits for Redis to confirm its subscription before it falls
# back to polling alone (a hang guard on a broken connection).
SUBSCRIBE_TIMEOUT_S = 2.0


def channel(root: Path) -> str:
    """The workspace's channel: workspaces share one Redis."""
    return f"l10n:jobs-ended:{Path(root).resolve()}"


def announce_ended(root: Path, job_id: str) -> None:
    """Publish that ``job_id`` ended (nothing without Redis; errors are dropped)."""
    url = load_settings().redis_lock_url
    if not url:
        return
    from .locking import redis_client

    try:
        redis_client(url).publish(channel(root), job_id)
    except Exception as exc:  # Redis away: the waiting client's poll still finds it
        log.debug("could not announce the end of job %s: %s", job_id, exc)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


@contextlib.contextmanager
def ended_events(root: Path, job_ids: Collection[str]) -> Iterator[Callable[[float], bool]]:
    """A ``wait(seconds)`` that returns early, True, when one of ``job_ids`` ends
    (announcements that arrive together are taken as one; other jobs of the
    workspace, other clients', wake nobody); a plain sleep without Redis or when
    subscribing fails. Subscribed on entry: an end announced after that is never
    missed."""
    wanted = {str(job_id) for job_id in job_ids}
    url = load_settings().redis_lock_url
    if not url:
        yield _sleep
        return
    import redis

    client: Any = redis.Redis.from_url(url, socket_connect_timeout=SUBSCRIBE_TIMEOUT_S)
    pubsub = client.pubsub()
    try:
        pubsub.subscribe(channel(root))
        confirmed = pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT_S)
        if not confirmed or confirmed.get("type") != "subscribe":
            raise redis.RedisError("no confirmation of the subscription")
    except (redis.RedisError, OSError) as exc:
        log.debug("waiting by polling alone: %s", exc)
        pubsub.close()
        client.close()
        yield _sleep
        return

    broken = False

    def wait(seconds: float) -> bool:
        nonlocal broken
        if broken:
            return _sleep(seconds)
        deadline = time.monotonic() + seconds
        try:
            while (left := deadline - time.monotonic()) > 0:
                message = pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
                if message is not None and _text(message["data"]) in wanted:
                    while pubsub.get_message(ignore_subscribe_messages=True, timeout=0.0):
                        pass
                    return True
            return False
        except (redis.RedisError, OSError) as exc:  # lost the connection: poll on
            log.debug("waiting by polling alone: %s", exc)
            broken = True
            return False

    try:
        yield wait
    finally:
        with contextlib.suppress(redis.RedisError, OSError):
            pubsub.close()
        client.close()

"""What each pytest-xdist worker must have to itself. ``make test`` runs the suite in
two processes (``-n 2``); they share the machine's Redis and ports, so:

- Redis: worker ``gwN`` uses database *base + N*, base being the one in
  ``L10N_TEST_REDIS_URL`` (``redis://127.0.0.1:6379/1`` -> gw0 on 1, gw1 on 2). A run
  with ``-n 0`` (or without xdist) is worker 0 and uses the base database alone.
- Ports: a worker only takes free ports whose number modulo the worker count is its
  own index, so two workers never pick the same port for their private servers
  (redis-server, rabbitmq-server, ``l10n serve``), even in the moment between
  choosing a port and the server binding it. They are drawn below Linux's ephemeral
  range (32768 and up), where the kernel puts the client sockets of everything else
  on the machine; not with ``bind(port 0)``, which on Linux only hands out even ports.

Temporary folders need nothing: pytest gives each worker its own ``basetemp``."""

from __future__ import annotations

import os
import random
import socket
from urllib.parse import urlsplit, urlunsplit

# Redis's default ``databases 16``: numbers 0-15.
REDIS_DATABASES = 16
# Where free_port draws from: above the well-known services, below the ephemeral range.
PORTS = range(20000, 32000)


def worker_index() -> int:
    """0 for ``gw0`` and for a run without workers."""
    return int((os.environ.get("PYTEST_XDIST_WORKER") or "gw0").removeprefix("gw"))


def worker_count() -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def worker_redis_url(base: str) -> str:
    """``base`` with its database number moved up by this worker's index."""
    parts = urlsplit(base)
    first = int(parts.path.strip("/") or 0)
    db = first + worker_index()
    if db >= REDIS_DATABASES:
        raise ValueError(
            f"xdist worker {worker_index()} would use Redis database {db} of {base}: "
            f"run fewer workers or start from a lower database (Redis has 0-15)"
        )
    return urlunsplit(parts._replace(path=f"/{db}"))


def free_port() -> int:
    """A port nobody listens on now, and one no other worker of this run would pick."""
    index, count = worker_index(), worker_count()
    start = PORTS.start + (index - PORTS.start) % count  # the first port of this residue
    for _ in range(1000):
        port = random.randrange(start, PORTS.stop, count)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # taken: draw again
                continue
        return port
    raise RuntimeError(f"no free port of residue {index} mod {count} in {PORTS}")

"""The container health check: is THIS container's process doing its job?

``python -m workers.healthcheck`` exits 0 when healthy, 1 otherwise (one line on
stderr saying why). What it checks:

- ``--node NAME`` (or ``L10N_WORKER_NODE=NAME``): a Celery worker started with
  ``-n NAME@%h`` answers a ping addressed to ``NAME@<this hostname>`` only.
  ``celery inspect ping`` without a destination succeeds when ANY worker on the
  broker answers, so a dead apply worker looked healthy while MT workers ran.
- ``--url URL``: the URL answers 2xx (the API's ``/healthz``, Flower's
  ``/healthcheck``).
- nothing: the API on ``http://127.0.0.1:8000/healthz`` (the image's default
  command), so the image's own HEALTHCHECK needs no arguments.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def ping_node(node: str, timeout: float) -> str | None:
    """None when ``node@hostname`` answers; else why not."""
    from l10n_service.jobs.app import app

    name = node if "@" in node else f"{node}@{socket.gethostname()}"
    try:
        replies = app.control.ping(destination=[name], timeout=timeout)
    except Exception as exc:  # the broker itself is down: unhealthy, say why
        return f"cannot reach the broker: {exc}"
    for reply in replies:
        if name in reply:
            return None
    return f"worker {name} did not answer a ping within {timeout:g} s"


def get_url(url: str, timeout: float) -> str | None:
    """None when ``url`` answers 2xx; else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = int(response.status)
    except (urllib.error.URLError, OSError) as exc:
        return f"{url}: {exc}"
    return None if 200 <= status < 300 else f"{url}: HTTP {status}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.healthcheck", description=__doc__)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--node", help="Celery node name (before the @) to ping")
    target.add_argument("--url", help="URL that must answer 2xx")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
    args = parser.parse_args(argv)
    node = args.node or (None if args.url else os.environ.get("L10N_WORKER_NODE"))
    problem = (
        ping_node(node, args.timeout) if node else get_url(args.url or DEFAULT_URL, args.timeout)
    )
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which pool ``l10n worker`` runs, and what the default one is for: a worker that
serves both halves of a job applies a chunk while the next one translates, in one
process (one engine instance). Real Redis, real worker processes, the test plugin
engine (tests/support/engine_plugin.py)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from l10n_service.jobs.config import APPLY_QUEUE
from l10n_service.jobs.worker import default_concurrency, default_pool, engine_processes
from l10n_service.workspace import Workspace
from tests.conftest import run_cli
from tests.support.engine_plugin import ENGINE, PLUGIN_PATH, plugin_env
from tests.support.jobs import worker_starter


@pytest.mark.parametrize(
    ("queues", "pool"),
    [
        (["apply", "mt.apertium.en-es", "mt.pseudo"], "threads"),  # the default worker
        (["mt.en-de", "apply"], "threads"),
        (["apply"], "prefork"),  # compose's apply worker
        (["mt.apertium.en-es", "mt.pseudo"], "prefork"),  # compose's MT workers
    ],
)
def test_default_pool(queues: list[str], pool: str) -> None:
    assert default_pool(queues, APPLY_QUEUE) == pool


def test_pool_sizes() -> None:
    assert default_concurrency("threads") == 2
    assert default_concurrency("prefork") == default_concurrency("solo") == 1
    # Processes that load engines: a thread pool shares the one process's.
    assert engine_processes("prefork", 3) == 3
    assert engine_processes("threads", 2) == engine_processes("solo", 1) == 1


@pytest.fixture
def start_worker(
    ws: Workspace, broker_env: dict[str, str]
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    with worker_starter(ws.root, broker_env) as start:
        yield start


def _pools() -> dict[str, dict[str, Any]]:
    """Each live worker's pool, by node name (before the @)."""
    from celery import Celery

    probe = Celery("test-probe", broker=os.environ["L10N_BROKER_URL"], set_as_current=False)
    try:
        replies = probe.control.inspect(timeout=1.0).stats() or {}
    finally:
        probe.close()
    return {node.split("@")[0]: stats["pool"] for node, stats in replies.items()}


def test_worker_pools_by_role(start_worker: Callable[..., subprocess.Popen[bytes]]) -> None:
    start_worker("--name", "both")
    start_worker("--role", "apply", "--name", "applier")
    start_worker("--role", "mt", "--name", "pairs", "--concurrency", "2")
    start_worker("--name", "chosen", "--pool", "prefork")
    found: dict[str, dict[str, Any]] = {}
    for _ in range(300):  # workers starting on a busy machine, not a speed limit
        found = _pools()
        if {"both", "applier", "pairs", "chosen"} <= set(found):
            break
        time.sleep(0.2)
    pools = {node: (p["implementation"].rsplit(".", 1)[-1], p["max-concurrency"])
             for node, p in found.items()}  # fmt: skip
    assert pools == {
        "both": ("thread:TaskPool", 2),
        "applier": ("prefork:TaskPool", 1),
        "pairs": ("prefork:TaskPool", 2),
        "chosen": ("prefork:TaskPool", 1),
    }


@pytest.mark.parametrize(("args", "overlaps"), [([], True), (["--pool", "prefork"], False)])
def test_the_default_worker_applies_while_it_translates(
    ws: Workspace,
    broker_env: dict[str, str],
    start_worker: Callable[..., subprocess.Popen[bytes]],
    args: list[str],
    overlaps: bool,
) -> None:
    """Two chunks; the second one's translation returns only once the first was
    applied meanwhile. The default worker (threads) does that; a prefork worker of
    one process cannot (translate and apply take turns), so the chunk fails there."""
    env = {
        **broker_env,
        **plugin_env(PLUGIN_PATH, L10N_SHOUT_AWAIT_APPLY="Trading"),
        "L10N_SHOUT_AWAIT_S": "60" if overlaps else "5",
        "L10N_CHUNK_SIZE": "2",
    }
    start_worker(*args, **env)
    run_cli("translate", "post", "--to", "eo", "--engine", ENGINE, "--wait", root=ws.root,
            env=env)  # fmt: skip
    (path,) = (ws.root / ".l10n" / "jobs").glob("*.json")
    job = json.loads(path.read_text())
    assert job["state"] == "done" and job["chunks"] == 2
    if overlaps:
        assert job["failed"] == {} and job["translated"] == 4
    else:
        assert job["translated"] == 2 and len(job["failed"]) == 2
        assert "no chunk was applied while this one translated" in str(job["failed"])

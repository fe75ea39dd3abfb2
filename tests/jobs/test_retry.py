"""Only transient engine failures are retried: a real worker process on a real
Redis broker runs the test plugin engine (tests/support/engine_plugin.py), made to
fail the way a dying helper process does (TransientEngineError: retried, the job
finishes) or for good (EngineError: recorded failed at once, never retried)."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.engine_plugin import ENGINE, PLUGIN_PATH, plugin_env

SLUG = "pyongyang-marathon"
BATCH = 3  # the plugin's batch_size


@pytest.fixture
def env(redis_url: str, tmp_path: Path) -> dict[str, str]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return plugin_env(
        PLUGIN_PATH,
        L10N_BROKER_URL=redis_url,
        L10N_CHUNK_SIZE="1000",  # one chunk: one retry decision to look at
        L10N_SHOUT_CALLS=str(tmp_path / "calls"),
    )


class Workers:
    """Real ``l10n worker`` processes, stopped the way a deployment stops them."""

    def __init__(self, root: Path, log: Path) -> None:
        self.root, self.log = root, log
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, env: dict[str, str]) -> None:
        with open(self.log, "ab") as log:
            self.processes.append(subprocess.Popen(
                [str(BIN / "l10n"), "worker", "--root", str(self.root), "--concurrency", "1"],
                env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            ))  # fmt: skip

    def stop(self) -> None:
        while self.processes:
            process = self.processes.pop()
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


@pytest.fixture
def workers(workspace: Path, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(workspace, tmp_path / "worker.log")
    yield running
    running.stop()


def _translate(workspace: Path, env: dict[str, str]) -> dict[str, Any]:
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("translate", SLUG, "--to", "eo", "--engine", ENGINE, "--wait", root=workspace,
            env=env)  # fmt: skip
    status = json.loads(run_cli("status", "--json", root=workspace).stdout)
    return dict(status["jobs"][-1])


def test_a_transient_failure_is_retried_and_the_job_finishes(
    workspace: Path, tmp_path: Path, env: dict[str, str], workers: Workers
) -> None:
    flaky = tmp_path / "flaky"
    env = {**env, "L10N_SHOUT_FLAKY": str(flaky)}
    workers.start(env)
    job = _translate(workspace, env)
    assert flaky.exists()  # it did fail once
    assert (job["state"], job["failed"], job["translated"]) == ("done", {}, job["segments"])
    calls = (tmp_path / "calls").read_text().split()
    assert len(calls) == 1 + math.ceil(job["segments"] / BATCH)  # the failed try, then all
    po = polib.pofile(str(workspace / "locales" / "eo" / "LC_MESSAGES" / f"{SLUG}.po"))
    assert all(e.msgstr == e.msgid.upper() for e in po)


def test_a_permanent_failure_is_recorded_without_retrying(
    workspace: Path, tmp_path: Path, env: dict[str, str], workers: Workers
) -> None:
    env = {**env, "L10N_SHOUT_BROKEN": "1"}
    workers.start(env)
    job = _translate(workspace, env)
    assert (job["state"], job["translated"]) == ("failed", 0)
    assert len(job["failed"]) == job["segments"] > 100
    assert set(job["failed"].values()) == {"EngineError: shout: broken for good"}
    assert (tmp_path / "calls").read_text().split() == [str(BATCH)]  # one try, no retry


def test_engines_are_closed_when_the_worker_stops(
    workspace: Path, tmp_path: Path, env: dict[str, str], workers: Workers
) -> None:
    """``Engine.close`` runs in the process that used the engine (a prefork child),
    so an engine's helper processes do not outlive their worker."""
    closed = tmp_path / "closed"
    env = {**env, "L10N_SHOUT_CLOSED": str(closed)}
    workers.start(env)
    assert _translate(workspace, env)["state"] == "done"
    assert not closed.exists()
    workers.stop()
    assert closed.read_text().split()  # at least the child that translated

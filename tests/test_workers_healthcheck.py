"""The containers' health check (workers/healthcheck.py) with real workers on Redis.

The point: a worker's check must fail when THAT worker stops answering, even while
other workers on the same broker answer (plain ``celery inspect ping`` does not).
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import BIN, REPO


def _check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.healthcheck", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _until(predicate: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture
def env(broker_env: dict[str, str], workspace: Path) -> dict[str, str]:
    return {
        **os.environ,
        "L10N_BROKER_URL": broker_env["L10N_BROKER_URL"],
        "L10N_ROOT": str(workspace),
        "PYTHONPATH": str(REPO),
    }


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """An apply worker and an MT worker, each with a fixed node name as in compose.yaml."""
    started = {}
    for node, queue in (("apply", "apply"), ("mt", "mt.pseudo")):
        log = (tmp_path / f"{node}.log").open("wb")
        started[node] = subprocess.Popen(
            [str(BIN / "celery"), "-A", "l10n_service.jobs.app", "worker", "-n", f"{node}@%h",
             "-Q", queue, "-P", "solo", "--loglevel", "WARNING"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    yield started
    for process in started.values():
        process.send_signal(signal.SIGCONT)
        process.terminate()
    for process in started.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_check_pings_only_its_own_node(
    workers: dict[str, subprocess.Popen[bytes]], env: dict[str, str]
) -> None:
    for node in workers:
        _until(lambda n=node: _check("--node", n, env=env).returncode == 0, f"{node} healthy")

    workers["apply"].send_signal(signal.SIGSTOP)  # alive but not answering, as when hung
    stopped = _check("--node", "apply", "--timeout", "3", env=env)
    assert stopped.returncode == 1
    assert (
        stopped.stderr.startswith("unhealthy: worker apply@") and "did not answer" in stopped.stderr
    )
    assert _check("--node", "mt", env=env).returncode == 0
    # The check this replaces: any worker's answer made every container look healthy.
    anyone = subprocess.run(
        [str(BIN / "celery"), "-A", "l10n_service.jobs.app", "inspect", "ping", "--timeout", "3"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert anyone.returncode == 0 and "mt@" in anyone.stdout and "apply@" not in anyone.stdout

    # The node name may also come from the environment (the image's HEALTHCHECK has no args).
    assert _check("--timeout", "3", env={**env, "L10N_WORKER_NODE": "apply"}).returncode == 1
    workers["apply"].send_signal(signal.SIGCONT)
    _until(lambda: _check("--node", "apply", env=env).returncode == 0, "apply healthy again")


def test_no_broker_is_unhealthy_with_a_reason(env: dict[str, str]) -> None:
    dead = {**env, "L10N_BROKER_URL": "redis://127.0.0.1:9/0"}
    result = _check("--node", "apply", "--timeout", "1", env=dead)
    assert result.returncode == 1
    assert result.stderr.startswith("unhealthy: ") and result.stderr.count("\n") == 1


class _Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(int(self.path.strip("/")))
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(("status", "code"), [(200, 0), (204, 0), (503, 1), (404, 1)])
def test_url_check_wants_2xx(http_server: str, env: dict[str, str], status: int, code: int) -> None:
    result = _check("--url", f"{http_server}/{status}", env=env)
    assert result.returncode == code, result.stderr
    if code:
        assert str(status) in result.stderr


def test_url_check_names_a_closed_port(env: dict[str, str]) -> None:
    result = _check("--url", "http://127.0.0.1:9/healthz", "--timeout", "2", env=env)
    assert result.returncode == 1 and "127.0.0.1:9" in result.stderr

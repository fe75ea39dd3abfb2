"""The Redis catalog lock: a live holder keeps it however long it writes; a holder
killed with SIGKILL leaves a key that expires within the short TTL, not after the
longest write anyone could make."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis

from l10n_service.locking import catalog_lock
from tests.conftest import SAMPLE, run_cli
from tests.support.brokers import free_port

TTL_S = 1


@pytest.fixture
def lock_env(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("L10N_REDIS_URL", redis_url)
    monkeypatch.setenv("L10N_LOCK_TTL", str(TTL_S))
    return redis_url


def _key(path: Path) -> str:
    return f"l10n:lock:{path}"


def test_a_live_holder_keeps_the_lock_past_its_ttl(lock_env: str, tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    client = redis.Redis.from_url(lock_env)
    with catalog_lock(path):
        time.sleep(3 * TTL_S)  # three TTLs: renewed, not expired
        assert client.exists(_key(path))
        other = client.lock(_key(path), timeout=TTL_S)
        assert not other.acquire(blocking=False)
    assert not client.exists(_key(path))


def test_a_killed_holders_lock_expires_within_the_ttl(
    lock_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "de.po"
    holder = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from l10n_service.locking import catalog_lock\n"
        "with catalog_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "L10N_LOCK_TTL": "5"}
    result = subprocess.run([sys.executable, "-c", holder, str(path)], env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.stdout == "held\n" and result.returncode == -9
    client = redis.Redis.from_url(lock_env)
    assert 0 < client.pttl(_key(path)) <= 5000  # the old lock kept it 120 s
    acquired = threading.Event()

    def take() -> None:
        with catalog_lock(path):
            acquired.set()

    taker = threading.Thread(target=take)
    taker.start()
    taker.join(timeout=300)  # hang guard
    assert acquired.is_set()


def test_one_connection_serves_every_lock_of_a_process(
    lock_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog write took a new Redis client: a connect and a handshake each time.
    Counted: connections opened for 20 locks in this process, then in a forked child
    (which must not share its parent's socket)."""
    check = redis.Redis.from_url(lock_env)
    check.ping()  # connected before counting starts
    opened: list[int] = []
    real = redis.connection.Connection._connect

    def counting(self: redis.connection.Connection) -> object:
        opened.append(os.getpid())
        return real(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)
    path = tmp_path / "de.po"
    for _ in range(20):
        with catalog_lock(path):
            assert check.exists(_key(path))
    assert len(opened) <= 1
    pid = os.fork()
    if pid == 0:  # the child: lock, and say how many connections it opened
        code = 1
        try:
            with catalog_lock(path):
                code = 0 if opened.count(os.getpid()) == 1 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with catalog_lock(path):  # the parent's connection still works
        pass
    assert not check.exists(_key(path))


@pytest.fixture
def dead_redis() -> str:
    """A Redis URL nothing listens on (with a password, which no message may show)."""
    return f"redis://:hunter2@127.0.0.1:{free_port()}/0"


def _stored(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(".lock") and not p.name.startswith("index.sqlite")
    }


def test_redis_down_is_one_line_and_loses_nothing(
    workspace: Path, dead_redis: str, tmp_path: Path
) -> None:
    """Every command that writes a catalog takes the Redis lock first: with Redis
    configured but not answering, one ``error:`` line naming it, exit 1 (a service
    that failed, as the README's exit table says), and nothing written."""
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    exported = tmp_path / "de.po"
    run_cli("export", "pyongyang-marathon", "--lang", "de", "-o", str(exported), root=workspace)
    before = _stored(workspace)
    for args in (
        ["add", str(SAMPLE), "--slug", "second"],
        ["update", "--lang", "fr"],
        ["translate", "pyongyang-marathon", "--to", "de", "--engine", "pseudo"],
        ["import", str(exported), "--slug", "pyongyang-marathon", "--lang", "de"],
        ["export", "pyongyang-marathon", "--lang", "de", "-o", str(tmp_path / "again.po")],
        ["bundle", "pyongyang-marathon"],
        ["remove", "pyongyang-marathon"],
    ):
        result = run_cli(*args, root=workspace, env={"L10N_REDIS_URL": dead_redis}, check=False)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, (args, result.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
        assert "Redis" in lines[0] and dead_redis.rsplit("@", 1)[1] in lines[0], lines
        assert "hunter2" not in lines[0]
    assert _stored(workspace) == before
    assert not (tmp_path / "again.po").exists()


def test_a_redis_that_never_answers_is_one_line_too(workspace: Path) -> None:
    """A port that takes connections and never replies (a hung or stopped server):
    the command gives up after the client's timeout instead of waiting for ever."""
    run_cli("add", str(SAMPLE), root=workspace)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshakes; nobody reads
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        result = run_cli("update", "--lang", "fr", root=workspace, env={"L10N_REDIS_URL": url},
                         check=False, timeout=120)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: service unavailable: the lock server") and url in lines[0]
    assert not (workspace / "locales" / "fr" / "LC_MESSAGES" / "pyongyang-marathon.po").exists()


@pytest.mark.parametrize("browser", [False, True])
def test_redis_down_is_503_through_the_api(
    workspace: Path, dead_redis: str, monkeypatch: pytest.MonkeyPatch, browser: bool
) -> None:
    from fastapi.testclient import TestClient

    from l10n_service.auth import TokenStore
    from l10n_service.http.app import create_app
    from l10n_service.workspace import Workspace

    _, secret = TokenStore.for_workspace(Workspace.at(workspace)).create("admin")
    tokens = _stored(workspace)
    monkeypatch.setenv("L10N_REDIS_URL", dead_redis)
    accept = "text/html" if browser else "application/json"
    with TestClient(create_app(workspace), raise_server_exceptions=False) as client:
        response = client.post(
            "/articles?slug=marathon", content=SAMPLE.read_bytes(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "text/plain",
                     "Accept": accept},
        )  # fmt: skip
    assert response.status_code == 503, response.text
    media = "text/html" if browser else "application/problem+json"
    assert response.headers["content-type"].startswith(media)
    assert "lock server" in response.text and "hunter2" not in response.text
    assert _stored(workspace) == tokens  # not an article without its template

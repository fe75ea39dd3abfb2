"""The Redis catalog lock: a live holder keeps it however long it writes; a holder
killed with SIGKILL leaves a key that expires within the short TTL, not after the
longest write anyone could make."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis

from l10n_service.locking import catalog_lock

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

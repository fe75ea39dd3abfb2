"""Fixtures for the HTTP API: one real workspace built by the real CLI (add, a pseudo
MT run on the embedded broker with a real worker process, bundle), copied per test
that writes, plus tokens of every role and a live ``l10n serve`` for the tests that
need a socket (browser, jobs with a worker)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from l10n_service.auth import TokenStore
from l10n_service.http.app import create_app
from l10n_service.workspace import Workspace
from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.parallel import free_port

SLUG = "pyongyang-marathon"
LANGS = ("de", "ar", "pt")


@pytest.fixture(autouse=True)
def _own_token_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens live in each workspace here, whatever the developer's shell says."""
    monkeypatch.delenv("L10N_TOKENS_FILE", raising=False)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article in en (source), de, ar and pt, pseudo-translated and
    bundled. Shared read-only: tests that write use ``published_copy``."""
    root = tmp_path_factory.mktemp("http") / "ws"
    run_cli("add", str(SAMPLE), root=root)
    # One chunk per language: the embedded broker polls, so fewer tasks is faster.
    run_cli("translate", SLUG, "--to", ",".join(LANGS), "--engine", "pseudo", root=root,
            env={"L10N_CHUNK_SIZE": "1000"})  # fmt: skip
    run_cli("bundle", SLUG, root=root)
    return root


def copy_workspace(source: Path, target: Path) -> Path:
    # symlinks=True: published bundles are symlinks into content-addressed versions.
    shutil.copytree(
        source, target, symlinks=True, ignore=shutil.ignore_patterns("*.lock", "tokens.json*")
    )
    return target


@pytest.fixture
def published_copy(published: Path, tmp_path: Path) -> Path:
    """A private copy of the published workspace, for tests that change it."""
    return copy_workspace(published, tmp_path / "ws")


@dataclass
class Api:
    """A TestClient on one workspace, with a token of each role at hand."""

    root: Path
    client: TestClient
    store: TokenStore

    def token(self, role: str, *langs: str, name: str = "") -> str:
        _, secret = self.store.create(role, languages=list(langs), name=name or role)
        return secret

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def make_api(root: Path, **kwargs: int) -> Api:
    app = create_app(root, **kwargs)
    # raise_server_exceptions=False: a crash must show up as the 500 a client sees.
    client = TestClient(app, raise_server_exceptions=False)
    return Api(root, client, TokenStore.for_workspace(Workspace.at(root)))


@pytest.fixture
def api(published_copy: Path) -> Api:
    return make_api(published_copy)


@pytest.fixture(scope="module")
def reader(published: Path) -> Api:
    """Read-only client on the shared workspace (public endpoints only)."""
    return make_api(published)


@dataclass
class LiveServer:
    url: str
    root: Path
    admin: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds the server process has used: what a request costs it, whatever
        else the machine (or another xdist worker) is doing meanwhile."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``l10n serve`` (uvicorn) on a free port, on its own copy of the workspace."""
    root = copy_workspace(published, tmp_path_factory.mktemp("live") / "ws")
    _, admin = TokenStore(root / ".l10n" / "tokens.json").create("admin", name="live-admin")
    port = free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115 (closed below)
    env = {k: v for k, v in os.environ.items() if k != "L10N_TOKENS_FILE"}
    process = subprocess.Popen(
        [str(BIN / "l10n"), "serve", "--port", str(port), "--root", str(root)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a hang guard for a busy machine
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"l10n serve exited {process.returncode}:\n{_tail(root / 'serve.log')}")
            try:
                if httpx.get(url + "/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"l10n serve did not answer in 120 s:\n{_tail(root / 'serve.log')}")
            time.sleep(0.1)
        yield LiveServer(url, root, admin, process.pid)
    finally:
        _stop(process)
        log.close()


def _tail(path: Path) -> str:
    return path.read_text("utf-8", errors="replace")[-3000:]


@pytest.fixture
def worker(live_server: LiveServer) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start a real Celery worker on the live workspace's embedded broker (on demand)."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        root = live_server.root
        env = {**os.environ, "L10N_ROOT": str(root)}
        cmd = [str(BIN / "l10n"), "worker", "--root", str(root), "--pool", "solo",
               "--queues", "apply,mt.pseudo"]  # fmt: skip
        log = open(root / "worker-test.log", "ab")  # noqa: SIM115 (lives with the worker)
        process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        _stop(process, grace=2)  # idle by now; tasks are idempotent anyway


def sample_entries() -> int:
    """How many catalog entries the sample article makes (one per distinct sentence)."""
    from l10n_service.core.formats import parse_article
    from tests.conftest import SAMPLE

    article = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug=SLUG)
    return len(article.unique_segments())


ENTRIES = sample_entries()

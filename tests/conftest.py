"""Shared fixtures. Runs before any test module imports argostranslate: its
settings are read once at import, so the XDG dirs are isolated here, first."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.parallel import worker_redis_url

if TYPE_CHECKING:
    from l10n_service.workspace import Workspace

_ISOLATED = Path(tempfile.mkdtemp(prefix="l10n-tests-home-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_ISOLATED / _var.lower())
for _var in ("L10N_BROKER_URL", "L10N_RESULT_BACKEND", "L10N_REDIS_URL", "ARGOS_PACKAGES_DIR"):
    os.environ.pop(_var, None)
os.environ["L10N_MT_THREADS"] = "1"

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
BIN = Path(sys.executable).parent
# Parallel checkouts point this at their own Redis server, so one run never flushes another's;
# each xdist worker takes the next database (tests/support/parallel.py).
REDIS_TEST_URL = worker_redis_url(os.environ.get("L10N_TEST_REDIS_URL", "redis://127.0.0.1:6379/8"))
# The article of the ``ws`` fixture: four sentences, one of them a title.
ARTICLE = (
    "Markets Rally After the Vote\n\n"
    "Stocks rose sharply on Monday after the parliament approved the budget. "
    "Analysts expect the rally to continue through the week.\n\n"
    "Trading volumes were the highest this year.\n"
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_ISOLATED, ignore_errors=True)


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text("utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def article_text() -> str:
    """The text ``ws`` is made from; a test module overrides this to use its own."""
    return ARTICLE


@pytest.fixture
def ws(workspace: Path, article_text: str) -> Workspace:
    """A workspace with one text article, ``post``, and its German catalog (all
    entries untranslated)."""
    from l10n_service.services.articles import add_article
    from l10n_service.services.catalogs import update_languages
    from l10n_service.workspace import Workspace

    ws = Workspace.at(workspace)
    add_article(ws, article_text.encode(), name="post.txt", slug="post")
    update_languages(ws, "post", ["de"])
    return ws


def run_cli(
    *args: str,
    root: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """The real ``l10n`` console script in a subprocess, as a user runs it."""
    cmd = [str(BIN / "l10n"), *args]
    if root is not None:
        cmd += ["--root", str(root)]
    result = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis; the suite fails (never skips) when there is none."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_TEST_URL} is required (make test starts it): {exc}")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()


@pytest.fixture
def broker_env(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test Redis as broker (emptied, the cached consumer answers forgotten),
    set in this process's environment and returned for worker subprocesses."""
    import redis

    from l10n_service.jobs import broker

    redis.Redis.from_url(redis_url).flushdb()
    broker.forget()
    env = {"L10N_BROKER_URL": redis_url, "L10N_RESULT_BACKEND": redis_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real argostranslate packages built offline: en->de and en->ar, accent mode."""
    from tests.support.tiny_argos import build_tiny_argos_package

    out = tmp_path_factory.mktemp("argos-packages")
    return {
        lang: build_tiny_argos_package(out / lang, "en", lang, mode="accent")
        for lang in ("de", "ar")
    }


@pytest.fixture(scope="session")
def installed_models(tiny_models: dict[str, Path]) -> dict[str, Path]:
    """The tiny packages installed through our own ``l10n models install``."""
    for path in tiny_models.values():
        run_cli("models", "install", str(path))
    return tiny_models

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

import pytest

_ISOLATED = Path(tempfile.mkdtemp(prefix="l10n-tests-home-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_ISOLATED / _var.lower())
for _var in ("L10N_BROKER_URL", "L10N_RESULT_BACKEND", "L10N_REDIS_URL", "ARGOS_PACKAGES_DIR"):
    os.environ.pop(_var, None)
os.environ["L10N_MT_THREADS"] = "1"

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
BIN = Path(sys.executable).parent
# Parallel checkouts point this at their own Redis server, so one run never flushes another's.
REDIS_TEST_URL = os.environ.get("L10N_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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

"""Which workspace a command uses when --root is not given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN, SAMPLE


@pytest.mark.parametrize("variable", ["L10N_ROOT", "L10N_ROOT_DIR"])
def test_workspace_from_the_environment(workspace: Path, tmp_path: Path, variable: str) -> None:
    """Containers set L10N_ROOT once (as the README documents) and every command
    uses it without --root; L10N_ROOT_DIR is the older name, kept working."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("L10N_ROOT", "L10N_ROOT_DIR")}
    env[variable] = str(workspace)
    result = subprocess.run(
        [str(BIN / "l10n"), "add", str(SAMPLE)],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (workspace / "articles/pyongyang-marathon.txt").is_file()
    assert not (elsewhere / "articles").exists()


def test_root_option_wins_over_the_environment(workspace: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    env = {**os.environ, "L10N_ROOT": str(other)}
    result = subprocess.run(
        [str(BIN / "l10n"), "add", str(SAMPLE), "--root", str(workspace)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (workspace / "articles").is_dir() and not (other / "articles").exists()

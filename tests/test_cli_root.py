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


def _without_root_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("L10N_ROOT", "L10N_ROOT_DIR")}


def test_root_before_the_command(workspace: Path, tmp_path: Path) -> None:
    """``l10n --root DIR status``: the option before the command is every command's
    default; one after the command still wins."""
    env = _without_root_env()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()

    def l10n(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "l10n"), *args], capture_output=True, text=True, cwd=elsewhere, env=env,
            timeout=300,
        )  # fmt: skip

    added = l10n("--root", str(workspace), "add", str(SAMPLE))
    assert added.returncode == 0, added.stderr
    assert (workspace / "articles/pyongyang-marathon.txt").is_file()
    status = l10n("--root", str(workspace), "status", "pyongyang-marathon", "--json")
    assert status.returncode == 0 and '"catalogs"' in status.stdout
    other = tmp_path / "other"
    other.mkdir()
    inner = l10n("--root", str(workspace), "status", "pyongyang-marathon", "--root", str(other))
    assert inner.returncode == 2 and "no article 'pyongyang-marathon'" in inner.stderr
    assert not (elsewhere / "articles").exists() and not (elsewhere / ".l10n").exists()


def test_every_command_group_reads_l10n_root(workspace: Path, tmp_path: Path) -> None:
    """One command of each group run from an unrelated folder with only L10N_ROOT
    set: articles, review, jobs, translation memory, tokens; nothing lands in the
    current folder."""
    env = {**_without_root_env(), "L10N_ROOT": str(workspace)}
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()

    def l10n(*args: str) -> str:
        result = subprocess.run(
            [str(BIN / "l10n"), *args], capture_output=True, text=True, cwd=elsewhere, env=env,
            timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    l10n("add", str(SAMPLE))
    l10n("update", "--lang", "fr")
    assert (workspace / "locales/fr/LC_MESSAGES/pyongyang-marathon.po").is_file()
    assert "pyongyang-marathon" in l10n("status")
    assert "msgid" in l10n("export", "pyongyang-marathon", "--lang", "fr")
    l10n("check", "pyongyang-marathon", "fr")
    assert l10n("jobs", "list") == ""
    assert "0 translation units" in l10n("tm", "stats")
    assert (workspace / ".l10n/tm.sqlite").exists()
    l10n("tokens", "create", "--role", "admin", "--name", "ops")
    assert "ops" in l10n("tokens", "list")
    assert (workspace / ".l10n/tokens.json").is_file()
    assert list(elsewhere.iterdir()) == []

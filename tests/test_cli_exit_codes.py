"""Exit codes as the README's CLI section documents them: 2 for a user error or
something that does not exist, with one ``error:`` line and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli


@pytest.fixture
def added(workspace: Path) -> Path:
    run_cli("add", str(SAMPLE), root=workspace)
    return workspace


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["translate", "pyongyang-marathon", "--to", "de", "--engine", "google"],
         "unknown engine 'google'"),
        (["translate", "nosuch", "--to", "de"], "no article 'nosuch'"),
        (["export", "pyongyang-marathon", "--lang", "fr"], "no catalog for 'pyongyang-marathon'"),
        (["status", "nosuch"], "no article 'nosuch'"),
        (["jobs", "cancel", "0123456789ab"], "no job '0123456789ab'"),
        # The error line only: no empty progress bar drawn before it.
        (["jobs", "wait", "0123456789ab"], "no job '0123456789ab'"),
    ],
)  # fmt: skip
def test_user_errors_exit_2(added: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, root=added, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not (added / ".l10n/jobs").exists() or not list((added / ".l10n/jobs").glob("*.json"))


def test_an_engine_without_the_pair_fails_and_creates_no_catalog(added: Path) -> None:
    result = run_cli("translate", "pyongyang-marathon", "--to", "fi", "--engine", "argos",
                     root=added, check=False)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: engine 'argos' cannot translate en -> fi")
    assert not (added / "locales" / "fi").exists()

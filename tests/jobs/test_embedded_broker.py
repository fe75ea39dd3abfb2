"""With no broker configured, Celery runs on SQLite files in the workspace and the
CLI starts (and stops) a real worker process itself: the demo's path."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib

from tests.conftest import SAMPLE, run_cli


def test_translate_without_any_server(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    result = run_cli("translate", "pyongyang-marathon", "--to", "fr", "--engine", "pseudo",
                     root=workspace)  # fmt: skip
    assert "done" in result.stdout
    assert (workspace / ".l10n" / "broker.sqlite").exists()
    po = polib.pofile(str(workspace / "locales/fr/LC_MESSAGES/pyongyang-marathon.po"))
    assert all(e.msgstr.startswith("[") for e in po)
    assert all("pseudo-localisation" in e.comment for e in po)
    status = json.loads(run_cli("status", "--json", root=workspace).stdout)
    assert status["jobs"][-1]["state"] == "done"
    # The worker the CLI started is gone.
    ps = subprocess.run(["pgrep", "-f", f"worker --root {workspace}"], capture_output=True)
    assert ps.returncode == 1


def test_auto_engine_falls_back_to_pseudo_with_one_clear_line(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    result = run_cli("translate", "pyongyang-marathon", "--to", "it", root=workspace)
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "pseudo-localisation" in notes[0]


def test_machine_output_never_replaces_human_work(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("update", "--lang", "fr", root=workspace)
    path = workspace / "locales/fr/LC_MESSAGES/pyongyang-marathon.po"
    po = polib.pofile(str(path))
    po[3].msgstr = "Traduction humaine."
    po.save()
    run_cli("translate", "pyongyang-marathon", "--to", "fr", "--engine", "pseudo", root=workspace)
    po = polib.pofile(str(path))
    assert po[3].msgstr == "Traduction humaine." and "machine" not in po[3].flags
    assert all(e.msgstr for e in po)

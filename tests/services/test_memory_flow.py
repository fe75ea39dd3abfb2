"""Human work feeds the translation memory; the next article's job reuses it before
any MT, so shared sentences cost no MT and keep the human wording."""

from __future__ import annotations

import json
from pathlib import Path

import polib

from tests.conftest import run_cli

FIRST = "First Story\n\nThe marathon starts at dawn. Runners came from far away.\n"
SECOND = "Second Story\n\nThe marathon starts at dawn. Nobody expected the rain.\n"


def test_approved_sentences_are_reused_by_the_next_job(workspace: Path, tmp_path: Path) -> None:
    for name, text in (("first", FIRST), ("second", SECOND)):
        (tmp_path / f"{name}.txt").write_text(text)
    run_cli("add", str(tmp_path / "first.txt"), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    catalog = workspace / "locales/de/LC_MESSAGES/first.po"
    po = polib.pofile(str(catalog))
    for entry in po:
        entry.msgstr = "DE: " + entry.msgid
    upload = tmp_path / "first-de.po"
    po.save(str(upload))
    run_cli("import", str(upload), "--slug", "first", "--lang", "de", root=workspace)
    run_cli("approve", "first", "de", "--all", "--by", "rita", root=workspace)
    assert (workspace / ".l10n" / "tm.sqlite").exists()

    run_cli("add", str(tmp_path / "second.txt"), root=workspace)
    out = run_cli("translate", "second", "--to", "de", "--engine", "pseudo", root=workspace)
    assert "1 reused from the translation memory" in out.stdout
    entries = {
        e.msgid: e for e in polib.pofile(str(workspace / "locales/de/LC_MESSAGES/second.po"))
    }
    reused = entries["The marathon starts at dawn."]
    assert reused.msgstr == "DE: The marathon starts at dawn."
    assert "fuzzy" not in reused.flags and "tm: approved in first#" in reused.comment
    assert entries["Nobody expected the rain."].msgstr.startswith("[")  # went to MT
    job = json.loads(run_cli("status", "--json", root=workspace).stdout)["jobs"][-1]
    assert job["reused"] == 1 and job["segments"] == 2  # title + the new sentence

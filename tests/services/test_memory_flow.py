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


def test_tmx_round_trip_through_the_cli(workspace: Path, tmp_path: Path) -> None:
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" '
        'datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" '
        'creationtool="t" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="en"><seg>Good morning.</seg></tuv>'
        '<tuv xml:lang="de"><seg>Guten Morgen.</seg></tuv></tu></body></tmx>\n',
        "utf-8",
    )
    assert "imported 1" in run_cli("tm", "import", str(tmx), root=workspace).stdout
    assert "1 translation units" in run_cli("tm", "stats", root=workspace).stdout
    out = tmp_path / "out.tmx"
    run_cli("tm", "export", str(out), root=workspace)
    assert "Guten Morgen." in out.read_text("utf-8")

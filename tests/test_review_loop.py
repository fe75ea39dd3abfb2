"""The whole review loop on the sample article, through the real command line:
add -> translate (pseudo) -> export -> a translator edits -> meanwhile another upload
and a source edit change the catalog -> import with a conflict -> resolved ->
approve -> bundle. The published page shows approved human text where there is
some, flagged machine text where the policy allows it, the source elsewhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib

from tests.conftest import SAMPLE, run_cli

SLUG = "pyongyang-marathon"
ADDED = "\nThe organisers promised another edition next spring.\n"


def _paragraph_sentences(pot: polib.POFile) -> list[polib.POEntry]:
    """Plain sentences (no placeholders) that occur once: safe to edit by text."""
    return [e for e in pot if ".p" in e.msgctxt and "<" not in e.msgid and len(e.occurrences) == 1]


def _write(path: Path, changes: dict[str, str]) -> None:
    po = polib.pofile(str(path))
    for e in po:
        if e.msgctxt in changes:
            e.msgstr = changes[e.msgctxt]
            e.flags = []
    po.save()


def test_review_loop(workspace: Path, tmp_path: Path) -> None:
    article = tmp_path / f"{SLUG}.txt"
    shutil.copy(SAMPLE, article)
    run_cli("add", str(article), root=workspace)
    run_cli("translate", SLUG, "--to", "de", "--engine", "pseudo", root=workspace)
    run_cli("export", SLUG, "--lang", "de", "-o", str(tmp_path / "alice.po"), root=workspace)
    run_cli("export", SLUG, "--lang", "de", "-o", str(tmp_path / "bob.po"), root=workspace)

    pot = polib.pofile(str(workspace / "locales" / f"{SLUG}.pot"))
    title = pot[0].msgctxt
    heading = next(e.msgctxt for e in pot if e.msgid == "Table of Contents")
    plain, bobs, edited = _paragraph_sentences(pot)[:3]
    _write(tmp_path / "alice.po", {
        title: "Die triumphale Rückkehr des internationalen Marathons in Nordkorea",
        heading: "Inhaltsverzeichnis",
        plain.msgctxt: "Alices Übersetzung.",
        edited.msgctxt: "Alices Satz vor der Änderung.",
    })  # fmt: skip
    _write(tmp_path / "bob.po", {title: "Bobs Titel", bobs.msgctxt: "Bobs Satz."})

    # Meanwhile: Bob's upload lands, and the editor changes one sentence and adds one.
    bob = run_cli("import", str(tmp_path / "bob.po"), "--slug", SLUG, "--lang", "de",
                  root=workspace)  # fmt: skip
    assert "(3-way): 2 updated" in bob.stdout
    source = article.read_text().replace(edited.msgid, edited.msgid.replace(".", " indeed."))
    article.write_text(source + ADDED)
    run_cli("add", str(article), root=workspace)

    catalog = workspace / "locales" / "de" / "LC_MESSAGES" / f"{SLUG}.po"
    before = catalog.read_bytes()
    args = ("import", str(tmp_path / "alice.po"), "--slug", SLUG, "--lang", "de")
    clash = run_cli(*args, root=workspace, check=False)
    assert clash.returncode == 3 and catalog.read_bytes() == before  # 3: conflicts
    assert f"conflict {title}" in clash.stderr
    assert "ours: Bobs Titel" in clash.stderr and "theirs: Die triumphale" in clash.stderr
    assert clash.stderr.splitlines()[-1].startswith("error: ")
    as_json = json.loads(run_cli(*args, "--json", root=workspace, check=False).stdout)
    assert [c["id"] for c in as_json["conflicts"]] == [title]

    done = run_cli(*args, "--take", f"{title}=theirs", root=workspace)
    assert "1 conflicts resolved" in done.stdout and "1 fuzzy (source changed)" in done.stdout
    changed = next(e for e in polib.pofile(str(catalog)) if "indeed" in e.msgid)
    assert changed.msgstr == "Alices Satz vor der Änderung." and "fuzzy" in changed.flags
    assert changed.previous_msgid == edited.msgid

    checked = json.loads(run_cli("check", SLUG, "de", "--json", root=workspace,
                                 check=False).stdout)  # fmt: skip
    assert {"issues", "errors", "warnings"} <= set(checked)
    approved = run_cli("approve", SLUG, "de", "--id", title, "--id", heading, "--by", "rita",
                       root=workspace)  # fmt: skip
    assert "approved 2 entries" in approved.stdout

    strict = run_cli("bundle", SLUG, "--to", "de", "--policy", "approved-only", root=workspace,
                     check=False)  # fmt: skip
    assert strict.returncode == 1
    assert "not published: coverage" in strict.stderr and "below the minimum 80%" in strict.stderr
    assert not (workspace / "bundles" / SLUG / "de").exists()

    run_cli("bundle", SLUG, root=workspace)
    out = workspace / "bundles" / SLUG / "de"
    doc = json.loads((out / "bundle.json").read_text())
    shown = {s["entry"]: s for b in doc["blocks"] for s in b["segments"]}
    assert shown[title]["state"] == "approved" and shown[title]["text"].startswith("Die triumph")
    assert shown[heading]["state"] == "approved"
    assert (shown[plain.msgctxt]["state"], shown[plain.msgctxt]["text"]) == (
        "translated", "Alices Übersetzung.",
    )  # fmt: skip
    assert shown[bobs.msgctxt]["text"] == "Bobs Satz."
    assert shown[changed.msgctxt]["state"] == "source-fallback"  # fuzzy: needs review
    new = next(s for s in shown.values() if s["source"] == ADDED.strip())
    assert (new["state"], new["fallback_reason"]) == ("source-fallback", "untranslated")
    machine = [s for s in shown.values() if s["state"] == "machine"]
    assert machine and all("engine=pseudo" in s["provenance"] for s in machine)
    page = (out / "index.html").read_text()
    assert "Die triumphale Rückkehr des internationalen Marathons in Nordkorea" in page
    assert "machine-translated by pseudo-localisation" in page
    assert "shown in the source language" in page
    assert ADDED.strip() in page

"""A format added from outside ``src/`` runs through the whole pipeline.

``tests/support/srt_format.py`` is one module and ``tests/support/l10n_with_srt.py``
one ``register`` call; with them the real CLI adds a SubRip file, updates its
catalogs, machine-translates it on the embedded broker with a real worker process
(pseudo engine), and publishes bundles with every rendition, the ``.srt`` rebuilt in
its own format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import polib

from tests.conftest import REPO

SRT = REPO / "tests" / "data" / "articles" / "briefing.srt"


def l10n(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    # One chunk (the embedded broker polls); help on one line per option.
    env = {**os.environ, "L10N_CHUNK_SIZE": "1000", "COLUMNS": "200"}
    for name in ("L10N_BROKER_URL", "L10N_RESULT_BACKEND"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.l10n_with_srt", *args, "--root", str(root)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def test_subrip_add_update_translate_bundle(workspace: Path) -> None:
    help_text = l10n("add", "--help", root=workspace).stdout
    assert "md, html, text or srt" in help_text and "plain text, SubRip subtitles" in help_text

    added = l10n("add", str(SRT), "--explain", root=workspace).stdout
    assert "(srt, 4 blocks, 5 segments)" in added and "p3" in added
    assert (workspace / "articles" / "briefing.srt").read_bytes() == SRT.read_bytes()
    l10n("update", "--lang", "de", root=workspace)
    translated = l10n("translate", "briefing", "--to", "de", "--engine", "pseudo", root=workspace)
    assert "done, 5 translated, 0 failed" in translated.stdout
    po = polib.pofile(str(workspace / "locales" / "de" / "LC_MESSAGES" / "briefing.po"))
    assert len(po) == 5 and all(e.msgstr and "machine" in e.flags for e in po)
    l10n("bundle", "briefing", root=workspace)

    source = SRT.read_text("utf-8")
    en = workspace / "bundles" / "briefing" / "en"
    assert (en / "article.srt").read_text("utf-8") == source
    de = workspace / "bundles" / "briefing" / "de"
    assert {p.name for p in de.iterdir() if not p.name.startswith((".", "v", "current"))} == {
        "bundle.json", "index.html", "article.md", "article.srt",
    }  # fmt: skip
    doc = json.loads((de / "bundle.json").read_text("utf-8"))
    jsonschema.validate(doc, json.loads((REPO / "docs" / "bundle.schema.json").read_text()))
    assert doc["article"]["format"] == "srt" and doc["coverage"]["machine"] == 5
    assert [b["id"] for b in doc["blocks"]] == ["p1", "p2", "p3", "p4"]
    rebuilt = (de / "article.srt").read_text("utf-8")
    # Numbers, timings, tags and the URL stay; every text line is the pseudo translation.
    assert rebuilt.count("-->") == 4 and "<i>" in rebuilt
    assert "https://example.org/marathon" in rebuilt
    assert rebuilt.splitlines()[:2] == source.splitlines()[:2]
    assert rebuilt.splitlines()[2] != source.splitlines()[2]
    page = (de / "index.html").read_text("utf-8")
    assert '<html lang="de"' in page and "pseudo-localisation" in page
    assert (de / "article.md").read_text("utf-8").count("\n\n") >= 3

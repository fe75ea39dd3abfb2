"""Unmodified machine output is never human work: real MT jobs (pseudo and the real
Apertium pipeline, chunks applied by the production code, sent inline instead of
through a broker), then a translator who only clears ``fuzzy``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import polib
import pytest

from l10n_service.core.post_edit import MT_TEXT_PREFIX
from l10n_service.errors import InputError
from l10n_service.services.bundles import build_bundles
from l10n_service.services.catalogs import approve_entries, catalog_status
from l10n_service.services.jobs_store import Job
from l10n_service.services.machine import apply_chunk_result, start_job, translate_texts
from l10n_service.workspace import Workspace
from tests.conftest import run_cli
from tests.support.catalogs import edit

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "bundle.schema.json").read_text())


def inline(root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]) -> None:
    """A Dispatch that runs each chunk's two tasks here, in order."""
    for i in indices:
        plan = plans[i]
        result = translate_texts(job.engine, job.source, job.lang, list(plan["texts"]))
        apply_chunk_result(root, job.id, i, list(plan["keys"]), result)


def translate(ws: Workspace, lang: str, engine: str) -> polib.POFile:
    start_job(ws, "post", lang, engine=engine, dispatch=inline)
    return polib.pofile(str(ws.po_path("post", lang)))


def accept_all(ws: Workspace, lang: str) -> None:
    """What a translator does in a PO editor with one keystroke per entry."""
    path = ws.po_path("post", lang)
    po = polib.pofile(str(path))
    for entry in po:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save()


def test_the_machine_text_is_kept_beside_its_provenance(ws: Workspace) -> None:
    po = translate(ws, "es", "apertium")
    for entry in po:
        lines = entry.comment.splitlines()
        assert lines[-2].startswith("mt: engine=apertium kind=rule-based")
        assert json.loads(lines[-1].removeprefix(MT_TEXT_PREFIX)) == {
            "kind": "rule-based", "text": entry.msgstr,
        }  # fmt: skip


def test_clearing_fuzzy_leaves_machine_output_machine(ws: Workspace) -> None:
    po = translate(ws, "es", "apertium")
    accept_all(ws, "es")
    (row,) = catalog_status(ws, "post")[-1:]
    assert (row.machine, row.translated, row.unmodified_machine) == (len(po), 0, len(po))
    assert row.machine_share == 1.0
    first = po[0].msgctxt
    edit(ws.po_path("post", "es"), first, po[0].msgstr + " Hoy.")
    row = catalog_status(ws, "post")[-1]
    assert (row.machine, row.translated, row.unmodified_machine) == (len(po) - 1, 1, len(po) - 1)
    assert row.machine_share == round((len(po) - 1) / len(po), 4)


def test_approve_refuses_unmodified_machine_output_unless_asked(ws: Workspace) -> None:
    po = translate(ws, "es", "apertium")
    accept_all(ws, "es")
    report = approve_entries(ws, "post", "es", who="rita")
    assert (report.approved, report.machine) == (0, len(po))
    assert f"{len(po)} entries are unmodified machine output" in report.machine_message
    assert "--include-machine" in report.machine_message
    with pytest.raises(InputError, match="--include-machine"):
        approve_entries(ws, "post", "es", who="rita", ids=[po[0].msgctxt])
    assert catalog_status(ws, "post")[-1].approved == 0  # nothing written
    report = approve_entries(ws, "post", "es", who="rita", include_machine=True, force=True)
    assert report.approved == len(po)
    row = catalog_status(ws, "post")[-1]
    assert (row.approved, row.machine, row.unmodified_machine) == (len(po), 0, len(po))


def test_pseudo_text_is_never_approved(ws: Workspace) -> None:
    po = translate(ws, "ar", "pseudo")
    accept_all(ws, "ar")
    for ids in (None, [e.msgctxt for e in po]):
        for force in (False, True):
            try:
                report = approve_entries(
                    ws, "post", "ar", who="rita", ids=ids, include_machine=True, force=force
                )
            except InputError as exc:
                assert ids and f"{len(po)} entries are unmodified pseudo" in str(exc)
            else:
                assert ids is None and (report.approved, report.pseudo) == (0, len(po))
    assert catalog_status(ws, "post")[-1].approved == 0
    # An approval written by hand does not make pseudo text a translation either.
    hand = polib.pofile(str(ws.po_path("post", "ar")))
    from l10n_service.core.states import approval_comment

    for entry in hand:
        entry.tcomment = approval_comment("rita", "2026-01-01T00:00:00Z", entry.msgstr)
    hand.save()
    assert catalog_status(ws, "post")[-1].approved == 0
    (built,) = build_bundles(ws, "post", ["ar"], policy="approved-only", min_coverage=0)
    assert built.coverage["approved"] == 0 and built.coverage["machine"] == 0


def test_publishing_treats_unmodified_machine_output_as_machine(ws: Workspace) -> None:
    po = translate(ws, "es", "apertium")
    accept_all(ws, "es")
    first = po[0]
    edit(ws.po_path("post", "es"), first.msgctxt, first.msgstr + " Hoy.")
    (human,) = build_bundles(ws, "post", ["es"], policy="human", min_coverage=0)
    doc = json.loads((human.path / "bundle.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    states = {s["entry"]: s for b in doc["blocks"] for s in b["segments"]}
    assert states[first.msgctxt]["state"] == "translated"
    assert 0 < states[first.msgctxt]["machine_edit"] < 0.5
    others = [s for entry, s in states.items() if entry != first.msgctxt]
    assert {s["state"] for s in others} == {"source-fallback"}  # not human work
    (machine,) = build_bundles(ws, "post", ["es"], policy="machine-allowed", min_coverage=0)
    doc = json.loads((machine.path / "bundle.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    segments = [s for b in doc["blocks"] for s in b["segments"]]
    unmodified = sum(1 for s in segments if s.get("machine_edit") == 0)
    assert doc["coverage"]["unmodified_machine"] == unmodified == len(segments) - 1
    assert doc["coverage"]["machine_share"] == round(unmodified / len(segments), 4)
    notices = " ".join(doc["notices"])
    assert "machine-translated by rule-based MT (a readable gist), engine apertium" in notices
    assert "of the translated segments are unmodified machine output (more than 50%" in notices


def test_status_shows_the_share_and_warns_above_half(ws: Workspace) -> None:
    translate(ws, "es", "apertium")
    translate(ws, "de", "pseudo")
    result = run_cli("status", root=ws.root)
    assert "unmodified MT" in result.stdout and "100% (!)" in result.stdout
    assert "apertium (rule-based)" in result.stdout and "pseudo (pseudo)" in result.stdout
    assert "more than 50% of the translated entries are unmodified machine output" in (
        result.stderr
    )
    data = json.loads(run_cli("status", "--json", root=ws.root).stdout)
    assert {c["lang"]: c["machine_share"] for c in data["catalogs"]} == {"de": 1.0, "es": 1.0}

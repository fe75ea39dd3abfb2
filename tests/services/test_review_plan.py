"""The import applies exactly the core's plan: on generated exports, catalogs and
uploads written as real files, the catalog the service leaves behind holds the
values :func:`core.merge_plan.apply_plan` computes, and a file the plan refuses
leaves the catalog untouched."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l10n_service.catalog.store import read_po
from l10n_service.core.merge import Pick
from l10n_service.core.merge_plan import Entry, apply_plan, plan_merge, settle
from l10n_service.errors import UploadError
from l10n_service.services.review import REVISION_HEADER, _value, merge_upload
from l10n_service.workspace import Workspace
from tests.strategies import MergeCase, merge_cases

REVISION = "ab" * 32
APPROVAL = "approved: rita 2025-01-01T00:00:00Z [00000000]"


def _po(entries: tuple[Entry, ...], stamp: bool = False) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    if stamp:
        po.metadata[REVISION_HEADER] = REVISION
    for e in entries:
        po.append(
            polib.POEntry(
                msgctxt=e.ctxt,
                msgid=e.msgid,
                msgstr=e.forms[0],
                flags=["fuzzy"] * e.fuzzy + ["machine"] * e.machine,
                tcomment="\n".join(x for x in (e.note, APPROVAL * e.approved) if x),
                previous_msgid=e.previous_msgid,
                previous_msgctxt=e.previous_ctxt,
                obsolete=e.obsolete,
            )
        )
    return po


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merge_cases(), st.sampled_from([Pick.OURS, Pick.THEIRS]))
def test_the_import_writes_what_the_plan_says(case: MergeCase, prefer: Pick) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.at(Path(tmp))
        path = ws.po_path("post", "de")
        path.parent.mkdir(parents=True)
        path.write_text(str(_po(case.ours)), "utf-8")
        if case.base is not None:
            export = ws.state_dir / "exports" / "post" / "de" / f"{REVISION}.po"
            export.parent.mkdir(parents=True)
            export.write_text(str(_po(case.base)), "utf-8")
        upload = str(_po(case.theirs, stamp=case.base is not None)).encode()
        # the catalog as the service reads it (polib's writer and our reader agree)
        ours = tuple(_value(e) for e in read_po(path))
        plan = settle(plan_merge(ours, case.theirs, case.base), prefer, {})
        before = path.read_bytes()
        if plan.stale or (case.theirs and not plan.steps and not plan.orphans):
            with pytest.raises(UploadError):
                merge_upload(ws, upload, slug="post", lang="de", name="up.po", prefer=prefer)
            assert path.read_bytes() == before
            return
        report = merge_upload(ws, upload, slug="post", lang="de", name="up.po", prefer=prefer)
        assert tuple(_value(e) for e in read_po(path)) == apply_plan(ours, plan)
        assert report.updated == len(plan.changes())
        assert report.mode == ("3-way" if case.base is not None else "2-way")

"""Three-way import, entry by entry: every combination of what the catalog (ours)
and the translator (theirs) did to an entry since the export (base)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest

from l10n_service.core.merge import Pick
from l10n_service.core.merge_plan import NO_STAMP
from l10n_service.core.states import approval_comment
from l10n_service.errors import ConflictError, InputError
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import approve_entries, import_po, update_languages
from l10n_service.workspace import Workspace
from tests.support.catalogs import ARTICLE, catalog, edit, entry, export_to, ids

SAME, EMPTY, CONFLICT = "(unchanged)", "", "(conflict)"

# base "X": (ours, theirs) -> what the catalog holds after the import
TRANSLATED_BASE = {
    (SAME, SAME): "X", (SAME, "A"): "A", (SAME, "B"): "B", (SAME, EMPTY): "",
    ("A", SAME): "A", ("A", "A"): "A", ("A", "B"): CONFLICT, ("A", EMPTY): CONFLICT,
    ("B", SAME): "B", ("B", "A"): CONFLICT, ("B", "B"): "B", ("B", EMPTY): CONFLICT,
    (EMPTY, SAME): "", (EMPTY, "A"): CONFLICT, (EMPTY, "B"): CONFLICT, (EMPTY, EMPTY): "",
}  # fmt: skip
# base "": emptied is the same as unchanged
UNTRANSLATED_BASE = {
    (SAME, SAME): "", (SAME, "A"): "A", (SAME, "B"): "B",
    ("A", SAME): "A", ("A", "A"): "A", ("A", "B"): CONFLICT,
    ("B", SAME): "B", ("B", "A"): CONFLICT, ("B", "B"): "B",
}  # fmt: skip
CASES = [("X", *k, v) for k, v in TRANSLATED_BASE.items()] + [
    ("", *k, v) for k, v in UNTRANSLATED_BASE.items()
]


def _label(case: object) -> str:
    return str(case or "empty").strip("()")


def _prepare(ws: Workspace, tmp_path: Path, base: str, ours: str, theirs: str) -> tuple[str, Path]:
    target = ids(ws)[1]
    path = ws.po_path("post", "de")
    edit(path, target, base)
    upload = export_to(ws, tmp_path / "upload.po")
    if ours != SAME:
        edit(path, target, ours)  # another upload landed meanwhile
    if theirs != SAME:
        edit(upload, target, theirs)
    return target, upload


@pytest.mark.parametrize(("base", "ours", "theirs", "expected"), CASES, ids=_label)
def test_conflict_matrix(
    ws: Workspace, tmp_path: Path, base: str, ours: str, theirs: str, expected: str
) -> None:
    target, upload = _prepare(ws, tmp_path, base, ours, theirs)
    before = ws.po_path("post", "de").read_bytes()
    if expected == CONFLICT:
        with pytest.raises(ConflictError) as caught:
            import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
        assert caught.value.conflicts == [
            {"id": target, "msgid": entry(catalog(ws), target).msgid,
             "base": base, "ours": ours, "theirs": theirs, "note": ""}
        ]  # fmt: skip
        assert ws.po_path("post", "de").read_bytes() == before  # nothing applied
        return
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    assert report.mode == "3-way"
    assert entry(catalog(ws), target).msgstr == expected
    others = [e.msgstr for e in catalog(ws) if e.msgctxt != target]
    assert others == [""] * len(others)


@pytest.mark.parametrize(("pick", "expected"), [(Pick.THEIRS, "B"), (Pick.OURS, "A")])
def test_conflicts_are_resolved_by_choice(
    ws: Workspace, tmp_path: Path, pick: Pick, expected: str
) -> None:
    target, upload = _prepare(ws, tmp_path, "X", "A", "B")
    data = upload.read_bytes()
    report = import_po(ws, data, slug="post", lang="de", name="up.po", prefer=pick)
    assert entry(catalog(ws), target).msgstr == expected and report.resolved == 1
    edit(ws.po_path("post", "de"), target, "A")
    import_po(ws, data, slug="post", lang="de", name="up.po", take={target: pick})
    assert entry(catalog(ws), target).msgstr == expected


def test_take_must_name_a_conflict(ws: Workspace, tmp_path: Path) -> None:
    _, upload = _prepare(ws, tmp_path, "X", "A", "B")
    with pytest.raises(InputError, match="without a conflict: nope"):
        import_po(
            ws, upload.read_bytes(), slug="post", lang="de", name="u", take={"nope": Pick.OURS}
        )


def test_machine_output_never_conflicts_with_a_translator(ws: Workspace, tmp_path: Path) -> None:
    target, upload = _prepare(ws, tmp_path, "", SAME, "Menschlich")
    edit(ws.po_path("post", "de"), target, "[Maschine]", flags=["fuzzy", "machine"])
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    taken = entry(catalog(ws), target)
    assert report.updated == 1
    assert (taken.msgstr, taken.flags) == ("Menschlich", [])


def test_accepting_machine_output_clears_fuzzy_only(ws: Workspace, tmp_path: Path) -> None:
    target = ids(ws)[0]
    edit(ws.po_path("post", "de"), target, "[Maschine]", flags=["fuzzy", "machine"])
    upload = export_to(ws, tmp_path / "up.po")
    edit(upload, target, "[Maschine]", flags=["machine"])  # Poedit: "needs work" off
    import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    assert entry(catalog(ws), target).flags == ["machine"]


def test_source_changed_since_export_is_applied_as_fuzzy(ws: Workspace, tmp_path: Path) -> None:
    old_id = ids(ws)[2]
    edit(ws.po_path("post", "de"), old_id, "Die Anleger erwarten mehr.")
    upload = export_to(ws, tmp_path / "up.po")
    edit(upload, old_id, "Analysten erwarten, dass die Rally anhält.")
    edited = ARTICLE.replace("through the week.", "through next week.")
    add_article(ws, edited.encode(), name="post.txt", slug="post")
    update_languages(ws, "post")
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    moved = next(e for e in catalog(ws) if "next week" in e.msgid)
    assert moved.msgstr == "Analysten erwarten, dass die Rally anhält."
    assert "fuzzy" in moved.flags
    assert moved.previous_msgid == "Analysts expect the rally to continue through the week."
    assert report.fuzzy == 1


def test_work_on_a_removed_sentence_is_kept_as_obsolete(ws: Workspace, tmp_path: Path) -> None:
    last = ids(ws)[-1]
    upload = export_to(ws, tmp_path / "up.po")
    edit(upload, last, "Das Handelsvolumen war so hoch wie nie in diesem Jahr.")
    shorter = ARTICLE.replace("Trading volumes were the highest this year.\n", "")
    add_article(ws, shorter.encode(), name="post.txt", slug="post")
    update_languages(ws, "post")
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    kept = [e for e in catalog(ws) if e.obsolete and e.msgctxt == last]
    assert report.obsolete == 1
    assert kept and kept[0].msgstr.startswith("Das Handelsvolumen")


def test_unstamped_upload_falls_back_to_two_way(ws: Workspace, tmp_path: Path) -> None:
    target = ids(ws)[1]
    plain = tmp_path / "plain.po"
    catalog(ws).save(str(plain))  # no X-L10N-Revision: made before exports were stamped
    edit(plain, target, "Zwei-Wege")
    report = import_po(ws, plain.read_bytes(), slug="post", lang="de", name="plain.po")
    assert report.mode == "2-way" and report.base_revision is None
    assert entry(catalog(ws), target).msgstr == "Zwei-Wege"


def _copied_from_locales(ws: Workspace, tmp_path: Path) -> tuple[list[str], Path]:
    """A file copied from locales/ (no stamp) while the catalog held an old human
    translation; since then the catalog got a newer one, and machine output."""
    first, second, third, fourth = ids(ws)
    path = ws.po_path("post", "de")
    edit(path, third, "Alte Übersetzung")
    edit(path, fourth, "Gleich")
    copy = tmp_path / "copy.po"
    copy.write_bytes(path.read_bytes())
    edit(path, second, "[Maschine]", flags=["fuzzy", "machine"])
    edit(path, third, "Neuere Übersetzung")  # a reviewer's later work
    for ctxt, text in [(first, "Titel"), (second, "Mensch"), (third, "Kopie"), (fourth, "")]:
        edit(copy, ctxt, text)
    return [first, second, third, fourth], copy


def test_unstamped_upload_fills_gaps_and_reports_human_translations(
    ws: Workspace, tmp_path: Path
) -> None:
    (first, second, third, fourth), copy = _copied_from_locales(ws, tmp_path)
    before = ws.po_path("post", "de").read_bytes()
    with pytest.raises(ConflictError, match="no stamp") as caught:
        import_po(ws, copy.read_bytes(), slug="post", lang="de", name="copy.po")
    assert caught.value.conflicts == [
        {"id": third, "msgid": entry(catalog(ws), third).msgid, "base": "",
         "ours": "Neuere Übersetzung", "theirs": "Kopie", "note": NO_STAMP}
    ]  # fmt: skip
    assert ws.po_path("post", "de").read_bytes() == before  # nothing applied
    report = import_po(
        ws, copy.read_bytes(), slug="post", lang="de", name="copy.po", prefer=Pick.OURS
    )
    after = catalog(ws)
    assert (report.mode, report.updated, report.resolved) == ("2-way", 2, 1)
    assert entry(after, first).msgstr == "Titel"  # was untranslated
    assert (entry(after, second).msgstr, entry(after, second).flags) == ("Mensch", [])
    assert entry(after, third).msgstr == "Neuere Übersetzung"
    assert entry(after, fourth).msgstr == "Gleich"  # an upload never erases


@pytest.mark.parametrize("how", ["prefer", "take"])
def test_unstamped_conflicts_can_be_taken(ws: Workspace, tmp_path: Path, how: str) -> None:
    (_, _, third, _), copy = _copied_from_locales(ws, tmp_path)
    choice: dict[str, Any] = (
        {"prefer": Pick.THEIRS} if how == "prefer" else {"take": {third: Pick.THEIRS}}
    )
    report = import_po(ws, copy.read_bytes(), slug="post", lang="de", name="copy.po", **choice)
    assert report.resolved == 1
    assert entry(catalog(ws), third).msgstr == "Kopie"


def test_uploaded_approval_lines_are_not_trusted(ws: Workspace, tmp_path: Path) -> None:
    target = ids(ws)[1]
    upload = export_to(ws, tmp_path / "up.po")
    po = polib.pofile(str(upload))
    forged = entry(po, target)
    forged.msgstr = "Selbst genehmigt"
    forged.tcomment = "note\n" + approval_comment("boss", "2030-01-01T00:00:00Z", forged.msgstr)
    po.save()
    import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    assert entry(catalog(ws), target).tcomment == "note"


def test_a_translator_comment_on_an_approved_entry_keeps_the_approval(
    ws: Workspace, tmp_path: Path
) -> None:
    target = ids(ws)[1]
    edit(ws.po_path("post", "de"), target, "Genehmigt")
    approve_entries(ws, "post", "de", who="rita", ids=[target])
    upload = export_to(ws, tmp_path / "up.po")
    po = polib.pofile(str(upload))
    entry(po, target).tcomment = "Bitte so lassen"
    po.save()
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    kept = entry(catalog(ws), target)
    assert report.updated == 1 and kept.msgstr == "Genehmigt"
    assert kept.tcomment.splitlines()[0] == "Bitte so lassen"
    assert kept.tcomment.splitlines()[1].startswith("approved: rita ")

"""Catalog use cases on a real workspace: templates, msgmerge-style updates that
keep translator work, imports, approvals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from l10n_service.errors import CatalogError, InputError, NotFoundError, UploadError
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import (
    approve_entries,
    catalog_status,
    import_po,
    update_languages,
)
from l10n_service.workspace import Workspace

ARTICLE = "# Title here\n\nThe first sentence. The second sentence.\n\nA closing line.\n"


@pytest.fixture
def article_text() -> str:
    """The article of this module's ``ws``."""
    return ARTICLE


def _po(ws: Workspace) -> polib.POFile:
    return polib.pofile(str(ws.po_path("post", "de")))


def _translate_all(ws: Workspace, prefix: str = "DE ") -> None:
    po = _po(ws)
    for entry in po:
        entry.msgstr = prefix + entry.msgid
    po.save()


def test_new_language_gets_every_segment(ws: Workspace) -> None:
    po = _po(ws)
    assert [e.msgid for e in po] == [
        "# Title here",
        "The first sentence.",
        "The second sentence.",
        "A closing line.",
    ] or len(po) == 4
    assert po.metadata["Language"] == "de"
    assert po.metadata["Plural-Forms"].startswith("nplurals=2")
    assert (
        subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(ws.po_path("post", "de"))]
        ).returncode
        == 0
    )


def test_update_keeps_translations_and_marks_edits_fuzzy(ws: Workspace) -> None:
    _translate_all(ws)
    edited = ARTICLE.replace("The second sentence.", "The second sentence, edited.")
    edited = edited.replace("A closing line.", "Something completely new here.")
    add_article(ws, edited.encode(), name="post.txt", slug="post")
    report = update_languages(ws, "post")["de"]
    po = _po(ws)
    by_id = {e.msgid: e for e in po if not e.obsolete}
    assert by_id["The first sentence."].msgstr == "DE The first sentence."
    fuzzy = by_id["The second sentence, edited."]
    assert "fuzzy" in fuzzy.flags and fuzzy.previous_msgid == "The second sentence."
    assert fuzzy.msgstr == "DE The second sentence."
    assert by_id["Something completely new here."].msgstr == ""
    obsolete = [e for e in po if e.obsolete]
    assert [e.msgid for e in obsolete] == ["A closing line."]
    assert report.fuzzy == 1 and report.obsolete == 1


def test_update_twice_changes_nothing(ws: Workspace) -> None:
    _translate_all(ws)
    update_languages(ws, "post")
    before = ws.po_path("post", "de").read_bytes()
    update_languages(ws, "post")
    assert ws.po_path("post", "de").read_bytes() == before


def test_import_takes_translator_work_and_keeps_the_rest(ws: Workspace, tmp_path: Path) -> None:
    po = _po(ws)
    po[1].msgstr = "Der erste Satz."
    upload = tmp_path / "de.po"
    po.save(str(upload))
    report = import_po(ws, upload.read_bytes(), slug="post", lang="de", name=str(upload))
    assert report.updated == 1
    assert _po(ws)[1].msgstr == "Der erste Satz."


def test_import_never_erases_a_translation(ws: Workspace, tmp_path: Path) -> None:
    _translate_all(ws)
    po = _po(ws)
    po[1].msgstr = ""
    upload = tmp_path / "de.po"
    po.save(str(upload))
    import_po(ws, upload.read_bytes(), slug="post", lang="de", name=str(upload))
    assert _po(ws)[1].msgstr.startswith("DE ")


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda po: po.metadata.update({"Language": "fr"}), UploadError),
        (lambda po: [setattr(e, "msgctxt", "other") for e in po], UploadError),
    ],
)
def test_import_rejects_the_wrong_file(ws: Workspace, tmp_path: Path, mutate, error) -> None:  # type: ignore[no-untyped-def]
    po = _po(ws)
    mutate(po)
    upload = tmp_path / "x.po"
    po.save(str(upload))
    before = ws.po_path("post", "de").read_bytes()
    with pytest.raises(error):
        import_po(ws, upload.read_bytes(), slug="post", lang="de", name="x.po")
    assert ws.po_path("post", "de").read_bytes() == before


def test_import_of_malformed_po_names_the_line(ws: Workspace) -> None:
    bad = b'msgid "a" junk\nmsgstr ""\n'
    with pytest.raises(CatalogError, match=r"x\.po:1"):
        import_po(ws, bad, slug="post", lang="de", name="x.po")


def test_approve_and_edit_drops_back(ws: Workspace) -> None:
    _translate_all(ws)
    assert approve_entries(ws, "post", "de", who="rita").approved == 4
    row = catalog_status(Workspace.at(ws.root), "post")[0]
    assert row.approved == 4
    po = _po(ws)
    po[0].msgstr = "changed"
    po.save()
    row = catalog_status(ws, "post")[0]
    assert (row.approved, row.translated) == (3, 1)


def test_approve_unknown_id(ws: Workspace) -> None:
    with pytest.raises(CatalogError, match="no entries with ids nope"):
        approve_entries(ws, "post", "de", who="rita", ids=["nope"])


def test_missing_catalog(ws: Workspace) -> None:
    with pytest.raises(NotFoundError):
        approve_entries(ws, "post", "fr", who="rita")


def test_import_report_says_how_it_merged(ws: Workspace, tmp_path: Path) -> None:
    from l10n_service.services.review import export_po

    po = polib.pofile(export_po(ws, "post", "de").data.decode())
    po[1].msgstr = "Der erste Satz."
    report = import_po(ws, str(po).encode(), slug="post", lang="de", name="de.po")
    data = report.to_dict()
    assert (data["updated"], data["mode"], data["resolved"]) == (1, "3-way", 0)
    assert data["base_revision"] and data["issues"] == []


def test_approve_refuses_qa_errors_unless_forced(ws: Workspace) -> None:
    po = _po(ws)
    po[1].msgstr = "Der <b>erste</b> Satz."
    po.save()
    with pytest.raises(InputError, match="QA errors"):
        approve_entries(ws, "post", "de", who="rita", ids=[po[1].msgctxt])
    forced = approve_entries(ws, "post", "de", who="rita", ids=[po[1].msgctxt], force=True)
    assert forced.approved == 1

"""Review states along the way: untranslated -> machine -> translated -> approved, and
an approval that survives `l10n update` but not an edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from l10n_service.errors import InputError
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import (
    approve_entries,
    catalog_status,
    import_po,
    update_languages,
)
from l10n_service.workspace import Workspace, load_glossary
from tests.support.catalogs import (
    ARTICLE,
    catalog,
    edit,
    entry,
    export_to,
    ids,
    machine_translate,
)


def _states(ws: Workspace) -> tuple[int, int, int, int]:
    row = catalog_status(ws, "post")[0]
    return row.untranslated, row.machine, row.translated, row.approved


def test_the_review_path(ws: Workspace, tmp_path: Path) -> None:
    assert _states(ws) == (4, 0, 0, 0)
    machine_translate(ws)
    assert _states(ws) == (0, 4, 0, 0)
    first, second = ids(ws)[:2]
    upload = export_to(ws, tmp_path / "up.po")
    edit(upload, first, "Märkte legen nach der Abstimmung zu")
    import_po(ws, upload.read_bytes(), slug="post", lang="de", name="up.po")
    assert _states(ws) == (0, 3, 1, 0)
    # unmodified pseudo output is never approved, asked for or not
    report = approve_entries(ws, "post", "de", who="Rita Levi", include_machine=True)
    assert (report.approved, report.pseudo) == (1, 3)
    assert _states(ws) == (0, 3, 0, 1)
    assert "approved: Rita_Levi " in entry(catalog(ws), first).tcomment
    with pytest.raises(InputError, match="1 entries are unmodified pseudo-localisation"):
        approve_entries(ws, "post", "de", who="rita", ids=[second], include_machine=True)
    edit(ws.po_path("post", "de"), second, "Handelsvolumen stiegen deutlich.")
    assert approve_entries(ws, "post", "de", who="rita", ids=[second]).approved == 1
    assert _states(ws) == (0, 2, 0, 2)


def test_approval_survives_update_but_not_an_edit(ws: Workspace) -> None:
    machine_translate(ws)
    first = ids(ws)[0]
    edit(ws.po_path("post", "de"), first, "Märkte legen nach der Abstimmung zu")
    approve_entries(ws, "post", "de", who="rita", ids=[first])
    changed = ARTICLE.replace("Trading volumes", "Trading volume").replace(
        "Markets Rally After the Vote\n\n", "Markets Rally After the Vote\n\nBy our desk.\n\n"
    )
    add_article(ws, changed.encode(), name="post.txt", slug="post")
    update_languages(ws, "post")
    assert catalog_status(ws, "post")[0].approved == 1
    edit(ws.po_path("post", "de"), first, "Märkte steigen nach der Abstimmung")
    assert catalog_status(ws, "post")[0].approved == 0


def test_qa_errors_block_approval_unless_forced(ws: Workspace) -> None:
    first, second = ids(ws)[:2]
    edit(ws.po_path("post", "de"), first, "Märkte legen zu")
    edit(ws.po_path("post", "de"), second, "Aktien <b>stiegen</b> am Montag stark.")
    with pytest.raises(InputError, match=rf"{second}: markup: tags not in the source </b> <b>"):
        approve_entries(ws, "post", "de", who="rita", ids=[second])
    report = approve_entries(ws, "post", "de", who="rita")
    assert report.approved == 1 and {i.entry for i in report.refused} == {second}
    assert approve_entries(ws, "post", "de", who="rita", ids=[second], force=True).approved == 1


def test_glossary_files_in_both_places(ws: Workspace) -> None:
    (ws.root / "glossary").mkdir()
    (ws.root / "glossary" / "de.tsv").write_text("budget\tHaushalt\nparliament\t=\n")
    (ws.state_dir / "glossary").mkdir(parents=True)
    (ws.state_dir / "glossary" / "de.tsv").write_text("# local\nbudget\tEtat\n")
    terms = {t.source: t.target for t in load_glossary(ws, "de").entries}
    assert terms == {"budget": "Etat", "parliament": "="}
    second = ids(ws)[1]
    edit(ws.po_path("post", "de"), second, "Aktien stiegen am Montag, nachdem das Parlament "
         "den Haushalt beschlossen hatte.")  # fmt: skip
    report = approve_entries(ws, "post", "de", who="rita", ids=[second], force=True)
    found = {i.check: i.message for i in report.warnings}
    assert "'budget' -> 'Etat'" in found["glossary"]

"""Export copies (``.l10n/exports/<slug>/<lang>/<revision>.po``, the bases of 3-way
imports) are pruned when an export writes a new one: a copy goes once it is older
than ``L10N_EXPORTS_MAX_AGE_DAYS`` and not among the catalog's
``L10N_EXPORTS_KEEP`` newest. Exporting a revision again (a review page loading it)
makes its copy young, so the base a page or a translator is working from stays. A
translator's file whose base was pruned anyway is merged two ways (it fills gaps;
a different human translation is a conflict to choose); a desk page whose base was
pruned is refused with "reload the page"."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polib
import pytest

from l10n_service.core.merge import Pick
from l10n_service.errors import ConflictError, InputError
from l10n_service.services.catalogs import import_po
from l10n_service.services.desk import load_page, save_segment
from l10n_service.services.review import export_po
from l10n_service.settings import load_settings
from l10n_service.workspace import Workspace
from tests.support.catalogs import catalog, edit, entry, ids

DAY = 86_400


@pytest.fixture(autouse=True)
def _keep_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_EXPORTS_KEEP", "2")
    monkeypatch.setenv("L10N_EXPORTS_MAX_AGE_DAYS", "7")


def _backdate(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def _new_revision(ws: Workspace, text: str) -> Path:
    """Another writer changes the catalog, then it is exported."""
    edit(ws.po_path("post", "de"), ids(ws)[0], text)
    return export_po(ws, "post", "de").stored


def _copies(ws: Workspace) -> set[str]:
    return {p.name for p in (ws.state_dir / "exports" / "post" / "de").glob("*.po")}


def test_old_superseded_copies_go_young_ones_stay(ws: Workspace) -> None:
    made = [_new_revision(ws, f"Fassung {n}") for n in range(5)]
    # young: kept whatever their number (a busy desk makes a copy per save)
    assert _copies(ws) == {p.name for p in made}
    for age, path in enumerate(reversed(made)):
        _backdate(path, 10 + age)  # the first is the oldest
    newest = _new_revision(ws, "Fassung 5")
    # the newest two (the new copy and the last before it) whatever their age
    assert _copies(ws) == {made[-1].name, newest.name}


def test_exporting_a_revision_again_makes_its_copy_young(ws: Workspace) -> None:
    page = load_page(ws, "post", "de")
    base = ws.state_dir / "exports" / "post" / "de" / f"{page.revision}.po"
    _backdate(base, 30)
    # the page is loaded again (or the file exported again): same revision, young again
    assert load_page(ws, "post", "de").revision == page.revision
    assert base.stat().st_mtime > time.time() - DAY
    for n in range(4):
        _new_revision(ws, f"Fassung {n}")
    assert base.name in _copies(ws) and len(_copies(ws)) == 5
    # so a save from that page still finds its base
    target = ids(ws)[2]
    save_segment(ws, "post", "de", entry=target, text="Gespeichert.", revision=page.revision)
    assert entry(catalog(ws), target).msgstr == "Gespeichert."


def test_a_file_whose_base_was_pruned_imports_two_way(ws: Workspace) -> None:
    first, human, gap = ids(ws)[:3]
    edit(ws.po_path("post", "de"), human, "Alt.")
    translator = export_po(ws, "post", "de")
    page = load_page(ws, "post", "de")
    assert page.revision == translator.revision
    po = polib.pofile(translator.data.decode())
    entry(po, human).msgstr = "Anders."
    entry(po, gap).msgstr = "Vom Übersetzer."
    upload = str(po).encode()
    _backdate(translator.stored, 30)
    for n in range(2):
        _new_revision(ws, f"Fassung {n}")
    assert translator.stored.name not in _copies(ws)
    before = ws.po_path("post", "de").read_bytes()
    # without the base nobody can tell who changed "Alt.": the translator chooses
    with pytest.raises(ConflictError, match="is not kept here, so the merge is two-way"):
        import_po(ws, upload, slug="post", lang="de", name="old.po")
    assert ws.po_path("post", "de").read_bytes() == before
    report = import_po(ws, upload, slug="post", lang="de", name="old.po", prefer=Pick.THEIRS)
    assert (report.mode, report.base_missing) == ("2-way", translator.revision)
    assert report.base_revision is None
    po = catalog(ws)
    assert entry(po, gap).msgstr == "Vom Übersetzer."
    assert entry(po, human).msgstr == "Anders."
    assert entry(po, first).msgstr == "Fassung 1"  # the file's empty entry erases nothing
    # the desk page made from the pruned revision is told to reload
    with pytest.raises(InputError, match="reload the page"):
        save_segment(ws, "post", "de", entry=gap, text="x", revision=page.revision)


def test_a_file_with_its_base_kept_imports_three_way(ws: Workspace) -> None:
    translator = export_po(ws, "post", "de")
    report = import_po(ws, translator.data, slug="post", lang="de", name="new.po")
    assert (report.mode, report.base_missing) == ("3-way", None)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("L10N_EXPORTS_KEEP", "0", "the least allowed is 1"),
        ("L10N_EXPORTS_KEEP", "ten", "is not a number"),
        ("L10N_EXPORTS_MAX_AGE_DAYS", "0.5", "the least allowed is 1"),
        ("L10N_EXPORTS_MAX_AGE_DAYS", "nan", "the least allowed is 1"),
    ],
)
def test_settings_below_the_floor_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InputError, match=message):
        load_settings()


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L10N_EXPORTS_KEEP")
    monkeypatch.delenv("L10N_EXPORTS_MAX_AGE_DAYS")
    settings = load_settings()
    assert (settings.exports_keep, settings.exports_max_age_days) == (10, 30.0)

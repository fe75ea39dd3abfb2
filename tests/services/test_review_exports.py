"""Export copies (``.l10n/exports/<slug>/<lang>/<revision>.po``, the bases of 3-way
imports) are pruned when an export writes a new one: a copy goes once it is older
than ``L10N_EXPORTS_MAX_AGE_DAYS`` and not among the catalog's
``L10N_EXPORTS_KEEP`` newest. Exporting a revision again (a review page loading it)
makes its copy young, so the base a page or a translator is working from stays; a
base pruned anyway is a clean refusal."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from l10n_service.errors import InputError, UploadError
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


def test_a_pruned_base_is_a_clean_refusal(ws: Workspace) -> None:
    translator = export_po(ws, "post", "de")
    page = load_page(ws, "post", "de")
    assert page.revision == translator.revision
    _backdate(translator.stored, 30)
    for n in range(2):
        _new_revision(ws, f"Fassung {n}")
    assert translator.stored.name not in _copies(ws)
    before = ws.po_path("post", "de").read_bytes()
    with pytest.raises(UploadError, match="or its copy was pruned"):
        import_po(ws, translator.data, slug="post", lang="de", name="old.po")
    with pytest.raises(InputError, match="reload the page"):
        save_segment(ws, "post", "de", entry=ids(ws)[2], text="x", revision=page.revision)
    assert ws.po_path("post", "de").read_bytes() == before


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

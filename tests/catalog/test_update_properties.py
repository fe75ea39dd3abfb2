"""Properties of update_catalog on generated catalogs and templates: updating twice is
updating once, and no translation is ever lost."""

from __future__ import annotations

import polib
from hypothesis import HealthCheck, given, settings

from l10n_service.catalog.store import parse_po, render_po
from l10n_service.catalog.update import update_catalog

from .strategies import catalog_and_template

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_translations(po: polib.POFile) -> list[str]:
    found = []
    for entry in po:
        found += [entry.msgstr, *entry.msgstr_plural.values()]
    return [text for text in found if text]


@SETTINGS
@given(catalog_and_template())
def test_update_twice_is_update_once(case: tuple[polib.POFile, polib.POFile]) -> None:
    po, pot = case
    once, _ = update_catalog(parse_po(render_po(po)), pot, "de")
    text = render_po(once)
    twice, report = update_catalog(parse_po(text), pot, "de")
    assert render_po(twice) == text
    assert report.fuzzy == report.new == report.moved == report.obsolete == 0
    again, _ = update_catalog(once, pot, "de")  # in memory too, without a parse between
    assert render_po(again) == text


@SETTINGS
@given(catalog_and_template())
def test_no_translation_is_lost(case: tuple[polib.POFile, polib.POFile]) -> None:
    po, pot = case
    before = _all_translations(po)
    out, _ = update_catalog(parse_po(render_po(po)), pot, "de")
    after = set(_all_translations(parse_po(render_po(out))))
    assert [text for text in before if text not in after] == []


@SETTINGS
@given(catalog_and_template())
def test_result_follows_the_template(case: tuple[polib.POFile, polib.POFile]) -> None:
    po, pot = case
    out, report = update_catalog(parse_po(render_po(po)), pot, "de")
    active = [e for e in out if not e.obsolete]
    assert [(e.msgctxt, e.msgid) for e in active] == [(e.msgctxt, e.msgid) for e in pot]
    assert report.exact + report.moved + report.fuzzy + report.new == len(pot)
    assert all(not e.obsolete for e in out[: len(active)])  # obsolete entries come last
    for entry in active:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) >= 2
        if entry.previous_msgid and "fuzzy" not in entry.flags:
            # only an exact match keeps a stale #| from the old catalog
            assert any(e.msgid == entry.msgid for e in po)

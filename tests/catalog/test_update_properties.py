"""Properties of update_catalog on generated catalogs and templates: updating twice is
updating once, and no translation is ever lost."""

from __future__ import annotations

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from l10n_service.catalog.store import parse_po, render_po
from l10n_service.catalog.update import update_catalog

from .strategies import WORDS, catalog_and_template, sentences

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


@st.composite
def edited_in_place(draw: st.DrawFn) -> tuple[polib.POFile, polib.POFile, dict[str, str]]:
    """Distinct sentences, one reference each, some untranslated or fuzzy; a template in
    which some were edited in place (a word changed or added, the reference kept)."""
    texts = draw(st.lists(sentences.filter(lambda s: s.count(" ") >= 3), min_size=2,
                          max_size=14, unique=True))  # fmt: skip
    po, pot = polib.POFile(), polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    pot.metadata = dict(po.metadata)
    edited: dict[str, str] = {}
    taken = set(texts)
    for line, text in enumerate(texts, 1):
        where = [("articles/a.md", str(line))]
        state = draw(st.sampled_from(["translated", "translated", "untranslated", "fuzzy"]))
        po.append(polib.POEntry(msgid=text, msgstr="" if state == "untranslated" else f"T{line}",
                                flags=["fuzzy"] if state == "fuzzy" else [],
                                occurrences=where))  # fmt: skip
        new = text
        if draw(st.booleans()):
            words = text.split(" ")
            at = draw(st.integers(0, len(words) - 1))
            words.insert(at, draw(st.sampled_from(WORDS))) if draw(st.booleans()) else None
            words[at] = draw(st.sampled_from(WORDS))
            candidate = " ".join(words)
            if candidate not in taken:
                taken.add(candidate)
                new, edited[candidate] = candidate, text
        pot.append(polib.POEntry(msgid=new, occurrences=where))
    return po, pot, edited


@SETTINGS
@given(edited_in_place())
def test_an_edit_in_place_gets_its_own_original_or_nothing(
    case: tuple[polib.POFile, polib.POFile, dict[str, str]],
) -> None:
    """Every sentence edited in place whose original scores over the cut-off gets that
    original's translation when it is usable, and no other sentence's when it is not."""
    po, pot, edited = case
    old = {e.msgid: e for e in po}
    out, _ = update_catalog(parse_po(render_po(po)), pot, "de")
    for result in out:
        original = edited.get(result.msgid)
        if result.obsolete or original is None or fuzz.ratio(result.msgid, original) < 60:
            continue
        source = old[original]
        if source.msgstr and "fuzzy" not in source.flags:
            assert (result.previous_msgid, result.msgstr) == (original, source.msgstr)
            assert "fuzzy" in result.flags
        else:
            assert (result.previous_msgid, result.msgstr) == (None, "")

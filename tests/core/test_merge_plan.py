"""Properties of the merge plan on generated exports, catalogs and uploads (see
tests/strategies.py): merging the same upload twice is merging it once; a side that
did not change never wins over one that did; and nothing is lost: every translation
either side made is in the result (active or obsolete) or reported as a conflict.
Plus the rules on hand-picked cases, one entry at a time."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l10n_service.core.merge import Outcome, Pick, Side, merge_entry
from l10n_service.core.merge_plan import (
    NO_STAMP,
    SOURCE_CHANGED,
    Entry,
    Plan,
    apply_plan,
    plan_merge,
    settle,
)
from l10n_service.errors import InputError
from tests.strategies import MergeCase, merge_cases

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _merge(
    case: MergeCase, ours: tuple[Entry, ...], prefer: Pick | None
) -> tuple[Plan, tuple[Entry, ...]]:
    plan = settle(plan_merge(ours, case.theirs, case.base), prefer, {})
    return plan, apply_plan(ours, plan)


def _active(entries: tuple[Entry, ...]) -> dict[tuple[str, str], Entry]:
    return {e.key: e for e in entries if not e.obsolete}


@SETTINGS
@given(merge_cases(), st.sampled_from([Pick.OURS, Pick.THEIRS]))
def test_merging_the_same_upload_twice_is_merging_it_once(case: MergeCase, prefer: Pick) -> None:
    plan, once = _merge(case, case.ours, prefer)
    if plan.stale:
        return  # the service refuses the file: nothing is merged at all
    again, twice = _merge(case, once, prefer)
    assert twice == once
    assert not again.changes()


@SETTINGS
@given(merge_cases())
def test_a_side_that_did_not_change_never_wins(case: MergeCase) -> None:
    if case.base is None:
        return  # without a base nobody knows which side changed
    _, result = _merge(case, case.ours, None)
    base, ours, after = _active(case.base), _active(case.ours), _active(result)
    for theirs in case.theirs:
        was, mine = base.get(theirs.key), ours.get(theirs.key)
        if was is None or mine is None:
            continue
        got = after[theirs.key]
        if mine.side.same(was.side) and not theirs.side.same(was.side):
            assert (got.text, got.fuzzy) == (theirs.text, theirs.fuzzy)
        if theirs.side.same(was.side) and not mine.side.same(was.side):
            assert (got.text, got.fuzzy) == (mine.text, mine.fuzzy)


@SETTINGS
@given(merge_cases())
def test_nothing_is_lost(case: MergeCase) -> None:
    """Every translation a side made (a text the export did not have; unreviewed
    machine output in the catalog aside: a translator's text replaces it) is in
    the result, in an active or obsolete entry, or reported as a conflict."""
    plan, result = _merge(case, case.ours, None)
    if plan.stale:
        return  # refused
    exported = {e.text for e in case.base or ()}
    kept = {e.text for e in result}
    conflicts = [step.conflict() for step in plan.conflicts]
    reported = {c.ours for c in conflicts} | {c.theirs for c in conflicts}
    made = [e for e in case.theirs if e.text] + [
        e for e in case.ours if e.text and not e.obsolete and not e.side.machine
    ]
    for entry in made:
        if entry.text not in exported:
            assert entry.text in kept | reported, entry


@SETTINGS
@given(merge_cases())
def test_the_plan_is_a_function_of_its_input(case: MergeCase) -> None:
    """Pure: the same input gives the same plan, and the input is not changed."""
    before = (case.ours, case.theirs, case.base)
    assert plan_merge(case.ours, case.theirs, case.base) == plan_merge(
        case.ours, case.theirs, case.base
    )
    assert (case.ours, case.theirs, case.base) == before


# --- the rules, case by case -------------------------------------------------------------

HUMAN, OTHER, MACHINE = Side("Mensch"), Side("Anders"), Side("[M]", True, machine=True)
EMPTY, FUZZY = Side(""), Side("Mensch", fuzzy=True)


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        (EMPTY, HUMAN, Outcome.TAKE),  # a gap is filled
        (MACHINE, HUMAN, Outcome.TAKE),  # unreviewed machine output is replaced
        (Side("[M]", True, machine=True), Side("[M]"), Outcome.TAKE),  # accepted as is
        (HUMAN, OTHER, Outcome.CONFLICT),  # a different human translation
        (FUZZY, OTHER, Outcome.CONFLICT),  # fuzzy human work is human work
        (HUMAN, EMPTY, Outcome.KEEP),  # an upload never erases
        (HUMAN, HUMAN, Outcome.KEEP),
        (HUMAN, FUZZY, Outcome.KEEP),  # same text: a human translation's flags stay
        (EMPTY, EMPTY, Outcome.KEEP),
    ],
)
def test_without_a_stamp_only_gaps_and_machine_output_change(
    ours: Side, theirs: Side, expected: Outcome
) -> None:
    assert merge_entry(None, ours, theirs) is expected


def _entry(ctxt: str, msgid: str, text: str = "", **fields: object) -> Entry:
    return replace(Entry(ctxt, msgid, (text,)), **fields)  # type: ignore[arg-type]


def test_one_entry_merges_against_its_base() -> None:
    """What a page saving one segment does: the catalog, one edited entry, and the
    export it was loaded from."""
    catalog = (_entry("a", "One.", "Eins"), _entry("b", "Two.", "Zwei (neu)"))
    base = (_entry("a", "One.", "Eins"), _entry("b", "Two.", "Zwei"))
    ok = plan_merge(catalog, [_entry("a", "One.", "Eins!")], base)
    assert [s.outcome for s in ok.steps] == [Outcome.TAKE]
    assert apply_plan(catalog, ok)[0].text == "Eins!"
    clash = plan_merge(catalog, [_entry("b", "Two.", "Zwo")], base)
    assert [s.conflict().to_dict() for s in clash.conflicts] == [
        {"id": "b", "msgid": "Two.", "base": "Zwei", "ours": "Zwei (neu)", "theirs": "Zwo",
         "note": ""}
    ]  # fmt: skip


def test_a_changed_source_takes_the_text_as_fuzzy_with_the_exported_msgid() -> None:
    base = (_entry("a", "The vote passed."),)
    catalog = (_entry("a2", "The vote passed today.", previous_msgid="The vote passed."),)
    plan = plan_merge(catalog, [_entry("a", "The vote passed.", "Angenommen")], base)
    (step,) = plan.steps
    result = step.result()
    assert (result.text, result.fuzzy) == ("Angenommen", True)
    assert (result.previous_msgid, result.previous_ctxt) == ("The vote passed.", "a")
    conflicting = replace(catalog[0], forms=("Schon übersetzt",))
    (clash,) = plan_merge([conflicting], [_entry("a", "The vote passed.", "X")], base).steps
    assert clash.outcome is Outcome.CONFLICT and clash.conflict().note == SOURCE_CHANGED


def test_work_on_a_removed_sentence_is_kept_obsolete() -> None:
    base = (_entry("a", "Gone."), _entry("b", "Stays."))
    catalog = (_entry("b", "Stays."), _entry("a", "Gone.", "Alt", obsolete=True))
    plan = plan_merge(catalog, [_entry("a", "Gone.", "Weg")], base)
    assert [e.key for e in plan.orphans] == [("a", "Gone.")]
    result = apply_plan(catalog, plan)
    assert [(e.text, e.obsolete) for e in result] == [("", False), ("Weg", True)]


def test_an_unstamped_conflict_says_why() -> None:
    catalog = (_entry("a", "One.", "Eins"),)
    (step,) = plan_merge(catalog, [_entry("a", "One.", "Uno")], None).conflicts
    assert step.conflict().note == NO_STAMP and step.conflict().base == ""


def test_settling_names_only_conflicts() -> None:
    catalog = (_entry("a", "One.", "Eins"), _entry("b", "Two."))
    plan = plan_merge(catalog, [_entry("a", "One.", "Uno"), _entry("b", "Two.", "Zwei")], None)
    assert settle(plan, None, {"a": Pick.THEIRS}).conflicts == ()
    assert settle(plan, None, {"a": Pick.THEIRS}).resolved == 1
    with pytest.raises(InputError, match="without a conflict: b"):
        settle(plan, None, {"b": Pick.OURS})

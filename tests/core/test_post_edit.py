"""Unmodified machine output is machine: the kept machine text, the state it makes,
and the edit ratio."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.model import SegmentState
from l10n_service.core.post_edit import (
    MT_TEXT_PREFIX,
    catalog_state,
    edit_ratio,
    is_unmodified,
    machine_output,
    machine_text_line,
    without_machine_text,
)
from l10n_service.core.provenance import provenance_line
from l10n_service.core.states import approval_comment

TEXT = "El maratón vuelve."
MT = provenance_line({"engine": "apertium", "kind": "rule-based"})
PSEUDO = provenance_line({"engine": "pseudo", "kind": "pseudo"})


def comment(text: str = TEXT, kind: str = "rule-based") -> str:
    return f"{MT}\n{machine_text_line(text, kind)}"


@given(st.text(), st.sampled_from(["neural", "rule-based", "pseudo", ""]))
def test_the_machine_text_line_keeps_any_text_on_one_line(text: str, kind: str) -> None:
    line = machine_text_line(text, kind or None)
    # One line and one word: nothing a PO writer wraps at (spaces, hyphens).
    assert len(line.splitlines()) == 1 and line.startswith(MT_TEXT_PREFIX)
    assert not re.search(r"[\s-]", line.removeprefix(MT_TEXT_PREFIX))
    output = machine_output("x", [], f"# note\n{line}")
    assert output is not None and output.text == text and output.kind == (kind or None)
    assert without_machine_text(f"a\n{line}\nb") == ["a", "b"]


@given(st.text(min_size=1), st.text(min_size=1))
def test_unmodified_exactly_when_equal_and_the_edit_ratio_says_so(machine: str, final: str) -> None:
    output = machine_output(final, [], machine_text_line(machine, "neural"))
    state = catalog_state(final, [], "", machine_text_line(machine, "neural"))
    assert is_unmodified(final, output) is (machine == final)
    assert (state is SegmentState.MACHINE) is (machine == final)
    assert (edit_ratio(machine, final) == 0) is (machine == final)
    assert 0 <= edit_ratio(machine, final) <= 1


@pytest.mark.parametrize(
    ("msgstr", "flags", "approved", "note", "state"),
    [
        (TEXT, [], False, comment(), SegmentState.MACHINE),  # fuzzy cleared, text kept
        (TEXT, ["machine"], False, comment(), SegmentState.MACHINE),
        (TEXT, ["fuzzy", "machine"], False, comment(), SegmentState.MACHINE),
        (TEXT, ["fuzzy"], False, comment(), SegmentState.FUZZY),  # the source changed
        ("El maratón ha vuelto.", [], False, comment(), SegmentState.TRANSLATED),
        (TEXT, [], True, comment(), SegmentState.APPROVED),  # a reviewer chose to
        (TEXT, [], True, comment(kind="pseudo"), SegmentState.MACHINE),  # never for pseudo
        ("Otro texto.", [], True, comment(kind="pseudo"), SegmentState.APPROVED),
        # Written before the text was kept: flagged machine and still carrying its line.
        (TEXT, ["machine"], False, MT, SegmentState.MACHINE),
        (TEXT, ["machine"], True, PSEUDO, SegmentState.MACHINE),
        (TEXT, [], False, MT, SegmentState.TRANSLATED),  # the flag went with an edit
        (TEXT, [], False, "", SegmentState.TRANSLATED),
        ("", [], False, comment(), SegmentState.UNTRANSLATED),
    ],
)
def test_catalog_state(
    msgstr: str, flags: list[str], approved: bool, note: str, state: SegmentState
) -> None:
    tcomment = approval_comment("rita", "2026-01-01T00:00:00Z", msgstr) if approved else ""
    assert catalog_state(msgstr, flags, tcomment, note) is state


def test_edit_ratio_is_the_share_of_characters_changed() -> None:
    assert edit_ratio("abcd", "abcd") == 0
    assert edit_ratio("abcd", "abcx") == 0.25
    assert edit_ratio("abcd", "wxyz") == 1


def test_a_broken_machine_text_line_claims_nothing() -> None:
    assert machine_output(TEXT, [], f"{MT_TEXT_PREFIX} {{not json") is None
    assert catalog_state(TEXT, [], "", f"{MT_TEXT_PREFIX} [1, 2]") is SegmentState.TRANSLATED

"""The word diff of a fuzzy entry's previous source: it joins back to both
sentences exactly, and never cuts a placeholder in two."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.diff import Change, DiffPart, new_side, old_side, word_diff
from l10n_service.core.tokens import TOKEN_RE
from tests.strategies import sentences


@given(sentences, sentences)
def test_the_diff_joins_back_to_both_texts(old: str, new: str) -> None:
    parts = word_diff(old, new)
    assert old_side(parts) == old
    assert new_side(parts) == new
    assert all(p.text for p in parts)
    assert all(a.change is not b.change for a, b in pairwise(parts))


@given(sentences)
def test_an_unchanged_text_is_one_equal_part(text: str) -> None:
    assert word_diff(text, text) == ((DiffPart(Change.EQUAL, text),) if text else ())


def _cuts(parts: tuple[DiffPart, ...], skip: Change) -> set[int]:
    """Offsets in one side's text where one part ends and the next begins."""
    cuts, at = set(), 0
    for part in parts:
        if part.change is not skip:
            at += len(part.text)
            cuts.add(at)
    return cuts


tokens = st.sampled_from(["<1>", "</1>", "<2/>", "<12/>", "run", " ", "fast", ".", "x"])


@given(st.lists(tokens, max_size=12), st.lists(tokens, max_size=12))
def test_placeholders_are_never_cut(old_words: list[str], new_words: list[str]) -> None:
    old, new = "".join(old_words), "".join(new_words)
    parts = word_diff(old, new)
    for text, skip in ((old, Change.INSERT), (new, Change.DELETE)):
        cuts = _cuts(parts, skip)
        for match in TOKEN_RE.finditer(text):
            assert not any(match.start() < cut < match.end() for cut in cuts), (text, parts)


def test_a_changed_word_is_deleted_then_inserted() -> None:
    parts = word_diff("The race starts at 8 am.", "The marathon starts at <2/> am.")
    assert parts == (
        DiffPart(Change.EQUAL, "The "),
        DiffPart(Change.DELETE, "race"),
        DiffPart(Change.INSERT, "marathon"),
        DiffPart(Change.EQUAL, " starts at "),
        DiffPart(Change.DELETE, "8"),
        DiffPart(Change.INSERT, "<2/>"),
        DiffPart(Change.EQUAL, " am."),
    )

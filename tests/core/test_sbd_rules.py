"""The tests that let pysbd's passes be skipped must never skip one that would act:
each hand-written gate matches wherever one of the patterns it stands for does, on
text made of what those patterns look for (the whole processor is compared with
stock pysbd in ``test_abbreviations.py``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysbd.lang.english import English
from pysbd.lists_item_replacer import ListItemReplacer

from l10n_service.core import abbreviations, sbd_rules

_PIECES = [
    ".", ". ", "..", "...", " . ", "\n", "\r", " ", "  ", "\t", ",", "'s", "'", "°", "°C",
    "Co", "KG", "A", "B", "I", "U", "S", "a", "b", "i", "v", "x", "e", "g", "m", "p",
    "ſ", "\u212a", "jpg", "png", "pdf", "1", "2", "12", "123", "[1]", "[12, 13]", "[", "]",
    "(", ")", "∯", "♨", "☝", "-", "⁃", "s-", "The", "now", "for",
    # whole forms the rules look for, too rare to come out of the pieces above
    "Co. KG", "N°. 3", "a. . . . ", " . . . ", "x∯12 The", "x.[1] The", "1) ", "2) ", "a) ",
    "b) ", "(c) ", "a. ", "b. ", "1. ", "2. ", "P∯M∯ A", "e.g.", "U.S.", "it's. ",
]  # fmt: skip
# The same forms, each alone: every gate is tried on each.
_FORMS = [
    "Co. KG", "Lat N°. 3 ran", "the a. . . . end", "Wait . . . now", "It∯12 The", "x.[1] The",
    "x.12 The", "Do 1) one 2) two", "Do a) one b) two", "Do (c) one (d) two", "a. one b. two",
    "Go 1. one 2. two", "At 5 P∯M∯ Then", "e.g. this", "The U.S. army", "It.'s here",
    "Line\nbreak", "Dots... More", "a.b", "v1.2", "A. Smith", "See .jpg files",
    "It&⎋&s", "Endƪƪƪ", "Why?! Now", "Go!! Now", "Go!' he", "Go!, then", "Go! now", "Why?' he",
]  # fmt: skip


@st.composite
def texts(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14)))


def _gated_groups() -> list[tuple[str, sbd_rules.Rules, list[re.Pattern[str]]]]:
    found = []
    for name, group in vars(abbreviations).items():
        if isinstance(group, sbd_rules.Rules):
            found.append((name, group, [pattern for pattern, _ in group.subs]))
    return found


_GATES: list[tuple[str, re.Pattern[str], list[re.Pattern[str]]]] = [
    *((name, group.gate, patterns) for name, group, patterns in _gated_groups()),
    (
        "numbered references",
        abbreviations._MAY_BE_REFERENCE,
        [re.compile(English.NUMBERED_REFERENCE_REGEX)],
    ),
    (
        "multi-period abbreviations",
        abbreviations._MAY_BE_MULTI_PERIOD,
        [re.compile(English.MULTI_PERIOD_ABBREVIATION_REGEX, re.IGNORECASE)],
    ),
]


@pytest.mark.parametrize("name, gate, patterns", _GATES, ids=[g[0] for g in _GATES])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts())
def test_a_gate_matches_wherever_its_rules_do(
    name: str, gate: re.Pattern[str], patterns: list[re.Pattern[str]], text: str
) -> None:
    if any(pattern.search(text) for pattern in patterns):
        assert gate.search(text), (name, text)


@pytest.mark.parametrize("name, gate, patterns", _GATES, ids=[g[0] for g in _GATES])
def test_a_gate_matches_the_forms_its_rules_look_for(
    name: str, gate: re.Pattern[str], patterns: list[re.Pattern[str]]
) -> None:
    acted = [text for text in _FORMS if any(pattern.search(text) for pattern in patterns)]
    assert acted, name  # each gate is tried on some form its rules act on
    for text in acted:
        assert gate.search(text), (name, text)


@pytest.mark.parametrize(
    "name, group, patterns", _gated_groups(), ids=[g[0] for g in _gated_groups()]
)
def test_every_rule_of_a_group_needs_one_of_its_characters(
    name: str, group: sbd_rules.Rules, patterns: list[re.Pattern[str]]
) -> None:
    if not group.needs:
        return
    for text in ("?", "!", "∯", "a?'", "b!'", "c!, d", "P∯M∯ A", "a∯m∯ B", "p∯m∯ C"):
        stripped = "".join(ch for ch in text if ch not in group.needs)
        assert not any(pattern.search(stripped) for pattern in patterns), (name, text)


_LIST_PATTERNS = [
    (sbd_rules._LETTER_DOT, re.compile(ListItemReplacer.ALPHABETICAL_LIST_WITH_PERIODS)),
    (sbd_rules._LETTER_PAREN, re.compile(ListItemReplacer.ALPHABETICAL_LIST_WITH_PARENS)),
    (sbd_rules._DIGIT_DOT, re.compile(ListItemReplacer.NUMBERED_LIST_REGEX_1)),
    (sbd_rules._DIGIT_PAREN, re.compile(ListItemReplacer.NUMBERED_LIST_PARENS_REGEX)),
]


@pytest.mark.parametrize("cheap, pysbd", _LIST_PATTERNS, ids=lambda p: p.pattern[:20])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts())
def test_two_list_items_are_found_by_the_cheap_test(
    cheap: re.Pattern[str], pysbd: re.Pattern[str], text: str
) -> None:
    if len(pysbd.findall(text)) >= 2:
        assert sbd_rules._twice(cheap, text), text


@pytest.mark.parametrize("cheap, pysbd", _LIST_PATTERNS, ids=lambda p: p.pattern[:20])
def test_two_list_items_in_the_forms_are_found_by_the_cheap_test(
    cheap: re.Pattern[str], pysbd: re.Pattern[str]
) -> None:
    listed = [text for text in _FORMS if len(pysbd.findall(text)) >= 2]
    assert listed
    for text in listed:
        assert sbd_rules._twice(cheap, text), text

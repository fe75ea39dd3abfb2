"""pysbd's rule passes, each skipped where it provably cannot change the text.

pysbd runs about a hundred regular-expression passes over every text it splits, and
on most texts nearly all of them find nothing: a fixed cost of a few hundred
microseconds a text, most of a big document's sentence splitting. A pass that
cannot match leaves the text as it is, so it can be skipped without changing the
output. Which passes can match is decided by one of two tests:

* a group of substitutions applied in turn (pysbd's ``Text(...).apply``) is skipped
  when one search for any of its patterns (their alternation) finds nothing: then
  the first leaves the text unchanged, so the second sees the same text, and so on;
* a pass whose pattern needs a given character (a quote, a bracket, a digit before
  a full stop) is skipped when the text has none.

The passes that run are pysbd 0.3.4's, on patterns compiled once.
``tests/core/test_abbreviations.py`` compares the result with stock pysbd.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from pysbd.between_punctuation import BetweenPunctuation
from pysbd.exclamation_words import ExclamationWords
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.punctuation_replacer import replace_punctuation

__all__ = ["Rules", "apply", "between_punctuation", "exclamation_words", "list_items", "rules"]


@dataclass(frozen=True)
class Rules:
    """Substitutions applied in turn, and one pattern that matches where any does.
    ``literals``: the same substitutions as plain strings, when every pattern is one
    (``str.replace`` then does what ``re.sub`` does, without a regex pass)."""

    gate: re.Pattern[str]
    subs: tuple[tuple[re.Pattern[str], str], ...]
    literals: tuple[tuple[str, str], ...] | None = None
    needs: str = ""  # characters one of which every pattern consumes


_METACHARACTERS = re.compile(r"[\\.^$*+?{}\[\]|()]")


def rules(*given: Any, needs: str = "", gate: str | None = None) -> Rules:
    """pysbd ``Rule`` objects as :class:`Rules`. Their patterns take no inline flags,
    back references or named groups (checked), so their alternation matches exactly
    where one of them does. ``needs``: characters one of which each pattern matches
    literally (checked loosely: it appears in each), a test cheaper than the gate.
    ``gate``: a pattern that matches wherever one of theirs does, cheaper than their
    alternation (one whose branches start with a literal is searched for that
    literal); ``tests/core/test_sbd_rules.py`` holds each to that."""
    patterns = [rule.pattern for rule in given]
    for pattern in patterns:
        if re.search(r"\(\?[aiLmsux]|\(\?P|\\[1-9]", pattern):
            raise ValueError(f"not safe to combine: {pattern!r}")
        if needs and not any(char in pattern for char in needs):
            raise ValueError(f"{pattern!r} needs none of {needs!r}")
    gate_pattern = gate or "|".join(f"(?:{pattern})" for pattern in patterns)
    subs = tuple((re.compile(rule.pattern), rule.replacement) for rule in given)
    plain = all(
        rule.pattern and not _METACHARACTERS.search(rule.pattern) and "\\" not in rule.replacement
        for rule in given
    )
    literals = tuple((rule.pattern, rule.replacement) for rule in given) if plain else None
    return Rules(re.compile(gate_pattern), subs, literals, needs)


def apply(text: str, group: Rules) -> str:
    """``pysbd.utils.Text(text).apply(*rules)``: nothing to do where none matches."""
    if group.literals is not None:
        for old, new in group.literals:
            if old in text:
                text = text.replace(old, new)
        return text
    if group.needs and not any(char in text for char in group.needs):
        return text
    if group.gate.search(text) is None:
        return text
    for pattern, replacement in group.subs:
        text = pattern.sub(replacement, text)
    return text


# --- list items (``ListItemReplacer.add_line_break``) ------------------------------

_L = ListItemReplacer
_ALPHA_PERIODS = re.compile(_L.ALPHABETICAL_LIST_WITH_PERIODS)
_ALPHA_PARENS = re.compile(_L.ALPHABETICAL_LIST_WITH_PARENS)
_NUMBERED_PERIODS = re.compile(_L.NUMBERED_LIST_REGEX_1)
_NUMBERED_PARENS = re.compile(_L.NUMBERED_LIST_PARENS_REGEX)
_ROMAN = frozenset(_L.ROMAN_NUMERALS)
_LATIN = frozenset(_L.LATIN_NUMERALS)


def _listed(pattern: re.Pattern[str], text: str, alphabet: frozenset[str]) -> bool:
    """Whether ``iterate_alphabet_array`` may change ``text``: it replaces an item
    only next to another one of the alphabet (a single item is compared with
    itself, a distance of 0, and left alone)."""
    return sum(1 for item in pattern.findall(text) if item in alphabet) >= 2


class _ListItems(ListItemReplacer):  # type: ignore[misc]
    """``add_line_break`` with each of its four steps run only where it can act:
    lettered and roman lists need two items of their alphabet; numbered lists two
    numbers (``scan_lists`` replaces an item only next to its neighbour) or pysbd's
    own marker already in the text, which the later rules of the step look for."""

    text: str

    def add_line_break(self) -> str:
        for pattern, parens, roman in _ALPHABETICAL:
            if _twice(_LETTER_PAREN if parens else _LETTER_DOT, self.text) and _listed(
                pattern, self.text, _ROMAN if roman else _LATIN
            ):
                self.iterate_alphabet_array(pattern.pattern, parens=parens, roman_numeral=roman)
        if _twice(_DIGIT_DOT, self.text) or "♨" in self.text:
            self.format_numbered_list_with_periods()
        if _twice(_DIGIT_PAREN, self.text) or "☝" in self.text:
            self.format_numbered_list_with_parens()
        return self.text


def _twice(pattern: re.Pattern[str], text: str) -> bool:
    found = pattern.search(text)
    return found is not None and pattern.search(text, found.end()) is not None


# What two list items need at least twice, apart (a cheap test before pysbd's own
# patterns): a lettered item is a letter before a full stop or a ")"; a numbered
# one a digit, a full stop and a space or a ")"; or a digit, a ")" and a space.
_LETTER_DOT = re.compile(r"[a-z]\.")
_LETTER_PAREN = re.compile(r"[a-z]\)")
_DIGIT_DOT = re.compile(r"\d\.[\s)]")
_DIGIT_PAREN = re.compile(r"\d\)\s")


# pysbd's order: lettered lists with periods, then in parentheses; roman ones the same.
_ALPHABETICAL = (
    (_ALPHA_PERIODS, False, False),
    (_ALPHA_PARENS, True, False),
    (_ALPHA_PERIODS, False, True),
    (_ALPHA_PARENS, True, True),
)


def list_items(text: str) -> str:
    """``ListItemReplacer(text).add_line_break()``."""
    return str(_ListItems(text).add_line_break())


# --- other passes ------------------------------------------------------------------

_B = BetweenPunctuation
# Each of pysbd's "between punctuation" passes, with a character its pattern needs.
_BETWEEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("‘", re.compile(_B.BETWEEN_SINGLE_QUOTE_SLANTED_REGEX)),
    ('"', re.compile(_B.BETWEEN_DOUBLE_QUOTES_REGEX_2)),
    ("[", re.compile(_B.BETWEEN_SQUARE_BRACKETS_REGEX_2)),
    ("(", re.compile(_B.BETWEEN_PARENS_REGEX_2)),
    ("«", re.compile(_B.BETWEEN_QUOTE_ARROW_REGEX_2)),
    ("--", re.compile(_B.BETWEEN_EM_DASHES_REGEX_2)),
    ("“", re.compile(_B.BETWEEN_QUOTE_SLANTED_REGEX_2)),
)
_SINGLE_QUOTES = re.compile(_B.BETWEEN_SINGLE_QUOTES_REGEX)
_LEADING_APOSTROPHE = re.compile(_B.WORD_WITH_LEADING_APOSTROPHE)
_APOSTROPHE_SPACE = re.compile(r"'\s")


def between_punctuation(text: str) -> str:
    """``BetweenPunctuation(text).replace()``, in pysbd's order."""
    if "'" in text and not (
        _LEADING_APOSTROPHE.search(text) and not _APOSTROPHE_SPACE.search(text)
    ):
        text = _SINGLE_QUOTES.sub(partial(replace_punctuation, match_type="single"), text)
    for needed, pattern in _BETWEEN:
        if needed in text:
            text = pattern.sub(replace_punctuation, text)
    return text


_EXCLAMATION_WORDS = re.compile(ExclamationWords.EXCLAMATION_REGEX)


def exclamation_words(text: str) -> str:
    """``ExclamationWords.apply_rules(text)``: each of its words has a ``!`` or a
    ``ǃ`` (U+01C3)."""
    if "!" not in text and "ǃ" not in text:
        return text
    return str(_EXCLAMATION_WORDS.sub(replace_punctuation, text))

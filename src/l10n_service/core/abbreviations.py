"""pysbd's English processor with its abbreviation search made cheap, same output.

pysbd looks for each of its ~190 abbreviations in every line it segments: a
substring test per abbreviation, then two regex scans and a substitution per match
("no" matches " now", "is" matches " issue"), about half of its time on a big
document. Every substitution it can make turns a full stop that directly follows the
abbreviation into ``∯``; an abbreviation not followed by a full stop anywhere in the
line changes nothing. So only abbreviations found right before a full stop are
searched, found by looking back from each full stop, and in pysbd's own order, with
pysbd's own code; lines with a character that matches an ASCII letter only when case
is ignored (``ſ``, the Kelvin sign, dotted and dotless i) take pysbd's full loop.
``tests/core/test_abbreviations.py`` compares the two on generated and real text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pysbd.abbreviation_replacer import AbbreviationReplacer
from pysbd.lang.english import English
from pysbd.processor import Processor

__all__ = ["EnglishProcessor"]

# Characters outside ASCII that re.IGNORECASE matches to an ASCII letter.
_FOLDS_TO_ASCII = re.compile("[İıſK]")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[int]], list[int], int]:
    """Letter-only abbreviations -> their places in pysbd's list; the places of the
    others (``e.g``, ``ph.d``: pysbd's own substring test decides); longest length."""
    by_word: dict[str, list[int]] = {}
    other: list[int] = []
    for i, abbr in enumerate(English.Abbreviation.ABBREVIATIONS):
        stripped = abbr.strip()
        if stripped and set(stripped) <= _LETTERS:
            by_word.setdefault(stripped, []).append(i)
        else:
            other.append(i)
    return by_word, other, max(map(len, by_word))


class _Replacer(English.AbbreviationReplacer):  # type: ignore[misc]
    text: str
    # pysbd builds this pattern on every call; it depends on the class only.
    _BOUNDARY = r"(U∯S|U\.S|U∯K|E∯U|E\.U|U∯S∯A|U\.S\.A|I|i.v|I.V)∯({})".format(
        "|".join(rf"(?=\s{word}\s)" for word in English.AbbreviationReplacer.SENTENCE_STARTERS)
    )

    def replace_abbreviation_as_sentence_boundary(self) -> str:
        text: str = re.sub(self._BOUNDARY, "\\1.", self.text)
        self.text = text
        return text

    def search_for_abbreviations_in_string(self, text: str) -> str:
        if _FOLDS_TO_ASCII.search(text):
            return str(super().search_for_abbreviations_in_string(text))
        lowered = text.lower()
        by_word, other, longest = _index()
        places = {i for i in other if English.Abbreviation.ABBREVIATIONS[i].strip() in lowered}
        dot = lowered.find(".")
        while dot >= 0:
            for length in range(1, min(longest, dot) + 1):
                if lowered[dot - length] not in _LETTERS:
                    break
                places.update(by_word.get(lowered[dot - length : dot], ()))
            dot = lowered.find(".", dot + 1)
        for i in sorted(places):
            text = self._search_one(text, English.Abbreviation.ABBREVIATIONS[i])
        return text

    def _search_one(self, text: str, abbr: str) -> str:
        """The body of pysbd's loop in ``search_for_abbreviations_in_string``, as is."""
        stripped = abbr.strip()
        abbrev_match = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
        if not abbrev_match:
            return text
        next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
        char_array = re.findall(next_word_start, text)
        for ind, match in enumerate(abbrev_match):
            text = self.scan_for_replacements(text, match, ind, char_array)
        return text


class EnglishProcessor(Processor):  # type: ignore[misc]
    """pysbd's processor for English, with the abbreviation search above."""

    def __init__(self, text: str) -> None:
        super().__init__(text, English, char_span=False)

    def abbreviations_replacer(self) -> AbbreviationReplacer:
        return _Replacer(self.text, self.lang)

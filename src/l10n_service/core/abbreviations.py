"""pysbd's English processor made cheaper, with the same output.

pysbd looks for each of its ~190 abbreviations in every line it segments: a
substring test per abbreviation, then two regex scans and a substitution per match
("no" matches " now", "is" matches " issue"), about half of its time on a big
document. Every substitution it can make turns a full stop that directly follows the
abbreviation into ``∯``; an abbreviation not followed by a full stop anywhere in the
line changes nothing. So only abbreviations found right before a full stop are
searched, found by looking back from each full stop, and in pysbd's own order, with
pysbd's own code; lines with a character that matches an ASCII letter only when case
is ignored and that ``str.lower`` leaves alone (``ſ``, dotted and dotless i) take
pysbd's full loop.
Its other passes are skipped where they cannot match (:mod:`.sbd_rules`).
``tests/core/test_abbreviations.py`` compares this processor with pysbd's on made-up
and real text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pysbd.abbreviation_replacer import AbbreviationReplacer
from pysbd.lang.english import English
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.processor import Processor

from .sbd_rules import apply, between_punctuation, exclamation_words, list_items, rules

__all__ = ["EnglishProcessor"]

# Characters outside ASCII that re.IGNORECASE matches to an ASCII letter and that
# str.lower() does not turn into it (the Kelvin sign lowers to "k"; an ASCII "K" here
# sent every line with a capital K through the full loop).
_FOLDS_TO_ASCII = re.compile("[İıſ]")
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
    _BOUNDARY = re.compile(
        r"(U∯S|U\.S|U∯K|E∯U|E\.U|U∯S∯A|U\.S\.A|I|i.v|I.V)∯({})".format(
            "|".join(rf"(?=\s{word}\s)" for word in English.AbbreviationReplacer.SENTENCE_STARTERS)
        )
    )

    def replace(self) -> str:
        """pysbd's steps, each skipped where it cannot match (:mod:`.sbd_rules`)."""
        self.text = apply(self.text, _BEFORE_ABBREVIATIONS)
        self.text = "".join(
            self.search_for_abbreviations_in_string(line) for line in self.text.splitlines(True)
        )
        if _MAY_BE_MULTI_PERIOD.search(self.text):
            self.replace_multi_period_abbreviations()
        self.text = apply(self.text, _AM_PM)
        return self.replace_abbreviation_as_sentence_boundary()

    def replace_abbreviation_as_sentence_boundary(self) -> str:
        if "∯" in self.text:
            self.text = self._BOUNDARY.sub("\\1.", self.text)
        return self.text

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


# Each gate below matches where one of its rules does, searched from a literal
# character: a line break, or ellipsis dots ("...", ". . ."); a digit next to a full
# stop; a full stop with what the rules need around it.
_NEW_LINE_AND_ELLIPSES = rules(
    English.SingleNewLineRule, *English.EllipsisRules.All, gate=r"\n|\.\.\.|\.\s\."
)
_SUB_SYMBOLS = rules(*English.SubSymbolsRules.All)
_SINGLE_QUOTE = rules(English.SubSingleQuoteRule)
_REINSERT_ELLIPSES = rules(*English.ReinsertEllipsisRules.All)
_DOUBLE_PUNCTUATION = rules(*English.DoublePunctuationRules.All, needs="?!")
_QUESTION_AND_EXCLAMATION = rules(
    English.QuestionMarkInQuotationRule, *English.ExclamationPointRules.All, needs="?!"
)
_NUMBERS = rules(*English.Numbers.All, gate=r"\.\d|\d\.")
_MULTIPLE_PERIODS_AND_PLACES = rules(
    English.Abbreviation.WithMultiplePeriodsAndEmailRule,
    English.GeoLocationRule,
    English.FileFormatRule,
    gate=r"\.(?:[a-zA-Z0-9_]|(?<=°\.))",  # "a.b", "°.", ".jpg"
)
_BEFORE_ABBREVIATIONS = rules(
    English.PossessiveAbbreviationRule,
    English.KommanditgesellschaftRule,
    *English.SingleLetterAbbreviationRules.All,
    gate=r"\.(?:'s|(?<=[A-Z]\.)|(?<=Co\.))",  # ".'s", "Co.", "A."
)
_AM_PM = rules(*English.AmPmRules.All, needs="∯")
_MULTI_PERIOD_ABBREVIATION = re.compile(English.MULTI_PERIOD_ABBREVIATION_REGEX, re.IGNORECASE)
_CONTINUOUS_PUNCTUATION = re.compile(English.CONTINUOUS_PUNCTUATION_REGEX)
_NUMBERED_REFERENCE = re.compile(English.NUMBERED_REFERENCE_REGEX)
_MAY_BE_REFERENCE = re.compile(r"\.[\[\d]|∯[\[\d]")  # a full stop before "[1]" or "12"
_MAY_BE_MULTI_PERIOD = re.compile(r"\.[a-z]", re.IGNORECASE)  # "e.g."
_PARENS_BETWEEN_DOUBLE_QUOTES = re.compile(English.PARENS_BETWEEN_DOUBLE_QUOTES_REGEX)
_DOUBLE_PUNCTUATION_ONLY = re.compile(English.DoublePunctuationRules.DoublePunctuation)
_ROMAN_IN_PARENTHESES = re.compile(ListItemReplacer.ROMAN_NUMERALS_IN_PARENTHESES)
_SENTENCE_BOUNDARY = re.compile(English.SENTENCE_BOUNDARY_REGEX)
_QUOTATION_AT_END = re.compile(English.QUOTATION_AT_END_OF_SENTENCE_REGEX)
_SPLIT_QUOTATION_AT_END = re.compile(English.SPLIT_SPACE_QUOTATION_AT_END_OF_SENTENCE_REGEX)
_LETTERS_ONLY = re.compile(r"\A[a-zA-Z]*\Z")
_EXCLAMATION_AT_END = re.compile(r"&ᓴ&$")
_PUNCTUATIONS = tuple(English.Punctuations)
# What pysbd's list formatting (``ListItemReplacer.add_line_break``) looks for: a
# number (numbered lists), a ")" (lettered and roman lists in parentheses), a letter
# alone before a full stop ("a."), or its own markers; without one it changes nothing.
_MAY_BE_LIST = re.compile(r"[\d)♨☝]|(?:\A|\s)[a-z]\.")


class EnglishProcessor(Processor):  # type: ignore[misc]
    """pysbd's processor for English, with the abbreviation search above. The
    methods below are pysbd 0.3.4's, step for step, each pass skipped where it
    cannot match (:mod:`.sbd_rules`) and run on patterns compiled once
    (``tests/core/test_abbreviations.py``)."""

    text: str

    def __init__(self, text: str) -> None:
        super().__init__(text, English, char_span=False)

    def process(self) -> Any:
        if not self.text:
            return self.text
        self.text = self.text.replace("\n", "\r")
        if _MAY_BE_LIST.search(self.text):
            self.text = list_items(self.text)
        self.replace_abbreviations()
        self.text = apply(self.text, _NUMBERS)
        if "!" in self.text or "?" in self.text:
            self.replace_continuous_punctuation()
        if _MAY_BE_REFERENCE.search(self.text):
            self.text = _NUMBERED_REFERENCE.sub(r"∯\2\r\7", self.text)
        self.text = apply(self.text, _MULTIPLE_PERIODS_AND_PLACES)
        return self.split_into_segments()

    def abbreviations_replacer(self) -> AbbreviationReplacer:
        return _Replacer(self.text, self.lang)

    def split_into_segments(self) -> list[str]:
        if "(" in self.text:
            self.check_for_parens_between_quotes()
        sents = self.rm_none_flatten(self.text.split("\r"))
        sents = [apply(s, _NEW_LINE_AND_ELLIPSES) for s in sents]
        sents = self.rm_none_flatten([self.check_for_punctuation(s) for s in sents])
        postprocessed_sents: list[str] = []
        for sent in sents:
            post_process_sent = self.post_process_segments(apply(sent, _SUB_SYMBOLS))
            if post_process_sent and isinstance(post_process_sent, str):
                postprocessed_sents.append(post_process_sent)
            elif isinstance(post_process_sent, list):
                postprocessed_sents.extend(post_process_sent)
        return [apply(ns, _SINGLE_QUOTE) for ns in postprocessed_sents]

    def post_process_segments(self, txt: str) -> str | list[str]:
        if len(txt) > 2 and _LETTERS_ONLY.search(txt):
            return txt
        txt = apply(txt, _REINSERT_ELLIPSES)
        if _QUOTATION_AT_END.search(txt):
            return _SPLIT_QUOTATION_AT_END.split(txt)
        return txt.replace("\n", "").strip()

    def process_text(self, txt: str) -> Any:
        if txt[-1] not in _PUNCTUATIONS:
            txt += "ȸ"
        txt = exclamation_words(txt)
        txt = between_punctuation(txt)
        # handle text having only doublepunctuations
        if not _DOUBLE_PUNCTUATION_ONLY.match(txt):
            txt = apply(txt, _DOUBLE_PUNCTUATION)
        txt = apply(txt, _QUESTION_AND_EXCLAMATION)
        if "(" in txt:
            txt = _ROMAN_IN_PARENTHESES.sub(r"&✂&\1&⌬&", txt)
        # English has no colon or comma rule; retain an exclamation mark at the end.
        if "&ᓴ&" in txt:
            txt = _EXCLAMATION_AT_END.sub("!", txt)
        return [m.group() for m in _SENTENCE_BOUNDARY.finditer(txt)]

"""Sentence boundaries, from pysbd (rule-based, abbreviation-aware, no model download).

pysbd knows ``Dr. Sharma``, ``U.S.`` and ``e.g.``. Around it: a fast path for text in
which no sentence can end before its end (most headings, list items and cells: pysbd
is most of a big document's parse), windows for long blocks, and rules that undo its
cuts inside words (``foo_*.tar.gz``) and after a heading's label and number
(``Chapter 10. Debian``) and add one where news copy lost a space.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd
from pysbd.lang.english import English
from pysbd.languages import LANGUAGE_CODES

from .abbreviations import EnglishProcessor

__all__ = ["sentence_spans"]


@lru_cache(maxsize=16)
def _segmenter(lang: str) -> pysbd.Segmenter:
    code = lang.replace("-", "_").split("_")[0].lower()
    if code not in LANGUAGE_CODES:
        code = "en"
    return pysbd.Segmenter(language=code, clean=False, char_span=True)


# pysbd is quadratic in the length of one text (a regex pass over the whole text per
# abbreviation match): long blocks are split in windows that overlap by a sentence.
WINDOW = 3000


def sentence_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trailing whitespace excluded."""
    if not text.strip():
        return []
    if _one_sentence(text):
        return [(len(text) - len(text.lstrip()), len(text.rstrip()))]
    if len(text) <= WINDOW:
        return _spans(text, lang)
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + WINDOW)
        window = [(s + start, e + start) for s, e in _spans(text[start:end], lang)]
        if end == len(text):
            spans.extend(window)
            break
        if len(window) <= 1:  # one sentence longer than the window: cut it there
            spans.extend(window or [(start, end)])
            start = end
            continue
        # The window's last sentence may continue past it: re-read it with the next.
        spans.extend(window[:-1])
        start = window[-1][0]
    return spans


_ENDS = ".!?…‽。！？．｡؟۔।॥"
_TRAILING = _ENDS + "\"'”’»)]}」』 \t\n\r\f\v\u00a0"
# Before the text's own end, what could end a sentence once our rules below have
# undone pysbd's cuts inside words: any terminal punctuation but a full stop inside a
# word ("3.10", "foo_*.dsc"; not "e.g. the"), a full stop before a capital letter
# (the missing-space rule) and, in a text that opens with a parenthesis, a closing
# one (pysbd ends a sentence after a whole parenthesis: "(see Classes) The method").
_MAY_END = re.compile(f"[{_ENDS[1:]}]|\\.(?![\\w/*~-])|\\.(?=[A-Z])")
_MAY_END_PAREN = re.compile(f"[{_ENDS})）]")
# What may follow the last word: closing brackets and quotes, then one full stop,
# question or exclamation mark, then whitespace (pysbd cuts "the.|\"").
_SAFE_TAIL = re.compile(r"[\"'”’»)\]}」』]*[.!?]?\s*")


def _one_sentence(text: str) -> bool:
    """No sentence can end before the text's own end: one sentence, whatever pysbd
    would say (a hypothesis test compares the two on generated and real text),
    without pysbd's fixed cost of a few hundred regex passes. Headings, list items,
    table cells and most version strings ("Version 21.7b0", "Python 3.10") take
    this path."""
    body = text.rstrip(_TRAILING)
    if not _SAFE_TAIL.fullmatch(text, len(body)):  # "the..", "Why?!", "it.)": pysbd may cut
        return False
    pattern = _MAY_END_PAREN if body.lstrip().startswith(("(", "（")) else _MAY_END
    return pattern.search(body) is None


# Same-length substitutions, so pysbd's offsets stay ours: a newline inside a block
# is a soft wrap, not a sentence end, and pysbd crashes on ASCII separators 0x1c-0x1f
# before a number.
_FOR_PYSBD = {0x0A: " ", 0x0D: " ", 0x1C: " ", 0x1D: " ", 0x1E: " ", 0x1F: " "}


def _spans(text: str, lang: str) -> list[tuple[int, int]]:
    if not text.strip():
        return []
    prepared = text.translate(_FOR_PYSBD)
    segmenter = _segmenter(lang)
    english = segmenter.language_module is English
    processor = EnglishProcessor(prepared) if english else segmenter.processor(prepared)
    # pysbd's own char_span mode compiles a regex per sentence to find it again;
    # its sentences are substrings in order, so a moving str.find does the same.
    raw: list[tuple[int, int]] = []
    pos = 0
    for sentence in processor.process():
        start = prepared.find(sentence, pos)
        if start < 0:
            raw = [(span.start, span.end) for span in segmenter.segment(prepared)]
            break
        pos = start + len(sentence)
        raw.append((start, pos))
    spans: list[tuple[int, int]] = []
    for start, end in _split_missing_spaces(text, _join_inside_words(text, raw)):
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


# pysbd cuts where no sentence ends, in two ways we undo. After a full stop inside a
# word: "foo_*.|dsc", "the .|tar.gz", "Run .|/configure"; a full stop directly
# followed by a letter, a digit or a path character belongs to a file name, a version
# or a host (a missing space before a capitalised word is put back below). And
# before a word its list-item rule takes for an enumeration ("Edit| a.py,| b.py and|
# c.py."): a sentence ends with terminal punctuation, perhaps inside quotes or
# brackets (or is a whole parenthesis), or it has not ended.
_WORD_GOES_ON = re.compile(r"[\w/*~-]")
_TERMINAL = re.compile(r"[.!?…‽。！？．｡؟۔।॥][\"'”’»)\]}」』]*\s*\Z")


def _join_inside_words(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and _no_end_at(text, out[-1], start, end):
            start = out.pop()[0]
        out.append((start, end))
    return out


def _no_end_at(text: str, previous: tuple[int, int], cut: int, next_end: int) -> bool:
    start, end = previous
    if end == cut and text[cut - 1] == "." and _WORD_GOES_ON.match(text, cut):
        return True
    sentence = text[start:end].strip()
    if _numbered_label(sentence, text[cut:next_end]):
        return True
    whole_parenthesis = sentence.startswith("(") and sentence.endswith(")")
    return not whole_parenthesis and _TERMINAL.search(text, start, end) is None


# A heading's number is not a sentence end: "Chapter 10. Debian and the kernel",
# "Figure 2. The layout", "Step 3. Run the installer". pysbd cuts after "10." since a
# capitalised word follows. A "sentence" that is only a label word and a number is a
# label: after a known label word always (it is never a sentence on its own), after
# any other capitalised word only in a heading-like line, one whose text after the
# number has no terminal punctuation ("Windows 10. Fixed crashes"). A number that
# ends a real sentence has more words before it ("It was released in 2010. The next").
_LABEL_WORDS = (
    "chapter|ch|section|sec|part|pt|appendix|figure|fig|table|tab|no|nr|number|vol"
    "|volume|book|step|lesson|unit|article|art|exercise|example|episode|item|question"
    "|problem|lecture|module|task"
)
_NUMBERED = re.compile(
    rf"(?:(?P<label>(?i:{_LABEL_WORDS})\.?)|[A-Z][\w-]*)[ \t\u00a0]+"
    r"(?:\d+(?:\.\d+)*|(?(label)[IVXLCDM]+|(?!)))\."
)


def _numbered_label(sentence: str, after: str) -> bool:
    match = _NUMBERED.fullmatch(sentence)
    if match is None:
        return False
    return match["label"] is not None or _TERMINAL.search(after) is None


# News copy often loses the space after a full stop ("a complex picture.On one
# hand"); pysbd keeps such sentences together. Two lowercase letters, the stop, then
# a capitalised word is a boundary; "Time.news", "U.S.A" and "ASP.NET" are not.
_MISSING_SPACE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")


def _split_missing_spaces(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for match in _MISSING_SPACE.finditer(text, start, end):
            out.append((start, match.start()))
            start = match.start()
        out.append((start, end))
    return out

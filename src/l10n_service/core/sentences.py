"""Sentence boundaries, from pysbd (rule-based, abbreviation-aware, no model download).

pysbd knows ``Dr. Sharma``, ``U.S.`` and ``e.g.``; we only add a cache because the
segmenter object is costly to build and articles repeat languages.
"""

from __future__ import annotations

from functools import lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

__all__ = ["sentence_spans"]


@lru_cache(maxsize=16)
def _segmenter(lang: str) -> pysbd.Segmenter:
    code = lang.replace("-", "_").split("_")[0].lower()
    if code not in LANGUAGE_CODES:
        code = "en"
    return pysbd.Segmenter(language=code, clean=False, char_span=True)


def sentence_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, trailing whitespace excluded."""
    if not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    for span in _segmenter(lang).segment(text):
        start, end = span.start, span.end
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans

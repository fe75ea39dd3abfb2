"""Word-level differences between two sentences, for a reviewer's eyes.

A fuzzy entry carries the source it was translated from as its ``#|`` previous
msgid; what a reviewer needs is *what changed in the source*, so the translation
can be fixed to match. A character diff of two sentences is noise ("t" became
"T", three letters moved), a line diff says nothing, so the unit here is the word:
runs of letters/digits, runs of spaces, each punctuation mark, and each of our
placeholder tokens (``<1>``, ``</1>``, ``<2/>``) whole, so markup never shows up
half-changed.

Pure: no I/O; the result joins back to both inputs exactly (the property tests
check this), so rendering it can never lose or invent text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from .tokens import TOKEN_RE

__all__ = ["Change", "DiffPart", "new_side", "old_side", "word_diff"]

_WORD = re.compile(TOKEN_RE.pattern + r"|\w+|\s+|[^\w\s]", re.UNICODE)


class Change(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"  # only in the old text
    INSERT = "insert"  # only in the new text


@dataclass(frozen=True)
class DiffPart:
    change: Change
    text: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_diff(old: str, new: str) -> tuple[DiffPart, ...]:
    """The edit from ``old`` to ``new`` as equal/delete/insert runs of words,
    deletions before insertions where a run was replaced; adjacent parts of the
    same kind are merged."""
    a, b = _words(old), _words(new)
    # autojunk off: it treats frequent words ("the", spaces) as junk in long
    # sentences, which splits the diff in odd places.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    parts: list[DiffPart] = []

    def add(change: Change, words: list[str]) -> None:
        if not words:
            return
        text = "".join(words)
        if parts and parts[-1].change is change:
            parts[-1] = DiffPart(change, parts[-1].text + text)
        else:
            parts.append(DiffPart(change, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(Change.EQUAL, a[i1:i2])
        else:
            add(Change.DELETE, a[i1:i2])
            add(Change.INSERT, b[j1:j2])
    return tuple(parts)


def old_side(parts: tuple[DiffPart, ...]) -> str:
    return "".join(p.text for p in parts if p.change is not Change.INSERT)


def new_side(parts: tuple[DiffPart, ...]) -> str:
    return "".join(p.text for p in parts if p.change is not Change.DELETE)

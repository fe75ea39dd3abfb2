"""Hard-wrapped plain text: which lines are one paragraph, and re-wrapping a translation.

Text files, wire copy and mail are usually wrapped at a fixed width (65-80 columns):
a paragraph's lines are broken where the next word would not fit. Read line by line,
every wrapped line would be a block of its own, a short one a "heading" and the end
of a sentence ("software.") a segment. So lines are joined first, by one rule a
reader can check:

* the document is **hard-wrapped** when its wrap width (the 90th percentile of the
  lengths of lines followed by another text line) is between :data:`WRAP_MIN` and
  :data:`WRAP_MAX` columns, and at least half of its nearly full lines (within 15
  columns of the width) that another text line follows end mid-sentence; a document
  of one-line paragraphs (news copy pasted from the web) or of one-sentence lines (a
  feed) is not, and is read line by line as before;
* in such a document a line **continues** on the next one when the next line's first
  word would not have fitted on it (so the break was the wrapper's, not the
  author's), unless the next line starts a list item (a bullet or ``1.2.``), is
  indented further than this line's text (a new block), or either line has no
  letters (a rule, a table border).

Joined lines are shown to translators as one line: the break is one space, or
nothing where a URL, a path or a hyphenated word was cut at the line end (``https://``
then ``www.debian.org/``). The source rebuilds with its own line breaks (byte for
byte); a translated block is re-wrapped at the document's width, its continuation
lines indented like the source's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from ...model import BlockType
from .lines import Line

__all__ = ["WRAP_MAX", "WRAP_MIN", "Joined", "join_lines", "rewrap", "wrap_width"]

WRAP_MIN = 40  # narrower "wrapping" is a list of short lines (verse, addresses)
WRAP_MAX = 100  # wider lines are paragraphs that were never wrapped

_ITEM_RE = re.compile(r"(?:[-*•+]|\d{1,3}(?:\.\d{1,3})*[.)]|[a-z][.)])\s+\S")
_TAB = 8
_FULL_SLACK = 15  # a line this close to the width was (probably) filled by a wrapper
_SENTENCE_END = tuple(".!?…。！？\"'”’»)")
# Where a wrapper may break a line: a no-break space (U+00A0) keeps "Section 4.4" whole.
_WORD_BREAK = re.compile(r"[ \t]+")
_BREAK = re.compile(r"\s*[\r\n]\s*")
_SCHEME_END = re.compile(r"\b(?:https?|ftp):$")  # "(https:" + "//www.debian.org/...)"


def width_of(text: str) -> int:
    return len(text.rstrip().expandtabs(_TAB))


def _indent(line: Line) -> int:
    return width_of(line.text[: len(line.text) - len(line.text.lstrip())] + "x") - 1


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The column a hard-wrapped document was wrapped at, or None (see the module)."""
    lengths = sorted(
        width_of(line.text) for line, nxt in pairwise(lines) if line.content and nxt.content
    )
    if len(lengths) < 2:
        return None
    width = lengths[(len(lengths) - 1) * 9 // 10]
    if not WRAP_MIN <= width <= WRAP_MAX:
        return None
    # A wrapper breaks lines mid-sentence; a list of one-sentence lines of about the
    # same length (a feed, a log) is not wrapped text.
    full = [
        line.content
        for line, nxt in pairwise(lines)
        if line.content and nxt.content and width_of(line.text) >= width - _FULL_SLACK
    ]
    mid_sentence = sum(1 for text in full if not text.endswith(_SENTENCE_END))
    return width if mid_sentence * 2 >= len(full) else None


@dataclass(frozen=True)
class Joined:
    """Why a line continues on the next one, and what the break is shown as."""

    shown: str  # " ", or "" where a URL, path or word was cut
    reason: str


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _join(line: Line, nxt: Line, width: int) -> Joined | None:
    if not nxt.content or not _has_letters(line.content) or not _has_letters(nxt.content):
        return None
    if _ITEM_RE.match(nxt.content):
        return None  # a new list item or numbered entry
    if _indent(nxt) > _indent(line) + line.bullet:
        return None  # indented further than this line's text: a block of its own
    first_word = _WORD_BREAK.split(nxt.content, 1)[0]
    if width_of(line.text) + 1 + len(first_word) <= width:
        return None  # the next word would have fitted: the author broke the line
    last_word = _WORD_BREAK.split(line.content)[-1]
    if (
        last_word.endswith("://")
        or (last_word.endswith("/") and len(last_word) > 1)
        or (_SCHEME_END.search(last_word) and first_word.startswith("//"))
    ):
        return Joined("", "a URL or path cut after '/' is rejoined without a space")
    # "(https://www.gnu.org" + "/software)", "GNU" + "/Hurd"; not "in" + "/usr/share".
    if first_word.startswith("/") and ("/" in last_word or "/" not in first_word[1:]):
        return Joined("", "a URL or path cut before '/' is rejoined without a space")
    if len(last_word) > 1 and last_word.endswith("-") and last_word[-2].isalpha():
        return Joined("", "a word cut after its hyphen is rejoined without a space")
    return Joined(" ", "")


def join_lines(
    lines: Sequence[Line], forced: Mapping[int, BlockType]
) -> tuple[list[Line], int | None]:
    """The document's paragraphs: runs of wrapped lines as one :class:`Line` whose
    ``parts`` are the physical lines (``content`` is the text as shown), every other
    line as it is; and the wrap width (None: not hard-wrapped, nothing joined). A line
    with a user override always starts a paragraph of its own."""
    width = wrap_width(lines)
    if width is None:
        return list(lines), None
    out: list[Line] = []
    run: list[Line] = []
    joins: list[Joined] = []
    for line in lines:
        joined = None
        if run and line.number not in forced:
            joined = _join(run[-1], line, width)
        if joined is None:
            if run:
                out.append(_paragraph(run, joins, width))
            run, joins = [line], []
        else:
            run.append(line)
            joins.append(joined)
    if run:
        out.append(_paragraph(run, joins, width))
    return out, width


def _paragraph(run: Sequence[Line], joins: Sequence[Joined], width: int) -> Line:
    if len(run) == 1:
        return run[0]
    first = run[0]
    content = first.content + "".join(
        j.shown + line.content for j, line in zip(joins, run[1:], strict=True)
    )
    notes = sorted({j.reason for j in joins if j.reason})
    why = (
        f"lines {first.number}-{run[-1].number} joined: wrapped at {width} columns, each "
        "line ends where the next word would not fit"
    )
    return replace(
        first,
        text=content,
        content=content,
        parts=tuple(run),
        shown=tuple(j.shown for j in joins),
        joined="; ".join([why, *notes]),
    )


def rewrap(text: str, *, width: int, column: int, indent: str) -> list[str]:
    """``text`` (one paragraph, any spacing) as lines of at most ``width`` columns:
    the first starts at ``column``, the others after ``indent``. A word longer than
    a line (a URL) gets a line of its own rather than being cut."""
    lines: list[str] = []
    current = ""
    room = width - column
    # Line breaks (and the indentation around them) go; a no-break space stays.
    for word in _WORD_BREAK.split(_BREAK.sub(" ", text).strip(" \t")):
        if current and len(current) + 1 + len(word) > room:
            lines.append(current)
            current, room = word, width - width_of(indent + "x") + 1
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [lines[0], *(indent + line for line in lines[1:])]

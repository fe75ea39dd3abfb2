"""Plain-text structure: decide each line's role, and say why (``--explain``).

Rules read the line itself (:mod:`.lines`), a count made in one pass (speakers that
open several lines) and a little state carried forward (an open Table of Contents,
an interview section); overrides from the user win over every rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, pairwise

from ....errors import ArticleError
from ...model import BlockType
from .lines import (
    Line,
    ends_with_question_mark,
    is_heading_like,
    is_question,
    normalise,
    parse_dateline,
    scan,
)
from .wrap import join_lines

__all__ = ["BLANK", "DATELINE", "KEYWORDS", "Decision", "LineInfo", "classify", "decide"]

# Kinds of line that are not blocks.
DATELINE = "dateline"
KEYWORDS = "keywords"
BLANK = "blank"

_KEYWORDS_RE = re.compile(r"keywords?\s*:\s*", re.IGNORECASE)
_TOC_RE = re.compile(r"(?:table\s+of\s+)?contents\s*:?", re.IGNORECASE)
_INTERVIEW_RE = re.compile(r"\binterview", re.IGNORECASE)


@dataclass(frozen=True)
class LineInfo:
    """Why one line of the source became what it is (``l10n add --explain``).

    ``kind`` is a :class:`BlockType` value, or ``dateline``/``keywords``/``blank``
    for lines that are not blocks.
    """

    line: int
    kind: str
    text: str
    reason: str
    level: int = 0
    speaker: str | None = None


@dataclass(frozen=True)
class Decision:
    """A line's classification plus what the builder needs: span and attrs."""

    info: LineInfo
    span: tuple[int, int] | None = None  # None for lines that are not blocks
    attrs: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> str:
        return self.info.kind


@dataclass(frozen=True)
class _Frame:
    """Where the dateline and the title are: decided before the line-by-line pass."""

    dateline: int | None
    published: str | None
    title: int | None


def classify(source: str, overrides: Mapping[int, BlockType] | None = None) -> list[LineInfo]:
    """One :class:`LineInfo` per source line: what it is and the rule that said so.
    The lines of a wrapped paragraph share its kind; the first says why they were
    joined, the others which line they continue."""
    _, units, decisions = decide(scan(source), overrides)
    infos: list[LineInfo] = []
    for unit, decision in zip(units, decisions, strict=True):
        infos.append(decision.info)
        info = decision.info
        for part in unit.parts[1:]:
            reason = f"continues line {unit.number}"
            infos.append(
                LineInfo(part.number, info.kind, part.text, reason, info.level, info.speaker)
            )
    return infos


# --- deciding -----------------------------------------------------------------


def decide(
    lines: Sequence[Line], overrides: Mapping[int, BlockType] | None
) -> tuple[_Frame, list[Line], list[Decision]]:
    """The frame, the paragraphs (wrapped lines joined: :mod:`.wrap`) and what each
    paragraph is."""
    forced = _check_overrides(lines, overrides or {})
    units, _ = join_lines(lines, forced)
    frame = _frame(units, forced)
    classifier = _Classifier(frame, forced, _repeated_speakers(units))
    decisions = [classifier.decide(unit) for unit in units]
    return frame, units, _pair_questions(units, decisions, forced)


def _check_overrides(
    lines: Sequence[Line], overrides: Mapping[int, BlockType]
) -> dict[int, BlockType]:
    """Reject overrides that cannot apply, rather than silently ignoring a user's fix."""
    forced: dict[int, BlockType] = {}
    for number, kind in overrides.items():
        if not 1 <= number <= len(lines):
            raise ArticleError(f"override for line {number}: the text has {len(lines)} lines")
        if not lines[number - 1].content:
            raise ArticleError(f"override for line {number}: the line is blank")
        try:
            forced[number] = BlockType(kind)
        except ValueError:
            raise ArticleError(f"override for line {number}: unknown block type {kind!r}") from None
    titles = sorted(n for n, kind in forced.items() if kind is BlockType.TITLE)
    if len(titles) > 1:
        raise ArticleError(f"overrides make lines {titles} titles; an article has one title")
    return forced


def _frame(lines: Sequence[Line], forced: Mapping[int, BlockType]) -> _Frame:
    """The first non-blank line may be a date; the next one (``Keywords:`` lines
    aside) is the title, unless an override names the title or says what that line
    is instead."""
    texts: Iterator[Line] = (line for line in lines if line.content)
    first = next(texts, None)
    published = None
    if first is not None and first.number not in forced:
        published = parse_dateline(first.content)
    dateline = first.number if first is not None and published else None
    titles = [n for n, kind in forced.items() if kind is BlockType.TITLE]
    if titles:
        return _Frame(dateline, published, titles[0])
    if dateline is None and first is not None:
        texts = chain([first], texts)
    candidate = next((line for line in texts if not _KEYWORDS_RE.match(line.content)), None)
    if candidate is None or candidate.number in forced:
        return _Frame(dateline, published, None)
    return _Frame(dateline, published, candidate.number)


def _repeated_speakers(lines: Sequence[Line]) -> frozenset[str]:
    """Speakers that open at least two sentence lines: an interview without a heading.

    Only lines whose text reads as a sentence count, so two headings such as
    ``Case Study: ...`` do not make ``Case Study`` a speaker.
    """
    counts = Counter(
        normalise(line.speaker)
        for line in lines
        if line.speaker and not _KEYWORDS_RE.match(line.content)
        if not is_heading_like(line.turn_text)
    )
    return frozenset(name for name, count in counts.items() if count >= 2)


class _Classifier:
    """Decide line after line, carrying the context the rules need: the open Table of
    Contents and its entries, and whether we are inside an interview section."""

    def __init__(
        self, frame: _Frame, forced: Mapping[int, BlockType], speakers: frozenset[str]
    ) -> None:
        self._frame = frame
        self._forced = forced
        self._speakers = speakers
        self._toc_open = False
        self._toc: dict[str, int] = {}  # normalised entry text -> entry number
        self._entries = 0
        self._interview_level: int | None = None

    def decide(self, line: Line) -> Decision:
        if not line.content:
            return Decision(LineInfo(line.number, BLANK, line.text, "empty line"))
        decision = self._decide(line)
        self._track(line, decision)
        return decision

    def _decide(self, line: Line) -> Decision:
        if line.number == self._frame.dateline:
            reason = f"date on the first line: published {self._frame.published}"
            return Decision(LineInfo(line.number, DATELINE, line.text, reason))
        if line.number in self._forced:
            return self._forced_block(line, self._forced[line.number])
        if line.number == self._frame.title:
            after = " after the dateline" if self._frame.dateline else ""
            return _block(line, BlockType.TITLE, f"first line of text{after}", 1)
        return self._auto(line)

    def _auto(self, line: Line) -> Decision:
        if _TOC_RE.fullmatch(line.content):
            return _block(line, BlockType.HEADING, "Table of Contents heading", 2, _TOC_ROLE)
        if self._toc_open and line.bullet:
            reason = f"Table of Contents entry {self._entries + 1}"
            return _block(line, BlockType.TOC_ENTRY, reason)
        if _KEYWORDS_RE.match(line.content):
            reason = "Keywords: line, kept as article metadata"
            return Decision(LineInfo(line.number, KEYWORDS, line.text, reason))
        if not any(c.isalpha() for c in line.content):
            return _block(line, BlockType.PARAGRAPH, "no letters: kept as it is, not translated")
        entry = self._toc.get(normalise(line.content))
        if entry is not None:
            reason = f"matches Table of Contents entry {entry}"
            return _block(line, BlockType.HEADING, reason, 2)
        if line.speaker is not None:
            reason = self._turn_reason(line.speaker)
            if reason:
                return _block(line, BlockType.TURN, reason)
        if line.bullet:
            return _block(line, BlockType.LIST_ITEM, "bullet line outside a Table of Contents")
        if is_heading_like(line.content):
            return _block(line, BlockType.HEADING, "short line without terminal punctuation", 3)
        return _block(line, BlockType.PARAGRAPH, "running text")

    def _turn_reason(self, speaker: str) -> str:
        if self._interview_level is not None:
            return "Speaker: text inside the interview"
        if normalise(speaker) in self._speakers:
            return f"Speaker: text, and {speaker!r} opens 2 or more lines"
        return ""

    def _forced_block(self, line: Line, kind: BlockType) -> Decision:
        toc_heading = kind is BlockType.HEADING and bool(_TOC_RE.fullmatch(line.content))
        if kind is BlockType.TITLE:
            level = 1
        elif kind is BlockType.HEADING:
            level = 2 if toc_heading or normalise(line.content) in self._toc else 3
        else:
            level = 0
        return _block(line, kind, "forced by override", level, _TOC_ROLE if toc_heading else ())

    def _track(self, line: Line, decision: Decision) -> None:
        is_toc_heading = decision.attrs == _TOC_ROLE
        self._toc_open = is_toc_heading or (self._toc_open and bool(line.bullet))
        if decision.kind == BlockType.TOC_ENTRY:
            self._entries += 1
            self._toc.setdefault(normalise(_text(line, BlockType.TOC_ENTRY)), self._entries)
        if decision.kind in (BlockType.TITLE, BlockType.HEADING):
            level = decision.info.level
            if _INTERVIEW_RE.search(line.content):
                self._interview_level = level
            elif self._interview_level is not None and level <= self._interview_level:
                self._interview_level = None


_TOC_ROLE = (("role", "toc"),)


def _text_start(line: Line, kind: BlockType) -> int:
    """Bullets and speaker names are structure, not text to translate."""
    if kind in (BlockType.TOC_ENTRY, BlockType.LIST_ITEM):
        return line.start + line.bullet
    if kind is BlockType.TURN:
        return line.start + line.turn_at
    return line.start


def _text(line: Line, kind: BlockType) -> str:
    return line.content[_text_start(line, kind) - line.start :]


def _block(
    line: Line,
    kind: BlockType,
    reason: str,
    level: int = 0,
    attrs: tuple[tuple[str, str], ...] = (),
) -> Decision:
    speaker = line.speaker if kind is BlockType.TURN else None
    if speaker is not None:
        attrs = (*attrs, ("speaker", speaker))
    if line.joined:
        reason = f"{reason}; {line.joined}"
    info = LineInfo(line.number, kind.value, line.text, reason, level, speaker)
    return Decision(info, (_text_start(line, kind), line.end), attrs)


def _pair_questions(
    lines: Sequence[Line], decisions: list[Decision], forced: Mapping[int, BlockType]
) -> list[Decision]:
    """FAQ: a one-sentence question whose next line is a plain answer paragraph.

    A question followed by a heading or another question is rhetorical and stays a
    paragraph. Overridden lines keep their type, but take part in the pairing: a
    forced answer makes the question-shaped line before it its question.
    """
    out = list(decisions)
    texts = [i for i, d in enumerate(decisions) if d.kind != BLANK]
    for i, j in pairwise(texts):
        q_line, a_line = lines[i], lines[j]
        if not _asks(q_line, out[i], forced):
            continue
        if _answers(a_line, out[j], forced):
            if q_line.number not in forced:
                reason = f"single-sentence question answered on line {a_line.number}"
                out[i] = _retyped(out[i], BlockType.QUESTION, reason)
            if a_line.number not in forced:
                reason = f"paragraph right after the question on line {q_line.number}"
                out[j] = _retyped(out[j], BlockType.ANSWER, reason)
            out[j] = replace(out[j], attrs=(("question", str(q_line.number)),))
        elif q_line.number not in forced:
            reason = "question not followed by an answer paragraph"
            out[i] = replace(out[i], info=replace(out[i].info, reason=reason))
    return out


def _asks(line: Line, decision: Decision, forced: Mapping[int, BlockType]) -> bool:
    if line.number in forced:
        return forced[line.number] is BlockType.QUESTION
    return decision.kind == BlockType.PARAGRAPH and is_question(line.content)


def _answers(line: Line, decision: Decision, forced: Mapping[int, BlockType]) -> bool:
    if line.number in forced:
        return forced[line.number] is BlockType.ANSWER
    return (
        decision.kind == BlockType.PARAGRAPH
        and any(c.isalpha() for c in line.content)
        and not ends_with_question_mark(line.content)
    )


def _retyped(decision: Decision, kind: BlockType, reason: str) -> Decision:
    return replace(decision, info=replace(decision.info, kind=kind.value, reason=reason))

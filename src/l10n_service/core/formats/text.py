"""Plain-text news copy: guess each line's role from its shape, explainably.

Plain text has no markup, so structure is inferred line by line with rules that a
user can read back (``l10n add --explain`` prints :func:`classify`) and correct
with ``overrides``. No rule needs more than the line itself, a count made in one
pass and a little state carried forward (an open Table of Contents, an interview
section), so classification stays linear however long the document is.

Each block's span is the line's translatable text only: bullets, speaker names,
indentation and line endings stay outside it, so they survive a rebuild untouched
and are never offered for translation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import chain, pairwise

from ...errors import ArticleError
from ..builder import build_article
from ..inline import RawBlock, Text
from ..model import Article, BlockType

__all__ = ["BLANK", "DATELINE", "KEYWORDS", "LineInfo", "classify", "parse"]

# Kinds of line that are not blocks.
DATELINE = "dateline"
KEYWORDS = "keywords"
BLANK = "blank"

HEADING_MAX = 120  # a longer line reads as a paragraph even without a full stop
QUESTION_MAX = 200  # an FAQ question is one short sentence
SPEAKER_MAX = 80  # a longer "X: y" prefix is a sentence with a colon, not a name

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_BULLET_RE = re.compile(r"[-*•]\s+(?=\S)")
_SPEAKER_RE = re.compile(rf"([^:]{{1,{SPEAKER_MAX}}}):\s+(?=\S)")
_KEYWORDS_RE = re.compile(r"keywords?\s*:\s*", re.IGNORECASE)
_TOC_RE = re.compile(r"(?:table\s+of\s+)?contents\s*:?", re.IGNORECASE)
_INTERVIEW_RE = re.compile(r"\binterview", re.IGNORECASE)
_ISO_DATE_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_MONTH_RE = r"(?P<month>[A-Za-z]{3,9})\.?"
_TIME_RE = r"(?:,?\s+(?:at\s+)?(?P<time>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?"
_WORDY_DATE_RES = (
    re.compile(_MONTH_RE + r"\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})" + _TIME_RE),
    re.compile(r"(?P<day>[0-9]{1,2})\s+" + _MONTH_RE + r",?\s+(?P<year>[0-9]{4})" + _TIME_RE),
)
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Words after which a full stop does not end a sentence (titles in speaker names).
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "rev", "gen", "col", "capt"}
    | {"lt", "sgt", "gov", "sen", "rep", "pres", "hon", "fr", "vs", "inc", "ltd", "co", "corp"}
)
_TERMINAL = tuple(".!?:;…。！？")
_SENTENCE_END = tuple(".!?…。！？")
_CLOSERS = "\"'”’»)]"
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)


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
class _Line:
    """A source line with the shape features the rules look at, computed once."""

    number: int
    text: str  # the raw line, without its line ending
    start: int  # offset in the source of the stripped content
    content: str
    bullet: int = 0  # length of a leading "- " / "* " / "• ", 0 without one
    speaker: str | None = None  # the name of a "Name: text" line
    turn_at: int = 0  # where the text after "Name: " starts, within content

    @property
    def end(self) -> int:
        return self.start + len(self.content)

    @property
    def turn_text(self) -> str:
        return self.content[self.turn_at :]


@dataclass(frozen=True)
class _Decision:
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


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    overrides: Mapping[int, BlockType] | None = None,
) -> Article:
    """Parse plain-text news copy into an :class:`Article`.

    ``overrides`` maps a 1-based line number to the block type it must have, for
    when a heuristic guessed wrong. Raises :class:`ArticleError` when no line holds
    anything to translate.
    """
    lines = _scan(source)
    frame, decisions = _decide(lines, overrides)
    blocks = [_raw_block(source, d, d.span) for d in decisions if d.span is not None]
    title = next((d.info.text.strip() for d in decisions if d.kind == BlockType.TITLE), "")
    article = build_article(
        slug=slug,
        fmt="text",
        source_lang=source_lang,
        source=source,
        raw_blocks=blocks,
        title=title,
        published=frame.published,
        metadata=_metadata(lines, decisions),
    )
    if not article.blocks:
        raise ArticleError(
            f"{slug}: no translatable text: every line is blank, a dateline, keywords "
            "or has no letters"
        )
    return article


def classify(source: str, overrides: Mapping[int, BlockType] | None = None) -> list[LineInfo]:
    """One :class:`LineInfo` per source line: what it is and the rule that said so."""
    _, decisions = _decide(_scan(source), overrides)
    return [d.info for d in decisions]


# --- scanning -----------------------------------------------------------------


def _scan(source: str) -> list[_Line]:
    """Split on any line ending (LF, CRLF, CR); a final line ending adds no line."""
    return [_line(source, n, s, e) for n, (s, e) in enumerate(_line_bounds(source), start=1)]


def _line_bounds(source: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for match in _NEWLINE_RE.finditer(source):
        yield pos, match.start()
        pos = match.end()
    if pos < len(source):
        yield pos, len(source)


def _line(source: str, number: int, start: int, end: int) -> _Line:
    text = source[start:end]
    content = text.strip()
    line = _Line(number, text, start + len(text) - len(text.lstrip()), content)
    bullet = _BULLET_RE.match(content)
    if bullet:
        return replace(line, bullet=bullet.end())
    speaker = _SPEAKER_RE.match(content)
    if speaker and _is_speaker_name(speaker.group(1)):
        return replace(line, speaker=speaker.group(1).rstrip(), turn_at=speaker.end())
    return line


# --- shape tests --------------------------------------------------------------


def _normalise(text: str) -> str:
    """Compare headings as a reader would: case, curly quotes and spacing ignored."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


def _is_abbreviation(stem: str) -> bool:
    """``Dr``, ``U.S``, an initial: a full stop after it does not end a sentence."""
    bare = stem.lstrip("\"'“‘(")
    return (len(bare) == 1 and bare.isalpha()) or "." in bare or bare.casefold() in _ABBREVIATIONS


def _ends_sentence(word: str) -> bool:
    core = word.rstrip(_CLOSERS)
    if not core.endswith(_SENTENCE_END):
        return False
    return not (core.endswith(".") and not core.endswith("..") and _is_abbreviation(core[:-1]))


def _is_single_sentence(text: str) -> bool:
    """No word before the last ends a sentence (cheap, unlike a full splitter)."""
    return not any(_ends_sentence(word) for word in text.split()[:-1])


def _is_speaker_name(name: str) -> bool:
    """``Time.news``, ``Dr. Anya Sharma (Expert ...)``: no sentence ends inside a name."""
    return (
        name[0].isalnum()
        and any(c.isalpha() for c in name)
        and not any(c in "?!;…" for c in name)
        and not any(_ends_sentence(word) for word in name.split())
    )


def _ends_with_terminal(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_TERMINAL)


def _is_heading_like(text: str) -> bool:
    """Short and unpunctuated: a colon inside is fine, only a terminal one is not."""
    return len(text) <= HEADING_MAX and not _ends_with_terminal(text)


def _ends_with_question_mark(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(("?", "？"))


def _is_question(text: str) -> bool:
    return (
        len(text) <= QUESTION_MAX and _ends_with_question_mark(text) and _is_single_sentence(text)
    )


def _parse_dateline(text: str) -> str | None:
    """ISO 8601 of a line that is nothing but a date or timestamp, else None."""
    if _ISO_DATE_RE.fullmatch(text):
        try:
            if len(text) == len("2025-04-07"):
                return date.fromisoformat(text).isoformat()
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            return None
    for pattern in _WORDY_DATE_RES:
        match = pattern.fullmatch(text)
        if match:
            return _wordy_date(match)
    return None


def _wordy_date(match: re.Match[str]) -> str | None:
    """``April 7, 2025``, ``7 Apr 2025 02:58``; the month may be abbreviated."""
    word = match["month"].casefold()
    month = next((n for n, name in enumerate(_MONTH_NAMES, 1) if name.startswith(word)), None)
    if month is None:
        return None
    try:
        day = date(int(match["year"]), month, int(match["day"]))
        if not match["time"]:
            return day.isoformat()
        hour, minute, second = [*(int(part) for part in match["time"].split(":")), 0][:3]
        return datetime(day.year, day.month, day.day, hour, minute, second).isoformat()
    except ValueError:
        return None


# --- deciding -----------------------------------------------------------------


def _decide(
    lines: Sequence[_Line], overrides: Mapping[int, BlockType] | None
) -> tuple[_Frame, list[_Decision]]:
    forced = _check_overrides(lines, overrides or {})
    frame = _frame(lines, forced)
    classifier = _Classifier(frame, forced, _repeated_speakers(lines))
    decisions = [classifier.decide(line) for line in lines]
    return frame, _pair_questions(lines, decisions, forced)


def _check_overrides(
    lines: Sequence[_Line], overrides: Mapping[int, BlockType]
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


def _frame(lines: Sequence[_Line], forced: Mapping[int, BlockType]) -> _Frame:
    """The first non-blank line may be a date; the next one (``Keywords:`` lines
    aside) is the title, unless an override names the title or says what that line
    is instead."""
    texts: Iterator[_Line] = (line for line in lines if line.content)
    first = next(texts, None)
    published = None
    if first is not None and first.number not in forced:
        published = _parse_dateline(first.content)
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


def _repeated_speakers(lines: Sequence[_Line]) -> frozenset[str]:
    """Speakers that open at least two sentence lines: an interview without a heading.

    Only lines whose text reads as a sentence count, so two headings such as
    ``Case Study: ...`` do not make ``Case Study`` a speaker.
    """
    counts = Counter(
        _normalise(line.speaker)
        for line in lines
        if line.speaker and not _KEYWORDS_RE.match(line.content)
        if not _is_heading_like(line.turn_text)
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

    def decide(self, line: _Line) -> _Decision:
        if not line.content:
            return _Decision(LineInfo(line.number, BLANK, line.text, "empty line"))
        decision = self._decide(line)
        self._track(line, decision)
        return decision

    def _decide(self, line: _Line) -> _Decision:
        if line.number == self._frame.dateline:
            reason = f"date on the first line: published {self._frame.published}"
            return _Decision(LineInfo(line.number, DATELINE, line.text, reason))
        if line.number in self._forced:
            return self._forced_block(line, self._forced[line.number])
        if line.number == self._frame.title:
            after = " after the dateline" if self._frame.dateline else ""
            return _block(line, BlockType.TITLE, f"first line of text{after}", 1)
        return self._auto(line)

    def _auto(self, line: _Line) -> _Decision:
        if _TOC_RE.fullmatch(line.content):
            return _block(line, BlockType.HEADING, "Table of Contents heading", 2, _TOC_ROLE)
        if self._toc_open and line.bullet:
            reason = f"Table of Contents entry {self._entries + 1}"
            return _block(line, BlockType.TOC_ENTRY, reason)
        if _KEYWORDS_RE.match(line.content):
            reason = "Keywords: line, kept as article metadata"
            return _Decision(LineInfo(line.number, KEYWORDS, line.text, reason))
        if not any(c.isalpha() for c in line.content):
            return _block(line, BlockType.PARAGRAPH, "no letters: kept as it is, not translated")
        entry = self._toc.get(_normalise(line.content))
        if entry is not None:
            reason = f"matches Table of Contents entry {entry}"
            return _block(line, BlockType.HEADING, reason, 2)
        if line.speaker is not None:
            reason = self._turn_reason(line.speaker)
            if reason:
                return _block(line, BlockType.TURN, reason)
        if line.bullet:
            return _block(line, BlockType.LIST_ITEM, "bullet line outside a Table of Contents")
        if _is_heading_like(line.content):
            return _block(line, BlockType.HEADING, "short line without terminal punctuation", 3)
        return _block(line, BlockType.PARAGRAPH, "running text")

    def _turn_reason(self, speaker: str) -> str:
        if self._interview_level is not None:
            return "Speaker: text inside the interview"
        if _normalise(speaker) in self._speakers:
            return f"Speaker: text, and {speaker!r} opens 2 or more lines"
        return ""

    def _forced_block(self, line: _Line, kind: BlockType) -> _Decision:
        toc_heading = kind is BlockType.HEADING and bool(_TOC_RE.fullmatch(line.content))
        if kind is BlockType.TITLE:
            level = 1
        elif kind is BlockType.HEADING:
            level = 2 if toc_heading or _normalise(line.content) in self._toc else 3
        else:
            level = 0
        return _block(line, kind, "forced by override", level, _TOC_ROLE if toc_heading else ())

    def _track(self, line: _Line, decision: _Decision) -> None:
        is_toc_heading = decision.attrs == _TOC_ROLE
        self._toc_open = is_toc_heading or (self._toc_open and bool(line.bullet))
        if decision.kind == BlockType.TOC_ENTRY:
            self._entries += 1
            self._toc.setdefault(_normalise(_text(line, BlockType.TOC_ENTRY)), self._entries)
        if decision.kind in (BlockType.TITLE, BlockType.HEADING):
            level = decision.info.level
            if _INTERVIEW_RE.search(line.content):
                self._interview_level = level
            elif self._interview_level is not None and level <= self._interview_level:
                self._interview_level = None


_TOC_ROLE = (("role", "toc"),)


def _text_start(line: _Line, kind: BlockType) -> int:
    """Bullets and speaker names are structure, not text to translate."""
    if kind in (BlockType.TOC_ENTRY, BlockType.LIST_ITEM):
        return line.start + line.bullet
    if kind is BlockType.TURN:
        return line.start + line.turn_at
    return line.start


def _text(line: _Line, kind: BlockType) -> str:
    return line.content[_text_start(line, kind) - line.start :]


def _block(
    line: _Line,
    kind: BlockType,
    reason: str,
    level: int = 0,
    attrs: tuple[tuple[str, str], ...] = (),
) -> _Decision:
    speaker = line.speaker if kind is BlockType.TURN else None
    if speaker is not None:
        attrs = (*attrs, ("speaker", speaker))
    info = LineInfo(line.number, kind.value, line.text, reason, level, speaker)
    return _Decision(info, (_text_start(line, kind), line.end), attrs)


def _pair_questions(
    lines: Sequence[_Line], decisions: list[_Decision], forced: Mapping[int, BlockType]
) -> list[_Decision]:
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


def _asks(line: _Line, decision: _Decision, forced: Mapping[int, BlockType]) -> bool:
    if line.number in forced:
        return forced[line.number] is BlockType.QUESTION
    return decision.kind == BlockType.PARAGRAPH and _is_question(line.content)


def _answers(line: _Line, decision: _Decision, forced: Mapping[int, BlockType]) -> bool:
    if line.number in forced:
        return forced[line.number] is BlockType.ANSWER
    return (
        decision.kind == BlockType.PARAGRAPH
        and any(c.isalpha() for c in line.content)
        and not _ends_with_question_mark(line.content)
    )


def _retyped(decision: _Decision, kind: BlockType, reason: str) -> _Decision:
    return replace(decision, info=replace(decision.info, kind=kind.value, reason=reason))


def _raw_block(source: str, decision: _Decision, span: tuple[int, int]) -> RawBlock:
    start, end = span
    return RawBlock(
        type=BlockType(decision.kind),
        span=(start, end),
        pieces=(Text(source[start:end]),),
        level=decision.info.level,
        attrs=decision.attrs,
    )


def _metadata(lines: Sequence[_Line], decisions: Sequence[_Decision]) -> list[tuple[str, str]]:
    """``Keywords:`` lines describe the article; several are merged into one value."""
    values = [
        value
        for line, decision in zip(lines, decisions, strict=True)
        if decision.kind == KEYWORDS
        if (value := line.content.partition(":")[2].strip())
    ]
    return [("keywords", ", ".join(values))] if values else []

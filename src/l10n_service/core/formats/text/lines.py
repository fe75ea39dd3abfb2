"""Plain-text lines and the shape tests the classifier reads them with.

Every test looks at one line only (its length, its last character, a leading bullet
or ``Name:``), so classifying a document stays linear however long it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

__all__ = [
    "HEADING_MAX",
    "QUESTION_MAX",
    "SPEAKER_MAX",
    "Line",
    "ends_with_question_mark",
    "is_heading_like",
    "is_question",
    "normalise",
    "parse_dateline",
    "scan",
]

HEADING_MAX = 120  # a longer line reads as a paragraph even without a full stop
QUESTION_MAX = 200  # an FAQ question is one short sentence
SPEAKER_MAX = 80  # a longer "X: y" prefix is a sentence with a colon, not a name

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_BULLET_RE = re.compile(r"[-*•]\s+(?=\S)")
_SPEAKER_RE = re.compile(rf"([^:]{{1,{SPEAKER_MAX}}}):\s+(?=\S)")
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
class Line:
    """A source line with the shape features the rules look at, computed once."""

    number: int
    text: str  # the raw line, without its line ending
    start: int  # offset in the source of the stripped content
    content: str
    bullet: int = 0  # length of a leading "- " / "* " / "• ", 0 without one
    speaker: str | None = None  # the name of a "Name: text" line
    turn_at: int = 0  # where the text after "Name: " starts, within content
    # A paragraph of wrapped lines (.wrap): the physical lines, what each break
    # between them is shown as, and why they were joined. ``content`` is then the
    # joined text as shown; bullet and speaker are the first line's.
    parts: tuple[Line, ...] = ()
    shown: tuple[str, ...] = ()
    joined: str = ""

    @property
    def end(self) -> int:
        return self.parts[-1].end if self.parts else self.start + len(self.content)

    @property
    def last(self) -> int:
        """The number of the paragraph's last physical line."""
        return self.parts[-1].number if self.parts else self.number

    @property
    def turn_text(self) -> str:
        return self.content[self.turn_at :]


# --- scanning -----------------------------------------------------------------


def scan(source: str) -> list[Line]:
    """Split on any line ending (LF, CRLF, CR); a final line ending adds no line."""
    return [_line(source, n, s, e) for n, (s, e) in enumerate(_line_bounds(source), start=1)]


def _line_bounds(source: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for match in _NEWLINE_RE.finditer(source):
        yield pos, match.start()
        pos = match.end()
    if pos < len(source):
        yield pos, len(source)


def _line(source: str, number: int, start: int, end: int) -> Line:
    text = source[start:end]
    content = text.strip()
    line = Line(number, text, start + len(text) - len(text.lstrip()), content)
    bullet = _BULLET_RE.match(content)
    if bullet:
        return replace(line, bullet=bullet.end())
    speaker = _SPEAKER_RE.match(content)
    if speaker and _is_speaker_name(speaker.group(1)):
        return replace(line, speaker=speaker.group(1).rstrip(), turn_at=speaker.end())
    return line


# --- shape tests --------------------------------------------------------------


def normalise(text: str) -> str:
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


def is_heading_like(text: str) -> bool:
    """Short and unpunctuated: a colon inside is fine, only a terminal one is not."""
    return len(text) <= HEADING_MAX and not _ends_with_terminal(text)


def ends_with_question_mark(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(("?", "？"))


def is_question(text: str) -> bool:
    return len(text) <= QUESTION_MAX and ends_with_question_mark(text) and _is_single_sentence(text)


def parse_dateline(text: str) -> str | None:
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

"""HTML tokens with their source offsets, from Python's tolerant ``html.parser``.

``HTMLParser`` never raises on malformed markup and keeps going after stray or
unclosed tags; every callback is recorded with its source offset, and a token ends
where the next one starts, so the tokens tile the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from ....errors import ArticleError

__all__ = ["TAG_NAME", "Event", "marked_no_translate", "quoted_attributes", "tokenize"]

# The tolerant tag and attribute patterns of Python's html.parser.
TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)

_Attrs = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # start, startend, end, data, entity, charref, comment, decl, pi
    start: int
    end: int
    tag: str = ""
    attrs: _Attrs = ()


class _Tokenizer(HTMLParser):
    """Record every token HTMLParser reports, with its offset in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.found: list[tuple[str, int, str, _Attrs]] = []  # kind, start, tag, attrs

    def _add(self, kind: str, tag: str = "", attrs: Iterable[tuple[str, str | None]] = ()) -> None:
        line, column = self.getpos()
        self.found.append((kind, self.line_starts[line - 1] + column, tag, tuple(attrs)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data")

    def handle_entityref(self, name: str) -> None:
        self._add("entity")

    def handle_charref(self, name: str) -> None:
        self._add("charref")

    def handle_comment(self, data: str) -> None:
        self._add("comment")

    def handle_decl(self, decl: str) -> None:
        self._add("decl")

    def unknown_decl(self, data: str) -> None:
        self._add("decl")

    def handle_pi(self, data: str) -> None:
        self._add("pi")


def tokenize(source: str) -> list[Event]:
    """Events that tile the source: each one ends where the next one starts."""
    tokenizer = _Tokenizer(source)
    try:
        tokenizer.feed(source)
        tokenizer.close()
    except AssertionError as exc:  # html.parser asserts on "<![foo" marked sections
        line, column = tokenizer.getpos()
        raise ArticleError(
            f"line {line}, column {column + 1}: malformed markup the HTML parser cannot "
            f"read ({exc})"
        ) from None
    found = tokenizer.found
    ends = [start for _, start, _, _ in found[1:]] + [len(source)]
    return [
        Event(kind, start, end, tag, attrs)
        for (kind, start, tag, attrs), end in zip(found, ends, strict=False)
        if end > start
    ]


def quoted_attributes(tag_text: str) -> dict[str, tuple[int, int]]:
    """Where each quoted attribute value lies in a start tag (first one wins)."""
    name = TAG_NAME.match(tag_text, 1)
    if name is None:
        return {}
    spans: dict[str, tuple[int, int]] = {}
    pos = name.end()
    while pos < len(tag_text):
        match = _ATTRIBUTE.match(tag_text, pos)
        if match is None or match.end() == pos:
            break
        value = match.group(3)
        key = match.group(1).lower()
        if value and value[0] in "'\"" and key not in spans:
            spans[key] = (match.start(3) + 1, match.end(3) - 1)
        pos = match.end()
    return spans


def marked_no_translate(attrs: Sequence[tuple[str, str | None]]) -> bool:
    """``translate="no"`` or class ``notranslate`` (the Google Translate convention)."""
    for name, value in attrs:
        if name == "translate" and (value or "").strip().lower() == "no":
            return True
        if name == "class" and "notranslate" in (value or "").split():
            return True
    return False

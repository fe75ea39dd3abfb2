"""Blocks from HTML tokens: one flat pass with an explicit stack of open blocks.

Never recursive, so 10,000 nested ``div``s cost nothing special. A *run* is a
stretch of inline content (text, character references, inline tags) between two
block boundaries; each run with words becomes one block, typed by the nearest
enclosing element that has a type (see :mod:`l10n_service.core.formats.html`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from ...inline import Markup, Piece, RawBlock, RawPiece, Space, Text, merge_texts
from ...model import BlockType
from ...placeholders import protect_text
from .chrome import LinkBars, is_landmark, is_nav_link, nav_title, normal
from .structure import (
    BLOCK,
    CAPTURE,
    HEADINGS,
    SKIP,
    VOID,
    VOID_INLINE,
    Context,
    child_context,
    implied_close,
)
from .tokens import TAG_NAME, Event, marked_no_translate, quoted_attributes

__all__ = ["Extractor", "has_words"]

_TRANSLATABLE_ATTRS = ("alt", "title")
_META_NAMES = frozenset(
    {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
)
_DATE_META = frozenset({"article:published_time", "date", "dc.date", "pubdate"})
_WHITESPACE = " \t\n\r\f"
_CHARREF = re.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+);?")

Role = Literal["text", "open", "close", "atom"]


@dataclass(frozen=True, slots=True)
class _Item:
    role: Role
    kind: str
    start: int
    end: int
    attributes: tuple[tuple[str, int, int], ...] = ()  # translatable (name, start, end)


@dataclass
class _Nested:
    """An element being skipped or captured whole, until its end tag."""

    tag: str
    start: int
    kind: str = "code"  # the atom a captured element becomes
    depth: int = 1


def _swallows(nested: _Nested, event: Event, open_blocks: Counter[str]) -> bool:
    """Whether a skipped/captured element takes in ``event``: everything up to and
    including its own end tag (depth 0), except an end tag that closes an enclosing
    block, which ends it early (``<p><code>x</p>``)."""
    if event.tag == nested.tag and event.kind == "start":
        nested.depth += 1
    elif event.tag == nested.tag and event.kind == "end":
        nested.depth -= 1
    elif event.kind == "end" and open_blocks[event.tag] > 0:
        return False
    return True


@dataclass
class Extractor:
    """One pass over the events: a stack of open blocks, the current run, and at most
    one element being skipped or captured."""

    source: str
    include_chrome: bool = False  # see .chrome: landmarks and link bars are left out
    blocks: list[RawBlock] = field(default_factory=list)
    published: str | None = None
    _stack: list[tuple[str, Context]] = field(default_factory=list)
    _open: Counter[str] = field(default_factory=Counter)
    _run: list[_Item] = field(default_factory=list)
    _run_context: Context = field(default_factory=Context)
    _skip: _Nested | None = None
    _capture: _Nested | None = None
    _bars: LinkBars = field(default_factory=LinkBars)
    _nav_links: set[int] = field(default_factory=set)  # start offsets of nav <a> tags
    _nav_titles: set[str] = field(default_factory=set)  # names of neighbouring pages

    @property
    def _context(self) -> Context:
        return self._stack[-1][1] if self._stack else Context()

    def feed(self, events: Sequence[Event]) -> None:
        for event in events:
            self._event(event)
        if self._capture is not None:
            self._end_capture(len(self.source))
        self._flush()
        self._pop_to(0)  # unclosed elements end with the document (a bar may be one)

    def _event(self, event: Event) -> None:
        if self._skip is not None:
            swallowed = _swallows(self._skip, event, self._open)
            if not swallowed or self._skip.depth == 0:
                self._skip = None
            if swallowed:
                return
        if self._capture is not None:
            if _swallows(self._capture, event, self._open):
                if self._capture.depth == 0:
                    self._end_capture(event.end)
                return
            self._end_capture(event.start)
        if event.kind in ("data", "entity"):
            self._add(event, "text", "text")
        elif event.kind == "charref":
            self._add(event, "atom", "entity")
        elif event.kind in ("comment", "decl", "pi"):
            self._add(event, "atom", "comment")
        elif event.kind == "end":
            self._end_tag(event)
        else:
            self._start_tag(event)

    def _end_capture(self, end: int) -> None:
        assert self._capture is not None
        self._run.append(_Item("atom", self._capture.kind, self._capture.start, end))
        self._capture = None

    def _start_tag(self, event: Event) -> None:
        tag = event.tag
        no_translate = marked_no_translate(event.attrs)
        closed = event.kind == "startend" or tag in VOID
        attributes = () if no_translate else self._attributes(event)
        chrome = not self.include_chrome
        if chrome and tag == "link":
            title = nav_title(event.attrs)
            if title:
                self._nav_titles.add(title)
            attributes = ()  # a <link>'s title names another document
        if chrome and is_nav_link(tag, event.attrs):
            self._nav_links.add(event.start)
            self._bars.link()
        if tag in VOID_INLINE:
            kind = "image" if tag == "img" else "break" if tag in ("br", "wbr") else "tag"
            self._add(event, "atom", kind, attributes)
        elif (
            tag in SKIP
            or (no_translate and tag in BLOCK)
            or (chrome and tag in BLOCK and is_landmark(tag, event.attrs, self._open))
        ):
            self._flush()
            if not closed:
                self._skip = _Nested(tag, event.start)
        elif tag in BLOCK or tag in VOID:
            self._flush()
            self._attribute_blocks(attributes, tag)
            if not no_translate:
                self._meta(event)
            if not closed:
                self._open_block(tag)
        elif closed:
            self._add(event, "atom", "tag", attributes)
        elif tag in CAPTURE or no_translate:
            self._capture = _Nested(tag, event.start, "notranslate" if no_translate else "code")
        else:
            self._add(event, "open", "tag", attributes)

    def _end_tag(self, event: Event) -> None:
        tag = event.tag
        if tag in BLOCK or tag in SKIP or (tag in VOID and tag not in VOID_INLINE):
            self._flush()
            if self._open[tag] > 0:
                self._close_block(tag)
        else:
            self._add(event, "close", "tag")

    def _open_block(self, tag: str) -> None:
        if tag == "body" and self._open["head"] > 0:
            self._close_block("head")
        closes = implied_close(self._context, tag)
        if closes >= 0:
            self._pop_to(closes)
        elif tag in HEADINGS and self._stack and self._stack[-1][0] in HEADINGS:
            self._pop_to(len(self._stack) - 1)
        context = child_context(self._context, tag, len(self._stack))
        self._stack.append((tag, context))
        self._open[tag] += 1
        self._bars.push(len(self.blocks))

    def _popped(self, tag: str) -> None:
        self._open[tag] -= 1
        chrome_from = self._bars.pop()
        if chrome_from is not None and not self.include_chrome:
            del self.blocks[chrome_from:]  # a link bar: its blocks stay as they are

    def _close_block(self, tag: str) -> None:
        while self._stack:
            popped, _ = self._stack.pop()
            self._popped(popped)
            if popped == tag:
                return

    def _pop_to(self, index: int) -> None:
        while len(self._stack) > index:
            popped, _ = self._stack.pop()
            self._popped(popped)

    def _add(
        self,
        event: Event,
        role: Role,
        kind: str,
        attributes: tuple[tuple[str, int, int], ...] = (),
    ) -> None:
        if not self._run:
            self._run_context = self._context
        self._run.append(_Item(role, kind, event.start, event.end, attributes))

    def _attributes(self, event: Event) -> tuple[tuple[str, int, int], ...]:
        if event.kind == "end":
            return ()
        spans = quoted_attributes(self.source[event.start : event.end])
        return tuple(
            (name, event.start + spans[name][0], event.start + spans[name][1])
            for name in _TRANSLATABLE_ATTRS
            if name in spans
        )

    def _meta(self, event: Event) -> None:
        if event.tag != "meta":
            return
        attrs = {name: (value or "").strip().lower() for name, value in event.attrs}
        name = attrs.get("name") or attrs.get("property") or ""
        spans = quoted_attributes(self.source[event.start : event.end])
        if "content" not in spans:
            return
        start, end = (event.start + offset for offset in spans["content"])
        if name in _META_NAMES:
            self._emit_attribute("content", start, end, ("tag", "meta"), ("name", name))
        elif name in _DATE_META and self.published is None:
            self.published = self.source[start:end].strip()

    def _attribute_blocks(self, attributes: Iterable[tuple[str, int, int]], tag: str) -> None:
        for name, start, end in attributes:
            self._emit_attribute(name, start, end, ("tag", tag))

    def _emit_attribute(self, name: str, start: int, end: int, *attrs: tuple[str, str]) -> None:
        pieces = _value_pieces(self.source[start:end])
        if has_words(pieces):
            block_attrs = (*attrs, ("attr", name))
            self.blocks.append(
                RawBlock(BlockType.ATTRIBUTE, (start, end), pieces, attrs=block_attrs)
            )

    def _flush(self) -> None:
        """Turn the finished run into a block, or into its attribute blocks when it
        has no words of its own (a lone image, an icon link)."""
        items, self._run = self._run, []
        if not items:
            return
        texts = [Text(self.source[i.start : i.end]) for i in items if i.role == "text"]
        self._count_words(items, texts)
        if not has_words(texts):
            for item in items:
                tag = _tag_name(self.source[item.start : item.end])
                self._attribute_blocks(item.attributes, tag)
            return
        trimmed = _trim(self.source, items)
        if trimmed is None:
            return
        start, end, kept = trimmed
        pieces = merge_texts([p for item in kept for p in self._pieces(item)])
        if "".join(p.original for p in pieces) != self.source[start:end]:
            return  # tokens out of order: leave the text untranslated rather than corrupt it
        context = self._run_context
        attrs = (("tag", context.tag),) if context.tag else ()
        self.blocks.append(
            RawBlock(context.type, (start, end), tuple(pieces), level=context.level, attrs=attrs)
        )

    def _count_words(self, items: Sequence[_Item], texts: Sequence[Text]) -> None:
        """Tell the open link bar whether this run is navigation: words only inside
        navigation links (an icon's alt included), or a neighbouring page's name.
        The page's ``<title>`` names it too."""
        if self.include_chrome:
            return
        plain = normal("".join(t.text for t in texts))
        if self._run_context.type is BlockType.TITLE and self._open["head"] > 0:
            self._nav_titles.add(plain)
            return
        if plain in self._nav_titles:
            return
        inside = False
        for item in items:
            if item.role == "open" and item.start in self._nav_links:
                inside = True
            elif item.role == "close" and _tag_name(self.source[item.start + 1 : item.end]) == "a":
                inside = False
            elif not inside and (
                (item.role == "text" and has_words([Text(self.source[item.start : item.end])]))
                or item.attributes
            ):
                self._bars.words()
                return

    def _pieces(self, item: _Item) -> list[RawPiece]:
        original = self.source[item.start : item.end]
        if item.role == "text":
            return _spaced(original)
        alt = dict((name, (s, e)) for name, s, e in item.attributes).get("alt")
        if item.kind == "image" and alt is not None and alt[1] > alt[0]:
            s, e = alt
            return [
                Markup("open", self.source[item.start : s], "image"),
                *_value_pieces(self.source[s:e]),
                Markup("close", self.source[e : item.end], "image"),
            ]
        return [Markup(item.role, original, item.kind)]


_LAYOUT = re.compile(r"[ \t\n\r\f]+")


def _spaced(text: str) -> list[RawPiece]:
    """Text with each whitespace run other than one space as layout: a reader sees one
    space wherever the source breaks a line or indents, and so does the translator."""
    out: list[RawPiece] = []
    pos = 0
    for match in _LAYOUT.finditer(text):
        if match.group() == " ":
            continue
        out.append(Text(text[pos : match.start()]))
        out.append(Space(match.group()))
        pos = match.end()
    out.append(Text(text[pos:]))
    return [p for p in out if not isinstance(p, Text) or p.text]


def _tag_name(tag_text: str) -> str:
    match = TAG_NAME.match(tag_text, 1) if tag_text.startswith("<") else None
    return match.group(1).lower() if match else ""


def _value_pieces(value: str) -> tuple[Piece, ...]:
    """An attribute value: text, with numeric character references as atoms."""
    pieces: list[Piece] = []
    pos = 0
    for match in _CHARREF.finditer(value):
        if match.start() > pos:
            pieces.append(Text(value[pos : match.start()]))
        pieces.append(Markup("atom", match.group(), "entity"))
        pos = match.end()
    if pos < len(value):
        pieces.append(Text(value[pos:]))
    return tuple(pieces)


_TRIMMABLE_KINDS = frozenset({"break", "comment"})


def _trim(source: str, items: Sequence[_Item]) -> tuple[int, int, list[_Item]] | None:
    """Leave whitespace, comments and line breaks at the edges of a run outside its
    span: they are layout, not text."""

    def blank(item: _Item) -> bool:
        if item.role == "text":
            return not source[item.start : item.end].strip(_WHITESPACE)
        return item.role == "atom" and item.kind in _TRIMMABLE_KINDS

    def empty_pair(i: int) -> bool:
        """``<a id="x"></a>``: an anchor before a heading's text is layout too."""
        return (
            0 <= i < len(items) - 1
            and items[i].role == "open"
            and items[i + 1].role == "close"
            and _tag_name(source[items[i].start : items[i].end])
            == _tag_name(source[items[i + 1].start : items[i + 1].end].replace("/", "", 1))
        )

    first, last = 0, len(items) - 1
    while first <= last:
        if blank(items[first]):
            first += 1
        elif empty_pair(first) and first + 1 <= last:
            first += 2
        elif blank(items[last]):
            last -= 1
        elif empty_pair(last - 1) and last - 1 >= first:
            last -= 2
        else:
            break
    if first > last:
        return None
    kept = list(items[first : last + 1])
    if kept[0].role == "text":
        text = source[kept[0].start : kept[0].end]
        kept[0] = replace(kept[0], start=kept[0].end - len(text.lstrip(_WHITESPACE)))
    if kept[-1].role == "text":
        text = source[kept[-1].start : kept[-1].end]
        kept[-1] = replace(kept[-1], end=kept[-1].start + len(text.rstrip(_WHITESPACE)))
    return kept[0].start, kept[-1].end, kept


def has_words(pieces: Iterable[RawPiece]) -> bool:
    """What the builder keeps: some letter in text that is not a URL, number, ..."""
    for piece in pieces:
        if isinstance(piece, Text):
            for part in protect_text(piece.text):
                if isinstance(part, Text) and any(c.isalpha() for c in part.text):
                    return True
    return False

"""HTML articles: find each translatable block's exact source span.

``html.parser.HTMLParser`` tokenizes (it never raises on malformed markup and keeps
going after stray or unclosed tags); every callback is recorded with its source
offset, and a token ends where the next one starts, so the tokens tile the source.
Blocks are then found in one flat pass over the tokens with an explicit stack of open
block elements, never by recursion, so 10,000 nested ``div``s cost nothing special.

A *run* is a stretch of inline content (text, character references, inline tags)
between two block boundaries; each run with words becomes one block, typed by the
nearest enclosing element that has a type:

* ``title`` -> TITLE; ``h1``-``h6`` -> HEADING (level); the first ``h1`` is the
  TITLE when the document has no ``<title>`` (only one TITLE: its id is fixed);
* ``li`` -> LIST_ITEM (level = list item depth); ``blockquote`` -> QUOTE (level =
  quote depth); ``td``/``th`` -> TABLE_CELL;
* ``dt``, ``dd``, ``figcaption``, ``caption``, ``summary``, ``legend``, ``p`` and text
  directly inside ``div``/``section``/``article``/``body``... -> PARAGRAPH;
* ``alt`` and ``title`` attributes, and ``content`` of ``<meta name="description">``
  (and the og:/twitter: title and description) -> ATTRIBUTE, span = the quoted value,
  character references kept as written. An attribute on a tag *inside* a run with
  words cannot be its own block without cutting the sentence (spans cannot overlap):
  an ``img``'s ``alt`` is then translated in place, between an open/close pair made of
  the rest of the tag; other attributes of such tags (``title``) stay untranslated.

Blocks carry ``("tag", name)``, the element that gave them their type (none for text
outside any element); ATTRIBUTE blocks also ``("attr", name)``, and ``("name", ...)``
for ``<meta>``.

Inline elements (``a``, ``em``, ``span``, unknown elements...) become Markup open /
close pieces with their exact tag text; ``br``, ``img``, ``wbr``, ``input``, comments,
numeric character references and the whole of ``code``/``kbd``/``samp``/``var``/``tt``
elements are atoms. Named character references (``&amp;``, ``&nbsp;``) stay in the
text as written, so a translator reads ``Q&amp;A`` rather than a bare placeholder;
numeric ones would be mangled by number protection (``&#<1/>;``), so they are atoms.

``script``, ``style``, ``pre``, ``template``, ``textarea``, ``svg``, ``math``,
``noscript``, embedded content, and elements with ``translate="no"`` or class
``notranslate`` are left untouched (an atom when inline).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from html import unescape
from html.parser import HTMLParser
from typing import Literal

from ...errors import ArticleError
from ..builder import build_article
from ..inline import Markup, Piece, RawBlock, Text, merge_texts
from ..model import Article, BlockType
from ..placeholders import protect_text

__all__ = ["parse"]

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
_VOID_INLINE = frozenset({"br", "img", "input", "wbr"})
# Content never translated and never looked into.
_SKIP = frozenset(
    {
        "audio", "canvas", "iframe", "listing", "math", "noembed", "noframes", "noscript",
        "object", "plaintext", "pre", "script", "select", "style", "svg", "template",
        "textarea", "video", "xmp",
    }
)  # fmt: skip
# Inline elements kept whole as one atom (code and its relatives).
_CAPTURE = frozenset({"code", "kbd", "samp", "tt", "var"})
_BLOCK = _HEADINGS | frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "frameset", "head", "header", "hgroup",
        "html", "legend", "li", "main", "menu", "nav", "ol", "p", "search", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH_LIKE = frozenset({"caption", "dd", "dt", "figcaption", "legend", "summary"})
# Start tags that close an open <p> (HTML's "close a p element in button scope").
_CLOSES_P = (_BLOCK - {"body", "caption", "head", "html", "td", "th", "title", "tr"}) | {
    "hr",
    "pre",
    "listing",
    "xmp",
    "plaintext",
}
_P_SCOPE = frozenset(
    {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th"}
)
_TRANSLATABLE_ATTRS = ("alt", "title")
_META_NAMES = frozenset(
    {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
)
_DATE_META = frozenset({"article:published_time", "date", "dc.date", "pubdate"})
_WHITESPACE = " \t\n\r\f"
_CHARREF = re.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+);?")
# The tolerant tag and attribute patterns of Python's html.parser.
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)

Role = Literal["text", "open", "close", "atom"]


# --------------------------------------------------------------------------- tokens


_Attrs = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class _Event:
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


def _tokenize(source: str) -> list[_Event]:
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
        _Event(kind, start, end, tag, attrs)
        for (kind, start, tag, attrs), end in zip(found, ends, strict=False)
        if end > start
    ]


def _quoted_attributes(tag_text: str) -> dict[str, tuple[int, int]]:
    """Where each quoted attribute value lies in a start tag (first one wins)."""
    name = _TAG_NAME.match(tag_text, 1)
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


def _no_translate(attrs: Sequence[tuple[str, str | None]]) -> bool:
    """``translate="no"`` or class ``notranslate`` (the Google Translate convention)."""
    for name, value in attrs:
        if name == "translate" and (value or "").strip().lower() == "no":
            return True
        if name == "class" and "notranslate" in (value or "").split():
            return True
    return False


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True, slots=True)
class _Context:
    """What an open block element means for the text inside it. Computed once, when
    the element opens, so nothing ever walks the stack."""

    type: BlockType = BlockType.PARAGRAPH
    level: int = 0
    tag: str = ""
    typed: bool = False
    li_depth: int = 0
    quote_depth: int = 0
    # Stack index of the open element a new sibling start tag would close, or -1.
    open_p: int = -1
    open_li: int = -1
    open_dd: int = -1
    open_cell: int = -1
    open_row: int = -1


def _typed(parent: _Context, tag: str) -> tuple[BlockType, int] | None:
    """The block type and level an element gives the text inside it, if any."""
    if tag in _HEADINGS:
        return BlockType.HEADING, int(tag[1])
    if tag == "title":
        return BlockType.TITLE, 0
    if tag == "li":
        return BlockType.LIST_ITEM, parent.li_depth + 1
    if tag == "blockquote":
        return BlockType.QUOTE, parent.quote_depth + 1
    if tag in ("td", "th"):
        return BlockType.TABLE_CELL, 0
    if tag in _PARAGRAPH_LIKE:
        return BlockType.PARAGRAPH, 0
    return None


def _child_context(parent: _Context, tag: str, index: int) -> _Context:
    """The context inside ``tag``: its own type, else the nearest typed ancestor's
    (``<li><p>`` is a list item, ``<blockquote><p>`` a quote)."""
    typed = _typed(parent, tag)
    if typed is not None:
        kind, level, name, is_typed = typed[0], typed[1], tag, True
    elif parent.typed:
        kind, level, name, is_typed = parent.type, parent.level, parent.tag, True
    else:
        kind, level, name, is_typed = BlockType.PARAGRAPH, 0, tag, False
    transparent = tag in ("div", "p", "address")
    return _Context(
        type=kind,
        level=level,
        tag=name,
        typed=is_typed,
        li_depth=parent.li_depth + (tag == "li"),
        quote_depth=parent.quote_depth + (tag == "blockquote"),
        open_p=index if tag == "p" else -1 if tag in _P_SCOPE else parent.open_p,
        open_li=index if tag == "li" else parent.open_li if transparent else -1,
        open_dd=index if tag in ("dt", "dd") else parent.open_dd if transparent else -1,
        open_cell=index if tag in ("td", "th") else -1 if tag == "table" else parent.open_cell,
        open_row=index if tag == "tr" else -1 if tag == "table" else parent.open_row,
    )


def _implied_close(context: _Context, tag: str) -> int:
    """Stack index that opening ``tag`` closes (a sibling p, li, cell...), or -1."""
    candidates = [-1]
    if tag in _CLOSES_P:
        candidates.append(context.open_p)
    if tag == "li":
        candidates.append(context.open_li)
    if tag in ("dt", "dd"):
        candidates.append(context.open_dd)
    if tag in ("td", "th"):
        candidates.append(context.open_cell)
    if tag in ("tr", "tbody", "thead", "tfoot"):
        candidates.append(context.open_row)
    return min((c for c in candidates if c >= 0), default=-1)


# --------------------------------------------------------------------------- runs


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


def _swallows(nested: _Nested, event: _Event, open_blocks: Counter[str]) -> bool:
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
class _Extractor:
    """One pass over the events: a stack of open blocks, the current run, and at most
    one element being skipped or captured."""

    source: str
    blocks: list[RawBlock] = field(default_factory=list)
    published: str | None = None
    _stack: list[tuple[str, _Context]] = field(default_factory=list)
    _open: Counter[str] = field(default_factory=Counter)
    _run: list[_Item] = field(default_factory=list)
    _run_context: _Context = field(default_factory=_Context)
    _skip: _Nested | None = None
    _capture: _Nested | None = None

    @property
    def _context(self) -> _Context:
        return self._stack[-1][1] if self._stack else _Context()

    def feed(self, events: Sequence[_Event]) -> None:
        for event in events:
            self._event(event)
        if self._capture is not None:
            self._end_capture(len(self.source))
        self._flush()

    def _event(self, event: _Event) -> None:
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

    def _start_tag(self, event: _Event) -> None:
        tag = event.tag
        no_translate = _no_translate(event.attrs)
        closed = event.kind == "startend" or tag in _VOID
        attributes = () if no_translate else self._attributes(event)
        if tag in _VOID_INLINE:
            kind = "image" if tag == "img" else "break" if tag in ("br", "wbr") else "tag"
            self._add(event, "atom", kind, attributes)
        elif tag in _SKIP or (no_translate and tag in _BLOCK):
            self._flush()
            if not closed:
                self._skip = _Nested(tag, event.start)
        elif tag in _BLOCK or tag in _VOID:
            self._flush()
            self._attribute_blocks(attributes, tag)
            if not no_translate:
                self._meta(event)
            if not closed:
                self._open_block(tag)
        elif closed:
            self._add(event, "atom", "tag", attributes)
        elif tag in _CAPTURE or no_translate:
            self._capture = _Nested(tag, event.start, "notranslate" if no_translate else "code")
        else:
            self._add(event, "open", "tag", attributes)

    def _end_tag(self, event: _Event) -> None:
        tag = event.tag
        if tag in _BLOCK or tag in _SKIP or (tag in _VOID and tag not in _VOID_INLINE):
            self._flush()
            if self._open[tag] > 0:
                self._close_block(tag)
        else:
            self._add(event, "close", "tag")

    def _open_block(self, tag: str) -> None:
        if tag == "body" and self._open["head"] > 0:
            self._close_block("head")
        closes = _implied_close(self._context, tag)
        if closes >= 0:
            self._pop_to(closes)
        elif tag in _HEADINGS and self._stack and self._stack[-1][0] in _HEADINGS:
            self._pop_to(len(self._stack) - 1)
        context = _child_context(self._context, tag, len(self._stack))
        self._stack.append((tag, context))
        self._open[tag] += 1

    def _close_block(self, tag: str) -> None:
        while self._stack:
            popped, _ = self._stack.pop()
            self._open[popped] -= 1
            if popped == tag:
                return

    def _pop_to(self, index: int) -> None:
        while len(self._stack) > index:
            popped, _ = self._stack.pop()
            self._open[popped] -= 1

    def _add(
        self,
        event: _Event,
        role: Role,
        kind: str,
        attributes: tuple[tuple[str, int, int], ...] = (),
    ) -> None:
        if not self._run:
            self._run_context = self._context
        self._run.append(_Item(role, kind, event.start, event.end, attributes))

    def _attributes(self, event: _Event) -> tuple[tuple[str, int, int], ...]:
        if event.kind == "end":
            return ()
        spans = _quoted_attributes(self.source[event.start : event.end])
        return tuple(
            (name, event.start + spans[name][0], event.start + spans[name][1])
            for name in _TRANSLATABLE_ATTRS
            if name in spans
        )

    def _meta(self, event: _Event) -> None:
        if event.tag != "meta":
            return
        attrs = {name: (value or "").strip().lower() for name, value in event.attrs}
        name = attrs.get("name") or attrs.get("property") or ""
        spans = _quoted_attributes(self.source[event.start : event.end])
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
        if _has_words(pieces):
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
        if not _has_words(texts):
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

    def _pieces(self, item: _Item) -> list[Piece]:
        original = self.source[item.start : item.end]
        if item.role == "text":
            return [Text(original)]
        alt = dict((name, (s, e)) for name, s, e in item.attributes).get("alt")
        if item.kind == "image" and alt is not None and alt[1] > alt[0]:
            s, e = alt
            return [
                Markup("open", self.source[item.start : s], "image"),
                *_value_pieces(self.source[s:e]),
                Markup("close", self.source[e : item.end], "image"),
            ]
        return [Markup(item.role, original, item.kind)]


def _tag_name(tag_text: str) -> str:
    match = _TAG_NAME.match(tag_text, 1) if tag_text.startswith("<") else None
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

    first = next((i for i, item in enumerate(items) if not blank(item)), None)
    if first is None:
        return None
    last = max(i for i, item in enumerate(items) if not blank(item))
    kept = list(items[first : last + 1])
    if kept[0].role == "text":
        text = source[kept[0].start : kept[0].end]
        kept[0] = replace(kept[0], start=kept[0].end - len(text.lstrip(_WHITESPACE)))
    if kept[-1].role == "text":
        text = source[kept[-1].start : kept[-1].end]
        kept[-1] = replace(kept[-1], end=kept[-1].start + len(text.rstrip(_WHITESPACE)))
    return kept[0].start, kept[-1].end, kept


def _has_words(pieces: Iterable[Piece]) -> bool:
    """What the builder keeps: some letter in text that is not a URL, number, ..."""
    for piece in pieces:
        if isinstance(piece, Text):
            for part in protect_text(piece.text):
                if isinstance(part, Text) and any(c.isalpha() for c in part.text):
                    return True
    return False


# --------------------------------------------------------------------------- document


def _plain(source: str, block: RawBlock) -> str:
    """Visible text of a block, for the article title."""
    markup = source[block.span[0] : block.span[1]]
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def _with_title(source: str, blocks: Sequence[RawBlock]) -> tuple[list[RawBlock], str]:
    """One TITLE: the first ``<title>`` with words, else the first ``h1``. The others
    become what they would be without it (extra ``<title>``s: paragraphs)."""
    out = list(blocks)
    titles = [i for i, b in enumerate(out) if b.type is BlockType.TITLE and _has_words(b.pieces)]
    h1s = [
        i
        for i, b in enumerate(out)
        if b.type is BlockType.HEADING and b.level == 1 and _has_words(b.pieces)
    ]
    chosen = titles[0] if titles else h1s[0] if h1s else None
    for i, block in enumerate(out):
        if block.type is BlockType.TITLE and i != chosen:
            out[i] = replace(block, type=BlockType.PARAGRAPH)
    if chosen is None:
        return out, ""
    out[chosen] = replace(out[chosen], type=BlockType.TITLE)
    return out, _plain(source, out[chosen])


def parse(source: str, *, slug: str, source_lang: str = "en") -> Article:
    """Parse an HTML article into blocks whose spans rebuild the source exactly."""
    extractor = _Extractor(source)
    extractor.feed(_tokenize(source))
    blocks, title = _with_title(source, extractor.blocks)
    article = build_article(
        slug=slug,
        fmt="html",
        source_lang=source_lang,
        source=source,
        raw_blocks=blocks,
        title=title,
        published=extractor.published,
    )
    if not article.blocks:
        raise ArticleError(f"{slug}: the HTML article has no translatable text")
    return article

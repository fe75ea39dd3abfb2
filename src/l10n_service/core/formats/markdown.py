"""Markdown articles: find each translatable block's exact source span with markdown-it.

markdown-it gives block tokens line ranges but no character offsets, and its inline
tokens hold *processed* text (escapes and entities decoded, container prefixes and
indentation removed). So each block is handled in two coordinate systems:

* the **content** string markdown-it parsed for the block (``inline.content``),
  together with the source offset of each of its characters (:class:`_Content`);
* the **source**, which pieces are cut from, so that markup and text stay verbatim.

Inline rules that consume source their tokens do not spell out (links, images, code
spans, line breaks, raw HTML) are wrapped to record where they stopped; text, escapes,
entities and delimiter runs are matched literally. A block whose tokens do not line
up falls back to its lines as plain text, so valid Markdown never raises.

What becomes what:

* first level-1 heading -> TITLE; other ATX/setext headings -> HEADING (level);
* paragraphs -> PARAGRAPH, or LIST_ITEM (level = list depth) / QUOTE (level = quote
  depth) after the innermost list item or block quote that holds them;
* GFM table cells -> TABLE_CELL;
* front matter ``title``/``description``/``summary``/``subtitle`` -> ATTRIBUTE with
  ``(("key", name),)``; span = the value without quotes; single-line and block (``|``,
  ``>``) scalars only; the rest of the front matter stays verbatim;
* emphasis, strong, strikethrough and links -> Markup open/close pairs, a link's
  ``](url "title")`` being its close (so link titles stay untranslated);
* images -> an ``![`` open / ``](src "title")`` close pair around the alt text, which
  is translated in the context of its sentence (a separate ATTRIBUTE block would have
  to cut the sentence in two, as block spans cannot overlap);
* code spans, autolinks, raw inline HTML, hard breaks, numeric character references,
  and shortcut/collapsed reference links and images (``[label]``, ``[label][]``: their
  text is the reference label, so translating it would break the link) -> atoms;
* backslash escapes and named entities stay in the text as written (``\\*``,
  ``&amp;``), so translators see the character they stand for;
* code blocks, fences, HTML blocks, thematic breaks, link reference definitions -> no
  block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from markdown_it import MarkdownIt, rules_inline
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from ...errors import ArticleError
from ..builder import build_article
from ..inline import Markup, Piece, RawBlock, Text, merge_texts
from ..model import Article, BlockType
from ..placeholders import protect_text

__all__ = ["parse"]

# Inline rules whose end we need: they consume source their tokens do not spell out.
_RECORDED_RULES = {
    "newline": rules_inline.newline,
    "escape": rules_inline.escape,  # a backslash hard break
    "backticks": rules_inline.backtick,
    "link": rules_inline.link,
    "image": rules_inline.image,
    "autolink": rules_inline.autolink,
    "html_inline": rules_inline.html_inline,
}
_END = "l10n_end"
_PAIRS: dict[str, tuple[Literal["open", "close"], str]] = {
    "em_open": ("open", "emphasis"),
    "em_close": ("close", "emphasis"),
    "strong_open": ("open", "strong"),
    "strong_close": ("close", "strong"),
    "s_open": ("open", "strike"),
    "s_close": ("close", "strike"),
}
_ATOMS = {"code_inline": "code", "html_inline": "html", "hardbreak": "break"}
_FRONT_MATTER_KEYS = ("title", "description", "summary", "subtitle")
_DATE_KEYS = ("date", "published", "pubDate", "publishDate")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE_BREAK = re.compile(r"([^\r\n]*(?:\r\n|\r|\n))(.*)\Z", re.S)
_UNREFERENCED_CLOSES = ("]", "][]")  # shortcut and collapsed reference links

RuleFunc = Callable[[StateInline, bool], bool]


def _recording(rule: RuleFunc) -> RuleFunc:
    """Wrap an inline rule so its last token remembers where the rule stopped."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        count = len(state.tokens)
        matched = rule(state, silent)
        # A rule may match without a token (an unmatched backtick run goes to text).
        if matched and not silent and len(state.tokens) > count:
            state.tokens[-1].meta[_END] = state.pos
        return matched

    return wrapped


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
    # Keep escapes and entities as their own tokens: their `markup` is the source text.
    md.disable("text_join")
    for name, rule in _RECORDED_RULES.items():
        md.inline.ruler.at(name, _recording(rule))
    return md


_PARSER = _make_parser()


# --------------------------------------------------------------------------- lines


class _Lines:
    """Line table of the source, split the way markdown-it's normalizer splits it."""

    def __init__(self, source: str) -> None:
        self.source = source
        # markdown-it replaces NUL by U+FFFD before parsing; compare against that.
        self.norm = source.replace("\0", "\ufffd")
        self.starts = [0]
        self.ends: list[int] = []
        for match in _NEWLINE.finditer(source):
            self.ends.append(match.start())
            self.starts.append(match.end())
        self.ends.append(len(source))

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, line: int) -> str:
        return self.norm[self.starts[line] : self.ends[line]]


@dataclass(frozen=True)
class _Content:
    """What markdown-it parsed for one block, and where each character came from.

    ``offsets[i]`` is the source index of ``text[i]`` (for a line break, of its line
    terminator); ``offsets[-1]`` is the end of the block's span."""

    text: str
    offsets: tuple[int, ...]


def _map_lines(lines: _Lines, first: int, count: int, content: str) -> _Content | None:
    """Map paragraph-like content (mdTrim of the lines minus container prefixes) onto
    ``count`` source lines from ``first``; trimming may have eaten whole lines."""
    parts = content.split("\n")
    for shift in range(count - len(parts) + 1):
        offsets = _try_map(lines, first + shift, parts)
        if offsets is not None:
            return _Content(content, tuple(offsets))
    return None


def _try_map(lines: _Lines, first: int, parts: list[str]) -> list[int] | None:
    """Each content line is the end of its source line (the container prefix is
    what markdown-it cut off its start); the last one lost its trailing blanks."""
    if first + len(parts) > len(lines):
        return None
    offsets: list[int] = []
    for j, part in enumerate(parts):
        line = first + j
        text = lines.text(line)
        if j == len(parts) - 1:
            text = text.rstrip(MD_TRIM_CHARS)
        end = lines.starts[line] + len(text)
        if text.endswith(part):
            offsets.extend(range(end - len(part), end))
        else:
            # A tab partly consumed by the container indent became spaces.
            core = part.lstrip(" \t")
            if j == 0 or not text.endswith(core):
                return None
            base = end - len(core)
            offsets.extend([base] * (len(part) - len(core)))
            offsets.extend(range(base, end))
        offsets.append(lines.ends[line] if j < len(parts) - 1 else end)
    return offsets


def _map_atx(lines: _Lines, line: int, content: str) -> _Content | None:
    """An ATX heading's text follows its ``#`` run; no container prefix has a ``#``."""
    text = lines.text(line)
    pos = text.find("#")
    if pos < 0:
        return None
    while pos < len(text) and text[pos] == "#":
        pos += 1
    at = text.find(content, pos)
    if at < 0:
        return None
    base = lines.starts[line] + at
    return _Content(content, tuple(range(base, base + len(content) + 1)))


# --------------------------------------------------------------------------- tables


def _map_row(lines: _Lines, line: int, cells: Sequence[str]) -> list[_Content | None]:
    """Find each cell of a table row; the container prefix ("> ", list indent) is not
    known, so try every plausible prefix length and keep the one that reproduces
    markdown-it's cell contents exactly."""
    text = lines.text(line)
    for start in _prefix_candidates(text):
        found = _split_row(text, start)
        got = [cell.text for cell in found[: len(cells)]]
        got += [""] * (len(cells) - len(got))
        if got == list(cells):
            base = lines.starts[line]
            mapped = [_shift(cell, base) for cell in found[: len(cells)]]
            return [c if c.text else None for c in mapped] + [None] * (len(cells) - len(mapped))
    return [None] * len(cells)


def _prefix_candidates(text: str) -> list[int]:
    """Where a row may start after a container prefix (blanks, ``>``, list markers),
    longest prefix first."""
    limit = 0
    while limit < min(len(text), 200) and text[limit] in " \t>-+*.)0123456789":
        limit += 1
    return [k for k in range(limit, 0, -1) if text[k - 1] in " \t>"] + [0]


def _shift(content: _Content, base: int) -> _Content:
    return _Content(content.text, tuple(base + o for o in content.offsets))


def _split_row(text: str, start: int) -> list[_Content]:
    """markdown-it's ``escapedSplit`` of ``mdTrim(text[start:])``, keeping offsets.

    An escaped pipe loses its backslash in the cell content; the pipe then spans
    the backslash too, so the pair always lands in one piece."""
    row = text[start:]
    lead = len(row) - len(row.lstrip(MD_TRIM_CHARS))
    row_end = start + len(row.rstrip(MD_TRIM_CHARS))
    cells: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    escaped = False
    for pos in range(start + lead, row_end):
        ch = text[pos]
        if ch == "|" and not escaped:
            cells.append(current)
            current = []
        elif ch == "|":
            current[-1] = ("|", current[-1][1], pos + 1)
        else:
            current.append((ch, pos, pos + 1))
        escaped = ch == "\\"
    cells.append(current)
    if cells and not cells[0]:
        cells.pop(0)
    if cells and not cells[-1]:
        cells.pop()
    return [_trim_cell(cell) for cell in cells]


def _trim_cell(cell: list[tuple[str, int, int]]) -> _Content:
    lo, hi = 0, len(cell)
    while lo < hi and cell[lo][0] in MD_TRIM_CHARS:
        lo += 1
    while hi > lo and cell[hi - 1][0] in MD_TRIM_CHARS:
        hi -= 1
    kept = cell[lo:hi]
    if not kept:
        return _Content("", (0,))
    text = "".join(ch for ch, _, _ in kept)
    return _Content(text, (*(start for _, start, _ in kept), kept[-1][2]))


# --------------------------------------------------------------------------- inline


class _Mismatch(Exception):
    """The tokens do not line up with the content: use the plain fallback."""


_Role = Literal["text", "break", "open", "close", "atom"]
_CPiece = tuple[_Role, str, int, int]  # role, kind, start, end in content coordinates


class _Scanner:
    """Walk inline tokens over the content string, cutting it into pieces."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[_CPiece] = []
        self._links: list[int] = []  # index in `out` of each open link

    def scan(self, tokens: Sequence[Token], base: int) -> None:
        i = 0
        while i < len(tokens):
            i = self._token(tokens, i, base)

    def _token(self, tokens: Sequence[Token], i: int, base: int) -> int:
        tok = tokens[i]
        if tok.type == "text":
            self._literal(tok.content, "text", "text")
        elif tok.type == "text_special":
            numeric = tok.info == "entity" and tok.markup.startswith("&#")
            self._literal(tok.markup, "atom" if numeric else "text", tok.info)
        elif tok.type == "softbreak":
            self._until(_end(tok, base), "break", "break")
        elif tok.type in _ATOMS:
            self._until(_end(tok, base), "atom", _ATOMS[tok.type])
        elif tok.type in _PAIRS:
            role, kind = _PAIRS[tok.type]
            self._literal(tok.markup, role, kind)
        elif tok.type == "link_open" and tok.info == "auto":
            if i + 2 >= len(tokens) or tokens[i + 2].type != "link_close":
                raise _Mismatch
            self._until(_end(tokens[i + 2], base), "atom", "url")
            return i + 3
        elif tok.type == "link_open":
            self._links.append(len(self.out))
            self._literal("[", "open", "link")
        elif tok.type == "link_close":
            self._link_close(_end(tok, base))
        elif tok.type == "image":
            self._image(tok, base)
        else:
            raise _Mismatch
        return i + 1

    def _literal(self, expected: str, role: _Role, kind: str) -> None:
        if not self.text.startswith(expected, self.pos):
            raise _Mismatch
        if expected:
            self.out.append((role, kind, self.pos, self.pos + len(expected)))
        self.pos += len(expected)

    def _until(self, end: int, role: _Role, kind: str) -> None:
        if end <= self.pos:
            raise _Mismatch
        self.out.append((role, kind, self.pos, end))
        self.pos = end

    def _link_close(self, end: int) -> None:
        if not self._links or not self.text.startswith("]", self.pos):
            raise _Mismatch
        opened = self._links.pop()
        if self.text[self.pos : end] in _UNREFERENCED_CLOSES:
            start = self.out[opened][2]
            del self.out[opened:]
            self.pos = start
            self._until(end, "atom", "link")
        else:
            self._until(end, "close", "link")

    def _image(self, tok: Token, base: int) -> None:
        start, end = self.pos, _end(tok, base)
        alt_start = start + 2
        alt_end = alt_start + len(tok.content)
        if not self.text.startswith("![", start) or not self.text.startswith("]", alt_end):
            raise _Mismatch
        if self.text[alt_end:end] in _UNREFERENCED_CLOSES:
            self._until(end, "atom", "image")
            return
        self._until(alt_start, "open", "image")
        self.scan(tok.children or [], alt_start)
        if self.pos != alt_end:
            raise _Mismatch
        self._until(end, "close", "image")


def _end(tok: Token, base: int) -> int:
    end = tok.meta.get(_END)
    if not isinstance(end, int):
        raise _Mismatch
    return base + end


def _scan(content: _Content, tokens: Sequence[Token]) -> list[_CPiece] | None:
    scanner = _Scanner(content.text)
    try:
        scanner.scan(tokens, 0)
    except _Mismatch:
        return None
    return scanner.out if scanner.pos == len(content.text) else None


def _line_pieces(text: str) -> list[_CPiece]:
    """The fallback: each line as plain text, each line break as a break."""
    out: list[_CPiece] = []
    pos = 0
    for match in re.finditer("\n", text):
        if match.start() > pos:
            out.append(("text", "text", pos, match.start()))
        out.append(("break", "break", match.start(), match.end()))
        pos = match.end()
    if pos < len(text):
        out.append(("text", "text", pos, len(text)))
    return out


# --------------------------------------------------------------------------- assembly


def _line_prefix(source: str, content: _Content) -> str:
    """The container prefix every continuation line shares (``"> "``, list indent).

    Only lines ending in ``\\n`` count: a lone ``\\r`` line keeps its prefix as a piece."""
    gaps: list[str] = []
    for i, ch in enumerate(content.text):
        if ch != "\n":
            continue
        term = content.offsets[i]
        after = term + (2 if source.startswith("\r\n", term) else 1)
        if source[after - 1] == "\n":
            gaps.append(source[after : content.offsets[i + 1]])
    return _common_prefix(gaps)


def _common_prefix(strings: Sequence[str]) -> str:
    """Character-wise common prefix (``os.path.commonprefix``, without the path hint)."""
    if not strings:
        return ""
    low, high = min(strings), max(strings)
    for i, ch in enumerate(low):
        if ch != high[i]:
            return low[:i]
    return low


def _break_pieces(original: str) -> list[Piece]:
    """A line break is text; what is left of the next line's prefix is text when
    blank and an atom otherwise (a ``>`` that is not on every line)."""
    match = _LINE_BREAK.match(original)
    if match is None or not match.group(2).strip(" \t"):
        return [Text(original)]
    return [Text(match.group(1)), Markup("atom", match.group(2), "prefix")]


def _assemble(
    source: str, content: _Content, cpieces: Sequence[_CPiece]
) -> tuple[tuple[Piece, ...], str] | None:
    """Source pieces and line prefix for content pieces, if they rebuild the span."""
    prefix = _line_prefix(source, content)
    pieces: list[Piece] = []
    for role, kind, start, end in cpieces:
        original = source[content.offsets[start] : content.offsets[end]]
        if prefix:
            original = original.replace("\n" + prefix, "\n")
        if role == "break":
            pieces.extend(_break_pieces(original))
        elif role == "text":
            pieces.append(Text(original))
        else:
            pieces.append(Markup(role, original, kind))
    merged = merge_texts(pieces)
    joined = "".join(p.original for p in merged)
    if prefix:
        joined = joined.replace("\n", "\n" + prefix)
    if joined != source[content.offsets[0] : content.offsets[-1]]:
        return None
    return tuple(merged), prefix


def _raw_block(
    source: str,
    content: _Content,
    tokens: Sequence[Token],
    kind: BlockType,
    level: int = 0,
    attrs: tuple[tuple[str, str], ...] = (),
) -> RawBlock | None:
    built = None
    cpieces = _scan(content, tokens) if tokens else None
    if cpieces is not None:
        built = _assemble(source, content, cpieces)
    if built is None:
        built = _assemble(source, content, _line_pieces(content.text))
    if built is None:
        return None
    pieces, prefix = built
    span = (content.offsets[0], content.offsets[-1])
    return RawBlock(kind, span, pieces, level=level, attrs=attrs, line_prefix=prefix)


# --------------------------------------------------------------------------- front matter


@dataclass(frozen=True)
class _FrontMatter:
    blocks: list[RawBlock]
    title: str = ""
    published: str | None = None


_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*(?:#.*)?$')
_SINGLE = re.compile(r"'((?:[^']|'')*)'[ \t]*(?:#.*)?$")
_BLOCK_SCALAR = re.compile(r"[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$")
_PLAIN = re.compile(r"(.*?)(?:[ \t]+#.*)?$")
_NOT_PLAIN = tuple("[]{}&*!|>%@`\"',#?:-")


def _front_matter(tok: Token, lines: _Lines, keys: tuple[str, ...]) -> _FrontMatter:
    """ATTRIBUTE blocks for the translatable keys of YAML front matter, read line by
    line (a YAML library would give values, not where they are)."""
    if tok.map is None:
        return _FrontMatter([])
    first, last = tok.map[0] + 1, tok.map[1] - 1  # between the --- lines
    blocks: list[RawBlock] = []
    title = ""
    published = None
    for line in range(first, last):
        match = _KEY_LINE.match(lines.text(line))
        if match is None:
            continue
        key, value = match.group("key"), match.group("value") or ""
        if key in _DATE_KEYS and published is None and value:
            published = value.strip("\"'")
        if key not in keys:
            continue
        content = _scalar(lines, line, last, match.start("value") if value else -1)
        if content is None:
            continue
        block = _raw_block(lines.source, content, (), BlockType.ATTRIBUTE, attrs=(("key", key),))
        if block is not None:
            blocks.append(block)
            if key == "title" and not title:
                title = _unquote(content.text, lines.source[content.offsets[0] - 1])
    return _FrontMatter(blocks, title, published)


def _unquote(value: str, quote: str) -> str:
    """The text a quoted YAML scalar stands for (common escapes only): for the
    article title, while the block keeps the value exactly as written."""
    if quote == "'":
        return value.replace("''", "'")
    if quote == '"':
        return re.sub(r'\\(["\\/])', r"\1", value)
    return value


def _scalar(lines: _Lines, line: int, last: int, at: int) -> _Content | None:
    """The value of a ``key:`` whose value starts at ``at`` in ``line`` (-1: none)."""
    value = lines.text(line)[at:] if at >= 0 else ""
    base = lines.starts[line] + at
    quoted = {'"': _DOUBLE, "'": _SINGLE}.get(value[:1])
    if quoted is not None:
        match = quoted.match(value)
        if match is None or not match.group(1).strip():
            return None
        return _single_line(match.group(1), base + match.start(1))
    if _BLOCK_SCALAR.match(value):
        return _indented(lines, line + 1, last, stop_at_blank=False)
    if not value or value.startswith(_NOT_PLAIN):
        return None
    plain = _PLAIN.match(value)
    assert plain is not None  # the pattern matches any string
    first = _single_line(plain.group(1), base)
    rest = _indented(lines, line + 1, last, stop_at_blank=True)
    if rest is None:
        return first
    offsets = (*first.offsets[:-1], lines.ends[line], *rest.offsets)
    return _Content(first.text + "\n" + rest.text, offsets)


def _single_line(text: str, start: int) -> _Content:
    return _Content(text, tuple(range(start, start + len(text) + 1)))


def _indented(lines: _Lines, start: int, last: int, *, stop_at_blank: bool) -> _Content | None:
    """Consecutive indented lines: a block scalar's body (blank lines allowed inside)
    or a plain scalar's continuation."""
    end = start
    while end < last:
        text = lines.text(end)
        if not text.strip():
            if stop_at_blank:
                break
        elif text[:1] not in " \t":
            break
        end += 1
    while end > start and not lines.text(end - 1).strip():
        end -= 1
    if end == start:
        return None
    texts = [lines.text(n) for n in range(start, end)]
    indent = min(len(t) - len(t.lstrip(" \t")) for t in texts if t.strip())
    chars: list[str] = []
    offsets: list[int] = []
    for n, text in zip(range(start, end), texts, strict=True):
        if n > start:
            chars.append("\n")
            offsets.append(lines.ends[n - 1])
        body = text[indent:].rstrip() if text.strip() else ""
        begin = lines.starts[n] + indent
        chars.extend(body)
        offsets.extend(range(begin, begin + len(body)))
    offsets.append(begin + len(body))
    return _Content("".join(chars), tuple(offsets))


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class _Found:
    block: RawBlock
    plain: str = ""  # heading text, for the article title


class _Walker:
    """Turn the block token stream into raw blocks, tracking containers."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.containers: list[str] = []
        self.row: list[_Content | None] = []
        self.cell = 0

    def walk(self, tokens: Sequence[Token]) -> Iterator[_Found]:
        for i, tok in enumerate(tokens):
            if tok.type in ("list_item_open", "blockquote_open"):
                self.containers.append(tok.type)
            elif tok.type in ("list_item_close", "blockquote_close") and self.containers:
                self.containers.pop()
            elif tok.type == "tr_open":
                self._start_row(tokens, i)
            elif tok.type == "inline" and i > 0:
                found = self._inline(tokens[i - 1], tok)
                if found is not None:
                    yield found

    def _start_row(self, tokens: Sequence[Token], i: int) -> None:
        cells: list[str] = []
        for tok in tokens[i + 1 :]:
            if tok.type == "tr_close":
                break
            if tok.type == "inline":
                cells.append(tok.content)
        line_map = tokens[i].map
        line = line_map[0] if line_map else -1
        self.row = _map_row(self.lines, line, cells) if 0 <= line < len(self.lines) else []
        self.cell = 0

    def _inline(self, opener: Token, tok: Token) -> _Found | None:
        if opener.type in ("th_open", "td_open"):
            content = self.row[self.cell] if self.cell < len(self.row) else None
            self.cell += 1
            return self._found(content, tok, BlockType.TABLE_CELL, 0)
        if tok.map is None or not tok.content.strip():
            return None
        first, end = tok.map
        if opener.type == "heading_open":
            level = int(opener.tag[1:])
            if opener.markup.startswith("#"):
                content = _map_atx(self.lines, first, tok.content)
            else:  # setext: the inline map stops before the underline
                content = _map_lines(self.lines, first, end - first, tok.content)
            found = self._found(content, tok, BlockType.HEADING, level)
            return None if found is None else replace(found, plain=_plain(tok.children or []))
        if opener.type == "paragraph_open":
            kind, level = self._paragraph_type()
            return self._found(
                _map_lines(self.lines, first, end - first, tok.content), tok, kind, level
            )
        return None

    def _paragraph_type(self) -> tuple[BlockType, int]:
        if not self.containers:
            return BlockType.PARAGRAPH, 0
        innermost = self.containers[-1]
        if innermost == "list_item_open":
            return BlockType.LIST_ITEM, self.containers.count("list_item_open")
        return BlockType.QUOTE, self.containers.count("blockquote_open")

    def _found(
        self, content: _Content | None, tok: Token, kind: BlockType, level: int
    ) -> _Found | None:
        if content is None or not content.text.strip():
            return None
        block = _raw_block(self.lines.source, content, tok.children or [], kind, level)
        return None if block is None else _Found(block)


def _plain(tokens: Sequence[Token]) -> str:
    """Visible text of inline tokens, for the article title."""
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "text_special", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image":
            parts.append(_plain(tok.children or []))
    return " ".join("".join(parts).split())


def _has_words(block: RawBlock) -> bool:
    """What the builder keeps: some letter in text that is not a URL, number, ..."""
    for piece in block.pieces:
        if isinstance(piece, Text):
            for part in protect_text(piece.text):
                if isinstance(part, Text) and any(c.isalpha() for c in part.text):
                    return True
    return False


def _with_title(found: Sequence[_Found]) -> tuple[list[RawBlock], str]:
    """Promote the first level-1 heading that will be kept to TITLE (only one: the
    builder gives TITLE blocks the fixed id ``title``); its text, if there is one."""
    blocks = [f.block for f in found]
    for i, item in enumerate(found):
        if _is_heading(item.block) and item.block.level == 1:
            blocks[i] = replace(item.block, type=BlockType.TITLE)
            return blocks, item.plain
    return blocks, ""


def _is_heading(block: RawBlock) -> bool:
    return block.type is BlockType.HEADING and _has_words(block)


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    front_matter_keys: Sequence[str] | None = None,
) -> Article:
    """Parse a Markdown article into blocks whose spans rebuild the source exactly.
    ``front_matter_keys`` are the translatable YAML keys (default: title,
    description, summary, subtitle); every other key is kept verbatim.

    The article title is the TITLE heading's text, else the front matter ``title``,
    else the first heading's text."""
    tokens = _PARSER.parse(source)
    lines = _Lines(source)
    front = _FrontMatter([])
    if tokens and tokens[0].type == "front_matter":
        keys = tuple(front_matter_keys or _FRONT_MATTER_KEYS)
        front = _front_matter(tokens[0], lines, keys)
    found = list(_Walker(lines).walk(tokens))
    body, title = _with_title(found)
    first_heading = next((f.plain for f in found if _is_heading(f.block)), "")
    article = build_article(
        slug=slug,
        fmt="md",
        source_lang=source_lang,
        source=source,
        raw_blocks=[*front.blocks, *body],
        title=title or front.title or first_heading,
        published=front.published,
    )
    if not article.blocks:
        raise ArticleError(f"{slug}: the Markdown article has no translatable text")
    return article

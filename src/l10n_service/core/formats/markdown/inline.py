"""Inline Markdown as source pieces: text, and markup kept verbatim.

markdown-it's inline tokens hold *processed* text (escapes and entities decoded), so
the inline rules that consume source their tokens do not spell out (links, images,
code spans, line breaks, raw HTML) are wrapped to record where they stopped; text,
escapes, entities and delimiter runs are matched literally against the block's
:class:`~.source_map.Content`. A block whose tokens do not line up falls back to its
lines as plain text, so valid Markdown never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from markdown_it import MarkdownIt, rules_inline
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from ...inline import Markup, Piece, RawBlock, Text, merge_texts
from ...model import BlockType
from .source_map import Content

__all__ = ["PARSER", "raw_block"]

# Inline rules whose end we need: they consume source their tokens do not spell out;
# each with the character it starts at (markdown-it tries every rule at every stop
# of its text rule: the wrapper answers no for the others without calling it).
_RECORDED_RULES = {
    "newline": (rules_inline.newline, "\n"),
    "escape": (rules_inline.escape, "\\"),  # a backslash hard break
    "backticks": (rules_inline.backtick, "`"),
    "link": (rules_inline.link, "["),
    "image": (rules_inline.image, "!"),
    "autolink": (rules_inline.autolink, "<"),
    "html_inline": (rules_inline.html_inline, "<"),
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
_LINE_BREAK = re.compile(r"([^\r\n]*(?:\r\n|\r|\n))(.*)\Z", re.S)
_UNREFERENCED_CLOSES = ("]", "][]")  # shortcut and collapsed reference links

RuleFunc = Callable[[StateInline, bool], bool]


def _recording(rule: RuleFunc, first: str) -> RuleFunc:
    """Wrap an inline rule so its last token remembers where the rule stopped. The
    rule itself answers no at once where the source does not hold ``first``."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != first:
            return False
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
    for name, (rule, first) in _RECORDED_RULES.items():
        md.inline.ruler.at(name, _recording(rule, first))
    # The walker reads link targets from the source, never the normalised ``href``
    # (percent-encoding, punycode: a tenth of the parse). Whether a target makes a
    # link at all (``javascript:`` does not) is still decided on the normalised URL;
    # one without a ``:`` cannot name a scheme, normalised or not.
    md.normalizeLink = _unchanged  # type: ignore[method-assign]
    md.validateLink = _valid_target  # type: ignore[method-assign]
    return md


def _unchanged(url: str) -> str:
    return url


def _valid_target(url: str) -> bool:
    return ":" not in url or validateLink(normalizeLink(url))


PARSER = _make_parser()


class _Mismatch(Exception):
    """The tokens do not line up with the content: use the plain fallback."""


_Role = Literal["text", "break", "open", "close", "atom"]
# role, kind, start, end in content coordinates, and Markup.translated
_CPiece = tuple[_Role, str, int, int, str | None]


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
            self.out.append((role, kind, self.pos, self.pos + len(expected), None))
        self.pos += len(expected)

    def _until(self, end: int, role: _Role, kind: str, translated: str | None = None) -> None:
        if end <= self.pos:
            raise _Mismatch
        self.out.append((role, kind, self.pos, end, translated))
        self.pos = end

    def _link_close(self, end: int) -> None:
        if not self._links or not self.text.startswith("]", self.pos):
            raise _Mismatch
        opened = self._links.pop()
        if self.text[self.pos : end] in _UNREFERENCED_CLOSES:
            # The text is the reference label: a translation closes with the label
            # as a full reference, ``[Verhaltenskodex][Code of Conduct]``.
            label = self.text[self.out[opened][3] : self.pos].replace("\n", " ")
            self._until(end, "close", "link", f"][{label}]")
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


def _scan(content: Content, tokens: Sequence[Token]) -> list[_CPiece] | None:
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
            out.append(("text", "text", pos, match.start(), None))
        out.append(("break", "break", match.start(), match.end(), None))
        pos = match.end()
    if pos < len(text):
        out.append(("text", "text", pos, len(text), None))
    return out


# --- assembly ----------------------------------------------------------


def _line_prefix(source: str, content: Content) -> str:
    """The container prefix every continuation line shares (``"> "``, list indent).

    Only lines ending in ``\\n`` count: a lone ``\\r`` line keeps its prefix as a piece."""
    gaps: list[str] = []
    text = content.text
    i = text.find("\n")
    while i >= 0:
        term = content.offsets[i]
        after = term + (2 if source.startswith("\r\n", term) else 1)
        if source[after - 1] == "\n":
            gaps.append(source[after : content.offsets[i + 1]])
        i = text.find("\n", i + 1)
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
    source: str, content: Content, cpieces: Sequence[_CPiece]
) -> tuple[tuple[Piece, ...], str] | None:
    """Source pieces and line prefix for content pieces, if they rebuild the span."""
    prefix = _line_prefix(source, content)
    offsets = content.offsets
    pieces: list[Piece] = []
    originals: list[str] = []  # the pieces' originals, in order: what they rebuild
    for role, kind, start, end, translated in cpieces:
        original = source[offsets[start] : offsets[end]]
        if prefix:
            original = original.replace("\n" + prefix, "\n")
        originals.append(original)
        if role == "break":
            pieces.extend(_break_pieces(original))
        elif role == "text" and kind == "escape" and len(original) == 2:
            # Translators read the character; the source keeps its backslash.
            pieces.append(Text(original[1], source=original))
        elif role == "text":
            pieces.append(Text(original))
        else:
            pieces.append(Markup(role, original, kind, translated))
    # Merging adjacent texts keeps the originals' concatenation.
    joined = "".join(originals)
    if prefix:
        joined = joined.replace("\n", "\n" + prefix)
    if joined != source[offsets[0] : offsets[-1]]:
        return None
    return tuple(merge_texts(pieces)), prefix


def raw_block(
    source: str,
    content: Content,
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

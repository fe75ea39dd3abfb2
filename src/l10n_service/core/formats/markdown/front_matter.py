"""YAML front matter: the translatable keys' values as ATTRIBUTE blocks.

Read line by line rather than with a YAML library, which would give values but not
where they are: a block's span must be the value exactly as written (without its
quotes), so the rest of the front matter survives a rebuild byte for byte.
Single-line and block (``|``, ``>``) scalars only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from ...inline import RawBlock
from ...model import BlockType
from .inline import raw_block
from .source_map import Content, Lines

__all__ = ["DATE_KEYS", "DEFAULT_KEYS", "FrontMatter", "front_matter"]

DEFAULT_KEYS = ("title", "description", "summary", "subtitle")
DATE_KEYS = ("date", "published", "pubDate", "publishDate")


@dataclass(frozen=True)
class FrontMatter:
    blocks: list[RawBlock]
    title: str = ""
    published: str | None = None


_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*(?:#.*)?$')
_SINGLE = re.compile(r"'((?:[^']|'')*)'[ \t]*(?:#.*)?$")
_BLOCK_SCALAR = re.compile(r"[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$")
_PLAIN = re.compile(r"(.*?)(?:[ \t]+#.*)?$")
_NOT_PLAIN = tuple("[]{}&*!|>%@`\"',#?:-")


def front_matter(tok: Token, lines: Lines, keys: tuple[str, ...]) -> FrontMatter:
    """ATTRIBUTE blocks for the translatable keys of YAML front matter, read line by
    line (a YAML library would give values, not where they are)."""
    if tok.map is None:
        return FrontMatter([])
    first, last = tok.map[0] + 1, tok.map[1] - 1  # between the --- lines
    blocks: list[RawBlock] = []
    title = ""
    published = None
    for line in range(first, last):
        match = _KEY_LINE.match(lines.text(line))
        if match is None:
            continue
        key, value = match.group("key"), match.group("value") or ""
        if key in DATE_KEYS and published is None and value:
            published = value.strip("\"'")
        if key not in keys:
            continue
        content = _scalar(lines, line, last, match.start("value") if value else -1)
        if content is None:
            continue
        block = raw_block(lines.source, content, (), BlockType.ATTRIBUTE, attrs=(("key", key),))
        if block is not None:
            blocks.append(block)
            if key == "title" and not title:
                title = _unquote(content.text, lines.source[content.offsets[0] - 1])
    return FrontMatter(blocks, title, published)


def _unquote(value: str, quote: str) -> str:
    """The text a quoted YAML scalar stands for (common escapes only): for the
    article title, while the block keeps the value exactly as written."""
    if quote == "'":
        return value.replace("''", "'")
    if quote == '"':
        return re.sub(r'\\(["\\/])', r"\1", value)
    return value


def _scalar(lines: Lines, line: int, last: int, at: int) -> Content | None:
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
    return Content(first.text + "\n" + rest.text, offsets)


def _single_line(text: str, start: int) -> Content:
    return Content(text, tuple(range(start, start + len(text) + 1)))


def _indented(lines: Lines, start: int, last: int, *, stop_at_blank: bool) -> Content | None:
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
    return Content("".join(chars), tuple(offsets))

"""Front matter: YAML (``---``), TOML (``+++``, as Hugo writes it) and JSON (``{...}``).

Where each translatable value lies is found by reading the block line by line (a
parser gives values, not where they are), and every value found is checked against
what the real parser (:mod:`.front_serial`) reads: only a key whose value is a
string, spelled exactly where we found it, becomes an ATTRIBUTE block. A block's span
is the value as written without its quotes, so the source rebuilds byte for byte.

A translated value is never spliced into that span: :func:`rebuilt_front_matter`
writes it as a whole new scalar of the block's syntax (quoted as needed), and the
rebuilt block must parse to the same keys with the same types, or the source's
front matter is kept. Single-line and YAML block (``|``, ``>``) scalars, TOML
multi-line strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ...inline import RawBlock
from ...model import Article, BlockType
from .front_serial import Syntax, loads, same_shape, scalar
from .inline import raw_block
from .source_map import Content, Lines

__all__ = [
    "DATE_KEYS",
    "DEFAULT_KEYS",
    "FrontMatter",
    "Region",
    "blank",
    "find_region",
    "front_matter",
    "rebuilt_front_matter",
]

DEFAULT_KEYS = ("title", "description", "summary", "subtitle")
DATE_KEYS = ("date", "published", "pubDate", "publishDate")

_FENCES: dict[str, tuple[Syntax, re.Pattern[str]]] = {
    "-": ("yaml", re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)),
    "+": ("toml", re.compile(r"^\+\+\+[ \t]*\r?$", re.M)),
}
_OPEN = re.compile(r"\A(?:---|\+\+\+)[ \t]*(?:\r\n|\r|\n)")
_LINE_END = re.compile(r"[ \t]*(?:\r\n|\r|\n|\Z)")


@dataclass(frozen=True)
class Region:
    """The front matter block: ``source[:end]``, its text ``source[body[0]:body[1]]``."""

    syntax: Syntax
    end: int
    body: tuple[int, int]


@dataclass(frozen=True)
class FrontMatter:
    blocks: list[RawBlock]
    title: str = ""
    published: str | None = None


@dataclass(frozen=True)
class _Value:
    key: str
    content: Content  # what the translator sees (the block's span)
    region: tuple[int, int]  # the whole scalar as written: quotes, indicator, body
    style: str  # plain, single, double, literal, folded


def find_region(source: str) -> Region | None:
    """The front matter at the very start of ``source``, if there is one."""
    opened = _OPEN.match(source)
    if opened is not None:
        syntax, closing = _FENCES[source[0]]
        close = closing.search(source, opened.end())
        if close is None:
            return None
        after = _LINE_END.match(source, close.end())
        end = after.end() if after else close.end()
        return Region(syntax, end, (opened.end(), close.start()))
    if source.startswith("{"):
        try:
            _, stop = json.JSONDecoder().raw_decode(source)
        except ValueError:
            return None
        after = _LINE_END.match(source, stop)
        if after is None:
            return None
        return Region("json", after.end(), (0, stop))
    return None


def blank(source: str, region: Region | None) -> str:
    """``source`` with the front matter's characters gone but its line breaks kept, so
    markdown-it (which knows no TOML or JSON front matter) sees blank lines there and
    numbers the body's lines as in the source."""
    if region is None:
        return source
    return re.sub(r"[^\r\n]+", "", source[: region.end]) + source[region.end :]


def front_matter(lines: Lines, keys: tuple[str, ...]) -> tuple[FrontMatter, Region | None]:
    """ATTRIBUTE blocks for the translatable keys, the title and the date."""
    region = find_region(lines.source)
    if region is None:
        return FrontMatter([]), None
    data = loads(region.syntax, lines.source[region.body[0] : region.body[1]])
    published = _published(lines, region, data)
    if data is None:
        return FrontMatter([], published=published), region
    blocks: list[RawBlock] = []
    for value in _values(lines, region, data):
        if value.key not in keys:
            continue
        attrs = (("key", value.key),)
        block = raw_block(lines.source, value.content, (), BlockType.ATTRIBUTE, attrs=attrs)
        if block is not None:
            blocks.append(block)
    title = data.get("title")
    return FrontMatter(blocks, title if isinstance(title, str) else "", published), region


def rebuilt_front_matter(article: Article, texts: Mapping[str, str]) -> tuple[str, int]:
    """The front matter with translated values written as new scalars, and where it
    ends in the source (``("", 0)`` without front matter). Any doubt: the source's."""
    region = find_region(article.source)
    if region is None:
        return "", 0
    head = article.source[: region.end]
    changed = [
        block
        for block in article.blocks
        if block.span[1] <= region.end and any(s.entry_id in texts for s in block.segments)
    ]
    data = loads(region.syntax, head[region.body[0] : region.body[1]])
    if not changed or data is None:
        return head, region.end
    located = {v.content.offsets[0]: v for v in _values(Lines(head), region, data)}
    parts: list[str] = []
    pos = 0
    for block in sorted(changed, key=lambda b: b.span):
        value = located.get(block.span[0])
        if value is None or value.region[0] < pos:
            continue
        # Not Markdown: the backslashes that kept a translator's ``[`` from making a
        # link (MarkdownFormat.clean_translation_piece) would show in a title.
        text = _MD_ESCAPE.sub(r"\1", block.text(texts))
        if block.line_prefix:
            text = text.replace("\n" + block.line_prefix, "\n")
        try:
            written = scalar(region.syntax, value.style, _as_value(text, value.style))
        except ValueError:
            continue
        parts += [head[pos : value.region[0]], written]
        pos = value.region[1]
    parts.append(head[pos:])
    rebuilt = "".join(parts)
    body_end = region.body[1] + len(rebuilt) - len(head)
    if not same_shape(data, loads(region.syntax, rebuilt[region.body[0] : body_end])):
        return head, region.end
    return rebuilt, region.end


def _as_value(text: str, style: str) -> str:
    """What a translated block's text stands for in the source's scalar style: plain
    and folded scalars fold single line breaks into spaces; block scalars keep their
    final line break (YAML's default "clip")."""
    if style == "plain" or style.startswith("folded"):
        text = re.sub(r"\n(\n*)", lambda m: m.group(1) or " ", text)
    if style.startswith(("literal", "folded")) and not style.endswith("-strip"):
        text += "\n"
    return text


def _published(lines: Lines, region: Region, data: dict[str, Any] | None) -> str | None:
    """The first date key's value as written (quotes dropped), for the bundle."""
    if region.syntax == "json":
        for key in DATE_KEYS:
            value = (data or {}).get(key)
            if isinstance(value, str) and value:
                return value
        return None
    for _, key, value, _ in _key_lines(lines, region):
        value = re.sub(r"[ \t]+#.*$", "", value).strip().strip("\"'")
        if key in DATE_KEYS and value:
            return value
    return None


# --- where the values are ------------------------------------------------------

_YAML_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_TOML_KEY = re.compile(r"(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*(?P<value>.*?)[ \t]*$")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*(?:#.*)?$')
_SINGLE = re.compile(r"'((?:[^']|'')*)'[ \t]*(?:#.*)?$")
_TOML_LITERAL = re.compile(r"'([^'\n]*)'[ \t]*(?:#.*)?$")
_BLOCK_SCALAR = re.compile(r"(?P<kind>[|>])(?P<flags>[1-9+-]{0,2})[ \t]*(?:#.*)?$")
_PLAIN = re.compile(r"(.*?)(?:[ \t]+#.*)?$")
_NOT_PLAIN = tuple("[]{}&*!|>%@`\"',#?:-")
_JSON_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_JSON_SPACE = re.compile(r"[ \t\r\n]*")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _key_lines(lines: Lines, region: Region) -> Iterator[tuple[int, str, str, int]]:
    """(line, key, value as written, where the value starts) for each top-level key
    line of a YAML or TOML block (TOML: before the first table)."""
    first, last = lines.line_of(region.body[0]), lines.line_of(region.body[1])
    pattern = _YAML_KEY if region.syntax == "yaml" else _TOML_KEY
    for line in range(first, last):
        text = lines.text(line)
        if region.syntax == "toml" and text.startswith("["):
            return
        match = pattern.match(text)
        if match is not None:
            value = match.group("value") or ""
            at = lines.starts[line] + match.start("value") if value else -1
            yield line, match.group("key"), value, at


def _values(lines: Lines, region: Region, data: dict[str, Any]) -> Iterator[_Value]:
    """Every top-level string value we can place exactly, in source order."""
    if region.syntax == "json":
        found: Iterator[_Value] = _json_values(lines.source, region)
    else:
        last = lines.line_of(region.body[1])
        found = (
            value
            for line, key, _, at in _key_lines(lines, region)
            if (value := _place(lines, region.syntax, key, line, last, at)) is not None
        )
    seen: set[str] = set()
    for value in found:
        if value.key in seen or not isinstance(data.get(value.key), str):
            continue  # a repeated key (the parser keeps the last), a date, a list...
        seen.add(value.key)
        written = lines.source[value.region[0] : value.region[1]]
        probe = {"yaml": f"k: {written}\n", "toml": f"k = {written}\n"}
        text = probe.get(region.syntax, f'{{"k":{written}}}')
        if loads(region.syntax, text) == {"k": data[value.key]}:
            yield value


def _place(lines: Lines, syntax: Syntax, key: str, line: int, last: int, at: int) -> _Value | None:
    """The value of ``key`` whose text starts at ``at`` in ``line`` (-1: none)."""
    if at < 0:
        return None
    value = lines.source[at : lines.ends[line]]
    if syntax == "toml":
        return _toml_value(lines, key, at, value)
    quoted = {'"': (_DOUBLE, "double"), "'": (_SINGLE, "single")}.get(value[:1])
    if quoted is not None:
        match = quoted[0].match(value)
        if match is None or not match.group(1).strip():
            return None
        content = _single_line(match.group(1), at + match.start(1))
        return _Value(key, content, (at, at + match.end(1) + 1), quoted[1])
    block = _BLOCK_SCALAR.match(value)
    if block is not None:
        body = _indented(lines, line + 1, last, stop_at_blank=False)
        if body is None:
            return None
        style = ("literal" if block["kind"] == "|" else "folded") + (
            "-strip" if "-" in block["flags"] else "-keep" if "+" in block["flags"] else ""
        )
        return _Value(key, body, (at, body.offsets[-1]), style)
    if value.startswith(_NOT_PLAIN):
        return None
    plain = _PLAIN.match(value)
    assert plain is not None  # the pattern matches any string
    content = _single_line(plain.group(1), at)
    rest = _indented(lines, line + 1, last, stop_at_blank=True)
    if rest is not None:
        offsets = (*content.offsets[:-1], lines.ends[line], *rest.offsets)
        content = Content(content.text + "\n" + rest.text, offsets)
    return _Value(key, content, (at, content.offsets[-1]), "plain")


def _toml_value(lines: Lines, key: str, at: int, value: str) -> _Value | None:
    source = lines.source
    for quote, style in (('"""', "double"), ("'''", "single")):
        if value.startswith(quote):
            start = at + 3
            if source.startswith("\n", start):
                start += 1
            end = source.find(quote, start)
            inner = source[start:end] if end >= 0 else "\r"
            if "\r" in inner or (quote == '"""' and "\\" in inner):
                return None
            while source.startswith(quote[0], end + 3):  # up to two quotes end the text
                end += 1
            return _Value(key, _single_line(source[start:end], start), (at, end + 3), style)
    pattern, style = (_DOUBLE, "double") if value[:1] == '"' else (_TOML_LITERAL, "single")
    match = pattern.match(value) if value[:1] in "\"'" else None
    if match is None or not match.group(1).strip():
        return None
    return _Value(key, _single_line(match.group(1), at + 1), (at, at + match.end(1) + 1), style)


def _json_values(source: str, region: Region) -> Iterator[_Value]:
    """Top-level string members of the JSON object, walked with the json module."""
    decoder = json.JSONDecoder()
    pos = _JSON_SPACE.match(source, 1).end()  # type: ignore[union-attr]
    while pos < region.body[1] and source[pos] == '"':
        key_match = _JSON_STRING.match(source, pos)
        if key_match is None:
            return
        key = json.loads(key_match.group())
        pos = _JSON_SPACE.match(source, key_match.end()).end()  # type: ignore[union-attr]
        if not source.startswith(":", pos):
            return
        start = _JSON_SPACE.match(source, pos + 1).end()  # type: ignore[union-attr]
        try:
            _, end = decoder.raw_decode(source, start)
        except ValueError:
            return
        if source[start] == '"' and end - start > 2:
            content = _single_line(source[start + 1 : end - 1], start + 1)
            yield _Value(key, content, (start, end), "double")
        pos = _JSON_SPACE.match(source, end).end()  # type: ignore[union-attr]
        if source.startswith(",", pos):
            pos = _JSON_SPACE.match(source, pos + 1).end()  # type: ignore[union-attr]


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

"""Read the GNU PO grammar into polib objects that remember their source text.

Why our own reader instead of ``polib.pofile``: polib ignores bad escapes and
unterminated strings, drops ``#~|`` previous strings, and gives no line for most
errors; and a translator's catalog must come back byte for byte, so each entry
keeps the exact text of its fields (see :mod:`.layout`). Callers keep using
polib's data model (``POFile``/``POEntry``).

:func:`read_po` takes what babel's ``read_po`` takes and more: a path, bytes or a
binary file object. Catalogs on disk and translators' uploads go through the same
decoder and the same parser; what an upload must satisfy on top (a proper header,
no mislabelled charset, a size limit per translation) is a :class:`ReadOptions`.
Every problem is a :class:`CatalogError` with the file and, where there is one,
the line, raised before anything is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import IO

import polib

from ..core.allocation import gc_paused
from ..errors import CatalogError
from .charset import MAX_CATALOG_BYTES, charset_of, decode_po
from .layout import (
    LAYOUT_KEY,
    SOURCE_KEY,
    WRAP_WIDTH,
    Layout,
    Source,
    header_snapshot,
    new_entry,
)
from .metadata import check_header, check_plural_forms, parse_metadata

__all__ = ["TEMPLATE", "UPLOAD_CHECKS", "ReadOptions", "parse_po", "read_po"]


@dataclass(frozen=True)
class ReadOptions:
    """How strict a read is. The defaults accept what gettext tools accept."""

    max_bytes: int = MAX_CATALOG_BYTES
    # Refuse a file that declares another charset but is UTF-8 (see charset.decode_po).
    refuse_mislabelled_utf8: bool = False
    # Require a header of 'Name: value' lines that declares a charset.
    require_header: bool = False
    # The longest translation (per plural form) accepted; None: no limit.
    max_text_chars: int | None = None
    # Keep each entry's source text so it can be written back byte for byte. A
    # template that is only read (merged into catalogs, never written back) can do
    # without: its entries then cost about a fifth less to read.
    keep_source: bool = True


# What a file a person sends us must satisfy on top of the grammar.
UPLOAD_CHECKS = ReadOptions(refuse_mislabelled_utf8=True, require_header=True)
# A template read to be merged (update_catalog takes nothing of its text).
TEMPLATE = ReadOptions(keep_source=False)

# What read_po reads: a path, the bytes themselves, or a binary file object.
Readable = str | os.PathLike[str] | bytes | bytearray | IO[bytes]


def read_po(
    source: Readable, name: str | None = None, *, options: ReadOptions = ReadOptions()
) -> polib.POFile:
    """Parse a catalog from a path (``str`` or path-like), bytes, or a binary file
    object. ``name`` is what errors call the file (default: the path, or the file
    object's ``name``). A path's size is checked before it is read into memory."""
    if isinstance(source, bytes | bytearray):
        data, label = bytes(source), name or "<catalog>"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        label = name or str(path)
        data = _read_path(path, label, options.max_bytes)
    else:
        label = name or str(getattr(source, "name", "") or "<catalog>")
        data = _read_stream(source, label, options.max_bytes)
    text = decode_po(
        data,
        label,
        max_bytes=options.max_bytes,
        refuse_mislabelled_utf8=options.refuse_mislabelled_utf8,
    )
    del data  # the parser keeps its own UTF-8 copy; a big file need not be held twice
    return parse_po(text, label, options=options)


def _read_path(path: Path, name: str, limit: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CatalogError("no such catalog", name) from None
    if size > limit:
        raise CatalogError(f"{size} bytes is over the {limit} byte limit", name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", name) from None


def _read_stream(stream: IO[bytes], name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)  # one byte more tells "too big" without reading it all
    if not isinstance(data, bytes):
        raise TypeError(f"{name}: read_po needs a binary file object, got {type(data).__name__}")
    if len(data) > limit:
        raise CatalogError(f"more than {limit} bytes is over the {limit} byte limit", name)
    return data


def parse_po(
    text: str, name: str = "<catalog>", *, options: ReadOptions = ReadOptions()
) -> polib.POFile:
    """Parse PO text into polib objects that remember their source text.

    Raises :class:`CatalogError` with a line for every syntax error, duplicate
    message, or invalid Plural-Forms header (and for what ``options`` refuse).
    """
    with gc_paused():
        parser = _Parser(text, name, options.keep_source)
        po = parser.parse()
    if options.require_header:
        header = parser.header
        msgstr, line = (header[0].mstr, header[1].line) if header else (None, None)
        check_header(msgstr, po, name, line)
    if options.max_text_chars is not None:
        _check_sizes(po, name, options.max_text_chars)
    return po


def _check_sizes(po: polib.POFile, name: str, limit: int) -> None:
    for entry in po:
        size = max(len(entry.msgstr), *map(len, entry.msgstr_plural.values() or [""]))
        if size > limit:
            raise CatalogError(
                f"entry {entry.msgctxt or entry.msgid[:40]!r}: a translation of {size} "
                f"characters is over the {limit} limit",
                name,
                entry.linenum,
            )


_KEYWORD = re.compile(r"[ \t]*(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]+)\])?(?=[ \t\"])")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "?": "?",
    "'": "'",
}
_ESCAPE = re.compile(
    r"\\(?:((?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2})(?:\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}))*)|(.?))"
)
_NUMERIC = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2}))")
_STRING = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)"')


class _Error(Exception):
    """A parse error inside a line; the parser adds file and line number."""


def _unescape_match(match: re.Match[str]) -> str:
    numeric, simple = match.group(1), match.group(2)
    if numeric is not None:
        data = bytes(
            int(o, 8) if o is not None else int(h, 16) for o, h in _NUMERIC.findall(numeric)
        )
        try:
            return data.decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            raise _Error(f"escape sequence {numeric!r} is not valid UTF-8") from None
    if simple in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[simple]
    if not simple:
        raise _Error("a backslash ends the string")
    raise _Error(f"invalid escape sequence \\{simple}")


def _strings(rest: str) -> str:
    """The value of one or more quoted strings on a line (``"a" "b"`` is ``ab``)."""
    rest = rest.rstrip()
    if len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"':
        inner = rest[1:-1]
        if "\\" not in inner and '"' not in inner:
            return inner
    parts: list[str] = []
    pos = 0
    while pos < len(rest):
        match = _STRING.match(rest, pos)
        if match is None:
            tail = rest[pos:].lstrip()
            if not tail:
                break
            if tail[0] != '"':
                raise _Error(f"unexpected text {tail[:20]!r} after a string" if parts
                             else "expected a quoted string")  # fmt: skip
            raise _Error("unterminated string (no closing quote)")
        parts.append(match.group(1))
        pos = match.end()
    if not parts:
        raise _Error("expected a quoted string")
    value = "".join(parts)
    return _ESCAPE.sub(_unescape_match, value) if "\\" in value else value


class _Entry:
    """Fields of the entry being parsed."""

    __slots__ = (
        "comment",
        "ctxt",
        "flags",
        "line",
        "mid",
        "mid_plural",
        "mstr",
        "mstr_plural",
        "obsolete",
        "occurrences",
        "prev",
        "sections",
        "start",
        "tcomment",
    )

    def __init__(self, start: int, line: int) -> None:
        self.start = start
        self.line = line
        self.tcomment: list[str] = []
        self.comment: list[str] = []
        self.occurrences: list[tuple[str, str]] = []
        self.flags: list[str] = []
        self.prev: dict[str, str] = {}
        self.ctxt: str | None = None
        self.mid: str | None = None
        self.mid_plural: str | None = None
        self.mstr: str | None = None
        self.mstr_plural: dict[int, str] = {}
        self.obsolete: bool | None = None
        self.sections: list[tuple[str, int]] = []  # (kind, start offset)


def _occurrences(text: str) -> list[tuple[str, str]]:
    found = []
    for item in text.split():
        path, sep, number = item.rpartition(":")
        # one str per path, not one per reference: 100k entries share a few paths
        found.append((intern(path), number) if sep and number.isdigit() else (intern(item), ""))
    return found


_BLOCK = 1 << 20  # characters split into lines at a time


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of ``text[start:]`` without their newline, split a block at a time so
    a big file never becomes one list of all its lines."""
    size = len(text)
    pos = start
    while pos < size:
        end = text.find("\n", pos + _BLOCK)
        end = size if end < 0 else end + 1
        lines = text[pos:end].split("\n")
        if lines[-1] == "":
            lines.pop()
        yield from lines
        pos = end


def _comment_text(line: str, marker: int) -> str:
    text = line[marker:]
    return text[1:] if text[:1] == " " else text


def _po_entry(entry: _Entry, comment: str, tcomment: str) -> polib.POEntry:
    """The entry as a compact polib entry; the full read adds its source snapshot,
    a template read (:attr:`ReadOptions.keep_source` off) keeps just this."""
    prev = entry.prev
    return new_entry(
        entry.mid or "",
        entry.mstr or "",
        entry.mid_plural or "",
        entry.mstr_plural,
        entry.ctxt,
        bool(entry.obsolete),
        comment,
        tcomment,
        entry.occurrences,
        entry.flags,
        prev.get("pc") if prev else None,
        prev.get("pm") if prev else None,
        prev.get("pp") if prev else None,
        entry.line,
    )


class _Parser:
    """A line-by-line reader of the PO grammar that keeps each section's source text."""

    def __init__(self, text: str, name: str, keep_source: bool = True) -> None:
        self.text = text
        self.keep_source = keep_source
        # The file as UTF-8: what each entry's Source points into (see layout.Source).
        self.doc = text.encode("utf-8", "surrogatepass")
        self.kinds: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per shape
        self.name = name
        self.entries: list[polib.POEntry] = []
        self.header: tuple[_Entry, Source] | None = None
        self.keys: dict[tuple[str | None, str], int] = {}
        self.layout = Layout()

    def fail(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.name, line)

    def parse(self) -> polib.POFile:
        text = self.text
        layout = self.layout
        pos = 0  # a byte offset into self.doc
        first_char = 0
        if text.startswith("\ufeff"):
            layout.prefix, pos, first_char = "\ufeff", 3, 1
        first_newline = text.find("\n")
        if first_newline > 0 and text[first_newline - 1] == "\r":
            layout.newline = "\r\n"
        layout.ends_without_newline = len(text) > first_char and not text.endswith("\n")
        entry: _Entry | None = None
        gap_start = pos  # where the blank lines before the next entry begin
        content_end = pos  # end of the last line that belonged to an entry
        kind = ""  # the string field that continuation lines extend
        number = 0
        returns = "\r" in text
        for number, raw in enumerate(_lines(text, first_char), 1):
            start = pos
            pos += (len(raw) if raw.isascii() else len(raw.encode("utf-8", "surrogatepass"))) + 1
            line = raw[:-1] if returns and raw[-1:] == "\r" else raw
            head = line[:1]
            if head == " " or head == "\t":
                line = line.strip()
                head = line[:1]
            if not line:
                continue
            if head == "#" and line[1:2] == "~":
                line = "#" + line[2:] if line[2:3] == "|" else line[2:].lstrip(" \t")
                obsolete = True
                head = line[:1]
                if not line:
                    continue
            else:
                obsolete = False
            try:
                if head == '"':
                    if entry is None or not kind:
                        raise _Error("a string continues nothing (no keyword before it)")
                    self._extend(entry, kind, _strings(line))
                elif head == "#":
                    if entry is not None and (entry.mstr is not None or entry.mstr_plural):
                        self._finish(entry, content_end, number)
                        entry = None
                    if entry is None:
                        entry = _Entry(start, number)
                        entry.sections.append(("gap", gap_start))
                    elif entry.mid is not None or entry.ctxt is not None:
                        raise _Error("a comment inside an entry, before its msgstr")
                    if line[1:2] == ":":  # references, the most common comment
                        entry.occurrences += _occurrences(line[2:])
                        if entry.sections[-1][0] != "oc":
                            entry.sections.append(("oc", start))
                        kind = ""
                    else:
                        kind = self._comment(entry, line, start, obsolete)
                else:
                    if line.startswith('msgid "'):
                        keyword, index, rest = "msgid", None, line[6:]
                    elif line.startswith('msgstr "'):
                        keyword, index, rest = "msgstr", None, line[7:]
                    else:
                        match = _KEYWORD.match(line)
                        if match is None:
                            raise _Error(f"unexpected text {line.strip()[:30]!r}")
                        keyword, index, rest = match.group(1), match.group(2), line[match.end() :]
                    if entry is not None and (entry.mstr is not None or entry.mstr_plural):
                        if keyword == "msgstr" and index is not None and entry.mid_plural:
                            pass  # the next msgstr[n] of the same entry
                        else:
                            self._finish(entry, content_end, number)
                            entry = None
                    if entry is None:
                        entry = _Entry(start, number)
                        entry.sections.append(("gap", gap_start))
                    if entry.obsolete is None:
                        entry.obsolete = obsolete
                    elif entry.obsolete != obsolete:
                        raise _Error("an entry mixes obsolete (#~) and active lines")
                    kind = self._keyword(entry, keyword, index, _strings(rest))
                    entry.sections.append((kind, start))
            except _Error as exc:
                raise self.fail(str(exc), number) from None
            content_end = pos
            gap_start = pos
        trailer_start = content_end
        if entry is not None:
            if entry.mid is None and entry.ctxt is None:
                # Comments after the last entry belong to no entry: keep them as they are.
                trailer_start = entry.sections[0][1]
            else:
                self._finish(entry, content_end, number + 1)
        layout.trailer = self.doc[trailer_start:].decode("utf-8", "surrogatepass")
        return self._build()

    def _comment(self, entry: _Entry, line: str, start: int, obsolete: bool) -> str:
        second = line[1:2]
        if second == ",":
            entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            kind = "fl"
        elif second == ".":
            entry.comment.append(_comment_text(line, 2))
            kind = "gc"
        elif second == ":":
            entry.occurrences += _occurrences(line[2:])
            kind = "oc"
        elif second == "|":
            rest = line[2:].strip()
            if rest[:1] == '"':
                previous = {"pc": "ctxt", "pm": "id", "pp": "plural"}
                last = entry.sections[-1][0] if entry.sections else ""
                if last not in previous:
                    raise _Error("a #| string continues nothing")
                entry.prev[last] += _strings(rest)
                return ""
            match = _KEYWORD.match(rest)
            if match is None or match.group(1) == "msgstr" or match.group(2) is not None:
                raise _Error(f"unknown keyword in a previous-string comment: {rest[:30]!r}")
            kind = {"msgctxt": "pc", "msgid": "pm", "msgid_plural": "pp"}[match.group(1)]
            if kind in entry.prev:
                raise _Error(f"two #| {match.group(1)} lines in one entry")
            entry.prev[kind] = _strings(rest[match.end() :])
            self._section(entry, kind, start)
            return ""
        else:
            entry.tcomment.append(_comment_text(line, 1))
            kind = "tc"
        self._section(entry, kind, start)
        return ""

    @staticmethod
    def _section(entry: _Entry, kind: str, start: int) -> None:
        if entry.sections[-1][0] != kind:
            entry.sections.append((kind, start))

    def _keyword(self, entry: _Entry, keyword: str, index: str | None, value: str) -> str:
        if keyword == "msgctxt":
            if entry.ctxt is not None or entry.mid is not None:
                raise _Error("msgctxt must come once, before msgid")
            entry.ctxt = value
            return "ct"
        if keyword == "msgid":
            if entry.mid is not None:
                raise _Error("a second msgid before this entry's msgstr")
            entry.mid = value
            return "mi"
        if keyword == "msgid_plural":
            if entry.mid is None or entry.mid_plural is not None or entry.mstr is not None:
                raise _Error("msgid_plural must follow msgid")
            entry.mid_plural = value
            return "mp"
        if entry.mid is None:
            raise _Error("msgstr without a msgid before it")
        if index is None:
            if entry.mid_plural is not None:
                raise _Error("an entry with msgid_plural needs msgstr[0], msgstr[1]...")
            if entry.mstr is not None:
                raise _Error("a second msgstr in one entry")
            entry.mstr = value
            return "ms"
        if entry.mid_plural is None:
            raise _Error(f"msgstr[{index}] in an entry without msgid_plural")
        number = int(index)
        if number != len(entry.mstr_plural):
            raise _Error(f"msgstr[{index}] out of order: expected msgstr[{len(entry.mstr_plural)}]")
        entry.mstr_plural[number] = value
        return f"mx{number}"

    @staticmethod
    def _extend(entry: _Entry, kind: str, value: str) -> None:
        if kind == "ct":
            entry.ctxt = (entry.ctxt or "") + value
        elif kind == "mi":
            entry.mid = (entry.mid or "") + value
        elif kind == "mp":
            entry.mid_plural = (entry.mid_plural or "") + value
        elif kind == "ms":
            entry.mstr = (entry.mstr or "") + value
        else:
            number = int(kind[2:])
            entry.mstr_plural[number] += value

    def _finish(self, entry: _Entry, end: int, next_line: int) -> None:
        if entry.mid is None:
            raise self.fail("an entry without msgid", entry.line)
        if entry.mstr is None and not entry.mstr_plural:
            raise self.fail(f"missing msgstr for the msgid at line {entry.line}", next_line)
        comment = "\n".join(entry.comment) if entry.comment else ""
        tcomment = "\n".join(entry.tcomment) if entry.tcomment else ""
        po_entry = _po_entry(entry, comment, tcomment)
        if not self.keep_source and not (entry.mid == "" and entry.ctxt is None):
            self._add(entry, po_entry)
            return
        sections = entry.sections
        begin = sections[0][1]
        marks = (begin, *[start - begin for _, start in sections[1:]], end - begin)
        shape = tuple([kind for kind, _ in sections[1:]])
        kinds = self.kinds.setdefault(shape, shape)
        prev = entry.prev
        plural = entry.mid_plural or ""
        snapshot = (
            bool(entry.obsolete),
            tcomment,
            comment,
            tuple(entry.occurrences),
            tuple(entry.flags),
            prev.get("pc") or None if prev else None,
            prev.get("pm") or None if prev else None,
            prev.get("pp") or None if prev else None,
            entry.ctxt,
            entry.mid,
            plural,
            entry.mstr or "",
            tuple(entry.mstr_plural.items()) if plural else (),
        )
        source = Source(self.doc, marks, kinds, snapshot, entry.line)
        setattr(po_entry, SOURCE_KEY, source)
        self._add(entry, po_entry, source)

    def _add(self, entry: _Entry, po_entry: polib.POEntry, source: Source | None = None) -> None:
        """Check the key (no duplicates) and keep the entry, or the header."""
        if entry.obsolete:
            self.entries.append(po_entry)
            return
        key = (entry.ctxt, po_entry.msgid)
        first = self.keys.get(key)
        if first is not None:
            what = f"msgid {entry.mid!r}" + (f" in context {entry.ctxt!r}" if entry.ctxt else "")
            raise self.fail(f"duplicate {what} (first defined at line {first})", entry.line)
        self.keys[key] = entry.line
        if entry.mid == "" and entry.ctxt is None and self.header is None:
            assert source is not None  # a header candidate always keeps its source
            self.header = (entry, source)
        else:
            self.entries.append(po_entry)

    def _build(self) -> polib.POFile:
        po = polib.POFile(wrapwidth=WRAP_WIDTH, encoding="utf-8")
        list.extend(po, self.entries)
        layout = self.layout
        if self.header is not None:
            entry, source = self.header
            po.header = "\n".join(entry.tcomment)
            # polib keeps the header's flag list here too (truthy when fuzzy)
            po.metadata_is_fuzzy = entry.flags  # type: ignore[assignment]
            po.metadata = parse_metadata(entry.mstr or "")
            layout.header = Source(
                source.doc, source.marks, source.kinds, header_snapshot(po), entry.line
            )
            check_plural_forms(po, self.name, source)
        if self.entries:
            layout.first = id(self.entries[0])
        charset = charset_of(po)
        if charset:
            po.encoding = charset
        po.__dict__[LAYOUT_KEY] = layout
        return po

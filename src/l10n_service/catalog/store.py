"""Read and write .po/.pot files faithfully: clear errors on bad input, atomic writes.

Why our own reader and writer instead of ``polib.pofile``/``POFile.save``: polib
re-wraps every string and comment on save (it folds long ``#.`` comments), drops
``#~|`` previous strings, ignores bad escapes and unterminated strings, and gives
no line for most errors. A translator's catalog must come back byte for byte, and a
one-entry edit must show up as a one-entry diff. So:

* :func:`parse_po` reads the GNU PO grammar into ordinary ``polib.POEntry``/``POFile``
  objects (callers keep using polib's data model) and remembers, per entry, the exact
  source text of each field (``#`` comments, ``#.``, ``#:``, ``#,``, ``#|``, msgctxt,
  msgid, msgstr...) together with a snapshot of the values it parsed. The file-level
  layout (BOM, blank lines between entries, trailing text, line endings) is kept too.
* :func:`render_po` emits the remembered text for every field whose value still equals
  the snapshot, and renders only changed or new fields, the way GNU ``msgcat`` does
  (79 columns, Unicode line breaking, escapes), so a re-wrapped field looks like what
  gettext tools would produce.
* Every error is a :class:`CatalogError` with the file and line, raised before anything
  is written. A write goes to a temporary file in the same folder, is flushed to disk,
  then renamed over the old file, so a crash never leaves half a catalog.
"""

from __future__ import annotations

import gettext
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import polib

from ..core.allocation import gc_paused
from ..errors import CatalogError

__all__ = [
    "MAX_CATALOG_BYTES",
    "PLACEHOLDER_PLURAL_FORMS",
    "WRAP_WIDTH",
    "copy_layout",
    "copy_source",
    "decode_po",
    "encode_po",
    "gc_paused",
    "parse_po",
    "plural_forms_problem",
    "read_po",
    "render_po",
    "write_atomic",
    "write_po",
]

WRAP_WIDTH = 79
# A 100k-entry catalog is ~15 MB; anything much larger is a mistake or an attack.
MAX_CATALOG_BYTES = 64 * 1024 * 1024
PLACEHOLDER_PLURAL_FORMS = "nplurals=INTEGER; plural=EXPRESSION;"

_SOURCE = "_l10n_source"  # key in POEntry.__dict__: the entry's original text
_LAYOUT = "_l10n_layout"  # key in POFile.__dict__: the file's original layout


# ---------------------------------------------------------------------------------------
# what we remember about the original text


class _Source(NamedTuple):
    """One entry's original text, split into (kind, text) sections in file order.

    A NamedTuple: a 100k-entry catalog makes 100k of them, and a frozen dataclass
    costs several times more to build.
    """

    gap: str  # blank lines before the entry
    sections: tuple[tuple[str, str], ...]
    snapshot: tuple[Any, ...]
    line: int

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.sections)


@dataclass(slots=True)
class _Layout:
    """What a file has besides entries: kept so an unchanged file round-trips exactly."""

    prefix: str = ""  # a byte-order mark
    newline: str = "\n"
    header: _Source | None = None
    first: int | None = None  # id() of the entry that came first, for its leading gap
    trailer: str = ""  # text after the last entry (blank lines, stray comments)
    ends_without_newline: bool = False


def copy_source(dst: polib.POEntry, src: polib.POEntry) -> None:
    """Let ``dst`` reuse ``src``'s original text wherever their fields are equal.

    ``update_catalog`` builds new entries from the template; with this an entry whose
    content did not change is written exactly as it was read.
    """
    source = src.__dict__.get(_SOURCE)
    if source is not None:
        dst.__dict__[_SOURCE] = source


def copy_layout(dst: polib.POFile, src: polib.POFile) -> None:
    """Give ``dst`` the header text, line endings and trailing text of ``src``."""
    layout = src.__dict__.get(_LAYOUT)
    if layout is not None:
        dst.__dict__[_LAYOUT] = _Layout(
            prefix=layout.prefix,
            newline=layout.newline,
            header=layout.header,
            first=None,
            trailer=layout.trailer,
            ends_without_newline=layout.ends_without_newline,
        )


def _snapshot(entry: polib.POEntry) -> tuple[Any, ...]:
    """Every field that reaches the file, normalised so in-place list edits are seen."""
    return (
        bool(entry.obsolete),
        entry.tcomment or "",
        entry.comment or "",
        tuple((str(f), str(n)) for f, n in entry.occurrences),
        tuple(entry.flags),
        entry.previous_msgctxt or None,
        entry.previous_msgid or None,
        entry.previous_msgid_plural or None,
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural or "",
        entry.msgstr or "",
        tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
        if entry.msgid_plural
        else (),
    )


_FIELD = {"tc": 1, "gc": 2, "oc": 3, "fl": 4, "pc": 5, "pm": 6, "pp": 7, "ct": 8, "mi": 9}
_RANK = {"tc": 0, "gc": 1, "oc": 2, "fl": 3, "pc": 4, "pm": 5, "pp": 6, "ct": 7, "mi": 8}
_RANK.update({"mp": 9, "ms": 10})


def _rank(kind: str) -> int:
    return _RANK[kind] if kind in _RANK else 11 + int(kind[2:])


def _value(snapshot: tuple[Any, ...], kind: str) -> Any:
    """The value behind one section kind, as seen in a snapshot."""
    index = _FIELD.get(kind)
    if index is not None:
        return snapshot[index]
    plural = snapshot[10]
    if kind == "mp":
        return plural
    if kind == "ms":
        return None if plural else snapshot[11]
    wanted = int(kind[2:])
    if not plural:
        return None
    for number, text in snapshot[12]:
        if number == wanted:
            return text
    return None


def _present(snapshot: tuple[Any, ...]) -> list[str]:
    """Section kinds an entry with these values has, in gettext's order."""
    kinds = [
        kind for kind, index in (("tc", 1), ("gc", 2), ("oc", 3), ("fl", 4)) if snapshot[index]
    ]
    kinds += [kind for kind, index in (("pc", 5), ("pm", 6), ("pp", 7)) if snapshot[index]]
    if snapshot[8] is not None:
        kinds.append("ct")
    kinds.append("mi")
    if snapshot[10]:
        kinds.append("mp")
        kinds += [f"mx{number}" for number, _ in snapshot[12]]
    else:
        kinds.append("ms")
    return kinds


# ---------------------------------------------------------------------------------------
# decoding


def decode_po(data: bytes, name: str) -> str:
    """Bytes to text in the charset the header declares (UTF-8 when it declares none)."""
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"{len(data)} bytes is over the {MAX_CATALOG_BYTES} byte limit", name)
    charset = _declared_charset(data)
    try:
        return data.decode(charset)
    except LookupError:
        raise CatalogError(
            f"unknown charset {charset!r} in the Content-Type header", name
        ) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {charset}", name, line
        ) from None


_CHARSET = re.compile(rb"Content-Type:[^\"\n]*?charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _declared_charset(data: bytes) -> str:
    match = _CHARSET.search(data[:65536])
    if not match or match.group(1).upper() in (b"CHARSET", b"UTF-8", b"UTF8"):
        return "utf-8"
    return match.group(1).decode("ascii")


def read_po(path: Path) -> polib.POFile:
    """Parse the catalog at ``path``; a size check comes before reading it into memory."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CatalogError("no such catalog", path) from None
    if size > MAX_CATALOG_BYTES:
        raise CatalogError(f"{size} bytes is over the {MAX_CATALOG_BYTES} byte limit", path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None
    return parse_po(decode_po(data, str(path)), str(path))


# ---------------------------------------------------------------------------------------
# parsing

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
        found.append((path, number) if sep and number.isdigit() else (item, ""))
    return found


def _comment_text(line: str, marker: int) -> str:
    text = line[marker:]
    return text[1:] if text[:1] == " " else text


class _Parser:
    """A line-by-line reader of the PO grammar that keeps each section's source text."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.entries: list[polib.POEntry] = []
        self.header: tuple[_Entry, _Source] | None = None
        self.keys: dict[tuple[str | None, str], int] = {}
        self.layout = _Layout()

    def fail(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.name, line)

    def parse(self) -> polib.POFile:
        text = self.text
        layout = self.layout
        pos = 0
        if text.startswith("\ufeff"):
            layout.prefix, pos = "\ufeff", 1
        first_newline = text.find("\n")
        if first_newline > 0 and text[first_newline - 1] == "\r":
            layout.newline = "\r\n"
        lines = text[pos:].split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            layout.ends_without_newline = bool(lines)
        entry: _Entry | None = None
        gap_start = pos  # where the blank lines before the next entry begin
        content_end = pos  # end of the last line that belonged to an entry
        kind = ""  # the string field that continuation lines extend
        for number, raw in enumerate(lines, 1):
            start = pos
            pos += len(raw) + 1
            line = raw[:-1] if raw[-1:] == "\r" else raw
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
                self._finish(entry, content_end, len(lines) + 1)
        layout.trailer = text[trailer_start:]
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
        text = self.text
        sections = entry.sections
        gap = text[sections[0][1] : sections[1][1]]
        last = len(sections) - 1
        parts = tuple(
            (kind, text[start : sections[i + 1][1] if i < last else end])
            for i, (kind, start) in enumerate(sections)
            if i
        )
        comment = "\n".join(entry.comment) if entry.comment else ""
        tcomment = "\n".join(entry.tcomment) if entry.tcomment else ""
        prev = entry.prev
        plural = entry.mid_plural or ""
        po_entry = polib.POEntry.__new__(polib.POEntry)
        fields: dict[str, Any] = {
            "msgid": entry.mid,
            "msgstr": entry.mstr or "",
            "msgid_plural": plural,
            "msgstr_plural": entry.mstr_plural,
            "msgctxt": entry.ctxt,
            "obsolete": bool(entry.obsolete),
            "encoding": "utf-8",
            "comment": comment,
            "tcomment": tcomment,
            "occurrences": entry.occurrences,
            "flags": entry.flags,
            "previous_msgctxt": prev.get("pc") if prev else None,
            "previous_msgid": prev.get("pm") if prev else None,
            "previous_msgid_plural": prev.get("pp") if prev else None,
            "linenum": entry.line,
        }
        po_entry.__dict__ = fields
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
        source = _Source(gap, parts, snapshot, entry.line)
        po_entry.__dict__[_SOURCE] = source
        if entry.obsolete:
            self.entries.append(po_entry)
            return
        key = (entry.ctxt, entry.mid)
        first = self.keys.get(key)
        if first is not None:
            what = f"msgid {entry.mid!r}" + (f" in context {entry.ctxt!r}" if entry.ctxt else "")
            raise self.fail(f"duplicate {what} (first defined at line {first})", entry.line)
        self.keys[key] = entry.line
        if entry.mid == "" and entry.ctxt is None and self.header is None:
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
            po.metadata = _parse_metadata(entry.mstr or "")
            layout.header = _Source(source.gap, source.sections, _header_snapshot(po), entry.line)
            _check_plural_forms(po, self.name, source)
        if self.entries:
            layout.first = id(self.entries[0])
        charset = _charset_of(po)
        if charset:
            po.encoding = charset
        po.__dict__[_LAYOUT] = layout
        return po


def _parse_metadata(text: str) -> dict[str, str]:
    """Header fields the way polib reads them (so ``po.metadata`` keeps meaning the same)."""
    metadata: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            key = name
            metadata[key] = value.strip()
        elif key is not None:
            metadata[key] += "\n" + line.strip()
    return metadata


def _charset_of(po: polib.POFile) -> str | None:
    match = re.search(r"charset=([A-Za-z0-9_.:-]+)", po.metadata.get("Content-Type", ""))
    if not match or match.group(1).upper() == "CHARSET":
        return None
    return match.group(1)


def _check_plural_forms(po: polib.POFile, name: str, source: _Source) -> None:
    """Reject a Plural-Forms line that msgfmt would reject, naming its line."""
    value = po.metadata.get("Plural-Forms")
    if value is None or value.strip() == PLACEHOLDER_PLURAL_FORMS:
        return
    problem = plural_forms_problem(value)
    if problem is None:
        return
    line = source.line
    for kind, text in source.sections:
        for offset, raw in enumerate(text.split("\n")):
            if kind == "ms" and "Plural-Forms" in raw:
                raise CatalogError(f"invalid Plural-Forms: {problem}", name, line + offset)
        line += text.count("\n")
    raise CatalogError(f"invalid Plural-Forms: {problem}", name, source.line)


_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*([0-9]+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*$")


@lru_cache(maxsize=64)
def plural_forms_problem(value: str) -> str | None:
    """Why a Plural-Forms value is unusable, or None: syntax, nplurals, and the range
    of the expression for n = 0..1000 (a C expression, evaluated safely by gettext)."""
    match = _PLURAL_FORMS.match(value)
    if match is None:
        return f"{value!r} is not 'nplurals=N; plural=EXPRESSION;'"
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= 32:
        return f"nplurals={nplurals} is out of range 1..32"
    try:
        plural = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError, RecursionError) as exc:
        return f"plural expression {match.group(2)!r}: {exc}"
    for n in (*range(0, 1001), 10000, 100000, 1000000):
        try:
            form = plural(n)
        except ZeroDivisionError:
            return f"plural expression divides by zero for n={n}"
        if not 0 <= form < nplurals:
            return f"plural expression gives {form} for n={n}, outside 0..{nplurals - 1}"
    return None


def parse_po(text: str, name: str = "<catalog>") -> polib.POFile:
    """Parse PO text into polib objects that remember their source text.

    Raises :class:`CatalogError` with a line for every syntax error, duplicate
    message, or invalid Plural-Forms header.
    """
    with gc_paused():
        return _Parser(text, name).parse()


# ---------------------------------------------------------------------------------------
# rendering, the way GNU msgcat writes (write-po.c), for fields that changed


_ESCAPES_OUT = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\t\r\a\b\f\v]')

# Unicode line-breaking classes (UAX #14), enough of them to break like libunistring
# does on the text catalogs hold. Anything not listed is AL (alphabetic).
_CLASS_OF_ASCII = {
    " ": "SP", "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP", ")": "CP",
    "+": "PR", ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS", ";": "IS", "?": "EX",
    "[": "OP", "\\": "PR", "]": "CP", "{": "OP", "|": "BA", "}": "CL",
    **{d: "NU" for d in "0123456789"},
}  # fmt: skip
_CLASS_OF = {
    "\u00a0": "GL", "\u202f": "GL", "\u2007": "GL", "\u2011": "GL", "\u200b": "ZW",
    "\u2060": "WJ", "\ufeff": "WJ", "\u00ad": "BA", "\u2010": "BA", "\u2012": "BA",
    "\u2013": "BA", "\u2014": "B2", "\u3000": "BA", "\u1680": "BA", "\u205f": "BA",
    "\u00ab": "QU", "\u00bb": "QU", "\u2018": "QU", "\u2019": "QU", "\u201b": "QU",
    "\u201c": "QU", "\u201d": "QU", "\u201f": "QU", "\u2039": "QU", "\u203a": "QU",
    "\u00a1": "OP", "\u00bf": "OP", "\u2024": "IN", "\u2025": "IN", "\u2026": "IN",
    "\u00a2": "PO", "\u00b0": "PO", "\u2030": "PO", "\u2032": "PO", "\u2033": "PO",
    "\u00a3": "PR", "\u00a5": "PR", "\u00b1": "PR", "\u20ac": "PR", "\u2116": "PR",
    "\u2212": "PR", "\u060c": "IS", "\u060d": "IS", "\u037e": "IS", "\u0589": "IS",
    "\u061f": "EX", "\u06d4": "EX", "\u061b": "EX", "\u066a": "PO",
    "\u3001": "CL", "\u3002": "CL", "\uff0c": "CL", "\uff0e": "CL", "\u3009": "CL",
    "\u300b": "CL", "\u300d": "CL", "\u300f": "CL", "\u3011": "CL", "\u3015": "CL",
    "\u3017": "CL", "\u3019": "CL", "\u301b": "CL", "\uff09": "CL", "\uff3d": "CL",
    "\uff5d": "CL", "\uff63": "CL", "\u3008": "OP", "\u300a": "OP", "\u300c": "OP",
    "\u300e": "OP", "\u3010": "OP", "\u3014": "OP", "\u3016": "OP", "\u3018": "OP",
    "\u301a": "OP", "\uff08": "OP", "\uff3b": "OP", "\uff5b": "OP", "\uff62": "OP",
    "\uff01": "EX", "\uff1f": "EX", "\uff1a": "NS", "\uff1b": "NS", "\u30fb": "NS",
    "\u30fc": "NS", "\u3005": "NS", "\u303b": "NS", "\u301c": "NS", "\u30a0": "NS",
    "\u309b": "NS", "\u309c": "NS", "\u309d": "NS", "\u309e": "NS", "\u30fd": "NS",
    "\u30fe": "NS", "\uff65": "NS", "\u301d": "OP", "\u301e": "CL", "\u301f": "CL",
}  # fmt: skip
_SMALL_KANA = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")


@lru_cache(maxsize=4096)
def _class(ch: str) -> str:
    found = _CLASS_OF.get(ch)
    if found:
        return found
    if ch in _SMALL_KANA:
        return "NS"
    code = ord(ch)
    if (
        0x2E80 <= code <= 0x2FFF
        or 0x3040 <= code <= 0x30FF
        or 0x3100 <= code <= 0x31EF
        or 0x3200 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xA000 <= code <= 0xA4CF
        or 0xAC00 <= code <= 0xD7A3
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60
        or 0x1F300 <= code <= 0x1FAFF
        or 0x20000 <= code <= 0x3FFFD
    ):
        return "ID"
    category = unicodedata.category(ch)
    if category in ("Mn", "Mc", "Me"):
        return "CM"
    if category == "Nd":
        return "NU"
    if 0x05D0 <= code <= 0x05FF:
        return "HL"
    return "AL"


@lru_cache(maxsize=4096)
def _width(ch: str) -> int:
    if ch < "\u0300":
        return 1 if ch >= " " else 0
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_NO_BREAK_BEFORE = {"CL", "CP", "EX", "IS", "SY"}  # LB13
_NO_BREAK_BEFORE_LATE = {"QU", "BA", "HY", "NS", "IN"}  # LB19-LB22, after LB18 (SP ÷)
_NO_BREAK_PAIRS = {
    ("CL", "PO"), ("CP", "PO"), ("CL", "PR"), ("CP", "PR"), ("NU", "PO"), ("NU", "PR"),
    ("PO", "OP"), ("PO", "OPW"), ("PO", "NU"), ("PR", "OP"), ("PR", "OPW"), ("PR", "NU"),
    ("HY", "NU"), ("IS", "NU"), ("NU", "NU"), ("SY", "NU"), ("AL", "NU"), ("HL", "NU"),
    ("NU", "AL"), ("NU", "HL"), ("PR", "ID"), ("ID", "PO"), ("PR", "AL"), ("PR", "HL"),
    ("PO", "AL"), ("PO", "HL"), ("AL", "PR"), ("AL", "PO"), ("HL", "PR"), ("HL", "PO"),
    ("AL", "AL"), ("AL", "HL"), ("HL", "AL"), ("HL", "HL"), ("AL", "OP"), ("HL", "OP"),
    ("NU", "OP"), ("CP", "AL"), ("CP", "HL"), ("CP", "NU"), ("SY", "HL"),
}  # fmt: skip


def _class_at(chars: str, j: int) -> str:
    """Line-breaking class of ``chars[j]``; combining marks take their base's class
    (LB9) or become alphabetic after a space (LB10, where libunistring breaks)."""
    ch = chars[j]
    if ch < "\x80":
        return _CLASS_OF_ASCII.get(ch, "AL")
    cls = _class(ch)
    if cls == "CM":
        k = j - 1
        while k >= 0 and _class(chars[k]) == "CM":
            k -= 1
        before = _class_at(chars, k) if k >= 0 else "SP"
        if before in ("SP", "ZW"):
            return "ALCM"
        return "CM" + before
    if cls == "OP" and _width(ch) == 2:
        return "OPW"  # LB30 keeps letters and wide brackets breakable
    return cls


def _can_break(chars: str, i: int) -> bool:
    """May a line break before character ``i`` (UAX #14 as libunistring applies it)?"""
    a, b = _class_at(chars, i - 1), _class_at(chars, i)
    if b[:2] == "CM":  # LB9: a mark stays with its base
        return False
    if a[:2] == "CM":
        a = a[2:]
    before_spaces = a
    if a == "SP":
        j = i - 2
        while j >= 0 and chars[j] == " ":
            j -= 1
        if j < 0:  # leading spaces: nothing breaks at the start of a line
            return False
        before_spaces = _class_at(chars, j)
        if before_spaces[:2] == "CM":
            before_spaces = before_spaces[2:]
    if b == "SP" or b == "ZW":  # LB7
        return False
    if b == "ALCM":
        if a == "SP":
            return True
        b = "AL"
    if a == "ALCM":
        a = "AL"
    if before_spaces == "ALCM":
        before_spaces = "AL"
    if before_spaces == "ZW":  # LB8
        return True
    if a == "WJ" or b == "WJ" or a == "GL":  # LB11, LB12
        return False
    if b == "GL" and a not in ("SP", "BA", "HY"):  # LB12a
        return False
    if b in _NO_BREAK_BEFORE:  # LB13
        return False
    if before_spaces in ("OP", "OPW"):  # LB14
        return False
    if before_spaces == "QU" and b in ("OP", "OPW"):  # LB15
        return False
    if b == "NS" and (a in ("CL", "CP") or before_spaces == "CL"):  # LB16 (CP SP* NS breaks)
        return False
    if before_spaces == "B2" and b == "B2":  # LB17
        return False
    if a == "SP":  # LB18
        return True
    if a == "QU" or b in _NO_BREAK_BEFORE_LATE:  # LB19, LB21, LB22
        return False
    if (a, b) in _NO_BREAK_PAIRS:  # LB23-LB30
        return False
    # LB21a: no break after a hyphen that follows a Hebrew letter
    return not (a in ("HY", "BA") and i >= 2 and _class_at(chars, i - 2) == "HL")


_ESCAPE_PAIR = re.compile(r"\\.")


def _wrap_portion(portion: str, width: int, start_column: int, newline_end: bool) -> list[str]:
    """Break one escaped portion into lines of at most ``width`` columns.

    Same result as libunistring's greedy ``u8_width_linebreaks``: each line ends at the
    last break opportunity that still fits, or, when none fits, at the first one after
    the limit. Only the opportunities near each limit are evaluated.
    """
    plain = portion.isascii()
    if plain:
        columns = None
        total = len(portion)
    else:
        columns = [0]
        for ch in portion:
            columns.append(columns[-1] + (_width(ch) if ch >= "\x80" else 1))
        total = columns[-1]
    if start_column + total <= width:
        return [portion]
    # Never inside an escape sequence, nor right before the final \n.
    prohibited = {m.start() + 1 for m in _ESCAPE_PAIR.finditer(portion)}
    if newline_end:
        prohibited.add(len(portion) - 2)
    size = len(portion)

    def col(i: int) -> int:
        return i if columns is None else columns[i]

    def opportunity(i: int) -> bool:
        return i not in prohibited and _can_break(portion, i)

    lines: list[str] = []
    begin = 0
    offset = start_column
    while True:
        if offset + col(size) - col(begin) <= width:
            break
        # the last index q with offset + col(q) - col(begin) <= width
        limit = begin
        budget = width - offset + col(begin)
        if columns is None:
            limit = min(size, max(begin, budget))
        else:
            while limit < size and columns[limit + 1] <= budget:
                limit += 1
        cut = next((q for q in range(limit, begin, -1) if opportunity(q)), None)
        if cut is None:
            cut = next((q for q in range(limit + 1, size) if opportunity(q)), None)
            if cut is None:
                break
        lines.append(portion[begin:cut])
        begin = cut
        offset = 0
    lines.append(portion[begin:])
    return lines


def _escape(value: str) -> str:
    if not _NEEDS_ESCAPE.search(value):
        return value
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES_OUT[m.group(0)], value)


def _render_string(prefix: str, name: str, value: str, wrap: bool = True) -> str:
    """``name "value"`` as msgcat writes it: one line if it fits, else ``name ""``
    followed by the value cut after each ``\\n`` and at line-break opportunities."""
    escaped = _escape(value)
    multiline = "\n" in value[:-1]
    fits = len(prefix) + len(name) + len(escaped) + 3 <= WRAP_WIDTH
    if not multiline and escaped.isascii() and (fits or not wrap):
        return f'{prefix}{name} "{escaped}"\n'
    # Portions end after each newline; each is wrapped on its own.
    pieces = value.split("\n")
    portions = [(_escape(piece + "\n"), True) for piece in pieces[:-1]]
    if pieces[-1] or not portions:
        portions.append((_escape(pieces[-1]), False))
    width = (WRAP_WIDTH - 1 - (len(prefix) + 1)) if wrap else 1 << 30
    if len(portions) == 1:
        first, newline_end = portions[0]
        if not first or len(_wrap_portion(first, width, len(name) + 1, newline_end)) == 1:
            return f'{prefix}{name} "{first}"\n'
    out = [f'{prefix}{name} ""\n']
    for portion, newline_end in portions:
        for line in _wrap_portion(portion, width, 0, newline_end):
            out.append(f'{prefix}"{line}"\n')
    return "".join(out)


def _render_comments(marker: str, text: str) -> str:
    return "".join(f"{marker} {line}\n" if line else f"{marker}\n" for line in text.split("\n"))


def _render_references(occurrences: tuple[tuple[str, str], ...]) -> str:
    out = ["#:"]
    column = 2
    for path, number in occurrences:
        item = f"{path}:{number}" if number else path
        if column > 2 and column + 1 + len(item) > WRAP_WIDTH:
            out.append("\n#:")
            column = 2
        out.append(" " + item)
        column += 1 + len(item)
    out.append("\n")
    return "".join(out)


def _render_kind(snapshot: tuple[Any, ...], kind: str) -> str:
    obsolete = snapshot[0]
    wrap = "no-wrap" not in snapshot[4]
    prefix = "#~ " if obsolete else ""
    if kind == "tc":
        return _render_comments("#", snapshot[1])
    if kind == "gc":
        return _render_comments("#.", snapshot[2])
    if kind == "oc":
        return _render_references(snapshot[3])
    if kind == "fl":
        return "#, " + ", ".join(snapshot[4]) + "\n"
    previous = "#~| " if obsolete else "#| "
    if kind == "pc":
        return _render_string(previous, "msgctxt", snapshot[5], wrap)
    if kind == "pm":
        return _render_string(previous, "msgid", snapshot[6], wrap)
    if kind == "pp":
        return _render_string(previous, "msgid_plural", snapshot[7], wrap)
    if kind == "ct":
        return _render_string(prefix, "msgctxt", snapshot[8], wrap)
    if kind == "mi":
        return _render_string(prefix, "msgid", snapshot[9], wrap)
    if kind == "mp":
        return _render_string(prefix, "msgid_plural", snapshot[10], wrap)
    if kind == "ms":
        return _render_string(prefix, "msgstr", snapshot[11], wrap)
    return _render_string(prefix, f"msgstr[{kind[2:]}]", _value(snapshot, kind) or "", wrap)


def _render_sections(
    current: tuple[Any, ...], source: _Source | None, fixed: frozenset[str] = frozenset()
) -> str:
    """An entry's text: original sections whose value is unchanged, rendered otherwise.

    New sections go where gettext would put them relative to the kept ones. ``fixed``
    names kinds whose original text is always kept (the header's ``msgid ""``).
    """
    present = _present(current)
    if source is None or source.snapshot[0] != current[0]:
        return "".join(_render_kind(current, kind) for kind in present)
    old = source.snapshot
    wanted = set(present)
    out: list[tuple[int, str]] = []
    done: set[str] = set()
    for kind, text in source.sections:
        if kind in fixed:
            out.append((_rank(kind), text))
            done.add(kind)
            continue
        if kind in done:
            if _value(old, kind) == _value(current, kind):
                out.append((_rank(kind), text))
            continue
        done.add(kind)
        if _value(old, kind) == _value(current, kind) and kind in wanted:
            out.append((_rank(kind), text))
        elif kind in wanted:
            out.append((_rank(kind), _render_kind(current, kind)))
    for kind in present:
        if kind in done:
            continue
        rank = _rank(kind)
        position = next((i for i, (r, _) in enumerate(out) if r > rank), len(out))
        out.insert(position, (rank, _render_kind(current, kind)))
    return "".join(text for _, text in out)


_HEADER_FIXED = frozenset({"gc", "oc", "pc", "pm", "pp", "ct", "mi"})


def _header_snapshot(po: polib.POFile) -> tuple[Any, ...]:
    fuzzy = po.metadata_is_fuzzy
    flags = tuple(fuzzy) if isinstance(fuzzy, list | tuple) else (("fuzzy",) if fuzzy else ())
    metadata = "".join(f"{key}: {value}\n" for key, value in po.metadata.items())
    return (False, po.header or "", "", (), flags, None, None, None, None, "", "", metadata, ())


def _fix_newline(text: str, newline: str) -> str:
    return text.replace("\n", newline) if newline != "\n" else text


def render_po(po: polib.POFile) -> str:
    """The catalog as text: unchanged parts exactly as read, changed parts as msgcat writes."""
    with gc_paused():
        return _render(po)


def _render(po: polib.POFile) -> str:
    layout: _Layout | None = po.__dict__.get(_LAYOUT)
    newline = layout.newline if layout else "\n"
    out: list[str] = [layout.prefix] if layout else []
    emitted = 0
    has_header = bool(po.metadata) or bool(po.header) or (layout is not None and layout.header)
    if has_header:
        current = _header_snapshot(po)
        source = layout.header if layout else None
        if source is not None and source.snapshot == current:
            out.append(source.gap + source.text)
        else:
            text = _render_sections(current, source, _HEADER_FIXED)
            out.append((source.gap if source else "") + _fix_newline(text, newline))
        emitted += 1
    first = layout.first if layout else None
    for entry in po:
        source = entry.__dict__.get(_SOURCE)
        if emitted and not out[-1].endswith("\n"):
            out.append(newline)
        if source is not None:
            gap = source.gap
            if not gap and emitted:
                gap = newline
            elif emitted == 0 and id(entry) != first:
                gap = ""
            current = _snapshot(entry)
            if current == source.snapshot:
                out.append(gap + source.text)
            else:
                out.append(gap + _fix_newline(_render_sections(current, source), newline))
        else:
            gap = newline if emitted else ""
            out.append(gap + _fix_newline(_render_sections(_snapshot(entry), None), newline))
        emitted += 1
    if layout is not None and layout.trailer:
        if emitted and not out[-1].endswith("\n"):
            out.append(newline)
        out.append(layout.trailer)
    text = "".join(out)
    if layout is not None and layout.ends_without_newline and not layout.trailer:
        return text
    return text if not text or text.endswith("\n") else text + newline


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` all at once: temp file, fsync, rename.

    The file keeps the mode it had (or gets the usual ``0666 & ~umask``), not
    mkstemp's private 0600: bundles and catalogs are read by web servers and
    translators' tools. Pass ``mode`` for files that must stay private."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def encode_po(po: polib.POFile, name: str = "<catalog>") -> bytes:
    """The rendered catalog in the charset its header declares (UTF-8 by default)."""
    text = render_po(po)
    charset = _charset_of(po) or "utf-8"
    try:
        return text.encode(charset)
    except LookupError:
        raise CatalogError(
            f"unknown charset {charset!r} in the Content-Type header", name
        ) from None
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        raise CatalogError(
            f"{text[exc.start]!r} cannot be written in the declared charset {charset}", name, line
        ) from None


def write_po(po: polib.POFile, path: Path) -> None:
    """Render, encode, then replace the file; any error leaves the old file untouched."""
    write_atomic(path, encode_po(po, str(path)))

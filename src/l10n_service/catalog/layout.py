"""What a parsed catalog remembers of its original text, so it can be written back
byte for byte.

The parser stores, per entry, the exact source text of each field (``#`` comments,
``#.``, ``#:``, ``#,``, ``#|``, msgctxt, msgid, msgstr...) with a snapshot of the
values it parsed; per file, the layout (BOM, blank lines, trailing text, line
endings). The renderer compares an entry's current values with its snapshot, field
by field: unchanged fields are emitted as read, changed ones rendered anew. The
snapshot is a plain tuple (a 100k-entry catalog makes 100k of them); this module
owns its shape: which index holds which field, and which section kinds an entry has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polib

__all__ = [
    "LAYOUT_KEY",
    "SOURCE_KEY",
    "WRAP_WIDTH",
    "Layout",
    "Source",
    "copy_layout",
    "copy_source",
    "entry_snapshot",
    "field_value",
    "header_snapshot",
    "new_entry",
    "present_kinds",
    "rank",
]

SOURCE_KEY = "_l10n_source"  # POEntry attribute: where the entry's original text is
LAYOUT_KEY = "_l10n_layout"  # key in POFile.__dict__: the file's original layout
WRAP_WIDTH = 79  # msgcat's default: lines of at most 79 columns


class Source:
    """One entry's original text: where it lies in the file's bytes, and its sections.

    A 100k-entry catalog makes 100k of these, so they hold no text of their own: the
    file's UTF-8 bytes (``doc``, one object shared by every entry of the file, and
    half the size of a str copy of a file with any character beyond Latin-1) and
    offsets into it. ``marks`` is ``(begin, gap end, section starts..., end)``, all
    but ``begin`` relative to ``begin`` (small numbers are shared objects in
    CPython); ``kinds`` names the sections (one shared tuple per shape).
    """

    __slots__ = ("doc", "kinds", "line", "marks", "snapshot")

    def __init__(
        self,
        doc: bytes,
        marks: tuple[int, ...],
        kinds: tuple[str, ...],
        snapshot: tuple[Any, ...],
        line: int,
    ) -> None:
        self.doc = doc
        self.marks = marks
        self.kinds = kinds
        self.snapshot = snapshot
        self.line = line

    def _slice(self, first: int, last: int) -> str:
        begin = self.marks[0]
        return self.doc[begin + first : begin + last].decode("utf-8", "surrogatepass")

    @property
    def gap(self) -> str:
        """The blank lines before the entry."""
        return self._slice(0, self.marks[1])

    @property
    def text(self) -> str:
        """The entry's text without the blank lines before it."""
        return self._slice(self.marks[1], self.marks[-1])

    @property
    def whole(self) -> str:
        """The gap and the text, as read."""
        return self._slice(0, self.marks[-1])

    @property
    def sections(self) -> tuple[tuple[str, str], ...]:
        """``(kind, text)`` per section in file order (only a changed entry needs them)."""
        marks = self.marks
        return tuple(
            (kind, self._slice(marks[i + 1], marks[i + 2])) for i, kind in enumerate(self.kinds)
        )


@dataclass(slots=True)
class Layout:
    """What a file has besides entries: kept so an unchanged file round-trips exactly."""

    prefix: str = ""  # a byte-order mark
    newline: str = "\n"
    header: Source | None = None
    first: int | None = None  # id() of the entry that came first, for its leading gap
    trailer: str = ""  # text after the last entry (blank lines, stray comments)
    ends_without_newline: bool = False


def new_entry(
    msgid: str,
    msgstr: str = "",
    msgid_plural: str = "",
    msgstr_plural: dict[int, str] | None = None,
    msgctxt: str | None = None,
    obsolete: bool = False,
    comment: str = "",
    tcomment: str = "",
    occurrences: list[tuple[str, str]] | None = None,
    flags: list[str] | None = None,
    previous_msgctxt: str | None = None,
    previous_msgid: str | None = None,
    previous_msgid_plural: str | None = None,
    linenum: int | None = None,
) -> polib.POEntry:
    """A POEntry without polib's keyword parsing, its fields set one by one.

    Set as attributes, always in this order, CPython keeps them in a compact array
    whose keys all entries share; polib's own ``__init__`` or an assigned
    ``__dict__`` costs a dict per entry (about 300 bytes more, 30 MB at 100k).
    """
    entry = polib.POEntry.__new__(polib.POEntry)
    entry.msgid = msgid
    entry.msgstr = msgstr
    entry.msgid_plural = msgid_plural
    entry.msgstr_plural = {} if msgstr_plural is None else msgstr_plural
    entry.msgctxt = msgctxt  # type: ignore[assignment]  # polib: None when absent
    entry.obsolete = obsolete
    entry.encoding = "utf-8"
    entry.comment = comment
    entry.tcomment = tcomment
    entry.occurrences = [] if occurrences is None else occurrences
    entry.flags = [] if flags is None else flags
    entry.previous_msgctxt = previous_msgctxt
    entry.previous_msgid = previous_msgid
    entry.previous_msgid_plural = previous_msgid_plural
    entry.linenum = linenum
    return entry


def copy_source(dst: polib.POEntry, src: polib.POEntry) -> None:
    """Let ``dst`` reuse ``src``'s original text wherever their fields are equal.

    ``update_catalog`` builds new entries from the template; with this an entry whose
    content did not change is written exactly as it was read.
    """
    source = getattr(src, SOURCE_KEY, None)
    if source is not None:
        setattr(dst, SOURCE_KEY, source)


def copy_layout(dst: polib.POFile, src: polib.POFile) -> None:
    """Give ``dst`` the header text, line endings and trailing text of ``src``."""
    layout = src.__dict__.get(LAYOUT_KEY)
    if layout is not None:
        dst.__dict__[LAYOUT_KEY] = Layout(
            prefix=layout.prefix,
            newline=layout.newline,
            header=layout.header,
            first=None,
            trailer=layout.trailer,
            ends_without_newline=layout.ends_without_newline,
        )


def entry_snapshot(entry: polib.POEntry) -> tuple[Any, ...]:
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


def rank(kind: str) -> int:
    return _RANK[kind] if kind in _RANK else 11 + int(kind[2:])


def field_value(snapshot: tuple[Any, ...], kind: str) -> Any:
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


def present_kinds(snapshot: tuple[Any, ...]) -> list[str]:
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


def header_snapshot(po: polib.POFile) -> tuple[Any, ...]:
    """The header as an entry snapshot: comment, flags and metadata as the msgstr."""
    fuzzy = po.metadata_is_fuzzy
    flags = tuple(fuzzy) if isinstance(fuzzy, list | tuple) else (("fuzzy",) if fuzzy else ())
    metadata = "".join(f"{key}: {value}\n" for key, value in po.metadata.items())
    return (False, po.header or "", "", (), flags, None, None, None, None, "", "", metadata, ())

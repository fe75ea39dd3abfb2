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
from typing import Any, NamedTuple

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
    "present_kinds",
    "rank",
]

SOURCE_KEY = "_l10n_source"  # key in POEntry.__dict__: the entry's original text
LAYOUT_KEY = "_l10n_layout"  # key in POFile.__dict__: the file's original layout
WRAP_WIDTH = 79  # msgcat's default: lines of at most 79 columns


class Source(NamedTuple):
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
class Layout:
    """What a file has besides entries: kept so an unchanged file round-trips exactly."""

    prefix: str = ""  # a byte-order mark
    newline: str = "\n"
    header: Source | None = None
    first: int | None = None  # id() of the entry that came first, for its leading gap
    trailer: str = ""  # text after the last entry (blank lines, stray comments)
    ends_without_newline: bool = False


def copy_source(dst: polib.POEntry, src: polib.POEntry) -> None:
    """Let ``dst`` reuse ``src``'s original text wherever their fields are equal.

    ``update_catalog`` builds new entries from the template; with this an entry whose
    content did not change is written exactly as it was read.
    """
    source = src.__dict__.get(SOURCE_KEY)
    if source is not None:
        dst.__dict__[SOURCE_KEY] = source


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

"""Write a catalog back: unchanged parts exactly as read, changed parts the way GNU
msgcat writes them (``write-po.c``).

Each entry's fields are compared with the snapshot the parser took; a field whose
value did not change is emitted from the original text, a changed or new one is
rendered (79 columns, escapes, Unicode line breaking from :mod:`.linebreak`) and
placed where gettext would put it among the kept ones. So reading and writing an
unchanged file gives the same bytes, and a one-entry edit is a one-entry diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import polib

from ..core.allocation import gc_paused
from .charset import encode_text
from .layout import (
    LAYOUT_KEY,
    SOURCE_KEY,
    WRAP_WIDTH,
    Layout,
    Source,
    entry_snapshot,
    field_value,
    header_snapshot,
    present_kinds,
    rank,
)
from .linebreak import wrap_portion

__all__ = ["encode_chunks", "encode_po", "render_po"]

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
        if not first or len(wrap_portion(first, width, len(name) + 1, newline_end, 2)) == 1:
            return f'{prefix}{name} "{first}"\n'
    out = [f'{prefix}{name} ""\n']
    for portion, newline_end in portions:
        for line in wrap_portion(portion, width, 0, newline_end):
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
    return _render_string(prefix, f"msgstr[{kind[2:]}]", field_value(snapshot, kind) or "", wrap)


def _render_sections(
    current: tuple[Any, ...],
    source: Source | None,
    newline: str,
    fixed: frozenset[str] = frozenset(),
) -> str:
    """An entry's text: original sections whose value is unchanged, rendered otherwise.

    New sections go where gettext would put them relative to the kept ones. ``fixed``
    names kinds whose original text is always kept (the header's ``msgid ""``).
    Rendered sections end their lines with ``newline``; kept ones are as read (they
    have the file's line ends already: converting them too made ``\r\r\n`` in a
    CRLF file, one ``\r`` more on every write).
    """
    present = present_kinds(current)
    if source is None or source.snapshot[0] != current[0]:
        return "".join(_fix_newline(_render_kind(current, kind), newline) for kind in present)
    old = source.snapshot
    wanted = set(present)
    out: list[tuple[int, str]] = []
    done: set[str] = set()
    for kind, text in source.sections:
        if kind in fixed:
            out.append((rank(kind), text))
            done.add(kind)
            continue
        if kind in done:
            if field_value(old, kind) == field_value(current, kind):
                out.append((rank(kind), text))
            continue
        done.add(kind)
        if field_value(old, kind) == field_value(current, kind) and kind in wanted:
            out.append((rank(kind), text))
        elif kind in wanted:
            out.append((rank(kind), _fix_newline(_render_kind(current, kind), newline)))
    for kind in present:
        if kind in done:
            continue
        order = rank(kind)
        position = next((i for i, (r, _) in enumerate(out) if r > order), len(out))
        out.insert(position, (order, _fix_newline(_render_kind(current, kind), newline)))
    return "".join(text for _, text in out)


# POEntry attribute: the last text rendered for a changed entry, with the snapshot
# and Source it was rendered from.
_RENDERED_KEY = "_l10n_rendered"


def _changed(
    entry: polib.POEntry, current: tuple[Any, ...], source: Source | None, newline: str
) -> str:
    """``_render_sections`` of a changed entry, remembered on the entry.

    A catalog kept in memory and written again (the apply worker writes after every
    chunk of a job, see ``services.catalog_cache``) still compares each entry with
    the snapshot of the file it was parsed from, so every entry changed since would
    be rendered anew on every write: line breaking is most of a write's time. The
    text is a function of the values and the Source alone, so it is reused while
    both are the same."""
    memo = entry.__dict__.get(_RENDERED_KEY)
    if memo is not None and memo[0] is source and memo[1] == current and memo[2] == newline:
        text: str = memo[3]
        return text
    text = _render_sections(current, source, newline)
    if SOURCE_KEY not in entry.__dict__:
        # Attributes in one order on every entry: CPython shares one key table among
        # a class's instance dicts only while they add the same names in the same
        # order. A memo set before any ``SOURCE_KEY`` (a new entry) made every entry
        # parsed later in the process take a private dict, ~400 bytes more each.
        setattr(entry, SOURCE_KEY, None)
    setattr(entry, _RENDERED_KEY, (source, current, newline, text))
    return text


_HEADER_FIXED = frozenset({"gc", "oc", "pc", "pm", "pp", "ct", "mi"})


def _fix_newline(text: str, newline: str) -> str:
    return text.replace("\n", newline) if newline != "\n" else text


def render_po(po: polib.POFile) -> str:
    """The catalog as text: unchanged parts exactly as read, changed parts as msgcat writes."""
    with gc_paused():
        return "".join(_render(po))


_CHUNK = 1 << 16  # characters encoded and written at a time


def encode_chunks(po: polib.POFile, name: str = "<catalog>") -> Iterator[bytes]:
    """:func:`encode_po` a piece at a time, so a big catalog is never held whole as
    text and again as bytes (what :func:`.store.write_po` streams to the file)."""
    line = 0
    pending: list[str] = []
    size = 0
    with gc_paused():
        for piece in _render(po):
            pending.append(piece)
            size += len(piece)
            if size >= _CHUNK:
                text = "".join(pending)
                yield encode_text(text, po, name, first_line=line)
                line += text.count("\n")
                pending, size = [], 0
        if pending:
            yield encode_text("".join(pending), po, name, first_line=line)


def _render(po: polib.POFile) -> Iterator[str]:
    """The catalog's text in pieces (an entry or a run of entries each)."""
    layout: Layout | None = po.__dict__.get(LAYOUT_KEY)
    newline = layout.newline if layout else "\n"
    # Pieces go out 512 at a time; the last one stays (the next may need a newline).
    out: list[str] = [layout.prefix if layout else ""]
    emitted = 0
    has_header = bool(po.metadata) or bool(po.header) or (layout is not None and layout.header)
    if has_header:
        current = header_snapshot(po)
        source = layout.header if layout else None
        if source is not None and source.snapshot == current:
            out.append(source.whole)
        else:
            text = _render_sections(current, source, newline, _HEADER_FIXED)
            out.append((source.gap if source else "") + text)
        emitted += 1
    first = layout.first if layout else None
    for entry in po:
        if len(out) >= 512:
            yield "".join(out[:-1])
            del out[:-1]
        source = getattr(entry, SOURCE_KEY, None)
        if emitted and not out[-1].endswith("\n"):
            out.append(newline)
        if source is not None:
            current = entry_snapshot(entry)
            same = current == source.snapshot
            if source.marks[1] and (emitted or id(entry) == first):  # its own blank lines
                if same:
                    out.append(source.whole)
                    emitted += 1
                    continue
                gap = source.gap
            else:
                gap = newline if emitted and not source.marks[1] else ""
            if same:
                out.append(gap + source.text)
            else:
                out.append(gap + _changed(entry, current, source, newline))
        else:
            gap = newline if emitted else ""
            out.append(gap + _changed(entry, entry_snapshot(entry), None, newline))
        emitted += 1
    if layout is not None and layout.trailer:
        if emitted and not out[-1].endswith("\n"):
            out.append(newline)
        out.append(layout.trailer)
    text = "".join(out)
    if layout is not None and layout.ends_without_newline and not layout.trailer:
        yield text
    else:
        yield text if not text or text.endswith("\n") else text + newline


def encode_po(po: polib.POFile, name: str = "<catalog>") -> bytes:
    """The rendered catalog in the charset its header declares (UTF-8 by default)."""
    return b"".join(encode_chunks(po, name))

"""The header entry (``msgid ""``): its fields, and what makes it valid.

``po.metadata`` is read the way polib reads it, so callers keep their meaning.
A Plural-Forms line that msgfmt would reject is refused with its line, for any
catalog; an upload must also have a header at all, only ``Name: value`` lines and a
declared charset (polib would quietly drop a line it cannot read).
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import polib

from ..errors import CatalogError
from .layout import Source

__all__ = [
    "PLACEHOLDER_PLURAL_FORMS",
    "check_header",
    "check_plural_forms",
    "parse_metadata",
    "plural_forms_problem",
]

PLACEHOLDER_PLURAL_FORMS = "nplurals=INTEGER; plural=EXPRESSION;"
_HEADER_LINE = re.compile(r"[A-Za-z][\w.-]*:.*")


def parse_metadata(text: str) -> dict[str, str]:
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


def check_header(msgstr: str | None, po: polib.POFile, name: str, line: int | None) -> None:
    """The stricter header an upload needs: present, ``Name: value`` lines only, and
    a charset in Content-Type (without one, the bytes' meaning is a guess)."""
    lines = [x for x in (msgstr or "").split("\n") if x.strip()]
    if not lines:
        raise CatalogError('broken header: no PO header (the msgid "" entry at the top)', name)
    for number, text in enumerate(lines, 1):
        if not _HEADER_LINE.fullmatch(text):
            raise CatalogError(
                f"broken header: header line {number} {text[:60]!r} is not 'Name: value'",
                name,
                line,
            )
    if "charset=" not in po.metadata.get("Content-Type", ""):
        raise CatalogError(
            "broken header: no 'Content-Type: text/plain; charset=UTF-8' line", name, line
        )


def check_plural_forms(po: polib.POFile, name: str, source: Source) -> None:
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

"""The ``#. mt:`` provenance line that machine output carries in a catalog.

One extracted-comment line per entry, kept across template updates, e.g.::

    mt: engine=argos kind=neural package=translate-en_de-1.0 options=beam_size=4 ... at=...

It names the engine, and, since the engines became pluggable, its *kind*: what sort
of output this is. Readers (bundles, pages) decide what to tell a reader from the
kind alone, so a new engine needs no change here. Lines written before ``kind=``
existed name only the engine; the engine registry resolves those (see
``l10n_service.mt.registry.provenance_kind``), which is why :func:`provenance_kind`
here reads the field and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, get_args

from .states import MT_COMMENT_PREFIX

__all__ = [
    "KINDS",
    "PSEUDO",
    "Kind",
    "is_real_translation",
    "provenance_field",
    "provenance_kind",
    "provenance_line",
]

# neural: a trained model (argostranslate); rule-based: dictionaries and transfer
# rules (Apertium); pseudo: not a translation at all, a localisability test.
Kind = Literal["neural", "rule-based", "pseudo"]
KINDS: tuple[str, ...] = get_args(Kind)
PSEUDO: Kind = "pseudo"

# The order fields are written in; values never contain "=" followed by a space.
_KEYS = ("engine", "kind", "package", "version", "options", "at")
_FIELD = re.compile(r"(?:^|\s)(?P<key>[a-z_]+)=(?P<value>\S+)")
# Said in the catalog itself, so a translator reading the .po file sees it too.
_NOTES: dict[str, str] = {
    PSEUDO: " (pseudo-localisation, not a real translation)",
    "rule-based": " (rule-based MT, a readable gist)",
}


def is_real_translation(kind: str | None) -> bool:
    """Unknown kinds (lines from an engine nobody has installed any more) count as
    real: we only ever claim "not a real translation" when we know it."""
    return kind != PSEUDO


def provenance_line(fields: Mapping[str, str]) -> str:
    """The comment line for an engine's provenance fields (unknown keys are left out,
    empty values too)."""
    parts = [f"{key}={fields[key]}" for key in _KEYS if fields.get(key)]
    line = f"{MT_COMMENT_PREFIX} " + " ".join(parts)
    return line + _NOTES.get(fields.get("kind", ""), "")


def provenance_field(line: str, key: str) -> str | None:
    """One ``key=value`` of a provenance line, or None."""
    if not line.startswith(MT_COMMENT_PREFIX):
        return None
    for match in _FIELD.finditer(line[len(MT_COMMENT_PREFIX) :]):
        if match["key"] == key:
            return match["value"]
    return None


def provenance_kind(line: str) -> str | None:
    """The ``kind=`` a line states, or None (an old line, or not a provenance line)."""
    return provenance_field(line, "kind")

"""Three-way merge of one catalog entry's translator side, like a hunk in diff3.

``base`` is what the translator downloaded (the stamped export), ``ours`` what the
catalog holds now, ``theirs`` the upload. A side that did not change yields to the
side that did; both changing the same way is agreement; both changing differently
is a conflict, left to a person. One exception: unreviewed machine output on our
side never conflicts with a translator's text, because machine translation only
fills gaps and never outranks a person.

Without a base (an upload that carries no revision stamp, e.g. a file copied from
``locales/``) nobody can tell which side changed, so, like Weblate's default upload
mode, the upload only fills gaps: it changes untranslated entries and unreviewed
machine output, never erases a translation, and where the catalog holds a different
human translation the entry is a conflict for a person to settle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum

__all__ = ["Conflict", "Outcome", "Pick", "Side", "merge_entry", "pick_for"]


@dataclass(frozen=True)
class Side:
    """One version of an entry: its text and whether it is marked fuzzy.

    ``machine`` marks unreviewed machine output (``#, fuzzy, machine``); it is not
    part of the comparison, only of the tie-break.
    """

    text: str
    fuzzy: bool = False
    machine: bool = False

    def same(self, other: Side) -> bool:
        return (self.text, self.fuzzy) == (other.text, other.fuzzy)


class Outcome(StrEnum):
    KEEP = "keep"  # the catalog's version stays
    TAKE = "take"  # the upload's version is applied
    CONFLICT = "conflict"


class Pick(StrEnum):
    """How a person resolves a conflict."""

    OURS = "ours"
    THEIRS = "theirs"


def merge_entry(base: Side | None, ours: Side, theirs: Side) -> Outcome:
    if ours.same(theirs):
        return Outcome.KEEP
    if base is None:
        return _two_way(ours, theirs)
    if theirs.same(base):
        return Outcome.KEEP
    if ours.same(base):
        return Outcome.TAKE
    if ours.machine and theirs.text and not theirs.machine:
        return Outcome.TAKE
    return Outcome.CONFLICT


def _two_way(ours: Side, theirs: Side) -> Outcome:
    if not theirs.text or (theirs.text == ours.text and not ours.machine):
        return Outcome.KEEP  # nothing to add, and a human translation's flags stay
    if not ours.text or ours.machine:
        return Outcome.TAKE
    return Outcome.CONFLICT


@dataclass(frozen=True)
class Conflict:
    """An entry changed on both sides, reported with all three versions."""

    id: str
    msgid: str
    base: str
    ours: str
    theirs: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def pick_for(entry_id: str, prefer: Pick | None, take: Mapping[str, Pick]) -> Pick | None:
    """A per-entry choice wins over the blanket one; None leaves the conflict open."""
    return take.get(entry_id, prefer)

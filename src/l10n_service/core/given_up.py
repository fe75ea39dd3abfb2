"""What the catalog shows of a chunk that is being given up.

A chunk is given up whole (its translation failed for good, or it was lost or
redelivered too often: ``machine.record_chunk_failure``) and counted failed until a
copy of it is applied after all (``Job.count_chunk``). But a copy may already have
been applied: it wrote the catalog and its worker died before counting the chunk.
Its redelivery is what is then given up (the poison limit on apply, or the errback
of another copy), and no copy comes later to count it. Apply itself tells its own
earlier output by the text it carries; a give-up carries none, so it reads the
entries: the chunk's entries were all empty when the job was planned, so one that
now holds unmodified machine output of the job's engine was written by a copy of
this chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .post_edit import is_unmodified, machine_output
from .provenance import provenance_field
from .states import MACHINE_FLAG, MT_COMMENT_PREFIX

__all__ = ["Applied", "applied_before"]


class Entry(Protocol):
    """What is read of a catalog entry (a ``polib.POEntry``)."""

    @property
    def msgctxt(self) -> str | None: ...
    @property
    def msgid(self) -> str: ...
    @property
    def msgstr(self) -> str: ...
    @property
    def flags(self) -> Sequence[str]: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def obsolete(self) -> bool | int: ...


@dataclass(frozen=True)
class Applied:
    """The outcome of the copy that was applied, as apply would have counted it."""

    written: int
    skipped: int
    failed: dict[str, str]


def applied_before(
    po: Iterable[Entry], engine: str, keys: Iterable[Mapping[str, Any]], reason: str
) -> Applied | None:
    """The chunk's outcome when the catalog holds its own machine text for at least
    one of its entries (an apply wrote them all in one catalog write), else None.

    Entries of that chunk without it: empty ones failed (``reason``: the copy that
    wrote the others failed them, for a reason not kept), others skipped (removed, or
    translated by someone else), as apply counts them."""
    by_key = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
    written = skipped = 0
    failed: dict[str, str] = {}
    for key in keys:
        for ctxt in key["contexts"]:
            entry = by_key.get((ctxt, key["msgid"]))
            if entry is None:
                skipped += 1
            elif _own(entry, engine):
                written += 1
            elif entry.msgstr:
                skipped += 1
            else:
                failed[ctxt] = reason
    return Applied(written, skipped, failed) if written else None


def _own(entry: Entry, engine: str) -> bool:
    if MACHINE_FLAG not in entry.flags or not entry.msgstr:
        return False
    comment = entry.comment or ""
    line = next((x for x in comment.split("\n") if x.startswith(MT_COMMENT_PREFIX)), "")
    if provenance_field(line, "engine") != engine:
        return False
    return is_unmodified(entry.msgstr, machine_output(entry.msgstr, entry.flags, comment))

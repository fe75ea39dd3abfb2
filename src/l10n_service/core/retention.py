"""Which export copies to drop: the newest few of a catalog are kept whatever their
age, and every copy exported within the age limit whatever their number.

An export copy is the base of a later 3-way import (``services.review``): a
translator's file, or a review page, refers to it by revision. Pruning by count
alone would take the base of a translator's week-old file as soon as the desk saved
a few segments (each save is a new revision, and so a new copy); pruning by age
alone would leave a catalog nobody touched for a while without any base. Kept when
either says so, a copy goes only when it is both old and superseded. Pure: the
caller lists the copies and deletes what this returns.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["stale_copies"]

_NS = 1_000_000_000


def stale_copies(
    copies: Iterable[tuple[str, int]], *, now_ns: int, keep: int, max_age_s: float
) -> list[str]:
    """Names of the copies to delete, from (name, last exported in ns since the
    epoch) pairs: those older than ``max_age_s`` that are not among the ``keep``
    newest (equal times are ordered by name, so the answer does not depend on the
    listing order)."""
    newest_first = sorted(copies, key=lambda c: (c[1], c[0]), reverse=True)
    cutoff = now_ns - max_age_s * _NS
    return [name for name, exported in newest_first[keep:] if exported < cutoff]

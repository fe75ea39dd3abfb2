"""The fuzzy index over one language pair's sources, and its cache on disk.

Apart from :mod:`.memory` because only fuzzy lookups (the review desk) need it:
numpy and rapidfuzz are imported with this module, and a client that asks the
memory for exact hits only (``l10n translate`` planning a job) never imports it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from ..core.fuzzy import FuzzyIndex
from ..storage import write_atomic

__all__ = ["PairIndex", "build_index", "load_index", "save_index"]


@dataclass
class PairIndex:
    stamp: tuple[int, int]  # (row count, highest id) of the pair when it was built
    sources: list[str]
    index: FuzzyIndex


def build_index(stamp: tuple[int, int], sources: list[str]) -> PairIndex:
    return PairIndex(stamp, sources, FuzzyIndex(sources))


def load_index(path: Path | None, stamp: tuple[int, int]) -> PairIndex | None:
    """The index saved at ``path`` if it was built at ``stamp``; None otherwise."""
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            if tuple(int(x) for x in saved["stamp"]) != stamp:
                return None
            sources = bytes(saved["sources"]).decode("utf-8").split("\x00")
            state = {name: saved[name] for name in saved.files}
        return PairIndex(stamp, sources, FuzzyIndex(sources, state=state))
    except (OSError, ValueError, KeyError):
        return None  # an old or damaged cache is rebuilt, never trusted


def save_index(path: Path | None, built: PairIndex) -> None:
    if path is None or any("\x00" in source for source in built.sources):
        return
    arrays = built.index.state()
    arrays["stamp"] = np.array(built.stamp, dtype=np.int64)
    arrays["sources"] = np.frombuffer("\x00".join(built.sources).encode("utf-8"), dtype=np.uint8)
    buffer = BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub wants bool
    with contextlib.suppress(OSError):  # a read-only workspace builds it each time
        write_atomic(path, buffer.getvalue())

"""Parsed catalogs kept between chunk applies in one worker process.

A job of N chunks applies N times to the same catalog, and each apply used to parse
the whole file again (most of an apply's time: 448 entries, 4 chunks, ~60 % of it
in the parser). The apply worker writes that file itself, so after its write it
already holds, in memory, what the file says; parsing it again only repeats work.

What is kept must never be trusted when it no longer describes the file: a
translator's import, a merge, a hand edit or another worker may have written it in
between. The check is the file's content, not its stat: the bytes are read (cheap
next to parsing them) and their SHA-256 compared with the digest of what we parsed
or wrote. A size, inode or mtime check alone would miss an editor that rewrites the
file in place within one mtime tick with the same length. Taking and keeping both
happen under the catalog lock (the caller's), so no writer that honours the lock can
slip in between the check and the use.

A catalog object is handed out to one caller at a time (``take`` removes it) and
comes back only after the caller finished without an error (``keep``): an apply
that failed half way, after changing entries in memory but before writing them,
leaves nothing behind that the next one could mistake for the file.

What is kept is bounded by what it holds in memory, not only by number: a parsed
catalog holds 2.4 to 24 times its file's size (``benchmarks/catalog_memory.py``, RSS
of one parse in a fresh process, 32 MiB files: an article's catalog 259 MiB, one of
tiny entries 768 MiB, long paragraphs 75 MiB), so four of the largest allowed held
1-3 GB in a worker that had finished its jobs. Estimated from the entries and the
bytes (``held_bytes``), never below what tracemalloc counts. A cache that no apply
used for ``IDLE_S`` lets everything go, and the memory goes back to the system
(13-37 MiB of RSS left of the 75-768).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.store import read_po
from ..errors import CatalogError

if TYPE_CHECKING:
    import polib

    from .index import Counted

__all__ = ["CatalogCache", "Content", "digest", "held_bytes"]

# A worker applies to few catalogs at once (a job's chunks come in order).
MAX_KEPT = 4
# What the kept catalogs may hold together: a catalog of up to ~25 MiB (an article's
# ~100,000 entries) is still kept, and an idle worker stays well under 300 MB.
MAX_HELD_BYTES = 256 << 20
IDLE_S = 60.0
# A parsed entry's objects (POEntry, its dicts, lists and strings) cost ~1 KiB
# whatever its text; its text costs up to ~5x its bytes in the file (measured
# per-entry costs 1,049-9,527 bytes; see the tests).
ENTRY_BYTES = 1024
TEXT_FACTOR = 5


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True, slots=True)
class Content:
    """What a kept catalog object describes: the file's size and SHA-256 digest, and
    its counts (``index.count_catalog``) once a write recorded them."""

    size: int
    digest: bytes
    counted: Counted | None = None


def held_bytes(po: polib.POFile, content: Content) -> int:
    """What ``po``, parsed from the bytes ``content`` describes, holds in memory (an
    estimate from above)."""
    return ENTRY_BYTES * len(po) + TEXT_FACTOR * content.size


class CatalogCache:
    """Catalogs by path, each with the size and digest of the bytes it describes."""

    def __init__(
        self, capacity: int = MAX_KEPT, max_held: int = MAX_HELD_BYTES, idle_s: float = IDLE_S
    ) -> None:
        self.capacity = capacity
        self.max_held = max_held
        self.idle_s = idle_s
        self.parses = 0  # catalogs parsed by take(): tests count them
        self.reused = 0  # catalogs take() handed out without parsing
        self._kept: OrderedDict[str, tuple[polib.POFile, Content, int]] = OrderedDict()
        self._lock = threading.Lock()  # the dict only; the catalog lock guards files
        self._used = time.monotonic()
        self._sweeper: threading.Thread | None = None

    def take(self, path: Path) -> tuple[polib.POFile, Content]:
        """The catalog as the file holds it now, and what it describes. Call under
        the catalog lock. The object is the caller's until ``keep``."""
        with self._lock:
            self._used = time.monotonic()
            kept = self._kept.pop(str(path), None)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CatalogError("no such catalog", str(path)) from None
        except OSError as exc:
            raise CatalogError(f"cannot read: {exc.strerror}", str(path)) from None
        hashed = digest(data)
        if kept is not None and len(data) == kept[1].size and hashed == kept[1].digest:
            self.reused += 1
            return kept[0], kept[1]
        self.parses += 1
        # From the bytes just hashed, so the digest is of exactly what was parsed.
        return read_po(data, str(path)), Content(len(data), hashed)

    def keep(self, path: Path, po: polib.POFile, content: Content) -> None:
        """``po`` describes the file at ``path`` whose bytes ``content`` describes
        (as read, or as just written). Call under the catalog lock."""
        held = held_bytes(po, content)
        if held > self.max_held:
            return
        with self._lock:
            self._used = time.monotonic()
            self._kept.pop(str(path), None)
            self._kept[str(path)] = (po, content, held)
            while len(self._kept) > self.capacity or self.held > self.max_held:
                self._kept.popitem(last=False)
            if self._sweeper is None or not self._sweeper.is_alive():
                # One thread while something is kept (and again in a forked child,
                # where the parent's is not running).
                self._sweeper = threading.Thread(
                    target=self._sweep, name="l10n-catalog-cache", daemon=True
                )
                self._sweeper.start()

    @property
    def held(self) -> int:
        """``held_bytes`` of what is kept (a few catalogs: summed when asked)."""
        return sum(held for _, _, held in list(self._kept.values()))

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def _sweep(self) -> None:
        """Let everything go once no apply used the cache for ``idle_s``."""
        while True:
            with self._lock:
                if not self._kept:
                    self._sweeper = None
                    return
                left = self._used + self.idle_s - time.monotonic()
                if left <= 0:
                    self._kept.clear()
                    self._sweeper = None
                    return
            time.sleep(left)

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
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.store import read_po
from ..errors import CatalogError

if TYPE_CHECKING:
    import polib

    from .index import Counted

__all__ = ["CatalogCache", "Content", "digest"]

# A worker applies to few catalogs at once (a job's chunks come in order); a
# catalog is kept only up to this size, as parsed objects take ~10x the file's size.
MAX_KEPT = 4
MAX_KEPT_BYTES = 32 << 20


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


@dataclass(frozen=True, slots=True)
class Content:
    """What a kept catalog object describes: the file's size and SHA-256 digest, and
    its counts (``index.count_catalog``) once a write recorded them."""

    size: int
    digest: bytes
    counted: Counted | None = None


class CatalogCache:
    """Catalogs by path, each with the size and digest of the bytes it describes."""

    def __init__(self, capacity: int = MAX_KEPT, max_bytes: int = MAX_KEPT_BYTES) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.parses = 0  # catalogs parsed by take(): tests count them
        self.reused = 0  # catalogs take() handed out without parsing
        self._kept: OrderedDict[str, tuple[polib.POFile, Content]] = OrderedDict()
        self._lock = threading.Lock()  # the dict only; the catalog lock guards files

    def take(self, path: Path) -> tuple[polib.POFile, Content]:
        """The catalog as the file holds it now, and what it describes. Call under
        the catalog lock. The object is the caller's until ``keep``."""
        with self._lock:
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
            return kept
        self.parses += 1
        # From the bytes just hashed, so the digest is of exactly what was parsed.
        return read_po(data, str(path)), Content(len(data), hashed)

    def keep(self, path: Path, po: polib.POFile, content: Content) -> None:
        """``po`` describes the file at ``path`` whose bytes ``content`` describes
        (as read, or as just written). Call under the catalog lock."""
        if content.size > self.max_bytes:
            return
        with self._lock:
            self._kept[str(path)] = (po, content)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

"""Bundle files served from memory, revalidated against the disk on every request.

Bundles are small and read far more often than written, so their bytes and strong
ETags are kept in an LRU keyed by ``(inode, mtime_ns, size)`` of the file: one
``stat`` per request decides whether the copy is still current. Bundles are
replaced by atomic rename, which gives the new file a new inode, so a rebuild is
seen at once even within the same mtime tick. The file is opened, then ``fstat``-ed
and read through the same descriptor, so the key always describes the bytes read.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFoundError

__all__ = ["CachedFile", "FileCache", "etag_of"]

_Key = tuple[str, Hashable]
_Stat = tuple[int, int, int]


def etag_of(data: bytes) -> str:
    """Strong ETag: a hash of exactly the bytes sent (128 bits is plenty for this)."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class CachedFile:
    data: bytes
    etag: str
    stat: _Stat


class FileCache:
    """Thread-safe LRU of file contents (optionally transformed) with their ETags."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entries: int = 1024):
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, CachedFile] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _stat(path: Path) -> _Stat | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def get(
        self,
        path: Path,
        *,
        variant: Hashable = None,
        transform: Callable[[bytes], bytes] | None = None,
    ) -> CachedFile:
        """The file's (transformed) bytes and ETag; NotFoundError if it is gone.

        ``variant`` names a transformation (with everything it depends on besides
        the file), so a page with an injected language switcher is cached beside
        the raw file and rebuilt only when the file or its inputs change.
        """
        key: _Key = (str(path), variant)
        stat = self._stat(path)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None and cached.stat == stat:
                self._entries.move_to_end(key)
                self.hits += 1
                return cached
        if stat is None:
            self._drop(key)
            raise NotFoundError(f"{path.name} is not published")
        self.misses += 1
        try:
            with open(path, "rb") as handle:
                st = os.fstat(handle.fileno())
                data = handle.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            self._drop(key)
            raise NotFoundError(f"{path.name} is not published") from None
        body = transform(data) if transform is not None else data
        entry = CachedFile(body, etag_of(body), (st.st_ino, st.st_mtime_ns, st.st_size))
        self._store(key, entry)
        return entry

    def forget_under(self, folder: Path) -> None:
        """Drop every entry for files under ``folder`` (after deleting it)."""
        prefix = str(folder) + os.sep
        with self._lock:
            for key in [k for k in self._entries if k[0].startswith(prefix)]:
                self._size -= len(self._entries.pop(key).data)

    def _drop(self, key: _Key) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.data)

    def _store(self, key: _Key, entry: CachedFile) -> None:
        if len(entry.data) > self.max_bytes // 4:
            return  # huge files are served but not kept
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.data)
            self._entries[key] = entry
            self._size += len(entry.data)
            while self._entries and (
                self._size > self.max_bytes or len(self._entries) > self.max_entries
            ):
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.data)

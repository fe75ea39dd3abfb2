"""Atomic file writes: the one way this package replaces a file on disk.

Catalogs, bundles, job records, settings and tokens are all read by other
processes (workers, the API, web servers, translators' tools) while they change,
so a reader must see the old file or the new one, never half of either. A write
goes to a temporary file in the same folder, is flushed to disk, then renamed over
the old file (a rename within one file system is atomic).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import StorageError

__all__ = ["current_umask", "disk_full", "write_atomic"]

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` all at once: temp file, fsync, rename.

    The file keeps the mode it had (or gets the usual ``0666 & ~umask``), not
    mkstemp's private 0600: bundles and catalogs are read by web servers and
    translators' tools. Pass ``mode`` for files that must stay private. ``data`` may
    be an iterable of pieces (a big catalog written as it is rendered); an error
    while producing them leaves ``path`` as it was.

    A full disk or quota is a StorageError naming the file; the old file is intact."""
    try:
        _write_atomic(path, data, mode)
    except OSError as exc:
        full = disk_full(exc, path)
        if full is None:
            raise
        raise full from None


def _write_atomic(path: Path, data: bytes | Iterable[bytes], mode: int | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def disk_full(exc: BaseException, path: Path | str | None = None) -> StorageError | None:
    """The StorageError for a write refused for want of space (ENOSPC), quota
    (EDQUOT) or file size limit (EFBIG), including SQLite's own "database or disk is
    full"; None for any other error. ``path`` names the file when the error does not."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, OSError) and exc.errno in _FULL:
        where = path or exc.filename
        reason = {errno.EDQUOT: "disk quota exceeded", errno.EFBIG: "file too large"}.get(
            exc.errno, "no space left on device"
        )
        if where:
            return StorageError(f"{where}: cannot write it: {reason}", where)
        return StorageError(f"cannot write to the workspace: {reason}")
    if "database or disk is full" in str(exc):
        return StorageError("a database in the workspace cannot grow: no space left on device")
    if type(exc).__name__ == "OperationalError" and "disk I/O error" in str(exc):
        # SQLite's word for a write the file system refused (its WAL or shared memory
        # file on a full disk, a file size limit): no errno reaches us.
        return StorageError(
            "a database in the workspace cannot be written: disk I/O error, most likely "
            "no space left on device"
        )
    return None


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows.

    ``os.umask`` can only be read by setting it; between the two calls another
    thread (a uvicorn worker thread, a Celery pool thread) would create files with
    the temporary mask. ``/proc/self/status`` reports it read-only (Linux 4.7+);
    elsewhere the set-and-restore is the only way."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

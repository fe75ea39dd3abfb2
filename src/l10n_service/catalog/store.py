"""Read and write .po/.pot files: clear errors on bad input, atomic writes, locking.

A write goes to a temporary file in the same folder, is flushed to disk, then
renamed over the old file, so a crash never leaves half a catalog. Writers of one
catalog are serialised by a lock file next to it (works across processes; see
:mod:`l10n_service.locking` for the cross-machine Redis lock).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import polib

from ..errors import CatalogError

__all__ = ["parse_po", "read_po", "render_po", "write_atomic", "write_po"]

WRAP_WIDTH = 79
MAX_CATALOG_BYTES = 200 * 1024 * 1024
_LINE_IN_ERROR = re.compile(r"line (\d+)")


def parse_po(text: str, name: str = "<catalog>") -> polib.POFile:
    """Parse PO text, turning polib's errors into :class:`CatalogError` with a line."""
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH, check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        message = str(exc)
        match = _LINE_IN_ERROR.search(message)
        raise CatalogError(message, name, int(match.group(1)) if match else None) from None
    return po


def read_po(path: Path) -> polib.POFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError("no such catalog", path) from None
    return parse_po(decode_po(data, str(path)), str(path))


def decode_po(data: bytes, name: str) -> str:
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"{len(data)} bytes is over the {MAX_CATALOG_BYTES} byte limit", name)
    charset = _declared_charset(data)
    try:
        return data.decode(charset)
    except LookupError:
        raise CatalogError(f"unknown charset {charset!r} in the Content-Type header", name) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {charset}", name, line
        ) from None


def _declared_charset(data: bytes) -> str:
    match = re.search(rb"charset=([A-Za-z0-9_.:-]+)", data[:4096])
    if not match or match.group(1).upper() in (b"CHARSET", b"UTF-8", b"UTF8"):
        return "utf-8"
    return match.group(1).decode("ascii")


def render_po(po: polib.POFile) -> str:
    po.wrapwidth = WRAP_WIDTH
    po.encoding = "utf-8"
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_po(po: polib.POFile, path: Path) -> None:
    write_atomic(path, render_po(po).encode("utf-8"))

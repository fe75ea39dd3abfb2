"""Which charset a catalog is in, and bytes to text and back.

A PO file says its own charset in the header (``Content-Type: text/plain;
charset=...``), so the header is found in the raw bytes before anything is decoded.
Every decoding problem is a :class:`CatalogError` naming the file and, for a bad
byte, its line. One decoder serves files on disk and translators' uploads; an
upload is also checked for the classic mislabelling (saved as UTF-8, declared
ISO-8859-1), which decodes without error into mojibake.
"""

from __future__ import annotations

import codecs
import re

import polib

from ..errors import CatalogError

__all__ = ["MAX_CATALOG_BYTES", "charset_of", "declared_charset", "decode_po", "encode_text"]

# A 100k-entry catalog is ~15 MB; anything much larger is a mistake or an attack.
MAX_CATALOG_BYTES = 64 * 1024 * 1024

_CHARSET = re.compile(rb"Content-Type:[^\"\n]*?charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_DEFAULT = "UTF-8"


def declared_charset(data: bytes) -> str | None:
    """The charset the header declares, as written; None when it declares none (or
    still holds the template's ``CHARSET`` placeholder)."""
    match = _CHARSET.search(data[:65536])
    if not match or match.group(1).upper() == b"CHARSET":
        return None
    return match.group(1).decode("ascii")


def decode_po(
    data: bytes,
    name: str,
    *,
    max_bytes: int = MAX_CATALOG_BYTES,
    refuse_mislabelled_utf8: bool = False,
) -> str:
    """Bytes to text in the charset the header declares (UTF-8 when it declares none).

    ``refuse_mislabelled_utf8``: a file that declares another charset but whose
    bytes are valid, non-ASCII UTF-8 is refused instead of read as mojibake (for
    uploads: a translator's editor saved UTF-8 and kept an old header)."""
    if len(data) > max_bytes:
        raise CatalogError(f"{len(data)} bytes is over the {max_bytes} byte limit", name)
    declared = declared_charset(data)
    charset = declared or _DEFAULT
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise CatalogError(
            f"wrong charset: unknown charset {charset!r} in the Content-Type header", name
        ) from None
    if refuse_mislabelled_utf8 and codec != "utf-8" and not data.isascii() and _is_utf8(data):
        raise CatalogError(
            f"wrong charset: the header declares {charset} but the file is UTF-8; "
            "set 'Content-Type: text/plain; charset=UTF-8'",
            name,
        )
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        whose = "the charset the header declares" if declared else "the default charset"
        raise CatalogError(
            f"wrong charset: byte 0x{data[exc.start]:02x} is not valid {charset}, {whose}",
            name,
            line,
        ) from None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def charset_of(po: polib.POFile) -> str | None:
    """The charset a parsed catalog's header declares, or None."""
    match = re.search(r"charset=([A-Za-z0-9_.:-]+)", po.metadata.get("Content-Type", ""))
    if not match or match.group(1).upper() == "CHARSET":
        return None
    return match.group(1)


def encode_text(text: str, po: polib.POFile, name: str, *, first_line: int = 0) -> bytes:
    """Rendered catalog text in the charset its header declares (UTF-8 by default).

    ``first_line``: how many lines came before ``text`` (a catalog encoded in pieces),
    so an error names the line of the file."""
    charset = charset_of(po) or _DEFAULT
    try:
        return text.encode(charset)
    except LookupError:
        raise CatalogError(
            f"unknown charset {charset!r} in the Content-Type header", name
        ) from None
    except UnicodeEncodeError as exc:
        line = first_line + text[: exc.start].count("\n") + 1
        raise CatalogError(
            f"{text[exc.start]!r} cannot be written in the declared charset {charset}", name, line
        ) from None

"""Catalog files: read one, write one. The facade the rest of the package uses.

Reading is :func:`.parse.read_po` (a path, bytes or a binary file object, with
optional upload checks); writing renders (:mod:`.render`: unchanged parts byte for
byte), encodes in the declared charset, and replaces the file atomically
(:func:`..storage.write_atomic`), so any error leaves the old file untouched and a
crash never leaves half a catalog.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import polib

from ..storage import write_atomic
from .charset import MAX_CATALOG_BYTES, decode_po
from .layout import WRAP_WIDTH, copy_layout, copy_source
from .metadata import PLACEHOLDER_PLURAL_FORMS, plural_forms_problem
from .parse import TEMPLATE, UPLOAD_CHECKS, ReadOptions, parse_po, read_po
from .render import encode_chunks, encode_po, render_po

__all__ = [
    "MAX_CATALOG_BYTES",
    "PLACEHOLDER_PLURAL_FORMS",
    "TEMPLATE",
    "UPLOAD_CHECKS",
    "WRAP_WIDTH",
    "ReadOptions",
    "copy_layout",
    "copy_source",
    "decode_po",
    "encode_po",
    "parse_po",
    "plural_forms_problem",
    "read_po",
    "render_po",
    "write_po",
]


def write_po(po: polib.POFile, path: Path) -> tuple[int, bytes]:
    """Render, encode, then replace the file; any error leaves the old file untouched.

    The text is rendered, encoded and written a piece at a time (into the temporary
    file that then replaces ``path``), never held whole. Returns the size and SHA-256
    digest of the bytes written: a caller that keeps ``po`` can tell later, from the
    file's content, whether the file still holds what ``po`` describes."""
    hasher = hashlib.sha256()
    size = 0

    def counted() -> Iterator[bytes]:
        nonlocal size
        for piece in encode_chunks(po, str(path)):
            hasher.update(piece)
            size += len(piece)
            yield piece

    write_atomic(path, counted())
    return size, hasher.digest()

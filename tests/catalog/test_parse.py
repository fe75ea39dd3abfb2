"""read_po reads a path, bytes or a binary file object through the same decoder
and parser, and its options add the checks an upload needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from l10n_service.catalog.parse import UPLOAD_CHECKS, ReadOptions, read_po
from l10n_service.catalog.render import render_po
from l10n_service.errors import CatalogError

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
BODY = '#. a comment\nmsgctxt "p1.s1"\nmsgid "Café"\nmsgstr "Kaffee"\n'


def _catalog(charset: str = "UTF-8", encoding: str = "utf-8") -> bytes:
    return (HEADER.format(charset=charset) + BODY).encode(encoding)


def test_a_path_bytes_and_a_file_object_read_the_same(tmp_path: Path) -> None:
    data = _catalog()
    path = tmp_path / "de.po"
    path.write_bytes(data)
    with path.open("rb") as handle:
        from_file = read_po(handle)
    read = [read_po(path), read_po(str(path)), read_po(data), read_po(io.BytesIO(data)), from_file]
    assert {render_po(po).encode() for po in read} == {data}
    assert {po[0].msgid for po in read} == {"Café"}


def test_errors_name_what_was_read(tmp_path: Path) -> None:
    broken = _catalog() + b'msgid "x" junk\n'
    path = tmp_path / "broken.po"
    path.write_bytes(broken)
    with path.open("rb") as handle, pytest.raises(CatalogError, match=f"^{path}:9: "):
        read_po(handle)
    with pytest.raises(CatalogError, match=r"^<catalog>:9: "):
        read_po(io.BytesIO(broken))
    with pytest.raises(CatalogError, match=r"^upload\.po:9: "):
        read_po(broken, "upload.po")


def test_a_stream_is_read_no_further_than_the_limit() -> None:
    stream = io.BytesIO(_catalog() * 50)
    with pytest.raises(CatalogError, match="over the 1000 byte limit"):
        read_po(stream, options=ReadOptions(max_bytes=1000))
    assert stream.tell() == 1001


def test_a_text_mode_file_is_a_programming_error(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    path.write_bytes(_catalog())
    with path.open("r", encoding="utf-8") as handle, pytest.raises(TypeError, match="binary"):
        read_po(handle)  # type: ignore[arg-type]


def test_a_declared_latin1_file_is_decoded_as_latin1() -> None:
    assert read_po(_catalog("ISO-8859-1", "latin-1"))[0].msgid == "Café"


def test_utf8_labelled_latin1_is_read_as_declared_unless_refused() -> None:
    """On disk the header is trusted (msgfmt does the same); an upload is refused."""
    mislabelled = _catalog("ISO-8859-1", "utf-8")
    assert read_po(mislabelled)[0].msgid == "CafÃ©"
    with pytest.raises(CatalogError, match="declares ISO-8859-1 but the file is UTF-8"):
        read_po(mislabelled, "up.po", options=UPLOAD_CHECKS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BODY.encode(), "no PO header"),
        (b'msgid ""\nmsgstr "Language de\\n"\n\n' + BODY.encode(), "header line 1 'Language de'"),
        (b'msgid ""\nmsgstr "Language: de\\n"\n\n' + BODY.encode(), "no 'Content-Type"),
    ],
)
def test_an_upload_needs_a_proper_header(data: bytes, message: str) -> None:
    read_po(data)  # any catalog may do without
    with pytest.raises(CatalogError, match=message):
        read_po(data, "up.po", options=UPLOAD_CHECKS)


def test_the_longest_translation_is_an_option() -> None:
    data = _catalog().replace(b"Kaffee", b"K" * 50)
    read_po(data, options=ReadOptions(max_text_chars=50))
    with pytest.raises(CatalogError, match=r"up\.po:5: entry 'p1\.s1': a translation of 50"):
        read_po(data, "up.po", options=ReadOptions(max_text_chars=49))

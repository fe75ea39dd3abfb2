"""Uploads that must be refused, each with a message naming the problem, and a
catalog left exactly as it was. What is wrong with the file itself (header,
charset, size) is a CatalogError from the one reader, with the file and line; what
does not fit this workspace (language, article, template, revision) an UploadError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from l10n_service.errors import CatalogError, InputError, UploadError
from l10n_service.services.catalogs import import_po
from l10n_service.services.review import MAX_TEXT_CHARS, REVISION_HEADER, export_po
from l10n_service.workspace import Workspace
from tests.support.catalogs import catalog, entry, ids

Mutation = Callable[[Workspace, bytes], bytes]


def _po_edit(change: Callable[[polib.POFile], None]) -> Mutation:
    def mutate(ws: Workspace, data: bytes) -> bytes:
        po = polib.pofile(data.decode("utf-8"))
        change(po)
        return str(po).encode("utf-8")

    return mutate


def _translate_stale(po: polib.POFile) -> None:
    po.metadata.pop(REVISION_HEADER)
    po[0].msgctxt = "title.s1:000000"  # an id from an older version of the article
    po[0].msgstr = "Alter Titel"


def _replace(old: bytes, new: bytes) -> Mutation:
    return lambda ws, data: data.replace(old, new, 1)


def _latin1_declared(ws: Workspace, data: bytes) -> bytes:
    return data.replace(b"charset=UTF-8", b"charset=ISO-8859-1").replace(
        b'msgstr ""\n\n', 'msgstr "Märkte"\n\n'.encode(), 2
    )


REJECTED: list[tuple[str, Mutation, type[InputError], str]] = [
    ("wrong language", _po_edit(lambda po: po.metadata.update({"Language": "fr"})),
     UploadError, "for language 'fr', not 'de'"),
    ("wrong article", _po_edit(lambda po: po.metadata.update({"X-L10N-Article": "other"})),
     UploadError, "for article 'other', not 'post'"),
    ("old template", _po_edit(_translate_stale), UploadError, "made from an old template"),
    ("no header", lambda ws, data: data[data.index(b"\n\n") + 2 :].split(b"\n\n", 1)[1],
     CatalogError, "broken header: no PO header"),
    ("garbage header line", _replace(b'"MIME-Version: 1.0\\n"', b'"MIME Version 1.0\\n"'),
     CatalogError, "broken header: header line"),
    ("no content type", _replace(b'"Content-Type: text/plain; charset=UTF-8\\n"', b""),
     CatalogError, "broken header: no 'Content-Type"),
    ("bad revision", _replace(b"X-L10N-Revision: ", b"X-L10N-Revision: ../../etc"),
     UploadError, "broken header: X-L10N-Revision"),
    ("utf-8 labelled latin-1", _latin1_declared, CatalogError,
     "wrong charset: the header declares ISO-8859-1"),
    ("latin-1 labelled utf-8", _replace(b'msgstr ""\n\n', 'msgstr "Märkte"\n\n'.encode("latin-1")),
     CatalogError, "wrong charset: byte 0xe4 is not valid UTF-8"),
    ("unknown charset", _replace(b"charset=UTF-8", b"charset=KLINGON-1"), CatalogError,
     "wrong charset: unknown charset 'KLINGON-1'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "error", "message"), [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_uploads_are_refused(
    ws: Workspace, mutate: Mutation, error: type[InputError], message: str
) -> None:
    data = mutate(ws, export_po(ws, "post", "de").data)
    before = ws.po_path("post", "de").read_bytes()
    with pytest.raises(error, match=message.replace("(", r"\(")) as caught:
        import_po(ws, data, slug="post", lang="de", name="up.po")
    assert str(caught.value).startswith("up.po")
    assert ws.po_path("post", "de").read_bytes() == before


def test_a_10_mb_translation_is_refused(ws: Workspace) -> None:
    po = polib.pofile(export_po(ws, "post", "de").data.decode())
    po[1].msgstr = "A" * (10 * 1024 * 1024)
    with pytest.raises(CatalogError, match=f"over the {MAX_TEXT_CHARS} limit"):
        import_po(ws, str(po).encode(), slug="post", lang="de", name="big.po")
    assert all(not e.msgstr for e in catalog(ws))


def test_syntax_errors_name_the_line(ws: Workspace) -> None:
    data = export_po(ws, "post", "de").data + b'\nmsgid "x" junk\n'
    with pytest.raises(CatalogError, match=r"up\.po:\d+"):
        import_po(ws, data, slug="post", lang="de", name="up.po")


def test_a_correctly_declared_latin1_file_is_taken(ws: Workspace) -> None:
    po = polib.pofile(export_po(ws, "post", "de").data.decode())
    po.metadata["Content-Type"] = "text/plain; charset=ISO-8859-1"
    po[0].msgstr = "Märkte legen zu"
    data = str(po).encode("latin-1")
    import_po(ws, data, slug="post", lang="de", name="latin1.po")
    assert entry(catalog(ws), ids(ws)[0]).msgstr == "Märkte legen zu"


def test_the_export_keeps_its_base(ws: Workspace, tmp_path: Path) -> None:
    first = export_po(ws, "post", "de")
    assert first.stored == ws.state_dir / "exports" / "post" / "de" / f"{first.revision}.po"
    assert first.stored.read_bytes() == first.data
    assert export_po(ws, "post", "de").revision == first.revision  # same entries, same stamp
    po = catalog(ws)
    po[0].msgstr = "Neu"
    po.save()
    assert export_po(ws, "post", "de").revision != first.revision

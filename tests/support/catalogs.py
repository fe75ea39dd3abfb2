"""Helpers for tests on the ``ws`` fixture's catalogs (tests/conftest.py: a small text
article with a German catalog): read entries, and play the catalog's other writers
(machine translation, a second translator) by editing files directly."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polib

from l10n_service.mt.pseudo import pseudo_localize
from l10n_service.services.review import export_po
from l10n_service.workspace import Workspace
from tests.conftest import ARTICLE

__all__ = [
    "ARTICLE",
    "catalog",
    "edit",
    "entry",
    "export_to",
    "ids",
    "machine_translate",
    "translate_all",
]


def catalog(ws: Workspace, lang: str = "de") -> polib.POFile:
    return polib.pofile(str(ws.po_path("post", lang)))


def ids(ws: Workspace) -> list[str]:
    return [e.msgctxt for e in catalog(ws) if not e.obsolete]


def entry(po: polib.POFile, ctxt: str) -> polib.POEntry:
    return next(e for e in po if e.msgctxt == ctxt and not e.obsolete)


def edit(path: Path, ctxt: str, text: str, flags: Iterable[str] = ()) -> None:
    """Set one entry's msgstr and flags in a .po file, as a PO editor would."""
    po = polib.pofile(str(path))
    target = entry(po, ctxt)
    target.msgstr = text
    target.flags = list(flags)
    po.save()


def translate_all(ws: Workspace, prefix: str = "DE ") -> None:
    po = catalog(ws)
    for e in po:
        e.msgstr = prefix + e.msgid
    po.save()


def export_to(ws: Workspace, path: Path, lang: str = "de") -> Path:
    path.write_bytes(export_po(ws, "post", lang).data)
    return path


def machine_translate(ws: Workspace, slug: str = "post", lang: str = "de") -> None:
    """What an MT job leaves behind: pseudo-localised, ``#, fuzzy, machine``, provenance."""
    path = ws.po_path(slug, lang)
    po = polib.pofile(str(path))
    for e in po:
        if not e.msgstr and not e.obsolete:
            e.msgstr = pseudo_localize(e.msgid)
            e.flags = ["fuzzy", "machine"]
            e.comment = (e.comment + "\n" if e.comment else "") + "mt: engine=pseudo version=1"
    po.save()

"""A small text article with a German catalog, and helpers that play the catalog's
other writers (machine translation, a second translator) by editing files directly."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polib
import pytest

from l10n_service.mt.pseudo import pseudo_localize
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import update_languages
from l10n_service.services.review import export_po
from l10n_service.workspace import Workspace

ARTICLE = (
    "Markets Rally After the Vote\n\n"
    "Stocks rose sharply on Monday after the parliament approved the budget. "
    "Analysts expect the rally to continue through the week.\n\n"
    "Trading volumes were the highest this year.\n"
)


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    ws = Workspace.at(workspace)
    add_article(ws, ARTICLE.encode(), name="post.txt", slug="post")
    update_languages(ws, "post", ["de"])
    return ws


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

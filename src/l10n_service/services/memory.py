"""The translation memory in the workflow: fed by human work, asked before MT.

Every import and approval feeds the catalog's translated and approved entries into
the workspace's memory (SQLite, or PostgreSQL with ``L10N_TM_URL``). Before a
translation job sends anything to MT, untranslated entries whose exact source has a
human translation in the memory take it, with msgmerge-compendium semantics: not
fuzzy, and an extracted ``tm:`` comment saying where it came from.
"""

from __future__ import annotations

from ..catalog.store import read_po
from ..core.states import FUZZY_FLAG
from ..locking import catalog_lock
from ..tm.memory import TranslationMemory
from ..workspace import Workspace
from .index import write_catalog

__all__ = ["TM_COMMENT_PREFIX", "feed_memory", "reuse_exact_matches"]

TM_COMMENT_PREFIX = "tm:"


def source_language(ws: Workspace, slug: str) -> str:
    return str(ws.article_settings(slug)["source_lang"]) if ws.has_article(slug) else "en"


def feed_memory(ws: Workspace, slug: str, lang: str) -> int:
    path = ws.po_path(slug, lang)
    if not path.exists():
        return 0
    with TranslationMemory.open(ws.root) as memory:
        return memory.sync_catalog(read_po(path), source_language(ws, slug), lang, origin=slug)


def reuse_exact_matches(ws: Workspace, slug: str, lang: str) -> int:
    """Fill untranslated entries from exact memory hits; returns how many."""
    path = ws.po_path(slug, lang)
    with catalog_lock(path):
        po = read_po(path)
        empty = [e for e in po if not e.obsolete and not e.msgstr and not e.msgid_plural]
        if not empty:
            return 0
        with TranslationMemory.open(ws.root) as memory:
            hits = memory.exact(source_language(ws, slug), lang, [e.msgid for e in empty])
        reused = 0
        for entry, hit in zip(empty, hits, strict=True):
            if hit is None:
                continue
            entry.msgstr = hit.target
            entry.flags = [f for f in entry.flags if f != FUZZY_FLAG]
            note = f"{TM_COMMENT_PREFIX} {hit.state} in {hit.origin} ({hit.changed})"
            entry.comment = "\n".join([*(entry.comment or "").splitlines(), note])
            reused += 1
        if reused:
            write_catalog(ws, slug, lang, po)
    return reused

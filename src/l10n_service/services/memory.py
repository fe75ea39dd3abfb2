"""The translation memory in the workflow: fed by human work, asked before MT.

Every import and approval feeds the catalog's translated and approved entries into
the workspace's memory (SQLite, or PostgreSQL with ``L10N_TM_URL``). Before a
translation job sends anything to MT, untranslated entries whose exact source has a
human translation in the memory take it, with msgmerge-compendium semantics: not
fuzzy, and an extracted ``tm:`` comment saying where it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog.store import read_po
from ..core.states import FUZZY_FLAG
from ..locking import catalog_lock
from ..tm.location import may_hold_units
from ..workspace import Workspace
from .index import write_catalog

if TYPE_CHECKING:
    import polib

    from ..tm.memory import TranslationMemory

__all__ = ["TM_COMMENT_PREFIX", "MemoryReuse", "feed_memory", "reuse_exact_matches"]

TM_COMMENT_PREFIX = "tm:"


def source_language(ws: Workspace, slug: str) -> str:
    return str(ws.article_settings(slug)["source_lang"]) if ws.has_article(slug) else "en"


def feed_memory(ws: Workspace, slug: str, lang: str) -> int:
    path = ws.po_path(slug, lang)
    if not path.exists():
        return 0
    from ..tm.memory import TranslationMemory  # SQLAlchemy: only to feed it

    with TranslationMemory.open(ws.root) as memory:
        return memory.sync_catalog(read_po(path), source_language(ws, slug), lang, origin=slug)


def reuse_exact_matches(ws: Workspace, slug: str, lang: str) -> int:
    """Fill untranslated entries from exact memory hits; returns how many."""
    with MemoryReuse(ws) as reuse:
        return reuse.fill(slug, lang, read_po(ws.po_path(slug, lang)))[0]


class MemoryReuse:
    """Exact memory hits for the catalogs of many jobs created together: the memory
    is opened once (not once per catalog), a language pair it holds no unit for is
    not asked about, and a catalog is locked and rewritten only when it has hits, so
    creating a job costs reading its catalog once. A memory never fed is not opened
    at all: nothing to reuse, and no SQLAlchemy to import."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._memory: TranslationMemory | None = None
        self._pairs: dict[tuple[str, str], bool] = {}

    def __enter__(self) -> MemoryReuse:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._memory is not None:
            self._memory.close()

    def _holds(self, source: str, lang: str) -> TranslationMemory | None:
        """The memory, if it holds units for the pair (asked once per pair)."""
        if self._memory is None:
            if not may_hold_units(self.ws.root):
                return None
            from ..tm.memory import TranslationMemory

            self._memory = TranslationMemory.open(self.ws.root)
        if (source, lang) not in self._pairs:
            self._pairs[source, lang] = self._memory.count(source, lang) > 0
        return self._memory if self._pairs[source, lang] else None

    def fill(self, slug: str, lang: str, po: polib.POFile) -> tuple[int, polib.POFile]:
        """Fill the untranslated entries of ``slug``'s ``lang`` catalog from exact
        memory hits. ``po`` is the catalog as read without its lock: it is asked
        about, and returned as is when nothing is filled; otherwise the catalog is
        read again under its lock and filled. Returns (how many, the catalog now)."""
        empty = [e for e in po if not e.obsolete and not e.msgstr and not e.msgid_plural]
        if not empty:
            return 0, po
        source = source_language(self.ws, slug)
        memory = self._holds(source, lang)
        if memory is None:
            return 0, po
        if not any(memory.exact(source, lang, sorted({e.msgid for e in empty}))):
            return 0, po
        path = self.ws.po_path(slug, lang)
        with catalog_lock(path):
            po = read_po(path)  # a writer may have come between: fill what is there now
            empty = [e for e in po if not e.obsolete and not e.msgstr and not e.msgid_plural]
            hits = memory.exact(source, lang, [e.msgid for e in empty]) if empty else []
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
                write_catalog(self.ws, slug, lang, po)
        return reused, po

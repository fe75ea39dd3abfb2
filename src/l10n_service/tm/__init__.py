"""Translation memory: every translated or approved sentence, reusable across articles.

Stored with SQLAlchemy Core in SQLite (``<root>/.l10n/tm.sqlite``) or, when
``L10N_TM_URL=postgresql://...`` is set, in PostgreSQL; fed from catalogs
(:meth:`TranslationMemory.sync_catalog`) and TMX 1.4 files; looked up exactly (with
provenance) and fuzzily (scores from :class:`~l10n_service.core.fuzzy.FuzzyIndex`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .memory import Match, TranslationMemory

__all__ = ["Match", "TranslationMemory"]


def __getattr__(name: str) -> object:
    """The memory on first use: ``tm.location`` is imported without SQLAlchemy
    (what ``l10n translate`` asks before it knows it needs it)."""
    if name in __all__:
        from . import memory

        return getattr(memory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

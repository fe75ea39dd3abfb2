"""Translation memory: every translated or approved sentence, reusable across articles.

Stored with SQLAlchemy Core in SQLite (``<root>/.l10n/tm.sqlite``) or, when
``L10N_TM_URL=postgresql://...`` is set, in PostgreSQL; fed from catalogs
(:meth:`TranslationMemory.sync_catalog`) and TMX 1.4 files; looked up exactly (with
provenance) and fuzzily (scores from :class:`~l10n_service.core.fuzzy.FuzzyIndex`).
"""

from .memory import Match, TranslationMemory

__all__ = ["Match", "TranslationMemory"]

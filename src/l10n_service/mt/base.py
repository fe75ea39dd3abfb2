"""The engine interface (after Weblate's machinery base): capabilities as class
attributes, a few methods to implement, and our own errors out.

Everything the rest of the service needs to know about an engine is asked of this
class (its rank for ``auto``, its kind for notices, its queue, its provenance), so
nothing outside ``mt/`` ever compares engine names, and a new engine is one module
plus one entry point (see :mod:`l10n_service.mt.registry`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from ..core.provenance import Kind, is_real_translation

__all__ = ["ANY", "Engine", "language_code"]

# A wildcard in :meth:`Engine.pairs`: "any language" (pseudo-localisation).
ANY = "*"


def language_code(locale: str) -> str:
    """``pt_BR`` / ``pt-BR`` -> ``pt``: engines and queues work on languages."""
    return locale.replace("-", "_").split("_")[0].lower()


class Engine(ABC):
    """One machine-translation engine. One instance per process (it may hold loaded
    models or a helper process); :meth:`close` releases them.

    Subclasses set the class attributes and implement :meth:`pairs` and
    :meth:`translate_batch`; everything else has a default.
    """

    name: ClassVar[str]  # registry key: the entry point's name, and the job's engine
    label: ClassVar[str]  # shown to users wherever this engine's output appears
    kind: ClassVar[Kind]  # what sort of output: neural, rule-based or pseudo
    # ``auto`` uses the highest-ranked engine that supports the pair.
    rank: ClassVar[int] = 0
    # The most texts one translate_batch call receives (a chunk is cut to fit).
    batch_size: ClassVar[int] = 32
    # Segments per chunk (one MT task, then one catalog apply) this engine prefers,
    # used when the operator set no ``L10N_CHUNK_SIZE``; None: the default (32).
    # Every chunk costs a task round trip and an apply that reads and writes the
    # whole catalog, whatever its size; an engine whose cost per segment is small
    # and flat (a streaming pipeline) loses much of its speed to that with small
    # chunks, while one whose batches are slow (neural beam search) wants small
    # chunks for steady progress and cheap re-sends. Only engines that declare it
    # change their jobs' chunking.
    chunk_size: ClassVar[int | None] = None

    @abstractmethod
    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) language codes this engine can translate now, sorted;
        :data:`ANY` stands for any language."""

    @abstractmethod
    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate masked sentences, one output per input, in order. Placeholder
        tokens (``<1>``, ``</1>``, ``<2/>``) must come back unchanged; a sentence
        whose tokens do not is recorded as failed, not written. Raise
        :class:`~l10n_service.errors.TransientEngineError` for failures worth a retry
        (memory pressure, a helper process that died) and another
        :class:`~l10n_service.errors.EngineError` for the rest."""

    def supports(self, source: str, target: str) -> bool:
        """Whether :meth:`pairs` covers the pair (override when that is cheaper)."""
        src, tgt = language_code(source), language_code(target)
        return any(a in (src, ANY) and b in (tgt, ANY) for a, b in self.pairs())

    @classmethod
    def queue_for(cls, source: str, target: str) -> str:
        """The Celery queue a chunk for this pair goes to: one per language pair, so
        a worker consumes only pairs it has models for. An engine that supports any
        pair must override this to name a single queue."""
        return f"mt.{language_code(source)}-{language_code(target)}"

    def queues(self) -> set[str]:
        """Every queue a worker able to run this engine should consume."""
        return {self.queue_for(a, b) for a, b in self.pairs()}

    @classmethod
    def real_translation(cls) -> bool:
        return is_real_translation(cls.kind)

    def provenance(self, source: str, target: str) -> dict[str, str]:
        """What produced a translation, written into the catalog next to it
        (:func:`l10n_service.core.provenance.provenance_line`)."""
        return {"engine": self.name, "kind": self.kind, "label": self.label}

    def missing_hint(self) -> str:
        """How a user makes this engine support more pairs (said when ``auto`` or a
        request could not use it)."""
        return ""

    def describe(self) -> list[str]:
        """Lines for ``l10n models list``: what this engine can translate now."""
        pairs = self.pairs()
        if not pairs:
            return ["no language pairs available"]
        return [f"{a.replace(ANY, 'any')} -> {b.replace(ANY, 'any')}" for a, b in pairs]

    def close(self) -> None:  # noqa: B027  (an optional hook, empty by default)
        """Release what this instance holds (models, helper processes). Called when
        a worker process ends and after models are installed or removed; the next
        use makes a fresh instance."""

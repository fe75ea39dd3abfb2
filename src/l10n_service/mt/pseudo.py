"""Pseudo-localisation (the ``qps-ploc`` idea): accented, lengthened, bracketed text.

Not a translation: a standard l10n testing tool that shows, without any model,
which text is localisable, whether layouts survive ~40% longer strings and
non-ASCII letters, and whether placeholders make it through. Every output is
labelled as pseudo-localised wherever it appears.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.tokens import TOKEN_RE
from .base import ANY, Engine

__all__ = ["PseudoEngine", "pseudo_localize"]

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñöþǫŕšţüṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÖÞǪŔŠŢÜṼŴẊÝŽ",
)
_VOWELS = set("aeiouAEIOU")


def _stretch(text: str) -> str:
    # Doubling every vowel lengthens typical English by ~35-40%, like real German.
    return "".join(ch + ch if ch in _VOWELS else ch for ch in text).translate(_ACCENTS)


def pseudo_localize(masked: str) -> str:
    """Accent and lengthen the text, leaving placeholder tokens exactly as they are."""
    parts: list[str] = []
    pos = 0
    for match in TOKEN_RE.finditer(masked):
        parts.append(_stretch(masked[pos : match.start()]))
        parts.append(match.group())
        pos = match.end()
    parts.append(_stretch(masked[pos:]))
    return "[" + "".join(parts) + "]"


class PseudoEngine(Engine):
    name = "pseudo"
    label = "pseudo-localisation (qps-ploc style), not a real translation"
    kind = "pseudo"
    rank = 0  # last resort: anything real is better
    batch_size = 256

    def pairs(self) -> list[tuple[str, str]]:
        return [(ANY, ANY)]

    @classmethod
    def queue_for(cls, source: str, target: str) -> str:
        """One queue for every pair: any worker can pseudo-localise."""
        return "mt.pseudo"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [pseudo_localize(text) for text in texts]

    def provenance(self, source: str, target: str) -> dict[str, str]:
        return {**super().provenance(source, target), "version": "1"}

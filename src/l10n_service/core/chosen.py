"""The text chosen for each segment of an article in one language, as values.

:mod:`~l10n_service.core.localize` makes the choice; the formats (rebuilding an
article in its own format) and :mod:`~l10n_service.core.render` consume it. Kept
apart from both so a format never has to import the policy that chose the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Block, Segment

__all__ = ["LocalizedSegment", "block_text", "block_texts"]


@dataclass(frozen=True)
class LocalizedSegment:
    segment: Segment
    masked: str  # the masked text chosen (translation or source)
    state: str  # a SegmentState value, or "original" in the source language
    provenance: str = ""
    reason: str = ""  # why a translation was not used
    # How much a person changed the engine's text, 0 (not at all) to 1; None when
    # no machine text is known for the entry (see core.post_edit).
    machine_edit: float | None = None


def block_texts(chosen: Mapping[str, LocalizedSegment]) -> dict[str, str]:
    """Masked text per entry id where it differs from the source (already made safe
    for the article's format by :func:`~l10n_service.core.localize.localize`)."""
    return {
        entry_id: loc.masked
        for entry_id, loc in chosen.items()
        if loc.state != "original" and loc.masked != loc.segment.source
    }


def block_text(block: Block, chosen: Mapping[str, LocalizedSegment]) -> str:
    return block.text({s.entry_id: chosen[s.entry_id].masked for s in block.segments})

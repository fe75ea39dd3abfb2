"""What a merge of a template into a catalog did (:func:`.update.update_catalog`).

Apart from the merge because a catalog the index shows as current is reported
without merging: ``l10n translate`` on up-to-date catalogs needs this value, not
the merge's fuzzy matcher (rapidfuzz) that comes with :mod:`.update`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["UpdateReport"]


@dataclass
class UpdateReport:
    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0
    fuzzy_pairs: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.fuzzy or self.new or self.obsolete)

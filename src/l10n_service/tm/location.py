"""Where the translation memory lives, without the memory's own imports.

A job's planner asks whether there can be a memory to reuse before it opens one:
opening imports SQLAlchemy (about 0.17 s of CPU for a short-lived ``l10n
translate``; numpy and lxml come only with a fuzzy lookup or a TMX file), which a
workspace that never fed its memory need not pay (``services.memory.MemoryReuse``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_URL", "may_hold_units", "tm_url"]

ENV_URL = "L10N_TM_URL"


def tm_url(root: Path) -> str:
    """Where the memory lives: ``$L10N_TM_URL``, else SQLite inside the workspace."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    return f"sqlite:///{Path(root) / '.l10n' / 'tm.sqlite'}"


def may_hold_units(root: Path) -> bool:
    """False only when the memory certainly holds nothing: no ``$L10N_TM_URL`` and
    no SQLite file of it yet (it is created when first fed or opened)."""
    url = tm_url(root)
    return not url.startswith("sqlite:///") or Path(url[len("sqlite:///") :]).exists()

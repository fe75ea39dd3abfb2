"""The whole-workspace status summary, computed by the workspace index.

At newsroom scale (10,000 articles x 3 languages) a line per catalog is 30,000
lines nobody reads, and building them was what made ``l10n status`` grow with the
workspace. The summary is a few aggregate queries instead (``GROUP BY lang``, a
count of the articles, two ``LIMIT`` lists): SQLite walks the rows, Python
receives a handful of them whatever the workspace's size.

"Needs attention" and "mostly machine" are written twice, here in SQL and on
:class:`..core.listing.StatusRow` in Python; the tests hold the summary equal to
sums over the per-catalog rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.listing import LanguageSummary, StatusRow, StatusSummary
from ..core.locales import normalize_locale
from ..core.post_edit import WARN_SHARE
from ..errors import CatalogError
from ..workspace import Workspace
from .index import STATE_FILTERS, in_sync, sync
from .index_db import connection

__all__ = ["ATTENTION_LIMIT", "status_summary"]

ATTENTION_LIMIT = 20  # catalogs listed under the summary (``l10n status --all``: all)

# Conditions on one catalog row ``c`` (constants only: user input never reaches the
# SQL text). ``StatusRow.mostly_machine`` is ``round(unmodified / shown, 4) >
# WARN_SHARE``; in integers, so SQLite neither divides nor calls round() per row
# (they were half of the summary's cost at 30,000 catalogs): a share rounds above
# WARN_SHARE (4 decimals at most) exactly when it lies above the midpoint
# WARN_SHARE + 0.00005 = _MID / 20000, or on it if Python rounds that midpoint up.
_MID = round(WARN_SHARE * 20000) + 1
assert _MID == WARN_SHARE * 20000 + 1, "WARN_SHARE has more than 4 decimals"
_ABOVE = ">=" if round(_MID / 20000, 4) > WARN_SHARE else ">"
_SHOWN = "(c.machine + c.translated + c.approved)"
_MOSTLY_MACHINE = f"(20000 * c.unmodified {_ABOVE} {_MID} * {_SHOWN} AND {_SHOWN} > 0)"
_ATTENTION = f"(c.untranslated > 0 OR {STATE_FILTERS['needs-review']} OR {_MOSTLY_MACHINE})"
_STATUS_COLUMNS = (
    "c.slug, c.lang, c.untranslated + c.machine + c.fuzzy + c.translated + c.approved, "
    "c.untranslated, c.machine, c.translated, c.approved, c.fuzzy, c.unmodified"
)


def status_summary(
    ws: Workspace,
    *,
    langs: Sequence[str] = (),
    limit: int = ATTENTION_LIMIT,
    recheck: bool = False,
) -> StatusSummary:
    """Per language: catalogs, entries by state, the share of unmodified machine
    output and the catalogs needing attention; then the first ``limit`` of those
    (most outstanding entries first: untranslated, machine and fuzzy together)
    and the first ``limit`` mostly-machine ones for the warning. ``langs`` keeps
    those languages only. An unreadable catalog is an error, as in
    :func:`.index.catalog_status`. The index is re-checked against the files only
    when a watched folder changed (or with ``recheck``)."""
    conn = connection(ws)
    if recheck or not in_sync(ws, conn):
        sync(ws)
    where, params = "1", list[object]()
    if langs:
        codes = sorted({normalize_locale(lang) for lang in langs})
        where = f"c.lang IN ({', '.join('?' * len(codes))})"
        params = list(codes)
    languages = conn.execute(
        "SELECT c.lang, count(*), sum(c.untranslated), sum(c.machine), sum(c.translated), "
        "sum(c.approved), sum(c.fuzzy), sum(c.unmodified), sum(c.untranslated > 0), "
        f"sum({STATE_FILTERS['needs-review']}), sum({_MOSTLY_MACHINE}), sum({_ATTENTION}), "
        f"sum(c.problem IS NOT NULL) FROM catalogs c WHERE {where} "
        "GROUP BY c.lang ORDER BY c.lang",
        params,
    ).fetchall()
    if any(row[-1] for row in languages):
        (problem,) = conn.execute(
            f"SELECT problem FROM catalogs c WHERE {where} AND c.problem IS NOT NULL "
            "ORDER BY c.slug, c.lang LIMIT 1",
            params,
        ).fetchone()
        raise CatalogError(problem)
    if langs:  # the articles in those languages
        (articles,) = conn.execute(
            f"SELECT count(DISTINCT c.slug) FROM catalogs c WHERE {where}", params
        ).fetchone()
    else:  # every article, also one not yet in any language (just added)
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    attention = conn.execute(
        f"SELECT {_STATUS_COLUMNS} FROM catalogs c WHERE {where} AND {_ATTENTION} "
        "ORDER BY c.untranslated + c.machine + c.fuzzy DESC, c.slug, c.lang LIMIT ?",
        [*params, limit],
    ).fetchall()
    warned = conn.execute(
        f"SELECT {_STATUS_COLUMNS} FROM catalogs c WHERE {where} AND {_MOSTLY_MACHINE} "
        "ORDER BY c.slug, c.lang LIMIT ?",
        [*params, limit],
    ).fetchall()
    return StatusSummary(
        articles=int(articles),
        languages=tuple(LanguageSummary(*row[:-1]) for row in languages),
        attention=tuple(StatusRow(*row) for row in attention),
        warned=tuple(StatusRow(*row) for row in warned),
    )

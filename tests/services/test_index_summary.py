"""The whole-workspace status summary (``services/index_summary.py``): its numbers
are the sums of the per-catalog rows, and the rows it fetches from the index do
not grow with the workspace. Work is counted (rows, parses), never timed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from l10n_service.catalog.store import read_po, write_po
from l10n_service.core.listing import LanguageSummary, StatusRow
from l10n_service.errors import CatalogError
from l10n_service.services import index_summary
from l10n_service.services.catalogs import approve_entries, update_languages
from l10n_service.services.index import catalog_status
from l10n_service.services.index_summary import status_summary
from l10n_service.services.machine import start_job
from l10n_service.workspace import Workspace
from tests.services.test_index import Reads, _inline, newsroom, settle


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


def mixed_newsroom(root: Path, count: int = 8) -> Workspace:
    """Articles in every state: untranslated, machine-translated (unmodified, so
    mostly machine), edited by a translator, approved, one in a third language."""
    ws = newsroom(root, count)
    for slug, lang in (("s001", "de"), ("s002", "fr"), ("s003", "de"), ("s004", "de")):
        start_job(ws, slug, lang, engine="pseudo", dispatch=_inline(ws))
    po = read_po(ws.po_path("s003", "de"))
    for e in po:
        e.msgstr, e.flags = f"Fertig: {e.msgid}", []
    write_po(po, ws.po_path("s003", "de"))  # a translator's edit: translated, 0% MT
    po = read_po(ws.po_path("s005", "fr"))
    po[0].msgstr = "Le port"
    write_po(po, ws.po_path("s005", "fr"))  # half translated
    update_languages(ws, "s006", ["pt-BR"])
    ids = [e.msgctxt for e in read_po(ws.po_path("s003", "de")) if not e.obsolete]
    approve_entries(ws, "s003", "de", who="ana", ids=ids[:1], force=True)
    return ws


def expected(rows: list[StatusRow], limit: int) -> dict[str, Any]:
    """The summary as sums over the per-catalog rows, in Python."""
    languages = []
    for lang in sorted({r.lang for r in rows}):
        mine = [r for r in rows if r.lang == lang]
        sums = {
            f: sum(getattr(r, f) for r in mine)
            for f in ("untranslated", "machine", "translated", "approved", "fuzzy",
                      "unmodified_machine")
        }  # fmt: skip
        reasons = {
            "to_translate": sum(r.untranslated > 0 for r in mine),
            "to_review": sum(r.machine > 0 or r.fuzzy > 0 for r in mine),
            "mostly_machine": sum(r.mostly_machine for r in mine),
            "attention": sum(r.needs_attention for r in mine),
        }
        languages.append(LanguageSummary(lang, len(mine), **sums, **reasons))
    attention = sorted(
        (r for r in rows if r.needs_attention),
        key=lambda r: (-(r.untranslated + r.machine + r.fuzzy), r.slug, r.lang),
    )
    return {
        "articles": len({r.slug for r in rows}),
        "languages": tuple(languages),
        "attention": tuple(attention[:limit]),
        "warned": tuple(r for r in rows if r.mostly_machine)[:limit],
    }


@pytest.mark.parametrize("langs", [(), ("de",), ("fr", "pt-BR")])
def test_summary_equals_the_per_catalog_sums(tmp_path: Path, langs: tuple[str, ...]) -> None:
    ws = mixed_newsroom(tmp_path / "ws")
    rows = catalog_status(ws)
    if langs:
        rows = [r for r in rows if r.lang in {lang.replace("-", "_") for lang in langs}]
    summary = status_summary(ws, langs=langs, limit=4)
    want = expected(rows, 4)
    assert summary.articles == want["articles"]
    assert summary.languages == want["languages"]
    assert summary.attention == want["attention"]
    assert summary.warned == want["warned"]
    # The states this workspace was built to have are all there.
    if not langs:
        totals = summary.totals
        assert totals.catalogs == len(rows) == 17
        assert totals.to_translate and totals.to_review and totals.mostly_machine
        assert totals.translated and totals.approved and totals.machine_share is not None
        assert totals.attention == sum(r.needs_attention for r in rows) == 16
        assert [s.lang for s in summary.languages] == ["de", "fr", "pt_BR"]


def test_an_unreadable_catalog_is_an_error_as_before(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 3)
    ws.po_path("s001", "fr").write_text('msgid "broken\n')
    with pytest.raises(CatalogError):
        status_summary(ws)
    with pytest.raises(CatalogError):
        catalog_status(ws)
    assert status_summary(ws, langs=["de"]).catalogs == 3  # not the language asked for


class CountingConnection:
    """The index connection, counting the rows each query hands to Python."""

    def __init__(self, conn: Any, fetched: list[int]) -> None:
        self.conn, self.fetched = conn, fetched

    def execute(self, *args: Any) -> CountingCursor:
        return CountingCursor(self.conn.execute(*args), self.fetched)


class CountingCursor:
    def __init__(self, cursor: Any, fetched: list[int]) -> None:
        self.cursor, self.fetched = cursor, fetched

    def __iter__(self) -> Iterator[Any]:
        for row in self.cursor:
            self.fetched[0] += 1
            yield row

    def fetchone(self) -> Any:
        row = self.cursor.fetchone()
        self.fetched[0] += row is not None
        return row

    def fetchall(self) -> list[Any]:
        rows = self.cursor.fetchall()
        self.fetched[0] += len(rows)
        return list(rows)


def test_summary_rows_fetched_do_not_grow_with_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: Reads
) -> None:
    """On a workspace 4x larger the summary fetches the same rows from the index
    (a line per language, two bounded lists) and parses no catalog."""
    fetched = [0]
    real = index_summary.connection

    def counting(ws: Workspace) -> CountingConnection:
        return CountingConnection(real(ws), fetched)

    monkeypatch.setattr(index_summary, "connection", counting)
    work = {}
    for size in (8, 32):
        ws = newsroom(tmp_path / f"ws{size}", size)
        settle()
        status_summary(ws)  # the first full check of the files
        fetched[0] = reads.po = 0
        summary = status_summary(ws, limit=5)
        assert summary.catalogs == 2 * size and summary.totals.attention == 2 * size
        assert len(summary.attention) == 5
        work[size] = (fetched[0], reads.po)
    assert work[8] == work[32]
    assert work[8][1] == 0


@settings(max_examples=300, deadline=None)
@given(
    shown=st.integers(1, 2_000_000),
    share=st.one_of(st.floats(0, 1), st.sampled_from([0.5, 0.50005, 0.5001, 0.49995])),
    nudge=st.integers(-2, 2),
)
@example(shown=20000, share=0.50005, nudge=0)  # exactly on the midpoint: rounds to 0.5
@example(shown=60000, share=0.50005, nudge=1)
@example(shown=2, share=0.5, nudge=0)
def test_mostly_machine_in_sql_is_the_rounded_share_in_python(
    shown: int, share: float, nudge: int
) -> None:
    """The summary's integer test agrees with ``StatusRow.mostly_machine`` (a share
    rounded to 4 places, then compared), on the midpoints too."""
    unmodified = min(shown, max(0, round(shown * share) + nudge))
    row = StatusRow("s", "de", shown, 0, shown, 0, 0, 0, unmodified)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE c (unmodified, machine, translated, approved)")
    conn.execute("INSERT INTO c VALUES (?, ?, 0, 0)", (unmodified, shown))
    (found,) = conn.execute(f"SELECT {index_summary._MOSTLY_MACHINE} FROM c").fetchone()
    assert bool(found) == row.mostly_machine


def test_an_article_not_yet_in_any_language_is_counted(ws: Workspace) -> None:
    """``l10n add`` before any ``update --lang``: the summary line said "0 articles"."""
    from l10n_service.services.articles import add_article

    add_article(ws, b"Another story begins here.\n", name="other.txt", slug="other")
    summary = status_summary(ws)
    assert (summary.articles, summary.catalogs) == (2, 1)
    assert status_summary(ws, langs=["de"]).articles == 1  # those in the languages asked

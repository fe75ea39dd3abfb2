"""The workspace index, read and checked against the files: ``.l10n/index.sqlite``
(its store, schema and writes: :mod:`.index_db`).

The files stay the truth. A row whose size or mtime no longer matches its file is
re-read from that file (that catalog only); a missing or unreadable index is
rebuilt from the files. Deleting it is always safe. Readers that must not be
O(workspace) (the front page, the status summary) check the directories' mtimes
instead of every file: a write anywhere (ours or an editor's rename) changes its
folder's mtime, and our own writes move the recorded mtime along with them
(compare-and-set, :func:`.index_db.record_catalog`), so only foreign changes cost
a full re-check (:func:`sync`).

The writes are re-exported here (``index.write_catalog``): callers need not know
which half of the index a function lives in.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Final

from ..catalog.store import read_po
from ..core.listing import (
    LIST_STATES,
    ArticleEntry,
    ArticlePage,
    CatalogRow,
    ListQuery,
    StatusRow,
)
from ..core.locales import normalize_locale
from ..core.model import SegmentState
from ..errors import CatalogError, L10nError
from ..workspace import SETTLED_NS, Workspace, is_slug
from .index_db import (
    INDEX_NAME,
    KEEP,
    ROW_COLUMNS,
    Counted,
    article_stamp,
    catalog_row,
    connection,
    count_catalog,
    count_entry,
    count_states,
    dir_key,
    file_stamp,
    fresh_row,
    record_catalog,
    record_template,
    settings_or_empty,
    source_stamp,
    stamp_text,
    stored_template,
    template_hash,
    upsert_row,
    write_catalog,
    write_transaction,
)

__all__ = [
    "INDEX_NAME",
    "KEEP",
    "STATE_FILTERS",
    "ArticleEntry",
    "ArticlePage",
    "CatalogRow",
    "Counted",
    "ListQuery",
    "StatusRow",
    "article_stamp",
    "catalog_rows",
    "catalog_status",
    "count_catalog",
    "count_entry",
    "count_states",
    "fresh_row",
    "list_articles",
    "record_catalog",
    "record_template",
    "stored_template",
    "sync",
    "template_hash",
    "write_catalog",
]


# ``?state=`` values of the lists (core.listing.LIST_STATES), as conditions on one
# catalog row (constants only: user input never reaches the SQL text).
STATE_FILTERS: Final[dict[str, str]] = {
    "untranslated": "c.untranslated > 0",
    "machine": "c.machine > 0",
    "fuzzy": "c.fuzzy > 0",
    "needs-review": "(c.machine > 0 OR c.fuzzy > 0)",
    "translated": "(c.untranslated = 0 AND c.machine = 0 AND c.fuzzy = 0)",
    "approved": "(c.untranslated = 0 AND c.machine = 0 AND c.fuzzy = 0 AND c.translated = 0)",
    "problem": "c.problem IS NOT NULL",
}
assert tuple(STATE_FILTERS) == LIST_STATES

# ---- reading, checked against the files -------------------------------------------


def _reread(conn: sqlite3.Connection, slug: str, lang: str, path: Path) -> None:
    """Count one catalog from its file (its row was stale or missing). The template
    it was merged with is unknown now: the next update merges it again."""
    stamp = file_stamp(path)
    if stamp is None:
        conn.execute("DELETE FROM catalogs WHERE slug = ? AND lang = ?", (slug, lang))
        return
    try:
        counted, problem = count_catalog(read_po(path)), None
    except L10nError as exc:
        counted, problem = (dict.fromkeys(SegmentState, 0), 0), " ".join(str(exc).split())
    with write_transaction(conn):
        upsert_row(conn, slug, lang, stamp, counted, problem, None)


def catalog_rows(
    ws: Workspace, slug: str | None = None, *, recheck: bool = False
) -> list[CatalogRow]:
    """Every catalog (or one article's), in (slug, lang) order. One article's rows
    are each checked against their file (a stat; stale rows are re-read). For the
    whole workspace, the rows are trusted while no watched folder changed (an
    atomic write, a new or removed file all change their folder's mtime), else,
    or with ``recheck``, every file is checked (:func:`sync`)."""
    conn = connection(ws)
    if slug is None:
        if recheck or not in_sync(ws, conn):
            sync(ws)
        return [
            catalog_row(r)
            for r in conn.execute(f"SELECT {ROW_COLUMNS} FROM catalogs ORDER BY slug, lang")
        ]
    found = [(slug, lang, ws.po_path(slug, lang)) for lang in ws.languages(slug)]
    rows = _checked(ws, found)
    known = {r.lang for r in rows}
    stored = conn.execute("SELECT lang FROM catalogs WHERE slug = ?", (slug,)).fetchall()
    gone = [(slug, lang) for (lang,) in stored if lang not in known]
    if gone:
        with write_transaction(conn):
            conn.executemany("DELETE FROM catalogs WHERE slug = ? AND lang = ?", gone)
    return rows


def catalog_status(
    ws: Workspace,
    slug: str | None = None,
    *,
    recheck: bool = False,
    langs: Collection[str] = (),
) -> list[StatusRow]:
    """Counts by state per catalog, from the index (:func:`catalog_rows`), of every
    language or of ``langs``. A catalog that cannot be read is an error here, as
    when status parsed every file."""
    codes = sorted({normalize_locale(lang) for lang in langs})
    if slug is None:
        # Straight from the query: at 30,000 catalogs every object per row shows.
        conn = connection(ws)
        if recheck or not in_sync(ws, conn):
            sync(ws)
        where = f"WHERE lang IN ({', '.join('?' * len(codes))}) " if codes else ""
        found = conn.execute(
            "SELECT slug, lang, untranslated + machine + fuzzy + translated + approved, "
            "untranslated, machine, translated, approved, fuzzy, unmodified, problem "
            f"FROM catalogs {where}ORDER BY slug, lang",
            codes,
        ).fetchall()
    else:
        found = [
            (r.slug, r.lang, r.total, r.untranslated, r.machine, r.translated, r.approved,
             r.fuzzy, r.unmodified_machine, r.problem)
            for r in catalog_rows(ws, slug) if not codes or r.lang in codes
        ]  # fmt: skip
    rows = []
    for *values, problem in found:
        if problem is not None:
            raise CatalogError(problem)
        rows.append(StatusRow(*values))
    return rows


def _scan_catalogs(ws: Workspace) -> Iterator[tuple[str, str, Path]]:
    """``locales/<lang>/LC_MESSAGES/<slug>.po`` files, listed with scandir (no
    glob over the thousands of templates beside the language folders)."""
    for lang in ws.language_dirs():
        folder = ws.locales_dir / lang / "LC_MESSAGES"
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            name = entry.name
            if name.endswith(".po") and is_slug(name[:-3]):
                yield name[:-3], lang, Path(entry.path)


def _checked(
    ws: Workspace, found: Iterable[tuple[str, str, Path]], *, everything: bool = False
) -> list[CatalogRow]:
    conn = connection(ws)
    wanted = list(found)
    if everything:
        stored = {
            (r[2], r[3]): r
            for r in conn.execute(f"SELECT size, mtime_ns, {ROW_COLUMNS} FROM catalogs")
        }
        keys = {(s, lang) for s, lang, _ in wanted}
        gone = [k for k in stored if k not in keys]
    else:
        stored = {}
        for s, lang, _ in wanted:
            hit = conn.execute(
                f"SELECT size, mtime_ns, {ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?",
                (s, lang),
            ).fetchone()
            if hit is not None:
                stored[(s, lang)] = hit
        gone = []
    rows: list[CatalogRow] = []
    for s, lang, path in wanted:
        stamp = file_stamp(path)
        if stamp is None:
            continue
        hit = stored.get((s, lang))
        if hit is None or (hit[0], hit[1]) != stamp:
            _reread(conn, s, lang, path)
            hit = conn.execute(
                f"SELECT size, mtime_ns, {ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?",
                (s, lang),
            ).fetchone()
            if hit is None:
                continue
        rows.append(catalog_row(hit[2:]))
    if gone:
        with write_transaction(conn):
            conn.executemany("DELETE FROM catalogs WHERE slug = ? AND lang = ?", gone)
    return rows


# ---- lists (front page, API) -------------------------------------------------------


def _watched(ws: Workspace, langs: Iterable[str]) -> list[Path]:
    """Folders whose mtime changes when an article or catalog comes, goes or is
    replaced (an atomic write is a rename into the folder)."""
    return [
        ws.locales_dir,
        ws.articles_dir,
        ws.state_dir / "articles",
        *(ws.locales_dir / lang / "LC_MESSAGES" for lang in langs),
    ]


def in_sync(ws: Workspace, conn: sqlite3.Connection) -> bool:
    recorded = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'dir:%'"))
    if not recorded:
        return False
    for key, value in recorded.items():
        found = file_stamp(ws.root / key[4:])
        if str(found[1] if found else "-") != value:
            return False
    return True


def sync(ws: Workspace) -> None:
    """Bring the whole index in line with the files: every catalog (stat, re-read if
    stale) and every article (title re-read when its source or settings changed)."""
    conn = connection(ws)
    langs = ws.language_dirs()
    folders = {dir_key(ws, f): file_stamp(f) for f in _watched(ws, langs)}
    _checked(ws, sorted(_scan_catalogs(ws)), everything=True)
    stored = {r[0]: r for r in conn.execute("SELECT slug, file, stamp FROM articles")}
    slugs = set(ws.slugs())
    stale = []
    for slug in slugs:
        hit = stored.get(slug)
        settings = stamp_text(ws.article_settings_path(slug))
        if hit is None or hit[2] != f"{source_stamp(ws, hit[1])}|{settings}":
            stale.append(slug)
    for slug in stale:
        _record_article(ws, conn, slug)
    now = time.time_ns()
    settled = all(v is None or now - v[1] > SETTLED_NS for v in folders.values())
    with write_transaction(conn):
        conn.executemany(
            "DELETE FROM articles WHERE slug = ?", [(s,) for s in stored if s not in slugs]
        )
        conn.execute("DELETE FROM meta WHERE key LIKE 'dir:%'")
        if settled:  # else a change in the same clock tick could hide: check next time
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [(k, str(v[1]) if v else "-") for k, v in folders.items()],
            )


def _record_article(ws: Workspace, conn: sqlite3.Connection, slug: str) -> None:
    from .articles import load_article  # the article parsers, only for a changed article

    stamp = article_stamp(ws, slug)  # before reading: a change meanwhile shows next time
    settings = settings_or_empty(ws, slug)
    title = slug
    if settings:
        with contextlib.suppress(L10nError):
            title = load_article(ws, slug).title or slug
    file = settings.get("file")
    with write_transaction(conn):
        # A changed article may bring a new template: its recorded hash is dropped.
        conn.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
            (slug, title, settings.get("format"), settings.get("source_lang"), file, stamp),
        )


def list_articles(ws: Workspace, query: ListQuery) -> ArticlePage:
    """One page of articles with their catalogs' counts, filtered in the index. The
    whole index is re-checked only when a watched folder changed; the rows shown
    are checked against their files either way."""
    conn = connection(ws)
    if not in_sync(ws, conn):
        sync(ws)
    where, params = _where(query)
    total = conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]
    found = conn.execute(
        f"SELECT slug, title, format, source_lang FROM articles a WHERE {where} "
        "ORDER BY slug LIMIT ? OFFSET ?",
        [*params, query.per_page, (query.page - 1) * query.per_page],
    ).fetchall()
    entries = []
    for slug, title, fmt, source_lang in found:
        langs = [lang for (lang,) in conn.execute(
            "SELECT lang FROM catalogs WHERE slug = ? ORDER BY lang", (slug,))]  # fmt: skip
        rows = _checked(ws, [(slug, lang, ws.po_path(slug, lang)) for lang in langs])
        entries.append(ArticleEntry(slug, title, fmt, source_lang, tuple(rows)))
    return ArticlePage(query, int(total), tuple(entries))


def _where(query: ListQuery) -> tuple[str, list[object]]:
    clauses, params = ["1"], list[object]()
    if query.q:
        pattern = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(a.title LIKE ? ESCAPE '\\' OR a.slug LIKE ? ESCAPE '\\')")
        params += [pattern, pattern]
    if query.lang or query.state:
        inner = ["c.slug = a.slug"]
        if query.lang:
            inner.append("c.lang = ?")
            params.append(normalize_locale(query.lang))
        if query.state:
            inner.append(STATE_FILTERS[query.state])
        clauses.append(f"EXISTS (SELECT 1 FROM catalogs c WHERE {' AND '.join(inner)})")
    return " AND ".join(clauses), params

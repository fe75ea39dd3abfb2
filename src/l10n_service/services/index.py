"""The workspace index: ``.l10n/index.sqlite``, a cache of what the files say.

Counting a catalog's states means parsing it, and a newsroom has tens of thousands
of catalogs: ``l10n status``, the front page and the API lists cannot parse them
all on every call. The index keeps, per catalog (slug, lang), the counts by state
(:func:`..core.post_edit.catalog_state`: unmodified machine output is machine), the hash of the
template it was last merged with, and the file's size and mtime; per article its
title, format and the stamp (size, mtime) of its source, settings and template.

The files stay the truth. Every catalog write of this package goes through
:func:`write_catalog`, which records the row from the catalog it just wrote; a row
whose size or mtime no longer matches its file is re-read from that file (that
catalog only); a missing or unreadable index is rebuilt from the files. Deleting it
is always safe. Readers that must not be O(workspace) (the front page) check the
directories' mtimes instead of every file: a write anywhere (ours or an editor's
rename) changes its folder's mtime, and our own writes move the recorded mtime
along with them (compare-and-set), so only foreign changes cost a full re-check.

Several processes (CLI, API, workers) write: WAL, a busy timeout, short
transactions. This module is the only one that imports :mod:`sqlite3`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import polib

from .. import __version__
from ..catalog.store import read_po, write_po
from ..catalog.template import template_signature
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
from ..core.post_edit import catalog_state, counts_as_unmodified, machine_output
from ..errors import CatalogError, L10nError
from ..workspace import SETTLED_NS, Workspace, is_slug, validate_slug

__all__ = [
    "INDEX_NAME",
    "KEEP",
    "STATE_FILTERS",
    "ArticleEntry",
    "ArticlePage",
    "CatalogRow",
    "ListQuery",
    "StatusRow",
    "article_stamp",
    "catalog_rows",
    "catalog_status",
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

INDEX_NAME = "index.sqlite"
_SCHEMA_VERSION = 2  # 2: unmodified machine output counted
_BUSY_TIMEOUT_S = 60.0
_RECHECK_S = 1.0
_COUNTS = ("untranslated", "machine", "fuzzy", "translated", "approved")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS catalogs (
    slug TEXT NOT NULL, lang TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    template_hash TEXT,
    untranslated INTEGER NOT NULL, machine INTEGER NOT NULL, fuzzy INTEGER NOT NULL,
    translated INTEGER NOT NULL, approved INTEGER NOT NULL,
    problem TEXT,
    unmodified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (slug, lang)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    slug TEXT PRIMARY KEY, title TEXT NOT NULL, format TEXT, source_lang TEXT,
    file TEXT, stamp TEXT NOT NULL, template_hash TEXT, pot_stamp TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""


class _Keep:
    """Marker: leave the stored template hash as it is (a write that did not merge)."""


KEEP: Final = _Keep()

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

# ---- counting ---------------------------------------------------------------------


def count_states(po: polib.POFile) -> dict[SegmentState, int]:
    """Active entries by state, the classification every status report uses."""
    return count_catalog(po)[0]


# Active entries by state, and how many hold unmodified machine output.
Counted = tuple[dict[SegmentState, int], int]


def count_catalog(po: polib.POFile) -> Counted:
    """Active entries by state (text still equal to the engine's output counts as
    machine, whatever its flags: :mod:`..core.post_edit`), and how many of those
    with a translation shown hold unmodified machine output."""
    counts = dict.fromkeys(SegmentState, 0)
    unmodified = 0
    for entry in po:
        if entry.obsolete:
            continue
        state, unchanged = count_entry(entry)
        counts[state] += 1
        unmodified += unchanged
    return counts, unmodified


def count_entry(entry: polib.POEntry) -> tuple[SegmentState, int]:
    """One active entry's share of :func:`count_catalog`: a writer that changes a
    few entries of a catalog it counted before adjusts by these instead of counting
    the whole catalog again."""
    comment = entry.comment or ""
    state = catalog_state(entry.msgstr, entry.flags, entry.tcomment or "", comment)
    output = machine_output(entry.msgstr, entry.flags, comment)
    return state, int(counts_as_unmodified(state, entry.msgstr, output))


def template_hash(pot: polib.POFile) -> str:
    """What a merge depends on in a template (dates aside), as a short hash."""
    data = json.dumps(template_signature(pot), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


def _stamp(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_size, st.st_mtime_ns


def _stamp_text(path: Path | str) -> str:
    found = _stamp(path)
    return "-" if found is None else f"{found[0]}:{found[1]}"


# ---- the connection ---------------------------------------------------------------

_local = threading.local()


def _db(ws: Workspace) -> sqlite3.Connection:
    """This thread's connection to the workspace's index, reopened after a fork or
    when the file was deleted or replaced (checked at most once a second: a
    long-lived server must notice, a loop of lookups must not pay a stat each)."""
    cache: dict[Path, tuple[int, int, float, sqlite3.Connection]]
    cache = _local.__dict__.setdefault("c", {})
    held = cache.get(ws.root)
    now = time.monotonic()
    if held is not None and held[0] == os.getpid() and now - held[2] < _RECHECK_S:
        return held[3]
    path = ws.state_dir / INDEX_NAME
    try:
        inode = os.stat(path).st_ino
    except FileNotFoundError:
        inode = -1
    if held is not None and held[0] == os.getpid():
        if held[1] == inode:
            cache[ws.root] = (held[0], inode, now, held[3])
            return held[3]
        held[3].close()
    conn = _open(path)
    cache[ws.root] = (os.getpid(), os.stat(path).st_ino, now, conn)
    return conn


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != _SCHEMA_VERSION:
                with _write(conn):
                    for table in ("catalogs", "articles", "meta"):
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
            return conn
        except sqlite3.DatabaseError:
            conn.close()
            if attempt == 2:
                raise
            # A cache: an unreadable file is thrown away and rebuilt from the files.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    raise AssertionError("unreachable")


class _write:
    """One short write transaction (``BEGIN IMMEDIATE``: the lock is taken up front,
    so two writers queue on the busy timeout instead of failing on upgrade)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")


# ---- writes -----------------------------------------------------------------------


def write_catalog(
    ws: Workspace,
    slug: str,
    lang: str,
    po: polib.POFile,
    *,
    template: str | _Keep | None = KEEP,
    counted: Counted | None = None,
) -> tuple[int, bytes, Counted]:
    """Write a language catalog and record it in the index: the one way this package
    writes a ``.po``. ``template`` is the hash of the template just merged in
    (``KEEP`` for writes that did not merge); ``counted`` is ``count_catalog(po)``
    when the caller knows it. Call it under the catalog lock. Returns the size and
    SHA-256 digest of what was written (``write_po``) and the counts recorded."""
    path = ws.po_path(slug, lang)
    folder = _stamp(path.parent)
    size, digest = write_po(po, path)
    counted = record_catalog(
        ws, slug, lang, po, template=template, folder_before=folder, counted=counted
    )
    return size, digest, counted


def record_catalog(
    ws: Workspace,
    slug: str,
    lang: str,
    po: polib.POFile,
    *,
    template: str | _Keep | None = KEEP,
    folder_before: tuple[int, int] | None = None,
    counted: Counted | None = None,
) -> Counted:
    """Record ``po`` as what the catalog file holds now (it was just written, or
    found equal to it byte for byte), with its counts (``counted``, or counted
    here). Call it under the catalog lock."""
    lang = normalize_locale(lang)
    path = ws.po_path(slug, lang)
    if counted is None:
        counted = count_catalog(po)
    stamp = _stamp(path)
    after = _stamp(path.parent)
    if stamp is None:  # removed meanwhile: the next check finds out
        return counted
    conn = _db(ws)
    with _write(conn):
        _upsert(conn, slug, lang, stamp, counted, None, template)
        if folder_before is not None and after is not None:
            # Our own rename changed the folder's mtime: move the recorded one along,
            # unless someone else had changed it before us (then a check re-reads).
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = ? AND value = ?",
                (str(after[1]), _dir_key(ws, path.parent), str(folder_before[1])),
            )
    return counted


def fresh_row(ws: Workspace, slug: str, lang: str) -> CatalogRow | None:
    """The catalog's row if it still describes the file (same size and mtime);
    None when it is missing or stale. Reads nothing but the index and one stat."""
    lang = normalize_locale(lang)
    # Plain strings: in a no-op update of thousands of articles, building Path
    # objects cost more than the stats and lookups themselves.
    stamp = _stamp(f"{ws.root}/locales/{lang}/LC_MESSAGES/{validate_slug(slug)}.po")
    query = f"SELECT size, mtime_ns, {_ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?"
    hit = _db(ws).execute(query, (slug, lang)).fetchone()
    if stamp is None or hit is None or (hit[0], hit[1]) != stamp:
        return None
    return _row(hit[2:])


def _upsert(
    conn: sqlite3.Connection,
    slug: str,
    lang: str,
    stamp: tuple[int, int],
    counted: tuple[dict[SegmentState, int], int],
    problem: str | None,
    template: str | _Keep | None,
) -> None:
    counts, unmodified = counted
    values = [counts[SegmentState(name)] for name in _COUNTS]
    if isinstance(template, _Keep):
        conn.execute(
            "INSERT INTO catalogs VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (slug, lang) DO UPDATE SET size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, untranslated = excluded.untranslated, "
            "machine = excluded.machine, fuzzy = excluded.fuzzy, "
            "translated = excluded.translated, approved = excluded.approved, "
            "problem = excluded.problem, unmodified = excluded.unmodified",
            (slug, lang, *stamp, *values, problem, unmodified),
        )
    else:
        conn.execute(
            "INSERT OR REPLACE INTO catalogs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, lang, *stamp, template, *values, problem, unmodified),
        )


def _article_stamp(ws: Workspace, file: str | None) -> str:
    source = _stamp_text(f"{ws.root}/articles/{file}") if file else "-"
    return f"{__version__}|{source}"


def stored_template(ws: Workspace, slug: str) -> str | None:
    """The hash of the article's template if neither the article (source, settings,
    package version) nor the ``.pot`` changed since it was recorded; else None, and
    the caller rebuilds the template."""
    query = "SELECT file, stamp, template_hash, pot_stamp FROM articles WHERE slug = ?"
    row = _db(ws).execute(query, (validate_slug(slug),)).fetchone()
    if row is None or row[2] is None:
        return None
    file, stamp, digest, pot_stamp = row
    settings = _stamp_text(f"{ws.root}/.l10n/articles/{slug}.json")
    if stamp != f"{_article_stamp(ws, file)}|{settings}":
        return None
    return str(digest) if pot_stamp == _stamp_text(f"{ws.root}/locales/{slug}.pot") else None


def article_stamp(ws: Workspace, slug: str) -> str:
    """What the article's template is made from, as of now: the package version and
    the size and mtime of its source and settings. Take it before reading them."""
    file = _settings(ws, slug).get("file")
    return f"{_article_stamp(ws, file)}|{_stamp_text(ws.article_settings_path(slug))}"


def record_template(
    ws: Workspace, slug: str, digest: str, *, stamp: str, title: str | None = None
) -> None:
    """Remember the template just checked or written for an article, with the
    article's stamp taken before it was read, so the next update can skip
    rebuilding it. Call it under the template's lock."""
    settings = _settings(ws, slug)
    conn = _db(ws)
    with _write(conn):
        conn.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, title or slug, settings.get("format"), settings.get("source_lang"),
             settings.get("file"), stamp, digest, _stamp_text(ws.pot_path(slug))),
        )  # fmt: skip


def _settings(ws: Workspace, slug: str) -> dict[str, Any]:
    try:
        return ws.article_settings(slug)
    except L10nError:
        return {}


# ---- reading, checked against the files -------------------------------------------


def _row(values: Sequence[Any]) -> CatalogRow:
    slug, lang, untranslated, machine, fuzzy, translated, approved, digest, problem, mt = values
    return CatalogRow(
        slug, lang, untranslated, machine, fuzzy, translated, approved, digest, problem, mt
    )


_ROW_COLUMNS = (
    "slug, lang, untranslated, machine, fuzzy, translated, approved, template_hash, problem, "
    "unmodified"
)


def _reread(conn: sqlite3.Connection, slug: str, lang: str, path: Path) -> None:
    """Count one catalog from its file (its row was stale or missing). The template
    it was merged with is unknown now: the next update merges it again."""
    stamp = _stamp(path)
    if stamp is None:
        conn.execute("DELETE FROM catalogs WHERE slug = ? AND lang = ?", (slug, lang))
        return
    try:
        counted, problem = count_catalog(read_po(path)), None
    except L10nError as exc:
        counted, problem = (dict.fromkeys(SegmentState, 0), 0), " ".join(str(exc).split())
    with _write(conn):
        _upsert(conn, slug, lang, stamp, counted, problem, None)


def catalog_rows(
    ws: Workspace, slug: str | None = None, *, recheck: bool = False
) -> list[CatalogRow]:
    """Every catalog (or one article's), in (slug, lang) order. One article's rows
    are each checked against their file (a stat; stale rows are re-read). For the
    whole workspace, the rows are trusted while no watched folder changed (an
    atomic write, a new or removed file all change their folder's mtime), else,
    or with ``recheck``, every file is checked (:func:`sync`)."""
    conn = _db(ws)
    if slug is None:
        if recheck or not _in_sync(ws, conn):
            sync(ws)
        return [
            _row(r)
            for r in conn.execute(f"SELECT {_ROW_COLUMNS} FROM catalogs ORDER BY slug, lang")
        ]
    found = [(slug, lang, ws.po_path(slug, lang)) for lang in ws.languages(slug)]
    rows = _checked(ws, found)
    known = {r.lang for r in rows}
    stored = conn.execute("SELECT lang FROM catalogs WHERE slug = ?", (slug,)).fetchall()
    gone = [(slug, lang) for (lang,) in stored if lang not in known]
    if gone:
        with _write(conn):
            conn.executemany("DELETE FROM catalogs WHERE slug = ? AND lang = ?", gone)
    return rows


def catalog_status(
    ws: Workspace, slug: str | None = None, *, recheck: bool = False
) -> list[StatusRow]:
    """Counts by state per catalog, from the index (:func:`catalog_rows`). A catalog
    that cannot be read is an error here, as when status parsed every file."""
    if slug is None:
        # Straight from the query: at 30,000 catalogs every object per row shows.
        conn = _db(ws)
        if recheck or not _in_sync(ws, conn):
            sync(ws)
        found = conn.execute(
            "SELECT slug, lang, untranslated + machine + fuzzy + translated + approved, "
            "untranslated, machine, translated, approved, fuzzy, unmodified, problem "
            "FROM catalogs ORDER BY slug, lang"
        ).fetchall()
    else:
        found = [
            (r.slug, r.lang, r.total, r.untranslated, r.machine, r.translated, r.approved,
             r.fuzzy, r.unmodified_machine, r.problem)
            for r in catalog_rows(ws, slug)
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
    conn = _db(ws)
    wanted = list(found)
    if everything:
        stored = {
            (r[2], r[3]): r
            for r in conn.execute(f"SELECT size, mtime_ns, {_ROW_COLUMNS} FROM catalogs")
        }
        keys = {(s, lang) for s, lang, _ in wanted}
        gone = [k for k in stored if k not in keys]
    else:
        stored = {}
        for s, lang, _ in wanted:
            hit = conn.execute(
                f"SELECT size, mtime_ns, {_ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?",
                (s, lang),
            ).fetchone()
            if hit is not None:
                stored[(s, lang)] = hit
        gone = []
    rows: list[CatalogRow] = []
    for s, lang, path in wanted:
        stamp = _stamp(path)
        if stamp is None:
            continue
        hit = stored.get((s, lang))
        if hit is None or (hit[0], hit[1]) != stamp:
            _reread(conn, s, lang, path)
            hit = conn.execute(
                f"SELECT size, mtime_ns, {_ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?",
                (s, lang),
            ).fetchone()
            if hit is None:
                continue
        rows.append(_row(hit[2:]))
    if gone:
        with _write(conn):
            conn.executemany("DELETE FROM catalogs WHERE slug = ? AND lang = ?", gone)
    return rows


# ---- lists (front page, API) -------------------------------------------------------


def _dir_key(ws: Workspace, folder: Path) -> str:
    return f"dir:{folder.relative_to(ws.root)}"


def _watched(ws: Workspace, langs: Iterable[str]) -> list[Path]:
    """Folders whose mtime changes when an article or catalog comes, goes or is
    replaced (an atomic write is a rename into the folder)."""
    return [
        ws.locales_dir,
        ws.articles_dir,
        ws.state_dir / "articles",
        *(ws.locales_dir / lang / "LC_MESSAGES" for lang in langs),
    ]


def _in_sync(ws: Workspace, conn: sqlite3.Connection) -> bool:
    recorded = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'dir:%'"))
    if not recorded:
        return False
    for key, value in recorded.items():
        found = _stamp(ws.root / key[4:])
        if str(found[1] if found else "-") != value:
            return False
    return True


def sync(ws: Workspace) -> None:
    """Bring the whole index in line with the files: every catalog (stat, re-read if
    stale) and every article (title re-read when its source or settings changed)."""
    conn = _db(ws)
    langs = ws.language_dirs()
    folders = {_dir_key(ws, f): _stamp(f) for f in _watched(ws, langs)}
    _checked(ws, sorted(_scan_catalogs(ws)), everything=True)
    stored = {r[0]: r for r in conn.execute("SELECT slug, file, stamp FROM articles")}
    slugs = set(ws.slugs())
    stale = []
    for slug in slugs:
        hit = stored.get(slug)
        settings = _stamp_text(ws.article_settings_path(slug))
        if hit is None or hit[2] != f"{_article_stamp(ws, hit[1])}|{settings}":
            stale.append(slug)
    for slug in stale:
        _record_article(ws, conn, slug)
    now = time.time_ns()
    settled = all(v is None or now - v[1] > SETTLED_NS for v in folders.values())
    with _write(conn):
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
    settings = _settings(ws, slug)
    title = slug
    if settings:
        with contextlib.suppress(L10nError):
            title = load_article(ws, slug).title or slug
    file = settings.get("file")
    with _write(conn):
        # A changed article may bring a new template: its recorded hash is dropped.
        conn.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
            (slug, title, settings.get("format"), settings.get("source_lang"), file, stamp),
        )


def list_articles(ws: Workspace, query: ListQuery) -> ArticlePage:
    """One page of articles with their catalogs' counts, filtered in the index. The
    whole index is re-checked only when a watched folder changed; the rows shown
    are checked against their files either way."""
    conn = _db(ws)
    if not _in_sync(ws, conn):
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

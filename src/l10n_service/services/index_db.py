"""The workspace index's store: ``.l10n/index.sqlite``, its schema, the connection,
and the writes that record what a catalog or an article holds.

Counting a catalog's states means parsing it, and a newsroom has tens of thousands
of catalogs: ``l10n status``, the front page and the API lists cannot parse them
all on every call. The index keeps, per catalog (slug, lang), the counts by state
(:func:`..core.post_edit.catalog_state`: unmodified machine output is machine), the hash of the
template it was last merged with, and the file's size and mtime; per article its
title, format and the stamp (size, mtime) of its source, settings and template.

Every catalog write of this package goes through :func:`write_catalog`, which
records the row from the catalog it just wrote, moving the recorded mtime of its
folder along (compare-and-set) so that :mod:`.index`'s readers need not re-check
the workspace after our own writes. Checking rows against the files, rebuilding
and the lists live in :mod:`.index`; the status summary in :mod:`.index_summary`.
Those readers share this module's connection, transaction, stamps and row helpers
(:func:`connection`, :class:`write_transaction`, :func:`file_stamp`, ...): public
here because two modules use them, not re-exported by :mod:`.index`, whose API is
the lists and the writes.

Several processes (CLI, API, workers) write: WAL, a busy timeout, short
transactions. This module is the only one that opens :mod:`sqlite3`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import polib

from .. import __version__
from ..catalog.store import write_po
from ..catalog.template import template_signature
from ..core.listing import CatalogRow
from ..core.locales import normalize_locale
from ..core.model import SegmentState
from ..core.post_edit import catalog_state, counts_as_unmodified, machine_output
from ..errors import L10nError
from ..workspace import Workspace, validate_slug

__all__ = [
    "INDEX_NAME",
    "KEEP",
    "ROW_COLUMNS",
    "Counted",
    "article_stamp",
    "catalog_row",
    "connection",
    "count_catalog",
    "count_entry",
    "count_states",
    "dir_key",
    "file_stamp",
    "fresh_row",
    "record_catalog",
    "record_template",
    "settings_or_empty",
    "source_stamp",
    "stamp_text",
    "stored_template",
    "template_hash",
    "upsert_row",
    "write_catalog",
    "write_transaction",
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


def file_stamp(path: Path | str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file or folder, None when it is not there: what a row
    is checked against (a stat, never a read)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_size, st.st_mtime_ns


def stamp_text(path: Path | str) -> str:
    """:func:`file_stamp` as stored in a text column (``-`` for a missing file)."""
    found = file_stamp(path)
    return "-" if found is None else f"{found[0]}:{found[1]}"


# ---- the connection ---------------------------------------------------------------

_local = threading.local()


def connection(ws: Workspace) -> sqlite3.Connection:
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
                with write_transaction(conn):
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


class write_transaction:
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
    folder = file_stamp(path.parent)
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
    stamp = file_stamp(path)
    after = file_stamp(path.parent)
    if stamp is None:  # removed meanwhile: the next check finds out
        return counted
    conn = connection(ws)
    with write_transaction(conn):
        upsert_row(conn, slug, lang, stamp, counted, None, template)
        if folder_before is not None and after is not None:
            # Our own rename changed the folder's mtime: move the recorded one along,
            # unless someone else had changed it before us (then a check re-reads).
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = ? AND value = ?",
                (str(after[1]), dir_key(ws, path.parent), str(folder_before[1])),
            )
    return counted


def fresh_row(ws: Workspace, slug: str, lang: str) -> CatalogRow | None:
    """The catalog's row if it still describes the file (same size and mtime);
    None when it is missing or stale. Reads nothing but the index and one stat."""
    lang = normalize_locale(lang)
    # Plain strings: in a no-op update of thousands of articles, building Path
    # objects cost more than the stats and lookups themselves.
    stamp = file_stamp(f"{ws.root}/locales/{lang}/LC_MESSAGES/{validate_slug(slug)}.po")
    query = f"SELECT size, mtime_ns, {ROW_COLUMNS} FROM catalogs WHERE slug = ? AND lang = ?"
    hit = connection(ws).execute(query, (slug, lang)).fetchone()
    if stamp is None or hit is None or (hit[0], hit[1]) != stamp:
        return None
    return catalog_row(hit[2:])


def upsert_row(
    conn: sqlite3.Connection,
    slug: str,
    lang: str,
    stamp: tuple[int, int],
    counted: tuple[dict[SegmentState, int], int],
    problem: str | None,
    template: str | _Keep | None,
) -> None:
    """Store one catalog's row inside a :class:`write_transaction` (``KEEP``: the
    template hash recorded before stays)."""
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


def source_stamp(ws: Workspace, file: str | None) -> str:
    """The package version and the stamp of an article's source file: the part of
    an article's stamp that is not its settings file."""
    source = stamp_text(f"{ws.root}/articles/{file}") if file else "-"
    return f"{__version__}|{source}"


def stored_template(ws: Workspace, slug: str) -> str | None:
    """The hash of the article's template if neither the article (source, settings,
    package version) nor the ``.pot`` changed since it was recorded; else None, and
    the caller rebuilds the template."""
    query = "SELECT file, stamp, template_hash, pot_stamp FROM articles WHERE slug = ?"
    row = connection(ws).execute(query, (validate_slug(slug),)).fetchone()
    if row is None or row[2] is None:
        return None
    file, stamp, digest, pot_stamp = row
    settings = stamp_text(f"{ws.root}/.l10n/articles/{slug}.json")
    if stamp != f"{source_stamp(ws, file)}|{settings}":
        return None
    return str(digest) if pot_stamp == stamp_text(f"{ws.root}/locales/{slug}.pot") else None


def article_stamp(ws: Workspace, slug: str) -> str:
    """What the article's template is made from, as of now: the package version and
    the size and mtime of its source and settings. Take it before reading them."""
    file = settings_or_empty(ws, slug).get("file")
    return f"{source_stamp(ws, file)}|{stamp_text(ws.article_settings_path(slug))}"


def record_template(
    ws: Workspace, slug: str, digest: str, *, stamp: str, title: str | None = None
) -> None:
    """Remember the template just checked or written for an article, with the
    article's stamp taken before it was read, so the next update can skip
    rebuilding it. Call it under the template's lock."""
    settings = settings_or_empty(ws, slug)
    conn = connection(ws)
    with write_transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, title or slug, settings.get("format"), settings.get("source_lang"),
             settings.get("file"), stamp, digest, stamp_text(ws.pot_path(slug))),
        )  # fmt: skip


def settings_or_empty(ws: Workspace, slug: str) -> dict[str, Any]:
    """The article's settings, ``{}`` when they cannot be read: the index records
    what it finds and never fails on a broken article (its row says less)."""
    try:
        return ws.article_settings(slug)
    except L10nError:
        return {}


# ---- rows -------------------------------------------------------------------------


def catalog_row(values: Sequence[Any]) -> CatalogRow:
    """A ``SELECT {ROW_COLUMNS}`` result as a :class:`CatalogRow`."""
    slug, lang, untranslated, machine, fuzzy, translated, approved, digest, problem, mt = values
    return CatalogRow(
        slug, lang, untranslated, machine, fuzzy, translated, approved, digest, problem, mt
    )


ROW_COLUMNS = (
    "slug, lang, untranslated, machine, fuzzy, translated, approved, template_hash, problem, "
    "unmodified"
)


def dir_key(ws: Workspace, folder: Path) -> str:
    """The ``meta`` key holding a watched folder's recorded mtime."""
    return f"dir:{folder.relative_to(ws.root)}"

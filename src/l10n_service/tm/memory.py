"""The translation memory store and its lookups.

One table of translation units: (source language, target language, source, target)
is unique; adding the same pair again refreshes its provenance (origin, state, time)
instead of piling up duplicates. Sources are found by a hash column, so exact lookups
use an index on any database, whatever the length of the text.

Fuzzy lookups need every source of a language pair in memory: the FuzzyIndex over
them is built once per process and pair and reused until the pair gains rows (its
row count or highest id changes), so a batch of lookups against 100k units costs one
index build, then a fraction of a second per thousand segments. That index (numpy,
rapidfuzz: :mod:`.pair_index`) and the TMX reader (lxml) are imported on first use:
exact lookups, what planning an MT job asks, need SQLAlchemy only.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..core.locales import normalize_locale
from ..core.model import SegmentState
from ..core.post_edit import catalog_state
from ..errors import InputError
from .location import tm_url

if TYPE_CHECKING:
    import polib

    from .pair_index import PairIndex

__all__ = ["Match", "TranslationMemory", "tm_url"]

APPROVED, TRANSLATED = "approved", "translated"
_STATES = (APPROVED, TRANSLATED)
_FUZZY_LIMIT = 5  # suggestions per segment
_CHUNK = 2000  # rows per INSERT batch

metadata = MetaData()
units = Table(
    "tm_units",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_lang", String(35), nullable=False),
    Column("target_lang", String(35), nullable=False),
    Column("source_hash", String(32), nullable=False),
    Column("target_hash", String(32), nullable=False),
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("state", String(20), nullable=False, default=TRANSLATED),
    Column("created", String(16), nullable=False),  # TMX's YYYYMMDDThhmmssZ
    Column("changed", String(16), nullable=False),
    UniqueConstraint("source_lang", "target_lang", "source_hash", "target_hash", name="tm_unit"),
    Index("tm_source", "source_lang", "target_lang", "source_hash"),
)


@dataclass(frozen=True)
class Match:
    """One suggestion: an exact hit (score 1.0) or a fuzzy one, with where it came from."""

    source: str
    target: str
    score: float
    exact: bool
    origin: str
    state: str
    source_lang: str
    target_lang: str
    changed: str


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def language(code: str) -> str:
    """Our form of a language code (``pt-BR`` -> ``pt_BR``); unknown codes kept as given."""
    try:
        return normalize_locale(code)
    except InputError:
        return code.strip().replace("-", "_")


def _engine(url: str) -> Engine:
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we install; SQLAlchemy would pick psycopg2
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class TranslationMemory:
    """Translation units in a SQL database, with exact and fuzzy lookup."""

    def __init__(self, engine: Engine, cache_dir: Path | None = None) -> None:
        """``cache_dir``: where built fuzzy indexes are saved, so that the next process
        loads one instead of building it (a build is most of a first lookup)."""
        self.engine = engine
        self.cache_dir = cache_dir
        metadata.create_all(engine)
        self._indexes: dict[tuple[str, str], PairIndex] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, root: Path | str, url: str | None = None) -> TranslationMemory:
        """The workspace's memory (``$L10N_TM_URL`` or ``<root>/.l10n/tm.sqlite``),
        with its index cache in ``<root>/.l10n/tm-index/``."""
        return cls(_engine(url or tm_url(Path(root))), Path(root) / ".l10n" / "tm-index")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------

    def add(
        self,
        source_lang: str,
        target_lang: str,
        source: str,
        target: str,
        *,
        origin: str,
        state: str = TRANSLATED,
    ) -> None:
        """Remember one translation (again: refreshes its origin, state and time)."""
        self.add_many([(source_lang, target_lang, source, target, origin, state)])

    def add_many(self, rows: Iterable[tuple[str, str, str, str, str, str]]) -> int:
        """Remember many (source_lang, target_lang, source, target, origin, state) at
        once, in batches; returns how many rows were given."""
        count = 0
        now = _now()
        for chunk in _chunks(rows, _CHUNK):
            values: dict[tuple[str, str, str, str], dict[str, str]] = {}
            for source_lang, target_lang, source, target, origin, state in chunk:
                if state not in _STATES:
                    raise ValueError(f"state must be one of {_STATES}, not {state!r}")
                if not source.strip() or not target.strip():
                    continue
                row = {
                    "source_lang": language(source_lang),
                    "target_lang": language(target_lang),
                    "source_hash": _hash(source),
                    "target_hash": _hash(target),
                    "source": source,
                    "target": target,
                    "origin": origin,
                    "state": state,
                    "created": now,
                    "changed": now,
                }
                key = (
                    row["source_lang"],
                    row["target_lang"],
                    row["source_hash"],
                    row["target_hash"],
                )
                values[key] = row  # the last one given wins, as it would one by one
            count += len(chunk)
            if values:
                self._upsert(list(values.values()))
        return count

    def _upsert(self, rows: list[dict[str, str]]) -> None:
        dialect = self.engine.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(units)
        statement = statement.on_conflict_do_update(
            index_elements=["source_lang", "target_lang", "source_hash", "target_hash"],
            set_={
                "origin": statement.excluded.origin,
                "state": statement.excluded.state,
                "changed": statement.excluded.changed,
            },
        )
        with self.engine.begin() as connection:
            connection.execute(statement, rows)

    def sync_catalog(self, po: polib.POFile, source_lang: str, lang: str, origin: str) -> int:
        """Feed the memory from a catalog: translated and approved entries only (not
        machine output nobody accepted, not fuzzy, not obsolete, not plural forms)."""
        rows = []
        for entry in po:
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            state = catalog_state(
                entry.msgstr, entry.flags, entry.tcomment or "", entry.comment or ""
            )
            if state is SegmentState.APPROVED:
                name = APPROVED
            elif state is SegmentState.TRANSLATED:
                name = TRANSLATED
            else:
                continue
            where = f"{origin}#{entry.msgctxt}" if entry.msgctxt else origin
            rows.append((source_lang, lang, entry.msgid, entry.msgstr, where, name))
        return self.add_many(rows)

    def import_tmx(self, path: Path | str) -> int:
        """Add every translation unit of a TMX file (1.4, or 1.1-1.3's ``lang``);
        returns the number of (source, target) pairs read."""
        from .tmx import read_tmx  # lxml: only for TMX files

        return self.add_many(read_tmx(Path(path)))

    def export_tmx(self, path: Path | str) -> int:
        """Write the whole memory as TMX 1.4, atomically; returns the number of units."""
        from .tmx import write_tmx

        return write_tmx(self.units(), Path(path))

    # --- reading ------------------------------------------------------------------------

    def count(self, source_lang: str | None = None, target_lang: str | None = None) -> int:
        query = select(func.count()).select_from(units)
        if source_lang:
            query = query.where(units.c.source_lang == language(source_lang))
        if target_lang:
            query = query.where(units.c.target_lang == language(target_lang))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def units(self) -> Iterator[dict[str, Any]]:
        """Every unit, in insertion order (for export)."""
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=5000).execute(
                select(units).order_by(units.c.id)
            )
            for row in result.mappings():
                yield dict(row)

    def exact(self, source_lang: str, target_lang: str, texts: Sequence[str]) -> list[Match | None]:
        """The best exact hit for each text (approved first, then newest), without
        building the fuzzy index: what MT jobs ask before translating anything."""
        pair = (language(source_lang), language(target_lang))
        found = self._by_source(pair, list(texts))
        return [_match(found[t][0], 1.0, True) if found.get(t) else None for t in texts]

    def lookup(
        self,
        source_lang: str,
        target_lang: str,
        texts: Sequence[str],
        *,
        threshold: float = 0.75,
        limit: int = _FUZZY_LIMIT,
    ) -> list[list[Match]]:
        """For each text: exact hits first (approved, then newest), then up to ``limit``
        fuzzy suggestions scoring at least ``threshold``, best first."""
        pair = (language(source_lang), language(target_lang))
        exact = self._by_source(pair, list(texts))
        index = self._pair_index(pair)
        fuzzy_hits = index.index.top_many(list(texts), threshold, limit + 1) if index else []
        wanted = {index.sources[i] for hits in fuzzy_hits for i, _ in hits} if index else set()
        wanted -= set(texts)
        near = self._by_source(pair, sorted(wanted))
        sources = index.sources if index else []
        results: list[list[Match]] = []
        for position, text in enumerate(texts):
            found = [_match(row, 1.0, True) for row in exact.get(text, [])]
            suggestions = [
                _match(near[sources[i]][0], score, False)
                for i, score in (fuzzy_hits[position] if fuzzy_hits else [])
                if sources[i] != text and sources[i] in near
            ]
            results.append(found + suggestions[:limit])
        return results

    def _by_source(
        self, pair: tuple[str, str], texts: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Rows whose source is one of ``texts``, best first for each source."""
        hashes = sorted({_hash(t) for t in texts})
        found: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(hashes, 900):  # under SQLite's bound-parameter limit
                query = select(units).where(
                    units.c.source_lang == pair[0],
                    units.c.target_lang == pair[1],
                    units.c.source_hash.in_(chunk),
                )
                for row in connection.execute(query).mappings():
                    found.setdefault(row["source"], []).append(dict(row))
        for rows in found.values():
            rows.sort(key=lambda r: (r["state"] != APPROVED, _descending(r["changed"]), r["id"]))
        return found

    def _pair_index(self, pair: tuple[str, str]) -> PairIndex | None:
        where = (units.c.source_lang == pair[0], units.c.target_lang == pair[1])
        with self.engine.connect() as connection:
            count, highest = connection.execute(
                select(func.count(), func.max(units.c.id)).where(*where)
            ).one()
            stamp = (int(count), int(highest or 0))
            with self._lock:
                cached = self._indexes.get(pair)
            if cached is not None and cached.stamp == stamp:
                return cached
            if not count:
                return None
            from .pair_index import build_index, load_index, save_index  # numpy: fuzzy only

            built = load_index(self._index_path(pair), stamp)
            if built is None:
                sources = list(
                    dict.fromkeys(
                        connection.execute(
                            select(units.c.source).where(*where).order_by(units.c.id)
                        )
                        .scalars()
                        .all()
                    )
                )
                built = build_index(stamp, sources)
                save_index(self._index_path(pair), built)
        with self._lock:
            self._indexes[pair] = built
        return built

    def _index_path(self, pair: tuple[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        where = self.engine.url.render_as_string(hide_password=True)
        name = f"{_hash(where)[:12]}-{_hash(repr(pair))[:12]}.npz"
        return self.cache_dir / name


def _descending(stamp: str) -> str:
    """Sort key that puts later TMX timestamps first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in stamp)


def _match(row: dict[str, Any], score: float, exact: bool) -> Match:
    return Match(
        source=row["source"],
        target=row["target"],
        score=score,
        exact=exact,
        origin=row["origin"],
        state=row["state"],
        source_lang=row["source_lang"],
        target_lang=row["target_lang"],
        changed=row["changed"],
    )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

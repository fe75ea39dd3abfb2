"""The apply worker keeps a job's parsed catalog between its chunks: one parse per
job instead of one per chunk, the same bytes on disk as re-reading every time, and
never a stale copy: a file someone else wrote in between is read again, even when
its size and modification time are the same as before. Work is counted (parses),
never timed. Real catalogs, the production apply code, the pseudo engine."""

from __future__ import annotations

import gc
import os
import re
import time
import tracemalloc
from typing import Any
from unittest import mock

import polib
import pytest

from l10n_service.catalog.store import read_po
from l10n_service.services import machine
from l10n_service.services.catalog_cache import CatalogCache, Content, held_bytes
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.machine import apply_chunk_result, start_job, translate_texts
from l10n_service.workspace import Workspace
from tests.support.jobs import Held


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> CatalogCache:
    """A cache of this test's own, counted from zero."""
    fresh = CatalogCache()
    monkeypatch.setattr(machine, "CATALOGS", fresh)
    return fresh


@pytest.fixture
def job(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Job:
    monkeypatch.setenv("L10N_CHUNK_SIZE", "1")  # one sentence a chunk
    started = start_job(ws, "post", "de", engine="pseudo", dispatch=Held())
    assert started.chunks == 4
    return started


def _apply(ws: Workspace, job: Job, chunk: int) -> dict[str, int]:
    plan = JobStore(ws).plans(job.id)[chunk]
    result = translate_texts(job.engine, job.source, job.lang, list(plan["texts"]))
    return apply_chunk_result(str(ws.root), job.id, chunk, list(plan["keys"]), result)


def _catalog(ws: Workspace) -> bytes:
    return ws.po_path("post", "de").read_bytes()


def test_a_job_parses_its_catalog_once(ws: Workspace, job: Job, cache: CatalogCache) -> None:
    for chunk in range(job.chunks):
        _apply(ws, job, chunk)
    assert (cache.parses, cache.reused) == (1, 3)
    done = JobStore(ws).get(job.id)
    assert (done.state, done.translated, done.failed) == ("done", 4, {})


def test_a_job_counts_its_catalog_once_and_the_index_agrees(
    ws: Workspace, job: Job, cache: CatalogCache
) -> None:
    """Later chunks adjust the counts by the entries they change instead of counting
    the whole catalog; what the index records is still what the file holds, also
    when a translator's edit came in between (a re-read counts afresh)."""
    from l10n_service.catalog.store import read_po
    from l10n_service.core.model import SegmentState
    from l10n_service.services import index, index_db

    def recorded() -> tuple[int, ...]:
        row = index.fresh_row(ws, "post", "de")
        assert row is not None  # the index describes the file as it is now
        return (row.untranslated, row.machine, row.fuzzy, row.translated, row.approved,
                row.unmodified_machine)  # fmt: skip

    def counted() -> tuple[int, ...]:
        counts, unmodified = index.count_catalog(read_po(ws.po_path("post", "de")))
        states = ("untranslated", "machine", "fuzzy", "translated", "approved")
        return (*(counts[SegmentState(name)] for name in states), unmodified)

    with mock.patch.object(index_db, "count_catalog", wraps=index_db.count_catalog) as spy:
        _apply(ws, job, 0)
        _apply(ws, job, 1)
        assert spy.call_count == 1  # the first apply's write, after a parse
    assert recorded() == counted()
    po = read_po(ws.po_path("post", "de"))
    next(e for e in po if e.msgstr).msgstr = "Von Hand"  # no longer unmodified MT
    index.write_catalog(ws, "post", "de", po)
    _apply(ws, job, 2)
    _apply(ws, job, 3)
    assert recorded() == counted()
    assert recorded()[-1] == 3 and cache.parses == 2


def test_kept_catalogs_write_the_bytes_that_re_reading_writes(
    ws: Workspace, job: Job, cache: CatalogCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same job applied twice from the same catalog: kept between chunks, and
    parsed afresh for every chunk (a cache that keeps nothing). Every write agrees."""
    path = ws.po_path("post", "de")
    before = path.read_bytes()
    kept = []
    for chunk in range(job.chunks):
        _apply(ws, job, chunk)
        kept.append(path.read_bytes())
    path.write_bytes(before)
    store = JobStore(ws)
    with store.editing(job.id) as again:  # the same job, counted from the start
        again.done_chunks, again.translated, again.state = [], 0, "running"
    monkeypatch.setattr(machine, "CATALOGS", CatalogCache(capacity=0))
    fresh = []
    for chunk in range(job.chunks):
        _apply(ws, job, chunk)
        fresh.append(path.read_bytes())
    # The two runs may straddle a minute or a second: dates are the clock's.
    assert [_undated(b) for b in kept] == [_undated(b) for b in fresh]
    assert machine.CATALOGS.parses == job.chunks and cache.parses == 1


def _undated(data: bytes) -> bytes:
    """Without the clock's marks: the header's revision date and each ``#. mt:``
    line's ``at=`` (the time of the translation, to the second)."""
    data = re.sub(rb'"PO-Revision-Date: [^"]*"', b'"PO-Revision-Date: -"', data)
    return re.sub(rb" at=\S+", b" at=-", data)


def test_a_catalog_rewritten_in_place_between_applies_is_read_again(
    ws: Workspace, job: Job, cache: CatalogCache
) -> None:
    """A translator fixes chunk 0's output in place between two applies: same size,
    and the modification time set back, so only the content tells. Applying chunk 1
    from the kept copy would write chunk 0's machine text back over the fix."""
    _apply(ws, job, 0)
    path = ws.po_path("post", "de")
    stat = os.stat(path)
    po = polib.pofile(str(path))
    machine_text = next(e.msgstr for e in po if e.msgstr)
    fixed = machine_text[::-1]  # same length, different text
    assert len(fixed.encode()) == len(machine_text.encode()) and fixed != machine_text
    data = path.read_bytes()
    assert data.count(f'msgstr "{machine_text}"'.encode()) == 1
    old, new = f'msgstr "{machine_text}"'.encode(), f'msgstr "{fixed}"'.encode()
    with open(path, "r+b") as handle:  # in place: the same inode
        handle.write(data.replace(old, new))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        stat.st_ino, stat.st_size, stat.st_mtime_ns,
    )  # fmt: skip

    _apply(ws, job, 1)
    assert cache.parses == 2  # read again, not trusted
    text = _catalog(ws).decode()
    assert f'msgstr "{fixed}"' in text and f'msgstr "{machine_text}"' not in text
    assert sum(1 for e in polib.pofile(str(path)) if e.msgstr) == 2


def test_a_catalog_replaced_by_another_writer_is_read_again(
    ws: Workspace, job: Job, cache: CatalogCache
) -> None:
    """Another process writes the catalog with our own writer (a review import, a
    merge): a new file; its change survives the next apply."""
    from l10n_service.catalog.store import read_po
    from l10n_service.services.index import write_catalog

    _apply(ws, job, 0)
    po = read_po(ws.po_path("post", "de"))
    untranslated = [e for e in po if not e.msgstr]
    untranslated[-1].msgstr = "Von Hand"  # a later chunk's entry, now human work
    write_catalog(ws, "post", "de", po)
    for chunk in range(1, job.chunks):
        _apply(ws, job, chunk)
    assert cache.parses == 2 and cache.reused == 2
    final = polib.pofile(str(ws.po_path("post", "de")))
    assert [e.msgstr for e in final if e.msgid == untranslated[-1].msgid] == ["Von Hand"]
    assert JobStore(ws).get(job.id).skipped == 1


def test_an_apply_that_failed_leaves_nothing_kept(
    ws: Workspace, job: Job, cache: CatalogCache
) -> None:
    """The catalog object was changed in memory, then the write failed: the next
    apply must not start from those changes as if they were on disk."""
    _apply(ws, job, 0)
    before = _catalog(ws)
    with (
        mock.patch.object(machine, "write_catalog", side_effect=OSError("disk gone")),
        pytest.raises(OSError, match="disk gone"),
    ):
        _apply(ws, job, 1)
    assert _catalog(ws) == before
    _apply(ws, job, 2)
    assert cache.parses == 2
    po = polib.pofile(str(ws.po_path("post", "de")))
    assert sum(1 for e in po if e.msgstr) == 2  # chunks 0 and 2; chunk 1 never written
    _apply(ws, job, 1)
    _apply(ws, job, 3)
    assert JobStore(ws).get(job.id).state == "done"


def test_the_cache_keeps_the_catalogs_used_last(tmp_path: Any) -> None:
    cache = CatalogCache(capacity=2)
    paths = []
    for k in range(3):
        path = tmp_path / f"{k}.po"
        path.write_bytes(f'msgid "a{k}"\nmsgstr ""\n'.encode())
        paths.append(path)

    def use(k: int) -> None:
        po, content = cache.take(paths[k])
        cache.keep(paths[k], po, content)

    for k in (0, 1, 0, 2):  # 2 pushes out 1, the one used longest ago
        use(k)
    assert (cache.parses, cache.reused) == (3, 1)
    use(0)
    use(1)
    assert (cache.parses, cache.reused) == (4, 2)


def _entries(shape: str, count: int) -> bytes:
    """A catalog of ``count`` entries: a machine-translated article's (comments, flags,
    an old msgid), tiny ones (the most objects per byte) or long paragraphs."""
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entry = {
        "article": '#. block {i}\n#: a.md:{i}\n#, fuzzy, l10n-machine\n#| msgid "old {i}"\n'
        'msgctxt "b{i}"\nmsgid "The minister said on Monday that item {i} would pass."\n'
        'msgstr "Der Minister sagte am Montag, Punkt {i} werde verabschiedet."\n\n',
        "tiny": 'msgctxt "{i}"\nmsgid "w{i}"\nmsgstr ""\n\n',
        "long": '#: a.md:{i}\nmsgid "' + "Long words of a paragraph " * 80 + '{i}"\n'
        'msgstr "' + "Lange Wörter eines Absatzes " * 80 + '{i}"\n\n',
    }[shape]
    return (head + "".join(entry.format(i=i) for i in range(count))).encode()


@pytest.mark.parametrize(("shape", "count"), [("article", 4000), ("tiny", 20000), ("long", 300)])
def test_the_estimate_is_not_below_what_a_parsed_catalog_holds(shape: str, count: int) -> None:
    """What the budget counts (``held_bytes``) against what the parse really
    allocated and still holds (tracemalloc), for each shape of catalog."""
    data = _entries(shape, count)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        po = read_po(data, "x.po")
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    estimate = held_bytes(po, Content(len(data), b""))
    assert held <= estimate <= 3 * held, (shape, held, estimate)


def _kept(cache: CatalogCache, path: Any) -> bool:
    parses = cache.parses
    po, content = cache.take(path)
    cache.keep(path, po, content)
    return cache.parses == parses


def test_the_cache_holds_no_more_than_its_byte_budget(tmp_path: Any) -> None:
    """Kept catalogs are counted by what they hold in memory, not only by number:
    four catalogs of the largest size allowed held 1-3 GB (benchmarks/catalog_memory.py:
    a 32 MiB article catalog parsed holds ~260 MiB, one of tiny entries ~770 MiB)."""
    paths = []
    for k in range(3):
        path = tmp_path / f"{k}.po"
        path.write_bytes(_entries("article", 1000 + k))
        paths.append(path)
    one = held_bytes(*CatalogCache().take(paths[0]))
    cache = CatalogCache(capacity=4, max_held=int(2.5 * one))
    for path in paths:
        po, content = cache.take(path)
        cache.keep(path, po, content)
        assert cache.held <= cache.max_held
    assert cache.held > one  # two of them kept
    assert not _kept(cache, paths[0])  # the one used longest ago went
    big = tmp_path / "big.po"
    big.write_bytes(_entries("article", 3000))  # more than the whole budget alone
    po, content = cache.take(big)
    cache.keep(big, po, content)
    assert cache.held <= cache.max_held and not _kept(cache, big)


def test_an_idle_cache_lets_its_catalogs_go(tmp_path: Any) -> None:
    """An apply worker with no chunk to apply holds no parsed catalog after a while."""
    path = tmp_path / "de.po"
    path.write_bytes(_entries("article", 100))
    cache = CatalogCache(idle_s=0.2)
    po, content = cache.take(path)
    cache.keep(path, po, content)
    assert cache.held > 0
    for _ in range(600):  # hang guard
        if cache.held == 0:
            break
        time.sleep(0.1)
    assert cache.held == 0
    assert not _kept(cache, path)  # parsed again
    assert _kept(cache, path)  # and kept again

"""A job's figures say what its catalog holds, whatever order copies of a chunk
arrive in: the broker redelivers one whose acknowledgement was lost, the supervisor
sends again one it found unheld, an errback records a chunk failed while another
copy of it gets through. Real catalogs, the production apply and count code; the
chunks are translated here (pseudo engine) instead of on a broker, so every order is
played exactly.

The order that a Redis restart produced now and then (job done, one chunk short,
catalog right): a copy's translation failed while the broker was away, its errback
counted the chunk failed, and the copy the broker handed out again after the
restart was applied but not counted."""

from __future__ import annotations

import itertools
from unittest import mock

import polib
import pytest

from l10n_service.services import machine
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.machine import (
    apply_chunk_result,
    record_chunk_failure,
    start_job,
    translate_texts,
)
from l10n_service.workspace import Workspace
from tests.support.jobs import Held

CHUNK = 1  # the chunk whose copies arrive in every order
REASON = "ConnectionError: Error 111 connecting to 127.0.0.1:6391. Connection refused."


@pytest.fixture
def job(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Job:
    monkeypatch.setenv("L10N_CHUNK_SIZE", "1")  # one sentence a chunk
    started = start_job(ws, "post", "de", engine="pseudo", dispatch=Held())
    assert started.chunks == 4 and started.segments == 4
    return started


def _apply(ws: Workspace, job: Job, chunk: int) -> dict[str, int]:
    plan = JobStore(ws).plans(job.id)[chunk]
    result = translate_texts(job.engine, job.source, job.lang, list(plan["texts"]))
    return apply_chunk_result(str(ws.root), job.id, chunk, list(plan["keys"]), result)


def _give_up(ws: Workspace, job: Job, chunk: int) -> None:
    """What the errback of a failed copy (or the supervisor, for a chunk lost too
    often) records."""
    plan = JobStore(ws).plans(job.id)[chunk]
    record_chunk_failure(str(ws.root), job.id, chunk, list(plan["keys"]), REASON)


def _killed_before_counting(ws: Workspace, job: Job, chunk: int) -> None:
    """A copy whose worker died (or whose count could not be written) after it
    wrote the catalog and before it counted the chunk."""

    with (
        mock.patch.object(machine, "_record", side_effect=OSError("killed before counting")),
        pytest.raises(OSError, match="killed before counting"),
    ):
        _apply(ws, job, chunk)


EVENTS = {"apply": _apply, "give up": _give_up, "killed": _killed_before_counting}


def _figures(ws: Workspace, job: Job) -> tuple[str, int, int, dict[str, str], list[int]]:
    done = JobStore(ws).get(job.id)
    return done.state, done.translated, done.skipped, done.failed, sorted(done.done_chunks)


def _assert_catalog_translated_once(ws: Workspace) -> None:
    po = polib.pofile(str(ws.po_path("post", "de")))
    assert all(e.msgstr and "machine" in e.flags for e in po)
    assert all(e.comment.count("mt: ") == 1 for e in po)


# Every order with an applied copy; and the orders where none is applied after the
# copy that died (its worker killed between writing the catalog and counting): a
# later copy is given up (the poison limit on apply, or the errback of another
# copy), so the give-up is what finds the catalog already holding the translation.
ORDERS = sorted(
    {p for n in (1, 2, 3) for p in itertools.permutations(
        ["apply", "apply", "give up", "killed"], n) if "apply" in p}
    | {p for n in (2, 3) for p in itertools.permutations(["give up", "give up", "killed"], n)
       if "killed" in p and "give up" in p[p.index("killed") + 1 :]}
)  # fmt: skip


@pytest.mark.parametrize("order", ORDERS, ids=" then ".join)
def test_any_order_of_copies_gives_the_figures_of_one_delivery(
    ws: Workspace, job: Job, order: tuple[str, ...]
) -> None:
    for chunk in range(job.chunks):
        if chunk != CHUNK:
            _apply(ws, job, chunk)
    for event in order:
        EVENTS[event](ws, job, CHUNK)
    assert _figures(ws, job) == ("done", 4, 0, {}, [0, 1, 2, 3])
    assert JobStore(ws).get(job.id).given_up == {}
    _assert_catalog_translated_once(ws)


def test_a_give_up_does_not_count_what_someone_else_wrote(ws: Workspace, job: Job) -> None:
    """A translator filled the chunk's entry meanwhile, or another engine did: not
    this chunk's own machine text, so the chunk stays failed."""
    for chunk in range(job.chunks):
        if chunk != CHUNK:
            _apply(ws, job, chunk)
    (key,) = JobStore(ws).plans(job.id)[CHUNK]["keys"]
    path = ws.po_path("post", "de")
    po = polib.pofile(str(path))
    (entry,) = [e for e in po if e.msgid == key["msgid"]]
    entry.msgstr = "Von Hand"
    po.save(str(path))
    _give_up(ws, job, CHUNK)
    assert _figures(ws, job) == ("done", 3, 0, dict.fromkeys(key["contexts"], REASON), [0, 1, 2, 3])
    entry.msgstr, entry.flags = "Von Hand", ["fuzzy", "machine"]
    entry.comment = "mt: engine=apertium kind=rule-based"
    po.save(str(path))
    _give_up(ws, job, CHUNK)
    assert _figures(ws, job)[1:4] == (3, 0, dict.fromkeys(key["contexts"], REASON))


def test_a_chunk_given_up_and_never_applied_stays_failed(ws: Workspace, job: Job) -> None:
    for chunk in range(job.chunks):
        if chunk != CHUNK:
            _apply(ws, job, chunk)
    _give_up(ws, job, CHUNK)
    _give_up(ws, job, CHUNK)  # a second copy failed too: counted once
    ctxts = [c for key in JobStore(ws).plans(job.id)[CHUNK]["keys"] for c in key["contexts"]]
    assert _figures(ws, job) == ("done", 3, 0, dict.fromkeys(ctxts, REASON), [0, 1, 2, 3])


def test_a_job_all_given_up_then_applied_after_all_ends_done(ws: Workspace, job: Job) -> None:
    for chunk in range(job.chunks):
        _give_up(ws, job, chunk)
    assert _figures(ws, job)[:2] == ("failed", 0)
    for chunk in range(job.chunks):
        _apply(ws, job, chunk)
    assert _figures(ws, job) == ("done", 4, 0, {}, [0, 1, 2, 3])
    _assert_catalog_translated_once(ws)


def test_a_give_up_on_a_catalog_that_cannot_be_read_still_ends_the_job(
    ws: Workspace, job: Job
) -> None:
    """The catalog was broken by hand while the job ran: every apply fails on it, so
    the supervisor gives its chunks up (lost too often), and the errback of a failed
    translation gives up its chunk. The give-up reads the catalog only to find a
    copy's own output; unreadable, there is none, and the chunk is counted failed
    (raising instead left the job running for ever, given up again every round)."""
    path = ws.po_path("post", "de")
    path.write_bytes(path.read_bytes() + b'\nmsgid "broken\n')
    for chunk in range(job.chunks):
        _give_up(ws, job, chunk)
    state, translated, _, failed, chunks = _figures(ws, job)
    assert (state, translated, chunks) == ("failed", 0, [0, 1, 2, 3])
    assert set(failed.values()) == {REASON}

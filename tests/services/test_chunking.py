"""How a job is cut into chunks: an engine's preference (``Engine.chunk_size``)
changes the chunking of its own jobs only, the operator's ``L10N_CHUNK_SIZE`` wins
over it, and a job in big chunks still counts every segment once. Real engines
(the Apertium pipeline, pseudo), chunks applied by the production code, sent
inline instead of through a broker; work is counted, never timed."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.states import MACHINE_FLAG
from l10n_service.mt.apertium import ApertiumEngine
from l10n_service.mt.registry import choose, get_engine
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.machine import (
    SHORT_JOB_CHUNKS,
    SHORT_JOB_SPLIT,
    apply_chunk_result,
    chunk_plan,
    chunk_size,
    start_job,
    translate_texts,
)
from l10n_service.settings import DEFAULT_CHUNK_SIZE, load_settings
from l10n_service.workspace import Workspace
from tests.conftest import SAMPLE


@pytest.fixture
def article_text() -> str:
    return SAMPLE.read_text("utf-8")


@pytest.fixture(autouse=True)
def no_configured_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L10N_CHUNK_SIZE", raising=False)


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Sizes of the batches the process's Apertium engine translates (real ones)."""
    engine = get_engine("apertium")
    real = engine.translate_batch
    seen: list[int] = []

    def counting(texts: Sequence[str], source: str, target: str) -> list[str]:
        seen.append(len(texts))
        return real(texts, source, target)

    monkeypatch.setattr(engine, "translate_batch", counting)
    yield seen


RESULTS: dict[tuple[str, int], dict[str, Any]] = {}  # (job, chunk) -> what MT returned


def inline(root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]) -> None:
    """A Dispatch that runs each chunk's two tasks here, in order."""
    for i in indices:
        plan = plans[i]
        result = translate_texts(job.engine, job.source, job.lang, list(plan["texts"]))
        RESULTS[job.id, i] = result
        apply_chunk_result(root, job.id, i, list(plan["keys"]), result)


def plans_of(ws: Workspace, job: Job) -> list[dict[str, Any]]:
    return JobStore(ws).plans(job.id)


def test_size_rule() -> None:
    assert chunk_size(None, None) == DEFAULT_CHUNK_SIZE == 32
    assert chunk_size(None, 128) == 128
    assert chunk_size(10, 128) == 10 and chunk_size(10, None) == 10
    assert chunk_size(0, 128) == 1  # as before: a size below one is one


def test_only_engines_declaring_a_size_change_their_chunks(ws: Workspace) -> None:
    assert load_settings().chunk_size is None
    assert ApertiumEngine.chunk_size == 128
    assert get_engine("pseudo").chunk_size is None
    assert choose("apertium", "en", "es").chunk_size == 128
    assert choose("pseudo", "en", "de").chunk_size is None
    sent: list[Job] = []
    pseudo = start_job(ws, "post", "de", engine="pseudo", dispatch=lambda *a: sent.append(a[1]))
    apertium = start_job(ws, "post", "es", engine="apertium", dispatch=lambda *a: None)
    n = pseudo.segments
    assert n == apertium.segments and n > 140
    assert pseudo.chunks == math.ceil(n / 32)  # unchanged for engines without a preference
    # A short job (at most SHORT_JOB_CHUNKS of the engine's chunks) in two halves.
    assert n <= SHORT_JOB_CHUNKS * 128 and SHORT_JOB_SPLIT == 2
    assert apertium.chunks == 2
    assert [len(p["texts"]) for p in plans_of(ws, apertium)] == [n - n // 2, n // 2]


def test_chunk_plan_short_and_long_jobs() -> None:
    """A short job in near-equal halves; past SHORT_JOB_CHUNKS chunks, as many as the
    engine's size needs, near-equal; a configured size always as given."""
    assert chunk_plan(448, None, 128) == [224, 224]
    assert chunk_plan(149, None, 128) == [75, 74]
    assert chunk_plan(1, None, 128) == [1]
    assert chunk_plan(0, None, 128) == []
    assert chunk_plan(513, None, 128) == [103, 103, 103, 102, 102]
    assert chunk_plan(1491, None, 128) == [125] * 3 + [124] * 9
    assert chunk_plan(448, 128, 128) == [128, 128, 128, 64]
    assert chunk_plan(100, None, None) == [32, 32, 32, 4]  # no preference: unchanged


@given(segments=st.integers(0, 5000), preferred=st.integers(1, 600))
def test_a_long_job_is_the_fewest_near_equal_chunks(segments: int, preferred: int) -> None:
    plan = chunk_plan(segments, None, preferred)
    assert sum(plan) == segments and all(size > 0 for size in plan)
    if segments > SHORT_JOB_CHUNKS * preferred:
        assert len(plan) == -(-segments // preferred) and max(plan) <= preferred
        assert max(plan) - min(plan) <= 1


def test_configured_size_wins(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_CHUNK_SIZE", "40")
    for lang, engine in (("de", "pseudo"), ("es", "apertium")):
        job = start_job(ws, "post", lang, engine=engine, dispatch=lambda *a: None)
        assert job.chunks == math.ceil(job.segments / 40), engine


def test_big_chunks_translate_in_one_batch_each_and_count_once(
    ws: Workspace, batches: list[int]
) -> None:
    """Apertium's chunk fills one pipeline batch; an apply delivered again (its
    worker died before acknowledging it: the same result) changes nothing and counts
    nothing twice."""
    job = start_job(ws, "post", "es", engine="apertium", dispatch=inline)
    done = JobStore(ws).get(job.id)
    assert batches == [len(p["texts"]) for p in plans_of(ws, job)]
    assert len(batches) == job.chunks == 2
    assert (done.state, done.translated, done.skipped, done.failed) == (
        "done", job.segments, 0, {},
    )  # fmt: skip
    assert sorted(done.done_chunks) == [0, 1]
    path = ws.po_path("post", "es")
    before = path.read_bytes()
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
    assert entries and all(e.msgstr and MACHINE_FLAG in e.flags for e in entries)

    plans = plans_of(ws, job)
    for i in (1, 0):  # redelivered, both
        apply_chunk_result(str(ws.root), job.id, i, plans[i]["keys"], RESULTS[job.id, i])
    again = JobStore(ws).get(job.id)
    assert (again.translated, again.skipped, sorted(again.done_chunks)) == (
        job.segments, 0, [0, 1],
    )  # fmt: skip
    assert path.read_bytes() == before

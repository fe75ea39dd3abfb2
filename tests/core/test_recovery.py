"""The supervisor's decision: a chunk is lost when two rounds in a row saw it
outstanding and held by nobody."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.recovery import ChunkRef, chunk_task_id, judge, parse_task_id


@given(
    job=st.text("0123456789abcdef", min_size=1, max_size=12),
    chunk=st.integers(0, 10_000),
    step=st.sampled_from("tae"),
    nonce=st.text("0123456789abcdef", min_size=1, max_size=10),
)
def test_a_task_id_names_its_chunk(job: str, chunk: int, step: str, nonce: str) -> None:
    assert parse_task_id(chunk_task_id(job, chunk, step, nonce)) == ChunkRef(job, chunk)


def test_other_task_ids_name_no_chunk() -> None:
    for task_id in ("", "0b6c1b5e-2a8f-4c4e-9a53-5d1f0f1b2c3d", "l10n.j.x.t.n", "celery.j.1.t.n"):
        assert parse_task_id(task_id) is None


def test_unheld_once_is_suspected_twice_is_lost() -> None:
    outstanding = {"j": [0, 1, 2]}
    first = judge(outstanding, held=[ChunkRef("j", 0)], opaque_jobs=[], suspects=[])
    assert (first.lost, first.suspects) == (set(), {ChunkRef("j", 1), ChunkRef("j", 2)})
    # chunk 1 reached a queue meanwhile: only chunk 2 stayed unheld
    second = judge(outstanding, [ChunkRef("j", 1)], [], first.suspects)
    assert second.lost == {ChunkRef("j", 2)}
    assert second.suspects == {ChunkRef("j", 0)}  # its worker finished it, or died


def test_a_recorded_chunk_is_never_lost() -> None:
    verdict = judge({"j": [1]}, held=[], opaque_jobs=[], suspects=[ChunkRef("j", 0)])
    assert verdict.lost == set()


def test_a_job_whose_queue_cannot_be_listed_is_never_suspected() -> None:
    verdict = judge({"j": [0], "k": [0]}, [], ["j"], [ChunkRef("j", 0), ChunkRef("k", 0)])
    assert verdict.lost == {ChunkRef("k", 0)}
    assert verdict.suspects == set()

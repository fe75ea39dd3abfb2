"""The supervisor over a real workspace's job records, with the broker's answer
given by the test: it sends again exactly the chunks nobody held two rounds in a
row, and only for jobs still running and sent in full."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any

import pytest

from l10n_service.core.recovery import ChunkRef
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.supervision import MAX_LOSSES, UNSENT_GRACE_S, Supervisor, Survey
from l10n_service.workspace import Workspace


class View:
    def __init__(self) -> None:
        self.held: set[ChunkRef] = set()
        self.opaque: set[str] = set()
        self.asked: list[set[str]] = []

    def survey(self, queues: Set[str]) -> Survey:
        self.asked.append(set(queues))
        return Survey(held=frozenset(self.held), opaque=frozenset(self.opaque))


class Sent:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int]]] = []

    def __call__(
        self, root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
    ) -> None:
        chosen = list(indices)
        assert all(plans[i]["keys"] for i in chosen)
        self.calls.append((job.id, chosen))


def _job(ws: Workspace, chunks: int = 4, **fields: Any) -> Job:
    store = JobStore(ws)
    job = store.new(slug="post", lang="de", engine="argos", queue="mt.en-de",
                    segments=chunks, chunks=chunks)  # fmt: skip
    store.save_plans(
        job.id, [{"texts": ["x"], "keys": [{"msgid": "x", "contexts": ["c"]}]}] * chunks
    )
    with store.editing(job.id) as edited:
        edited.state, edited.dispatched = "running", time.time()
        for name, value in fields.items():
            setattr(edited, name, value)
    return edited


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def sent() -> Sent:
    return Sent()


def test_unheld_chunks_are_sent_again_on_the_second_round(
    ws: Workspace, view: View, sent: Sent
) -> None:
    job = _job(ws, done_chunks=[0])
    view.held = {ChunkRef(job.id, 1)}
    supervisor = Supervisor(ws, view, sent)
    assert supervisor.round() == {}
    assert supervisor.round() == {job.id: [2, 3]}
    assert sent.calls == [(job.id, [2, 3])]
    assert view.asked[-1] == {"mt.en-de"}
    assert JobStore(ws).get(job.id).resumed == 1
    assert supervisor.round() == {}  # just sent: suspected again, not yet lost


def test_finished_opaque_and_half_sent_jobs_are_left_alone(
    ws: Workspace, view: View, sent: Sent
) -> None:
    _job(ws, state="done")
    _job(ws, state="cancelled")
    opaque = _job(ws)
    opaque.queue = "mt.en-ar"
    JobStore(ws).save(opaque)
    view.opaque = {"mt.en-ar"}
    sending = _job(ws, dispatched=None)
    supervisor = Supervisor(ws, view, sent)
    for _ in range(3):
        supervisor.round()
    assert sent.calls == []
    # a sender that died before marking its job sent: looked at after the grace
    sending.created -= UNSENT_GRACE_S + 1
    JobStore(ws).save(sending)
    supervisor.round()
    supervisor.round()
    assert sent.calls == [(sending.id, [0, 1, 2, 3])]


def test_a_round_that_could_not_see_everything_is_forgotten(
    ws: Workspace, view: View, sent: Sent
) -> None:
    _job(ws)
    supervisor = Supervisor(ws, view, sent)
    supervisor.round()
    supervisor.forget()
    supervisor.round()
    assert sent.calls == []


def test_a_chunk_lost_again_and_again_is_recorded_failed(
    ws: Workspace, view: View, sent: Sent
) -> None:
    job = _job(ws, chunks=2, done_chunks=[0])
    supervisor = Supervisor(ws, view, sent)
    for _ in range(2 * (MAX_LOSSES + 1)):
        supervisor.round()
    assert sent.calls == [(job.id, [1])] * MAX_LOSSES
    ended = JobStore(ws).get(job.id)
    assert ended.state == "failed" and ended.lost == {"1": MAX_LOSSES + 1}
    reason = f"lost {MAX_LOSSES + 1} times (its worker or the broker went away with it each time)"
    assert set(ended.failed.values()) == {reason}

"""Waiting on many jobs: one pass over the job store per tick for all of them.

Counted, not timed: how many times the store is polled per tick, and how many job
files are parsed (only those that changed since the last tick)."""

from __future__ import annotations

from typing import Any

import pytest

from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.waiting import wait_for
from l10n_service.workspace import Workspace

JOBS = 120


def _jobs(store: JobStore, count: int) -> list[Job]:
    return [
        store.new(slug=f"a{i}", lang="de", engine="pseudo", queue="mt", segments=4, chunks=2)
        for i in range(count)
    ]


def test_one_poll_per_tick_and_only_changed_jobs_are_read(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = JobStore(ws)
    jobs = _jobs(store, JOBS)
    ids = [job.id for job in jobs]
    polls: list[int] = []
    gets: list[str] = []
    real_poll, real_get = store.poll, store.get

    def poll(job_ids: list[str], seen: dict[str, Any]) -> list[Job]:
        polls.append(len(job_ids))
        return real_poll(job_ids, seen)

    def get(job_id: str) -> Job:
        gets.append(job_id)
        return real_get(job_id)

    monkeypatch.setattr(store, "poll", poll)
    monkeypatch.setattr(store, "get", get)
    ticks: list[int] = []
    finished_per_tick = 10

    def on_progress(current: list[Job]) -> None:
        ticks.append(len(current))
        start = (len(ticks) - 1) * finished_per_tick
        for job_id in ids[start : start + finished_per_tick]:  # the worker finishes ten
            with JobStore(ws).editing(job_id) as job:
                job.state, job.translated = "done", 4

    result = wait_for(ws, ids, on_progress=on_progress, interval=0, store=store)
    assert [job.state for job in result] == ["done"] * JOBS
    expected_ticks = JOBS // finished_per_tick + 1
    assert len(ticks) == expected_ticks and set(ticks) == {JOBS}
    assert polls == [JOBS] * expected_ticks  # one store pass per tick, for all jobs
    # every job file is parsed once at first and once more after it changed: not
    # once per tick (that would be JOBS * ticks = 1,560 reads)
    assert len(gets) == 2 * JOBS
    assert store.loads == 2 * JOBS


def test_a_job_file_that_vanishes_is_a_clear_error(ws: Workspace) -> None:
    from l10n_service.errors import NotFoundError

    store = JobStore(ws)
    with pytest.raises(NotFoundError, match="no job 'nope'"):
        store.poll(["nope"], {})


def test_an_ended_job_wakes_the_waiting_client(
    ws: Workspace, broker_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Redis, the client waits out no poll interval after the last job ends:
    the job store announces the end and the wait returns on it (counted: the
    interval is a hang guard, never reached when it works)."""
    import contextlib
    import threading
    from collections.abc import Callable, Iterator

    from l10n_service.job_events import ended_events
    from l10n_service.services import waiting

    woken: list[bool] = []

    @contextlib.contextmanager
    def counted(root: Any, job_ids: list[str]) -> Iterator[Callable[[float], bool]]:
        with ended_events(root, job_ids) as wait:

            def counting(seconds: float) -> bool:
                woken.append(wait(seconds))
                return woken[-1]

            yield counting

    monkeypatch.setattr(waiting, "ended_events", counted)
    store = JobStore(ws)
    jobs = _jobs(store, 2)

    def finish(job_id: str) -> None:
        with JobStore(ws).editing(job_id) as job:
            job.state = "done"

    def on_progress(current: list[Job]) -> None:
        ended = sum(job.state == "done" for job in current)
        if ended < 2:  # the worker ends one job after each look
            threading.Thread(target=finish, args=(jobs[ended].id,)).start()

    result = wait_for(ws, [job.id for job in jobs], on_progress=on_progress, interval=120)
    assert [job.state for job in result] == ["done", "done"]
    assert woken == [True, True]


def test_only_an_edit_that_ends_a_job_is_announced(
    ws: Workspace, broker_env: dict[str, str]
) -> None:
    import redis

    from l10n_service.job_events import channel

    client = redis.Redis.from_url(broker_env["L10N_BROKER_URL"])
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel(ws.root))
    assert pubsub.get_message(timeout=10) is None  # the confirmation
    store = JobStore(ws)
    job = _jobs(store, 1)[0]
    for state in ("running", "running", "done", "done", "cancelled"):
        with store.editing(job.id) as edited:
            edited.state = state
    client.publish(channel(ws.root), "end-of-test")
    received = []
    while (message := pubsub.get_message(timeout=10)) is not None:
        received.append(message["data"].decode())
        if received[-1] == "end-of-test":
            break
    pubsub.close()
    assert received == [job.id, "end-of-test"]


def test_only_the_end_of_an_awaited_job_wakes_the_client(
    ws: Workspace, broker_env: dict[str, str]
) -> None:
    """Other clients' jobs of the workspace end too (a newsroom's API creates them
    all day): they must not turn the half-second poll into one per job ended."""
    import redis

    from l10n_service.job_events import channel, ended_events

    client = redis.Redis.from_url(broker_env["L10N_BROKER_URL"])
    with ended_events(ws.root, ["mine"]) as wait:
        client.publish(channel(ws.root), "someone-elses")
        assert wait(0.5) is False
        client.publish(channel(ws.root), "someone-elses")
        client.publish(channel(ws.root), "mine")
        assert wait(60) is True

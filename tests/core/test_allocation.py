"""gc_paused under threads: the Celery threads pool runs an apply (catalog parse and
update, both paused) beside a translate, so two threads pause and resume the one
process-wide collector."""

from __future__ import annotations

import gc
import threading
import types
from collections.abc import Iterator

import pytest

from l10n_service.core import allocation
from l10n_service.core.allocation import gc_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_a_second_thread_pausing_as_the_first_resumes_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Thread A is inside gc_paused; thread B asks whether the collector is on (no:
    # A paused it) and, before B pauses it, A leaves and turns it on again. B then
    # pauses it and, having found it off, never resumes it: the collector stayed off
    # for the rest of the worker's life (seen without the hook too: two threads
    # looping over gc_paused with a 1 us switch interval, once in five runs).
    a_inside, a_release, a_left = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with gc_paused():
            a_inside.set()
            a_release.wait()
        a_left.set()

    def isenabled_then_a_leaves() -> bool:
        answer = gc.isenabled()
        a_release.set()
        a_left.wait(timeout=10)
        return answer

    thread_a = threading.Thread(target=a)
    thread_a.start()
    assert a_inside.wait(timeout=10)
    monkeypatch.setattr(
        allocation, "gc",
        types.SimpleNamespace(isenabled=isenabled_then_a_leaves, disable=gc.disable,
                              enable=gc.enable),
    )  # fmt: skip
    with gc_paused():
        pass
    a_release.set()
    thread_a.join(timeout=10)
    assert gc.isenabled()


def test_two_threads_looping_leave_the_collector_on() -> None:
    def run() -> None:
        for _ in range(2000):
            with gc_paused():
                sum(range(5))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_paused_inside_and_off_before_stays_off() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()

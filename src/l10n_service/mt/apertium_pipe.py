"""One long-lived Apertium pipeline: start, feed, read, restart (the only place that
runs Apertium's programs).

Starting a pair's chain of a dozen programs costs ~0.4 s, so a process per sentence
gives 1.5 sentences/s; one process with a sentence per line is fast but wrong (words
move across lines that lack final punctuation). What works is the way Apertium's
own servers run it: the pair's mode file rewritten by ``apertium-wblank-mode -z``
into a null-flush chain, kept running, one NUL-terminated record per sentence.
Every stage flushes and passes the NUL on, so each record in gives one record out.

Each record ends in the blank ``[][\\n]``: without it the last stage holds the last
word back, waiting for more, and the pipe never answers. Each also starts with a
superblank naming its sequence number, so an answer that belongs to another record
(a stage that swallowed or doubled a NUL) is seen and never returned as this one's.

Up to ``in_flight`` records are in the pipe at once (a writer thread feeds while the
caller reads), which measured 720 sentences/s against 430 with one round trip per
sentence. A pipeline that dies, closes its output, answers out of order or stays
silent for ``timeout`` seconds is killed (its whole process group) and started
again, and what was unanswered is sent once more; a second failure is an error, so
a worker never hangs on a broken pair.

A record's answer depends on that record alone: the one stage that would remember
earlier ones, an HMM ``apertium-tagger``, runs under :mod:`.apertium_guard`, which
replaces it after any record that changed it.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path

from ..errors import EngineError, EngineUnavailable

__all__ = ["ApertiumPipe", "PipeFailure", "guard_taggers", "null_flush_command"]

END = "[][\n]"
# Unknown words unmarked (``apertium -u``): ``*`` and ``#`` would end up in translations.
MODE_ARGS = ("-n", "")
GUARD = Path(__file__).with_name("apertium_guard.py")
# Only the HMM tagger (``-g`` alone) rewrites its open class; the perceptron (``-x``:
# eng-cat's, measured to start every record afresh) and the sliding window (``-w``:
# it only warns, ``lswpost.cc``) run as they are, and so does the unigram tagger
# (``-u``), whose code we have not read.
_UNGUARDED = frozenset("xwu")


_LIVE: weakref.WeakSet[ApertiumPipe] = weakref.WeakSet()


class PipeFailure(EngineError):
    """The pipeline died, closed its output, went silent or answered out of order."""


def null_flush_command(mode_file: Path) -> str:
    """The mode's shell pipeline rewritten for null-flush mode and word-bound blanks."""
    try:
        done = subprocess.run(
            ["apertium-wblank-mode", "-z", str(mode_file)],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise EngineUnavailable(
            "Apertium is not installed (no apertium-wblank-mode): apt-get install apertium"
        ) from None
    command = done.stdout.strip()
    if done.returncode != 0 or not command:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineUnavailable(f"cannot read Apertium mode file {mode_file}: {reason}")
    return guard_taggers(command)


def guard_taggers(command: str, python: str = sys.executable or "python3") -> str:
    """``command`` with each HMM ``apertium-tagger`` stage run by :mod:`.apertium_guard`
    (with ``-d``, so it reports what would change it); the guard needs only the
    standard library, so the interpreter starts bare."""
    stages = command.split(" | ")
    for i, stage in enumerate(stages):
        words = stage.split()
        if not words or words[0] != "apertium-tagger":
            continue
        flags = {ch for w in words[1:] if re.fullmatch(r"-[a-z]+", w) for ch in w[1:]}
        named = {w.split("=", 1)[0] for w in words[1:]}
        if named & {"--perceptron", "--sliding-window", "--unigram"} or flags & _UNGUARDED:
            continue
        guard = f"{shlex.quote(python)} -I -S {shlex.quote(str(GUARD))}"
        stages[i] = f"{guard} apertium-tagger -d{stage.strip().removeprefix('apertium-tagger')}"
    return " | ".join(stages)


class ApertiumPipe:
    """A running pipeline for one mode; one caller at a time (its own lock)."""

    def __init__(
        self, name: str, command: str, *, timeout: float = 30.0, in_flight: int = 32
    ) -> None:
        self.name = name
        self.command = command
        self.timeout = timeout
        self.in_flight = max(1, in_flight)
        self.starts = 0  # how often a process was started: tests and logs read it
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._sequence = 0
        self._stderr: collections.deque[str] = collections.deque(maxlen=5)
        self._drainer = threading.Thread()
        _LIVE.add(self)

    # -- process lifecycle ------------------------------------------------------------

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        # Its own session: the whole chain is killed as one process group.
        proc = subprocess.Popen(
            ["bash", "-c", self.command, "apertium", *MODE_ARGS],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True, bufsize=0,
        )  # fmt: skip
        self._proc = proc
        self.starts += 1
        self._stderr.clear()
        self._drainer = threading.Thread(target=self._drain_stderr, args=(proc,), daemon=True)
        self._drainer.start()
        return proc

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        """Keep the last lines for error messages; an unread pipe would stall the chain."""
        assert proc.stderr is not None
        for line in proc.stderr:
            self._stderr.append(line.decode("utf-8", "replace").strip())

    def _forget(self) -> None:
        """In a forked child: the parent's chain is not ours to use or kill, and a lock
        held by a parent thread would never be released here. Our copies of its pipes
        are closed, so the chain still sees end of input when the parent goes."""
        proc, self._proc = self._proc, None
        self._lock = threading.Lock()
        for stream in (proc.stdin, proc.stdout, proc.stderr) if proc is not None else ():
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._kill()
            return self._start()
        return self._proc

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._signal(proc)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        proc.wait()

    def pids(self) -> list[int]:
        """The processes of the running chain (the shell and every stage)."""
        if self._proc is None:
            return []
        found = subprocess.run(
            ["pgrep", "-g", str(self._proc.pid)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in found.stdout.split()]

    def close(self) -> None:
        """End of input first, so every stage exits on its own; kill what lingers."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._kill()

    # -- translation ------------------------------------------------------------------

    def translate(self, records: Sequence[str]) -> list[str]:
        """Each stream-format record through the pipeline, answers in the same order."""
        if not records:
            return []
        with self._lock:
            answers: list[str] = []
            for attempt in (1, 2):
                try:
                    self._exchange(records[len(answers) :], answers)
                    return answers
                except PipeFailure as exc:
                    self._kill()
                    if attempt == 2:
                        raise PipeFailure(f"{exc} (after a restart)") from None
            raise AssertionError("unreachable")

    def _exchange(self, records: Sequence[str], answers: list[str]) -> None:
        """Send ``records`` with up to ``in_flight`` unanswered; append answers as they come."""
        proc = self._running()
        assert proc.stdin is not None and proc.stdout is not None
        first = self._sequence + 1
        self._sequence += len(records)
        slots = threading.Semaphore(self.in_flight)
        stop = threading.Event()
        payloads = [f"[l10n:{first + i}]{text}{END}\0".encode() for i, text in enumerate(records)]
        writer = threading.Thread(
            target=_feed, args=(proc.stdin.fileno(), payloads, slots, stop), daemon=True
        )
        writer.start()
        fd = proc.stdout.fileno()
        buffer = b""
        try:
            for i in range(len(records)):
                while b"\0" not in buffer:
                    buffer += self._read(proc, fd)
                raw, buffer = buffer.split(b"\0", 1)
                answers.append(self._check(raw, first + i))
                slots.release()
            if buffer:
                raise PipeFailure(f"Apertium {self.name} answered more than it was asked")
        except BaseException:
            # Whatever interrupted us (a failure, a task time limit), answers may still
            # be on their way: this process's stream is out of step for good.
            stop.set()
            self._signal(proc)  # a write blocked on the dead chain fails now, and
            writer.join()  # only then its descriptor is closed (never reused under it)
            self._kill()
            raise
        writer.join(timeout=self.timeout)

    def _read(self, proc: subprocess.Popen[bytes], fd: int) -> bytes:
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PipeFailure(
                    f"Apertium {self.name} gave no answer for {self.timeout:g} s{self._why()}"
                )
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    # The chain ended: give the stderr reader a moment to take its last
                    # words, which say why (a missing dictionary, a bad mode).
                    self._drainer.join(timeout=2)
                    code = proc.poll()
                    state = f"exited with {code}" if code is not None else "closed its output"
                    raise PipeFailure(f"Apertium {self.name} pipeline {state}{self._why()}")
                return chunk

    def _check(self, raw: bytes, number: int) -> str:
        text = raw.decode("utf-8", "replace")
        marker = f"[l10n:{number}]"
        if marker not in text:
            raise PipeFailure(f"Apertium {self.name} answered out of order (wanted {marker})")
        text = text.replace(marker, "", 1)
        return text[: -len(END)] if text.endswith(END) else text

    def _why(self) -> str:
        return f": {self._stderr[-1]}" if self._stderr else ""


def _feed(
    fd: int, payloads: list[bytes], slots: threading.Semaphore, stop: threading.Event
) -> None:
    """Writer thread: a record whenever a slot is free; quits quietly on a dead pipe."""
    for payload in payloads:
        while not slots.acquire(timeout=0.2):
            if stop.is_set():
                return
        view = memoryview(payload)
        try:
            while view and not stop.is_set():
                view = view[os.write(fd, view) :]
        except OSError:  # EPIPE, or the descriptor closed by a restart
            return


def _close_all() -> None:
    """At interpreter exit (a worker shutting down). A process killed outright closes
    the chain's input all the same, and every stage exits at end of input."""
    for pipe in list(_LIVE):
        pipe.close()


atexit.register(_close_all)


def _after_fork() -> None:
    for pipe in list(_LIVE):
        pipe._forget()


os.register_at_fork(after_in_child=_after_fork)

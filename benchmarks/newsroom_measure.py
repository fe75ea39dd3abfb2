"""CPU time, wall time and peak memory of the processes ``newsroom.py`` runs.

Why CPU time first: the development machine has 2 cores shared by several agents,
so wall time measures the neighbours as much as our code. A process's own CPU time
(user + system, every thread) barely moves with load; it is the primary figure and
wall time is printed beside it. Sources:

* a command we start and wait for: CPU from ``os.wait4``'s rusage of exactly that
  child (``RUSAGE_CHILDREN`` would mix all children). Its peak RSS comes from GNU
  ``time`` run in between: Linux keeps ``ru_maxrss`` across ``exec``, so a child
  forked from this (large) Python process reports at least our size, while ``time``
  is small and forks the real command from itself;
* a long-lived process (the worker, the server): ``/proc/<pid>/stat`` of it and its
  descendants, read before and after, so start-up is not counted.

Every measurement has a budget: a command still running at its end is killed and
reported as over budget, with the CPU it had used so far as a lower bound.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Figure",
    "Run",
    "Sample",
    "peak_rss_mb",
    "repeat_within",
    "run_command",
    "stop",
    "tree_cpu",
    "wait_idle",
]

_TICK = os.sysconf("SC_CLK_TCK")
_TIME = shutil.which("time", path="/usr/bin:/bin")  # GNU time (Debian: time); else no RSS


@dataclass(frozen=True)
class Sample:
    cpu: float  # seconds of CPU, user + system
    wall: float
    rss_mb: float | None = None


@dataclass(frozen=True)
class Run:
    """One finished (or killed) command: its sample and what it printed."""

    sample: Sample
    over_budget: bool
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Figure:
    """A stage at one size: medians of its runs, or a lower bound if over budget."""

    cpu: float
    wall: float
    runs: int
    over_budget: bool = False
    rss_mb: float | None = None
    extra: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(
        cls,
        samples: Sequence[Sample],
        *,
        over_budget: bool = False,
        rss_mb: float | None = None,
        extra: dict[str, float] | None = None,
    ) -> Figure:
        """Medians of ``samples``; peak RSS is their maximum unless given."""
        rss = [s.rss_mb for s in samples if s.rss_mb is not None]
        return cls(
            cpu=statistics.median(s.cpu for s in samples),
            wall=statistics.median(s.wall for s in samples),
            runs=len(samples),
            over_budget=over_budget,
            rss_mb=rss_mb if rss_mb is not None else (max(rss) if rss else None),
            extra=extra or {},
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return cls(
            data["cpu"], data["wall"], data["runs"], data["over_budget"], data["rss_mb"],
            dict(data["extra"]), data["note"],
        )  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        return {
            "cpu": round(self.cpu, 6), "wall": round(self.wall, 6), "runs": self.runs,
            "over_budget": self.over_budget, "rss_mb": self.rss_mb, "extra": self.extra,
            "note": self.note,
        }  # fmt: skip


def run_command(
    cmd: Sequence[str], *, env: dict[str, str], budget: float, cwd: Path | None = None
) -> Run:
    """Run ``cmd`` to completion or until ``budget`` seconds of wall time have gone.
    Output goes to temporary files (a pipe would block a command that prints 30,000
    table rows while we are not reading)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(prefix="l10n-bench-rss-") as rss,
    ):
        wrapper = [_TIME, "-f", "%M", "-o", rss.name] if _TIME else []
        started = time.monotonic()
        proc = subprocess.Popen(
            [*wrapper, *cmd], env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True
        )
        over, live = False, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > budget:
                # Read before killing: the command's CPU never reaches our rusage
                # once ``time`` dies first and cannot reap it.
                live = tree_cpu(proc.pid)
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                over = True
                break
            time.sleep(0.01)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = rss.read().split()
        rss_mb = int(peak[-1]) / 1024 if peak and peak[-1].isdigit() else None
        sample = Sample(max(usage.ru_utime + usage.ru_stime, live), wall, rss_mb)
        return Run(
            sample, over, proc.returncode, out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )  # fmt: skip


def repeat_within(
    action: Callable[[], tuple[Sample, bool]], times: int, budget: float
) -> tuple[list[Sample], bool]:
    """Run ``action`` up to ``times`` times, starting another run only when the
    stage's budget can hold one more of the same length. ``action`` returns its
    sample and whether it went over the budget it was given."""
    samples: list[Sample] = []
    spent = 0.0
    for _ in range(times):
        if samples and spent + samples[-1].wall > budget:
            break
        sample, over = action()
        samples.append(sample)
        spent += sample.wall
        if over:
            return samples[-1:], True
    return samples, False


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text.rsplit(")", 1)[1].split()  # fields from the 3rd (state) on


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_cpu(pid: int) -> float:
    """CPU seconds of a live process and all its descendants (reaped children
    included, through cutime/cstime)."""
    tree = _children()
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = _stat(current)
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / _TICK
        todo += tree.get(current, [])
    return total


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wait_idle(pid: int, *, settle: float = 1.0, least: float = 3.0, most: float = 90.0) -> None:
    """Until a freshly started process tree has finished starting: at least
    ``least`` seconds, then until it used under 5% of a core for ``settle`` s."""
    started = time.monotonic()
    time.sleep(least)
    last = tree_cpu(pid)
    while time.monotonic() - started < most:
        time.sleep(settle)
        now = tree_cpu(pid)
        if now - last < 0.05 * settle:
            return
        last = now


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

"""One supervisor per workspace: the apply worker holding ``.l10n/supervisor.lock``;
the kernel drops the lock with its process (even SIGKILL), and another takes over."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

HOLDER = (
    "import sys, time\n"
    "from l10n_service.jobs.supervisor import _elected\n"
    "from l10n_service.workspace import Workspace\n"
    "print(_elected(Workspace.at(sys.argv[1])), flush=True)\n"
    "time.sleep(600)\n"
)


def test_one_supervisor_and_a_successor_after_sigkill(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("L10N_ROOT", str(workspace))
    (workspace / ".l10n").mkdir()
    first = subprocess.Popen([sys.executable, "-c", HOLDER, str(workspace)],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    second = None
    try:
        assert first.stdout is not None and first.stdout.readline() == "True\n"
        # The second starts once the first holds the lock (started together, either
        # may win on a busy machine).
        second = subprocess.Popen([sys.executable, "-c", HOLDER, str(workspace)],
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert second.stdout is not None and second.stdout.readline() == "False\n"
        first.send_signal(signal.SIGKILL)
        first.wait()
        third = subprocess.run([sys.executable, "-c", HOLDER.replace("600", "0"),
                                str(workspace)], capture_output=True, text=True,
                               timeout=300)  # fmt: skip
        assert third.stdout == "True\n", third.stderr
    finally:
        for process in (first, second):
            if process is not None:
                process.kill()
                process.wait()

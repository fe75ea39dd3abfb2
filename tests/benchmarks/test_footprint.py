"""The footprint benchmark's measuring tools (its figures stay in the benchmark): the
install size counts each file once, and the CPU of a worker's process tree includes
the children it started, alive or already ended."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from footprint import tree_cpu_seconds, venv_size_mb

BURN = "import time\nend = time.process_time() + {}\nwhile time.process_time() < end: pass\n"


def test_install_size_counts_files_once_and_follows_no_links(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.bin").write_bytes(b"x" * 1_000_000)
    os.link(tmp_path / "lib" / "a.bin", tmp_path / "hard.bin")
    (tmp_path / "b.bin").write_bytes(b"y" * 500_000)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.bin"
    outside.write_bytes(b"z" * 3_000_000)
    (tmp_path / "link").symlink_to(outside)
    assert 1.5 <= venv_size_mb(tmp_path) < 1.501


def test_tree_cpu_includes_children_alive_and_ended() -> None:
    script = (
        f"{sys.executable} -c '{BURN.format(0.4)}'; "  # ends, charged to the shell
        f"{sys.executable} -c '{BURN.format(0.4)}\nimport time; time.sleep(30)' & "
        "sleep 30"
    )
    shell = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while (used := tree_cpu_seconds(shell.pid)) < 0.75 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert used >= 0.75  # both children's 0.4 s (clock ticks round down a little)
        assert tree_cpu_seconds(os.getpid()) >= used  # the tree of our own process holds it
    finally:
        os.killpg(shell.pid, signal.SIGKILL)  # the shell and the child it left running
        shell.wait()

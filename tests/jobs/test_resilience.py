"""Jobs survive what production throws at them: a worker killed with SIGKILL in the
middle of a job, a broker restart, a translator importing while MT results land.
Real Redis, real worker processes, real argostranslate packages."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest

from tests.conftest import BIN, run_cli
from tests.support.tiny_argos import expected_translation

SEGMENTS = 2000
SLUG = "long-read"


def _article(path: Path, segments: int = SEGMENTS) -> Path:
    lines = ["Long Read About Marathons", ""]
    for p in range(segments // 5):
        sentences = (
            f"Runner {chr(65 + s)}{p} crossed line {chr(97 + (p % 26))} of the course."
            for s in range(5)
        )
        lines.append(" ".join(sentences))
        lines.append("")
    path.write_text("\n".join(lines), "utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Worker:
    def __init__(self, root: Path, env: dict[str, str], log: Path):
        self.root, self.env, self.log = root, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = open(self.log, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "l10n"), "worker", "--root", str(self.root), "--concurrency", "1"],
            env={**os.environ, **self.env}, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def env(redis_url: str) -> dict[str, str]:
    url = redis_url.rsplit("/", 1)[0] + "/14"
    import redis

    redis.Redis.from_url(url).flushdb()
    return {
        "L10N_BROKER_URL": url,
        "L10N_CHUNK_SIZE": "50",
        "L10N_VISIBILITY_TIMEOUT": "8",
    }


@pytest.fixture
def worker(
    workspace: Path, env: dict[str, str], installed_models: dict[str, Path]
) -> Iterator[Worker]:
    w = Worker(workspace, env, workspace.parent / "worker.log")
    yield w
    w.stop()


def _job(workspace: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(run_cli("status", "--json", root=workspace).stdout)["jobs"][-1]


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _po(workspace: Path) -> polib.POFile:
    return polib.pofile(str(workspace / "locales" / "de" / "LC_MESSAGES" / f"{SLUG}.po"))


def _assert_translated_exactly_once(workspace: Path, human: dict[str, str]) -> None:
    job = _job(workspace)
    assert job["state"] == "done", job
    assert job["translated"] == SEGMENTS + 1 - len(human), job  # +1: the title
    assert not job["failed"]
    for entry in _po(workspace):
        if entry.msgctxt in human:
            assert entry.msgstr == human[entry.msgctxt] and "machine" not in entry.flags
            continue
        assert entry.msgstr == expected_translation(entry.msgid).strip()
        assert entry.comment.count("mt: ") == 1


def _prepare(workspace: Path, tmp_path: Path) -> dict[str, str]:
    run_cli("add", str(_article(tmp_path / f"{SLUG}.txt")), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    po = _po(workspace)
    human = {po[5].msgctxt: "Menschliche Übersetzung.", po[500].msgctxt: "Noch eine."}
    for entry in po:
        if entry.msgctxt in human:
            entry.msgstr = human[entry.msgctxt]
    po.save()
    return human


def test_worker_killed_mid_job_then_replaced(
    workspace: Path, tmp_path: Path, env: dict[str, str], worker: Worker
) -> None:
    human = _prepare(workspace, tmp_path)
    worker.start()
    run_cli("translate", SLUG, "--to", "de", root=workspace, env=env)
    _wait(lambda: len(_job(workspace)["done_chunks"]) >= 5, 120, "5 chunks")
    worker.kill9()
    assert _job(workspace)["state"] != "done"
    worker.start()
    # The killed worker's unacked chunk comes back after the visibility timeout, or
    # is re-sent by the waiting client when progress stalls: whichever comes first.
    run_cli("jobs", "wait", _job(workspace)["id"], "--resume-after", "15", root=workspace, env=env)
    _assert_translated_exactly_once(workspace, human)


def test_broker_restart_mid_job(
    workspace: Path, tmp_path: Path, env: dict[str, str], installed_models: dict[str, Path]
) -> None:
    port = _free_port()
    data = tmp_path / "redis"
    data.mkdir()
    server = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
              "--appendonly", "yes", "--appendfsync", "always", "--save", ""]  # fmt: skip
    redis_proc = subprocess.Popen(server, stdout=subprocess.DEVNULL)
    env = {**env, "L10N_BROKER_URL": f"redis://127.0.0.1:{port}/0"}
    w = Worker(workspace, env, tmp_path / "worker.log")
    try:
        time.sleep(0.5)
        human = _prepare(workspace, tmp_path)
        w.start()
        run_cli("translate", SLUG, "--to", "de", root=workspace, env=env)
        _wait(lambda: len(_job(workspace)["done_chunks"]) >= 3, 120, "3 chunks")
        subprocess.run(["redis-cli", "-p", str(port), "shutdown"], check=False)
        redis_proc.wait(timeout=30)
        assert _job(workspace)["state"] != "done"
        time.sleep(2)
        redis_proc = subprocess.Popen(server, stdout=subprocess.DEVNULL)
        # A message in flight when the broker died may be gone (kombu's Redis transport
        # has that window); waiting with --resume-after sends such chunks again.
        job_id = _job(workspace)["id"]
        run_cli("jobs", "wait", job_id, "--resume-after", "10", root=workspace, env=env)
        _assert_translated_exactly_once(workspace, human)
    finally:
        w.stop()
        redis_proc.terminate()
        redis_proc.wait(timeout=30)


def test_translator_import_while_results_land(
    workspace: Path, tmp_path: Path, env: dict[str, str], worker: Worker
) -> None:
    human = _prepare(workspace, tmp_path)
    export = tmp_path / "export.po"
    export.write_bytes((workspace / "locales/de/LC_MESSAGES" / f"{SLUG}.po").read_bytes())
    worker.start()
    run_cli("translate", SLUG, "--to", "de", root=workspace, env=env)
    _wait(lambda: len(_job(workspace)["done_chunks"]) >= 3, 120, "3 chunks")
    upload = polib.pofile(str(export))
    late = {upload[1500].msgctxt: "Vom Übersetzer.", upload[7].msgctxt: "Auch vom Übersetzer."}
    for entry in upload:
        if entry.msgctxt in late:
            entry.msgstr = late[entry.msgctxt]
    upload.save()
    run_cli("import", str(export), "--slug", SLUG, "--lang", "de", root=workspace)
    _wait(lambda: _job(workspace)["state"] == "done", 240, "the job to finish")
    po = _po(workspace)
    by_ctxt = {e.msgctxt: e for e in po}
    for ctxt, text in {**human, **late}.items():
        assert by_ctxt[ctxt].msgstr == text and "machine" not in by_ctxt[ctxt].flags
    assert all(e.msgstr for e in po)

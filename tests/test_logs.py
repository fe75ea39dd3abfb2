"""Logs of the long-running processes, read from real ones: ``l10n worker`` logs
one INFO line per task (text or JSON, by option or environment), ``l10n serve``
writes JSON lines when asked."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from l10n_service.logs import resolve
from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.parallel import free_port


@pytest.fixture
def broker(broker_env: dict[str, str]) -> dict[str, str]:
    """An emptied broker: a message an earlier test left in the same database would
    be run by this test's worker and logged too."""
    return broker_env


@contextmanager
def _run_worker(
    root: Path, env: dict[str, str], args: list[str], out: Path
) -> Iterator[subprocess.Popen[bytes]]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("L10N_LOG_")}
    with open(out / "stdout", "wb") as stdout, open(out / "stderr", "wb") as stderr:
        process = subprocess.Popen(
            [str(BIN / "l10n"), "worker", "--root", str(root), "--queues", "apply,mt.pseudo",
             *args], env={**full, **env}, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=60)


def _translate(root: Path, env: dict[str, str], lang: str) -> dict[str, object]:
    run_cli("translate", "pyongyang-marathon", "--to", lang, "--engine", "pseudo", "--wait",
            root=root, env=env)  # fmt: skip
    jobs = json.loads(run_cli("status", "--json", root=root).stdout)["jobs"]
    job: dict[str, object] = jobs[-1]
    assert job["state"] == "done" and job["lang"] == lang
    return job


def test_worker_json_lines_one_per_task(
    workspace: Path, broker: dict[str, str], tmp_path: Path
) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    env = {**broker, "L10N_CHUNK_SIZE": "40"}
    args = ["--log-format", "json", "--log-level", "INFO", "--concurrency", "2"]
    with _run_worker(workspace, env, args, tmp_path):
        job = _translate(workspace, env, "fr")
    records = [json.loads(line) for line in (tmp_path / "stderr").read_text().splitlines() if line]
    tasks = [r for r in records if r["logger"] == "l10n_service.worker"]
    chunks = int(str(job["chunks"]))
    assert chunks > 1
    applied = sorted(r["chunk"] for r in tasks if r["task"] == "l10n.apply_chunk")
    assert applied == list(range(chunks))
    assert all(r["job"] == job["id"] for r in tasks if r["task"] == "l10n.apply_chunk")
    translated = [r for r in tasks if r["task"] == "l10n.translate_chunk"]
    assert len(translated) == chunks and {r["queue"] for r in translated} == {"mt.pseudo"}
    assert all(r["level"] == "INFO" and r["state"] == "SUCCESS" for r in tasks)
    assert any(r["message"].endswith("ready.") for r in records)  # Celery's lines too
    assert "-------------- [queues]" not in (tmp_path / "stdout").read_text()  # no banner


def test_worker_text_lines_from_the_environment(
    workspace: Path, broker: dict[str, str], tmp_path: Path
) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    env = {**broker, "L10N_LOG_LEVEL": "info", "L10N_LOG_FORMAT": "text"}
    with _run_worker(workspace, env, ["--pool", "solo"], tmp_path):
        job = _translate(workspace, env, "it")
    lines = (tmp_path / "stderr").read_text().splitlines()
    mine = [line for line in lines if " INFO l10n_service.worker: " in line]
    assert len(mine) == 2 * int(str(job["chunks"]))
    assert any(f"job={job['id']} chunk=0" in line for line in mine)
    # WARNING hides them, as the worker did before.
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    env["L10N_LOG_LEVEL"] = "WARNING"
    with _run_worker(workspace, env, ["--pool", "solo"], quiet):
        _translate(workspace, env, "pt")
    assert "l10n_service.worker" not in (quiet / "stderr").read_text()


def test_serve_writes_json_lines(workspace: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "l10n"), "serve", "--port", str(port), "--root", str(workspace),
             "--log-format", "json"], stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail(log.read_text())
        finally:
            process.terminate()
            process.wait(timeout=30)
    records = [json.loads(line) for line in log.read_text().splitlines() if line]
    assert any(r["logger"] == "uvicorn.access" and "/healthz" in r["message"] for r in records)
    assert any("Uvicorn running" in r["message"] for r in records)


def test_bad_log_options_are_one_line_errors(workspace: Path) -> None:
    bad = run_cli("worker", "--log-format", "xml", root=workspace, check=False)
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "error: log format 'xml': choose text or json"
    )
    assert resolve(None, None) == ("INFO", "text")
    with pytest.raises(ValueError, match="log level 'LOUD'"):
        resolve("loud", "json")

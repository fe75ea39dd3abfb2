"""/readyz and /metrics, against a real Redis and real worker processes."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from l10n_service.http.app import create_app
from l10n_service.workspace import Workspace
from tests.conftest import BIN, run_cli


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_ready_on_the_embedded_broker(ws: Workspace) -> None:
    with TestClient(create_app(ws.root)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready" and response.json()["failed"] == []


def test_not_ready_without_the_broker(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_BROKER_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    with TestClient(create_app(ws.root)) as client:
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # alive, just not ready
    body = response.json()
    assert response.status_code == 503
    assert body["failed"] == ["broker"] and body["status"] == "not ready"
    assert "127.0.0.1:9" in body["checks"]["broker"]["detail"]
    assert body["checks"]["workspace"]["ok"] is True


def test_not_ready_when_the_workspace_cannot_be_written(ws: Workspace) -> None:
    app = create_app(ws.root)
    state = ws.state_dir
    for path in sorted(state.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    state.rmdir()
    state.write_text("not a folder")  # a real failure, even for root
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["workspace"]
    assert str(ws.root) not in response.text


@pytest.fixture
def worker(ws: Workspace, broker_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    log = open(ws.root.parent / "worker.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(BIN / "l10n"), "worker", "--root", str(ws.root), "--queues", "apply,mt.pseudo",
         "--pool", "solo"], env={**os.environ, **broker_env}, stdout=log, stderr=log,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=60)
    log.close()


def test_metrics_count_jobs_queues_segments_and_requests(
    ws: Workspace, broker_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    env = {**broker_env, "L10N_CHUNK_SIZE": "2"}
    run_cli("translate", "post", "--to", "de", "--engine", "pseudo", root=ws.root, env=env)
    app = create_app(ws.root)
    with TestClient(app) as client:
        client.get("/healthz")
        client.get("/articles/post/de/bundle.json")  # a 404
        queued = _samples(client.get("/metrics").text)
    assert queued[("l10n_jobs", (("state", "queued"),))] == 1
    assert queued[("l10n_jobs", (("state", "done"),))] == 0
    assert queued[("l10n_broker_up", ())] == 1
    # 4 segments in chunks of 2: two translate tasks wait, nothing has reached apply.
    assert queued[("l10n_queue_depth", (("queue", "mt.pseudo"),))] == 2
    assert queued[("l10n_queue_depth", (("queue", "apply"),))] == 0
    assert queued[("l10n_segments_translated_total", ())] == 0
    healthz = (("method", "GET"), ("route", "/healthz"), ("status", "200"))
    assert queued[("l10n_http_request_duration_seconds_count", healthz)] == 1
    assert any(
        name == "l10n_http_request_duration_seconds_count" and ("status", "404") in labels
        for name, labels in queued
    )

    request.getfixturevalue("worker")
    run_cli("jobs", "wait", *[j.stem for j in (ws.state_dir / "jobs").glob("*.json")],
            root=ws.root, env=env)  # fmt: skip
    with TestClient(app) as client:
        done = _samples(client.get("/metrics").text)
    assert done[("l10n_jobs", (("state", "done"),))] == 1
    assert done[("l10n_segments_translated_total", ())] == 4
    assert done[("l10n_queue_depth", (("queue", "mt.pseudo"),))] == 0
    assert done[("l10n_http_request_duration_seconds_count", healthz)] == 1

"""A job whose queue no worker consumes says so (status, API, front page), and a
worker started without --queues serves pairs installed after it started. Real
Redis, real worker processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from l10n_service.auth import TokenStore
from l10n_service.http.app import create_app
from l10n_service.jobs import broker
from l10n_service.workspace import Workspace
from tests.conftest import run_cli
from tests.support.jobs import worker_starter


@pytest.fixture
def start_worker(
    ws: Workspace, broker_env: dict[str, str]
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    with worker_starter(ws.root, broker_env, "--pool", "solo") as start:
        yield start


def _until(check: Callable[[], bool], what: str) -> None:
    """Poll a condition that depends on other processes starting (not a speed limit)."""
    for _ in range(600):
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"never happened: {what}")


def _consumes(queue: str) -> bool:
    broker.forget()
    return queue in (broker.consumed_queues() or set())


def test_a_job_nobody_consumes_says_so(
    ws: Workspace, broker_env: dict[str, str], start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    run_cli("translate", "post", "--to", "de", "--engine", "pseudo", root=ws.root, env=broker_env)
    job = json.loads(run_cli("status", "--json", root=ws.root).stdout)["jobs"][0]
    assert job["state"] == "queued"
    assert job["waiting"] == "waiting: no worker consumes mt.pseudo, apply"

    start_worker("--queues", "apply")
    _until(lambda: _consumes("apply"), "the apply worker is up")
    text = run_cli("status", root=ws.root).stdout
    assert f"job {job['id']}: waiting: no worker consumes mt.pseudo" in text
    _, secret = TokenStore.for_workspace(ws).create("admin")
    with TestClient(create_app(ws.root)) as client:
        api = client.get(f"/jobs/{job['id']}", headers={"Authorization": f"Bearer {secret}"})
        assert api.json()["waiting"] == "waiting: no worker consumes mt.pseudo"
        status = client.get("/articles/post/status", headers={"Authorization": f"Bearer {secret}"})
        assert status.json()["jobs"][0]["waiting"] == "waiting: no worker consumes mt.pseudo"
        page = client.get("/", headers={"Authorization": f"Bearer {secret}"}).text
        assert "waiting: no worker consumes mt.pseudo" in page

    start_worker("--queues", "mt.pseudo")
    run_cli("jobs", "wait", job["id"], root=ws.root, env=broker_env)
    broker.forget()
    done = json.loads(run_cli("status", "--json", root=ws.root).stdout)["jobs"][0]
    assert done["state"] == "done" and done["waiting"] is None
    assert "waiting" not in run_cli("status", root=ws.root).stdout


def test_the_public_front_page_names_no_queue(ws: Workspace, broker_env: dict[str, str]) -> None:
    """Anonymous readers see that a language waits for a worker, not which queue
    of the deployment lacks one; a token holder (API or desk session) sees it all."""
    run_cli("translate", "post", "--to", "de", "--engine", "pseudo", root=ws.root, env=broker_env)
    full = "waiting: no worker consumes mt.pseudo, apply"
    tokens = TokenStore.for_workspace(ws)
    _, secret = tokens.create("translator", languages=["de"])
    revoked, gone = tokens.create("admin")
    tokens.revoke(revoked.id)
    with TestClient(create_app(ws.root)) as client:
        for headers in ({}, {"Authorization": f"Bearer {gone}"}, {"Authorization": "Basic x"}):
            anonymous = client.get("/", headers=headers)
            assert anonymous.status_code == 200
            assert "waiting for a translation worker" in anonymous.text
            assert "mt.pseudo" not in anonymous.text and "no worker consumes" not in anonymous.text
            assert "Authorization" in anonymous.headers["vary"]
        with_token = client.get("/", headers={"Authorization": f"Bearer {secret}"})
        assert full in with_token.text
        assert with_token.headers["cache-control"].startswith("private")
        form = client.get("/desk/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        login = client.post("/desk/login", data={"token": secret, "csrf": csrf[1], "next": "/desk"},
                            follow_redirects=False)  # fmt: skip
        assert login.status_code == 303, login.text
        assert full in client.get("/").text  # the desk session's cookie


def test_worker_without_queues_follows_new_pairs(
    tmp_path: Path, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    package = tmp_path / "en-xq.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("pkg-xq/metadata.json", '{"from_code": "en", "to_code": "xq"}')
        archive.writestr("pkg-xq/sentencepiece.model", "x")
        archive.writestr("pkg-xq/model/model.bin", "x")
    start_worker(L10N_QUEUE_REFRESH_S="0.5")
    _until(lambda: _consumes("mt.pseudo"), "the worker consumes every installed pair")
    assert not _consumes("mt.en-xq")
    try:
        run_cli("models", "install", str(package))
        _until(lambda: _consumes("mt.en-xq"), "the new pair's queue is consumed")
    finally:
        run_cli("models", "remove", "en-xq", check=False)


def _queues_by_node() -> dict[str, set[str]]:
    """What each live worker consumes, by node name (before the @)."""
    from celery import Celery

    probe = Celery("test-probe", broker=os.environ["L10N_BROKER_URL"], set_as_current=False)
    try:
        replies = probe.control.inspect(timeout=1.0).active_queues() or {}
    finally:
        probe.close()
    return {node.split("@")[0]: {q["name"] for q in queues} for node, queues in replies.items()}


def _answering(
    *names: str, also: Callable[[dict[str, set[str]]], bool] = lambda _: True
) -> dict[str, set[str]]:
    """One round of replies in which every named worker answered (and ``also``
    holds): a worker may miss the one-second reply window on a busy machine, so a
    second ask after a good one is no snapshot to assert on."""
    found: dict[str, set[str]] = {}

    def answered() -> bool:
        nonlocal found
        found = _queues_by_node()
        return set(names) <= set(found) and also(found)

    _until(answered, f"{', '.join(names)} answering")
    return found


def test_worker_roles_split_apply_from_the_pairs(
    tmp_path: Path, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    """compose's two workers: --role mt follows installed pairs but never applies;
    --role apply consumes apply alone, also after a pair is installed."""
    package = tmp_path / "en-xr.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("pkg-xr/metadata.json", '{"from_code": "en", "to_code": "xr"}')
        archive.writestr("pkg-xr/sentencepiece.model", "x")
        archive.writestr("pkg-xr/model/model.bin", "x")
    start_worker("--role", "mt", "--name", "pairs", L10N_QUEUE_REFRESH_S="0.5")
    start_worker("--role", "apply", "--name", "applier", L10N_QUEUE_REFRESH_S="0.5")
    nodes = _answering("pairs", "applier")
    assert nodes["applier"] == {"apply"}
    assert "mt.pseudo" in nodes["pairs"] and "apply" not in nodes["pairs"]
    try:
        run_cli("models", "install", str(package))
        nodes = _answering("pairs", "applier", also=lambda found: "mt.en-xr" in found["pairs"])
        assert nodes["applier"] == {"apply"} and "apply" not in nodes["pairs"]
    finally:
        run_cli("models", "remove", "en-xr", check=False)


def test_worker_role_is_checked(ws: Workspace, broker_env: dict[str, str]) -> None:
    bad = run_cli("worker", "--role", "writer", root=ws.root, env=broker_env, check=False)
    assert bad.returncode == 2 and "--role 'writer': choose all, mt, apply" in bad.stderr
    both = run_cli(
        "worker", "--role", "mt", "--queues", "apply", root=ws.root, env=broker_env, check=False
    )
    assert both.returncode == 2 and "--role and --queues" in both.stderr
    assert len(both.stderr.strip().splitlines()) == 1

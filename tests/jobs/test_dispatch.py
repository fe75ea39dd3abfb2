"""The chunks ``jobs.dispatch`` publishes with kombu are the messages Celery sent for
``(translate.on_error(failed) | apply).apply_async()``, field by field, and real
workers run them on Redis and on RabbitMQ (a private server: the worker consumes
``apply``, which the shared one's other users may consume too): the translate step
on the job's queue, the apply step as its chain, the errback when the translate
step fails for good."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from l10n_service.jobs.config import celery_config
from l10n_service.jobs.dispatch import chunk_messages, send_chunks
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.machine import start_job
from l10n_service.workspace import Workspace
from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.brokers import BrokerServer, RabbitServer, RedisServer, free_port
from tests.support.jobs import real_worker


def _plans() -> list[dict[str, Any]]:
    keys = [{"msgid": "Hello.", "contexts": ["a1"], "terms": {}},
            {"msgid": "World {0}.", "contexts": ["b2", "c3"], "terms": {"0": "X"}}]  # fmt: skip
    return [{"texts": ["Hello.", "World {0}."], "keys": keys}, {"texts": ["x" * 2000], "keys": []}]


def _record(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every ``Producer.publish`` call, recorded and not sent."""
    import kombu.messaging

    sent: list[dict[str, Any]] = []

    def publish(self: Any, body: Any, routing_key: str | None = None, **kwargs: Any) -> None:
        sent.append({"body": body, "routing_key": routing_key, **kwargs})

    monkeypatch.setattr(kombu.messaging.Producer, "publish", publish)
    return sent


def test_the_messages_are_celerys(
    monkeypatch: pytest.MonkeyPatch, broker_env: dict[str, str]
) -> None:
    from l10n_service.jobs.app import apply_chunk, chunk_failed, translate_chunk
    from l10n_service.jobs.config import APPLY_QUEUE

    sent = _record(monkeypatch)
    job = Job(id="abc123", slug="post", lang="de", engine="pseudo", queue="mt.pseudo",
              segments=3, chunks=2, created=0.0)  # fmt: skip
    plans = _plans()
    send_chunks("/srv/ws", job, plans, [0, 1])
    ours = list(sent)
    sent.clear()
    for index, message in enumerate(ours):  # Celery, with the same ids
        embed = message["body"][2]
        keys = plans[index]["keys"]
        on_error = chunk_failed.s("/srv/ws", job.id, index, keys).set(
            queue=APPLY_QUEUE, task_id=embed["errbacks"][0]["options"]["task_id"]
        )
        translate = translate_chunk.s(job.engine, job.source, job.lang, plans[index]["texts"])
        translate = translate.set(queue=job.queue, task_id=message["headers"]["id"])
        apply = apply_chunk.s("/srv/ws", job.id, index, keys).set(
            queue=APPLY_QUEUE, task_id=embed["chain"][0]["options"]["task_id"]
        )
        (translate.on_error(on_error) | apply).apply_async()
    celerys = list(sent)

    assert len(ours) == len(celerys) == 2
    for mine, theirs in zip(ours, celerys, strict=True):
        for message in (mine, theirs):  # an id of the sending process, for RPC results
            assert message.pop("reply_to") == message["body"][2]["chain"][0]["options"].pop(
                "reply_to"
            )
        declared = [mine.pop("declare"), theirs.pop("declare")]
        assert [[(q.name, q.exchange.name, q.exchange.type, q.routing_key, q.durable,
                  q.exchange.durable, q.queue_arguments) for q in d] for d in declared] == [
            [("mt.pseudo", "mt.pseudo", "direct", "mt.pseudo", True, True, None)]
        ] * 2  # fmt: skip
        for message in (mine, theirs):  # as the broker gets them: JSON
            message["body"] = json.loads(json.dumps(message["body"]))
        # What logs and monitors show: a long one is cut near 1,024 characters by
        # both, though not at the same place inside a long argument.
        shown = [mine["headers"].pop("argsrepr"), theirs["headers"].pop("argsrepr")]
        if max(map(len, shown)) < 1000:
            assert shown[0] == shown[1]
        else:
            assert all(x.startswith("('pseudo', 'en', 'de', ['xxx") for x in shown)
            assert all(1000 < len(x) < 1100 and x.endswith(("...", "...'])")) for x in shown)
        unset = {"timeout", "confirm_timeout", "immediate", "mandatory", "compression"}
        assert {k: v for k, v in theirs.items() if k not in unset or v is not None} == mine


@pytest.fixture
def rabbit(rabbit_server: RabbitServer) -> RabbitServer:
    """The session's private RabbitMQ (tests/jobs/conftest.py), with the queues this
    module's worker consumes emptied."""
    if rabbit_server.process is None or rabbit_server.process.poll() is not None:
        rabbit_server.start()  # a failed restart in an earlier test
    rabbit_server.purge(["apply", "mt.pseudo"])
    return rabbit_server


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "redis":
        url: str = request.getfixturevalue("broker_env")["L10N_BROKER_URL"]
    else:
        url = request.getfixturevalue("rabbit").url
        monkeypatch.setenv("L10N_BROKER_URL", url)
        monkeypatch.delenv("L10N_RESULT_BACKEND", raising=False)
    yield url


def test_real_workers_run_the_chunks(ws: Workspace, broker_url: str) -> None:
    """A job translated and applied, and a chunk whose engine the worker lacks
    recorded failed by the errback (so its job ends), on both brokers."""
    env = {**os.environ, "L10N_BROKER_URL": broker_url}
    log = ws.root.parent / "worker.log"
    with real_worker(ws.root, "mt.pseudo,apply", log, env) as until_ended:
        store = JobStore(ws)
        good = start_job(ws, "post", "de", engine="pseudo", dispatch=send_chunks)
        bad = store.new(slug="post", lang="de", engine="no-such-engine", queue="mt.pseudo",
                        segments=1, chunks=1)  # fmt: skip
        plans = [{"texts": ["Hello."], "keys": [{"msgid": "Hello.", "contexts": ["zz"],
                                                 "terms": {}}]}]  # fmt: skip
        store.save_plans(bad.id, plans)
        send_chunks(str(ws.root), bad, plans, [0])
        until_ended([good.id, bad.id])
    done, failed = store.get(good.id), store.get(bad.id)
    assert done.state == "done" and done.translated == done.segments == 4, done
    assert failed.state == "failed" and list(failed.failed) == ["zz"], failed
    assert "no-such-engine" in failed.failed["zz"]


def test_the_messages_need_no_celery(broker_env: dict[str, str]) -> None:
    """Building and publishing chunks imports kombu, never Celery."""
    probe = (
        "import sys\n"
        "from l10n_service.jobs.dispatch import send_chunks\n"
        "from l10n_service.services.jobs_store import Job\n"
        "job = Job(id='j', slug='s', lang='de', engine='pseudo', queue='l10n-test-dispatch',"
        " segments=1, chunks=1, created=0.0)\n"
        "send_chunks('/nowhere', job, [{'texts': ['a'], 'keys': []}], [0])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'celery', 'kombu'}))\n"
    )
    out = subprocess.run(
        [str(BIN / "python"), "-c", probe], env={**os.environ, **broker_env},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out.split() == ["['kombu']"]


def test_chunk_messages_is_pure() -> None:
    job = Job(id="j", slug="s", lang="de", engine="pseudo", queue="mt.pseudo", segments=1,
              chunks=2, created=0.0)  # fmt: skip
    config = {"task_time_limit": 9, "task_soft_time_limit": 8}
    messages = chunk_messages("/r", job, _plans(), [1], config)
    ((headers, (args, kwargs, embed)),) = messages
    assert headers["task"] == "l10n.translate_chunk" and headers["timelimit"] == [9, 8]
    assert headers["id"].startswith("l10n.j.1.t.") and headers["root_id"] == headers["id"]
    assert args == ["pseudo", "en", "de", ["x" * 2000]] and kwargs == {}
    assert embed["chain"][0]["args"] == ["/r", "j", 1, []]
    assert embed["errbacks"][0]["task"] == "l10n.chunk_failed"
    assert celery_config()["task_publish_retry_policy"]["max_retries"] > 0


@pytest.fixture(params=["redis", "rabbitmq"])
def restartable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BrokerServer]:
    """A private broker this test may restart: its own redis-server, or the session's
    private RabbitMQ (never the machine's shared ones)."""
    if request.param == "rabbitmq":
        yield request.getfixturevalue("rabbit")
        return
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_publish_after_a_broker_restart_reconnects(
    restartable: BrokerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTTP server enqueues job after job on one pooled connection: after the
    broker restarted between two jobs, the next publish opens a new connection (by
    the publish retry policy Celery's would apply: ``retry=True``) and both chunks
    wait in the queue."""
    monkeypatch.setenv("L10N_BROKER_URL", restartable.url)
    monkeypatch.delenv("L10N_RESULT_BACKEND", raising=False)
    # A queue of its own: the ``rabbit`` fixture deletes mt.pseudo under the pooled
    # connection of earlier tests, which remembers having declared it.
    job = Job(id="j", slug="s", lang="de", engine="pseudo", queue="l10n-test-restart",
              segments=1, chunks=1, created=0.0)  # fmt: skip
    plans = [{"texts": ["a"], "keys": []}]
    send_chunks("/nowhere", job, plans, [0])
    restartable.restart()
    send_chunks("/nowhere", job, plans, [0])
    from kombu import Connection

    with Connection(restartable.url, connect_timeout=10) as connection:
        _, waiting, _ = connection.default_channel.queue_declare(queue=job.queue, passive=True)
    assert waiting == 2


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never answers (a hung or stopped broker)."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshakes; nobody reads
        yield silent.getsockname()[1]


@pytest.mark.parametrize("scheme", ["amqp", "redis"])
@pytest.mark.parametrize("answer", ["refused", "silent"])
def test_a_broker_that_does_not_answer_leaves_no_job(
    workspace: Path, redis_url: str, silent_port: int, scheme: str, answer: str
) -> None:
    """``l10n translate`` connects to the broker before it creates a job: one that
    refuses, or takes the connection and never answers (Redis used to hold the client
    for ever there), is one line naming it, password masked, exit 1, and no job
    record (it used to be written, then left behind failed)."""
    run_cli("add", str(SAMPLE), "--slug", "post", root=workspace)
    port = silent_port if answer == "silent" else free_port()
    url = f"{scheme}://guest:hunter2@127.0.0.1:{port}/" + ("/" if scheme == "amqp" else "0")
    env = {"L10N_BROKER_URL": url, "L10N_REDIS_URL": redis_url}
    result = run_cli("translate", "post", "--to", "de", "--engine", "pseudo", root=workspace,
                     env=env, check=False, timeout=120)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: service unavailable: the broker"), lines
    assert f"127.0.0.1:{port}" in lines[0] and "hunter2" not in lines[0]
    assert not list((workspace / ".l10n" / "jobs").glob("*.json"))


def test_a_broker_that_does_not_answer_is_503_and_no_job_over_http(
    workspace: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from l10n_service.auth import TokenStore
    from l10n_service.http.app import create_app

    run_cli("add", str(SAMPLE), "--slug", "post", root=workspace)
    _, secret = TokenStore.for_workspace(Workspace.at(workspace)).create("admin")
    monkeypatch.setenv("L10N_BROKER_URL", f"amqp://guest:hunter2@127.0.0.1:{free_port()}//")
    monkeypatch.setenv("L10N_REDIS_URL", redis_url)
    with TestClient(create_app(workspace), raise_server_exceptions=False) as client:
        response = client.post(
            "/articles/post/jobs", json={"languages": ["de"], "engine": "pseudo"},
            headers={"Authorization": f"Bearer {secret}"},
        )  # fmt: skip
    assert response.status_code == 503, response.text
    assert "the broker" in response.text and "hunter2" not in response.text
    assert not list((workspace / ".l10n" / "jobs").glob("*.json"))


def test_a_pooled_connection_to_a_stopped_broker_is_unavailable(
    restartable: BrokerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTTP server keeps its pooled connection open between jobs: a broker that
    stopped since the last job must still be BrokerUnavailable before a job is created
    (``ensure_connection`` alone takes a pooled connection that was open as it is), and
    one that came back is reconnected to."""
    from l10n_service.errors import BrokerUnavailable
    from l10n_service.jobs.dispatch import publisher

    monkeypatch.setenv("L10N_BROKER_URL", restartable.url)
    monkeypatch.delenv("L10N_RESULT_BACKEND", raising=False)
    job = Job(id="j", slug="s", lang="de", engine="pseudo", queue="l10n-test-stopped",
              segments=1, chunks=1, created=0.0)  # fmt: skip
    send_chunks("/nowhere", job, [{"texts": ["a"], "keys": []}], [0])  # pooled, open
    restartable.stop()
    try:
        # Raised on opening (without the check it did not raise at all: the job was
        # created and its publish sat through the retry policy).
        with pytest.raises(BrokerUnavailable), publisher("/nowhere"):
            pass
    finally:
        restartable.start()
    with publisher("/nowhere"):  # back: the stale connection is replaced
        pass


def test_a_publish_that_fails_after_the_connection_fails_its_job(
    workspace: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected, then the publish fails: the job is kept, failed "could not enqueue"
    (JobError), and the pooled producer goes back each time (more failures than the
    pool holds do not wait for one for ever)."""
    import kombu.messaging

    from l10n_service.errors import JobError
    from l10n_service.jobs.dispatch import publisher
    from l10n_service.services.machine import start_jobs

    run_cli("add", str(SAMPLE), "--slug", "post", root=workspace)
    monkeypatch.setenv("L10N_BROKER_URL", redis_url)
    monkeypatch.setenv("L10N_REDIS_URL", redis_url)
    monkeypatch.delenv("L10N_RESULT_BACKEND", raising=False)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the broker went away")

    monkeypatch.setattr(kombu.messaging.Producer, "publish", refused)
    ws = Workspace.at(workspace)
    for _ in range(12):  # above kombu's pool limit (10)
        with pytest.raises(JobError, match="could not enqueue"), publisher(workspace) as send:
            start_jobs(ws, ["post"], ["de"], engine="pseudo", dispatch=send)
    store = JobStore(ws)
    jobs = [store.get(p.stem) for p in (workspace / ".l10n" / "jobs").glob("*.json")]
    assert len(jobs) == 12
    assert all(j.state == "failed" and j.notice.startswith("could not enqueue") for j in jobs)


def test_an_unknown_article_is_named_before_the_broker_is_asked(
    workspace: Path, redis_url: str
) -> None:
    """With the broker down too, ``translate nosuch`` says the article does not
    exist (exit 2), not that the broker does not answer."""
    run_cli("add", str(SAMPLE), "--slug", "post", root=workspace)
    env = {"L10N_BROKER_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}//",
           "L10N_REDIS_URL": redis_url}  # fmt: skip
    result = run_cli("translate", "post", "nosuch", "--to", "de", "--engine", "pseudo",
                     root=workspace, env=env, check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: no article 'nosuch' (and no template) in {workspace}"

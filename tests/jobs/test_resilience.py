"""Jobs survive what production throws at them, on both real brokers (a private
redis-server and a private rabbitmq-server, see tests/support/brokers.py): a worker's
main process or a pool child killed with SIGKILL mid-job, a broker restart, a
translator importing while MT results land, a chunk that kills its worker every time.
Real worker processes, real argostranslate packages (the test plugin engine for the
poison chunk), nothing but the broker URL set. The job's figures must be exact too.

Nobody runs ``jobs wait --resume-after`` and the Redis visibility timeout stays at its
900 s default: a job finishes because the supervisor in the apply worker finds what
was lost. The deadlines below only guard against hangs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polib
import pytest

from l10n_service.jobs.config import MAX_DELIVERIES, MAX_RETURNS
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.supervision import MAX_LOSSES
from l10n_service.workspace import Workspace
from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.brokers import BrokerServer, RabbitServer, RedisServer
from tests.support.engine_plugin import ENGINE, PLUGIN_PATH, plugin_env
from tests.support.tiny_argos import expected_translation

SEGMENTS = 300
SLUG = "long-read"
DEADLINE_S = 300.0  # hang guard, not a speed assertion
SAMPLE_SLUG = "pyongyang-marathon"
POISON = "paradigms"  # the test engine kills its process on the one text with it


def _article(path: Path) -> Path:
    lines = ["Long Read About Marathons", ""]
    for p in range(SEGMENTS // 5):
        sentences = (
            f"Runner {chr(65 + s)}{p} crossed line {chr(97 + (p % 26))} of the course."
            for s in range(5)
        )
        lines.append(" ".join(sentences))
        lines.append("")
    path.write_text("\n".join(lines), "utf-8")
    return path


class Worker:
    """``l10n worker`` as a deployment runs it: prefork with one pool process,
    ``pool="solo"`` (one process for everything), or threads (two: the default of a
    worker for both queues)."""

    def __init__(self, root: Path, env: dict[str, str], log: Path, pool: str = "prefork"):
        self.root, self.env, self.log, self.pool = root, env, log, pool
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        size = ["--concurrency", "1"] if self.pool == "prefork" else []
        with open(self.log, "ab") as handle:
            self.process = subprocess.Popen(
                [str(BIN / "l10n"), "worker", "--root", str(self.root), "--pool", self.pool,
                 *size],
                env={**os.environ, **self.env}, stdout=handle, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def children(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(stat.parent.name))
        return found

    def kill9(self, victims: str) -> None:
        """``main``: only the main process (its pool child is orphaned and may finish
        its task); ``main+pool``: the whole worker, as ``docker kill`` does."""
        assert self.process is not None
        if victims == "main+pool":
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def pause(self, on: bool = True) -> None:
        """SIGSTOP (``on``) or SIGCONT the whole worker: holds a job where it is."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGSTOP if on else signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):  # orphans of a killed main process
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BrokerServer]:
    if request.param == "redis":
        server: BrokerServer = RedisServer(tmp_path / "redis")
        server.start()
        yield server
        server.stop()
        return
    rabbit: RabbitServer = request.getfixturevalue("rabbit_server")
    if rabbit.process is None or rabbit.process.poll() is not None:
        rabbit.start()  # a failed restart in an earlier test
    rabbit.purge(["apply", "mt.en-de", "mt.en-ar"])
    yield rabbit


@pytest.fixture
def env(broker: BrokerServer) -> dict[str, str]:
    return {
        "L10N_BROKER_URL": broker.url,
        "L10N_CHUNK_SIZE": "10",
        "L10N_SUPERVISOR_INTERVAL": "2",
    }


@pytest.fixture
def pool() -> str:
    """The workers' pool; tests that hold for both pools parametrise it."""
    return "prefork"


@pytest.fixture
def workers(
    workspace: Path, env: dict[str, str], installed_models: dict[str, Path], pool: str
) -> Iterator[Callable[[], Worker]]:
    started: list[Worker] = []

    def start() -> Worker:
        w = Worker(workspace, env, workspace.parent / f"worker{len(started)}.log", pool)
        w.start()
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def _job(workspace: Path) -> Job:
    return JobStore(Workspace.at(workspace)).all()[-1]


def _poison_chunk_contexts(workspace: Path, job: Job) -> set[str]:
    """The contexts of the one chunk (of several) whose texts carry ``POISON``."""
    plans = JobStore(Workspace.at(workspace)).plans(job.id)
    poison = [i for i, plan in enumerate(plans) if any(POISON in t for t in plan["texts"])]
    assert len(poison) == 1 < job.chunks
    return {c for i in poison for key in plans[i]["keys"] for c in key["contexts"]}


def _wait(
    predicate: Callable[[], bool], what: str, log: Path | None = None, poll: float = 0.2
) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            job = JobStore(Workspace.at(log.parent / "ws")).all()[-1] if log else None
            raise AssertionError(
                f"no {what} within the {DEADLINE_S:.0f} s hang guard\n{job}\n{tail}"
            )
        time.sleep(poll)


def _po(workspace: Path) -> polib.POFile:
    return polib.pofile(str(workspace / "locales" / "de" / "LC_MESSAGES" / f"{SLUG}.po"))


def _prepare(workspace: Path, tmp_path: Path) -> dict[str, str]:
    run_cli("add", str(_article(tmp_path / f"{SLUG}.txt")), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    po = _po(workspace)
    human = {po[5].msgctxt: "Menschliche Übersetzung.", po[150].msgctxt: "Noch eine."}
    for entry in po:
        if entry.msgctxt in human:
            entry.msgstr = human[entry.msgctxt]
    po.save()
    return human


def _start_job(workspace: Path, env: dict[str, str]) -> None:
    run_cli("translate", SLUG, "--to", "de", root=workspace, env=env)


def _done_chunks(workspace: Path, n: int) -> Callable[[], bool]:
    return lambda: len(_job(workspace).done_chunks) >= n


def _finished(workspace: Path) -> Callable[[], bool]:
    return lambda: _job(workspace).state in ("done", "failed", "cancelled")


def _assert_translated_exactly_once(workspace: Path, human: dict[str, str]) -> None:
    job = _job(workspace)
    assert job.state == "done", job
    assert not job.failed and not job.given_up, job
    assert job.translated == SEGMENTS + 1 - len(human), job  # +1: the title
    assert sorted(job.done_chunks) == list(range(job.chunks))  # each counted once
    _assert_catalog_translated_exactly_once(workspace, human)


def _assert_catalog_translated_exactly_once(workspace: Path, human: dict[str, str]) -> None:
    for entry in _po(workspace):
        if entry.msgctxt in human:
            assert entry.msgstr == human[entry.msgctxt] and "machine" not in entry.flags
            continue
        assert entry.msgstr == expected_translation(entry.msgid).strip()
        assert entry.comment.count("mt: ") == 1


def _stranded_on_redis(broker: BrokerServer, workspace: Path) -> set[int]:
    """Chunks a dead worker left only as unacknowledged messages, which Redis gives
    back after the visibility timeout (900 s): only the supervisor can help them."""
    if not isinstance(broker, RedisServer):
        return set()
    import json

    import redis

    from l10n_service.core.recovery import parse_task_id

    client = redis.Redis.from_url(broker.url)

    def chunks(messages: list[dict[str, Any]]) -> set[int]:
        refs = (parse_task_id(m["headers"]["id"]) for m in messages)
        return {ref.chunk for ref in refs if ref is not None}

    unacked = chunks([json.loads(v)[0] for v in client.hvals("unacked")])
    waiting = client.lrange("apply", 0, -1) + client.lrange("mt.en-de", 0, -1)
    queued = chunks([json.loads(m) for m in waiting])
    return unacked - queued - set(_job(workspace).done_chunks)


@pytest.mark.parametrize(
    ("victims", "pool"),
    [("main", "prefork"), ("main+pool", "prefork"), ("main", "threads")],  # threads: one process
)
def test_worker_killed_mid_job_then_replaced(
    workspace: Path,
    tmp_path: Path,
    env: dict[str, str],
    broker: BrokerServer,
    workers: Callable[[], Worker],
    victims: str,
) -> None:
    human = _prepare(workspace, tmp_path)
    first = workers()
    _start_job(workspace, env)
    _wait(_done_chunks(workspace, 3), "3 chunks", first.log)
    first.kill9(victims)
    assert _job(workspace).state != "done"
    stranded = _stranded_on_redis(broker, workspace)
    second = workers()
    _wait(_finished(workspace), "end of the job", second.log)
    _assert_translated_exactly_once(workspace, human)
    assert _job(workspace).resumed or not stranded  # the supervisor sent them again


def test_pool_child_killed_mid_job(
    workspace: Path, tmp_path: Path, env: dict[str, str], workers: Callable[[], Worker]
) -> None:
    human = _prepare(workspace, tmp_path)
    worker = workers()
    _start_job(workspace, env)
    _wait(_done_chunks(workspace, 3), "3 chunks", worker.log)
    children = worker.children()
    assert children, "a prefork worker has a pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    assert _job(workspace).state != "done"
    _wait(_finished(workspace), "end of the job", worker.log)
    _assert_translated_exactly_once(workspace, human)


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_broker_restart_mid_job(
    workspace: Path,
    tmp_path: Path,
    env: dict[str, str],
    broker: BrokerServer,
    workers: Callable[[], Worker],
) -> None:
    human = _prepare(workspace, tmp_path)
    worker = workers()
    _start_job(workspace, env)
    # Held where it is while the broker stops: the tiny model's 30 chunks take well
    # under a second, and a job that ended while the broker was stopping (it did,
    # under the threads pool) would test nothing.
    _wait(_done_chunks(workspace, 3), "3 chunks", worker.log, poll=0.01)
    worker.pause()
    assert _job(workspace).state != "done"
    broker.stop()
    worker.pause(on=False)  # it finds the broker gone mid-job
    broker.start()
    _wait(_finished(workspace), "end of the job", worker.log)
    _assert_translated_exactly_once(workspace, human)


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_translator_import_while_results_land(
    workspace: Path, tmp_path: Path, env: dict[str, str], workers: Callable[[], Worker]
) -> None:
    human = _prepare(workspace, tmp_path)
    export = tmp_path / "export.po"
    export.write_bytes((workspace / "locales/de/LC_MESSAGES" / f"{SLUG}.po").read_bytes())
    worker = workers()
    _start_job(workspace, env)
    _wait(_done_chunks(workspace, 3), "3 chunks", worker.log)
    upload = polib.pofile(str(export))
    late = {upload[250].msgctxt: "Vom Übersetzer.", upload[7].msgctxt: "Auch vom Übersetzer."}
    for entry in upload:
        if entry.msgctxt in late:
            entry.msgstr = late[entry.msgctxt]
    upload.save()
    run_cli("import", str(export), "--slug", SLUG, "--lang", "de", root=workspace)
    _wait(_finished(workspace), "end of the job", worker.log)
    job = _job(workspace)
    assert job.state == "done" and not job.failed, job
    by_ctxt = {e.msgctxt: e for e in _po(workspace)}
    for ctxt, text in {**human, **late}.items():
        assert by_ctxt[ctxt].msgstr == text and "machine" not in by_ctxt[ctxt].flags
    for entry in by_ctxt.values():
        assert entry.msgstr, entry.msgctxt
        assert entry.comment.count("mt: ") <= 1


def test_a_chunk_that_kills_its_worker_is_given_up_after_the_delivery_limit(
    workspace: Path, tmp_path: Path, env: dict[str, str], broker: BrokerServer
) -> None:
    """RabbitMQ hands a dead worker's message out again at once, and Redis on the
    worker's reject: without a limit, a chunk whose engine kills its process (a
    segfault, the OOM killer) would be redelivered forever. It is tried
    ``MAX_DELIVERIES`` times, then recorded failed; the rest of the job is done."""
    calls = tmp_path / "calls"
    worker_env = plugin_env(PLUGIN_PATH, **env, L10N_SHOUT_KILL=POISON,
                            L10N_SHOUT_CALLS=str(calls))  # fmt: skip
    run_cli("add", str(SAMPLE), root=workspace)
    worker = Worker(workspace, worker_env, tmp_path / "worker.log")
    worker.start()
    try:
        run_cli("translate", SAMPLE_SLUG, "--to", "eo", "--engine", ENGINE, root=workspace,
                env=worker_env)  # fmt: skip
        _wait(_finished(workspace), "end of the job", worker.log)
    finally:
        worker.stop()
    job = _job(workspace)
    lost = _poison_chunk_contexts(workspace, job)
    assert calls.read_text().split().count("killed") == MAX_DELIVERIES
    reason = f"PoisonChunk: gave up after {MAX_DELIVERIES} deliveries that never finished"
    assert job.failed == dict.fromkeys(lost, reason), job
    assert job.state == "done" and sorted(job.done_chunks) == list(range(job.chunks)), job
    po = polib.pofile(str(workspace / "locales" / "eo" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"))
    assert job.translated == len(po) - len(lost) > 0
    for entry in po:
        assert entry.msgstr == ("" if entry.msgctxt in lost else entry.msgid.upper()), entry


def test_broker_restarts_mid_chunk_do_not_make_it_poison(
    workspace: Path, tmp_path: Path, env: dict[str, str], broker: BrokerServer
) -> None:
    """The delivery limit is for a chunk that kills its worker. A chunk that was
    running while the broker restarted comes back too (RabbitMQ hands it out again,
    marked redelivered; on Redis the supervisor sends it again), through no fault of
    its own: ``MAX_DELIVERIES`` restarts while the same chunk runs, then it is let
    finish, and the job ends done with nothing given up."""
    calls, release = tmp_path / "calls", tmp_path / "release"
    worker_env = plugin_env(PLUGIN_PATH, **env, L10N_SHOUT_HOLD=POISON,
                            L10N_SHOUT_RELEASE=str(release),
                            L10N_SHOUT_CALLS=str(calls))  # fmt: skip
    run_cli("add", str(SAMPLE), root=workspace)
    worker = Worker(workspace, worker_env, tmp_path / "worker.log")
    worker.start()

    def held() -> int:
        return calls.read_text().split().count("held") if calls.exists() else 0

    try:
        run_cli("translate", SAMPLE_SLUG, "--to", "eo", "--engine", ENGINE, root=workspace,
                env=worker_env)  # fmt: skip
        for restart in range(MAX_DELIVERIES):
            _wait(lambda n=restart: held() > n, f"run {restart + 1} of the chunk", worker.log)
            broker.restart()
        _wait(lambda: held() > MAX_DELIVERIES or _finished(workspace)(), "the chunk again",
              worker.log)  # fmt: skip
        release.touch()
        _wait(_finished(workspace), "end of the job", worker.log)
    finally:
        release.touch()
        worker.stop()
    job = _job(workspace)
    assert job.state == "done" and not job.failed and not job.given_up, job
    assert held() == MAX_DELIVERIES + 1
    po = polib.pofile(str(workspace / "locales" / "eo" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"))
    assert job.translated == len(po) > 0
    for entry in po:
        assert entry.msgstr == entry.msgid.upper(), entry


# RabbitMQ only: on Redis the same deaths are losses the supervisor counts, two of
# its rounds each (six deaths took 111 s of the suite); that limit is held by
# tests/services/test_supervision.py and a Redis loss resent by a real supervisor by
# test_worker_killed_mid_job_then_replaced[redis-*].
@pytest.mark.parametrize("broker", ["rabbitmq"], indirect=True)
@pytest.mark.parametrize("pool", ["solo", "threads"])
def test_a_chunk_that_kills_a_solo_worker_is_given_up_all_the_same(
    workspace: Path, tmp_path: Path, env: dict[str, str], broker: BrokerServer, pool: str
) -> None:
    """With ``--pool solo`` a chunk that kills its process kills the whole worker:
    no process survives to count the death, and what follows looks like a restart
    (RabbitMQ hands the message out again). Restarts have a limit too, so the chunk
    still ends, failed, and the rest of the job is done; each worker death here is
    followed by a new worker, as a container's restart policy would. The threads
    pool (the default ``l10n worker``) is one process too, and there the chunk beside
    the killing one dies with it (the slow engine keeps one in flight): that one
    comes back once and is done, not given up."""
    assert MAX_LOSSES == MAX_RETURNS > MAX_DELIVERIES  # one limit for restarts
    calls = tmp_path / "calls"
    worker_env = plugin_env(PLUGIN_PATH, **env, L10N_SHOUT_KILL=POISON,
                            L10N_SHOUT_CALLS=str(calls), L10N_SHOUT_SLOW="0.3")  # fmt: skip
    run_cli("add", str(SAMPLE), root=workspace)
    worker = Worker(workspace, worker_env, tmp_path / "worker.log", pool=pool)
    worker.start()
    try:
        run_cli("translate", SAMPLE_SLUG, "--to", "eo", "--engine", ENGINE, root=workspace,
                env=worker_env)  # fmt: skip

        def finished_or_restarted() -> bool:
            assert worker.process is not None
            if worker.process.poll() is not None:
                worker.start()
            return _finished(workspace)()

        _wait(finished_or_restarted, "end of the job", worker.log)
    finally:
        worker.stop()
    job = _job(workspace)
    lost = _poison_chunk_contexts(workspace, job)
    assert calls.read_text().split().count("killed") == MAX_RETURNS + 1
    reason = f"PoisonChunk: gave up after {MAX_RETURNS} deliveries the broker handed"
    reason += " back unfinished"
    assert job.failed == dict.fromkeys(lost, reason), job
    assert job.state == "done" and sorted(job.done_chunks) == list(range(job.chunks)), job


@pytest.mark.parametrize("broker", ["rabbitmq"], indirect=True)
def test_lock_server_down_mid_job_loses_no_chunk(
    workspace: Path, tmp_path: Path, env: dict[str, str], broker: BrokerServer
) -> None:
    """The Redis of the catalog lock stops while chunks are being applied: an apply
    raises ServiceUnavailable before it writes anything. The chunk's translation is
    in the apply message, so the apply is tried again (Celery's retry, backing off)
    until the lock server is back; it is not thrown away to be found lost by the
    supervisor, translated again, and after ``MAX_LOSSES`` such rounds given up as
    if its worker kept dying."""
    lock = RedisServer(tmp_path / "lock")
    lock.start()
    worker_env = plugin_env(PLUGIN_PATH, **{**env, "L10N_SUPERVISOR_INTERVAL": "1"},
                            L10N_REDIS_URL=lock.url, L10N_SHOUT_SLOW="0.2")  # fmt: skip
    run_cli("add", str(SAMPLE), root=workspace)
    worker = Worker(workspace, worker_env, tmp_path / "worker.log", pool="threads")
    worker.start()
    log = tmp_path / "worker.log"

    def retried() -> int:
        lines = log.read_text(errors="replace").splitlines()
        return sum("l10n.apply_chunk[" in line and " RETRY " in line for line in lines)

    def given_up_or_retried() -> bool:
        job = _job(workspace)
        gave_up = bool(job.failed) or max(job.lost.values(), default=0) > MAX_LOSSES
        return gave_up or retried() >= 6

    try:
        run_cli("translate", SAMPLE_SLUG, "--to", "eo", "--engine", ENGINE, root=workspace,
                env=worker_env)  # fmt: skip
        _wait(_done_chunks(workspace, 1), "a first chunk applied", log)
        lock.stop()
        _wait(given_up_or_retried, "applies without the lock server", log)
        lock.start()
        _wait(_finished(workspace), "end of the job", log)
    finally:
        worker.stop()
        lock.stop()
    job = _job(workspace)
    assert job.state == "done" and not job.failed and not job.given_up, job
    assert not job.lost, job  # nothing was translated twice
    po = polib.pofile(str(workspace / "locales" / "eo" / "LC_MESSAGES" / f"{SAMPLE_SLUG}.po"))
    assert job.translated == len(po) > 0
    for entry in po:
        assert entry.msgstr == entry.msgid.upper(), entry

"""Drive the compose stack end to end, as an operator would (`make compose-test`).

Standard library only (runs on the host's python3). Expects a Docker engine and the
base images resolved (deploy/compose-test.sh does both, then runs this). Steps:
build the image; check its user, HEALTHCHECK and EXPOSE; Flower refuses to start
without a password; start the stack (Flower included, ports on 127.0.0.1); the
workers (`l10n worker --role apply|mt`) consume apply alone and the MT pairs alone,
and the apply worker holds the job supervisor's lock;
create an admin token inside the api container; add an article, run a pseudo MT job,
build and read the published page over HTTP; every line the workers and the API
logged is JSON, with one line per task; scale mt-worker to 2; install a pair
(`l10n models install`) and see both MT workers consume its queue with no restart;
run a second job; stop one MT worker's process and see ITS health check fail while
the other's passes; stop only the apply worker's process and see its health check
fail (while the MT workers still answer) and Docker mark it unhealthy; `down -v`.
Prints each step and a final PASS/FAIL line; exits non-zero on failure.

L10N_COMPOSE_BROKER=rabbitmq runs the same with deploy/compose.rabbitmq.yaml layered on;
L10N_COMPOSE_KEEP=1 leaves the stack up for a look (then `down -v` it yourself).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
SLUG = "compose-test"
PROJECT = os.environ.get("COMPOSE_PROJECT_NAME", "l10n-compose-test")
IMAGE = os.environ.get("L10N_IMAGE", "l10n-service:latest")
STARTED = time.monotonic()


class Failed(Exception):
    """A step's expectation did not hold; the message says which."""


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def run(
    cmd: Sequence[str], *, check: bool = True, env: dict[str, str] | None = None,
    timeout: float = 900, quiet: bool = False, input_bytes: bytes | None = None,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    if not quiet:
        print("  $ " + shlex.join(cmd), flush=True)
    done = subprocess.run(
        list(cmd), capture_output=True, input=input_bytes, env=env or os.environ.copy(),
        timeout=timeout,
    )  # fmt: skip
    result = subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )  # fmt: skip
    if check and result.returncode != 0:
        raise Failed(
            f"{shlex.join(cmd)} exited {result.returncode}:\n{result.stdout[-3000:]}"
            f"{result.stderr[-3000:]}"
        )
    return result


def compose_cmd() -> list[str]:
    """`docker compose` (v2) when present, else `docker-compose` (v1); L10N_COMPOSE overrides."""
    if os.environ.get("L10N_COMPOSE"):
        return shlex.split(os.environ["L10N_COMPOSE"])
    if run(["docker", "compose", "version"], check=False, quiet=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise Failed("neither `docker compose` nor `docker-compose` is installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def until(predicate: Callable[[], Any], what: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(2)


class Stack:
    """One compose project with the test's environment."""

    def __init__(self, files: list[str], env: dict[str, str]) -> None:
        self.base = [*compose_cmd(), "-p", PROJECT, *(a for f in files for a in ("-f", f))]
        self.env = env

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run([*self.base, *args], env=self.env, check=check)

    def containers(self, service: str) -> list[str]:
        out = run([*self.base, "ps", "-q", service], env=self.env, quiet=True).stdout
        return [line.strip() for line in out.splitlines() if line.strip()]

    def one(self, service: str) -> str:
        found = self.containers(service)
        if len(found) != 1:
            raise Failed(f"expected one {service} container, found {len(found)}")
        return found[0]


def inspect(container: str, template: str) -> str:
    return run(["docker", "inspect", "-f", template, container], quiet=True).stdout.strip()


def health(container: str) -> str:
    return inspect(container, "{{if .State.Health}}{{.State.Health.Status}}{{end}}")


def all_healthy(stack: Stack, services: list[str], counts: dict[str, int]) -> bool:
    states = {}
    for service in services:
        ids = stack.containers(service)
        if len(ids) != counts.get(service, 1):
            states[service] = f"{len(ids)} containers"
            continue
        states[service] = ",".join(health(c) or inspect(c, "{{.State.Status}}") for c in ids)
    pending = {s: v for s, v in states.items() if set(v.split(",")) != {"healthy"}}
    if pending:
        print(f"    waiting: {pending}", flush=True)
    return not pending


class Api:
    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token

    def call(
        self, method: str, path: str, body: bytes | dict[str, Any] | None = None,
        content_type: str = "application/json", auth: str | None = None,
        accept: str | None = None, language: str | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:  # fmt: skip
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if accept:
            request.add_header("Accept", accept)
        if language:
            request.add_header("Accept-Language", language)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if auth or self.token:
            request.add_header("Authorization", auth or f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def json(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        status, body, _ = self.call(method, path, **kwargs)
        if status != expect:
            raise Failed(f"{method} {path}: HTTP {status} (wanted {expect}): {body[:500]!r}")
        return json.loads(body)


def build_image(env: dict[str, str]) -> None:
    step(f"build {IMAGE} on {env['BASE_IMAGE']}")
    ca = REPO / "deploy" / "ca" / "ca-certificates.crt"
    bundle = Path(env.get("PIP_CERT") or "/etc/ssl/certs/ca-certificates.crt")
    if bundle.is_file():  # pip inside the build trusts what the host's pip trusts
        shutil.copyfile(bundle, ca)
    started = time.monotonic()
    extras = []  # the Dockerfile's default (monitor,argos) unless L10N_EXTRAS is set
    if "L10N_EXTRAS" in env:
        extras = ["--build-arg", f"L10N_EXTRAS={env['L10N_EXTRAS']}"]
    run(
        ["docker", "build", "--force-rm", "--network", "host",
         "--build-arg", f"BASE_IMAGE={env['BASE_IMAGE']}", *extras, "-t", IMAGE, str(REPO)],
        env={**env, "DOCKER_BUILDKIT": "0"}, timeout=1800,
    )  # fmt: skip
    size = run(["docker", "image", "ls", "--format", "{{.Size}}", IMAGE], quiet=True).stdout
    print(f"    built in {time.monotonic() - started:.0f} s; {IMAGE} {size.strip()}", flush=True)


def check_image() -> None:
    step("image: non-root user, HEALTHCHECK, EXPOSE")
    config = json.loads(run(["docker", "image", "inspect", IMAGE], quiet=True).stdout)[0]["Config"]
    if config.get("User") in ("", "root", "0", None):
        raise Failed(f"image runs as {config.get('User')!r}")
    if not (config.get("Healthcheck") or {}).get("Test"):
        raise Failed("image has no HEALTHCHECK")
    if "8000/tcp" not in (config.get("ExposedPorts") or {}):
        raise Failed(f"image does not EXPOSE 8000: {config.get('ExposedPorts')}")
    uid = run(["docker", "run", "--rm", IMAGE, "id", "-u"], quiet=True).stdout.strip()
    if uid == "0":
        raise Failed("container runs as uid 0")
    # The stock celery CLI finds workers.main from any directory.
    run(["docker", "run", "--rm", "-w", "/", IMAGE, "python3", "-c", "import workers.main"])
    print(f"    user {config['User']} (uid {uid}), healthcheck {config['Healthcheck']['Test']}")


def check_flower_refuses(stack: Stack) -> None:
    step("flower refuses to start without FLOWER_BASIC_AUTH")
    result = stack(
        "--profile", "monitor", "run", "--rm", "--no-deps", "-e", "FLOWER_BASIC_AUTH=", "flower",
        check=False,
    )  # fmt: skip
    if result.returncode == 0 or "FLOWER_BASIC_AUTH" not in result.stdout + result.stderr:
        raise Failed(f"flower without auth: exit {result.returncode}: {result.stderr[-500:]}")
    said = [line for line in (result.stderr + result.stdout).splitlines() if "error:" in line]
    print(f"    exit {result.returncode}: {said[-1] if said else ''}")


def check_bindings(stack: Stack, env: dict[str, str]) -> None:
    step("published ports listen on 127.0.0.1 only")
    for service, port in (("api", "8000"), ("flower", "5555")):
        mapping = run(["docker", "port", stack.one(service), port], quiet=True).stdout.split()
        if not mapping or any(not m.startswith("127.0.0.1:") for m in mapping):
            raise Failed(f"{service} {port} published on {mapping}")
        print(f"    {service}: {', '.join(mapping)}")


def create_token(stack: Stack) -> str:
    step("create an admin token inside the api container (its workspace volume, L10N_ROOT)")
    result = stack("exec", "-T", "api", "l10n", "tokens", "create", "--role", "admin",
                   "--name", "compose-test")  # fmt: skip
    token = result.stdout.strip().splitlines()[-1].strip()
    if not token or " " in token:
        raise Failed(f"no token printed: {result.stdout!r} {result.stderr!r}")
    print(f"    {result.stderr.strip()}")
    return token


def run_job(api: Api, lang: str, engine: str = "pseudo") -> dict[str, Any]:
    step(f"POST a {engine} MT job for {lang} and wait for it")
    created = api.json(
        "POST", f"/articles/{SLUG}/jobs", 202, body={"languages": [lang], "engine": engine}
    )
    job = created["jobs"][0]
    print(f"    job {job['id']}: {job['segments']} segments in {job['chunks']} chunks")

    def finished() -> dict[str, Any] | None:
        current = api.json("GET", f"/jobs/{job['id']}", 200)
        print(f"    {current['state']}: {len(current['done_chunks'])}/{current['chunks']} chunks")
        return current if current["state"] in ("done", "failed", "cancelled") else None

    final: dict[str, Any] = until(finished, f"job {job['id']}", timeout=600)
    if final["state"] != "done" or final["translated"] == 0 or final["failed"]:
        raise Failed(f"job ended {final['state']}: {final}")
    print(f"    done: {final['translated']} translated")
    return final


def publish_and_read(api: Api, lang: str) -> bytes:
    step(f"build bundles for {lang} and GET the published page")
    built = api.json(
        "POST", f"/articles/{SLUG}/bundles", 200,
        body={"languages": [lang], "policy": "machine-allowed"},
    )  # fmt: skip
    mine = [b for b in built["bundles"] if b["lang"] == lang]
    if not mine or not mine[0]["published"]:
        raise Failed(f"{lang} not published: {built}")
    print(f"    published version {mine[0]['version']} coverage {mine[0]['coverage']}")
    reader = Api(api.base)  # readers need no token
    status, page, _ = reader.call("GET", f"/articles/{SLUG}/{lang}/index.html")
    if status != 200 or f'lang="{lang}"'.encode() not in page:
        raise Failed(f"GET /articles/{SLUG}/{lang}/index.html: HTTP {status} {page[:300]!r}")
    status, negotiated, headers = reader.call(
        "GET", f"/articles/{SLUG}", accept="text/html", language=f"{lang};q=0.9, en;q=0.5"
    )
    if status != 200 or f'lang="{lang}"'.encode() not in negotiated:
        raise Failed(f"GET /articles/{SLUG} (Accept-Language: {lang}): HTTP {status}")
    print(f"    index.html {len(page)} bytes; /articles/{SLUG} negotiated to {lang}: "
          f"{headers.get('content-type')}, ETag {headers.get('etag')}")  # fmt: skip
    return page


def check_flower_auth(env: dict[str, str]) -> None:
    step("flower asks for basic auth and accepts FLOWER_BASIC_AUTH")
    flower = Api(f"http://127.0.0.1:{env['L10N_FLOWER_PORT']}")
    status, _, _ = flower.call("GET", "/")
    if status != 401:
        raise Failed(f"flower without credentials: HTTP {status}, wanted 401")
    basic = "Basic " + base64.b64encode(env["FLOWER_BASIC_AUTH"].encode()).decode()
    status, body, _ = flower.call("GET", "/workers", auth=basic)
    if status != 200:
        raise Failed(f"flower with credentials: HTTP {status}")
    print(f"    401 without, 200 with credentials ({len(body)} bytes)")


def nodes_answering(stack: Stack) -> list[str]:
    result = stack("exec", "-T", "api", "celery", "-A", "l10n_service.jobs.app", "inspect",
                   "ping", "--json", "--timeout", "10", check=False)  # fmt: skip
    try:
        return sorted(json.loads(result.stdout.strip().splitlines()[-1]))
    except (json.JSONDecodeError, IndexError):
        return []


def queues_by_node(stack: Stack) -> dict[str, set[str]]:
    """What each live worker consumes (`celery inspect active_queues`), by node."""
    result = stack("exec", "-T", "api", "celery", "-A", "l10n_service.jobs.app", "inspect",
                   "active_queues", "--json", "--timeout", "5", check=False)  # fmt: skip
    try:
        replies = json.loads(result.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return {}
    return {node: {q["name"] for q in queues} for node, queues in replies.items()}


def check_worker_roles(stack: Stack, mt_nodes: int) -> dict[str, set[str]]:
    step("the workers' roles: apply@ consumes apply alone, mt@ the pairs without apply")

    def settled() -> dict[str, set[str]] | None:
        nodes = queues_by_node(stack)
        mt = [n for n in nodes if n.startswith("mt@")]
        return nodes if len(mt) == mt_nodes and any(n.startswith("apply@") for n in nodes) else None

    nodes: dict[str, set[str]] = until(settled, f"apply and {mt_nodes} MT node(s) answering", 120)
    for node, queues in sorted(nodes.items()):
        print(f"    {node}: {', '.join(sorted(queues))}")
        if node.startswith("apply@") and queues != {"apply"}:
            raise Failed(f"{node} consumes {sorted(queues)}, wanted only apply")
        if node.startswith("mt@") and ("apply" in queues or "mt.pseudo" not in queues):
            raise Failed(f"{node} consumes {sorted(queues)}: wanted mt.pseudo and not apply")
    return nodes


def check_json_logs(stack: Stack) -> None:
    step("every line the workers and the API logged is one JSON object; one per task")
    wanted = {"apply-worker": "l10n.apply_chunk", "mt-worker": "l10n.translate_chunk", "api": ""}
    for service, task in wanted.items():
        for container in stack.containers(service):
            log = run(["docker", "logs", container], quiet=True)
            lines = [line for line in (log.stdout + log.stderr).splitlines() if line.strip()]
            records = []
            for line in lines:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    record = None
                if not isinstance(record, dict) or not {"time", "level", "message"} <= set(record):
                    raise Failed(
                        f"{service} {container[:12]} logged a line that is not JSON: {line!r}"
                    )
                records.append(record)
            tasks = [r for r in records if task and r.get("task") == task]
            if task and not any(r.get("state") == "SUCCESS" for r in tasks):
                raise Failed(
                    f"{service} {container[:12]}: no JSON line for a {task} that succeeded"
                )
            print(f"    {service} {container[:12]}: {len(records)} JSON lines"
                  + (f", {len(tasks)} {task}" if task else ""))  # fmt: skip
            if tasks:
                print(f"      e.g. {json.dumps(tasks[-1])[:220]}")


SUPERVISOR_LOCK_HELD = """
import fcntl, os, sys
fd = os.open("/workspace/.l10n/supervisor.lock", os.O_RDWR | os.O_CREAT)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(0)
sys.exit(1)
"""


def check_supervisor(stack: Stack) -> None:
    step("the apply worker supervises jobs: it holds .l10n/supervisor.lock (an flock)")

    def held() -> bool:
        probe = ["exec", "-T", "api", "python3", "-c", SUPERVISOR_LOCK_HELD]
        return stack(*probe, check=False).returncode == 0

    until(held, "the apply worker to hold the supervisor's lock", 60)
    print("    held by another process on the workspace volume (the api cannot take it)")


def fake_pair_package(target: str) -> bytes:
    """An argostranslate package for en->TARGET that installs (metadata and files in
    place) but cannot translate: enough for a worker to consume its queue."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        top = f"translate-en_{target}"
        archive.writestr(f"{top}/metadata.json", json.dumps({"from_code": "en", "to_code": target}))
        archive.writestr(f"{top}/sentencepiece.model", "x")
        archive.writestr(f"{top}/model/model.bin", "x")
    return buffer.getvalue()


def check_follows_new_pair(stack: Stack) -> None:
    step("install a pair after start: the MT workers consume its queue, no restart")
    queue = "mt.en-xq"
    run(
        [*stack.base, "exec", "-T", "api", "sh", "-c",
         "cat > /tmp/en-xq.argosmodel && l10n models install /tmp/en-xq.argosmodel"],
        env=stack.env, input_bytes=fake_pair_package("xq"),
    )  # fmt: skip

    def followed() -> dict[str, set[str]] | None:
        nodes = queues_by_node(stack)
        mt = {n: q for n, q in nodes.items() if n.startswith("mt@")}
        return nodes if mt and all(queue in q for q in mt.values()) else None

    started = time.monotonic()
    nodes: dict[str, set[str]] = until(followed, f"every MT worker consuming {queue}", 120)
    mt = sorted(n for n in nodes if n.startswith("mt@"))
    print(f"    {queue} consumed by {mt} after {time.monotonic() - started:.0f} s")
    if any(queue in q for n, q in nodes.items() if n.startswith("apply@")):
        raise Failed(f"the apply worker consumes {queue}")
    stack("exec", "-T", "api", "l10n", "models", "remove", "en-xq")


# Run inside the api container, after tests/support/tiny_argos.py's source: the image
# has its dependencies (numpy, sentencepiece, ctranslate2), the host's python3 need not.
TINY_ARGOS_MAIN = """
import json as _json, sys as _sys
_path = build_tiny_argos_package(Path("/tmp/tiny-argos"), "en", TARGET)
print(_json.dumps({"package": str(_path), "expected": expected_translation(SAMPLE)}))
"""
TINY_ARGOS_SAMPLE = "Table of Contents"


def check_argos_package(stack: Stack, api: Api) -> None:
    """An operator's argos package in the models volume, used by the MT workers: the
    tiny real package (SentencePiece + CTranslate2, tests/support/tiny_argos.py)
    installed with `l10n models install`, a job on engine argos, its text on the page."""
    step("install a real (tiny) argos package en->es: the MT workers translate with it")
    target = "es"
    source = (REPO / "tests" / "support" / "tiny_argos.py").read_text(encoding="utf-8")
    script = source + f"\nTARGET = {target!r}\nSAMPLE = {TINY_ARGOS_SAMPLE!r}\n" + TINY_ARGOS_MAIN
    built = run(
        [*stack.base, "exec", "-T", "api", "python3", "-"], env=stack.env,
        input_bytes=script.encode(),
    )  # fmt: skip
    info = json.loads(built.stdout.strip().splitlines()[-1])
    stack("exec", "-T", "api", "l10n", "models", "install", info["package"])
    queue = f"mt.en-{target}"

    def followed() -> dict[str, set[str]] | None:
        nodes = queues_by_node(stack)
        mt = {n: q for n, q in nodes.items() if n.startswith("mt@")}
        return nodes if mt and all(queue in q for q in mt.values()) else None

    until(followed, f"every MT worker consuming {queue}", 120)
    final = run_job(api, target, engine="argos")
    page = publish_and_read(api, target)
    expected = info["expected"]
    if expected.encode() not in page:
        raise Failed(f"{target} page lacks the tiny model's {TINY_ARGOS_SAMPLE!r} -> {expected!r}")
    print(f"    {final['translated']} segments by argos; page has {expected!r}")
    # With the [argos] extra, argostranslate's own CLI reads the same package folder.
    has_extra = stack("exec", "-T", "api", "python3", "-c", "import argostranslate",
                      check=False).returncode == 0  # fmt: skip
    if has_extra:
        listed = stack("exec", "-T", "api", "argospm", "list").stdout
        if f"translate-en_{target}" not in listed:
            raise Failed(f"argospm list does not show the package: {listed!r}")
        print(f"    [argos] extra present: argospm list shows {listed.split()}")
    else:
        print("    image built without the [argos] extra (L10N_EXTRAS): argospm not checked")


def two_mt_nodes(stack: Stack) -> list[str] | None:
    nodes = nodes_answering(stack)
    return nodes if sum(n.startswith("mt@") for n in nodes) == 2 else None


def chunks_per_worker(stack: Stack) -> dict[str, int]:
    """How the chunks spread over the MT workers (informative: not asserted, the
    broker may hand every chunk to one of them), from their JSON task lines."""
    counts = {}
    for container in stack.containers("mt-worker"):
        log = run(["docker", "logs", container], quiet=True)
        text = log.stdout + log.stderr
        counts[container[:12]] = len(
            re.findall(r'"task": "l10n\.translate_chunk".*?"state": "SUCCESS"', text)
        )
    return counts


def check_mt_health(stack: Stack) -> None:
    step("stop one MT worker's process: its health check fails, the other MT worker's passes")
    stopped, other = stack.containers("mt-worker")[:2]
    check = ["python3", "-m", "workers.healthcheck", "--timeout", "5", "--node", "mt"]
    run(["docker", "kill", "--signal", "SIGSTOP", stopped])
    try:
        own = run(["docker", "exec", stopped, *check], check=False)
        if own.returncode == 0:
            raise Failed("a stopped MT worker's check passed (another mt@ node answered?)")
        print(f"    stopped {stopped[:12]}: exit {own.returncode}: {own.stderr.strip()}")
        run(["docker", "exec", other, *check])
        print(f"    running {other[:12]}: exit 0")
    finally:
        run(["docker", "kill", "--signal", "SIGCONT", stopped], check=False)


def check_apply_health(stack: Stack) -> None:
    step("stop only the apply worker's process: its health check fails, MT workers' pass")
    apply_id = stack.one("apply-worker")
    mt_id = stack.containers("mt-worker")[0]
    check = ["python3", "-m", "workers.healthcheck", "--timeout", "5"]
    # SIGSTOP reaches the container's PID 1 from outside: the container keeps running
    # (so Docker keeps probing it) while the worker answers nothing, as when hung.
    run(["docker", "kill", "--signal", "SIGSTOP", apply_id])
    try:
        own = run(["docker", "exec", apply_id, *check, "--node", "apply"], check=False)
        if own.returncode == 0:
            raise Failed("apply worker's check passed while its worker was stopped")
        print(f"    apply: exit {own.returncode}: {own.stderr.strip()}")
        run(["docker", "exec", mt_id, *check, "--node", "mt"])
        answering = nodes_answering(stack)
        if not answering or any(n.startswith("apply@") for n in answering):
            raise Failed(f"expected only MT workers to answer a plain ping: {answering}")
        print(f"    a plain `celery inspect ping` still succeeds (answered by {answering}),")
        print("    which is why the old check could not see this")
        until(lambda: health(apply_id) == "unhealthy", "Docker to mark apply unhealthy", 240)
        print(f"    docker: apply-worker {health(apply_id)}; mt-worker {health(mt_id)}")
        if health(mt_id) != "healthy":
            raise Failed(f"mt-worker is {health(mt_id)} while only apply was stopped")
    finally:
        run(["docker", "kill", "--signal", "SIGCONT", apply_id], check=False)
    until(lambda: health(apply_id) == "healthy", "apply worker healthy again", 240)
    print("    SIGCONT: apply-worker healthy again")


def show_logs(stack: Stack) -> None:
    result = stack("--profile", "monitor", "logs", "--no-color", "--tail", "40", check=False)
    print(result.stdout[-12000:], result.stderr[-2000:], sep="\n")


def main() -> int:
    files = [str(REPO / "compose.yaml")]
    broker = os.environ.get("L10N_COMPOSE_BROKER", "redis")
    if broker not in ("redis", "rabbitmq"):
        print(f"error: L10N_COMPOSE_BROKER={broker!r}: expected redis or rabbitmq", file=sys.stderr)
        return 2
    if broker == "rabbitmq":
        files.append(str(REPO / "deploy" / "compose.rabbitmq.yaml"))
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": PROJECT,
        "L10N_IMAGE": IMAGE,
        "BASE_IMAGE": os.environ.get("BASE_IMAGE", "python:3.11-slim"),
        "REDIS_IMAGE": os.environ.get("REDIS_IMAGE", "redis:7-alpine"),
        "L10N_HTTP_PORT": str(free_port()),
        "L10N_FLOWER_PORT": str(free_port()),
        "L10N_HEALTH_INTERVAL": "5s",
        "L10N_QUEUE_REFRESH_S": "5",  # how soon an MT worker sees a pair installed later
        "FLOWER_BASIC_AUTH": f"ops:{secrets.token_urlsafe(12)}",
    }
    stack = Stack(files, env)
    services = ["redis", "api", "apply-worker", "mt-worker", "flower"]
    if broker == "rabbitmq":
        env["RABBITMQ_IMAGE"] = os.environ.get("RABBITMQ_IMAGE", "rabbitmq:3-management-alpine")
        services.append("rabbitmq")
    ok = False
    try:
        step(f"compose: {shlex.join(stack.base)}")
        stack("--profile", "monitor", "down", "-v", "--remove-orphans", check=False)
        build_image(env)
        check_image()
        check_flower_refuses(stack)
        step(f"start the stack ({', '.join(services)}; broker: {broker})")
        stack("--profile", "monitor", "up", "-d", "--no-build")
        until(lambda: all_healthy(stack, services, {}), "every service healthy", 300)
        check_bindings(stack, env)
        check_worker_roles(stack, 1)
        check_supervisor(stack)
        token = create_token(stack)
        api = Api(f"http://127.0.0.1:{env['L10N_HTTP_PORT']}", token)
        step("POST the article")
        saved = api.json(
            "POST", f"/articles?slug={SLUG}", 201, body=ARTICLE.read_bytes(),
            content_type="text/plain",
        )  # fmt: skip
        print(f"    {saved['slug']}: {saved['segments']} segments, {saved['blocks']} blocks")
        run_job(api, "de")
        publish_and_read(api, "de")
        check_json_logs(stack)
        check_flower_auth(env)
        step("scale mt-worker to 2")
        stack("--profile", "monitor", "up", "-d", "--no-build", "--no-recreate",
              "--scale", "mt-worker=2")  # fmt: skip
        until(lambda: all_healthy(stack, services, {"mt-worker": 2}), "2 healthy MT workers", 300)
        answering = until(lambda: two_mt_nodes(stack), "both MT workers answering pings", 120)
        print(f"    nodes: {answering}")
        check_worker_roles(stack, 2)
        check_follows_new_pair(stack)
        run_job(api, "fr")
        print(f"    chunks translated so far, per MT worker: {chunks_per_worker(stack)}")
        publish_and_read(api, "fr")
        check_argos_package(stack, api)
        check_mt_health(stack)
        check_apply_health(stack)
        ok = True
    except (Failed, subprocess.TimeoutExpired) as exc:
        print(f"\nFAILED: {exc}", flush=True)
        show_logs(stack)
    finally:
        if os.environ.get("L10N_COMPOSE_KEEP") != "1":
            step("tear down: down -v")
            stack("--profile", "monitor", "down", "-v", "--remove-orphans", check=False)
    total = time.monotonic() - STARTED
    print(f"{'PASS' if ok else 'FAIL'}: compose-test ({total:.0f} s)", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

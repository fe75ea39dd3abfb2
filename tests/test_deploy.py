"""compose.yaml, its RabbitMQ override and the Dockerfile, checked without Docker.

`make compose-test` runs the stack for real (minutes, needs Docker); these catch the
mistakes found there before (a service's environment replacing the shared one,
a health check that any worker answers, Flower without a password, ports on every
interface, an image running as root) in milliseconds.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

COMPOSE = REPO / "compose.yaml"
RABBIT = REPO / "deploy" / "compose.rabbitmq.yaml"
APP_SERVICES = ("api", "apply-worker", "mt-worker", "flower")


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))  # resolves `<<:` merges
    return loaded


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _load(COMPOSE)


def test_runs_on_compose_v1(compose: dict[str, Any]) -> None:
    """docker-compose 1.29 (Debian) rejects a top-level `name:`; `version:` is obsolete in v2."""
    assert set(compose) - {"services", "volumes", "networks"} <= {
        k for k in compose if k.startswith("x-")
    }


def test_every_app_service_keeps_the_shared_environment(compose: dict[str, Any]) -> None:
    shared = compose["x-env"]
    assert {"L10N_BROKER_URL", "L10N_ROOT", "L10N_MT_THREADS"} <= set(shared)
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        missing = {k for k in shared if env.get(k) != shared[k]}
        assert not missing, f"{name} lost {missing}"


def _node(command: list[str]) -> str:
    """`l10n worker --name NAME` runs the Celery node NAME@<hostname>."""
    name = command[command.index("--name") + 1]
    assert "@" not in name, name
    return name


@pytest.mark.parametrize("service", ["apply-worker", "mt-worker"])
def test_worker_health_pings_its_own_fixed_node(compose: dict[str, Any], service: str) -> None:
    spec = compose["services"][service]
    test = spec["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python3", "-m", "workers.healthcheck"]
    assert test[test.index("--node") + 1] == _node(spec["command"])


@pytest.mark.parametrize(("service", "role"), [("apply-worker", "apply"), ("mt-worker", "mt")])
def test_workers_run_l10n_worker_with_their_role(
    compose: dict[str, Any], service: str, role: str
) -> None:
    """`l10n worker`, not the stock celery CLI: JSON logs, one line per task, the
    supervisor's election, and (without --queues) pairs installed later."""
    command = compose["services"][service]["command"]
    assert command[:2] == ["l10n", "worker"]
    assert command[command.index("--role") + 1] == role
    assert "--queues" not in command and "-Q" not in command


def test_no_stock_celery_worker_anywhere() -> None:
    for path in [COMPOSE, RABBIT, REPO / "Dockerfile", *(REPO / "deploy").glob("*.sh")]:
        text = path.read_text("utf-8")
        assert not re.search(r"celery\b[^\n]*\bworker\b", text.replace('", "', " ")), path


def test_services_log_json_by_default(compose: dict[str, Any]) -> None:
    assert compose["x-env"]["L10N_LOG_FORMAT"] == "${L10N_LOG_FORMAT:-json}"


def test_nodes_are_distinct(compose: dict[str, Any]) -> None:
    nodes = [_node(compose["services"][s]["command"]) for s in ("apply-worker", "mt-worker")]
    assert len(set(nodes)) == len(nodes)


@pytest.mark.parametrize("path", [COMPOSE, RABBIT])
def test_published_ports_default_to_loopback(path: Path) -> None:
    for name, spec in _load(path)["services"].items():
        for port in spec.get("ports", []):
            assert re.fullmatch(r"\$\{L10N_\w+_BIND:-127\.0\.0\.1\}:.+:\d+", port), (name, port)


def _flower_script(compose: dict[str, Any]) -> str:
    command = compose["services"]["flower"]["command"]
    assert command[:2] == ["sh", "-c"]
    return str(command[2]).replace("$$", "$")  # compose's escape for a literal $


@pytest.mark.parametrize("auth", [None, "", "admin", "admin:", ":secret"])
def test_flower_refuses_to_start_without_basic_auth(
    compose: dict[str, Any], auth: str | None
) -> None:
    env = {"PATH": "/usr/bin:/bin"}
    if auth is not None:
        env["FLOWER_BASIC_AUTH"] = auth
    # `celery` is not on this PATH: reaching the exec line would fail with 127, not 2.
    result = subprocess.run(
        ["sh", "-c", _flower_script(compose)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "FLOWER_BASIC_AUTH" in result.stderr


def test_flower_starts_with_basic_auth(compose: dict[str, Any], tmp_path: Path) -> None:
    fake = tmp_path / "celery"
    fake.write_text('#!/bin/sh\necho "celery $*"\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["sh", "-c", _flower_script(compose)],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "FLOWER_BASIC_AUTH": "ops:s3cret"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("celery -A l10n_service.jobs.app flower")
    assert "s3cret" not in result.stdout  # Flower reads it from the environment, not argv


def test_flower_is_opt_in(compose: dict[str, Any]) -> None:
    assert compose["services"]["flower"]["profiles"] == ["monitor"]


def test_rabbitmq_override_sets_broker_for_every_app_service() -> None:
    override = _load(RABBIT)
    for name in APP_SERVICES:
        env = override["services"][name]["environment"]
        assert env["L10N_BROKER_URL"].startswith("amqp://"), name
        assert env["L10N_RESULT_BACKEND"] == "rpc://"
        assert override["services"][name]["depends_on"]["rabbitmq"]["condition"] == (
            "service_healthy"
        )


def test_image_is_not_root_and_declares_health_and_ports() -> None:
    dockerfile = (REPO / "Dockerfile").read_text("utf-8")
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", final_stage, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*workers\.healthcheck", final_stage, re.M)
    assert re.search(r"^EXPOSE .*\b8000\b", final_stage, re.M)
    assert re.search(r"^ARG BASE_IMAGE=", dockerfile, re.M)
    instructions = "\n".join(
        line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")
    )
    assert "torch" not in instructions  # comments may say "no torch"


def test_compose_images_can_be_substituted(compose: dict[str, Any]) -> None:
    """Hosts without a registry point these at local builds (deploy/local-images.sh)."""
    assert compose["services"]["redis"]["image"].startswith("${REDIS_IMAGE:-")
    assert compose["x-app"]["build"]["args"]["BASE_IMAGE"].startswith("${BASE_IMAGE:-")


def test_models_install_stages_inside_the_models_volume(compose: dict[str, Any]) -> None:
    """`l10n models install` unpacks into a sibling of ARGOS_PACKAGES_DIR and renames
    it into place: with the packages at the volume's mount point that sibling was in
    `/`, which the non-root user cannot write (found by `make compose-test`)."""
    packages = PurePosixPath(compose["x-env"]["ARGOS_PACKAGES_DIR"])
    mounts = {PurePosixPath(v.split(":")[1]) for v in compose["x-app"]["volumes"]}
    assert packages not in mounts and packages.parent in mounts
    dockerfile = (REPO / "Dockerfile").read_text("utf-8")
    assert f"ARGOS_PACKAGES_DIR={packages}" in dockerfile

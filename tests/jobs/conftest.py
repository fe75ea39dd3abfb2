"""Fixtures shared by the job tests: one private RabbitMQ server for the session
(starting one takes ~12 s; tests that stop it start it again, see ``broker``). Under
xdist the tests on it form one group, run by one worker, so one server is started."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.brokers import RabbitServer

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on the private RabbitMQ (directly or through a ``broker`` or
    ``broker_url`` parameter) go to one xdist worker (``--dist loadgroup``)."""
    for item in items:
        if HERE not in Path(item.path).parents:
            continue
        params = getattr(item, "callspec", None)
        chosen = params.params if params else {}
        on_rabbit = "rabbitmq" in (chosen.get("broker"), chosen.get("broker_url"))
        if on_rabbit or "rabbit_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("rabbitmq"))


@pytest.fixture(scope="session")
def rabbit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitServer]:
    server = RabbitServer(tmp_path_factory.mktemp("rabbitmq"))
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(f"RabbitMQ is required for the job tests: {exc}")
    yield server
    server.stop()

"""Fixtures shared by the job tests: one private RabbitMQ server for the session
(starting one takes ~12 s; tests that stop it start it again, see ``broker``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.brokers import RabbitServer


@pytest.fixture(scope="session")
def rabbit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitServer]:
    server = RabbitServer(tmp_path_factory.mktemp("rabbitmq"))
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(f"RabbitMQ is required for the job tests: {exc}")
    yield server
    server.stop()

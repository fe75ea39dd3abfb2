"""The broker probe behind /readyz, /metrics and the waiting notes answers the
same on Redis and on RabbitMQ (the shared server on 127.0.0.1:5672; only queues
with names of our own are touched), and quickly says "no" for a dead broker."""

from __future__ import annotations

import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue

from l10n_service.jobs import broker

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else RABBITMQ
    monkeypatch.setenv("L10N_BROKER_URL", url)
    broker.forget()
    return url


def test_depths_and_ping_on_both_brokers(broker_url: str) -> None:
    name = f"l10n-test-{uuid.uuid4().hex[:8]}"
    exchange = Exchange(name, type="direct", durable=False, auto_delete=True)
    queue = Queue(name, exchange, routing_key=name, durable=False,
                  auto_delete=False)  # fmt: skip
    with Connection(broker_url) as connection:
        channel = connection.channel()
        bound = queue(channel)
        bound.declare()
        producer = Producer(channel)
        for number in range(3):
            producer.publish({"n": number}, exchange=queue.exchange, routing_key=name,
                             declare=[queue])  # fmt: skip
        try:
            assert broker.ping() is None
            depths = broker.queue_depths([name, f"{name}-never-declared"])
            assert depths == {name: 3, f"{name}-never-declared": 0}
        finally:
            bound.delete()
            channel.close()


def test_a_dead_broker_is_named_not_waited_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_BROKER_URL", "amqp://guest:guest@127.0.0.1:9//")
    broker.forget()
    problem = broker.ping()
    assert problem is not None and "127.0.0.1:9" in problem and "\n" not in problem
    assert broker.queue_depths(["apply"]) is None
    assert broker.consumed_queues() is None


def test_the_embedded_broker_has_no_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L10N_BROKER_URL", raising=False)
    assert broker.ping() is None
    assert broker.queue_depths(["apply"]) is None and broker.consumed_queues() is None

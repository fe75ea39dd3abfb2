"""Nothing to set beyond the broker URL: Celery 5 has no ``amqp://`` result backend,
and the tasks need none (progress lives in the job store)."""

from __future__ import annotations

import pytest

from l10n_service.jobs.config import celery_config


@pytest.mark.parametrize(
    "broker", ["amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/0"]
)
def test_no_result_backend_unless_one_is_set(broker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_BROKER_URL", broker)
    monkeypatch.delenv("L10N_RESULT_BACKEND", raising=False)
    config = celery_config()
    assert config["broker_url"] == broker
    assert "result_backend" not in config
    monkeypatch.setenv("L10N_RESULT_BACKEND", "rpc://")
    assert celery_config()["result_backend"] == "rpc://"


def test_the_worker_loads_the_supervisor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L10N_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    assert "l10n_service.jobs.supervisor" in celery_config()["include"]

"""Configuration, only from environment variables (documented in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_CHUNK_SIZE", "Settings", "load_settings"]

# Segments per MT chunk for engines that state no preference (``Engine.chunk_size``).
DEFAULT_CHUNK_SIZE = 32


@dataclass(frozen=True)
class Settings:
    broker_url: str | None
    result_backend: str | None
    redis_lock_url: str | None
    chunk_size: int | None  # None: each engine's preference, else DEFAULT_CHUNK_SIZE
    reviewer: str
    api_tokens_file: Path | None

    @property
    def embedded(self) -> bool:
        """No broker configured: Celery runs on SQLite files inside the workspace."""
        return not self.broker_url


def load_settings() -> Settings:
    env = os.environ
    broker = env.get("L10N_BROKER_URL") or None
    redis_lock = env.get("L10N_REDIS_URL") or (
        broker if broker and broker.startswith("redis") else None
    )
    tokens = env.get("L10N_TOKENS_FILE")
    return Settings(
        broker_url=broker,
        # No default: job state lives in the workspace's job store and every task
        # ignores its result, so a broker URL is all a deployment needs (Celery 5 has
        # no ``amqp://`` result backend to default to).
        result_backend=env.get("L10N_RESULT_BACKEND") or None,
        redis_lock_url=redis_lock,
        chunk_size=int(env["L10N_CHUNK_SIZE"]) if env.get("L10N_CHUNK_SIZE") else None,
        reviewer=env.get("L10N_USER") or env.get("USER") or "reviewer",
        api_tokens_file=Path(tokens) if tokens else None,
    )

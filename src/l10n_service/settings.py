"""Configuration, only from environment variables (documented in the README)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import InputError

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_EXPORTS_KEEP",
    "DEFAULT_EXPORTS_MAX_AGE_DAYS",
    "Settings",
    "load_settings",
]

_N = TypeVar("_N", int, float)

# Segments per MT chunk for engines that state no preference (``Engine.chunk_size``).
DEFAULT_CHUNK_SIZE = 32
# Export copies (the bases of 3-way imports) kept per catalog: the newest this many,
# and every copy exported within this many days (see ``services.review``).
DEFAULT_EXPORTS_KEEP = 10
DEFAULT_EXPORTS_MAX_AGE_DAYS = 30.0
# A shorter age would prune the base of a review page still open (a desk session
# lasts 8 hours, and each saved segment is a new revision).
MIN_EXPORTS_MAX_AGE_DAYS = 1.0
_AGE_BOUNDS = (DEFAULT_EXPORTS_MAX_AGE_DAYS, MIN_EXPORTS_MAX_AGE_DAYS)


@dataclass(frozen=True)
class Settings:
    broker_url: str | None
    result_backend: str | None
    redis_lock_url: str | None
    chunk_size: int | None  # None: each engine's preference, else DEFAULT_CHUNK_SIZE
    reviewer: str
    api_tokens_file: Path | None
    exports_keep: int = DEFAULT_EXPORTS_KEEP
    exports_max_age_days: float = DEFAULT_EXPORTS_MAX_AGE_DAYS

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
        exports_keep=_number(env, "L10N_EXPORTS_KEEP", int, DEFAULT_EXPORTS_KEEP, 1),
        exports_max_age_days=_number(env, "L10N_EXPORTS_MAX_AGE_DAYS", float, *_AGE_BOUNDS),
    )


def _number(env: Mapping[str, str], name: str, kind: type[_N], default: _N, minimum: _N) -> _N:
    """A numeric variable, or its default when unset; a value that is not a number or
    is below ``minimum`` is refused with the variable's name (never silently used)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"{name}={raw[:40]!r} is not a number") from None
    if not value >= minimum:  # also refuses nan
        raise InputError(f"{name}={raw[:40]!r}: the least allowed is {minimum:g}")
    return value

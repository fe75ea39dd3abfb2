"""The memory on both backends: SQLite in the workspace, and the real PostgreSQL
(127.0.0.1:5432, database ``test``), each test in a schema of its own. A missing
PostgreSQL fails the suite: it never skips."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from l10n_service.tm import TranslationMemory

PG_URL = os.environ.get("L10N_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres() -> str:
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=5) as connection:
            connection.execute("select 1")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is required for the TM tests: {exc}")
    return PG_URL


@pytest.fixture
def pg_schema_url(postgres: str) -> Iterator[str]:
    import psycopg

    schema = f"tm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f'create schema "{schema}"')
    try:
        yield f"{postgres}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres, autocommit=True) as connection:
            connection.execute(f'drop schema "{schema}" cascade')


@pytest.fixture(params=["sqlite", "postgresql"])
def tm_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / '.l10n' / 'tm.sqlite'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def memory(
    tm_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TranslationMemory]:
    monkeypatch.setenv("L10N_TM_URL", tm_url)
    with TranslationMemory.open(tmp_path) as tm:
        yield tm

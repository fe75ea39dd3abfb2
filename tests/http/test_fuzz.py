"""Property-based fuzzing of the whole API from its own OpenAPI document.

Schemathesis generates requests for every operation in ``/openapi.json`` (slugs,
languages, query strings, JSON bodies, raw and multipart uploads) and calls the
app in-process (ASGI) with an admin token, so every operation is reached past
authentication. Two checks on every response: it is not a 5xx, and it matches
the schema the app publishes (problem+json documents included). Bounded and
reproducible: 20 examples per operation and generation mode, derandomized.

(Driven through ``operation.as_strategy()`` rather than ``schemathesis.pytest.
from_fixture``, whose lazy loader breaks on this pytest: it writes the private
``Function._nodeid``, which pytest 9 no longer has.)
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Err

from tests.http.conftest import SLUG, make_api

EXAMPLES = 20


def _passes(method: str, path: str) -> list[tuple[GenerationMode, dict[str, str]]]:
    """Random data both ways, then (positive) on the real article and a real
    catalog so that handlers run past "not found": bodies, uploads, approvals,
    builds and jobs on actual data. DELETE is left out of that pass so the
    article stays there for the other operations."""
    passes: list[tuple[GenerationMode, dict[str, str]]] = [
        (GenerationMode.POSITIVE, {}),
        (GenerationMode.NEGATIVE, {}),
    ]
    real = {
        name: value for name, value in (("slug", SLUG), ("lang", "de")) if f"{{{name}}}" in path
    }
    if real and method.upper() != "DELETE":
        passes.append((GenerationMode.POSITIVE, real))
    return passes


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    fixed: dict[str, str],
    headers: dict[str, str],
    statuses: set[int],
) -> str | None:
    """Run one operation's cases; the failure message, or None."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def check(case: Any) -> None:
        response = case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )
        if mode is GenerationMode.POSITIVE:
            statuses.add(response.status_code)

    try:
        check()
    except Unsatisfiable:
        return None  # nothing to make invalid (e.g. GET / has no parameters)
    except Exception as exc:  # every operation is run; failures are reported together
        return str(exc)
    return None


@pytest.fixture
def api_schema(published_copy: Path) -> tuple[schemathesis.BaseSchema, str]:
    api = make_api(published_copy)
    admin = api.token("admin", name="fuzzer")
    return schemathesis.openapi.from_asgi("/openapi.json", api.client.app), admin


def test_api_conforms_to_its_schema_and_never_fails(
    api_schema: tuple[schemathesis.BaseSchema, str],
) -> None:
    schema, admin = api_schema
    headers = {"Authorization": f"Bearer {admin}"}
    failures: list[str] = []
    seen: dict[str, set[int]] = defaultdict(set)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the app's own schema is invalid
        operations.append(result.ok())
    assert len(operations) >= 15
    for operation in operations:
        for mode, fixed in _passes(operation.method, operation.path):
            error = _fuzz(operation, mode, fixed, headers, seen[operation.label])
            if error:
                failures.append(f"{operation.label} [{mode.value} {fixed}]: {error}")
    assert not failures, "\n\n".join(failures)
    print(dict(seen))
    # The token worked: generated requests got past authentication and succeeded.
    assert not any(401 in codes or 403 in codes for codes in seen.values()), seen
    succeeded = {label for label, codes in seen.items() if codes & {200, 201, 202, 204}}
    assert len(succeeded) >= 12, seen

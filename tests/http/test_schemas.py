"""Response models of service dataclasses are generated from them, so a field added
to ``Job`` or ``StatusRow`` reaches the OpenAPI document with no copy to update;
the engine a request names is checked against the engine registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from pydantic import ValidationError

from l10n_service.http.app import create_app
from l10n_service.http.schemas import JobOut, JobsRequest, StatusRowOut, model_of
from l10n_service.mt import registry
from l10n_service.services.catalogs import StatusFigures, StatusRow
from l10n_service.services.jobs_store import Job, JobFigures


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    document: dict[str, Any] = create_app(tmp_path_factory.mktemp("ws")).openapi()
    return document


@pytest.mark.parametrize(
    ("component", "source", "extra"),
    [("JobOut", Job, JobFigures), ("StatusRowOut", StatusRow, StatusFigures)],
)
def test_every_dataclass_field_is_in_the_schema(
    openapi: dict[str, Any], component: str, source: type, extra: type | None
) -> None:
    schema = openapi["components"]["schemas"][component]
    expected = [f.name for f in dataclasses.fields(source)] + list(
        get_type_hints(extra) if extra else []
    )
    assert list(schema["properties"]) == expected
    assert schema["required"] == expected  # a response always carries every field


def test_types_come_from_the_annotations(openapi: dict[str, Any]) -> None:
    job = openapi["components"]["schemas"]["JobOut"]["properties"]
    assert job["state"]["enum"] == ["queued", "running", "done", "failed", "cancelled"]
    assert job["finished"]["anyOf"] == [{"type": "number"}, {"type": "null"}]
    assert job["failed"] == {
        "additionalProperties": {"type": "string"}, "title": "Failed", "type": "object",
    }  # fmt: skip
    assert job["eta_s"]["anyOf"] == [{"type": "number"}, {"type": "null"}]
    assert openapi["components"]["schemas"]["StatusRowOut"]["properties"]["total"] == {
        "title": "Total", "type": "integer",
    }  # fmt: skip


def test_a_new_field_needs_no_copy() -> None:
    @dataclasses.dataclass
    class Grown:
        slug: str
        added_later: list[int] = dataclasses.field(default_factory=list)

    model = model_of("GrownOut", Grown)
    assert model.model_json_schema()["required"] == ["slug", "added_later"]
    with pytest.raises(ValidationError, match="added_later"):
        model.model_validate({"slug": "x"})


def test_responses_validate_what_the_services_return() -> None:
    job = Job(id="abc", slug="s", lang="de", engine="pseudo", queue="mt.pseudo", segments=3,
              chunks=1, created=1.0)  # fmt: skip
    assert JobOut.model_validate(job.to_dict()).model_dump() == job.to_dict()
    row = StatusRow("s", "de", 3, 1, 1, 1, 0, 0)
    assert StatusRowOut.model_validate(row.to_dict()).model_dump() == row.to_dict()


def test_the_engine_is_checked_against_the_registry(openapi: dict[str, Any]) -> None:
    engine = openapi["components"]["schemas"]["JobsRequest"]["properties"]["engine"]
    assert engine["enum"] == registry.engine_choices()
    assert engine["enum"][:2] == ["auto", "argos"]  # best-ranked first
    for name in registry.engine_choices():
        assert JobsRequest(languages=["de"], engine=name).engine == name
    with pytest.raises(ValidationError, match="unknown engine 'nope'; known: auto, argos"):
        JobsRequest(languages=["de"], engine="nope")


def test_an_unknown_engine_is_a_422(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from l10n_service.auth import TokenStore
    from l10n_service.workspace import Workspace

    app = create_app(tmp_path)
    _, secret = TokenStore.for_workspace(Workspace.at(tmp_path)).create("admin")
    with TestClient(app) as client:
        response = client.post(
            "/articles/anything/jobs",
            json={"languages": ["de"], "engine": "nope"},
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 422
    assert "unknown engine 'nope'" in response.text

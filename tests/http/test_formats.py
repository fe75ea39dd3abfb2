"""The article formats over HTTP: the ``format`` parameter and the upload media types
follow the registry, checked with a one-line 422 and documented as an enum."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from l10n_service.core.formats import names, registered
from tests.http.conftest import Api, make_api
from tests.support.srt_format import SubRipFormat

SRT = (Path(__file__).parents[1] / "data" / "articles" / "briefing.srt").read_bytes()


@pytest.fixture
def empty(tmp_path: Path) -> Api:
    (tmp_path / "ws").mkdir()
    return make_api(tmp_path / "ws")


@pytest.fixture
def with_srt(tmp_path: Path) -> Iterator[Api]:
    (tmp_path / "ws").mkdir()
    with registered(SubRipFormat()):
        yield make_api(tmp_path / "ws")  # the app is created while srt is registered


def _upload_operation(api: Api) -> dict[str, Any]:
    operation: dict[str, Any] = api.client.get("/openapi.json").json()["paths"]["/articles"]["post"]
    return operation


def _format_enum(api: Api) -> list[str]:
    [param] = [p for p in _upload_operation(api)["parameters"] if p["name"] == "format"]
    [choice] = [c for c in param["schema"]["anyOf"] if c.get("type") == "string"]
    enum: list[str] = choice["enum"]
    return enum


def test_openapi_lists_the_registered_formats(empty: Api) -> None:
    assert _format_enum(empty) == list(names()) == ["md", "html", "text"]
    content = _upload_operation(empty)["requestBody"]["content"]
    assert {"text/markdown", "text/html", "text/plain", "multipart/form-data"} <= set(content)


def test_unknown_format_is_a_one_line_422(empty: Api) -> None:
    admin = {**empty.auth(empty.token("admin")), "Content-Type": "text/plain"}
    response = empty.client.post("/articles?slug=x&format=docx", content=b"Hi.", headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail == "unknown article format 'docx'; choose one of md, html, text"
    assert not (empty.root / "articles").exists()


def test_a_registered_format_is_uploaded_by_media_type_or_name(with_srt: Api) -> None:
    assert _format_enum(with_srt) == ["md", "html", "text", "srt"]
    assert "application/x-subrip" in _upload_operation(with_srt)["requestBody"]["content"]
    admin = with_srt.auth(with_srt.token("admin"))
    subrip = {**admin, "Content-Type": "application/x-subrip"}
    by_type = with_srt.client.post("/articles?slug=talk", content=SRT, headers=subrip)
    assert by_type.status_code == 201, by_type.text
    assert by_type.json()["format"] == "srt" and by_type.json()["blocks"] == 4
    assert (with_srt.root / "articles" / "talk.srt").read_bytes() == SRT
    by_name = with_srt.client.post(
        "/articles?slug=talk2&format=srt", content=SRT,
        headers={**admin, "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert by_name.status_code == 201 and by_name.json()["format"] == "srt"
    refused = with_srt.client.post(
        "/articles?slug=x", content=SRT, headers={**admin, "Content-Type": "image/png"}
    )
    assert refused.status_code == 415 and "application/x-subrip" in refused.json()["detail"]

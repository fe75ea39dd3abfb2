"""The registered article formats as the API shows them.

``POST /articles?format=`` is checked against the registry in the handler, so an
unknown name is a 422 whose one-line detail lists the known ones (the CLI's
message). The OpenAPI document still says exactly what is accepted: the names and
upload media types of the formats registered when the app is created are written
into that operation (a format registered later needs a new app, as a route would).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ..core.formats import formats, get_format
from .uploads import openapi_body

__all__ = ["ARTICLES_PATH", "article_types", "checked_format", "document_formats"]

ARTICLES_PATH = "/articles"
_OCTET_STREAM = "application/octet-stream"


def article_types() -> dict[str, str]:
    """Upload media type -> the file suffix of its format, which the services use to
    detect it; ``application/octet-stream`` implies nothing (name or content decide)."""
    types: dict[str, str] = {}
    for fmt in formats():
        for media_type in fmt.media_types:
            types.setdefault(media_type, fmt.extension)
    types[_OCTET_STREAM] = ""
    return types


def checked_format(name: str | None) -> str | None:
    """A registered format's name, or ``None`` for "detect it"; an unknown name is an
    ``ArticleError`` (422) naming the known ones."""
    return None if name is None else get_format(name).name


def document_formats(app: FastAPI) -> None:
    """Write the formats registered now into the upload operation's OpenAPI: the
    ``format`` parameter as an enum and the accepted request media types."""
    names = [fmt.name for fmt in formats()]
    content = openapi_body(article_types(), "")["requestBody"]["content"]
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            operation = generate()["paths"][ARTICLES_PATH]["post"]
            for param in operation.get("parameters", []):
                if param["name"] == "format":
                    param["schema"] = {
                        "anyOf": [{"type": "string", "enum": names}, {"type": "null"}],
                        "title": "Format",
                    }
            operation["requestBody"]["content"] = content
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]

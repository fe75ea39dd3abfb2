"""Reading an uploaded file: a raw body with a known type, or one multipart part.

Both forms are accepted because both are what clients naturally send: ``curl
--data-binary @a.md -H 'Content-Type: text/markdown'`` and an HTML form's file
input. Anything else is a 415 that lists the types we take. The body size limit
is enforced before this runs (see ``problems.BodySizeLimit`` and FastAPI's
``max_body_size``), so reading it whole is safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from .problems import Problem

__all__ = ["CATALOG_TYPES", "Upload", "openapi_body", "read_upload"]

MULTIPART = "multipart/form-data"

# Media type -> file suffix, which the services use to detect the format (articles:
# ``http.formats.article_types``, from the format registry).
CATALOG_TYPES = {
    "text/x-gettext-translation": ".po",
    "text/x-po": ".po",
    "application/x-gettext": ".po",
    "application/x-po": ".po",
    "text/plain": ".po",
    "application/octet-stream": ".po",
}


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str  # a bare file name ("" when the client sent none)
    suffix: str  # what the media type implies, "" when it implies nothing


def _basename(name: str) -> str:
    """Only the last part of a client-supplied file name, whatever its separators."""
    return PureWindowsPath(PurePosixPath(name).name).name.replace("\x00", "")[:200]


async def read_upload(request: Request, types: dict[str, str], max_bytes: int) -> Upload:
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == MULTIPART:
        form = await request.form(max_files=1, max_fields=8, max_part_size=max_bytes)
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise Problem(422, 'a multipart upload needs its file in a part named "file"')
        data = await part.read()
        name = _basename(part.filename or "")
        part_type = (part.content_type or "").split(";", 1)[0].strip().lower()
        return Upload(data, name, types.get(part_type, ""))
    if mime not in types:
        accepted = ", ".join([*types, MULTIPART])
        raise Problem(
            415,
            f"unsupported Content-Type {mime or '(none)'!r}; send one of: {accepted}",
            kind="unsupported-media-type",
        )
    return Upload(await request.body(), "", types[mime])


def openapi_body(types: dict[str, str], description: str) -> dict[str, Any]:
    """The requestBody for an upload operation (read by hand, so declared by hand)."""
    content: dict[str, Any] = {mime: {"schema": {"type": "string"}} for mime in types}
    content[MULTIPART] = {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        }
    }
    return {"requestBody": {"required": True, "description": description, "content": content}}

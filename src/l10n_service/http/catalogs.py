"""Catalog exchange with translators and approval by reviewers.

A translator downloads ``{lang}.po``, edits it in any PO editor and uploads it
back; the upload goes through ``services.catalogs.import_po``, which takes only
msgstr and flags and never erases machine output that landed in between. The
``lang`` in the path is what a translator token is checked against, so a German
translator can neither read nor overwrite the French catalog.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ..auth import Permission, TokenRecord
from ..core.locales import normalize_locale
from ..services.catalogs import approve, import_po
from ..workspace import validate_slug
from .deps import JsonBody, LangParam, SlugParam, State, require
from .negotiate import etag_matches
from .schemas import ApproveRequest, ApproveResult, ImportReportOut
from .uploads import CATALOG_TYPES, Upload, openapi_body, read_upload

__all__ = ["router"]

router = APIRouter(tags=["catalogs"])

PO_MEDIA_TYPE = "text/x-gettext-translation; charset=utf-8"


async def _catalog_upload(request: Request, app: State) -> Upload:
    return await read_upload(request, CATALOG_TYPES, app.max_body_bytes)


@router.get(
    "/articles/{slug}/catalogs/{lang}.po",
    response_class=Response,
    summary="Download one language's catalog",
    responses={
        200: {
            "description": "The .po file",
            "content": {"text/x-gettext-translation": {"schema": {"type": "string"}}},
        },
        304: {"description": "Not modified (If-None-Match)"},
    },
)
def download_catalog(
    slug: SlugParam,
    lang: LangParam,
    _: Annotated[TokenRecord, Depends(require(Permission.CATALOG_READ))],
    app: State,
    request: Request,
) -> Response:
    code = normalize_locale(lang)
    path = app.ws.po_path(validate_slug(slug), code)
    cached = app.files.get(path)
    headers = {
        "ETag": cached.etag,
        # A working file that changes under MT and imports: always revalidate.
        "Cache-Control": "private, no-cache",
        "Content-Disposition": f'attachment; filename="{slug}.{code}.po"',
    }
    if etag_matches(request.headers.get("if-none-match"), cached.etag):
        return Response(status_code=304, headers=headers)
    return Response(cached.data, media_type=PO_MEDIA_TYPE, headers=headers)


@router.put(
    "/articles/{slug}/catalogs/{lang}.po",
    response_model=ImportReportOut,
    summary="Upload a translator's edited catalog",
    openapi_extra=openapi_body(
        CATALOG_TYPES, "The edited .po file, as the raw body or a multipart part named 'file'."
    ),
)
def upload_catalog(
    slug: SlugParam,
    lang: LangParam,
    _: Annotated[TokenRecord, Depends(require(Permission.CATALOG_WRITE))],
    upload: Annotated[Upload, Depends(_catalog_upload)],
    app: State,
) -> ImportReportOut:
    code = normalize_locale(lang)
    validate_slug(slug)
    name = upload.filename or f"{slug}.{code}.po"
    report = import_po(app.ws, upload.data, slug=slug, lang=code, name=name)
    return ImportReportOut.model_validate(report.to_dict())


@router.post(
    "/articles/{slug}/catalogs/{lang}/approve",
    response_model=ApproveResult,
    dependencies=[JsonBody],
    summary="Approve entries: by id, or every human translation",
)
def approve_entries(
    slug: SlugParam,
    lang: LangParam,
    body: ApproveRequest,
    token: Annotated[TokenRecord, Depends(require(Permission.APPROVE))],
    app: State,
) -> ApproveResult:
    code = normalize_locale(lang)
    validate_slug(slug)
    count = approve(
        app.ws,
        slug,
        code,
        who=token.name,
        ids=None if body.all else body.ids,
        include_machine=body.include_machine,
    )
    return ApproveResult(approved=count)

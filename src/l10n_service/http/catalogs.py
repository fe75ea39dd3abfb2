"""Catalog exchange with translators and approval by reviewers.

A translator downloads ``{lang}.po`` (``services.review.export_po``: stamped with
the catalog's revision, a copy kept as the merge base), edits it in any PO editor
and uploads it back (``services.catalogs.import_po``: a three-way merge, so
machine output or another translator's work that landed in between is never
overwritten silently; a real conflict is a 409 listing each entry's base, ours and
theirs, settled by sending again with ``prefer`` or ``take``). The ``lang`` in the
path is what a translator token is checked against, so a German translator can
neither read nor overwrite the French catalog.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from ..auth import Permission, TokenRecord
from ..core.locales import normalize_locale
from ..core.merge import Pick
from ..errors import InputError
from ..services.catalogs import approve_entries, import_po
from ..services.qa import check_catalog
from ..services.review import export_po
from ..workspace import validate_slug
from .deps import JsonBody, LangParam, SlugParam, State, require
from .files import etag_of
from .negotiate import etag_matches
from .schemas import ApproveRequest, ApproveResult, ImportReportOut, QAReport
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
    exported = export_po(app.ws, validate_slug(slug), normalize_locale(lang))
    etag = etag_of(exported.data)
    headers = {
        "ETag": etag,
        # A working file that changes under MT and imports: always revalidate.
        "Cache-Control": "private, no-cache",
        "Content-Disposition": f'attachment; filename="{slug}.{exported.lang}.po"',
        "X-L10N-Revision": exported.revision,
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(exported.data, media_type=PO_MEDIA_TYPE, headers=headers)


def _takes(values: list[str]) -> dict[str, Pick]:
    picks: dict[str, Pick] = {}
    for item in values:
        entry, _, side = item.rpartition("=")
        if not entry or side not in ("ours", "theirs"):
            raise InputError(f"take {item[:100]!r}: expected ID=theirs or ID=ours")
        picks[entry] = Pick(side)
    return picks


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
    prefer: Annotated[
        Literal["ours", "theirs"] | None,
        Query(description="Settle every conflict for the catalog (ours) or the upload."),
    ] = None,
    take: Annotated[
        list[str] | None,
        Query(max_length=1000, description="Settle one conflict: ID=theirs or ID=ours."),
    ] = None,
) -> ImportReportOut:
    code = normalize_locale(lang)
    validate_slug(slug)
    name = upload.filename or f"{slug}.{code}.po"
    report = import_po(
        app.ws,
        upload.data,
        slug=slug,
        lang=code,
        name=name,
        prefer=Pick(prefer) if prefer else None,
        take=_takes(take or []),
    )
    return ImportReportOut.model_validate(report.to_dict())


@router.post(
    "/articles/{slug}/catalogs/{lang}/approve",
    response_model=ApproveResult,
    dependencies=[JsonBody],
    summary="Approve entries: by id, or every human translation",
)
def approve(
    slug: SlugParam,
    lang: LangParam,
    body: ApproveRequest,
    token: Annotated[TokenRecord, Depends(require(Permission.APPROVE))],
    app: State,
) -> ApproveResult:
    code = normalize_locale(lang)
    validate_slug(slug)
    report = approve_entries(
        app.ws,
        slug,
        code,
        who=token.name,
        ids=None if body.all else body.ids,
        include_machine=body.include_machine,
        force=body.force,
    )
    return ApproveResult.model_validate(report.to_dict())


@router.get(
    "/articles/{slug}/catalogs/{lang}/check",
    response_model=QAReport,
    summary="QA report: placeholders, numbers, URLs, glossary, length, punctuation",
)
def check(
    slug: SlugParam,
    lang: LangParam,
    _: Annotated[TokenRecord, Depends(require(Permission.CATALOG_READ))],
    app: State,
) -> QAReport:
    issues = check_catalog(app.ws, validate_slug(slug), normalize_locale(lang))
    errors = sum(1 for i in issues if i.severity == "error")
    return QAReport(
        issues=[i.to_dict() for i in issues], errors=errors, warnings=len(issues) - errors
    )

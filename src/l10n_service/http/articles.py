"""Articles (admin), per-article status (any token) and bundle builds (reviewer).

Handlers parse the request and call one service each, as the CLI commands do: an
upload is ``add_article`` then ``update_languages`` (so re-uploading a changed
article re-merges every language's catalog), a build is ``build_bundles``.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from ..auth import Permission, TokenRecord
from ..errors import InputError, NotFoundError
from ..services.articles import add_article, load_article, remove_article
from ..services.bundles import build_bundles
from ..services.catalogs import catalog_status, update_languages
from ..services.jobs_store import JobStore
from ..workspace import validate_slug
from .bundles import published_languages
from .deps import AppState, JsonBody, SlugParam, State, require
from .formats import ARTICLES_PATH, article_types, checked_format
from .schemas import (
    ArticleList,
    ArticleSaved,
    ArticleSummary,
    BuildRequest,
    BuiltBundleOut,
    BuiltBundles,
    StatusOut,
    StatusRowOut,
)
from .uploads import Upload, openapi_body, read_upload

__all__ = ["article_summaries", "router"]

log = logging.getLogger("l10n_service.http")

router = APIRouter(tags=["articles"])

Admin = Annotated[TokenRecord, Depends(require(Permission.ARTICLES))]


async def _article_upload(request: Request, app: State) -> Upload:
    return await read_upload(request, article_types(), app.max_body_bytes)


def _title(app: AppState, slug: str) -> str:
    """The source title, parsed once per version of the article file."""
    if not app.ws.has_article(slug):
        return slug
    cached = app.files.get(
        app.ws.article_path(slug),
        variant=("title", slug),
        transform=lambda _: load_article(app.ws, slug).title.encode("utf-8"),
    )
    return cached.data.decode("utf-8") or slug


def article_summaries(app: AppState, prefix: str = "") -> list[ArticleSummary]:
    """Every article with its per-language catalog status and published bundles
    (shared by ``GET /articles`` and the ``/`` page). One unreadable catalog or an
    article deleted meanwhile must not take the whole listing down: the article is
    listed with the problem (or skipped when gone) and the server log says why."""
    ws = app.ws
    out = []
    for slug in ws.slugs():
        try:
            settings = ws.article_settings(slug) if ws.has_article(slug) else {}
            title = _title(app, slug)
        except NotFoundError:
            continue
        try:
            rows = [StatusRowOut.model_validate(r.to_dict()) for r in catalog_status(ws, slug)]
            problem = None
        except InputError as exc:
            log.warning("status of %s: %s", slug, exc)
            rows, problem = [], "a catalog of this article cannot be read"
        out.append(
            ArticleSummary(
                slug=slug,
                title=title,
                source_lang=settings.get("source_lang"),
                format=settings.get("format"),
                published=published_languages(ws, slug),
                catalogs=rows,
                problem=problem,
                href=f"{prefix}/articles/{slug}",
            )
        )
    return out


@router.get("/articles", response_model=ArticleList, summary="List articles with catalog status")
def list_articles(_: Admin, app: State, request: Request) -> ArticleList:
    return ArticleList(articles=article_summaries(app, request.scope.get("root_path", "")))


@router.post(
    ARTICLES_PATH,
    status_code=201,
    response_model=ArticleSaved,
    summary="Add or replace an article (any registered format)",
    openapi_extra=openapi_body(
        article_types(), "The article, as the raw body or a multipart part named 'file'."
    ),
    responses={200: {"description": "An existing article was replaced", "model": ArticleSaved}},
)
def upload_article(
    _: Admin,
    upload: Annotated[Upload, Depends(_article_upload)],
    app: State,
    request: Request,
    response: Response,
    slug: Annotated[
        str | None, Query(max_length=100, description="Default: from the file name.")
    ] = None,
    format: Annotated[
        str | None,
        Query(
            max_length=100,
            description="A registered format's name. Default: from the media type or "
            "file name, then the content.",
        ),
    ] = None,
    source_lang: Annotated[str, Query(min_length=2, max_length=35)] = "en",
) -> ArticleSaved:
    ws = app.ws
    fmt = checked_format(format)
    if slug is not None:
        validate_slug(slug)
    name = upload.filename or f"{slug or 'article'}{upload.suffix}"
    existing = set(ws.slugs())
    article = add_article(ws, upload.data, name=name, slug=slug, fmt=fmt, source_lang=source_lang)
    reports = update_languages(ws, article.slug)
    created = article.slug not in existing
    prefix = request.scope.get("root_path", "")
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"{prefix}/articles/{article.slug}"
    return ArticleSaved(
        slug=article.slug,
        format=article.format,
        source_lang=article.source_lang,
        blocks=len(article.blocks),
        segments=len(article.unique_segments()),
        created=created,
        updated_languages=sorted(reports),
        href=f"{prefix}/articles/{article.slug}",
    )


@router.delete(
    "/articles/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete an article, its catalogs and its bundles",
)
def delete_article(slug: SlugParam, _: Admin, app: State) -> Response:
    validate_slug(slug)
    if remove_article(app.ws, slug) is None:
        raise NotFoundError(f"no article {slug!r}")
    app.files.forget_under(app.ws.bundles_dir / slug)
    return Response(status_code=204)


@router.get(
    "/articles/{slug}/status",
    response_model=StatusOut,
    summary="Per-language catalog counts and the article's MT jobs",
)
def article_status(
    slug: SlugParam,
    _: Annotated[TokenRecord, Depends(require(Permission.STATUS_READ))],
    app: State,
) -> StatusOut:
    ws = app.ws
    validate_slug(slug)
    if not ws.has_article(slug) and not ws.pot_path(slug).exists():
        raise NotFoundError(f"no article {slug!r}")
    jobs = [j.to_dict() for j in JobStore(ws).all() if j.slug == slug]
    rows = [r.to_dict() for r in catalog_status(ws, slug)]
    return StatusOut.model_validate({"catalogs": rows, "jobs": jobs})


@router.post(
    "/articles/{slug}/bundles",
    response_model=BuiltBundles,
    dependencies=[JsonBody],
    summary="Build and publish localized bundles (all languages by default)",
)
def build(
    slug: SlugParam,
    _: Annotated[TokenRecord, Depends(require(Permission.BUNDLES))],
    app: State,
    request: Request,
    body: BuildRequest | None = None,
) -> BuiltBundles:
    validate_slug(slug)
    wanted = body or BuildRequest()
    built = build_bundles(
        app.ws,
        slug,
        wanted.languages or None,
        policy=wanted.policy,
        min_coverage=wanted.min_coverage,
    )
    prefix = request.scope.get("root_path", "")
    return BuiltBundles(
        bundles=[
            BuiltBundleOut(
                slug=b.slug,
                lang=b.lang,
                published=b.published,
                version=b.version,
                coverage=b.coverage,
                policy=b.policy,
                min_coverage=b.min_coverage,
                reason=b.reason,
                qa_fallbacks=b.qa_fallbacks,
                href=f"{prefix}/articles/{b.slug}/{b.lang.replace('_', '-')}/bundle.json",
            )
            for b in built
        ]
    )

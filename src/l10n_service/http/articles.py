"""Articles (admin), per-article status (any token) and bundle builds (reviewer).

Handlers parse the request and call one service each, as the CLI commands do: an
upload is ``add_article`` then ``update_languages`` (so re-uploading a changed
article re-merges every language's catalog), a build is ``build_bundles``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from ..auth import Permission, TokenRecord
from ..errors import NotFoundError
from ..services.articles import add_article, remove_article
from ..services.bundles import build_bundles
from ..services.catalogs import catalog_status, update_languages
from ..services.index import ArticlePage, CatalogRow, ListQuery, list_articles
from ..services.jobs_store import JobStore
from ..workspace import validate_slug
from .bundles import published_languages
from .deps import AppState, JsonBody, SlugParam, State, require
from .formats import ARTICLES_PATH, article_types, checked_format
from .jobs import jobs_out
from .schemas import (
    ArticleList,
    ArticleSaved,
    ArticleSummary,
    BuildRequest,
    BuiltBundleOut,
    BuiltBundles,
    PageLinks,
    StatusOut,
    StatusRowOut,
)
from .uploads import Upload, openapi_body, read_upload

__all__ = ["ListParams", "article_summaries", "page_links", "router"]

log = logging.getLogger("l10n_service.http")

router = APIRouter(tags=["articles"])

Admin = Annotated[TokenRecord, Depends(require(Permission.ARTICLES))]


async def _article_upload(request: Request, app: State) -> Upload:
    return await read_upload(request, article_types(), app.max_body_bytes)


_STATE_HELP = (
    "Only articles with a catalog (in ``lang`` if given) in this state: untranslated, "
    "machine, fuzzy or needs-review (machine or fuzzy entries), translated (nothing "
    "left to translate or review), approved (every entry approved), problem (unreadable)."
)


def list_query(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=500, description="Articles per page.")] = 50,
    lang: Annotated[
        str | None, Query(min_length=2, max_length=35, description="Catalog language.")
    ] = None,
    state: Annotated[
        Literal[
            "untranslated",
            "machine",
            "fuzzy",
            "needs-review",
            "translated",
            "approved",
            "problem",
        ]
        | None,
        Query(description=_STATE_HELP),
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in the title (or slug).")
    ] = None,
) -> ListQuery:
    """The list parameters of ``GET /`` and ``GET /articles``."""
    return ListQuery(page, per_page, lang, state, q.strip() if q and q.strip() else None)


ListParams = Annotated[ListQuery, Depends(list_query)]


def page_links(page: ArticlePage, url: str, query: Mapping[str, str]) -> dict[str, str | None]:
    """self/first/last/prev/next URLs: ``url`` with the same filters, another page."""

    def at(number: int) -> str:
        params = {k: v for k, v in query.items() if k != "page"}
        params["page"] = str(number)
        return f"{url}?{urlencode(params)}"

    current = page.query.page
    return {
        "self": at(current),
        "first": at(1),
        "last": at(page.pages),
        "prev": at(current - 1) if current > 1 else None,
        "next": at(current + 1) if current < page.pages else None,
    }


def article_summaries(
    app: AppState, query: ListQuery, prefix: str = ""
) -> tuple[ArticlePage, list[ArticleSummary]]:
    """One page of articles with their per-language catalog counts and published
    bundles (shared by ``GET /articles`` and the ``/`` page), from the workspace
    index: a newsroom's front page reads one page's rows, never every catalog. An
    unreadable catalog does not take the listing down: its article is listed with
    the problem and the server log says why."""
    ws = app.ws
    page = list_articles(ws, query)
    out = []
    for entry in page.articles:
        problems = [r.problem for r in entry.catalogs if r.problem]
        if problems:
            log.warning("status of %s: %s", entry.slug, problems[0])
        out.append(
            ArticleSummary(
                slug=entry.slug,
                title=entry.title,
                source_lang=entry.source_lang,
                format=entry.format,
                published=published_languages(ws, entry.slug),
                catalogs=[] if problems else [_status_row(r) for r in entry.catalogs],
                problem="a catalog of this article cannot be read" if problems else None,
                href=f"{prefix}/articles/{entry.slug}",
            )
        )
    return page, out


def _status_row(row: CatalogRow) -> StatusRowOut:
    return StatusRowOut.model_validate(row.status().to_dict())


@router.get(
    "/articles",
    response_model=ArticleList,
    summary="List articles with catalog status (paginated, filterable)",
)
def list_articles_route(
    _: Admin, app: State, request: Request, response: Response, query: ListParams
) -> ArticleList:
    prefix = request.scope.get("root_path", "")
    page, summaries = article_summaries(app, query, prefix)
    links = page_links(page, str(request.url.remove_query_params("page")).split("?")[0],
                       request.query_params)  # fmt: skip
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self"
    )
    return ArticleList(
        articles=summaries,
        page=query.page,
        per_page=query.per_page,
        total=page.total,
        pages=page.pages,
        links=PageLinks.model_validate(links),
    )


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
    include_chrome: Annotated[
        bool,
        Query(
            description="HTML: keep page chrome (nav, page header/footer, aside, Prev/Next "
            "bars) in the segments; stored with the article."
        ),
    ] = False,
) -> ArticleSaved:
    ws = app.ws
    fmt = checked_format(format)
    if slug is not None:
        validate_slug(slug)
    name = upload.filename or f"{slug or 'article'}{upload.suffix}"
    existing = set(ws.slugs())
    article = add_article(
        ws, upload.data, name=name, slug=slug, fmt=fmt, source_lang=source_lang,
        options={"include_chrome": True} if include_chrome else None,
    )  # fmt: skip
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
    jobs = jobs_out([j for j in JobStore(ws).all() if j.slug == slug])
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

"""Public reading: published bundles, negotiated or by exact path. No token.

``GET /articles/{slug}`` picks a language among the bundles on disk from
``Accept-Language`` (``?lang=`` overrides) and a rendition from ``Accept``; the
HTML rendition is the bundle's own ``index.html`` (its ``lang``/``dir`` intact)
with a language switcher injected. The exact files live at
``/articles/{slug}/{lang}/{bundle.json,index.html,article.md}``.

Caching: every response carries a strong ETag of its bytes and honours
``If-None-Match``. The negotiated resource varies on ``Accept-Language`` and
``Accept`` and is cached briefly. The exact files change at the same URL whenever
a bundle is published again, so ``immutable`` there would pin an outdated
translation in browsers and CDNs for a year; instead the plain URL is revalidated
on each use (``no-cache``: a 304 costs one stat and no bytes), and the
fingerprinted URL ``?v=<etag hash>`` is sent ``immutable`` (a new version has a
new fingerprint, so that URL can never go stale). The page's own relative links
keep working under both, since the path is the same.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from ..core.locales import direction, display_name, normalize_locale
from ..errors import InputError, NotFoundError
from ..workspace import Workspace, validate_slug
from .deps import AppState, LangParam, SlugParam, State
from .errorpage import HTML_CSP
from .files import CachedFile
from .negotiate import etag_matches, match_language, negotiate_language, prefers_html
from .problems import Problem

__all__ = ["bundle_file", "published_languages", "router", "source_language"]

router = APIRouter(tags=["bundles (public)"])

FILES = {
    "bundle.json": "application/json",
    "index.html": "text/html; charset=utf-8",
    "article.md": "text/markdown; charset=utf-8",
}
NEGOTIATED_CACHE = "public, max-age=60"
REVALIDATE_CACHE = "public, no-cache"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"


_INDEX_TTL_S = 1.0
_index: dict[tuple[Path, str], tuple[float, tuple[str, ...], str | None]] = {}


def article_index(ws: Workspace, slug: str) -> tuple[tuple[str, ...], str | None]:
    """(published languages, source language) of an article, re-read at most once a
    second: the negotiated endpoint is the hot path, and a glob plus a JSON read per
    request cost more than sending the bundle. A newly published language shows up
    within a second."""
    key = (ws.root, slug)
    now = time.monotonic()
    hit = _index.get(key)
    if hit is not None and now - hit[0] < _INDEX_TTL_S:
        return hit[1], hit[2]
    found = (tuple(published_languages(ws, slug)), source_language(ws, slug))
    if len(_index) > 4096:
        _index.clear()
    _index[key] = (now, *found)
    return found


def published_languages(ws: Workspace, slug: str) -> list[str]:
    """Languages with a built ``bundle.json`` for this article, normalised."""
    base = ws.bundles_dir / validate_slug(slug)
    found = []
    for entry in base.glob("*/bundle.json"):
        try:
            code = normalize_locale(entry.parent.name)
        except InputError:
            continue
        if code == entry.parent.name:
            found.append(code)
    return sorted(found)


def source_language(ws: Workspace, slug: str) -> str | None:
    if not ws.has_article(slug):
        return None
    lang = ws.article_settings(slug).get("source_lang")
    return str(lang) if lang else None


_resolved: dict[tuple[Path, str, str, str], tuple[tuple[int, int], Path]] = {}


def bundle_file(ws: Workspace, slug: str, lang: str, name: str) -> Path:
    """The path of a published file, with every part validated and the result
    confined to the bundles folder even if someone planted a symlink there.

    Resolving walks the ``current`` and version symlinks (several system calls per
    request, the costliest step of serving a cached bundle); one ``stat`` through
    the links tells whether the file it leads to is still the one resolved before,
    so a new version is served at once and an unpublished one is gone at once."""
    if name not in FILES:
        raise NotFoundError(f"no such bundle file {name!r}")
    path = ws.bundle_dir(slug, lang) / name
    try:
        st = os.stat(path)
    except OSError:
        raise NotFoundError(f"{name} is not published") from None
    key = (ws.root, slug, lang, name)
    identity = (st.st_dev, st.st_ino)
    hit = _resolved.get(key)
    if hit is not None and hit[0] == identity:
        return hit[1]
    real = path.resolve()
    if not real.is_relative_to(ws.bundles_dir.resolve()):
        raise NotFoundError(f"{name} is not published")
    if len(_resolved) > 4096:
        _resolved.clear()
    _resolved[key] = (identity, real)
    return real


def _bcp47(code: str) -> str:
    return code.replace("_", "-")


Reply = tuple[int, dict[str, str], bytes]


def _reply(
    if_none_match: str | None, cached: CachedFile, media_type: str, headers: dict[str, str]
) -> Reply:
    headers = {**headers, "ETag": cached.etag, "Content-Type": media_type}
    if media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = HTML_CSP
    if etag_matches(if_none_match, cached.etag):
        del headers["Content-Type"]
        return 304, headers, b""
    return 200, headers, cached.data


def _response(reply: Reply) -> Response:
    status, headers, body = reply
    return Response(body, status_code=status, headers=headers)


_SWITCHER_CSS = (
    "<style>.l10n-languages{display:flex;align-items:center;gap:.75rem;"
    "font:14px/1.4 system-ui,sans-serif;margin:0 0 1.5rem;padding:.5rem 0;"
    "border-bottom:1px solid #ddd}.l10n-languages ul{list-style:none;margin:0;padding:0;"
    "display:flex;flex-wrap:wrap;gap:.25rem .75rem}.l10n-languages a{text-decoration:none}"
    ".l10n-languages a[aria-current]{font-weight:700;color:inherit}</style>\n"
)


def _switcher(slug: str, current: str, langs: list[str], prefix: str) -> str:
    items = []
    for code in langs:
        tag = _bcp47(code)
        name = html.escape(display_name(code))
        attrs = (
            f'href="{prefix}/articles/{slug}?lang={tag}" hreflang="{tag}" lang="{tag}" '
            f'dir="{direction(code)}"'
        )
        if code == current:
            attrs += ' aria-current="page"'
        items.append(f"<li><a {attrs}>{name}</a></li>")
    return (
        '<nav class="l10n-languages" aria-label="Languages">'
        f'<a href="{prefix}/" class="l10n-home" aria-label="All articles">⌂</a>'
        f"<ul>{''.join(items)}</ul></nav>\n"
    )


_BODY = re.compile(rb"<body[^>]*>", re.I)
_HEAD_END = re.compile(rb"</head>", re.I)


def with_switcher(page: bytes, slug: str, lang: str, langs: list[str], prefix: str) -> bytes:
    """The bundle page plus a language switcher after ``<body>``, and a ``<base>``
    so the bundle's own relative links (``../de/index.html``, images) resolve as
    they do at its static location."""
    base = f'<base href="{prefix}/articles/{slug}/{_bcp47(lang)}/">\n'
    head = _HEAD_END.search(page)
    if head is not None:
        page = page[: head.start()] + (base + _SWITCHER_CSS).encode() + page[head.start() :]
    body = _BODY.search(page)
    nav = _switcher(slug, lang, langs, prefix).encode()
    if body is None:
        return nav + page
    return page[: body.end()] + b"\n" + nav + page[body.end() :]


@router.get(
    "/articles/{slug}",
    summary="A published article, in the reader's language",
    responses={
        200: {
            "description": "bundle.json, or the HTML page when the client prefers text/html",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        304: {"description": "Not modified (If-None-Match)"},
    },
    response_class=Response,
)
async def read_article(
    slug: SlugParam,
    request: Request,
    app: State,
    lang: Annotated[
        str | None,
        Query(max_length=35, description="Serve this language instead of negotiating."),
    ] = None,
) -> Response:
    return _response(
        negotiated_reply(
            app, slug, lang, request.headers, request.scope.get("root_path", "").rstrip("/")
        )
    )


def negotiated_reply(
    app: AppState, slug: str, lang: str | None, headers: Mapping[str, str], prefix: str
) -> Reply:
    """The negotiated article: used by the route and by the ASGI fast path."""
    ws = app.ws
    validate_slug(slug)
    published, source = article_index(ws, slug)
    available = list(published)
    if not available:
        raise NotFoundError(f"article {slug!r} has no published bundle")
    if lang is not None:
        wanted = normalize_locale(lang)
        found = match_language(wanted, available)
        if found is None:
            raise Problem(
                404,
                f"article {slug!r} is not published in {_bcp47(wanted)}",
                kind="not-found",
                available=[_bcp47(code) for code in available],
            )
        chosen = found
    else:
        negotiated = negotiate_language(headers.get("accept-language"), published, source)
        chosen = negotiated or available[0]
    want_html = prefers_html(headers.get("accept"))
    if want_html is None:
        raise Problem(406, "this resource is available as application/json or text/html")
    out = {
        "Content-Language": _bcp47(chosen),
        "Vary": "Accept-Language, Accept",
        "Cache-Control": NEGOTIATED_CACHE,
    }
    if want_html:
        path = bundle_file(ws, slug, chosen, "index.html")
        cached = app.files.get(
            path,
            variant=("switcher", published, prefix),
            transform=lambda page: with_switcher(page, slug, chosen, available, prefix),
        )
        return _reply(headers.get("if-none-match"), cached, FILES["index.html"], out)
    path = bundle_file(ws, slug, chosen, "bundle.json")
    out["Content-Location"] = f"{prefix}/articles/{slug}/{_bcp47(chosen)}/bundle.json"
    return _reply(headers.get("if-none-match"), app.files.get(path), FILES["bundle.json"], out)


def file_reply(
    app: AppState, slug: str, lang: str, name: str, v: str | None, headers: Mapping[str, str]
) -> Reply:
    """One exact published file: used by the route and by the ASGI fast path."""
    code = normalize_locale(lang)
    cached = app.files.get(bundle_file(app.ws, slug, code, name))
    fingerprinted = v is not None and f'"{v}"' == cached.etag
    out = {
        "Content-Language": _bcp47(code),
        "Cache-Control": IMMUTABLE_CACHE if fingerprinted else REVALIDATE_CACHE,
    }
    return _reply(headers.get("if-none-match"), cached, FILES[name], out)


def _static_route(name: str) -> None:
    media_type = FILES[name]

    async def read_file(
        slug: SlugParam,
        lang: LangParam,
        request: Request,
        app: State,
        v: Annotated[
            str | None,
            Query(max_length=64, description="Fingerprint (ETag hash): makes it immutable."),
        ] = None,
    ) -> Response:
        return _response(file_reply(app, slug, lang, name, v, request.headers))

    router.add_api_route(
        f"/articles/{{slug}}/{{lang}}/{name}",
        read_file,
        methods=["GET"],
        name=f"read_{name.replace('.', '_')}",
        summary=f"The published {name} of one language",
        response_class=Response,
        responses={
            200: {
                "description": name,
                "content": {media_type.split(";")[0]: {"schema": _file_schema(name)}},
            },
            304: {"description": "Not modified (If-None-Match)"},
        },
    )


def _file_schema(name: str) -> dict[str, Any]:
    return {"type": "object"} if name.endswith(".json") else {"type": "string"}


for _name in FILES:
    _static_route(_name)

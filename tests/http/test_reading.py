"""Public reading: language and media-type negotiation, caching headers, and the
bounded parsing of hostile Accept-Language headers."""

from __future__ import annotations

import time
from pathlib import Path

import polib
import pytest
from fastapi.testclient import TestClient

from l10n_service.http.app import create_app
from l10n_service.http.negotiate import (
    MAX_LANGUAGE_ITEMS,
    negotiate_language,
    parse_accept_language,
    prefers_html,
)
from l10n_service.services.bundles import build_bundles
from l10n_service.services.catalogs import approve_entries
from l10n_service.workspace import Workspace
from tests.http.conftest import ENTRIES, SLUG, Api

ARTICLE = f"/articles/{SLUG}"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# -- negotiation as pure functions ---------------------------------------------------


def test_accept_language_is_ordered_by_weight_and_drops_refusals_and_junk() -> None:
    header = "de;q=0.5, ar, fr;q=0, en-GB;q=0.8, ../../etc;q=0.9, pt-BR;q=1.5, es;q=0.50"
    assert parse_accept_language(header) == ["ar", "en-GB", "de", "es"]


@pytest.mark.parametrize(
    ("header", "available", "expected"),
    [
        ("de", ["ar", "de", "en"], "de"),
        ("ar-EG, de;q=0.7", ["ar", "de", "en"], "ar"),
        ("pt-BR", ["en", "pt"], "pt"),  # pt-BR -> pt
        ("pt-BR", ["de", "en"], "en"),  # -> source language
        ("pt-BR, de;q=0.5", ["de", "en", "pt"], "pt"),  # the chain before the next choice
        ("pt", ["en", "pt_BR"], "pt_BR"),  # a regional variant beats the source
        ("zh-TW", ["en", "zh_Hant"], "zh_Hant"),  # babel adds the script
        ("de;q=0.2, ar;q=0.9", ["ar", "de", "en"], "ar"),
        ("xx-YY, tlh", ["de", "en"], "en"),
        ("*", ["de", "en"], "en"),
        ("", ["de", "en"], "en"),
    ],
)
def test_negotiate_language(header: str, available: list[str], expected: str) -> None:
    assert negotiate_language(header, available, "en") == expected


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        ("text/html", True),
        (BROWSER_ACCEPT, True),
        ("application/json, text/html;q=0.9", False),
        ("text/*", True),
        ("image/png", None),
    ],
)
def test_media_type_choice(accept: str | None, html: bool | None) -> None:
    assert prefers_html(accept) is html


# -- over HTTP ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [("de-DE,de;q=0.9,en;q=0.5", "de"), ("ar", "ar"), ("pt-BR", "pt"), ("ja, ko", "en")],
)
def test_article_language_from_accept_language(
    reader: Api, accept_language: str, lang: str
) -> None:
    response = reader.client.get(ARTICLE, headers={"Accept-Language": accept_language})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert response.headers["content-type"] == "application/json"
    assert response.json()["lang"] == lang
    assert response.headers["vary"] == "Accept-Language, Accept"
    assert "max-age" in response.headers["cache-control"]


def test_lang_query_overrides_the_header(reader: Api) -> None:
    response = reader.client.get(f"{ARTICLE}?lang=de", headers={"Accept-Language": "ar"})
    assert response.headers["content-language"] == "de"
    assert response.json()["lang"] == "de"


def test_lang_query_for_an_unpublished_language_is_404(reader: Api) -> None:
    response = reader.client.get(f"{ARTICLE}?lang=fr")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_html_when_the_client_prefers_it(reader: Api) -> None:
    response = reader.client.get(
        ARTICLE, headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "ar"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert '<html lang="ar" dir="rtl">' in page  # the bundle's own attributes survive
    assert 'class="l10n-languages"' in page and 'aria-current="page">العربية' in page
    for tag in ("de", "en", "pt"):
        assert f'href="/articles/{SLUG}?lang={tag}"' in page
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_json_is_exactly_the_bundle_file(reader: Api, published: Path) -> None:
    response = reader.client.get(ARTICLE, headers={"Accept-Language": "de"})
    assert response.content == (published / "bundles" / SLUG / "de" / "bundle.json").read_bytes()
    assert response.headers["content-location"] == f"/articles/{SLUG}/de/bundle.json"


def test_neither_json_nor_html_acceptable_is_406(reader: Api) -> None:
    response = reader.client.get(ARTICLE, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["status"] == 406


def test_etag_and_conditional_get(reader: Api) -> None:
    first = reader.client.get(ARTICLE, headers={"Accept-Language": "de"})
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34  # strong
    again = reader.client.get(
        ARTICLE, headers={"Accept-Language": "de", "If-None-Match": f'"x", W/{etag}'}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["content-language"] == "de"
    other = reader.client.get(ARTICLE, headers={"Accept-Language": "ar", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    html = reader.client.get(ARTICLE, headers={"Accept-Language": "de", "Accept": "text/html"})
    assert html.headers["etag"] != etag


@pytest.mark.parametrize("name", ["bundle.json", "index.html", "article.md"])
def test_static_bundle_files(reader: Api, published: Path, name: str) -> None:
    url = f"{ARTICLE}/pt/{name}"
    response = reader.client.get(url)
    assert response.status_code == 200
    assert response.content == (published / "bundles" / SLUG / "pt" / name).read_bytes()
    assert response.headers["content-language"] == "pt"
    assert response.headers["cache-control"] == "public, no-cache"
    etag = response.headers["etag"]
    assert reader.client.get(url, headers={"If-None-Match": etag}).status_code == 304
    fingerprinted = reader.client.get(f"{url}?v={etag.strip(chr(34))}")
    assert fingerprinted.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = reader.client.get(f"{url}?v=0123")
    assert stale.headers["cache-control"] == "public, no-cache"


def test_static_language_codes_are_normalised(reader: Api) -> None:
    assert reader.client.get(f"{ARTICLE}/PT/bundle.json").status_code == 200


def test_a_rebuilt_bundle_is_served_at_once(api: Api) -> None:
    """Publishing switches a symlink to a new content-addressed version; the byte
    cache is keyed by the file it resolves to, so the next request sees it."""
    url = f"{ARTICLE}/de/bundle.json"
    before = api.client.get(url)
    assert {s["state"] for b in before.json()["blocks"] for s in b["segments"]} == {"machine"}
    ws = Workspace.at(api.root)
    # Pseudo text is never approved: a person edits it first (drops the brackets).
    po = polib.pofile(str(ws.po_path(SLUG, "de")))
    for entry in po:
        entry.msgstr, entry.flags = entry.msgstr.removeprefix("[").removesuffix("]"), []
    po.save()
    assert approve_entries(ws, SLUG, "de", who="rita").approved == ENTRIES
    (built,) = build_bundles(ws, SLUG, ["de"])
    assert built.published
    after = api.client.get(url)
    assert {s["state"] for b in after.json()["blocks"] for s in b["segments"]} == {"approved"}
    assert after.headers["etag"] != before.headers["etag"]
    negotiated = api.client.get(ARTICLE, headers={"Accept-Language": "de"})
    assert negotiated.content == after.content


def test_unpublished_or_unknown_article_is_404(api: Api) -> None:
    assert api.client.get("/articles/no-such-article").status_code == 404
    for lang in ("de", "ar", "pt", "en"):
        (api.root / "bundles" / SLUG / lang / "bundle.json").unlink()
    response = api.client.get(ARTICLE)
    assert response.status_code == 404
    assert "no published bundle" in response.json()["detail"]


def test_huge_accept_language_is_cheap_and_harmless(reader: Api) -> None:
    """CVE-2023-23969 shape: 10 KB of language ranges."""
    headers = [
        "x" * 10_000,
        ",".join(["de-DE-1996-a-bcdefgh"] * 600)[:10_240],
        ", ".join(f"zz-{i:04d};q=0.{i % 9 + 1}" for i in range(1000))[:10_240] + ", ar",
        "de;q=" + "0" * 10_000,
    ]
    for header in headers:
        assert len(header) >= 10_000
        started = time.process_time()  # the app runs in this process: its CPU, not the clock
        response = reader.client.get(ARTICLE, headers={"Accept-Language": header})
        elapsed = time.process_time() - started
        assert response.status_code == 200, header[:40]
        assert response.headers["content-language"] in ("de", "en")
        assert elapsed < 0.5, f"{elapsed:.3f} s for {header[:40]}"
    # The parser never looks past the cap, whatever the header says.
    assert len(parse_accept_language(",".join(["de"] * 5000))) <= MAX_LANGUAGE_ITEMS


def test_front_page_lists_articles_with_progress(reader: Api) -> None:
    response = reader.client.get("/")
    assert response.status_code == 200
    page = response.text
    assert "The Triumphant Return of North Korea" in page
    assert f'href="/articles/{SLUG}?lang=ar"' in page
    # One bar per catalog language, all machine output so far.
    assert page.count('class="bar"') == 3
    assert f"{ENTRIES} machine" in page
    # Pseudo output nobody changed: the share per language, flagged above 50%.
    assert page.count("100% unmodified MT (over 50%)") == 3


def test_article_page_names_the_engine_and_the_unmodified_share(reader: Api) -> None:
    page = reader.client.get(f"{ARTICLE}?lang=de", headers={"Accept": "text/html"}).text
    assert "machine-translated by pseudo-localisation (not a real translation), engine pseudo" in (
        page
    )
    assert "100% of the translated segments are unmodified machine output (more than 50%" in page


def test_openapi_document(reader: Api) -> None:
    schema = reader.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"/articles/{slug}", "/articles/{slug}/catalogs/{lang}.po", "/jobs/{job_id}"} <= set(
        schema["paths"]
    )
    not_found = schema["paths"]["/articles/{slug}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]


def test_reader_of_another_root_path(published: Path) -> None:
    """Behind a proxy at /l10n, generated links keep the prefix."""
    client = TestClient(create_app(published), root_path="/l10n")
    page = client.get(ARTICLE, headers={"Accept": "text/html"}).text
    assert f'href="/l10n/articles/{SLUG}?lang=de"' in page


@pytest.mark.parametrize(
    ("fast", "routed", "headers"),
    [
        # Without a query string the ASGI fast path answers; with one, FastAPI does.
        (ARTICLE, f"{ARTICLE}?lang=de", {"Accept-Language": "de"}),
        (ARTICLE, f"{ARTICLE}?lang=ar", {"Accept-Language": "ar", "Accept": "text/html"}),
        (f"{ARTICLE}/de/bundle.json", f"{ARTICLE}/de/bundle.json?v=x", {}),
        (f"{ARTICLE}/ar/index.html", f"{ARTICLE}/ar/index.html?v=x", {}),
    ],
)
def test_fast_path_answers_exactly_like_the_routes(
    reader: Api, fast: str, routed: str, headers: dict[str, str]
) -> None:
    a = reader.client.get(fast, headers=headers)
    b = reader.client.get(routed, headers=headers)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content
    for name in ("etag", "content-type", "content-language", "cache-control",
                 "x-content-type-options", "content-security-policy"):  # fmt: skip
        assert a.headers.get(name) == b.headers.get(name), name
    again = reader.client.get(fast, headers={**headers, "If-None-Match": a.headers["etag"]})
    assert again.status_code == 304 and not again.content
    head = reader.client.head(fast, headers=headers)
    assert head.status_code == 200 and not head.content

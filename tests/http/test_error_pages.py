"""Errors for browsers and for API clients: a browser's own Accept header gets a small
HTML page under the bundle pages' CSP; API clients keep RFC 9457 problem+json. And
``?lang=`` follows the same fallback chain as ``Accept-Language``."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import lxml.html
import pytest

from l10n_service.http.errorpage import HTML_CSP
from tests.http.conftest import SLUG, Api, LiveServer, make_api
from tests.http.test_access import assert_problem
from tests.http.test_live import CHROMIUM_ARGS, _chromium

ARTICLE = f"/articles/{SLUG}"
# Verbatim Accept headers of current browsers' top-level navigations.
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
API_CLIENTS = [None, "*/*", "application/json", "application/problem+json",
               "application/json, text/html;q=0.5"]  # fmt: skip


# -- ?lang= falls back like Accept-Language -------------------------------------------


@pytest.mark.parametrize(
    ("lang", "served"),
    [("de-CH", "de"), ("de_AT", "de"), ("DE-ch", "de"), ("pt-PT", "pt"), ("ar-EG", "ar"),
     ("de", "de"), ("en-GB", "en")],
)  # fmt: skip
def test_lang_query_uses_the_accept_language_chain(reader: Api, lang: str, served: str) -> None:
    by_query = reader.client.get(f"{ARTICLE}?lang={lang}")
    by_header = reader.client.get(ARTICLE, headers={"Accept-Language": lang})
    assert by_query.status_code == 200, by_query.text
    assert by_query.headers["content-language"] == served
    assert by_header.headers["content-language"] == served
    assert by_query.content == by_header.content


def test_lang_query_without_a_match_is_404_listing_what_there_is(reader: Api) -> None:
    body = assert_problem(reader.client.get(f"{ARTICLE}?lang=fr-CA"), 404)
    assert body["available"] == ["ar", "de", "en", "pt"]
    assert "fr-CA" in str(body["detail"])


def test_lang_query_in_a_browser_page_link(reader: Api) -> None:
    page = reader.client.get(f"{ARTICLE}?lang=de-CH", headers={"Accept": FIREFOX})
    assert page.status_code == 200 and page.headers["content-language"] == "de"
    root = lxml.html.document_fromstring(page.text)
    assert root.get("lang") == "de"


# -- HTML error pages ------------------------------------------------------------------


def _assert_error_page(response: httpx.Response, status: int) -> lxml.html.HtmlElement:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == HTML_CSP
    assert "Accept" in response.headers["vary"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) < 2048
    root = lxml.html.document_fromstring(response.text)
    assert root.get("lang") == "en" and root.get("dir") == "ltr"
    assert not root.xpath("//script | //iframe | //form | //@*[starts-with(name(), 'on')]")
    assert root.xpath("string(//h1)").startswith(str(status))
    assert "Traceback" not in response.text
    return root


@pytest.mark.parametrize("accept", [FIREFOX, CHROME, SAFARI])
def test_browser_gets_an_html_page_for_a_missing_article(api: Api, accept: str) -> None:
    root = _assert_error_page(
        api.client.get("/articles/no-such-article", headers={"Accept": accept}), 404
    )
    assert "no-such-article" in root.xpath("string(//p[@class='detail'])")
    assert root.xpath("//a/@href") == ["/"]


@pytest.mark.parametrize("accept", API_CLIENTS)
def test_api_clients_keep_problem_json(api: Api, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = api.client.get("/articles/no-such-article", headers=headers)
    body = assert_problem(response, 404)
    assert body["instance"] == "/articles/no-such-article"
    assert "Accept" in response.headers["vary"]


def test_every_kind_of_error_has_its_page(
    api: Api, published_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = {"Accept": CHROME}
    _assert_error_page(api.client.get("/no/such/route", headers=browser), 404)
    _assert_error_page(api.client.put(ARTICLE, headers=browser), 405)
    _assert_error_page(api.client.get("/articles/Not_A_Slug", headers=browser), 400)
    _assert_error_page(api.client.get(f"{ARTICLE}/catalogs/de.po", headers=browser), 401)
    _assert_error_page(api.client.get(f"{ARTICLE}?lang=" + "x" * 50, headers=browser), 422)
    _assert_error_page(api.client.get(f"{ARTICLE}?lang=fr", headers=browser), 404)
    small = make_api(published_copy, max_body_bytes=1024)
    big = {**browser, "Content-Type": "text/markdown"}
    _assert_error_page(small.client.post("/articles?slug=x", content=b"x" * 4096, headers=big), 413)

    import l10n_service.http.articles as articles

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/data")

    monkeypatch.setattr(articles, "list_articles", boom)
    page = _assert_error_page(api.client.get("/", headers=browser), 500)
    assert "secret" not in lxml.html.tostring(page, encoding="unicode")
    assert "secret" not in json.dumps(assert_problem(api.client.get("/"), 500))


def test_detail_is_escaped_in_the_page(api: Api) -> None:
    response = api.client.get(f"{ARTICLE}?lang=<script>", headers={"Accept": FIREFOX})
    assert response.status_code in (400, 422)
    root = _assert_error_page(response, response.status_code)
    assert "<script>" not in response.text.replace("&lt;script&gt;", "")
    assert root.xpath("string(//h1)")


def test_error_page_under_another_root_path(published: Path) -> None:
    from fastapi.testclient import TestClient

    from l10n_service.http.app import create_app

    client = TestClient(create_app(published), root_path="/news")
    response = client.get("/news/articles/missing", headers={"Accept": FIREFOX})
    assert _assert_error_page(response, 404).xpath("//a/@href") == ["/news/"]


def test_a_real_browser_shows_the_error_page(live_server: LiveServer) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="de-CH")
            messages: list[str] = []
            page.on("console", lambda m: messages.append(m.text))
            response = page.goto(f"{live_server.url}/articles/no-such-article")
            assert response is not None and response.status == 404
            assert response.headers["content-type"].startswith("text/html")
            assert page.evaluate("document.documentElement.lang") == "en"
            assert page.inner_text("h1") == "404 Not found"
            # Its inline style applies under the CSP, and nothing was blocked.
            assert page.evaluate("getComputedStyle(document.body).maxWidth") == "672px"
            assert not [m for m in messages if "Content Security Policy" in m]
            response = page.goto(f"{live_server.url}/articles/{SLUG}?lang=de-CH")
            assert response is not None and response.status == 200
            assert page.evaluate("document.documentElement.lang") == "de"
        finally:
            browser.close()

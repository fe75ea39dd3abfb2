"""Admin article flows over HTTP: upload (raw and multipart), re-upload that updates
the catalogs, listing, deletion, and the refusals of bad article bodies."""

from __future__ import annotations

import polib
import pytest

from l10n_service.services.catalogs import update_languages
from l10n_service.workspace import Workspace
from tests.http.conftest import SLUG, Api

NEWS = b"""# Flood warning

The river rose overnight. Residents were moved to safety.

## What happens next

Engineers will inspect the dam on Monday.
"""


def test_upload_markdown_then_reupload_updates_catalogs(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    created = api.client.post(
        "/articles?slug=flood&source_lang=en",
        content=NEWS,
        headers={**admin, "Content-Type": "text/markdown"},
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/articles/flood"
    body = created.json()
    assert body["slug"] == "flood" and body["format"] == "md" and body["created"] is True
    assert body["segments"] == 5 and body["updated_languages"] == []

    update_languages(Workspace.at(api.root), "flood", ["de"])  # a translator's language
    changed = NEWS.replace(b"on Monday.", b"on Tuesday, officials said.")
    again = api.client.post(
        "/articles?slug=flood", content=changed, headers={**admin, "Content-Type": "text/markdown"}
    )
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["updated_languages"] == ["de"]
    po = polib.pofile(str(api.root / "locales" / "de" / "LC_MESSAGES" / "flood.po"))
    active = {e.msgid for e in po if not e.obsolete}
    assert "Engineers will inspect the dam on Tuesday, officials said." in active
    assert "Engineers will inspect the dam on Monday." not in active

    listing = api.client.get("/articles", headers=admin).json()["articles"]
    flood = next(a for a in listing if a["slug"] == "flood")
    assert flood["title"] == "Flood warning" and flood["published"] == []
    assert flood["catalogs"] == [
        {"slug": "flood", "lang": "de", "total": 5, "untranslated": 5, "machine": 0,
         "translated": 0, "approved": 0, "fuzzy": 0, "unmodified_machine": 0,
         "machine_share": None}
    ]  # fmt: skip
    marathon = next(a for a in listing if a["slug"] == SLUG)
    assert marathon["published"] == ["ar", "de", "en", "pt"]
    assert {r["lang"] for r in marathon["catalogs"]} == {"ar", "de", "pt"}


def test_upload_with_include_chrome(api: Api) -> None:
    admin = {**api.auth(api.token("admin")), "Content-Type": "text/html"}
    page = (
        b"<html><head><title>Storm</title></head><body><nav><a href='/'>Home page</a></nav>"
        b"<p>The river rose overnight.</p></body></html>"
    )
    plain = api.client.post("/articles?slug=plain", content=page, headers=admin)
    query = "/articles?slug=chrome&include_chrome=true"
    chrome = api.client.post(query, content=page, headers=admin)
    assert plain.status_code == chrome.status_code == 201, chrome.text
    assert (plain.json()["segments"], chrome.json()["segments"]) == (2, 3)
    ws = Workspace.at(api.root)
    assert ws.article_settings("chrome")["include_chrome"] is True
    text = api.client.post(
        "/articles?slug=txt&include_chrome=true",
        content=b"Title\n\nBody.\n",
        headers={**admin, "Content-Type": "text/plain"},
    )
    assert text.status_code == 422 and "include_chrome" in text.text
    assert not ws.has_article("txt")


def test_multipart_upload_takes_slug_and_format_from_the_file_name(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    page = b"<html><body><h1>Election night</h1><p>Polls closed at eight.</p></body></html>"
    response = api.client.post(
        "/articles", files={"file": ("../../Election Night.html", page, "text/html")}, headers=admin
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "election-night" and response.json()["format"] == "html"
    assert (api.root / "articles" / "election-night.html").read_bytes() == page
    missing = api.client.post("/articles", files={"other": ("a.md", NEWS)}, headers=admin)
    assert missing.status_code == 422 and "file" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"caf\xe9 latin-1 text", "invalid UTF-8"),
    ],
)
def test_bad_article_bodies_are_422_and_write_nothing(
    api: Api, content: bytes, message: str
) -> None:
    admin = api.auth(api.token("admin"))
    response = api.client.post(
        "/articles?slug=bad", content=content, headers={**admin, "Content-Type": "text/plain"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert not list((api.root / "articles").glob("bad.*"))


def test_bad_query_values(api: Api) -> None:
    admin = {**api.auth(api.token("admin")), "Content-Type": "text/markdown"}
    for query, status in (
        ("slug=../etc", 400),
        ("slug=ok&source_lang=xx-evil", 400),
        ("slug=ok&format=docx", 422),
    ):
        response = api.client.post(f"/articles?{query}", content=NEWS, headers=admin)
        assert response.status_code == status, (query, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_delete_removes_everything_and_only_that(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    api.client.post(
        "/articles?slug=flood", content=NEWS, headers={**admin, "Content-Type": "text/markdown"}
    )
    assert api.client.delete(f"/articles/{SLUG}", headers=admin).status_code == 204
    root = api.root
    assert not (root / "bundles" / SLUG).exists()
    assert not list(root.glob(f"locales/**/{SLUG}.po*"))
    assert not (root / "locales" / f"{SLUG}.pot").exists()
    assert not (root / "articles" / f"{SLUG}.txt").exists()
    assert api.client.get(f"/articles/{SLUG}").status_code == 404
    assert api.client.delete(f"/articles/{SLUG}", headers=admin).status_code == 404
    assert (root / "articles" / "flood.md").exists()  # the other article is untouched
    slugs = [a["slug"] for a in api.client.get("/articles", headers=admin).json()["articles"]]
    assert slugs == ["flood"]


def test_build_bundles_reports_each_language(api: Api) -> None:
    reviewer = api.auth(api.token("reviewer"))
    response = api.client.post(
        f"/articles/{SLUG}/bundles", json={"languages": ["de", "ar"]}, headers=reviewer
    )
    assert response.status_code == 200, response.text
    bundles = response.json()["bundles"]
    assert [b["lang"] for b in bundles] == ["de", "ar"]
    assert all(b["published"] and b["coverage"]["ratio"] == 1.0 for b in bundles)
    assert bundles[0]["href"] == f"/articles/{SLUG}/de/bundle.json"
    strict = api.client.post(
        f"/articles/{SLUG}/bundles",
        json={"languages": ["de"], "policy": "approved-only"},
        headers=reviewer,
    ).json()["bundles"][0]
    assert strict["published"] is False and "below the minimum" in strict["reason"]

"""``GET /`` and ``GET /articles`` a page at a time, filtered, from the index."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from l10n_service.services import index
from tests.http.conftest import Api, make_api
from tests.services.test_index import Reads, newsroom, settle
from tests.support.catalogs import machine_translate


@pytest.fixture
def lists(tmp_path: Path) -> Api:
    ws = newsroom(tmp_path / "ws", 7)
    machine_translate(ws, "s001", "de")
    machine_translate(ws, "s004", "fr")
    return make_api(ws.root)


def test_api_list_pages_with_links(lists: Api) -> None:
    admin = lists.auth(lists.token("admin"))
    reply = lists.client.get("/articles?per_page=3&page=2", headers=admin)
    body = reply.json()
    assert [a["slug"] for a in body["articles"]] == ["s003", "s004", "s005"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 3, 7, 3)
    assert body["links"]["next"].endswith("/articles?per_page=3&page=3")
    assert body["links"]["prev"].endswith("/articles?per_page=3&page=1")
    assert 'rel="next"' in reply.headers["Link"] and 'rel="last"' in reply.headers["Link"]
    last = lists.client.get(body["links"]["last"], headers=admin).json()
    assert [a["slug"] for a in last["articles"]] == ["s006"] and last["links"]["next"] is None
    assert body["articles"][1]["title"] == "Story number 4 about the harbour"
    assert {c["lang"]: c["machine"] for c in body["articles"][1]["catalogs"]} == {"de": 0, "fr": 2}


def test_api_list_filters(lists: Api) -> None:
    admin = lists.auth(lists.token("admin"))

    def slugs(query: str) -> list[str]:
        reply = lists.client.get(f"/articles?{query}", headers=admin)
        assert reply.status_code == 200, reply.text
        return [a["slug"] for a in reply.json()["articles"]]

    assert slugs("state=needs-review") == ["s001", "s004"]
    assert slugs("state=needs-review&lang=de") == ["s001"]
    assert slugs("q=number+5") == ["s005"]
    assert slugs("state=needs-review&q=number+4") == ["s004"]
    assert slugs("lang=it") == []
    assert lists.client.get("/articles?state=nearly", headers=admin).status_code == 422
    assert lists.client.get("/articles?per_page=501", headers=admin).status_code == 422
    assert lists.client.get("/articles?page=0", headers=admin).status_code == 422


def test_front_page_is_a_page_with_filter_and_page_links(lists: Api) -> None:
    reply = lists.client.get("/?per_page=2&page=2&lang=de")
    root = lxml.html.fromstring(reply.text)
    assert [s.get("id") for s in root.xpath("//section")] == ["article-s002", "article-s003"]
    assert "7 articles" in root.xpath("string(//p[@class='summary'])")
    assert root.xpath("//a[@rel='next']/@href") == ["/?per_page=2&lang=de&page=3"]
    assert root.xpath("//a[@rel='prev']/@href") == ["/?per_page=2&lang=de&page=1"]
    review = root.xpath("//nav[@class='filters']/a[text()='needs-review']/@href")
    assert review == ["/?per_page=2&lang=de&state=needs-review"]
    filtered = lxml.html.fromstring(lists.client.get(review[0]).text)
    assert [s.get("id") for s in filtered.xpath("//section")] == ["article-s001"]
    none = lists.client.get("/?q=nothing+like+this").text
    assert "No articles match." in none


def test_front_page_parses_no_catalog_and_checks_one_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work of ``GET /`` is one page's: counted on 6 and 18 articles."""
    reads = Reads(monkeypatch)
    stats = [0]
    original = index.file_stamp

    def counted(path: Path) -> tuple[int, int] | None:
        stats[0] += 1
        return original(path)

    monkeypatch.setattr(index, "file_stamp", counted)
    work = {}
    for size in (6, 18):
        api = make_api(newsroom(tmp_path / f"ws{size}", size).root)
        settle()
        assert api.client.get("/?per_page=4").status_code == 200  # the first full check
        stats[0] = reads.po = reads.articles = 0
        page = api.client.get("/?per_page=4")
        assert page.text.count('class="article"') == 4
        work[size] = (stats[0], reads.po, reads.articles)
    assert work[6] == work[18] and work[6][1:] == (0, 0)

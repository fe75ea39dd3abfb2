"""A hostile translator: script tags, event handlers and javascript: links typed into
every translation of a text, a Markdown and an HTML article. The import takes the
text (it is only text), QA flags it, approval refuses it, publishing shows the
source instead under every policy, and even a rendition built without asking QA
(the renderer's own defence) carries no live markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import polib
import pytest
from markdown_it import MarkdownIt

from l10n_service.core.localize import localize, rebuild_source
from l10n_service.core.render import bundle_document, render_html, render_markdown
from l10n_service.errors import InputError
from l10n_service.services.articles import add_article, load_article
from l10n_service.services.bundles import build_bundles, catalog_texts
from l10n_service.services.catalogs import approve_entries, import_po, update_languages
from l10n_service.services.qa import check_catalog
from l10n_service.services.review import export_po
from l10n_service.workspace import Workspace

ARTICLES = {
    "text": ("story.txt", "Storm Hits the Coast\n\nThe storm reached the coast on Monday. "
             "Thousands lost power.\n"),
    "md": ("story.md", "# Storm Hits the Coast\n\nRead [the forecast](https://example.org/f) "
           "now. Thousands lost **power** overnight.\n"),
    "html": ("story.html", "<!DOCTYPE html><html><head><title>Storm</title></head><body>"
             "<h1>Storm Hits the Coast</h1><p>Read <a href=\"https://example.org/f\">the "
             "forecast</a> now. Thousands lost <b>power</b> overnight.</p></body></html>"),
}  # fmt: skip
PAYLOAD = (
    ' <script>alert(1)</script> <a href="javascript:alert(2)">x</a>'
    " <img src=x onerror=alert(3)> [y](javascript:alert(4))"
    " &lt;script&gt;alert(5)&lt;/script&gt; <https://evil.example> j&#97;vascript:alert(6)"
)


@pytest.fixture(params=sorted(ARTICLES))
def hostile(request: pytest.FixtureRequest, workspace: Path) -> Workspace:
    if request.param == "html":
        pytest.importorskip("l10n_service.core.formats.html")
    name, text = ARTICLES[request.param]
    ws = Workspace.at(workspace)
    add_article(ws, text.encode(), name=name, slug="story")
    update_languages(ws, "story", ["de"])
    po = polib.pofile(export_po(ws, "story", "de").data.decode())
    for e in po:
        e.msgstr = e.msgid + PAYLOAD
    import_po(ws, str(po).encode(), slug="story", lang="de", name="evil.po")
    return ws


def _assert_inert(page: str) -> None:
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//script | //iframe | //object | //embed")
    for element in root.iter(tag=lxml.etree.Element):
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not re.match(r"\s*(java|vb)script:", value, re.I), (element.tag, value)
    assert not root.xpath("//a[contains(@href, 'evil')] | //img[@src='x']")


def test_import_takes_it_and_qa_flags_it(hostile: Workspace) -> None:
    issues = check_catalog(hostile, "story", "de")
    assert {i.check for i in issues if i.severity == "error"} >= {"unsafe", "markup"}


def test_approval_is_refused_unless_forced(hostile: Workspace) -> None:
    some = next(e.msgctxt for e in polib.pofile(str(hostile.po_path("story", "de"))))
    with pytest.raises(InputError, match="QA errors"):
        approve_entries(hostile, "story", "de", who="rita", ids=[some])
    report = approve_entries(hostile, "story", "de", who="rita")
    assert report.approved == 0 and report.refused
    assert approve_entries(hostile, "story", "de", who="rita", ids=[some], force=True).approved == 1


@pytest.mark.parametrize("policy", ["human", "machine-allowed", "approved-only"])
def test_entries_with_qa_errors_are_never_published(hostile: Workspace, policy: str) -> None:
    # Forced past QA: still not shown.
    approve_entries(hostile, "story", "de", who="rita", force=True)
    (refused,) = build_bundles(hostile, "story", ["de"], policy=policy)
    assert not refused.published and "with QA errors" in refused.reason
    assert refused.qa_fallbacks == refused.coverage["total"]
    (built,) = build_bundles(hostile, "story", ["de"], policy=policy, min_coverage=0)
    out = hostile.bundle_dir("story", "de")
    doc = json.loads((out / "bundle.json").read_text())
    segments = [s for b in doc["blocks"] for s in b["segments"]]
    assert {s["state"] for s in segments} == {"source-fallback"}
    assert all(s["fallback_reason"].startswith("qa: ") for s in segments)
    assert all("unsafe" in s["fallback_reason"] for s in segments)
    total = len(segments)
    assert built.published and built.qa_fallbacks == total
    assert f"{total} of {total} segments are shown in the source language ({total} because" in (
        " ".join(doc["notices"])
    )
    for rendition in out.glob("*.*"):
        assert "alert(" not in rendition.read_text(), rendition.name


def _renditions_without_qa(ws: Workspace) -> dict[str, str]:
    """Every rendition of the German bundle with QA not consulted: what the renderer
    alone makes of hostile text."""
    article = load_article(ws, "story")
    chosen = localize(article, "de", catalog_texts(ws, "story", "de"), "human")
    assert {loc.state for loc in chosen.values()} == {"translated"}
    doc = bundle_document(article, "de", chosen, alternates=["de"], policy="human")
    return {
        "index.html": render_html(doc, article, chosen),
        "article.md": render_markdown(article, chosen),
        f"article.{article.format}": rebuild_source(article, chosen),
        "bundle.json": json.dumps([b["text"] for b in doc["blocks"]]),
    }


def test_no_rendition_carries_live_markup(hostile: Workspace) -> None:
    files = _renditions_without_qa(hostile)
    page = files["index.html"]
    _assert_inert(page)
    assert "alert(1)" in page  # the text is shown, as text
    markdown = files["article.md"]
    assert "<script" not in markdown.lower() and "javascript:" not in markdown.lower()
    _assert_inert(MarkdownIt("commonmark", {"html": True}).render(markdown) or "<p></p>")
    for name, text in files.items():
        if name == "article.html":
            _assert_inert(text)
        assert "javascript:" not in text.lower(), name


def test_the_source_own_markup_survives(hostile: Workspace) -> None:
    build_bundles(hostile, "story", ["de"], policy="human", min_coverage=0)
    page = (hostile.bundle_dir("story", "de") / "index.html").read_text()
    assert "forecast" in page or "Storm" in page
    if "forecast" in page:
        assert 'href="https://example.org/f"' in page

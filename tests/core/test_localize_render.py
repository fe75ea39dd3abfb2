from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from l10n_service.core.formats import parse_article
from l10n_service.core.localize import CatalogText, localize, rebuild_source
from l10n_service.core.model import Article, SegmentState
from l10n_service.core.render import bundle_document, render_html, render_markdown

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "bundle.schema.json").read_text())


@pytest.fixture
def article(sample_text: str) -> Article:
    return parse_article(sample_text, fmt="text", slug="sample", source_lang="en")


def _all(article: Article, state: SegmentState, fn=lambda s: s.upper()) -> dict[str, CatalogText]:  # type: ignore[no-untyped-def]
    return {
        s.entry_id: CatalogText(fn(s.source), state, "mt: engine=x")
        for s in article.unique_segments()
    }


def test_source_language_rebuilds_the_original(article: Article, sample_text: str) -> None:
    chosen = localize(article, "en", {})
    assert rebuild_source(article, chosen) == sample_text
    assert {c.state for c in chosen.values()} == {"original"}


@pytest.mark.parametrize(
    ("policy", "state", "shown"),
    [
        ("machine-allowed", SegmentState.MACHINE, "machine"),
        ("human", SegmentState.MACHINE, "source-fallback"),
        ("human", SegmentState.TRANSLATED, "translated"),
        ("approved-only", SegmentState.TRANSLATED, "source-fallback"),
        ("approved-only", SegmentState.APPROVED, "approved"),
        ("machine-allowed", SegmentState.FUZZY, "source-fallback"),
    ],
)
def test_policy_decides_what_is_shown(
    article: Article, policy: str, state: SegmentState, shown: str
) -> None:
    chosen = localize(article, "de", _all(article, state), policy)
    assert {c.state for c in chosen.values()} == {shown}


def test_broken_placeholders_fall_back_to_source(article: Article) -> None:
    catalog = _all(article, SegmentState.TRANSLATED, lambda s: s.replace("<1/>", ""))
    chosen = localize(article, "de", catalog)
    broken = [c for c in chosen.values() if "<1/>" in c.segment.source]
    assert broken and all(c.state == "source-fallback" and "missing" in c.reason for c in broken)


def test_bundle_document_follows_the_schema(article: Article) -> None:
    chosen = localize(article, "ar", _all(article, SegmentState.MACHINE))
    doc = bundle_document(article, "ar", chosen, alternates=["ar", "en"], policy="machine-allowed")
    jsonschema.validate(doc, SCHEMA)
    assert doc["dir"] == "rtl"
    assert [b["id"] for b in doc["blocks"]] == [b.id for b in article.blocks]
    assert doc["coverage"]["machine"] == doc["coverage"]["total"]
    assert doc["article"]["published_display"] and "2025" in doc["article"]["published_display"]


def test_rendering_is_deterministic(article: Article) -> None:
    chosen = localize(article, "de", _all(article, SegmentState.MACHINE))
    doc = bundle_document(article, "de", chosen, alternates=["de", "en"], policy="machine-allowed")
    assert render_html(doc, article, chosen) == render_html(doc, article, chosen)
    assert render_markdown(article, chosen) == render_markdown(article, chosen)


def test_translator_script_never_reaches_the_page(article: Article) -> None:
    catalog = _all(article, SegmentState.TRANSLATED, lambda s: s + "<script>alert(1)</script>")
    chosen = localize(article, "de", catalog)
    doc = bundle_document(article, "de", chosen, alternates=["de"], policy="human")
    page = render_html(doc, article, chosen)
    assert "<script>" not in page


def test_html_article_escapes_translator_markup() -> None:
    source = '<html><body><p>Hello <a href="/x">world</a>.</p></body></html>'
    art = parse_article(source, fmt="html", slug="h", source_lang="en")
    seg = art.unique_segments()[0]
    catalog = {seg.entry_id: CatalogText('Hallo <1>Welt</1> <img src=x onerror=alert(1)>.',
                                         SegmentState.TRANSLATED)}  # fmt: skip
    chosen = localize(art, "de", catalog)
    rebuilt = rebuild_source(art, chosen)
    assert '<a href="/x">Welt</a>' in rebuilt
    assert "<img" not in rebuilt and "&lt;img" in rebuilt


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_sanitized_translation_keeps_placeholders_and_drops_script_urls(fmt: str) -> None:
    from l10n_service.core.localize import sanitize_translation

    clean = sanitize_translation(
        "See <1>the site</1>.", 'Siehe <1>die Seite</1> <a href="javascript:x()">!</a>.', fmt
    )
    assert "<1>die Seite</1>" in clean and "javascript:" not in clean
    if fmt != "text":
        assert "<a " not in clean and "&lt;a" in clean


def test_markdown_article_escapes_translator_markup() -> None:
    art = parse_article("# Hi\n\nRead [the docs](https://x.org) now.\n", fmt="md", slug="m",
                        source_lang="en")  # fmt: skip
    seg = next(s for s in art.unique_segments() if "<1>" in s.source)
    text = "Lies <1>die Doku</1> <img src=x onerror=alert(1)> [y](https://evil.example)."
    chosen = localize(art, "de", {seg.entry_id: CatalogText(text, SegmentState.TRANSLATED)})
    rebuilt = rebuild_source(art, chosen)
    assert "[die Doku](https://x.org)" in rebuilt
    assert "<img" not in rebuilt and "](https://evil" not in rebuilt


def test_source_fallback_is_marked_in_a_translated_page(article: Article) -> None:
    chosen = localize(article, "ar", {})
    doc = bundle_document(article, "ar", chosen, alternates=["ar"], policy="human")
    page = render_html(doc, article, chosen)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<span lang="en" dir="ltr">' in page
    assert '<p class="notice" role="note" lang="en" dir="ltr">' in page


def test_coverage_counts_occurrences(article: Article) -> None:
    from l10n_service.core.render import coverage_of

    chosen = localize(article, "de", _all(article, SegmentState.MACHINE))
    coverage = coverage_of(article, chosen)
    assert coverage["total"] == sum(len(b.segments) for b in article.blocks)
    assert coverage["machine"] == coverage["total"] and coverage["ratio"] == 1.0

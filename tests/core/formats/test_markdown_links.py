"""A Markdown translation can never link or embed anything the source does not: the
source's links come back through placeholders, a translator's text stays text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from l10n_service.core.formats import get_format, parse_article
from l10n_service.core.localize import CatalogText, localize, rebuild_source
from l10n_service.core.model import SegmentState

SOURCE = (
    "Read the [guide](https://example.com/guide) and the [FAQ][faq] first.\n\n"
    "Ask on <https://example.com/forum> or see [Code of Conduct].\n\n"
    "[faq]: https://example.com/faq\n[code of conduct]: https://example.com/coc\n"
    "[q]: https://tracker.example.com/pixel.png\n"
)
# What GFM-style renderers would also turn into links (markdown-it's linkify).
RENDERERS = [MarkdownIt("commonmark", {"html": True})]
HOSTILE = [
    "Hier [klicken][k].\n\n[k]: //evil.example/phish",
    "![b][q] und [c][faq] und [faq] und [Code of Conduct][]",
    "<https://evil.example/x> <HTTPS://EVIL.EXAMPLE> https://evil.example/y www.evil.example",
    '<a href="//evil.example">hier</a> <img src=//evil.example/p.png>',
    "[x](//evil.example) [y]( https://evil.example ) ![z](//evil.example/i.png)",
    "\\\\[x](//evil.example) \\",
    "[k]:\n//evil.example",
    "&#91;x&#93;(//evil.example)",
]


def _targets(markdown: str) -> set[str]:
    out: set[str] = set()
    for renderer in RENDERERS:
        root = lxml_html.fromstring(f"<div>{renderer.render(markdown)}</div>")
        out |= {v for el in root.iter() for k, v in el.attrib.items() if k in ("href", "src")}
    return out


def _translated(extra: str) -> tuple[str, str]:
    """Every sentence translated as itself plus ``extra``, without QA (the format's
    own escaping is what is tested): article.md and the page body."""
    article = parse_article(SOURCE, fmt="md", slug="links")
    catalog = {s.entry_id: CatalogText(f"{s.source} {extra}", SegmentState.TRANSLATED)
               for s in article.unique_segments()}  # fmt: skip
    chosen = localize(article, "de", catalog)
    assert all(c.state == "translated" for c in chosen.values())
    fmt = get_format("md")
    return rebuild_source(article, chosen), fmt.render_body_html(article, chosen)


@pytest.mark.parametrize("extra", HOSTILE)
def test_hostile_links_stay_text(extra: str) -> None:
    article_md, body = _translated(extra)
    allowed = _targets(SOURCE)
    assert _targets(article_md) <= allowed
    page = lxml_html.fromstring(f"<div>{body}</div>")
    assert {v for el in page.iter() for k, v in el.attrib.items() if k in ("href", "src")} <= (
        allowed - {"https://tracker.example.com/pixel.png"}
    )
    assert "evil.example" in page.text_content().lower() or "evil" not in extra.lower()


def test_bare_urls_and_autolinks_are_escaped_for_gfm_renderers() -> None:
    article_md, _ = _translated("https://evil.example/y www.evil.example <https://evil.example>")
    assert "https\\://evil.example/y" in article_md and "www\\.evil.example" in article_md
    assert "&lt;https\\://evil.example>" in article_md


def test_source_links_still_resolve_in_translation() -> None:
    article_md, _ = _translated("")
    assert _targets(article_md) == _targets(SOURCE) - {"https://tracker.example.com/pixel.png"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("[]()<>!:/\\ \nhtps.wx&#;q'\"ab")), max_size=40))
def test_no_text_makes_a_link(extra: str) -> None:
    article_md, _ = _translated(extra)
    assert _targets(article_md) <= _targets(SOURCE)

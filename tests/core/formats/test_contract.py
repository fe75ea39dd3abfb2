"""The contract every article format keeps, checked for each registered one.

One test class, run once per format (translate-toolkit's storage test base, reused
for every store): the built-ins, whatever else is registered when the suite is
collected, and the suite's own SubRip format (``tests/support/srt_format.py``). A
format registered without a sample document below fails
``test_the_format_has_samples``, so a new format cannot skip the contract.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path, PurePath

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from l10n_service.core.formats import (
    Format,
    decode_article,
    format_for,
    formats,
    get_format,
    registered,
)
from l10n_service.core.localize import CatalogText, LocalizedSegment, localize, sanitize_translation
from l10n_service.core.model import Article, SegmentState
from l10n_service.core.render import bundle_document, render_html, render_markdown
from l10n_service.core.tokens import TOKEN_RE
from l10n_service.errors import ArticleError
from tests.conftest import SAMPLE
from tests.strategies import sentences
from tests.support.srt_format import SubRipFormat

DATA = Path(__file__).parents[2] / "data"
EXTRA = SubRipFormat()

# Per format: its main sample (detected by content alone), then every other vendored
# document in it (round trips only).
SAMPLES: dict[str, list[Path]] = {
    "md": [DATA / "articles" / "blog-post.md", *sorted((DATA / "realworld" / "md").glob("*.md"))],
    "html": [
        DATA / "articles" / "blog-post.html",
        *sorted((DATA / "realworld" / "html").glob("*.html")),
    ],
    "text": [SAMPLE],
    "srt": [DATA / "articles" / "briefing.srt"],
}
# Per format: how a reader's software sees the format's own file, as HTML (Markdown
# is rendered, SubRip players honour tags); None where nothing reads it as markup
# (plain text: every rendition escapes it).
RENDER = MarkdownIt("commonmark", {"html": True}).enable("table")
AS_HTML: dict[str, Callable[[str], str] | None] = {
    "md": RENDER.render,
    "html": str,
    "text": None,
    "srt": str,
}
NAMES = [*(fmt.name for fmt in formats()), EXTRA.name]
PAYLOADS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[x](JaVaScRiPt&colon;alert(1))",
]
_SCRIPT_URL = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:java|vb)script\s*:""", re.I)


@cache
def _parsed(path: Path) -> Article:
    """A sample read exactly as ``l10n add`` reads it (cached: several checks share it)."""
    text = decode_article(path.read_bytes(), path.name)
    return format_for(path.name, text).extract(text, slug=path.stem)


def _sources(article: Article) -> dict[str, LocalizedSegment]:
    return localize(article, article.source_lang, {})


def _hostile(article: Article, words: str, payload: str) -> dict[str, LocalizedSegment]:
    """Every entry translated as its source (placeholders intact) plus typed markup."""
    words = TOKEN_RE.sub("", words)
    catalog = {
        s.entry_id: CatalogText(f"{words} {payload} {s.source}", SegmentState.TRANSLATED)
        for s in article.unique_segments()
    }
    return localize(article, "de", catalog, "human")


def _dangers(text: str) -> tuple[int, int]:
    """Live script elements and script URLs in HTML."""
    return text.lower().count("<script"), len(_SCRIPT_URL.findall(text))


@pytest.fixture(params=NAMES)
def fmt(request: pytest.FixtureRequest) -> Iterator[Format]:
    if request.param == EXTRA.name:
        with registered(EXTRA) as extra:
            yield extra
    else:
        yield get_format(request.param)


class TestFormatContract:
    def test_the_format_has_samples(self, fmt: Format) -> None:
        assert SAMPLES.get(fmt.name), f"add sample documents for format {fmt.name!r}"
        assert fmt.name in AS_HTML, f"say how format {fmt.name!r} is read (AS_HTML)"
        for path in SAMPLES[fmt.name]:
            assert PurePath(path).suffix in fmt.extensions, path

    def test_is_found_by_name_and_every_extension(self, fmt: Format) -> None:
        assert get_format(fmt.name) is fmt
        assert fmt.extension == fmt.extensions[0]
        for extension in fmt.extensions:
            assert extension.startswith(".") and extension == extension.lower()
            assert format_for(f"article{extension.upper()}", "") is fmt

    def test_detects_its_own_sample_by_content(self, fmt: Format) -> None:
        path = SAMPLES[fmt.name][0]
        text = decode_article(path.read_bytes(), path.name)
        assert fmt.fallback or fmt.detect(path.stem, text)
        assert format_for(path.stem, text) is fmt  # no extension: the content decides

    def test_rebuilds_every_sample_byte_for_byte(self, fmt: Format) -> None:
        for path in SAMPLES[fmt.name]:
            article = _parsed(path)
            assert article.format == fmt.name
            assert fmt.rebuild(article, _sources(article)) == path.read_bytes().decode("utf-8")

    def test_renders_a_page_and_markdown(self, fmt: Format) -> None:
        article = _parsed(SAMPLES[fmt.name][0])
        chosen = _sources(article)
        first = fmt.plain(article.blocks[0].text())
        assert first
        body = fmt.render_body_html(article, chosen)
        doc = bundle_document(article, "en", chosen, alternates=["en"], policy="human")
        page = render_html(doc, article, chosen)
        assert body.strip() and page.startswith("<!DOCTYPE html>")
        markdown = render_markdown(article, chosen)
        assert markdown == fmt.render_markdown(article, chosen) and RENDER.render(markdown)
        for rendition in (body, page, markdown):
            assert first.split()[0] in rendition

    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(words=sentences, payload=st.sampled_from(PAYLOADS))
    def test_escape_rules_neutralise_typed_markup(
        self, fmt: Format, words: str, payload: str
    ) -> None:
        """A translator's ``<script>`` or script link never becomes live in the page
        body, the Markdown rendition, or the format's own file."""
        article = _parsed(SAMPLES[fmt.name][0])
        before, after = _sources(article), _hostile(article, words, payload)
        assert any(loc.state == "translated" for loc in after.values())
        for loc in after.values():
            if loc.state == "translated":
                assert "javascript:" not in loc.masked.lower()
        renditions = (
            lambda chosen: fmt.render_body_html(article, chosen),
            lambda chosen: RENDER.render(fmt.render_markdown(article, chosen)),
        )
        for render in renditions:
            assert _dangers(render(after)) == _dangers(render(before))
        as_html = AS_HTML[fmt.name]
        if as_html is not None:  # the format's own file is read as markup too
            rebuilt = as_html(fmt.rebuild(article, after))
            assert _dangers(rebuilt) == _dangers(as_html(article.source))

    @settings(
        max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(words=sentences, payload=st.sampled_from(["", *PAYLOADS]))
    @example(words="0__", payload="")  # found by this test: a run of underscores
    @example(words="x\\__ _y_ a__b", payload="")
    def test_escape_rules_are_idempotent(self, fmt: Format, words: str, payload: str) -> None:
        """Made safe once, a text stays as it is: a re-sanitised translation is equal."""
        source = "See <1>the site</1>, <2/> and more."
        once = fmt.sanitize_translation(source, f"{words} <1>{payload}</1> <2/>")
        assert fmt.sanitize_translation(source, once) == once
        assert sanitize_translation(source, once, fmt.name) == once

    def test_nothing_to_translate_is_a_clear_error(self, fmt: Format) -> None:
        with pytest.raises(ArticleError, match=r"\S"):
            fmt.extract("\n\n  \n", slug="empty")

    def test_an_undeclared_option_is_refused(self, fmt: Format) -> None:
        path = SAMPLES[fmt.name][0]
        with pytest.raises(ArticleError, match="has no parse option 'no_such_option'"):
            fmt.extract(path.read_text("utf-8"), slug="x", options={"no_such_option": 1})

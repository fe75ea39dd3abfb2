"""HTML page chrome left out by default, layout whitespace, no empty placeholder pairs.

On real pages (two Debian FAQ chapters: DocBook's "Prev | Next" bars) and on small
documents, one rule each (see :mod:`l10n_service.core.formats.html.chrome`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from l10n_service.core.chosen import LocalizedSegment
from l10n_service.core.formats import get_format, html
from l10n_service.core.model import Article
from l10n_service.errors import ArticleError
from tests.core.formats.support import rebuild

REALWORLD = Path(__file__).parents[2] / "data" / "realworld" / "html"
FAQ_PAGES = sorted(REALWORLD.glob("debian-faq--*.html"))
BLOG = Path(__file__).parents[2] / "data" / "articles" / "blog-post.html"
_EMPTY_PAIR = re.compile(r"<(\d+)></\1>")
_NAV = re.compile(r'<div class="nav(?:header|footer)">.*?</div>', re.S)


def parse(source: str, *, include_chrome: bool = False) -> Article:
    return html.parse(source, slug="page", include_chrome=include_chrome)


def sources(article: Article) -> list[str]:
    """The segments of the body (the test pages' <title> left out)."""
    return [segment.source for block, segment in article.segments() if block.type.value != "title"]


def texts(article: Article) -> list[str]:
    """Each block as a reader sees it: placeholders restored, tags dropped (the
    titles of <link> elements left out: they are chrome even with include_chrome)."""
    return [
        " ".join(re.sub(r"<[^>]*>", " ", block.text()).split())
        for block in article.blocks
        if block.attr.get("tag") != "link"
    ]


def shouted(article: Article) -> str:
    """A pretend translation: every segment upper-cased outside its placeholders."""
    chosen = {
        s.entry_id: LocalizedSegment(
            s, re.sub(r"[a-z]+", lambda m: m.group().upper(), s.source), "translated"
        )
        for s in article.unique_segments()
    }
    return get_format("html").rebuild(article, chosen)


# --- the Debian FAQ chapters ---------------------------------------------------------


@pytest.fixture(scope="module", params=FAQ_PAGES, ids=lambda p: p.name)
def faq(request: pytest.FixtureRequest) -> Article:
    path: Path = request.param
    return parse(path.read_text("utf-8"))


def test_faq_pages_are_vendored() -> None:
    assert [p.name for p in FAQ_PAGES] == [
        "debian-faq--kernel.en.html",
        "debian-faq--redistributing.en.html",
    ]


def test_faq_navigation_bars_are_not_segments(faq: Article) -> None:
    everything = " ".join(texts(faq))
    for chrome in ("Prev", "Next", "Home", "The Debian GNU/Linux FAQ"):
        assert chrome not in everything
    # The bars name this chapter and its neighbours; only the <title> and <h1> are left.
    chapters = [t for t in texts(faq) if t.startswith("Chapter")]
    assert len(chapters) == 2 and chapters[0] == chapters[1] == faq.title
    # Every block lies outside both bars.
    bars = [m.span() for m in _NAV.finditer(faq.source)]
    assert len(bars) == 2
    for block in faq.blocks:
        assert all(block.span[1] <= lo or block.span[0] >= hi for lo, hi in bars), block.id


def test_faq_keeps_its_content(faq: Article) -> None:
    assert faq.title.startswith("Chapter")
    kinds = {block.type.value for block in faq.blocks}
    assert {"title", "heading", "paragraph"} <= kinds
    assert len(faq.unique_segments()) >= 10


def test_faq_segments_have_no_empty_pairs_and_no_layout(faq: Article) -> None:
    for source in sources(faq):
        assert not _EMPTY_PAIR.search(source), source
        assert "\n" not in source and "  " not in source, source
    # the anchors before each heading are not offered at all
    headings = [s for b in faq.blocks if b.type.value == "heading" for s in b.segments]
    assert headings and not any(s.source.startswith("<1/>") and "<1/>." not in s.source
                                for s in headings)  # fmt: skip


def test_faq_source_rebuilds_byte_for_byte(faq: Article) -> None:
    assert rebuild(faq) == faq.source


def test_faq_translation_parses_and_keeps_the_chrome(faq: Article) -> None:
    out = shouted(faq)
    assert _NAV.findall(out) == _NAV.findall(faq.source)  # byte for byte
    document = lxml_html.document_fromstring(out.encode("utf-8"))
    assert document.xpath("//img[@alt='Prev']") and document.xpath("//img[@alt='Next']")
    heading = document.xpath("//h2")[0].text_content()
    assert heading == heading.upper() and heading.strip()


def test_faq_with_include_chrome_keeps_the_bars() -> None:
    source = FAQ_PAGES[0].read_text("utf-8")
    with_chrome = parse(source, include_chrome=True)
    everything = " ".join(texts(with_chrome))
    assert "Chapter 11. Customizing your Debian GNU/Linux system" in everything
    assert {"Prev", "Next", "Home"} <= {b.text() for b in with_chrome.blocks}
    assert len(with_chrome.blocks) > len(parse(source).blocks)
    assert rebuild(with_chrome) == source


# --- one rule at a time --------------------------------------------------------------


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>Page</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "chrome",
    [
        "<nav><a href='/'>Home</a> <a href='/blog/'>Blog</a></nav>",
        "<header><p>Site name and slogan</p></header>",
        "<footer>Published by the team.</footer>",
        "<aside><p>Related reading for you</p></aside>",
        "<div role='navigation'><a href='/a'>Archive</a></div>",
        "<div role='banner'><p>Big site banner</p></div>",
        "<div role='contentinfo'>Contact and legal</div>",
        "<div role='complementary'><p>Sidebar words</p></div>",
        "<p><a rel='prev' href='a.html'>Previous page</a> | <a rel='next' href='c.html'>Next"
        " page</a></p>",
        "<table><tr><td><a accesskey='p' href='a.html'><img src=p.png alt='Prev'></a></td>"
        "<th>Page</th><td><a accesskey='n' href='c.html'>Next</a></td></tr></table>",
    ],
    ids=[
        "nav", "page-header", "page-footer", "aside", "role-navigation", "role-banner",
        "role-contentinfo", "role-complementary", "rel-links", "accesskey-bar",
    ],
)  # fmt: skip
def test_chrome_is_left_out_and_kept_byte_for_byte(chrome: str) -> None:
    source = _page(f"{chrome}<article><p>The story itself.</p></article>")
    article = parse(source)
    assert texts(article) == ["Page", "The story itself."]
    assert chrome in shouted(article)
    kept = parse(source, include_chrome=True)
    assert len(kept.blocks) > len(article.blocks)


def test_footer_bar_naming_neighbouring_pages_is_chrome() -> None:
    head = (
        "<link rel='prev' href='a.html' title='Chapter 1. Before'>"
        "<link rel='next' href='c.html' title='Chapter 3. After'>"
    )
    bar = (
        "<div><table><tr><td><a accesskey='p' href='a.html'>Prev</a></td>"
        "<td><a accesskey='n' href='c.html'>Next</a></td></tr>"
        "<tr><td>Chapter 1. Before</td><td>Chapter 3. After</td></tr></table></div>"
    )
    article = parse(_page(f"<p>Body text here.</p>{bar}", head))
    assert [b.text() for b in article.blocks] == ["Page", "Body text here."]


@pytest.mark.parametrize(
    "content",
    [
        # an article's own header and footer are its byline, not the site's
        "<article><header><p>By Ann Writer</p></header><p>Text.</p>"
        "<footer><p>Filed under news</p></footer></article>",
        # a table of contents: ordinary links, even to the next page
        "<ul><li><a href='c.html'>Chapter 3. After</a></li><li><a href='d.html'>Chapter 4."
        "</a></li></ul>",
        # words beside a navigation link make it a sentence, not a bar
        "<p>When you are done, go on to the <a rel='next' href='c.html'>next page</a>.</p>",
        "<section><header><h2>Section title</h2></header><p>Text.</p></section>",
    ],
    ids=["article-header-footer", "toc", "sentence-with-nav-link", "section-header"],
)
def test_content_is_not_chrome(content: str) -> None:
    source = _page(content, "<link rel='next' href='c.html' title='Chapter 3. After'>")
    assert texts(parse(source)) == texts(parse(source, include_chrome=True))


def test_a_page_of_chrome_only_says_so() -> None:
    with pytest.raises(ArticleError, match="outside page chrome"):
        get_format("html").extract("<nav><a href='/'>Home page</a></nav>", slug="nav")


def test_include_chrome_option_is_checked() -> None:
    fmt = get_format("html")
    assert fmt.read_options({"include_chrome": True}) == {"include_chrome": True}
    with pytest.raises(ArticleError, match="include_chrome: expected true or false"):
        fmt.read_options({"include_chrome": "yes"})


# --- whitespace and empty pairs --------------------------------------------------------


def test_layout_whitespace_is_one_space_and_comes_back() -> None:
    source = _page(
        "<p>\n  A sentence that\n     wraps <em>across\n   lines</em>.\tAnother\n one.\n</p>"
    )
    article = parse(source)
    assert sources(article) == ["A sentence that wraps <1>across lines</1>.", "Another one."]
    assert rebuild(article) == source
    out = shouted(article)
    assert "A SENTENCE THAT WRAPS <em>ACROSS LINES</em>.\tANOTHER ONE." in out


def test_identical_sentences_with_different_layout_share_one_entry() -> None:
    article = parse(_page("<p>Same words\n here.</p><p>Same   words here.</p>"))
    [first, second] = [s for b, s in article.segments() if b.type.value != "title"]
    assert first.entry_id == second.entry_id
    assert rebuild(article) == article.source


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<h2><a id="x"></a>1.1. What is this?</h2>', "<1/>. What is this?"),
        ("<p>Text <b></b>with an empty element.</p>", "Text <1/>with an empty element."),
        ('<p>Ends with an anchor.<a name="end"></a></p>', "Ends with an anchor."),
    ],
)
def test_no_empty_placeholder_pairs(body: str, expected: str) -> None:
    article = parse(_page(body))
    assert sources(article)[-1] == expected
    assert rebuild(article) == article.source


def test_blog_fixture_leaves_out_its_nav_and_footer() -> None:
    source = BLOG.read_text("utf-8")
    article = parse(source)
    everything = " ".join(texts(article))
    assert "Home" not in everything and "Published by" not in everything
    assert "Five Lessons from Our First Offline Release" in everything
    assert rebuild(article) == source

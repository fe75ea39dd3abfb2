"""The HTML parser: block types, attributes, untouched elements, lossless rebuilds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from l10n_service.core.formats import html
from l10n_service.core.model import Article, Block, BlockType
from l10n_service.errors import ArticleError
from tests.core.formats.support import rebuild, span_text

FIXTURE = Path(__file__).parents[2] / "data" / "articles" / "blog-post.html"
# Letters to upper-case, and (group 1) what a translator must leave alone.
_WORDS = re.compile(r"(</?\d+/?>|&#?\w+;)|[a-z]+")


def parse(source: str, *, include_chrome: bool = True) -> Article:
    """With its chrome by default: most tests here are about the whole page's
    structure; tests/core/formats/test_html_chrome.py leaves chrome out."""
    return html.parse(source, slug="post", include_chrome=include_chrome)


def shout(masked: str) -> str:
    """A pseudo-translation: ASCII letters upper-cased, placeholders and entities kept."""
    return _WORDS.sub(lambda m: m.group() if m.group(1) else m.group().upper(), masked)


def dom(source: str) -> str:
    document = lxml_html.document_fromstring(source)
    return etree.tostring(document, encoding="unicode", method="html")


def assert_lossless(article: Article) -> None:
    assert rebuild(article) == article.source
    pseudo = rebuild(article, {s.entry_id: shout(s.source) for s in article.unique_segments()})
    # A translation's spacing is its own (line breaks inside a sentence become spaces).
    assert squash(dom(pseudo)).lower() == squash(dom(article.source)).lower()


def squash(text: str) -> str:
    return " ".join(text.split())


def segment_sources(article: Article) -> list[str]:
    return [segment.source for _, segment in article.segments()]


def only(article: Article, kind: BlockType) -> list[Block]:
    return [b for b in article.blocks if b.type is kind]


# --- the blog post fixture ----------------------------------------------------------


@pytest.fixture(scope="module")
def post() -> Article:
    return parse(FIXTURE.read_text(encoding="utf-8"))


def test_post_block_types_in_order(post: Article) -> None:
    kinds = [(b.type.value, b.level, b.attr.get("tag", "")) for b in post.blocks]
    assert kinds == [
        ("title", 0, "title"),
        ("attribute", 0, "meta"),
        ("list_item", 1, "li"),  # nav
        ("list_item", 1, "li"),
        ("heading", 1, "h1"),  # not the TITLE: the document has a <title>
        ("paragraph", 0, "p"),
        ("paragraph", 0, "p"),
        ("attribute", 0, "img"),
        ("attribute", 0, "img"),
        ("paragraph", 0, "figcaption"),
        ("heading", 2, "h2"),
        ("paragraph", 0, "p"),
        ("quote", 1, "blockquote"),
        ("list_item", 1, "li"),
        ("list_item", 1, "li"),
        ("list_item", 2, "li"),
        ("list_item", 2, "li"),
        ("heading", 2, "h2"),
        ("paragraph", 0, "p"),
        ("paragraph", 0, "caption"),
        *[("table_cell", 0, "th")] * 2,
        *[("table_cell", 0, "td")] * 4,
        ("paragraph", 0, "dt"),
        ("paragraph", 0, "dd"),
        ("paragraph", 0, "p"),
        ("paragraph", 0, "footer"),  # text directly inside a container
    ]


def test_post_metadata(post: Article) -> None:
    assert post.title == "Five Lessons from Our First Offline Release"
    assert post.published == "2024-03-18T09:00:00Z"


def test_post_attributes_are_the_quoted_values(post: Article) -> None:
    values = [(b.attr["attr"], span_text(post, b)) for b in only(post, BlockType.ATTRIBUTE)]
    assert values == [
        ("content", "What we learned shipping an app that works without a network &amp; more."),
        ("alt", "A field engineer using the app in a tunnel"),
        ("title", "In the tunnel"),
    ]
    [meta] = [b for b in only(post, BlockType.ATTRIBUTE) if b.attr["tag"] == "meta"]
    assert meta.attr["name"] == "description"


def test_post_link_is_a_placeholder_pair_without_its_url(post: Article) -> None:
    sources = segment_sources(post)
    assert "<1>Home</1>" in sources
    [read] = [s for _, s in post.segments() if s.source.startswith("Read the")]
    # the source line break inside the link is one space for the translator
    assert read.source.startswith("Read the <1>original proposal</1> first &mdash; it<2/>s")
    assert read.legend["<1>"] == '<a href="https://example.com/proposal" title="Proposal, 2023">'
    assert read.legend["<2/>"] == "&#8217;"
    assert not any("example.com" in s for s in sources)


def test_post_untouched_elements(post: Article) -> None:
    spans = [span_text(post, b) for b in post.blocks]
    for secret in ("font-family", "analytics", "not a paragraph", "load_records", "Build 2024"):
        assert not any(secret in s for s in spans), secret
    for source in segment_sources(post):
        assert "stock_count" not in source
        assert "Gotthard" not in source
    assert "Testing in the <1/> tunnel." in segment_sources(post)
    assert "numeric fields are added up, as with <1/>." in segment_sources(post)


def test_post_entities_stay_as_written(post: Article) -> None:
    assert "Loading the JSON file took <1/>&nbsp;seconds, so we moved to SQLite:" in (
        segment_sources(post)
    )


def test_post_rebuilds_exactly(post: Article) -> None:
    assert_lossless(post)


def test_post_translation_keeps_markup(post: Article) -> None:
    [quote] = only(post, BlockType.QUOTE)
    [segment] = quote.segments
    out = rebuild(post, {segment.entry_id: "Chaque bogue était une question de produit."})
    assert "<p>Chaque bogue était une question de produit.</p>" in out


# --- constructs ---------------------------------------------------------------------


def test_first_h1_is_the_title_without_a_title_element() -> None:
    article = parse("<h2>Kicker</h2><h1>The <em>real</em> title</h1><h1>Second</h1><p>Body.</p>")
    assert [(b.type, b.level) for b in article.blocks] == [
        (BlockType.HEADING, 2),
        (BlockType.TITLE, 1),
        (BlockType.HEADING, 1),
        (BlockType.PARAGRAPH, 0),
    ]
    assert article.title == "The real title"


def test_image_alt_inside_a_sentence_is_a_pair() -> None:
    article = parse('<p>Click the <img src="gear.png" alt="gear icon" title="Gear"> to start.</p>')
    [block] = article.blocks
    [segment] = block.segments
    assert segment.source == "Click the <1>gear icon</1> to start."
    assert segment.legend == {"<1>": '<img src="gear.png" alt="', "</1>": '" title="Gear">'}


def test_lone_image_and_icon_link_give_attribute_blocks() -> None:
    source = (
        "<div><a href='/' title='Home page'><img src=logo.png alt='Our logo'></a></div>"
        "<p><img src='x.png' alt=unquoted></p>"
    )
    article = parse(source)
    assert [(b.attr["tag"], b.attr["attr"], span_text(article, b)) for b in article.blocks] == [
        ("a", "title", "Home page"),
        ("img", "alt", "Our logo"),
    ]


def test_block_attributes_and_social_meta() -> None:
    source = (
        '<head><meta property="og:title" content="Shared title">'
        '<meta name="keywords" content="not, translated"></head>'
        '<section title="Section tooltip"><p>Text here.</p></section>'
    )
    article = parse(source)
    assert [span_text(article, b) for b in article.blocks] == [
        "Shared title",
        "Section tooltip",
        "Text here.",
    ]


def test_nested_lists_with_omitted_end_tags() -> None:
    article = parse("<ul><li>one<li>two<ul><li>deep<li>deeper</ul><li>three</ul>")
    assert [(span_text(article, b), b.level) for b in article.blocks] == [
        ("one", 1),
        ("two", 1),
        ("deep", 2),
        ("deeper", 2),
        ("three", 1),
    ]


def test_text_around_a_nested_block_makes_separate_blocks() -> None:
    article = parse("<li>Intro <p>inside</p> tail</li><blockquote>Said <b>this</b></blockquote>")
    assert [(b.type, span_text(article, b)) for b in article.blocks] == [
        (BlockType.LIST_ITEM, "Intro"),
        (BlockType.LIST_ITEM, "inside"),
        (BlockType.LIST_ITEM, "tail"),
        (BlockType.QUOTE, "Said <b>this</b>"),
    ]


def test_no_translate_elements() -> None:
    source = (
        '<p>Use <span class="x notranslate">Acme <b>Cloud</b></span> now.</p>'
        '<div translate="no"><p>Never</p><img alt="Never either"></div>'
        '<p translate="NO">Nope</p><p>After.</p>'
    )
    article = parse(source)
    assert segment_sources(article) == ["Use <1/> now.", "After."]
    assert article.blocks[0].segments[0].legend["<1/>"] == (
        '<span class="x notranslate">Acme <b>Cloud</b></span>'
    )


def test_malformed_html_is_lossless() -> None:
    source = "<div><p>Unclosed <b>bold <i>mis</b>nested</i></span> text<p>Next <a href=x>link"
    article = parse(source)
    assert [span_text(article, b) for b in article.blocks] == [
        "Unclosed <b>bold <i>mis</b>nested</i></span> text",
        "Next <a href=x>link",
    ]
    assert_lossless(article)


def test_comments_doctype_and_breaks_at_the_edges_stay_outside() -> None:
    article = parse("<!doctype html><p><!-- c --><br> Text <br>more<br></p>")
    [block] = article.blocks
    assert span_text(article, block) == "Text <br>more"


def test_crlf_positions() -> None:
    source = "<html>\r\n<body>\r\n<p>First line\r\nsecond &amp; line</p>\r\n<p>Two</p>\r\n"
    article = parse(source)
    assert [span_text(article, b) for b in article.blocks] == [
        "First line\r\nsecond &amp; line",
        "Two",
    ]
    assert rebuild(article) == source


def test_deeply_nested_html() -> None:
    source = "<div>" * 10_000 + "Deep text here." + "</div>" * 10_000
    article = parse(source)
    assert [span_text(article, b) for b in article.blocks] == ["Deep text here."]
    unclosed = "<div><span>" * 10_000 + "still fine"
    assert rebuild(parse(unclosed)) == unclosed


@pytest.mark.parametrize(
    "source",
    ["", "   ", "<div></div>", "<script>var words = 'many';</script>", "<pre>code words</pre>",
     "<p>12 345</p>", "<html translate=no><p>Words</p></html>", "<!-- only a comment -->"],
)  # fmt: skip
def test_no_translatable_text_is_an_article_error(source: str) -> None:
    with pytest.raises(ArticleError, match="no translatable text"):
        parse(source)


# --- properties ---------------------------------------------------------------------

texts = st.lists(
    st.sampled_from(["alpha", "Beta", "gamma's", "&amp;", "&#8217;", "&nbsp;", "x2", "ok.", "1.5"]),
    min_size=1,
    max_size=5,
).map(" ".join)
attributes = st.sampled_from(
    ["", ' title="A tooltip"', ' class="notranslate"', ' translate="no"', " id=x", " data-x='1'"]
)


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["text", "text", "tag", "code", "img", "br", "comment"]))
    if kind == "tag" and depth < 3:
        tag = draw(st.sampled_from(["a", "em", "strong", "span", "b", "abbr", "q"]))
        href = ' href="https://example.com/p"' if tag == "a" else ""
        inner = " ".join(draw(st.lists(inline(depth + 1), min_size=1, max_size=3)))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
        return f"<{tag}{href}{draw(attributes)}>{inner}{close}"
    if kind == "code":
        return f"<code>{draw(texts)}</code>"
    if kind == "img":
        return f'<img src="i.png" alt="{draw(texts)}"{draw(attributes)}>'
    if kind == "br":
        return "<br>"
    if kind == "comment":
        return "<!-- note -->"
    return draw(texts)


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> str:
    containers = ["div", "section", "blockquote", "ul", "table", "dl"] if depth < 4 else []
    tag = draw(st.sampled_from(["p", "p", "h1", "h2", "h3", "pre", "figure", *containers]))
    attrs = draw(attributes)
    text = " ".join(draw(st.lists(inline(), min_size=1, max_size=4)))
    if tag == "ul":
        items = draw(st.lists(st.one_of(inline(), block(depth + 1)), min_size=1, max_size=3))
        end = draw(st.sampled_from(["</li>", ""]))
        return f"<ul{attrs}>" + "".join(f"<li>{item}{end}" for item in items) + "</ul>"
    if tag == "table":
        return (
            f"<table{attrs}><caption>{text}</caption><tr><th>{draw(texts)}</th><td>{text}</table>"
        )
    if tag == "dl":
        return f"<dl><dt>{draw(texts)}<dd>{text}</dl>"
    if tag == "figure":
        return (
            f'<figure><img src="f.png" alt="{draw(texts)}"><figcaption>{text}</figcaption></figure>'
        )
    if tag in ("div", "section", "blockquote"):
        children = "\n".join(draw(st.lists(st.one_of(block(depth + 1), inline()), max_size=3)))
        return f"<{tag}{attrs}>\n{children}\n</{tag}>"
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""])) if tag == "p" else f"</{tag}>"
    return f"<{tag}{attrs}>{text}{close}"


documents = st.builds(
    lambda title, description, body: (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title>"
        f'<meta name="description" content="{description}"><style>p {{ color: red; }}</style>'
        f"</head>\n<body>\n{body}\n<script>var s = '<p>x</p>';</script></body></html>\n"
    ),
    texts,
    texts,
    st.lists(block(), min_size=1, max_size=4).map("\n".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_rebuild_to_the_same_dom(source: str) -> None:
    try:
        article = parse(source)
    except ArticleError:
        return  # everything drawn was untranslatable
    assert_lossless(article)
    assert dom(rebuild(article)) == dom(source)
    assert sum(b.type is BlockType.TITLE for b in article.blocks) <= 1


# U+001C..U+001F before "1. " crash pysbd inside the sentence splitter (a known bug
# outside the parser), so they are left out here.
@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_characters="\x1c\x1d\x1e\x1f")))
def test_any_text_parses_or_is_an_article_error(source: str) -> None:
    try:
        article = parse(source)
    except ArticleError:
        return
    assert rebuild(article) == source

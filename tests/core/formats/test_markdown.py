"""The Markdown parser: block types, placeholders and byte-exact rebuilds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from l10n_service.core.formats import markdown
from l10n_service.core.formats.markdown import inline as markdown_inline
from l10n_service.core.inline import Markup, Text
from l10n_service.core.model import Article, Block, BlockType
from l10n_service.errors import ArticleError
from tests.core.formats.support import rebuild, span_text

FIXTURE = Path(__file__).parents[2] / "data" / "articles" / "blog-post.md"
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Letters to upper-case, and (group 1) what a translator must leave alone.
_WORDS = re.compile(r"(</?\d+/?>|&#?\w+;|\\.)|[a-z]+")


def parse(source: str) -> Article:
    return markdown.parse(source, slug="post")


def shout(masked: str) -> str:
    """A pseudo-translation: ASCII letters upper-cased, placeholders and escapes kept."""
    return _WORDS.sub(lambda m: m.group() if m.group(1) else m.group().upper(), masked)


def shouted(article: Article) -> dict[str, str]:
    """The pseudo-translation as published: made literal by the format's sanitiser
    (translators read escapes unescaped; the format escapes again)."""
    fmt = markdown.FORMAT
    return {
        s.entry_id: fmt.sanitize_translation(s.source, shout(s.source))
        for s in article.unique_segments()
    }


def assert_lossless(article: Article) -> None:
    assert rebuild(article) == article.source
    pseudo = rebuild(article, shouted(article))
    assert RENDERER.render(pseudo).lower() == RENDERER.render(article.source).lower()


def masked(block: Block) -> str:
    """What translators see of a block, however it was split into sentences."""
    parts = [block.separators[0]]
    for segment, separator in zip(block.segments, block.separators[1:], strict=True):
        parts += [segment.source, separator]
    return "".join(parts)


def segment_sources(article: Article) -> list[str]:
    return [segment.source for _, segment in article.segments()]


def only(article: Article, kind: BlockType) -> list[Block]:
    return [b for b in article.blocks if b.type is kind]


# --- the blog post fixture ----------------------------------------------------------


@pytest.fixture(scope="module")
def post() -> Article:
    return parse(FIXTURE.read_text(encoding="utf-8"))


def test_post_block_types_in_order(post: Article) -> None:
    kinds = [(b.type.value, b.level) for b in post.blocks]
    assert kinds == [
        ("attribute", 0),
        ("attribute", 0),
        ("attribute", 0),
        ("title", 1),
        ("paragraph", 0),
        ("paragraph", 0),  # the image alone: its alt text
        ("heading", 2),
        ("paragraph", 0),
        ("quote", 1),
        ("quote", 2),
        ("paragraph", 0),
        ("list_item", 1),
        ("list_item", 1),
        ("list_item", 2),
        ("list_item", 2),
        ("list_item", 1),
        ("heading", 2),
        ("paragraph", 0),
        *[("table_cell", 0)] * 9,
        ("paragraph", 0),
    ]


def test_post_metadata(post: Article) -> None:
    assert post.title == "Five Lessons from Our First Offline Release"
    assert post.published == "2024-03-18"


def test_post_front_matter_values_are_attributes(post: Article) -> None:
    attributes = {b.attr["key"]: span_text(post, b) for b in only(post, BlockType.ATTRIBUTE)}
    assert attributes["title"] == "Five Lessons from Our First Offline Release"  # no quotes
    assert attributes["description"].startswith("What we learned")
    assert attributes["summary"] == (
        "A look back at six months of work, the mistakes we made,\n  and what we would do again."
    )
    assert set(attributes) == {"title", "description", "summary"}
    [summary] = [b for b in only(post, BlockType.ATTRIBUTE) if b.attr["key"] == "summary"]
    assert summary.line_prefix == "  "
    assert not any("Dana" in s or "offline, sync" in s for s in segment_sources(post))


def test_post_link_is_a_placeholder_pair_without_its_url(post: Article) -> None:
    sources = segment_sources(post)
    assert "Read the <1>original proposal</1> first." in sources
    assert not any("example.com/proposal" in s for s in sources)
    [segment] = [s for _, s in post.segments() if s.source.startswith("Read the")]
    assert segment.legend["</1>"] == '](https://example.com/proposal "Proposal, 2023")'


def test_post_emphasis_and_reference_link(post: Article) -> None:
    sources = segment_sources(post)
    assert "Last spring our team shipped <1>offline mode</1> for the field app." in sources
    assert "Write to <1/> or see the <2>FAQ</2>." in sources


def test_post_image_alt_is_translated_in_place(post: Article) -> None:
    assert "<1>A field engineer using the app in a tunnel</1>" in segment_sources(post)
    assert not any("tunnel.jpg" in s for s in segment_sources(post))


def test_post_code_never_in_a_segment(post: Article) -> None:
    for source in segment_sources(post):
        assert "load_records" not in source
        assert "stock_count" not in source
        assert "SELECT" not in source
    assert "numeric fields are added up, as with <1/>." in segment_sources(post)


def test_post_quotes_and_lists_hide_their_prefix(post: Article) -> None:
    outer = only(post, BlockType.QUOTE)[0]
    assert outer.line_prefix == "> "
    assert (
        masked(outer)
        == "Every sync bug we shipped was a product question\nnobody had answered yet."
    )
    assert not any(s.startswith(">") for s in segment_sources(post))
    assert [span_text(post, b) for b in only(post, BlockType.LIST_ITEM)][2:4] == [
        "text fields keep the latest value;",
        "numeric fields are added up, as with `stock_count`.",
    ]


def test_post_table_cells(post: Article) -> None:
    cells = [span_text(post, b) for b in only(post, BlockType.TABLE_CELL)]
    assert cells[:3] == ["Storage", "Cold start", "Notes"]
    assert "Simple, but *slow*" in cells


def test_post_rebuilds_exactly(post: Article) -> None:
    assert_lossless(post)


def test_post_translation_keeps_markup(post: Article) -> None:
    [segment] = [s for _, s in post.segments() if s.source.startswith("Read the")]
    out = rebuild(post, {segment.entry_id: "Lisez d'abord la <1>proposition</1>."})
    assert 'Lisez d\'abord la [proposition](https://example.com/proposal "Proposal, 2023").' in out


# --- constructs ---------------------------------------------------------------------


def test_headings_and_first_h1_title() -> None:
    article = parse("## Intro\n\n# Main title\n\nText.\n\n# Another\n\nSetext\n===\n")
    assert [(b.type, b.level) for b in article.blocks] == [
        (BlockType.HEADING, 2),
        (BlockType.TITLE, 1),
        (BlockType.PARAGRAPH, 0),
        (BlockType.HEADING, 1),
        (BlockType.HEADING, 1),
    ]
    assert article.title == "Main title"


def test_atx_closing_sequence_is_outside_the_span() -> None:
    article = parse("### A heading ###\n")
    assert span_text(article, article.blocks[0]) == "A heading"


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ('---\ntitle: "Front \\"matter\\""\n---\n# Heading *one*\n', "Heading one"),
        ('---\ntitle: "Front \\"matter\\""\n---\n## Heading two\n', 'Front "matter"'),
        ("## Only a second level\n\nBody text.\n", "Only a second level"),
    ],
)
def test_article_title(source: str, title: str) -> None:
    assert parse(source).title == title


def test_escapes_are_read_unescaped_and_entities_as_written() -> None:
    source = "Use \\*stars\\* &amp; more &#8217; here.\n\n# Docs \\& Community\n"
    article = parse(source)
    assert segment_sources(article) == ["Use *stars* &amp; more <1/> here.", "Docs & Community"]
    assert article.blocks[0].segments[0].legend == {"<1/>": "&#8217;"}
    assert rebuild(article) == source
    # A translation is escaped again where Markdown would read markup: same page.
    from l10n_service.core.localize import CatalogText, localize, rebuild_source
    from l10n_service.core.model import SegmentState

    catalog = {
        s.entry_id: CatalogText(s.source.replace("Use", "Nimm"), SegmentState.TRANSLATED)
        for s in article.unique_segments()
    }
    translated = rebuild_source(article, localize(article, "de", catalog))
    assert translated.startswith("Nimm \\*stars\\* &amp; more &#8217; here.")
    assert RENDERER.render(translated) == RENDERER.render(source).replace("Use", "Nimm")


def test_atoms() -> None:
    source = "Run `make` on <https://x.org> with <b>bold</b> HTML, then  \nrest ![](e.png) end.\n"
    [block] = parse(source).blocks
    atoms = [p.original for p in _pieces(block) if isinstance(p, Markup) and p.role == "atom"]
    # an image without alt text is an empty pair: one atom, never a hollow <1></1>
    assert atoms == ["`make`", "<https://x.org>", "<b>", "</b>", "  \n", "![](e.png)"]


def _pieces(block: Block) -> list[Markup | Text]:
    return [Markup("atom", v) if k.endswith("/>") else Text(v) for k, v in _legend(block)]


def _legend(block: Block) -> list[tuple[str, str]]:
    return [item for segment in block.segments for item in segment.placeholders]


def test_shortcut_and_collapsed_reference_text_is_translatable() -> None:
    """Their text is the label: a translation closes them as a full reference."""
    source = (
        "See [Guide] and [the docs][] or [full text][Guide].\n\n"
        "Read the [Code of\nConduct] first.\n\n[guide]: /g\n[the docs]: /d\n[code of conduct]: /c\n"
    )
    article = parse(source)
    assert segment_sources(article) == [
        "See <1>Guide</1> and <2>the docs</2> or <3>full text</3>.",
        "Read the <1>Code of\nConduct</1> first.",
    ]
    assert rebuild(article) == source
    translated = rebuild(article, {
        article.blocks[0].segments[0].entry_id:
            "Siehe <1>Leitfaden</1>, <2>die Doku</2>, <3>Volltext</3>.",
        article.blocks[1].segments[0].entry_id: "Lies den <1>Verhaltenskodex</1>.",
    })  # fmt: skip
    assert translated.startswith(
        "Siehe [Leitfaden][Guide], [die Doku][the docs], [Volltext][Guide].\n\n"
        "Lies den [Verhaltenskodex][Code of Conduct].\n\n"
    )
    html = RENDERER.render(translated)
    assert '<a href="/g">Leitfaden</a>' in html and '<a href="/c">Verhaltenskodex</a>' in html
    assert '<a href="/d">die Doku</a>' in html and '<a href="/g">Volltext</a>' in html


def test_nested_list_levels_and_quote_in_list() -> None:
    article = parse("- one\n  - two\n    - three\n\n      > quoted\n")
    assert [(b.type, b.level) for b in article.blocks] == [
        (BlockType.LIST_ITEM, 1),
        (BlockType.LIST_ITEM, 2),
        (BlockType.LIST_ITEM, 3),
        (BlockType.QUOTE, 1),
    ]


def test_list_continuation_lines_share_the_indent() -> None:
    article = parse("1. first line\n   second line\n")
    [block] = article.blocks
    assert block.line_prefix == "   "
    assert masked(block) == "first line\nsecond line"
    assert_lossless(article)


def test_lazy_continuation_keeps_prefixes_as_atoms() -> None:
    source = "> a quoted line\ncontinued lazily\n> and quoted again\n"
    article = parse(source)
    [block] = article.blocks
    assert block.line_prefix == ""
    assert "> " in [v for _, v in _legend(block)]
    assert_lossless(article)


def test_table_in_a_quote_with_escaped_pipes() -> None:
    source = "> | a \\| b | `c\\|d` |\n> |---|---|\n> | *e* | f |\n"
    article = parse(source)
    cells = [span_text(article, b) for b in only(article, BlockType.TABLE_CELL)]
    assert cells == ["a \\| b", "*e*", "f"]  # the code-only cell has no words
    assert_lossless(article)


def test_front_matter_keys_and_quotes() -> None:
    source = (
        "---\ntitle: 'It''s here'\nsubtitle: plain text # a comment\n"
        "description: |\n  Line one\n\n  Line two\nlayout: post\n---\nBody.\n"
    )
    article = parse(source)
    values = {b.attr["key"]: span_text(article, b) for b in only(article, BlockType.ATTRIBUTE)}
    assert values == {
        "title": "It''s here",
        "subtitle": "plain text",
        "description": "Line one\n\n  Line two",
    }
    assert article.title == "It's here"
    assert rebuild(article) == source


def test_crlf_and_nul() -> None:
    source = "# Title\r\n\r\n> quoted\r\n> text\x00 here\r\n\r\n- item\r\n  more\r\n"
    article = parse(source)
    assert [b.type for b in article.blocks] == [
        BlockType.TITLE,
        BlockType.QUOTE,
        BlockType.LIST_ITEM,
    ]
    assert article.blocks[1].line_prefix == "> "
    assert rebuild(article) == source


def test_tabs_in_containers() -> None:
    source = ">\tquoted with a tab\n>\tand another\n\n-\titem\n\tcontinued\n"
    article = parse(source)
    assert [b.type for b in article.blocks] == [BlockType.QUOTE, BlockType.LIST_ITEM]
    assert_lossless(article)


def test_untranslated_constructs_make_no_blocks() -> None:
    source = (
        "Intro text.\n\n```\nfenced code\n```\n\n    indented code\n\n<div>\nhtml block\n</div>\n\n"
        "***\n\n[ref]: https://example.com 'Title'\n"
    )
    article = parse(source)
    assert [span_text(article, b) for b in article.blocks] == ["Intro text."]


def test_unmappable_block_falls_back_to_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_inline, "_scan", lambda content, tokens: None)
    article = parse("> Some *text* and\n> a [link](http://x.y).\n")
    [block] = article.blocks
    assert block.line_prefix == "> "
    assert masked(block) == "Some *text* and\na [link](<1/>)."  # only the URL is protected
    assert rebuild(article) == article.source


@pytest.mark.parametrize(
    "source", ["", "   \n\n", "```\nonly code\n```\n", "---\nauthor: x\n---\n", "> " * 30 + "deep"]
)
def test_no_translatable_text_is_an_article_error(source: str) -> None:
    with pytest.raises(ArticleError, match="no translatable text"):
        parse(source)


def test_deep_nesting_does_not_crash() -> None:
    for source in ("[" * 5000 + "a" + "]" * 5000, "*" * 5000 + "a" + "*" * 5000, "![" * 500 + "a"):
        assert rebuild(parse(source)) == source


# --- properties ---------------------------------------------------------------------

words = st.sampled_from(["alpha", "beta", "Gamma", "delta", "it's", "x2", "e.g.", "ok.", "Dr."])
inlines = st.one_of(
    words,
    words.map(lambda w: f"*{w}*"),
    words.map(lambda w: f"**{w} {w}**"),
    words.map(lambda w: f"_{w}_"),
    words.map(lambda w: f"~~{w}~~"),
    words.map(lambda w: f"`{w}()`"),
    words.map(lambda w: f'[{w} link](https://example.com/{w} "t")'),
    words.map(lambda w: f"[{w}][ref]"),
    words.map(lambda w: f"[{w}]"),
    words.map(lambda w: f"![{w} picture](img/{w}.png)"),
    st.just("<https://auto.example/x>"),
    st.just("\\*"),
    st.just("&amp;"),
    st.just("&#169;"),
    words.map(lambda w: f"<span>{w}</span>"),
    st.just("1.5"),
)
lines = st.lists(inlines, min_size=1, max_size=6).map(" ".join)
paragraphs = st.lists(
    st.tuples(lines, st.sampled_from(["\n", "  \n", "\\\n", " \n"])), min_size=1, max_size=3
).map(lambda rows: "".join(text + end for text, end in rows).rstrip("\\ \n") + ".")


def _indent(block: str, first: str, rest: str) -> str:
    head, *tail = block.split("\n")
    return "\n".join([first + head, *(rest + line if line else line for line in tail)])


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["para", "heading", "setext", "code", "table"] + (
        ["list", "quote"] if depth < 3 else []
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + draw(lines)
    if kind == "setext":
        return draw(lines) + "\n" + draw(st.sampled_from(["===", "---"]))
    if kind == "code":
        return "```\n" + draw(lines) + "\n```"
    if kind == "table":
        cells = draw(st.lists(lines, min_size=2, max_size=4))
        width = min(len(cells), 2)
        return "| a | b |\n|---|:-:|\n" + "\n".join(
            "| " + " | ".join(cells[i : i + width]) + " |" for i in range(0, len(cells), width)
        )
    if kind == "list":
        marker = draw(st.sampled_from(["- ", "* ", "1. "]))
        items = draw(st.lists(blocks(depth + 1), min_size=1, max_size=3))
        return "\n".join(_indent(item, marker, " " * len(marker)) for item in items)
    if kind == "quote":
        inner = draw(blocks(depth + 1))
        lazy = draw(st.booleans()) and inner.count("\n") > 0
        return _indent(inner, "> ", "" if lazy else "> ")
    return draw(paragraphs)


documents = st.lists(blocks(), min_size=1, max_size=5).map(
    lambda parts: "\n\n".join(parts) + "\n\n[ref]: https://example.com/ref\n"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_generated_documents_rebuild_and_render_the_same(source: str) -> None:
    try:
        article = parse(source)
    except ArticleError:
        return
    assert_lossless(article)
    assert RENDERER.render(rebuild(article)) == RENDERER.render(source)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*"ab *_`[]()!<>#-=|\\&;:\n\t\r\0", "> ", "1. ", "&amp;"])).map(
        "".join
    )
)
def test_any_text_parses_or_is_an_article_error(source: str) -> None:
    try:
        article = parse(source)
    except ArticleError:
        return
    assert rebuild(article) == source


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("[Ĥééĺĺöö [ŵööŕĺđ](https://x.example) ààñđ *ɱööŕéé*]", "[Ĥééĺĺöö ŵööŕĺđ ààñđ ɱööŕéé]"),
        ("Hello [world](https://x.example) and *more*", "Hello world and more"),
        ("Docs \\& `code` ![logo](l.png) a ] b", "Docs & code logo a ] b"),
    ],
)
def test_plain_title_keeps_text_brackets_and_drops_markup(text: str, plain: str) -> None:
    """The page title is what a reader sees: brackets that are text stay (pseudo text
    is wrapped in them), link and emphasis syntax goes."""
    assert markdown.FORMAT.plain(text) == plain

"""The format registry: lookups, detection order, registration rules, parse options.

What each format does is the contract's business (``test_contract.py``); this is
about finding the right one, and about the defaults a minimal format inherits.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from l10n_service.core.builder import build_article
from l10n_service.core.formats import (
    Format,
    detect_format,
    format_for,
    formats,
    get_format,
    names,
    names_phrase,
    parse_article,
    register,
    registered,
)
from l10n_service.core.inline import RawBlock, Text
from l10n_service.core.localize import localize
from l10n_service.core.model import Article, BlockType
from l10n_service.core.render import render_markdown
from l10n_service.errors import ArticleError
from tests.support.srt_format import SubRipFormat

SRT = (Path(__file__).parents[2] / "data" / "articles" / "briefing.srt").read_text("utf-8")


class OneLinePerSentence(Format):
    """The least a format can be: a name, an extension and ``parse``."""

    name = "lines"
    label = "one sentence per line"
    extensions = (".lines",)

    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        blocks, pos = [], 0
        for line in source.splitlines(keepends=True):
            text = line.rstrip("\r\n")
            if text.strip():
                blocks.append(RawBlock(BlockType.PARAGRAPH, (pos, pos + len(text)), (Text(text),)))
            pos += len(line)
        return build_article(slug=slug, fmt=self.name, source_lang=source_lang, source=source,
                             raw_blocks=blocks)  # fmt: skip


def test_builtins_in_detection_order() -> None:
    assert names()[:3] == ("md", "html", "text")
    assert names_phrase().startswith("md, html") and names_phrase().endswith(" or text")
    assert [f.extension for f in formats()[:3]] == [".md", ".html", ".txt"]
    assert sum(f.fallback for f in formats()) == 1


def test_unknown_name_is_one_clear_line() -> None:
    with pytest.raises(ArticleError, match=r"^unknown article format 'rst'; choose one of md, "):
        get_format("rst")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("post.MD", "<!DOCTYPE html><p>x</p>", "md"),  # the extension wins over content
        ("post.htm", "# Heading", "html"),
        ("notes.text", "# Heading", "text"),
        ("page.php", "<!DOCTYPE html><p>x</p>", "html"),  # unknown extension, known content
        ("README", "---\ntitle: x\n---\n", "md"),
        ("README", "Plain words.", "text"),  # nothing claims it: the fallback
    ],
)
def test_format_for(name: str, text: str, expected: str) -> None:
    assert format_for(name, text) is get_format(expected)
    assert detect_format(name, text) == expected


def test_unknown_extension_names_the_choices() -> None:
    with pytest.raises(ArticleError, match=r"^notes\.rst: unknown article format '\.rst'; use "
                       r"--format md, html or text$"):  # fmt: skip
        format_for("notes.rst", "Some text.")


def test_registered_format_is_found_and_goes_away() -> None:
    extra = SubRipFormat()
    assert "srt" not in names()
    with registered(extra):
        assert get_format("srt") is extra and names()[-1] == "srt"
        assert format_for("talk.SRT", "") is extra
        assert format_for("talk", SRT) is extra  # sniffed before the plain-text fallback
        assert format_for("talk.txt", SRT) is get_format("text")  # an extension still wins
        assert "srt" in names_phrase()
        article = parse_article(SRT, fmt="srt", slug="talk")
        assert article.format == "srt" and len(article.blocks) == 4
    assert "srt" not in names()
    with pytest.raises(ArticleError, match="unknown article format 'srt'"):
        parse_article(SRT, fmt="srt", slug="talk")


def test_a_taken_name_or_a_bad_extension_is_refused() -> None:
    class Impostor(OneLinePerSentence):
        name = "md"

    with pytest.raises(ValueError, match="'md' is already registered"):
        register(Impostor())
    register(get_format("md"))  # the same object again is harmless

    class NoDot(OneLinePerSentence):
        name = "nodot"
        extensions = ("nodot",)

    with pytest.raises(ValueError, match="extensions must look like"):
        register(NoDot())
    assert "nodot" not in names()


def test_a_minimal_format_gets_every_default() -> None:
    source = "The first sentence here.\n\nA second one, with <b>markup</b> typed.\n"
    with registered(OneLinePerSentence()) as fmt:
        article = parse_article(source, fmt="lines", slug="l")
        chosen = localize(article, "en", {})
        assert fmt.rebuild(article, chosen) == source
        assert "&lt;b&gt;markup" in fmt.render_body_html(article, chosen)
        assert render_markdown(article, chosen) == (
            "The first sentence here.\n\nA second one, with &lt;b>markup&lt;/b> typed.\n"
        )
        rows = fmt.explain(article, {})
        assert [(r.where, r.kind) for r in rows] == [("p1", "paragraph"), ("p2", "paragraph")]
        assert fmt.sanitize_translation("x", 'Ein <a href="javascript:x()">y</a>') == (
            'Ein <a href="x()">y</a>'  # plain text: only the script URL goes
        )


def test_an_empty_article_is_refused_even_if_the_parser_forgets() -> None:
    empty = pytest.raises(ArticleError, match=r"^e: the one sentence per line article has no ")
    with registered(OneLinePerSentence()), empty:
        parse_article("\n \n", fmt="lines", slug="e")


@pytest.mark.parametrize(
    ("fmt", "given", "read", "dumped"),
    [
        ("md", {"front_matter_keys": "title, tags"}, {"front_matter_keys": ("title", "tags")},
         {"front_matter_keys": ["title", "tags"]}),
        ("text", {"overrides": {"3": "heading"}}, {"overrides": {3: BlockType.HEADING}},
         {"overrides": {"3": "heading"}}),
        ("text", {"overrides": {3: BlockType.QUOTE}}, {"overrides": {3: BlockType.QUOTE}},
         {"overrides": {"3": "quote"}}),
    ],
)  # fmt: skip
def test_options_read_and_dump(
    fmt: str, given: dict[str, Any], read: dict[str, Any], dumped: dict[str, Any]
) -> None:
    form = get_format(fmt)
    assert form.read_options(given) == read
    assert form.dump_options(read) == dumped
    assert form.read_options(dumped) == read  # settings come back as they were


@pytest.mark.parametrize(
    ("fmt", "given", "message"),
    [
        ("md", {"overrides": {1: "title"}},
         "the md format (Markdown) has no parse option 'overrides'; it takes: front_matter_keys"),
        ("html", {"front_matter_keys": ["title"]},
         "the html format (HTML) has no parse option 'front_matter_keys'; it takes: "
         "include_chrome"),
        ("text", {"overrides": {"x": "heading"}}, "bad block override: invalid literal"),
        ("text", {"overrides": {2: "banner"}}, "bad block override: 'banner' is not a valid"),
        ("text", {"overrides": ["2=heading"]}, "bad block override: expected LINE=TYPE"),
        ("md", {"front_matter_keys": [1, 2]}, "md option front_matter_keys: expected key names"),
    ],
)  # fmt: skip
def test_bad_options_are_one_clear_line(fmt: str, given: dict[str, Any], message: str) -> None:
    with pytest.raises(ArticleError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        get_format(fmt).read_options(given)

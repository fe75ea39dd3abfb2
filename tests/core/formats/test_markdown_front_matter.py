"""Markdown front matter (YAML ``---``, TOML ``+++``, JSON ``{}``): translated values
are written by the syntax's own rules, so every rebuilt ``article.md`` parses with the
source's keys and types, whatever the translator typed."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l10n_service.core.formats import parse_article
from l10n_service.core.formats.markdown.front_matter import find_region
from l10n_service.core.localize import CatalogText, localize, rebuild_source
from l10n_service.core.model import Article, BlockType, SegmentState
from l10n_service.core.tokens import restore

SOURCES = {
    "yaml": (
        "---\ntitle: Hello world\ndescription: 'It''s here' # kept\nsummary: >\n"
        "  A look back,\n  and more.\nsubtitle: |\n  Line one\n\n  Line two\n"
        "draft: true\ntags: [a, b]\nweight: 3\n---\n\n# Hello world\n\nBody text here.\n"
    ),
    "toml": (
        "+++\ntitle = 'My First Post'\ndate = 2024-01-14T07:07:07+01:00\ndraft = true\n"
        'description = "A short text"\nsummary = """\nTwo lines\nof text"""\n'
        "[params]\nsubtitle = 'not top level'\n+++\n\nBody text here.\n"
    ),
    "json": (
        '{\n  "title": "Hello world",\n  "draft": false,\n  "tags": ["x"],\n'
        '  "description": "Some text"\n}\n\nBody text here.\n'
    ),
}
# What the Markdown sanitiser escapes (a ``[`` could make a link) is not Markdown in
# front matter: the value is written unescaped.
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
HOSTILE = [
    "Hallo Welt: der erste Beitrag #1",
    "[Ĥéĺĺö]",
    "Titel\nlayout: evil\npermalink: /admin/\ndraft: false",
    "---",
    "+++",
    "Titel\n---\nlayout: evil",
    "Titel\n+++\ndraft = false",
    "\"zitiert\" und 'halb'",
    "back\\slash \\n \\u0041",
    "}\n{",
    "yes",
    "12",
    "null",
    "&anchor *alias !tag | > % @ `",
    " leading and trailing ",
    "tab\there\u2028line\x85next\x00nul",
]


def _front(syntax: str, text: str) -> dict[str, Any]:
    """The front matter of ``text`` parsed by its syntax's own library."""
    region = find_region(text)
    assert region is not None and region.syntax == syntax
    body = text[region.body[0] : region.body[1]]
    if syntax == "yaml":
        data = yaml.safe_load(body)
    elif syntax == "toml":
        data = tomllib.loads(body)
    else:
        data = json.loads(body)
    assert isinstance(data, dict)
    return data


def _translate(article: Article, msgstr: str) -> tuple[str, dict[str, str]]:
    """Every entry translated as ``msgstr``; the rebuilt article and, per front matter
    key, the text that was chosen for it (after the format's sanitising)."""
    catalog = {s.entry_id: CatalogText(msgstr, SegmentState.TRANSLATED) for s in
               article.unique_segments()}  # fmt: skip
    chosen = localize(article, "de", catalog)
    values = {}
    for block in article.blocks:
        if block.type is BlockType.ATTRIBUTE:
            [segment] = block.segments
            text = restore(chosen[segment.entry_id].masked, segment.legend)
            values[block.attr["key"]] = _MD_ESCAPE.sub(r"\1", text)
    return rebuild_source(article, chosen), values


@pytest.mark.parametrize("syntax", SOURCES)
def test_source_rebuilds_byte_for_byte(syntax: str) -> None:
    article = parse_article(SOURCES[syntax], fmt="md", slug="fm")
    assert rebuild_source(article, localize(article, "en", {})) == SOURCES[syntax]


def test_translatable_values_are_top_level_strings_only() -> None:
    keys = {
        syntax: sorted(
            b.attr["key"]
            for b in parse_article(source, fmt="md", slug="fm").blocks
            if b.type is BlockType.ATTRIBUTE
        )
        for syntax, source in SOURCES.items()
    }
    assert keys == {
        "yaml": ["description", "subtitle", "summary", "title"],
        "toml": ["description", "summary", "title"],  # not [params].subtitle
        "json": ["description", "title"],
    }


def test_title_and_date_from_toml_and_json() -> None:
    toml = parse_article(SOURCES["toml"], fmt="md", slug="fm")
    assert (toml.title, toml.published) == ("My First Post", "2024-01-14T07:07:07+01:00")
    assert parse_article(SOURCES["json"], fmt="md", slug="fm").title == "Hello world"


def test_a_value_that_is_not_a_string_is_never_offered() -> None:
    """``title: yes`` is a boolean in YAML: translating it would change its type."""
    article = parse_article("---\ntitle: yes\nsummary: 2024\n---\n\nBody.\n", fmt="md", slug="b")
    assert [b.type for b in article.blocks] == [BlockType.PARAGRAPH]


@pytest.mark.parametrize("msgstr", HOSTILE)
@pytest.mark.parametrize("syntax", SOURCES)
def test_hostile_translation_keeps_keys_and_types(syntax: str, msgstr: str) -> None:
    article = parse_article(SOURCES[syntax], fmt="md", slug="fm")
    source = _front(syntax, SOURCES[syntax])
    rebuilt, values = _translate(article, msgstr)
    front = _front(syntax, rebuilt)
    assert list(front) == list(source)
    assert {k: type(v) for k, v in front.items()} == {k: type(v) for k, v in source.items()}
    for key, value in values.items():
        assert front[key].split() == value.split()  # folded styles join lines
    assert front["description"] == values["description"]  # quoted: exactly the text
    for key in source.keys() - values.keys():
        assert front[key] == source[key]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msgstr=st.text(max_size=40), syntax=st.sampled_from(sorted(SOURCES)))
def test_any_translation_keeps_front_matter_parseable(msgstr: str, syntax: str) -> None:
    """Property: for every msgstr the front matter parses with the same keys and types,
    and each single-line value reads back as exactly the text chosen for it."""
    article = parse_article(SOURCES[syntax], fmt="md", slug="fm")
    source = _front(syntax, SOURCES[syntax])
    rebuilt, values = _translate(article, msgstr)
    front = _front(syntax, rebuilt)
    assert {k: type(v) for k, v in front.items()} == {k: type(v) for k, v in source.items()}
    assert list(front) == list(source)
    assert front["description"] == values["description"]
    title = values["title"]
    if syntax == "yaml":  # a plain scalar: YAML folds a single line break into a space
        title = re.sub(r"\n(\n*)", lambda m: m.group(1) or " ", title)
    assert front["title"] == title


DATA = Path(__file__).parents[2] / "data"
WITH_FRONT_MATTER = [
    path
    for path in (
        *sorted((DATA / "realworld" / "md").glob("*.md")),
        DATA / "articles" / "blog-post.md",
    )
    if find_region(path.read_text("utf-8")) is not None
]


@pytest.mark.parametrize("msgstr", ["Hallo Welt: der erste Beitrag #1", "[Ĥéĺĺö]", "a\n---\nb: c"])
@pytest.mark.parametrize("path", WITH_FRONT_MATTER, ids=lambda p: p.name)
def test_vendored_front_matter_survives_hostile_translation(path: Path, msgstr: str) -> None:
    source = path.read_text("utf-8")
    article = parse_article(source, fmt="md", slug="fm")
    assert rebuild_source(article, localize(article, "en", {})) == source
    syntax = find_region(source).syntax  # type: ignore[union-attr]
    before, (rebuilt, values) = _front(syntax, source), _translate(article, msgstr)
    after = _front(syntax, rebuilt)
    assert list(after) == list(before)
    assert {k: type(v) for k, v in after.items()} == {k: type(v) for k, v in before.items()}
    assert all(after[key].split() == value.split() for key, value in values.items())


def test_vendored_documents_with_front_matter_exist() -> None:
    assert {p.name for p in WITH_FRONT_MATTER} >= {"systemd--TRANSLATORS.md", "blog-post.md"}


@pytest.mark.parametrize(
    "source",
    [
        "---\r\ntitle: Hello world\r\ndraft: true\r\n---\r\n\r\nBody text.\r\n",
        "+++\r\ntitle = 'Hello world'\r\ndraft = true\r\n+++\r\n\r\nBody text.\r\n",
    ],
    ids=["yaml", "toml"],
)
def test_crlf_front_matter(source: str) -> None:
    article = parse_article(source, fmt="md", slug="crlf")
    assert [b.attr.get("key") for b in article.blocks] == ["title", None]
    assert rebuild_source(article, localize(article, "en", {})) == source
    syntax = "yaml" if source.startswith("-") else "toml"
    rebuilt, _ = _translate(article, "Titel\n---\ndraft: false")
    assert _front(syntax, rebuilt.replace("\r\n", "\n"))["draft"] is True

"""Real-world documents through the parsers: lossless both ways, nothing untranslatable leaks.

The hand-written fixtures in this folder test constructs one at a time; documents
that people actually wrote (READMEs, changelogs, docs pages, Sphinx HTML, converter
test suites, non-Latin scripts) combine them in ways nobody thinks to write down.
``tests/data/realworld/LICENSES.md`` says where each file comes from.

For every file:

* **identity**: the source language rebuilds the original byte for byte;
* **translation keeps structure**: a fake translation (letters upper-cased, placeholders,
  entities and escapes left alone) fed through the catalog path
  (:func:`~l10n_service.core.localize.localize` with ``TRANSLATED`` entries, so
  sanitising runs too) renders to the same HTML (Markdown) or the same DOM (HTML),
  case aside, and code, ``<pre>``, ``<script>`` and ``<style>`` do not change at all;
* **segments**: every segment's placeholders are balanced and come with a legend, and
  no block overlaps a code block, an HTML block, ``<pre>``, ``<script>``, ``<style>``
  or ``<textarea>``.

Known parser bugs are listed in ``KNOWN_BUGS`` as strict xfails, so the suite stays
green, the bug stays recorded, and the fix turns the xfail into a failure to clean up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from l10n_service.core.formats import decode_article, detect_format, parse_article
from l10n_service.core.localize import CatalogText, localize, rebuild_source
from l10n_service.core.model import Article, SegmentState
from l10n_service.core.tokens import TOKEN_RE, tokens_in

DATA = Path(__file__).parents[2] / "data" / "realworld"
SAMPLE = Path(__file__).parents[3] / "examples" / "articles" / "pyongyang-marathon.txt"
MD_FILES = sorted((DATA / "md").glob("*.md"))
HTML_FILES = sorted((DATA / "html").glob("*.html"))
TEXT_FILES = sorted((DATA / "text").glob("*.txt"))
RENDERER = MarkdownIt("commonmark").enable("table")

# (check, file name) -> why it fails, for a vendored document a parser gets wrong: a
# strict xfail, with a minimal reproduction among the known-bug tests further down.
# Empty today: every document passes every check.
KNOWN_BUGS: dict[tuple[str, str], str] = {}

# What a translator leaves alone (group 1): placeholders, character references and
# Markdown backslash escapes. Everything else that is a run of letters is "translated".
_KEEP_OR_WORD = re.compile(r"(</?\d+/?>|&#?\w+;|\\.)|[^\W\d_]+")
# Elements whose text is never translated: their content must come back unchanged.
_VERBATIM_TAGS = frozenset({"script", "style", "pre", "textarea", "code", "kbd", "samp", "tt"})
# Attributes the HTML parser offers for translation; all others must not change at all.
_TRANSLATED_ATTRS = frozenset({"alt", "title", "content"})
# Source regions of an HTML document that no block may overlap. Comments are matched
# (and ignored) so that a commented-out "<pre>" cannot open a bogus region.
_HTML_RAW = re.compile(
    r"<!--.*?-->|<(script|style|pre|textarea)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")


def _params(check: str, files: Sequence[Path]) -> list[Any]:
    """One param per file, a strict xfail where ``KNOWN_BUGS`` records a bug."""
    params = []
    for path in files:
        reason = KNOWN_BUGS.get((check, path.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path, id=path.name, marks=marks))
    return params


@cache
def _article(path: Path) -> Article:
    """Decoded, format-detected and parsed exactly as ``l10n add`` would (cached: several
    tests look at each document, and the biggest take a second to parse)."""
    text = decode_article(path.read_bytes(), path.name)
    return parse_article(text, fmt=detect_format(path.name, text), slug=path.stem)


def shout(masked: str) -> str:
    """A fake translation: every word upper-cased, what a translator keeps left alone."""
    return _KEEP_OR_WORD.sub(lambda m: m.group() if m.group(1) else m.group().upper(), masked)


def translated(article: Article, fake: Callable[[str], str] = shout) -> str:
    """The article rebuilt in a pretend language where every entry is TRANSLATED."""
    catalog = {
        s.entry_id: CatalogText(fake(s.source), SegmentState.TRANSLATED)
        for s in article.unique_segments()
    }
    chosen = localize(article, "xx", catalog)
    fallbacks = {c.segment.source: c.reason for c in chosen.values() if c.state != "translated"}
    assert not fallbacks, f"translations refused: {fallbacks}"
    return rebuild_source(article, chosen)


# --------------------------------------------------------------------------- all formats


def _check_identity(path: Path) -> None:
    article = _article(path)
    assert rebuild_source(article, localize(article, article.source_lang, {})) == (
        path.read_bytes().decode("utf-8")
    )


def _check_segments(path: Path, raw_regions: Sequence[tuple[int, int]]) -> None:
    """Placeholders balanced and legended; block spans disjoint and clear of raw regions."""
    article = _article(path)
    for block, segment in article.segments():
        tokens = tokens_in(segment.source)
        assert set(tokens) == set(segment.legend), (block.id, segment.source)
        assert len(tokens) == len(set(tokens)), (block.id, segment.source)
        stack: list[str] = []
        for token in tokens:
            if token.endswith("/>"):
                continue
            if token.startswith("</"):
                assert stack and stack.pop() == token[2:-1], (block.id, segment.source)
            else:
                stack.append(token[1:-1])
        assert not stack, (block.id, segment.source)
    spans = sorted(b.span for b in article.blocks)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "block spans overlap"
    text = article.source
    for start, end in spans:
        for lo, hi in raw_regions:
            assert end <= lo or start >= hi, (
                f"block {text[start:end][:80]!r} overlaps code/raw region {text[lo:hi][:80]!r}"
            )


# --------------------------------------------------------------------------- Markdown


def _md_raw_regions(source: str) -> list[tuple[int, int]]:
    """Whole lines of fenced and indented code blocks and HTML blocks."""
    starts = [0] + [m.end() for m in _NEWLINE.finditer(source)]
    starts.append(len(source))
    regions = []
    for token in RENDERER.parse(source):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            first, last = token.map
            regions.append((starts[first], starts[min(last, len(starts) - 1)]))
    return regions


@pytest.mark.parametrize("path", _params("identity", MD_FILES))
def test_markdown_rebuilds_byte_for_byte(path: Path) -> None:
    assert detect_format(path.name, "") == "md"
    _check_identity(path)


@pytest.mark.parametrize("path", _params("render", MD_FILES))
def test_markdown_translation_renders_the_same(path: Path) -> None:
    article = _article(path)
    assert article.blocks
    rebuilt, original = RENDERER.render(translated(article)), RENDERER.render(article.source)
    assert rebuilt.casefold() == original.casefold()
    # Stricter: link targets, image sources and code must not even change case.
    assert _dom(rebuilt) == _dom(original)


@pytest.mark.parametrize("path", _params("segments", MD_FILES))
def test_markdown_segments_are_clean(path: Path) -> None:
    _check_segments(path, _md_raw_regions(_article(path).source))


# --------------------------------------------------------------------------- HTML


def _fold(text: str | None, exact: bool) -> str:
    """Translated text compared case aside, and spacing aside: a translation is laid
    out anew (a source line break inside a sentence becomes a space)."""
    return (text or "") if exact else _SPACES.sub(" ", text or "").casefold()


def _dom(source: str) -> list[tuple[object, ...]]:
    """Every node of the lxml DOM in document order: tag, attributes, text and tail,
    case-folded except where nothing may be translated."""
    parser = lxml_html.HTMLParser(encoding="utf-8")
    root = lxml_html.document_fromstring(source.encode("utf-8"), parser=parser)
    out: list[tuple[object, ...]] = []
    for node in root.iter():
        verbatim_inside = any(a.tag in _VERBATIM_TAGS for a in node.iterancestors())
        verbatim = verbatim_inside or node.tag in _VERBATIM_TAGS
        if not isinstance(node.tag, str):  # comment or processing instruction
            out.append(
                ("#" + type(node).__name__, node.text or "", _fold(node.tail, verbatim_inside))
            )
            continue
        attrs = tuple(
            sorted(
                (name, _fold(value, name not in _TRANSLATED_ATTRS))
                for name, value in node.attrib.items()
            )
        )
        out.append((node.tag, attrs, _fold(node.text, verbatim), _fold(node.tail, verbatim_inside)))
    return out


def _html_raw_regions(source: str) -> list[tuple[int, int]]:
    return [m.span() for m in _HTML_RAW.finditer(source) if m.group(1)]


@pytest.mark.parametrize("path", _params("identity", HTML_FILES))
def test_html_rebuilds_byte_for_byte(path: Path) -> None:
    assert detect_format(path.name, "") == "html"
    _check_identity(path)


@pytest.mark.parametrize("path", _params("render", HTML_FILES))
def test_html_translation_keeps_the_dom(path: Path) -> None:
    article = _article(path)
    assert article.blocks
    assert _dom(translated(article)) == _dom(article.source)


@pytest.mark.parametrize("path", _params("segments", HTML_FILES))
def test_html_segments_are_clean(path: Path) -> None:
    _check_segments(path, _html_raw_regions(_article(path).source))


# --------------------------------------------------------------------------- former bugs
# Minimal reproductions of what the corpus turned up (strict xfails until fixed).


@pytest.mark.parametrize(
    ("fmt", "source"),
    [("md", "Write &amp;copy; for the sign.\n"), ("html", "<p>Write &amp;copy; for the sign.</p>")],
)
def test_copied_translation_keeps_escaped_entities(fmt: str, source: str) -> None:
    """A translator who copies the source (names, code words) must not change the page."""
    article = parse_article(source, fmt=fmt, slug="entities")
    rebuilt = translated(article, lambda masked: masked)
    if fmt == "md":
        assert RENDERER.render(rebuilt) == RENDERER.render(source)
    else:
        assert _dom(rebuilt) == _dom(source)


@pytest.mark.parametrize(
    ("fmt", "source"),
    [
        ("html", '<h2>What is Python?<a class="headerlink" href="#what">¶</a></h2>'),
        ("md", "* Fix the parser. (#1234)\n"),
        ("md", "No, but it helps.  :)\n"),
        ("text", "A title\nIs it? 42.\n"),
    ],
    ids=["permalink", "pr-number", "smiley", "number"],
)
def test_every_segment_has_words(fmt: str, source: str) -> None:
    article = parse_article(source, fmt=fmt, slug="words")
    for _, segment in article.segments():
        assert any(c.isalpha() for c in TOKEN_RE.sub("", segment.source)), segment.source


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("path", _params("identity", TEXT_FILES))
def test_text_rebuilds_byte_for_byte(path: Path) -> None:
    assert detect_format(path.name, "") == "text"
    _check_identity(path)


@pytest.mark.parametrize("path", _params("render", TEXT_FILES))
def test_text_translation_changes_only_letters_and_line_breaks(path: Path) -> None:
    """Re-wrapped, so only the words must survive: letters up to case, every URL."""
    article = _article(path)
    rebuilt = translated(article)
    assert rebuilt != article.source
    assert "".join(rebuilt.split()).casefold() == "".join(article.source.split()).casefold()


@pytest.mark.parametrize("path", _params("segments", TEXT_FILES))
def test_text_segments_are_clean(path: Path) -> None:
    _check_segments(path, [])
    for _, segment in _article(path).segments():
        assert "\n" not in segment.source, segment.source


def test_sample_text_article_rebuilds_byte_for_byte() -> None:
    _check_identity(SAMPLE)


def test_sample_text_article_translation_changes_only_letters() -> None:
    """Plain text needs no sanitising: upper-casing every entry must touch case only."""
    article = _article(SAMPLE)
    rebuilt = translated(article)
    assert rebuilt != article.source
    assert rebuilt.casefold() == article.source.casefold()


def test_sample_text_segments_are_clean() -> None:
    _check_segments(SAMPLE, [])


def test_corpus_is_big_enough() -> None:
    """The issue asks for at least 20 Markdown and 10 HTML real-world documents."""
    assert len(MD_FILES) >= 20
    assert len(HTML_FILES) >= 10
    assert len(TEXT_FILES) >= 1
    assert all(path.stat().st_size < 200_000 for path in (*MD_FILES, *HTML_FILES, *TEXT_FILES))
    licenses = (DATA / "LICENSES.md").read_text("utf-8")
    missing = [p.name for p in (*MD_FILES, *HTML_FILES, *TEXT_FILES) if p.name not in licenses]
    assert not missing, f"not in LICENSES.md: {missing}"

"""Hard-wrapped plain text: lines joined into paragraphs, the source's breaks restored,
translations re-wrapped (:mod:`l10n_service.core.formats.text.wrap`)."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from l10n_service.core.chosen import LocalizedSegment
from l10n_service.core.formats import get_format
from l10n_service.core.formats.text import classify, parse
from l10n_service.core.formats.text.lines import scan
from l10n_service.core.formats.text.wrap import WRAP_MAX, WRAP_MIN, wrap_width
from l10n_service.core.model import Article, BlockType
from l10n_service.core.tokens import restore
from tests.core.formats.support import rebuild

FAQ = Path(__file__).parents[2] / "data" / "realworld" / "text"
FAQ = FAQ / "debian-faq--debian-faq.en.txt-ch1.txt"
SAMPLE = Path(__file__).parents[3] / "examples" / "articles" / "pyongyang-marathon.txt"
TEXT = get_format("text")

WIRE = """\
Storm closes harbour

   HAMBURG (dpa) - A storm with gusts of up to 120 kilometres an hour
closed the port of Hamburg on Tuesday, the harbour authority said. Ships
were told to stay at anchor in the Elbe estuary until the wind drops.
   The authority expected traffic to resume on Wednesday morning, a
spokeswoman told reporters at the harbour office.
   Forecasters warned of more storms along the whole of the North Sea
coast later in the week.
"""


def sources(article: Article) -> list[str]:
    return [segment.source for _, segment in article.segments()]


def translated(article: Article, mark: str = "X") -> str:
    """Every segment "translated" into longer upper-case text, placeholders kept."""
    chosen = {
        s.entry_id: LocalizedSegment(
            s, re.sub(r"[a-z]+", lambda m: m.group().upper() + mark, s.source), "translated"
        )
        for s in article.unique_segments()
    }
    return TEXT.rebuild(article, chosen)


@pytest.fixture(scope="module")
def faq() -> Article:
    return parse(FAQ.read_text("utf-8"), slug="faq")


# --- the Debian FAQ in text --------------------------------------------------------


def test_faq_is_hard_wrapped() -> None:
    assert wrap_width(scan(FAQ.read_text("utf-8"))) == 69


def test_faq_wrapped_lines_are_one_paragraph(faq: Article) -> None:
    assert "The Hurd is a set of servers running on top of the GNU Mach microkernel." in (
        sources(faq)
    )
    assert "This document answers questions frequently asked about Debian GNU/Linux." in (
        sources(faq)
    )
    for source in sources(faq):
        assert "\n" not in source and "  " not in source, source
        # no fragment of a wrapped line: every segment reads as a sentence or a title
        words = re.sub(r"<\d+/>", "N", source).split()
        assert len(words) >= 2 or source in {"Abstract"}, source


def test_faq_urls_cut_at_line_ends_are_whole_again(faq: Article) -> None:
    urls = {value for _, s in faq.segments() for value in s.legend.values()}
    assert {
        "https://www.debian.org/distrib/ftplist",  # "(https:" + "//www.debian.org/..."
        "https://www.debian.org/ports/#nonlinux",  # "(https://" + "www.debian.org/..."
        "https://www.gnu.org/software/hurd",  # "(https://www.gnu.org" + "/software/hurd)"
    } <= urls


def test_faq_structure(faq: Article) -> None:
    kinds = {(b.type, s.source) for b in faq.blocks for s in b.segments[:1]}
    assert (BlockType.TITLE, "The Debian GNU/Linux FAQ") in kinds
    assert (BlockType.HEADING, "Table of Contents") in kinds
    assert (BlockType.QUESTION, "<1/>.\xa0What is this FAQ?") in kinds  # 1.1 (no-break space)
    items = [b for b in faq.blocks if b.type is BlockType.LIST_ITEM]
    assert len(items) == 5
    assert all(not b.text().startswith("*") for b in items)  # the bullet is structure


def test_faq_source_rebuilds_byte_for_byte(faq: Article) -> None:
    assert rebuild(faq) == faq.source


def test_faq_translation_is_rewrapped_at_the_source_width(faq: Article) -> None:
    out = translated(faq)
    lines = out.splitlines()
    for line in lines:
        assert len(line) <= 69 or " " not in line.strip(), line
    # continuation lines keep the source's indentation: 4 for paragraphs, 8 under a bullet
    start = lines.index("    INX SHORTX, LINUXX ISX THEX KERNELX OFX AX UNIXX-LIKEX OPERATINGX")
    # (the source indents that line with no-break spaces: kept as they are)
    assert lines[start + 1][4:].startswith("SYSTEMX.") and not lines[start + 1][:4].strip()
    bullet = next(i for i, line in enumerate(lines) if line.startswith("      * AX FILEX"))
    assert lines[bullet + 1].startswith("        ") and lines[bullet + 1][8] != " "
    # the words are all there, the URLs whole
    assert "".join(out.split()).casefold().replace("x", "") == "".join(
        faq.source.split()
    ).casefold().replace("x", "")
    assert "https://www.debian.org/distrib/ftplist" in out


# --- one rule at a time ---------------------------------------------------------------


def test_wire_copy_with_indented_paragraphs() -> None:
    article = parse(WIRE, slug="wire")
    paragraphs = [b for b in article.blocks if b.type is BlockType.PARAGRAPH]
    assert len(paragraphs) == 3
    assert paragraphs[0].segments[0].source.startswith("HAMBURG (dpa) - A storm with gusts")
    assert article.title == "Storm closes harbour"
    assert rebuild(article) == WIRE


def test_one_line_paragraphs_are_not_wrapped() -> None:
    """The sample article has a paragraph per line: read line by line as before."""
    source = SAMPLE.read_text("utf-8")
    assert wrap_width(scan(source)) is None
    assert all(info.reason.find("joined") < 0 for info in classify(source))


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        # the next word would have fitted: the author broke the line (a heading)
        ("Section heading\n" + "word " * 14 + "end.\n", False),
        # a list item starts
        ("x" * 60 + " text\n- item one\n", False),
        ("x" * 60 + " text\n1.2. numbered entry\n", False),
        # indented further than this line's text: a block of its own
        ("x" * 60 + " text\n        indented block\n", False),
        # a line without letters is never joined
        ("x" * 60 + " text\n" + "-" * 60 + "\n", False),
        ("x" * 60 + " text\nwrapped on\n", True),
    ],
    ids=["short-line", "bullet", "numbered", "indented", "rule", "wrapped"],
)
def test_join_rule(text: str, joined: bool) -> None:
    # a hard-wrapped context: two paragraphs wrapped at 66 columns around the case
    filler = textwrap.fill("lorem ipsum dolor sit amet " * 12, 66)
    source = f"Title\n\n{filler}\n\n{text}\n{filler}\n"
    assert wrap_width(scan(source)) is not None
    infos = {i.line: i for i in classify(source)}
    line = source[: source.index(text)].count("\n") + 1
    assert (infos[line + 1].reason == f"continues line {line}") is joined, infos[line + 1]


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [
        ("see the site (https://", "www.example.org/a) now.", "(https://www.example.org/a)"),
        ("see the site (https:", "//www.example.org/a) now.", "(https://www.example.org/a)"),
        ("see (https://www.example.org", "/path/to/a) now.", "(https://www.example.org/path/to/a)"),
        ("the Debian GNU", "/Hurd port is young.", "GNU/Hurd"),
        ("the Debian GNU/", "Linux system.", "GNU/Linux"),
        ("a well-", "known fact.", "well-known"),
        ("files are in", "/usr/share/doc for all.", "in /usr/share/doc"),
    ],
)
def test_cut_urls_and_words_are_rejoined(first: str, second: str, shown: str) -> None:
    pad = ("words " * 20)[: 68 - len(first)].rstrip() + " "  # a full line: 67-68 columns
    filler = textwrap.fill("lorem ipsum dolor sit amet " * 12, 70)
    source = f"Title\n\n{pad}{first}\n{second}\n\n{filler}\n"
    article = parse(source, slug="cut")
    plain = " ".join(restore(s.source, s.legend) for _, s in article.segments())
    assert shown in plain
    assert rebuild(article) == source


def test_override_starts_a_paragraph() -> None:
    filler = textwrap.fill("Lorem ipsum dolor sit amet. " * 12, 66)
    source = f"Title\n\n{filler}\n"
    kinds = [b.type for b in parse(source, slug="o").blocks]
    assert kinds == [BlockType.TITLE, BlockType.PARAGRAPH]
    article = parse(source, slug="o", overrides={5: BlockType.HEADING})
    kinds = [b.type for b in article.blocks]
    assert kinds == [BlockType.TITLE, BlockType.PARAGRAPH, BlockType.HEADING]
    lines = source.splitlines(keepends=True)
    assert article.blocks[2].span[0] == len("".join(lines[:4]))  # line 5 starts it


def test_explain_rows_name_the_joined_lines() -> None:
    article = TEXT.extract(WIRE, slug="wire")
    rows = TEXT.explain(article, {})
    assert [row.where for row in rows] == ["1", "3-5", "6-7", "8-9"]
    assert rows[1].why.startswith("running text; lines 3-5 joined: wrapped at")
    assert rows[1].text.startswith("HAMBURG (dpa) - A storm") and "\n" not in rows[1].text


def test_classify_still_has_one_row_per_line() -> None:
    infos = classify(WIRE)
    assert len(infos) == WIRE.count("\n")
    assert [i.kind for i in infos[2:5]] == ["paragraph"] * 3
    assert infos[3].reason == "continues line 3" and infos[3].text.startswith("closed the port")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_endings(newline: str) -> None:
    source = WIRE.replace("\n", newline)
    article = parse(source, slug="wire")
    assert len([b for b in article.blocks if b.type is BlockType.PARAGRAPH]) == 3
    assert rebuild(article) == source
    out = translated(article)
    assert "\n" not in out.replace("\r\n", "") if newline == "\r\n" else "\n" not in out


# --- the invariant on generated wrapped documents ------------------------------------

_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=40).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_PARAGRAPH, min_size=2, max_size=6),
    st.integers(WRAP_MIN + 5, WRAP_MAX - 5),
    st.sampled_from(["", "    ", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_wrapped_paragraphs_are_found_and_rebuild(
    paragraphs: list[str], width: int, indent: str, newline: str
) -> None:
    body = "\n\n".join(
        textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent) for p in paragraphs
    )
    source = ("Title\n\n" + body + "\n").replace("\n", newline)
    article = parse(source, slug="prop")
    assert rebuild(article) == source
    if wrap_width(scan(source)) is not None:
        joined = [" ".join(s.source for s in b.segments) for b in article.blocks[1:]]
        assert joined == paragraphs
    out = translated(article, mark="_")
    assert "".join(out.split()).replace("_", "").casefold() == "".join(source.split()).casefold()


# --- cost ----------------------------------------------------------------------------


def _wrapped(paragraphs: int) -> str:
    text = "The storm closed the harbour on Tuesday, the authority said. " * 5
    body = "\n\n".join(textwrap.fill(f"{n} {text}", 68) for n in range(paragraphs))
    return "Title\n\n" + body + "\n"


def _classify_cost(text: str, repeat: int) -> tuple[float, list[str]]:
    """CPU seconds to classify ``text`` (best of ``repeat``: the least disturbed run)."""
    best, kinds = float("inf"), []
    for _ in range(repeat):
        start = time.process_time()
        kinds = [info.kind for info in classify(text)]
        best = min(best, time.process_time() - start)
    return best, kinds


def test_joining_is_linear() -> None:
    """4x the paragraphs must cost about 4x (quadratic would be 16x); CPU time against
    a baseline in the same process."""
    small, _ = _classify_cost(_wrapped(1_000), repeat=3)
    big, kinds = _classify_cost(_wrapped(4_000), repeat=1)
    assert big < 10 * small, (small, big)
    assert kinds.count("paragraph") == 4_000 * 5  # every wrapped line found its paragraph

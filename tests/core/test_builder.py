from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from l10n_service.core.builder import (
    _pair_depths,
    _renumber,
    build_article,
    protect_pieces,
    split_segments,
)
from l10n_service.core.inline import Markup, Piece, RawBlock, Text
from l10n_service.core.model import BlockType
from l10n_service.core.placeholders import TOKEN_RE, mask
from tests.strategies import inline_pieces


def _article(*paragraphs: str):  # type: ignore[no-untyped-def]
    source = "\n\n".join(paragraphs)
    raw, pos = [], 0
    for text in paragraphs:
        raw.append(RawBlock(BlockType.PARAGRAPH, (pos, pos + len(text)), (Text(text),)))
        pos += len(text) + 2
    return build_article(slug="a", fmt="text", source_lang="en", source=source, raw_blocks=raw)


def test_sentences_split_with_abbreviations() -> None:
    split = split_segments(
        [Text("Dr. Sharma met U.S. officials. They agreed, e.g. on dates.")], "en"
    )
    assert split.sources == ["Dr. Sharma met U.S. officials.", "They agreed, e.g. on dates."]
    assert split.separators == ["", " ", ""]


def test_markup_spanning_sentences_keeps_them_together() -> None:
    pieces = [Markup("open", "**"), Text("One. Two."), Markup("close", "**"), Text(" Three.")]
    split = split_segments(pieces, "en")
    assert split.sources == ["<1>One. Two.</1>", "Three."]


def test_placeholders_are_renumbered_per_segment() -> None:
    pieces = [Text("In 2019 we ran. In 2025 we ran.")]
    from l10n_service.core.builder import protect_pieces

    split = split_segments(protect_pieces(pieces), "en")
    assert split.sources == ["In <1/> we ran.", "In <1/> we ran."]
    assert [d["<1/>"] for d in split.legends] == ["2019", "2025"]


def test_identical_sentences_share_one_entry() -> None:
    article = _article("Same here. Other.", "Same here.")
    first, second = article.blocks
    assert first.segments[0].entry_id == second.segments[0].entry_id
    assert len(article.unique_segments()) == 2


def test_ids_are_path_plus_content_hash() -> None:
    article = _article("Hello world.")
    entry = article.blocks[0].segments[0].entry_id
    assert entry.startswith("p1.s1:") and len(entry.split(":")[1]) == 6


def test_ids_survive_an_unrelated_edit() -> None:
    before = {s.source: s.entry_id for _, s in _article("Alpha one.", "Beta two.").segments()}
    after = {s.source: s.entry_id for _, s in _article("Alpha one.", "Beta two.").segments()}
    assert before == after


def test_blocks_without_words_are_not_translatable() -> None:
    article = _article("2019", "Words here.")
    assert [b.segments[0].source for b in article.blocks] == ["Words here."]


@given(inline_pieces())
@settings(max_examples=150, deadline=None)
def test_every_block_rebuilds_its_source(pieces: list) -> None:  # type: ignore[type-arg]
    source = "".join(p.original for p in pieces)
    raw = [RawBlock(BlockType.PARAGRAPH, (0, len(source)), tuple(pieces))]
    article = build_article(slug="a", fmt="md", source_lang="en", source=source, raw_blocks=raw)
    for block in article.blocks:
        assert block.text() == source
        assert all(not sep.strip() for sep in block.separators)


@st.composite
def _with_rewrites(draw: st.DrawFn) -> list[Piece]:
    """Inline pieces with a reference link (its close written otherwise in a
    translation) and an escaped character here and there."""
    pieces = list(draw(inline_pieces()))
    for label in ("Guide", "FAQ"):
        at = draw(st.integers(0, len(pieces)))
        link = [Markup("open", "["), Text(label), Markup("close", "]", "link", f"][{label}]")]
        pieces[at:at] = link if draw(st.booleans()) else [Text("&", source="\\&")]
    return pieces


@given(_with_rewrites())
@settings(max_examples=300, deadline=None)
def test_a_one_segment_block_is_what_renumbering_gives(pieces: list[Piece]) -> None:
    """A block that stays one segment skips renumbering (its tokens are numbered in
    order already): the same text, legend and rewrites, in the same order."""
    protected = protect_pieces(pieces)
    split = split_segments(protected, "en")
    if len(split.sources) != 1:
        return
    masked, legend, spans = mask(protected)
    alternates = {
        masked[start:end]: piece.translated
        for piece, (start, end) in zip(protected, spans, strict=True)
        if isinstance(piece, Markup) and piece.translated is not None
    }
    first, last = len(masked) - len(masked.lstrip()), len(masked.rstrip())
    source, local, rewrites = _renumber(masked[first:last], legend, alternates)
    assert split.sources == [source]
    assert split.legends is not None and list(split.legends[0].items()) == list(local.items())
    assert split.rewrites is not None and list(split.rewrites[0].items()) == list(rewrites.items())


def _depths(masked: str) -> list[int]:
    """Open pairs at every position, -1 inside a token, tabulated character by
    character: what the cut rule means."""
    depth: list[int] = []
    level = 0
    for at in range(len(masked) + 1):
        inside = any(m.start() < at < m.end() for m in TOKEN_RE.finditer(masked))
        depth.append(-1 if inside else level)
        for m in TOKEN_RE.finditer(masked):
            if m.end() == at + 1 and not m.group().endswith("/>"):
                level += -1 if m.group().startswith("</") else 1
    return depth


@given(inline_pieces())
@settings(max_examples=150, deadline=None)
def test_pair_depth_at_every_position(pieces: list[Piece]) -> None:
    masked = mask(protect_pieces(pieces))[0]
    depth_at = _pair_depths(masked)
    assert [depth_at(at) for at in range(len(masked) + 1)] == _depths(masked)

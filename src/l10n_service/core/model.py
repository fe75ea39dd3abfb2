"""The domain: an article is a tree of blocks, each block a run of sentence segments.

Blocks are the unit of document structure and review; segments are the unit of
translation and translation memory. Each block remembers the character span of its
translatable text in the original source, so a rebuild only splices new text into
the original and everything else (markup, whitespace, code) survives byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .tokens import restore

__all__ = [
    "Article",
    "Block",
    "BlockType",
    "Segment",
    "SegmentState",
    "respace",
]


class BlockType(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    QUESTION = "question"
    ANSWER = "answer"
    TURN = "turn"  # one speaker's turn in an interview; the speaker name is an attr
    TOC_ENTRY = "toc_entry"
    TABLE_CELL = "table_cell"
    ATTRIBUTE = "attribute"  # alt/title text, front matter values, meta description


class SegmentState(StrEnum):
    """Where the text shown for a segment came from, best first."""

    APPROVED = "approved"
    TRANSLATED = "translated"
    MACHINE = "machine"
    FUZZY = "fuzzy"
    UNTRANSLATED = "untranslated"
    SOURCE_FALLBACK = "source-fallback"


@dataclass(frozen=True)
class Segment:
    """One sentence (or a whole block when markup spans sentences).

    ``source`` is masked: inline markup and protected tokens appear as ``<1>..</1>``
    and ``<2/>``, numbered from 1 within the segment so that a sentence masks the same
    way wherever it appears; ``placeholders`` maps each token to the original text.
    ``entry_id`` is the msgctxt of the catalog entry that translates it: identical
    sentences in one article share the entry of their first occurrence.

    ``spacing`` is the layout whitespace translators do not see: ``(at, length,
    original)`` says that ``restore(source)[at:at + length]`` (one space, or nothing)
    stands for ``original`` in the article (a line break and indentation), so the
    source text rebuilds exactly; a translation keeps its own spacing.
    """

    path: str
    entry_id: str
    source: str
    placeholders: tuple[tuple[str, str], ...] = ()
    spacing: tuple[tuple[int, int, str], ...] = ()
    # Tokens written differently in a translation (``Markup.translated``).
    rewrites: tuple[tuple[str, str], ...] = ()
    # ``source`` as the source spells it, when that differs (``Text.source``: Markdown
    # escapes shown unescaped to translators); "" when it does not.
    spelled: str = ""

    @property
    def legend(self) -> dict[str, str]:
        return dict(self.placeholders)

    def legend_for(self, masked: str) -> dict[str, str]:
        """The legend that restores ``masked``: the source's own text, or a translation."""
        if not self.rewrites or masked == self.source:
            return self.legend
        return {**self.legend, **dict(self.rewrites)}


def respace(text: str, spacing: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with its layout whitespace put back (see :attr:`Segment.spacing`)."""
    if not spacing:  # most segments: nothing to put back
        return text
    parts: list[str] = []
    pos = 0
    for at, length, original in spacing:
        parts.append(text[pos:at])
        parts.append(original)
        pos = at + length
    parts.append(text[pos:])
    return "".join(parts)


@dataclass(frozen=True)
class Block:
    """A structural unit whose translatable text lies at ``span`` in the article source.

    ``separators`` has one more item than ``segments`` and holds only whitespace: the
    block's text is ``sep[0] + seg[0] + sep[1] + ... + seg[-1] + sep[-1]``, so the space
    between sentences is kept without being offered for translation.
    """

    id: str
    type: BlockType
    span: tuple[int, int]
    segments: tuple[Segment, ...]
    separators: tuple[str, ...]
    level: int = 0
    attrs: tuple[tuple[str, str], ...] = ()
    section: str = ""  # text of the heading this block sits under, for translator notes
    line_prefix: str = ""  # see RawBlock.line_prefix

    @property
    def attr(self) -> dict[str, str]:
        return dict(self.attrs)

    def text(self, texts: Mapping[str, str] | None = None) -> str:
        """The block's text in the source format, each segment replaced by
        ``texts[entry_id]`` (masked) when given, placeholders restored. A segment not
        in ``texts`` is the source as written (its layout whitespace put back); one
        in it, even unchanged, is the text as translators see it."""
        parts = [self.separators[0]]
        for segment, sep in zip(self.segments, self.separators[1:], strict=True):
            masked = texts.get(segment.entry_id) if texts else None
            if masked is None or masked == segment.source:
                if segment.spelled:  # Markdown escapes as the source wrote them
                    parts.append(restore(segment.spelled, segment.legend))
                elif masked is None:  # the source's own layout whitespace
                    source = segment.source
                    restored = restore(source, segment.legend) if "<" in source else source
                    parts.append(respace(restored, segment.spacing))
                else:
                    parts.append(restore(masked, segment.legend))
            else:
                parts.append(restore(masked, segment.legend_for(masked)))
            parts.append(sep)
        text = "".join(parts)
        return text.replace("\n", "\n" + self.line_prefix) if self.line_prefix else text


@dataclass(frozen=True)
class Article:
    """An extracted article: the untouched source plus the blocks found in it."""

    slug: str
    format: str  # a registered format's name ("md", "html", "text"...): core.formats
    source_lang: str
    source: str
    blocks: tuple[Block, ...]
    title: str = ""
    published: str | None = None  # ISO 8601 as found in the source
    metadata: tuple[tuple[str, str], ...] = field(default=())

    @property
    def meta(self) -> dict[str, str]:
        return dict(self.metadata)

    def segments(self) -> Iterator[tuple[Block, Segment]]:
        for block in self.blocks:
            for segment in block.segments:
                yield block, segment

    def unique_segments(self) -> list[Segment]:
        """One segment per catalog entry, in document order."""
        seen: set[str] = set()
        out: list[Segment] = []
        for _, segment in self.segments():
            if segment.entry_id not in seen:
                seen.add(segment.entry_id)
                out.append(segment)
        return out

"""Plain-text articles: the classified lines as raw blocks, then the article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ....errors import ArticleError
from ...builder import build_article
from ...inline import RawBlock, RawPiece, Space, Text
from ...model import Article, BlockType
from .classify import KEYWORDS, Decision, decide
from .lines import Line, scan

__all__ = ["parse"]


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    overrides: Mapping[int, BlockType] | None = None,
) -> Article:
    """Parse plain-text news copy into an :class:`Article`.

    ``overrides`` maps a 1-based line number to the block type it must have, for
    when a heuristic guessed wrong. Raises :class:`ArticleError` when no line holds
    anything to translate.
    """
    frame, units, decisions = decide(scan(source), overrides)
    blocks = [
        _raw_block(source, unit, d, d.span)
        for unit, d in zip(units, decisions, strict=True)
        if d.span is not None
    ]
    title = next((d.info.text.strip() for d in decisions if d.kind == BlockType.TITLE), "")
    article = build_article(
        slug=slug,
        fmt="text",
        source_lang=source_lang,
        source=source,
        raw_blocks=blocks,
        title=title,
        published=frame.published,
        metadata=_metadata(units, decisions),
    )
    if not article.blocks:
        raise ArticleError(
            f"{slug}: no translatable text: every line is blank, a dateline, keywords "
            "or has no letters"
        )
    return article


def _raw_block(source: str, unit: Line, decision: Decision, span: tuple[int, int]) -> RawBlock:
    start, end = span
    return RawBlock(
        type=BlockType(decision.kind),
        span=(start, end),
        pieces=tuple(_pieces(source, unit, start, end)),
        level=decision.info.level,
        attrs=decision.attrs,
    )


def _pieces(source: str, unit: Line, start: int, end: int) -> list[RawPiece]:
    """A wrapped paragraph's lines as text, the breaks between them as layout (shown
    as one space, or nothing where a URL was cut)."""
    if not unit.parts:
        return [Text(source[start:end])]
    pieces: list[RawPiece] = []
    for k, part in enumerate(unit.parts):
        if k:
            previous = unit.parts[k - 1]
            pieces.append(Space(source[previous.end : part.start], unit.shown[k - 1]))
        pieces.append(Text(source[max(start, part.start) : part.end]))
    return pieces


def _metadata(lines: Sequence[Line], decisions: Sequence[Decision]) -> list[tuple[str, str]]:
    """``Keywords:`` lines describe the article; several are merged into one value."""
    values = [
        value
        for line, decision in zip(lines, decisions, strict=True)
        if decision.kind == KEYWORDS
        if (value := line.content.partition(":")[2].strip())
    ]
    return [("keywords", ", ".join(values))] if values else []

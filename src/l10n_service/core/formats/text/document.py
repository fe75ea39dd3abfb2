"""Plain-text articles: the classified lines as raw blocks, then the article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ....errors import ArticleError
from ...builder import build_article
from ...inline import RawBlock, Text
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
    lines = scan(source)
    frame, decisions = decide(lines, overrides)
    blocks = [_raw_block(source, d, d.span) for d in decisions if d.span is not None]
    title = next((d.info.text.strip() for d in decisions if d.kind == BlockType.TITLE), "")
    article = build_article(
        slug=slug,
        fmt="text",
        source_lang=source_lang,
        source=source,
        raw_blocks=blocks,
        title=title,
        published=frame.published,
        metadata=_metadata(lines, decisions),
    )
    if not article.blocks:
        raise ArticleError(
            f"{slug}: no translatable text: every line is blank, a dateline, keywords "
            "or has no letters"
        )
    return article


def _raw_block(source: str, decision: Decision, span: tuple[int, int]) -> RawBlock:
    start, end = span
    return RawBlock(
        type=BlockType(decision.kind),
        span=(start, end),
        pieces=(Text(source[start:end]),),
        level=decision.info.level,
        attrs=decision.attrs,
    )


def _metadata(lines: Sequence[Line], decisions: Sequence[Decision]) -> list[tuple[str, str]]:
    """``Keywords:`` lines describe the article; several are merged into one value."""
    values = [
        value
        for line, decision in zip(lines, decisions, strict=True)
        if decision.kind == KEYWORDS
        if (value := line.content.partition(":")[2].strip())
    ]
    return [("keywords", ", ".join(values))] if values else []

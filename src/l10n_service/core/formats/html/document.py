"""HTML documents: the blocks the extractor found, one TITLE, the article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from html import unescape

from ....errors import ArticleError
from ...builder import build_article
from ...inline import RawBlock
from ...model import Article, BlockType
from .extract import Extractor, has_words
from .tokens import tokenize

__all__ = ["parse"]


def _plain(source: str, block: RawBlock) -> str:
    """Visible text of a block, for the article title."""
    markup = source[block.span[0] : block.span[1]]
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def _with_title(source: str, blocks: Sequence[RawBlock]) -> tuple[list[RawBlock], str]:
    """One TITLE: the first ``<title>`` with words, else the first ``h1``. The others
    become what they would be without it (extra ``<title>``s: paragraphs)."""
    out = list(blocks)
    titles = [i for i, b in enumerate(out) if b.type is BlockType.TITLE and has_words(b.pieces)]
    h1s = [
        i
        for i, b in enumerate(out)
        if b.type is BlockType.HEADING and b.level == 1 and has_words(b.pieces)
    ]
    chosen = titles[0] if titles else h1s[0] if h1s else None
    for i, block in enumerate(out):
        if block.type is BlockType.TITLE and i != chosen:
            out[i] = replace(block, type=BlockType.PARAGRAPH)
    if chosen is None:
        return out, ""
    out[chosen] = replace(out[chosen], type=BlockType.TITLE)
    return out, _plain(source, out[chosen])


def parse(
    source: str, *, slug: str, source_lang: str = "en", include_chrome: bool = False
) -> Article:
    """Parse an HTML article into blocks whose spans rebuild the source exactly."""
    extractor = Extractor(source, include_chrome=include_chrome)
    extractor.feed(tokenize(source))
    blocks, title = _with_title(source, extractor.blocks)
    article = build_article(
        slug=slug,
        fmt="html",
        source_lang=source_lang,
        source=source,
        raw_blocks=blocks,
        title=title,
        published=extractor.published,
    )
    if not article.blocks:
        chrome = "" if include_chrome else " outside page chrome (nav, header, footer, aside)"
        raise ArticleError(f"{slug}: the HTML article has no translatable text{chrome}")
    return article

"""Helpers the format tests share."""

from __future__ import annotations

from collections.abc import Mapping

from l10n_service.core.model import Article, Block


def span_text(article: Article, block: Block) -> str:
    return article.source[block.span[0] : block.span[1]]


def rebuild(article: Article, texts: Mapping[str, str] | None = None) -> str:
    """The source with every block's span replaced by its (translated) text; also
    checks that no two spans overlap."""
    out: list[str] = []
    pos = 0
    for block in sorted(article.blocks, key=lambda b: b.span):
        assert block.span[0] >= pos, "block spans overlap"
        out += [article.source[pos : block.span[0]], block.text(texts)]
        pos = block.span[1]
    out.append(article.source[pos:])
    return "".join(out)

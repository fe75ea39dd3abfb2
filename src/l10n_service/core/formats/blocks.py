"""Renditions made from the block structure alone, for formats that are not markup.

A plain-text article has no HTML or Markdown of its own to rebuild, so its page and
its Markdown are generated block by block from the block types (title, heading,
question, turn...). These are the :class:`~l10n_service.core.formats.base.Format`
defaults, so a new format without inline markup renders with no code of its own.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from ..chosen import LocalizedSegment, block_text
from ..locales import direction
from ..model import Article, Block, BlockType
from ..tokens import restore
from .escape import markdown_inert

__all__ = ["blocks_html", "blocks_markdown"]


def _segments_html(block: Block, chosen: Mapping[str, LocalizedSegment], source_lang: str) -> str:
    """A plain-text block as HTML; a sentence shown in the source language is marked
    with its own ``lang``/``dir``, so it reads (and is spoken) correctly even in the
    middle of a right-to-left page."""
    mark = (
        f'<span lang="{html.escape(source_lang.replace("_", "-"))}" dir="{direction(source_lang)}">'
    )
    parts = [block.separators[0]]
    for segment, sep in zip(block.segments, block.separators[1:], strict=True):
        loc = chosen[segment.entry_id]
        text = html.escape(restore(loc.masked, segment.legend_for(loc.masked)))
        parts.append(f"{mark}{text}</span>" if loc.state == "source-fallback" else text)
        parts.append(sep)
    return "".join(parts).strip()


def blocks_html(article: Article, chosen: Mapping[str, LocalizedSegment]) -> str:
    """The page body: one element per block, every text escaped."""
    out: list[str] = []
    open_list = False
    for block in article.blocks:
        text = _segments_html(block, chosen, article.source_lang)
        if block.type is BlockType.TOC_ENTRY:
            if not open_list:
                out.append('<ul class="toc">')
                open_list = True
            out.append(f"<li>{text}</li>")
            continue
        if open_list:
            out.append("</ul>")
            open_list = False
        out.append(_block_html(block, text))
    if open_list:
        out.append("</ul>")
    return "\n".join(out)


def _block_html(block: Block, text: str) -> str:
    if block.type is BlockType.TITLE:
        return f"<h1>{text}</h1>"
    if block.type is BlockType.HEADING:
        level = min(max(block.level or 2, 2), 6)
        return f"<h{level}>{text}</h{level}>"
    if block.type is BlockType.QUESTION:
        return f'<p class="question"><strong>{text}</strong></p>'
    if block.type is BlockType.TURN:
        speaker = html.escape(block.attr.get("speaker", ""))
        return f'<p class="turn"><strong class="speaker">{speaker}:</strong> {text}</p>'
    if block.type is BlockType.QUOTE:
        return f"<blockquote><p>{text}</p></blockquote>"
    return f"<p>{text}</p>"


def blocks_markdown(
    article: Article, chosen: Mapping[str, LocalizedSegment], plain: Callable[[str], str]
) -> str:
    """Markdown generated from the blocks; ``plain`` is the format's visible text of a
    block, made literal here so no text can turn into Markdown markup."""
    lines: list[str] = []
    in_list = False
    for block in article.blocks:
        text = markdown_inert(plain(block_text(block, chosen)))
        if block.type in (BlockType.TOC_ENTRY, BlockType.LIST_ITEM):
            lines.append(f"- {text}")
            in_list = True
            continue
        if in_list:
            lines.append("")
            in_list = False
        if block.type is BlockType.TITLE:
            lines.append(f"# {text}\n")
        elif block.type is BlockType.HEADING:
            lines.append(f"{'#' * min(max(block.level or 2, 2), 6)} {text}\n")
        elif block.type is BlockType.QUESTION:
            lines.append(f"**{text}**\n")
        elif block.type is BlockType.TURN:
            lines.append(f"**{block.attr.get('speaker', '')}:** {text}\n")
        elif block.type is BlockType.QUOTE:
            lines.append(f"> {text}\n")
        else:
            lines.append(f"{text}\n")
    return "\n".join(lines).rstrip() + "\n"

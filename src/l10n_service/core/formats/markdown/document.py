"""Markdown documents: walk markdown-it's block tokens into raw blocks.

What becomes what is described in :mod:`l10n_service.core.formats.markdown`; this
module tracks containers (list items, block quotes, table rows), maps each inline
token's content onto the source (:mod:`.source_map`), cuts it into pieces
(:mod:`.inline`) and picks the article title.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token

from ....errors import ArticleError
from ...builder import build_article
from ...inline import RawBlock, Text
from ...model import Article, BlockType
from ...placeholders import protect_text
from .front_matter import DEFAULT_KEYS, blank, front_matter
from .inline import PARSER, raw_block
from .source_map import Content, Lines, map_atx, map_lines, map_row

__all__ = ["parse"]


@dataclass(frozen=True)
class _Found:
    block: RawBlock
    plain: str = ""  # heading text, for the article title


class _Walker:
    """Turn the block token stream into raw blocks, tracking containers."""

    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        self.containers: list[str] = []
        self.row: list[Content | None] = []
        self.cell = 0

    def walk(self, tokens: Sequence[Token]) -> Iterator[_Found]:
        for i, tok in enumerate(tokens):
            if tok.type in ("list_item_open", "blockquote_open"):
                self.containers.append(tok.type)
            elif tok.type in ("list_item_close", "blockquote_close") and self.containers:
                self.containers.pop()
            elif tok.type == "tr_open":
                self._start_row(tokens, i)
            elif tok.type == "inline" and i > 0:
                found = self._inline(tokens[i - 1], tok)
                if found is not None:
                    yield found

    def _start_row(self, tokens: Sequence[Token], i: int) -> None:
        cells: list[str] = []
        for tok in tokens[i + 1 :]:
            if tok.type == "tr_close":
                break
            if tok.type == "inline":
                cells.append(tok.content)
        line_map = tokens[i].map
        line = line_map[0] if line_map else -1
        self.row = map_row(self.lines, line, cells) if 0 <= line < len(self.lines) else []
        self.cell = 0

    def _inline(self, opener: Token, tok: Token) -> _Found | None:
        if opener.type in ("th_open", "td_open"):
            content = self.row[self.cell] if self.cell < len(self.row) else None
            self.cell += 1
            return self._found(content, tok, BlockType.TABLE_CELL, 0)
        if tok.map is None or not tok.content.strip():
            return None
        first, end = tok.map
        if opener.type == "heading_open":
            level = int(opener.tag[1:])
            if opener.markup.startswith("#"):
                content = map_atx(self.lines, first, tok.content)
            else:  # setext: the inline map stops before the underline
                content = map_lines(self.lines, first, end - first, tok.content)
            found = self._found(content, tok, BlockType.HEADING, level)
            return None if found is None else replace(found, plain=plain_text(tok.children or []))
        if opener.type == "paragraph_open":
            kind, level = self._paragraph_type()
            return self._found(
                map_lines(self.lines, first, end - first, tok.content), tok, kind, level
            )
        return None

    def _paragraph_type(self) -> tuple[BlockType, int]:
        if not self.containers:
            return BlockType.PARAGRAPH, 0
        innermost = self.containers[-1]
        if innermost == "list_item_open":
            return BlockType.LIST_ITEM, self.containers.count("list_item_open")
        return BlockType.QUOTE, self.containers.count("blockquote_open")

    def _found(
        self, content: Content | None, tok: Token, kind: BlockType, level: int
    ) -> _Found | None:
        if content is None or not content.text.strip():
            return None
        block = raw_block(self.lines.source, content, tok.children or [], kind, level)
        return None if block is None else _Found(block)


def plain_text(tokens: Sequence[Token]) -> str:
    """Visible text of inline tokens, for the article title."""
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "text_special", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image":
            parts.append(plain_text(tok.children or []))
    return " ".join("".join(parts).split())


def _has_words(block: RawBlock) -> bool:
    """What the builder keeps: some letter in text that is not a URL, number, ..."""
    for piece in block.pieces:
        if isinstance(piece, Text):
            for part in protect_text(piece.text):
                if isinstance(part, Text) and any(c.isalpha() for c in part.text):
                    return True
    return False


def _with_title(found: Sequence[_Found]) -> tuple[list[RawBlock], str]:
    """Promote the first level-1 heading that will be kept to TITLE (only one: the
    builder gives TITLE blocks the fixed id ``title``); its text, if there is one."""
    blocks = [f.block for f in found]
    for i, item in enumerate(found):
        if _is_heading(item.block) and item.block.level == 1:
            blocks[i] = replace(item.block, type=BlockType.TITLE)
            return blocks, item.plain
    return blocks, ""


def _is_heading(block: RawBlock) -> bool:
    return block.type is BlockType.HEADING and _has_words(block)


def parse(
    source: str,
    *,
    slug: str,
    source_lang: str = "en",
    front_matter_keys: Sequence[str] | None = None,
) -> Article:
    """Parse a Markdown article into blocks whose spans rebuild the source exactly.
    ``front_matter_keys`` are the translatable YAML keys (default: title,
    description, summary, subtitle); every other key is kept verbatim.

    The article title is the TITLE heading's text, else the front matter ``title``,
    else the first heading's text."""
    lines = Lines(source)
    front, region = front_matter(lines, tuple(front_matter_keys or DEFAULT_KEYS))
    tokens = PARSER.parse(blank(source, region))
    found = list(_Walker(lines).walk(tokens))
    body, title = _with_title(found)
    first_heading = next((f.plain for f in found if _is_heading(f.block)), "")
    article = build_article(
        slug=slug,
        fmt="md",
        source_lang=source_lang,
        source=source,
        raw_blocks=[*front.blocks, *body],
        title=title or front.title or first_heading,
        published=front.published,
    )
    if not article.blocks:
        raise ArticleError(f"{slug}: the Markdown article has no translatable text")
    return article

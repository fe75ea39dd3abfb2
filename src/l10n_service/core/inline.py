"""What format parsers hand to the core: blocks as runs of text and markup.

A parser only has to say where a block's translatable text lies and which parts of
it are markup; numbering placeholders, protecting URLs and numbers, sentence
splitting and ids are done once, in :mod:`l10n_service.core.builder`, for every
format. Invariant: ``"".join(p.original for p in pieces) == source[span[0]:span[1]]``
(see ``RawBlock.line_prefix`` for blocks inside quotes and lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .model import BlockType

__all__ = ["Markup", "Piece", "RawBlock", "Text", "merge_texts"]


@dataclass(frozen=True)
class Text:
    """Translatable text. ``source``: how the source spells it, when that differs
    from what translators should read (a Markdown escape ``\\&`` is read as ``&``);
    such a piece is kept whole, never merged or cut, so the spelling comes back
    exactly when the text is not translated."""

    text: str
    source: str | None = None

    @property
    def original(self) -> str:
        return self.text if self.source is None else self.source


@dataclass(frozen=True)
class Markup:
    """Inline markup, kept verbatim. ``open``/``close`` pairs wrap translatable text
    (emphasis, links); an ``atom`` is untranslatable (code span, image, URL, number)."""

    role: Literal["open", "close", "atom"]
    original: str
    kind: str = "tag"  # tag, code, url, email, number, var, image, ...
    # What to write instead of ``original`` once the segment's text is translated,
    # when the markup depends on the source text: a Markdown shortcut reference
    # ``[Guide]`` closes as ``][Guide]`` around other words, so it still resolves.
    translated: str | None = None


Piece = Text | Markup


@dataclass(frozen=True)
class RawBlock:
    type: BlockType
    span: tuple[int, int]
    pieces: tuple[Piece, ...]
    level: int = 0
    attrs: tuple[tuple[str, str], ...] = field(default=())
    # Container prefix repeated after each newline inside the block ("> " in a block
    # quote, indentation in a list item). Pieces then hold the text *without* it, so
    # translators never see it; the invariant becomes
    # ``joined.replace("\n", "\n" + line_prefix) == source[span[0]:span[1]]``.
    line_prefix: str = ""


def merge_texts(pieces: Sequence[Piece]) -> list[Piece]:
    """Adjacent text pieces as one, so protection (URLs, numbers) sees whole words."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (
            isinstance(piece, Text) and piece.source is None
            and isinstance(last, Text) and last.source is None
        ):  # fmt: skip
            out[-1] = Text(last.text + piece.text)
        elif not isinstance(piece, Text) or piece.text:
            out.append(piece)
    return out

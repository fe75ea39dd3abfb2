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
from typing import Literal, TypeVar, cast

from .model import BlockType

__all__ = ["Markup", "Piece", "RawBlock", "RawPiece", "Space", "Text", "merge_texts"]


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


@dataclass(frozen=True)
class Space:
    """Layout whitespace inside a block's text: a source line break with the next
    line's indentation, a run of spaces. Translators see ``shown`` (one space, or
    nothing where a URL or a word was cut at a line end); the builder remembers
    ``original`` so the source language rebuilds byte for byte, while a translation
    gets the format's own layout (the text format re-wraps it)."""

    original: str
    shown: str = " "


Piece = Text | Markup  # what the core masks
RawPiece = Text | Markup | Space  # what a parser may hand in


_P = TypeVar("_P", Piece, RawPiece)


@dataclass(frozen=True)
class RawBlock:
    type: BlockType
    span: tuple[int, int]
    pieces: tuple[RawPiece, ...]
    level: int = 0
    attrs: tuple[tuple[str, str], ...] = field(default=())
    # Container prefix repeated after each newline inside the block ("> " in a block
    # quote, indentation in a list item). Pieces then hold the text *without* it, so
    # translators never see it; the invariant becomes
    # ``joined.replace("\n", "\n" + line_prefix) == source[span[0]:span[1]]``.
    line_prefix: str = ""


def merge_texts(pieces: Sequence[_P]) -> list[_P]:
    """Adjacent text pieces as one, so protection (URLs, numbers) sees whole words."""
    out: list[_P] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (
            isinstance(piece, Text) and piece.source is None
            and isinstance(last, Text) and last.source is None
        ):  # fmt: skip
            out[-1] = cast(_P, Text(last.text + piece.text))
        elif not isinstance(piece, Text) or piece.text:
            out.append(piece)
    return out

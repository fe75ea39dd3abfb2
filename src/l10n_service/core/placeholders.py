"""Protect what must not be translated, and put it back afterwards.

Masked text uses XML-like tokens because translators (Poedit shows them verbatim)
and NMT models both treat them as opaque: ``<1>``..``</1>`` wraps translatable text
inside inline markup, ``<2/>`` stands for an untranslatable token. The builder
renumbers tokens from 1 within each segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .inline import Markup, Piece, Text
from .tokens import TOKEN_RE, placeholder_problems, restore, tokens_in

__all__ = [
    "TOKEN_RE",
    "mask",
    "placeholder_problems",
    "protect_text",
    "restore",
    "tokens_in",
]

# Order matters: token look-alikes first, then URLs and emails before numbers, so
# digits inside them stay whole.
_PROTECTED = re.compile(
    r"(?P<literal></?\d+/?>)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
    r"|(?P<var>\{[A-Za-z_][\w.]*\}|%\([A-Za-z_]\w*\)[sdif]|%[sd])"
    r"|(?P<number>(?<![\w.,-])\d+(?:[.,:]\d+)*%?(?![\w-]|[.,:]\d))"
)
# A character each kind above needs (a URL its "://"): text without one has nothing
# to protect, found by one scan for a character class instead of the alternation's.
_MAY_PROTECT = re.compile(r"[<:@{%\d]")


def protect_text(text: str) -> list[Piece]:
    """Split plain text into Text and protected atoms (URLs, emails, variables, numbers,
    and literal text that looks like one of our tokens)."""
    if _MAY_PROTECT.search(text) is None:
        return [Text(text)] if text else []
    pieces: list[Piece] = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > pos:
            pieces.append(Text(text[pos : match.start()]))
        pieces.append(Markup("atom", match.group(), match.lastgroup or "atom"))
        pos = match.end()
    if pos < len(text):
        pieces.append(Text(text[pos:]))
    return pieces


def mask(pieces: Iterable[Piece]) -> tuple[str, dict[str, str], list[tuple[int, int]]]:
    """Masked text, its legend, and for each piece the (start, end) it occupies.

    Text pieces must already be protected (:func:`protect_text`), so that literal
    ``<1>`` in an article can't pass for a token.

    Open/close markup is paired by nesting; an unbalanced one becomes an atom so the
    masked text is always well formed, and so does an empty pair.
    """
    items = list(pieces)
    pair_of: dict[int, int] = {}
    stack: list[int] = []
    for i, piece in enumerate(items):
        if isinstance(piece, Text):
            continue
        if piece.role == "open":
            stack.append(i)
        elif piece.role == "close" and stack:
            pair_of[stack.pop()] = i
    closes = set(pair_of.values())

    legend: dict[str, str] = {}
    numbers: dict[int, int] = {}
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    counter = 0
    for i, piece in enumerate(items):
        if isinstance(piece, Text):
            token = piece.text
        elif piece.role == "close" and i in closes:
            if pair_of.get(i - 1) == i:
                token = ""  # the close of an empty pair: already in the atom before it
            else:
                token = f"</{numbers[i]}>"
                legend[token] = piece.original
        elif piece.role == "open" and i in pair_of:
            counter += 1
            if pair_of[i] == i + 1:
                # An empty pair (an anchor, an icon element) holds nothing to
                # translate: one atom, so translators never see a hollow <1></1>.
                token = f"<{counter}/>"
                legend[token] = piece.original + items[i + 1].original
            else:
                numbers[pair_of[i]] = counter
                token = f"<{counter}>"
                legend[token] = piece.original
        else:
            counter += 1
            token = f"<{counter}/>"
            legend[token] = piece.original
        out.append(token)
        end = length + len(token)
        spans.append((length, end))
        length = end
    return "".join(out), legend, spans

"""Apertium's stream format, and our placeholders carried through it (pure: no I/O).

The stream format (wiki.apertium.org/wiki/Apertium_stream_format) gives ``\\ [ ] ^ $ @
{ } / < >`` a meaning, so literal ones are escaped with a backslash; ``[...]`` is a
*superblank* every stage passes through untouched, and ``[[...]]word[[/]]`` is a
*word-bound blank* that travels with the lexical unit it wraps, through reordering.
``~`` is no stream character, but post-generation deletes it (it marks where its
rules apply), so it travels in a superblank.

Placeholders (:mod:`l10n_service.core.tokens`) map onto those: an atom ``<2/>``
becomes a superblank; a paired ``<1>..</1>`` puts a word-bound blank naming every
open pair on each word of its span, so the span follows its words wherever the
transfer rules move them, and :func:`decode` rebuilds each pair around the first
and last word that still carries it. ``-f html`` would instead read ``<1>`` as
tags, which the measured pipeline mangled in every segment. A span with no word
in it (``<1></1>``, a lone quote mark) can't bind to anything, so it travels whole
as a superblank. What still breaks is left for
:func:`~l10n_service.core.tokens.placeholder_problems` to catch.
"""

from __future__ import annotations

import re

from ..core.tokens import TOKEN_RE

__all__ = ["decode", "encode", "escape", "unescape"]

SPECIAL = frozenset("\\[]^$@{}/<>")
_WORDY = re.compile(r"\w")
_WBLANK_ID = re.compile(r"l10n(\d+)")
# Output pieces: a word-bound blank with its word, a superblank, an escape, plain text.
_OUT = re.compile(
    r"\[\[(?P<ids>(?:[^\]\\]|\\.)*)\]\](?P<word>(?:[^\[\\]|\\.|\[[^\[\]\\]*\])*?)\[\[/\]\]"
    r"|\[\[(?P<orphan>(?:[^\]\\]|\\.)*)\]\]"
    r"|\[(?P<blank>(?:[^\]\\]|\\.)*)\]"
    r"|(?P<text>(?:[^\[\\]|\\.)+)"
    r"|(?P<stray>[\[\\])",
    re.DOTALL,
)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def escape(text: str) -> str:
    """Literal text as stream text: specials backslashed, ``~`` in a superblank, NUL
    dropped (it is the pipeline's record separator and can't be carried)."""
    out = []
    for ch in text:
        if ch in SPECIAL:
            out.append("\\" + ch)
        elif ch == "~":
            out.append("[~]")
        elif ch != "\0":
            out.append(ch)
    return "".join(out)


def unescape(stream: str) -> str:
    """Stream text back to literal text: blanks give their content, escapes their
    character. The inverse of :func:`escape` (NUL aside)."""
    return "".join(_literal(m) for m in _OUT.finditer(stream))


def _literal(m: re.Match[str]) -> str:
    if m.group("ids") is not None:
        return unescape(m.group("word"))
    if m.group("orphan") is not None:  # a word-bound blank that lost its word
        return ""
    if m.group("blank") is not None:
        return _UNESCAPE.sub(r"\1", m.group("blank"))
    if m.group("text") is not None:
        return _UNESCAPE.sub(r"\1", m.group("text"))
    return m.group("stray") or ""  # an unpaired ``[`` or ``\``: keep it as text


def _superblank(text: str) -> str:
    """``text`` carried untouched in a superblank (where ``~`` needs no hiding)."""
    return "[" + "".join("\\" + ch if ch in SPECIAL else ch for ch in text if ch != "\0") + "]"


def _bind(text: str, open_ids: list[str]) -> str:
    """Escaped text with every word wrapped in a word-bound blank naming ``open_ids``."""
    if not open_ids:
        return escape(text)
    label = "; ".join(f"l10n{i}" for i in open_ids)
    return "".join(
        f"[[{label}]]{escape(part)}[[/]]" if _WORDY.search(part) else escape(part)
        for part in re.split(r"(\s+)", text)
        if part
    )


def _closing(masked: str, start: int, pair: str) -> int:
    """Where ``</pair>`` ends, searching from ``start``; -1 when it is missing."""
    end = masked.find(f"</{pair}>", start)
    return -1 if end < 0 else end + len(pair) + 3


def encode(masked: str) -> str:
    """A masked segment as stream text with its placeholders carried as blanks."""
    out: list[str] = []
    open_ids: list[str] = []
    pos = 0
    while pos < len(masked):
        m = TOKEN_RE.search(masked, pos)
        if m is None:
            out.append(_bind(masked[pos:], open_ids))
            break
        out.append(_bind(masked[pos : m.start()], open_ids))
        token = m.group()
        pos = m.end()
        if token.endswith("/>"):
            out.append(_superblank(token))
        elif token.startswith("</"):
            if token[2:-1] in open_ids:
                open_ids.remove(token[2:-1])
            else:  # a stray closing token: carry it where it is
                out.append(_superblank(token))
        else:
            pair = token[1:-1]
            end = _closing(masked, pos, pair)
            span = masked[pos : end - len(pair) - 3] if end >= 0 else ""
            if end < 0 or not _WORDY.search(TOKEN_RE.sub("", span)):
                # Nothing to bind to (or unbalanced): the whole span travels as it is.
                stop = end if end >= 0 else pos
                out.append(_superblank(masked[m.start() : stop]))
                pos = stop
            else:
                open_ids.append(pair)
    return "".join(out)


def decode(stream: str) -> str:
    """Stream text back to a masked segment: each pair wraps the first through the last
    word that came back carrying it; superblanks give back what they carried."""
    pieces: list[tuple[str, list[str]]] = []
    for m in _OUT.finditer(stream):
        ids = _WBLANK_ID.findall(m.group("ids")) if m.group("ids") is not None else []
        pieces.append((_literal(m), ids))
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    order: dict[str, int] = {}
    for index, (_, ids) in enumerate(pieces):
        for rank, pair in enumerate(ids):
            first.setdefault(pair, index)
            last[pair] = index
            order.setdefault(pair, rank)
    out: list[str] = []
    for index, (text, _) in enumerate(pieces):
        opening = [p for p in first if first[p] == index]
        # Outer pairs first: the one that ends later, then the one named earlier.
        opening.sort(key=lambda p: (-last[p], order[p]))
        out.extend(f"<{p}>" for p in opening)
        out.append(text)
        closing = [p for p in last if last[p] == index]
        closing.sort(key=lambda p: (-first[p], -order[p]))
        out.extend(f"</{p}>" for p in closing)
    return "".join(out)

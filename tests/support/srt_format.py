"""A format the suite adds: SubRip subtitles (``.srt``), to prove that a new input
format is one module and one ``register`` call, touching nothing in ``src/``.

A cue is a number line, a timing line and one or more lines of text, cues apart by
blank lines. Each cue's text becomes a PARAGRAPH (a line break inside a cue stays in
it); numbers and timings stay outside every span. SubRip's few inline tags (``<i>``,
``<b>``, ``<u>``, ``<font ...>``) are markup pairs, and any other tag a translator
types is escaped, since players render tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from l10n_service.core.builder import build_article
from l10n_service.core.formats.base import Format
from l10n_service.core.formats.escape import inert_markup
from l10n_service.core.inline import Markup, Piece, RawBlock, Text
from l10n_service.core.model import Article, BlockType
from l10n_service.errors import ArticleError

_TIMING = r"\d\d:\d\d:\d\d[,.]\d{3} --> \d\d:\d\d:\d\d[,.]\d{3}[^\r\n]*"
_TEXT_LINE = r"[^\r\n]*\S[^\r\n]*(?:\r?\n|\Z)"
_CUE = re.compile(rf"^[ \t]*\d+[ \t]*\r?\n{_TIMING}\r?\n((?:{_TEXT_LINE})+)", re.M)
_TAG = re.compile(r"</?(?:i|b|u|font)\b[^>]*>", re.I)


def _pieces(text: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    pos = 0
    for match in _TAG.finditer(text):
        pieces.append(Text(text[pos : match.start()]))
        pieces.append(Markup("close" if match.group().startswith("</") else "open", match.group()))
        pos = match.end()
    pieces.append(Text(text[pos:]))
    return tuple(p for p in pieces if p.original)


class SubRipFormat(Format):
    name = "srt"
    label = "SubRip subtitles"
    extensions = (".srt",)
    media_types = ("application/x-subrip",)

    def detect(self, name: str, text: str) -> bool:
        return _CUE.match(text.lstrip()) is not None

    def parse(
        self, source: str, *, slug: str, source_lang: str, options: Mapping[str, Any]
    ) -> Article:
        blocks = []
        for cue in _CUE.finditer(source):
            start, end = cue.start(1), cue.start(1) + len(cue.group(1).rstrip("\r\n"))
            pieces = _pieces(source[start:end])
            blocks.append(RawBlock(BlockType.PARAGRAPH, (start, end), pieces))
        if not blocks:
            raise ArticleError(f"{slug}: no subtitle cues (number, timing line, text)")
        title = self.plain(source[blocks[0].span[0] : blocks[0].span[1]])
        return build_article(
            slug=slug, fmt=self.name, source_lang=source_lang, source=source,
            raw_blocks=blocks, title=" ".join(title.split()),
        )  # fmt: skip

    def clean_translation_piece(self, piece: str, *, allowed: frozenset[str], defuse: bool) -> str:
        piece = super().clean_translation_piece(piece, allowed=allowed, defuse=defuse)
        return inert_markup(piece, allowed)

    def plain(self, text: str) -> str:
        return _TAG.sub("", text).strip()


FORMAT = SubRipFormat()

"""Laying out a translated plain-text block the way its source was laid out.

The source text of a block rebuilds from its spans with its own line breaks. A
translation has different words, so in a hard-wrapped document (:mod:`.wrap`) it is
re-wrapped at the document's width: its first line starts where the source's text
started (after a bullet, a speaker's name), the following lines take the
indentation of the source's second line, or line up under the text's first column
when the source was a single line. The title is left on one line (it is often
centred), and so is everything in a document that was never hard-wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...model import Block, BlockType
from .lines import scan
from .wrap import rewrap, width_of, wrap_width

__all__ = ["Layout"]

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


class Layout:
    """One article's wrap width and line ending, found once per rebuild."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._width = wrap_width(scan(source))
        newline = _NEWLINE_RE.search(source)
        self._newline = newline.group() if newline else "\n"

    def text(self, block: Block, texts: Mapping[str, str]) -> str:
        """The block's text in the rebuilt article (``texts``: see Block.text)."""
        text = block.text(texts)
        translated = any(segment.entry_id in texts for segment in block.segments)
        if self._width is None or not translated or block.type is BlockType.TITLE:
            return text
        start, end = block.span
        line_start = max(self._source.rfind("\n", 0, start), self._source.rfind("\r", 0, start))
        before = self._source[line_start + 1 : start]
        column = width_of(before + "x") - 1
        inside = _NEWLINE_RE.search(self._source, start, end)
        if inside is not None:
            rest = self._source[inside.end() : end]
            indent = rest[: len(rest) - len(rest.lstrip())]
        else:
            lead = before[: len(before) - len(before.lstrip())]
            indent = lead + " " * max(0, column - (width_of(lead + "x") - 1))
        lines = rewrap(text, width=self._width, column=column, indent=indent)
        return self._newline.join(lines)

"""Where markdown-it's block contents lie in the Markdown source.

markdown-it gives block tokens line ranges but no character offsets, and the content
it parses for a block has container prefixes (``> ``, list indentation) and trailing
blanks removed. A :class:`Content` is that string together with the source offset
of each of its characters, rebuilt here for paragraphs, ATX headings and table cells.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add

from markdown_it.common.utils import MD_TRIM_CHARS

__all__ = ["Content", "Lines", "map_atx", "map_lines", "map_row"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Lines:
    """Line table of the source, split the way markdown-it's normalizer splits it."""

    def __init__(self, source: str) -> None:
        self.source = source
        # markdown-it replaces NUL by U+FFFD before parsing; compare against that.
        self.norm = source.replace("\0", "\ufffd")
        if "\r" not in source:  # one-character line ends: offsets from line lengths
            lengths = list(map(len, source.split("\n")))
            self.starts = [0, *accumulate(map(add, lengths[:-1], repeat(1)))]
            self.ends = list(map(add, self.starts, lengths))
            return
        self.starts = [0]
        self.ends = []
        for match in _NEWLINE.finditer(source):
            self.ends.append(match.start())
            self.starts.append(match.end())
        self.ends.append(len(source))

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, line: int) -> str:
        return self.norm[self.starts[line] : self.ends[line]]

    def line_of(self, pos: int) -> int:
        """The line that holds source index ``pos``."""
        return bisect_right(self.starts, pos) - 1


@dataclass(frozen=True)
class Content:
    """What markdown-it parsed for one block, and where each character came from.

    ``offsets[i]`` is the source index of ``text[i]`` (for a line break, of its line
    terminator); ``offsets[-1]`` is the end of the block's span."""

    text: str
    offsets: tuple[int, ...]


def map_lines(lines: Lines, first: int, count: int, content: str) -> Content | None:
    """Map paragraph-like content (mdTrim of the lines minus container prefixes) onto
    ``count`` source lines from ``first``; trimming may have eaten whole lines."""
    parts = content.split("\n")
    for shift in range(count - len(parts) + 1):
        offsets = _try_map(lines, first + shift, parts)
        if offsets is not None:
            return Content(content, tuple(offsets))
    return None


def _try_map(lines: Lines, first: int, parts: list[str]) -> list[int] | None:
    """Each content line is the end of its source line (the container prefix is
    what markdown-it cut off its start); the last one lost its trailing blanks."""
    if first + len(parts) > len(lines):
        return None
    offsets: list[int] = []
    for j, part in enumerate(parts):
        line = first + j
        text = lines.text(line)
        if j == len(parts) - 1:
            text = text.rstrip(MD_TRIM_CHARS)
        end = lines.starts[line] + len(text)
        if text.endswith(part):
            offsets.extend(range(end - len(part), end))
        else:
            # A tab partly consumed by the container indent became spaces.
            core = part.lstrip(" \t")
            if j == 0 or not text.endswith(core):
                return None
            base = end - len(core)
            offsets.extend([base] * (len(part) - len(core)))
            offsets.extend(range(base, end))
        offsets.append(lines.ends[line] if j < len(parts) - 1 else end)
    return offsets


def map_atx(lines: Lines, line: int, content: str) -> Content | None:
    """An ATX heading's text follows its ``#`` run; no container prefix has a ``#``."""
    text = lines.text(line)
    pos = text.find("#")
    if pos < 0:
        return None
    while pos < len(text) and text[pos] == "#":
        pos += 1
    at = text.find(content, pos)
    if at < 0:
        return None
    base = lines.starts[line] + at
    return Content(content, tuple(range(base, base + len(content) + 1)))


# --- tables ------------------------------------------------------------


def map_row(lines: Lines, line: int, cells: Sequence[str]) -> list[Content | None]:
    """Find each cell of a table row; the container prefix ("> ", list indent) is not
    known, so try every plausible prefix length and keep the one that reproduces
    markdown-it's cell contents exactly."""
    text = lines.text(line)
    for start in _prefix_candidates(text):
        found = _split_row(text, start)
        got = [cell.text for cell in found[: len(cells)]]
        got += [""] * (len(cells) - len(got))
        if got == list(cells):
            base = lines.starts[line]
            mapped = [_shift(cell, base) for cell in found[: len(cells)]]
            return [c if c.text else None for c in mapped] + [None] * (len(cells) - len(mapped))
    return [None] * len(cells)


def _prefix_candidates(text: str) -> list[int]:
    """Where a row may start after a container prefix (blanks, ``>``, list markers),
    longest prefix first."""
    limit = 0
    while limit < min(len(text), 200) and text[limit] in " \t>-+*.)0123456789":
        limit += 1
    return [k for k in range(limit, 0, -1) if text[k - 1] in " \t>"] + [0]


def _shift(content: Content, base: int) -> Content:
    return Content(content.text, tuple(base + o for o in content.offsets))


def _split_row(text: str, start: int) -> list[Content]:
    """markdown-it's ``escapedSplit`` of ``mdTrim(text[start:])``, keeping offsets.

    An escaped pipe loses its backslash in the cell content; the pipe then spans
    the backslash too, so the pair always lands in one piece."""
    row = text[start:]
    lead = len(row) - len(row.lstrip(MD_TRIM_CHARS))
    row_end = start + len(row.rstrip(MD_TRIM_CHARS))
    cells: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    escaped = False
    for pos in range(start + lead, row_end):
        ch = text[pos]
        if ch == "|" and not escaped:
            cells.append(current)
            current = []
        elif ch == "|":
            current[-1] = ("|", current[-1][1], pos + 1)
        else:
            current.append((ch, pos, pos + 1))
        escaped = ch == "\\"
    cells.append(current)
    if cells and not cells[0]:
        cells.pop(0)
    if cells and not cells[-1]:
        cells.pop()
    return [_trim_cell(cell) for cell in cells]


def _trim_cell(cell: list[tuple[str, int, int]]) -> Content:
    lo, hi = 0, len(cell)
    while lo < hi and cell[lo][0] in MD_TRIM_CHARS:
        lo += 1
    while hi > lo and cell[hi - 1][0] in MD_TRIM_CHARS:
        hi -= 1
    kept = cell[lo:hi]
    if not kept:
        return Content("", (0,))
    text = "".join(ch for ch, _, _ in kept)
    return Content(text, (*(start for _, start, _ in kept), kept[-1][2]))

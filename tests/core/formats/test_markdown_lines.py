"""The Markdown line table: where each source line starts and ends, the way
markdown-it splits lines (``\\r\\n``, ``\\r`` and ``\\n`` all end one)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.formats.markdown.source_map import Lines


def _expected(source: str) -> tuple[list[int], list[int]]:
    starts, ends = [0], []
    for match in re.finditer(r"\r\n|\r|\n", source):
        ends.append(match.start())
        starts.append(match.end())
    ends.append(len(source))
    return starts, ends


@given(st.text(alphabet="ab \n\r\t\0é"))
def test_line_starts_and_ends(source: str) -> None:
    lines = Lines(source)
    assert (lines.starts, lines.ends) == _expected(source)
    assert [lines.text(i) for i in range(len(lines))] == re.split(
        r"\r\n|\r|\n", source.replace("\0", "\ufffd")
    )

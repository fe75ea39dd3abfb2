from __future__ import annotations

import pytest

from l10n_service.core.model import SegmentState
from l10n_service.core.states import approval_comment, entry_state, strip_approval


@pytest.mark.parametrize(
    ("msgstr", "flags", "comment", "state"),
    [
        ("", [], "", SegmentState.UNTRANSLATED),
        ("x", ["fuzzy", "machine"], "", SegmentState.MACHINE),
        ("x", ["fuzzy"], "", SegmentState.FUZZY),
        ("x", ["machine"], "", SegmentState.TRANSLATED),  # a translator accepted MT
        ("x", [], "", SegmentState.TRANSLATED),
        ("x", [], approval_comment("ann", "2026-01-01T00:00:00Z", "x"), SegmentState.APPROVED),
        ("y", [], approval_comment("ann", "2026-01-01T00:00:00Z", "x"), SegmentState.TRANSLATED),
    ],
)
def test_entry_state(msgstr: str, flags: list[str], comment: str, state: SegmentState) -> None:
    assert entry_state(msgstr, flags, comment) is state


def test_strip_approval_keeps_translator_comments() -> None:
    comment = "check the name\n" + approval_comment("ann", "2026-01-01T00:00:00Z", "x")
    assert strip_approval(comment) == "check the name"

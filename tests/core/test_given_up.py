"""A chunk being given up counts as applied only where the catalog holds its own
machine text: unmodified output of the job's engine (see core/given_up.py)."""

from __future__ import annotations

import polib

from l10n_service.core.given_up import Applied, applied_before
from l10n_service.core.post_edit import machine_text_line

KEYS = [{"msgid": "One.", "contexts": ["a", "b"]}, {"msgid": "Two.", "contexts": ["c"]}]


def _entry(
    ctxt: str, msgid: str, msgstr: str = "", engine: str = "", edited: str = ""
) -> polib.POEntry:
    entry = polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr=edited or msgstr)
    if engine:
        entry.flags = ["fuzzy", "machine"]
        entry.comment = f"mt: engine={engine} kind=neural\n{machine_text_line(msgstr, 'neural')}"
    return entry


def test_nothing_of_its_own_is_none() -> None:
    po = [_entry("a", "One."), _entry("b", "One.", "Eins", edited="Eins!"), _entry("c", "Two.")]
    assert applied_before(po, "argos", KEYS, "gone") is None
    other = [_entry("a", "One.", "Uno", "apertium"), _entry("b", "One."), _entry("c", "Two.")]
    assert applied_before(other, "argos", KEYS, "gone") is None


def test_its_own_text_counts_written_and_the_rest_as_apply_would() -> None:
    po = [
        _entry("a", "One.", "Eins", "argos"),
        _entry("b", "One.", "Eins", "argos", edited="Eins, bitte"),  # a translator's now
        _entry("c", "Two."),  # that copy's segment error
    ]
    assert applied_before(po, "argos", KEYS, "gone") == Applied(1, 1, {"c": "gone"})
    assert applied_before(po[:1], "argos", KEYS, "gone") == Applied(1, 2, {})  # b, c removed

"""``benchmarks/catalog_update.py``'s generator and quality count: the figures it
prints are only as good as the catalogs it makes and the way it scores them."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import catalog_update as bench


def test_unusable_entries_leave_msgids_and_edits_as_they_were() -> None:
    plain_po, plain_pot, plain_edited = bench.make_catalogs(600)
    po, pot, edited = bench.make_catalogs(600, unusable_share=0.2)
    assert [e.msgid for e in po] == [e.msgid for e in plain_po]
    assert [e.msgid for e in pot] == [e.msgid for e in plain_pot] and edited == plain_edited
    untranslated = sum(1 for e in po if not e.msgstr)
    fuzzy = sum(1 for e in po if "fuzzy" in e.flags)
    assert 30 < untranslated < 90 and 30 < fuzzy < 90
    assert all(e.msgstr for e in plain_po) and not any(e.flags for e in plain_po)


def test_quality_counts_right_matches_and_wrong_fills(tmp_path: Path) -> None:
    old = polib.POFile()
    old.append(polib.POEntry(msgid="One two three.", msgstr="A"))
    old.append(polib.POEntry(msgid="Four five six.", msgstr="B", flags=["fuzzy"]))
    old.append(polib.POEntry(msgid="Seven eight.", msgstr=""))
    result = polib.POFile()
    # right: fuzzy, its own original as #|
    result.append(polib.POEntry(msgid="One two three!", msgstr="A", flags=["fuzzy"],
                                previous_msgid="One two three."))  # fmt: skip
    # wrong fill: the original was fuzzy, a translation was filled in anyway
    result.append(polib.POEntry(msgid="Four five six!", msgstr="B", flags=["fuzzy"],
                                previous_msgid="Four five six."))  # fmt: skip
    # left empty: the original was untranslated
    result.append(polib.POEntry(msgid="Seven eight!", msgstr=""))
    old.save(str(tmp_path / "old.po"))
    result.save(str(tmp_path / "result.po"))
    edited = {"One two three!": "One two three.", "Four five six!": "Four five six.",
              "Seven eight!": "Seven eight."}  # fmt: skip
    assert bench.quality(tmp_path / "result.po", tmp_path / "old.po", edited) == (1, 1, 1, 2)

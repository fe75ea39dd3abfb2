"""Memory of a catalog update, counted with tracemalloc (not timed).

A 100k-entry catalog must update in well under 600 MB, so what an entry costs while
it is read, merged and written is bounded per entry, and the peak grows linearly
with the catalog (a big file is never held as one list of lines, one rendered
string and its bytes at once)."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import polib

from l10n_service.catalog.store import read_po, render_po, write_po
from l10n_service.catalog.update import update_catalog

WORDS = [
    *("the", "runners", "crossed", "city", "square", "before", "dawn", "while", "officials"),
    *("counted", "every", "delegation", "from", "abroad", "and", "reporters", "asked"),
    *("about", "tourism", "diplomacy", "roads", "news"),
]


def _files(folder: Path, size: int) -> tuple[Path, Path]:
    rng = random.Random(size)
    po, pot = polib.POFile(), polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for number in range(size):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        msgid = f"{number} " + " ".join(words) + "."
        where = [("articles/story.md", str(number + 1))]
        po.append(polib.POEntry(msgid=msgid, msgstr=msgid[::-1], occurrences=where))
        if rng.random() < 0.1:
            msgid = msgid.replace(words[0], rng.choice(WORDS), 1) + " Edited"
        pot.append(polib.POEntry(msgid=msgid, occurrences=where))
    old, template = folder / f"old-{size}.po", folder / f"new-{size}.pot"
    old.write_text(render_po(po), "utf-8")
    template.write_text(render_po(pot), "utf-8")
    return old, template


def _peak(old: Path, template: Path, out: Path) -> int:
    tracemalloc.start()
    try:
        new, report = update_catalog(read_po(old), read_po(template), "de")
        write_po(new, out)
        assert report.fuzzy > 0  # the fuzzy matcher ran
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_update_memory_is_bounded_per_entry_and_grows_linearly(tmp_path: Path) -> None:
    small, big = 2_000, 8_000
    peaks = {size: _peak(*_files(tmp_path, size), tmp_path / f"out-{size}.po")
             for size in (small, big)}  # fmt: skip
    # 4x the entries, 4x the memory (a generous margin for fixed costs)
    assert peaks[big] < 4 * 1.3 * peaks[small], peaks


def test_read_and_write_hold_little_more_than_the_entries(tmp_path: Path) -> None:
    entries = 8_000
    old, _ = _files(tmp_path, entries)
    file_bytes = old.stat().st_size / entries
    tracemalloc.start()
    try:
        po = read_po(old)
        after_read = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        write_po(po, tmp_path / "copy.po")
        write_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "copy.po").read_bytes() == old.read_bytes()
    # A parsed entry: its values, its place in the file's bytes, and about 1 KB of
    # Python objects (with a dict per entry and a str per section it was 1.6 KB).
    assert after_read / entries < 1_100 + 2 * file_bytes, (after_read / entries, file_bytes)
    # the write streams: its peak is the entries plus a chunk, not plus the whole
    # file as text and again as bytes
    assert write_peak - after_read < 0.6 * old.stat().st_size, (write_peak, after_read)

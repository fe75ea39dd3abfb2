"""Fidelity of the PO reader/writer on real catalogs: read+write is byte-identical,
an edit changes only the edited entry's lines, and what we render for changed entries
is what GNU msgcat writes."""

from __future__ import annotations

import difflib
import random
import subprocess
from pathlib import Path
from unittest import mock

import polib
import pytest

from l10n_service.catalog import layout
from l10n_service.catalog.store import parse_po, read_po, render_po, write_po
from l10n_service.catalog.update import touch_revision
from l10n_service.errors import CatalogError

DATA = Path(__file__).resolve().parents[1] / "data" / "po"
CATALOGS = sorted(DATA.glob("*.po"))
# written by GNU tools (Transifex runs msgmerge/msgcat), so msgcat leaves them as they are
MSGCAT_CANONICAL = [p for p in CATALOGS if not p.name.startswith(("sphinx", "django-ar."))]
FIELDS = (
    "msgid",
    "msgstr",
    "msgctxt",
    "msgid_plural",
    "msgstr_plural",
    "comment",
    "tcomment",
    "occurrences",
    "flags",
    "previous_msgid",
    "previous_msgctxt",
    "obsolete",
)


def msgfmt_ok(path: Path) -> bool:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True
    )
    return result.returncode == 0


def test_the_vendored_catalogs_cover_what_matters() -> None:
    text = "".join(p.read_text("utf-8") for p in CATALOGS)
    assert len(CATALOGS) >= 8 and sum(p.stat().st_size for p in CATALOGS) < 3_000_000
    for marker in ("\n#~ msgid", "\n#| msgid", "\n#, fuzzy", "msgstr[3]", "msgstr[5]", "\n#. "):
        assert marker in text, marker
    assert (DATA / "LICENSE.md").exists()


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_read_then_write_is_byte_identical(path: Path, tmp_path: Path) -> None:
    out = tmp_path / path.name
    write_po(read_po(path), out)
    assert out.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_parse_agrees_with_polib(path: Path) -> None:
    ours, theirs = read_po(path), polib.pofile(str(path))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        for name in FIELDS:
            assert getattr(mine, name) == getattr(reference, name), (mine.linenum, name)
    assert ours.metadata == theirs.metadata and ours.header == theirs.header


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_an_untouched_entry_is_seen_as_untouched(path: Path) -> None:
    po = read_po(path)
    for entry in po:
        source = entry.__dict__[layout.SOURCE_KEY]
        assert layout.entry_snapshot(entry) == source.snapshot, entry.linenum


def _entry_lines(text: str, entry: polib.POEntry) -> range:
    """Line numbers (0-based) the entry occupies in ``text``."""
    source = entry.__dict__[layout.SOURCE_KEY]
    start = text.index(source.gap + source.text) + len(source.gap)
    first = text.count("\n", 0, start)
    return range(first, first + source.text.count("\n"))


def _changed_lines(before: str, after: str) -> set[float]:
    """Lines of ``before`` that were replaced or deleted; an insertion between lines
    i-1 and i counts as line i - 0.5."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    changed: set[float] = set()
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "insert":
            changed.add(i1 - 0.5)
        elif tag != "equal":
            changed |= set(range(i1, i2))
    return changed


def _within(changed: set[float], lines: range) -> bool:
    return all(lines.start - 0.5 <= line <= lines.stop - 0.5 for line in changed)


def _edits(po: polib.POFile) -> list[polib.POEntry]:
    """A plain entry, a plural one and an obsolete one, where the catalog has them."""
    picks = []
    for wanted in (
        lambda e: not e.obsolete and not e.msgid_plural and e.msgstr,
        lambda e: not e.obsolete and e.msgid_plural,
        lambda e: e.obsolete,
    ):
        found = [e for e in po if wanted(e)]
        if found:
            picks.append(found[len(found) // 2])
    return picks


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_editing_one_entry_changes_only_its_lines(path: Path, tmp_path: Path) -> None:
    original = path.read_text("utf-8")
    for entry in _edits(read_po(path)):
        po = read_po(path)
        target = next(e for e in po if e.linenum == entry.linenum)
        if target.msgid_plural:
            extra = " — überarbeitet, und lang genug, um über das Zeilenende umbrochen zu werden"
            target.msgstr_plural[max(target.msgstr_plural)] += extra
        else:
            target.msgstr = "Neu: " + target.msgstr + " (überarbeitet)"
            target.flags = [*target.flags, "fuzzy"] if "fuzzy" not in target.flags else []
        out = tmp_path / path.name
        write_po(po, out)
        edited = out.read_text("utf-8")
        assert _within(_changed_lines(original, edited), _entry_lines(original, target))
        assert read_po(out)[po.index(target)].msgstr_plural == target.msgstr_plural
        assert msgfmt_ok(out) == msgfmt_ok(path)


@pytest.mark.parametrize("path", CATALOGS[:4], ids=lambda p: p.name)
def test_a_header_change_changes_only_that_line(path: Path) -> None:
    original = path.read_text("utf-8")
    po = parse_po(original)
    touch_revision(po)
    changed = _changed_lines(original, render_po(po))
    assert len(changed) == 1
    assert "PO-Revision-Date" in original.splitlines()[int(changed.pop())]


@pytest.mark.parametrize("path", MSGCAT_CANONICAL, ids=lambda p: p.name)
def test_rendered_entries_are_what_msgcat_writes(path: Path) -> None:
    """Every entry rendered afresh (as if changed) comes out as msgcat writes it."""
    expected = path.read_text("utf-8")
    po = read_po(path)
    for entry in po:
        del entry.__dict__[layout.SOURCE_KEY]
    assert render_po(po) == expected


def test_wrapping_matches_msgcat_on_random_text() -> None:
    """Line breaking like libunistring: spaces, hyphens, CJK, escapes, marks, widths."""
    rng = random.Random(7)
    alphabet = (
        list("abcdefgh ABC  xyz0123456789-/%()[]{}\"'.,:;!?$+#&*<=>@_|~\\\t\n")
        + list("éжЖшالسلام日本語の文章、。「」（）ー・ぁっ한국어")
        + list("\u00a0\u2014\u2013\u2026\u201c\u201d\u00ab\u0301€\u200b")
    )
    texts = []
    for _ in range(400):
        chars = rng.sample(alphabet, rng.randint(2, 8)) + [" "] * 3 + list("abcdefgh")
        texts.append("".join(rng.choice(chars) for _ in range(rng.randint(40, 200))))
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for number, text in enumerate(texts):
        po.append(polib.POEntry(msgctxt=str(number), msgid=text, msgstr=text[::-1]))
    ours = render_po(po)
    theirs = subprocess.run(["msgcat", "-"], input=ours.encode(), capture_output=True, check=True)
    assert ours == theirs.stdout.decode()


def test_obsolete_previous_and_plural_render_like_msgcat() -> None:
    """(msgcat puts obsolete entries last, so ours is last too.)"""
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    }
    long = "A sentence that is long enough to need wrapping when it is written out by msgcat."
    po.append(
        polib.POEntry(
            msgid="%d file",
            msgid_plural="%d files",
            comment="a\n\nb",
            msgstr_plural={0: "plik", 1: "pliki", 2: long},
            occurrences=[("a" * 40 + ".py", "12"), ("b" * 30 + ".py", "7"), ("c.py", "")],
            flags=["c-format"],
        )
    )
    po.append(
        polib.POEntry(
            msgid=long,
            msgstr="x",
            obsolete=True,
            tcomment="kept",
            previous_msgid="old " + long,
            flags=["fuzzy"],
        )
    )
    ours = render_po(po)
    theirs = subprocess.run(["msgcat", "-"], input=ours.encode(), capture_output=True, check=True)
    assert ours == theirs.stdout.decode()


@pytest.mark.parametrize(
    "text",
    [
        '\ufeffmsgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "a"\nmsgstr "b"\n',
        'msgid ""\r\nmsgstr ""\r\n"Language: de\\n"\r\n\r\nmsgid "a"\r\nmsgstr "b"\r\n',
        'msgid "a"\nmsgstr "b"',
        '\n\n# stray\n\nmsgid "a"\nmsgstr "b"\n\n\n\nmsgid "c"\nmsgstr "d"\n\n# trailing comment\n',
        '#~ msgid "gone"\n#~ msgstr "weg"\n',
        "# only a comment\n",
        "",
        'msgid   "spaced"   "two strings"\nmsgstr\t""\n  "indented continuation"\n',
        '#, fuzzy\n#~| msgid "older"\n#~ msgid "old"\n#~ msgstr "alt"\n',
    ],
    ids=[
        "bom",
        "crlf",
        "no-final-newline",
        "blank-lines-and-stray-comments",
        "only-obsolete",
        "only-comment",
        "empty",
        "odd-spacing",
        "obsolete-previous",
    ],
)
def test_unusual_layouts_round_trip(text: str) -> None:
    assert render_po(parse_po(text)) == text


def test_an_appended_entry_follows_the_last_one() -> None:
    po = parse_po('msgid "a"\r\nmsgstr "b"')
    po.append(polib.POEntry(msgid="c", msgstr="d"))
    assert render_po(po) == 'msgid "a"\r\nmsgstr "b"\r\n\r\nmsgid "c"\r\nmsgstr "d"\r\n'


def test_removing_and_reordering_entries(tmp_path: Path) -> None:
    path = DATA / "djangojs-admin-ru.po"
    original = path.read_text("utf-8")
    po = read_po(path)
    entries = list(po)
    del po[:]
    po.extend([entries[2], entries[0], *entries[3:]])
    text = render_po(po)
    assert [e.msgid for e in polib.pofile(text)] == [e.msgid for e in po]
    kept = {e.msgid for e in po}
    assert all(line in original for line in text.splitlines())  # nothing re-rendered
    assert entries[1].msgid not in kept
    out = tmp_path / "x.po"
    out.write_text(text, "utf-8")
    assert msgfmt_ok(out)


def test_header_kept_when_metadata_gains_a_field() -> None:
    text = '# Title\nmsgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    po = parse_po(text)
    po.metadata["X-Generator"] = "test"
    assert render_po(po) == text.replace(
        '"Language: de\\n"\n', '"Language: de\\n"\n"X-Generator: test\\n"\n'
    )


def test_a_new_catalog_renders_like_msgcat(tmp_path: Path) -> None:
    po = polib.POFile()
    po.header = "Translations.\n\nSecond paragraph."
    po.metadata = {"Project-Id-Version": "x", "Content-Type": "text/plain; charset=UTF-8"}
    po.metadata_is_fuzzy = True
    po.append(polib.POEntry(msgctxt="p1.s1", msgid="Hello", msgstr="", comment="heading"))
    text = render_po(po)
    assert text.startswith('# Translations.\n#\n# Second paragraph.\n#, fuzzy\nmsgid ""\n')
    theirs = subprocess.run(["msgcat", "-"], input=text.encode(), capture_output=True, check=True)
    assert text == theirs.stdout.decode()


def test_writes_in_the_declared_charset(tmp_path: Path) -> None:
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
    data = (header + 'msgid "a"\nmsgstr "\xe9t\xe9"\n').encode("latin-1")
    path = tmp_path / "latin.po"
    path.write_bytes(data)
    po = read_po(path)
    assert po[0].msgstr == "été"
    write_po(po, path)
    assert path.read_bytes() == data
    po[0].msgstr = "\u0436"  # not in Latin-1: refused before anything is written
    with pytest.raises(CatalogError, match="cannot be written"):
        write_po(po, path)
    assert path.read_bytes() == data


def _edit_round(po: polib.POFile, round_: int) -> None:
    """Change every third active entry (a different third each round, so the second
    round edits entries the first one changed too) the way an apply does."""
    for k, entry in enumerate(e for e in po if not e.obsolete and not e.msgid_plural):
        if k % 3 != round_ % 3 and k % 5 != 0:
            continue
        entry.msgstr = f"Runde {round_}: {entry.msgid} — übersetzt, lang genug zum Umbrechen"
        kept = [f for f in entry.flags if f not in ("fuzzy", "machine")]
        entry.flags = ["fuzzy", "machine", *kept]
        entry.comment = f"mt: round {round_}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_a_catalog_kept_in_memory_writes_what_a_fresh_read_writes(
    path: Path, tmp_path: Path
) -> None:
    """The apply worker keeps a catalog between writes instead of reading back what
    it wrote: each later write must be the bytes the read-back one gives."""
    kept_path, fresh_path = tmp_path / "kept.po", tmp_path / "fresh.po"
    kept = read_po(path)
    fresh = read_po(path)
    for round_ in range(3):
        _edit_round(kept, round_)
        _edit_round(fresh, round_)
        write_po(kept, kept_path)
        write_po(fresh, fresh_path)
        assert kept_path.read_bytes() == fresh_path.read_bytes()
        fresh = read_po(fresh_path)


def test_a_kept_catalog_renders_each_changed_entry_once() -> None:
    """Entries changed since the parse are not rendered again on later writes."""
    from l10n_service.catalog import render

    po = parse_po("".join(f'msgid "m{k}"\nmsgstr ""\n\n' for k in range(20)))
    with mock.patch.object(render, "_render_sections", wraps=render._render_sections) as spy:
        for round_ in range(4):
            for entry in list(po)[5 * round_ : 5 * round_ + 5]:
                entry.msgstr = f"x{round_}"
            render_po(po)
    assert spy.call_count == 20


@pytest.mark.parametrize(
    "text",
    [
        'msgid ""\r\nmsgstr ""\r\n"Language: de\\n"\r\n\r\n'
        'msgid "a"\r\nmsgstr ""\r\n\r\nmsgid "c"\r\nmsgstr ""\r\n',
        'msgid "a"\nmsgstr ""\n\nmsgid "c"\nmsgstr ""',
        '\n\n# stray\n\nmsgid "a"\nmsgstr ""\n\n\n\nmsgid "c"\nmsgstr ""\n\n# trailing comment\n',
        'msgid   "spaced"   "two strings"\nmsgstr\t""\n  ""\n\nmsgid "c"\nmsgstr ""\n',
        '\ufeff#, fuzzy\nmsgid "a"\nmsgstr ""\n#~ msgid "old"\n#~ msgstr "alt"\n',
    ],
    ids=["crlf", "no-final-newline", "blank-lines-and-stray-comments", "odd-spacing", "bom"],
)
def test_unusual_layouts_kept_in_memory_write_what_a_fresh_read_writes(text: str) -> None:
    kept, fresh = parse_po(text), parse_po(text)
    for round_ in range(3):
        _edit_round(kept, round_)
        _edit_round(fresh, round_)
        ours = render_po(kept)
        assert ours == render_po(fresh)
        assert "\r\r" not in ours  # a kept CRLF section was once given a second \r
        fresh = parse_po(ours)

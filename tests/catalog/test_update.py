"""update_catalog keeps msgmerge's semantics, on article-like catalogs and on real
ones (plural entries, no msgctxt), and leaves unchanged entries byte for byte."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from rapidfuzz import fuzz

from l10n_service.catalog.layout import SOURCE_KEY
from l10n_service.catalog.store import TEMPLATE, read_po, render_po, write_po
from l10n_service.catalog.update import update_catalog
from l10n_service.core.states import approval_comment
from l10n_service.errors import CatalogError

DATA = Path(__file__).resolve().parents[1] / "data" / "po"


def entry(msgid: str, msgstr: str = "", **fields: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **fields)


def catalog(*entries: polib.POEntry, **metadata: str) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", **metadata}
    po.extend(entries)
    return po


def template_of(po: polib.POFile) -> polib.POFile:
    """The .pot a catalog came from: same entries, translator's side cleared."""
    pot = polib.POFile()
    pot.metadata = {**po.metadata, "POT-Creation-Date": po.metadata.get("POT-Creation-Date", "")}
    for e in po:
        if e.obsolete:
            continue
        pot.append(
            polib.POEntry(
                msgctxt=e.msgctxt,
                msgid=e.msgid,
                msgid_plural=e.msgid_plural,
                msgstr_plural=dict.fromkeys(range(2), "") if e.msgid_plural else {},
                comment=e.comment,
                occurrences=list(e.occurrences),
                flags=[f for f in e.flags if f.endswith("-format")],
            )
        )
    return pot


def by_msgid(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po if not e.obsolete}


def test_exact_match_keeps_the_translators_side_and_takes_the_templates() -> None:
    old = catalog(
        entry(
            "Hello",
            "Hallo",
            msgctxt="p1",
            tcomment="note",
            flags=["fuzzy", "machine"],
            comment="old notes\nmt: pseudo",
            occurrences=[("a.txt", "1")],
            previous_msgid="Helo",
        ),
    )
    pot = catalog(
        entry(
            "Hello",
            msgctxt="p1",
            comment="new notes",
            occurrences=[("a.txt", "9")],
            flags=["python-format"],
        )
    )
    out, report = update_catalog(old, pot, "de")
    (new,) = out
    assert (new.msgstr, new.tcomment, new.previous_msgid) == ("Hallo", "note", "Helo")
    assert new.flags == ["fuzzy", "python-format", "machine"]
    assert new.comment == "new notes\nmt: pseudo" and new.occurrences == [("a.txt", "9")]
    assert (report.exact, report.changed) == (1, False)


def test_moved_sentence_keeps_its_translation_as_is() -> None:
    old = catalog(entry("Hello", "Hallo", msgctxt="p1"))
    out, report = update_catalog(old, catalog(entry("Hello", msgctxt="p7")), "de")
    assert (out[0].msgstr, out[0].flags, report.moved) == ("Hallo", [], 1)
    assert len(out) == 1  # not also obsolete: it moved


def test_a_context_still_in_the_template_only_gives_a_fuzzy_match() -> None:
    old = catalog(entry("May", "Mai", msgctxt="month"))
    pot = catalog(entry("May", msgctxt="month"), entry("May", msgctxt="verb"))
    out, report = update_catalog(old, pot, "de")
    assert (report.exact, report.moved, report.fuzzy) == (1, 0, 1)
    verb = next(e for e in out if e.msgctxt == "verb")
    assert verb.msgstr == "Mai" and "fuzzy" in verb.flags and verb.previous_msgctxt == "month"


def test_near_match_becomes_fuzzy_with_the_previous_msgid() -> None:
    approved = approval_comment("rita", "2025-01-01", "Der zweite Satz.")
    old = catalog(
        entry("The second sentence.", "Der zweite Satz.", tcomment=approved, flags=["machine"]),
        entry("Unrelated words entirely.", "Nichts."),
    )
    pot = catalog(entry("The second sentence, edited."), entry("Something else new."))
    out, report = update_catalog(old, pot, "de")
    fuzzy = by_msgid(out)["The second sentence, edited."]
    assert fuzzy.msgstr == "Der zweite Satz." and fuzzy.flags == ["fuzzy", "machine"]
    assert fuzzy.previous_msgid == "The second sentence." and fuzzy.tcomment == ""
    assert by_msgid(out)["Something else new."].msgstr == ""
    assert [e.msgid for e in out if e.obsolete] == ["Unrelated words entirely."]
    assert (report.fuzzy, report.new, report.obsolete) == (1, 1, 1)
    assert report.fuzzy_pairs[0][:2] == ("The second sentence, edited.", "The second sentence.")


def test_fuzzy_prefers_the_same_context_on_a_tie() -> None:
    old = catalog(entry("Run fast.", "A", msgctxt="s1"), entry("Run fast.", "B", msgctxt="s2"))
    out, _ = update_catalog(old, catalog(entry("Run fast!", msgctxt="s2")), "de")
    assert out[0].msgstr == "B" and out[0].previous_msgctxt is None


def test_fuzzy_and_untranslated_entries_are_no_source_of_fuzzy_matches() -> None:
    old = catalog(
        entry("The first sentence.", "Erster", flags=["fuzzy"]), entry("The second sentence.")
    )
    out, report = update_catalog(old, catalog(entry("The first sentence!")), "de")
    assert out[0].msgstr == "" and report.fuzzy == 0
    assert [(e.msgid, e.obsolete) for e in out[1:]] == [("The first sentence.", True)]


def test_obsolete_entries_are_kept_and_revived() -> None:
    old = catalog(
        entry("Gone long ago.", "Lange weg.", obsolete=True),
        entry("Back again.", "Wieder da.", obsolete=True),
        entry("Never translated."),
    )
    out, report = update_catalog(old, catalog(entry("Back again.")), "de")
    assert [(e.msgid, e.msgstr, e.obsolete) for e in out] == [
        ("Back again.", "Wieder da.", False),
        ("Gone long ago.", "Lange weg.", True),
    ]
    assert report.obsolete == 0 and report.exact == 1


def test_header_is_maintained() -> None:
    old = catalog(
        entry("a", "b"),
        **{"Language": "xx", "Plural-Forms": "nplurals=INTEGER; plural=EXPRESSION;"},
    )
    pot = catalog(entry("a"), **{"POT-Creation-Date": "2030-01-01 00:00+0000"})
    out, _ = update_catalog(old, pot, "ru")
    assert out.metadata["Language"] == "ru"
    assert out.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert out.metadata["POT-Creation-Date"] == "2030-01-01 00:00+0000"
    fresh, _ = update_catalog(None, pot, "ar")
    assert fresh.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert fresh.metadata["Language"] == "ar" and fresh.metadata["PO-Revision-Date"]


def test_plural_entries() -> None:
    old = catalog(
        entry("%d file", "%d Datei"),
        entry("%d page", msgid_plural="%d pages", msgstr_plural={0: "%d Seite", 1: "%d Seiten"}),
        **{"Plural-Forms": "nplurals=2; plural=(n != 1);"},
    )
    pot = catalog(
        entry("%d file", msgid_plural="%d files", msgstr_plural={0: "", 1: ""}),
        entry("%d page"),
        entry(
            "Travelled %d kilometre today",
            msgid_plural="Travelled %d kilometres today",
            msgstr_plural={0: "", 1: ""},
        ),
    )
    out, _ = update_catalog(old, pot, "ru")
    files, page, day = out[0], out[1], out[2]
    assert files.msgstr_plural == {0: "%d Datei", 1: ""} and "fuzzy" in files.flags
    assert page.msgstr == "%d Seite" and "fuzzy" in page.flags
    assert day.msgstr_plural == {0: "", 1: ""}  # the catalog's own nplurals
    # the form the singular could not hold stays, obsolete
    assert [e.msgstr_plural for e in out if e.obsolete] == [{0: "%d Seite", 1: "%d Seiten"}]


def test_an_unchanged_template_changes_no_byte() -> None:
    for name in ("django-ru.po", "django-ar.po", "django-ru-msgmerge.po", "sphinx-ru.po"):
        path = DATA / name
        po = read_po(path)
        out, report = update_catalog(po, template_of(po), po.metadata["Language"])
        assert render_po(out) == path.read_text("utf-8"), name
        assert not report.changed


def _msgmerge(po: Path, pot: Path, out: Path, *options: str) -> polib.POFile:
    subprocess.run(["msgmerge", "-q", *options, "-o", str(out), str(po), str(pot)], check=True)
    return read_po(out)


def _edited_template(po: polib.POFile) -> polib.POFile:
    pot = template_of(po)
    kept = polib.POFile()
    kept.metadata = pot.metadata
    for number, e in enumerate(pot):
        if number % 13 == 4:
            continue  # removed: becomes obsolete
        if number % 7 == 2 and " " in e.msgid:
            words = e.msgid.split(" ")
            words.insert(len(words) // 2, "new")
            e.msgid = " ".join(words)
        kept.append(e)
    return kept


def _view(po: polib.POFile) -> tuple[dict[tuple[str, str], object], set[tuple[str, str]]]:
    active = {
        (e.msgctxt or "", e.msgid): (
            e.msgstr,
            e.msgstr_plural,
            "fuzzy" in e.flags,
            e.previous_msgid,
        )
        for e in po
        if not e.obsolete
    }
    obsolete = {(e.msgid, e.msgstr) for e in po if e.obsolete}
    return active, obsolete


@pytest.mark.parametrize("name", ["django-ru.po", "django-pl.po", "djangojs-admin-ar.po"])
def test_same_result_as_msgmerge_on_a_real_catalog(name: str, tmp_path: Path) -> None:
    """Same entries, translations, fuzzy flags, #| and obsolete entries as GNU msgmerge;
    except that we also find near matches msgmerge's 4-gram index misses on short
    strings (they share no 4-gram), which must then really score over the cut-off."""
    po = read_po(DATA / name)
    pot_path = tmp_path / "django.pot"
    write_po(_edited_template(po), pot_path)
    for options, fuzzy in ((["--previous"], True), (["-N"], False)):
        theirs = _msgmerge(DATA / name, pot_path, tmp_path / "theirs.po", *options)
        ours, _ = update_catalog(
            read_po(DATA / name), read_po(pot_path), po.metadata["Language"], fuzzy=fuzzy
        )
        (mine, my_obsolete), (their, their_obsolete) = _view(ours), _view(theirs)
        assert mine.keys() == their.keys()
        extra = {key for key in mine if mine[key] != their[key]}
        for key in extra:
            _, _, is_fuzzy, previous = mine[key]  # type: ignore[misc]
            assert their[key] == ("", {}, False, None) and is_fuzzy, key
            assert fuzz.ratio(key[1], previous) >= 60
        assert len(extra) <= 2
        previous_of_extra = {mine[key][3] for key in extra}  # type: ignore[index]
        assert my_obsolete <= their_obsolete
        assert {m for m, _ in their_obsolete - my_obsolete} <= previous_of_extra
        write_po(ours, tmp_path / "ours.po")
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(tmp_path / "ours.po")])
        assert check.returncode == 0


@pytest.mark.parametrize("search", ["exhaustive", "index"])
def test_only_usable_translations_donate_fuzzy_matches_on_a_generated_catalog(
    search: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edited sentences whose original is untranslated or fuzzy (active, obsolete,
    or in the same context) never take that original's text; every fuzzy match
    comes from a translated, non-fuzzy entry; and every edited sentence whose
    original is usable gets its own original back. The same whether the whole-catalog
    search scores every pair (few pairs) or goes through the n-gram index (many)."""
    import random

    import l10n_service.catalog.update as update_module

    if search == "index":
        monkeypatch.setattr(update_module, "_EXHAUSTIVE_PAIRS", 0)

    rng = random.Random(7)
    words = ["the", "city", "runners", "crossed", "square", "before", "dawn", "officials"]
    old, pot = catalog(), catalog()
    edited: dict[str, str] = {}
    for number in range(400):
        msgid = f"{number}: " + " ".join(rng.choice(words) for _ in range(rng.randint(6, 12)))
        kind = number % 5  # 0: untranslated, 1: fuzzy, 2: obsolete fuzzy, else usable
        context = f"s{number}" if number % 2 else None
        flags = ["fuzzy"] if kind in (1, 2) else []
        text = "" if kind == 0 else f"T{number}"
        old.append(entry(msgid, text, msgctxt=context, flags=flags, obsolete=kind == 2))
        new_id = msgid + " again" if number % 3 == 0 else msgid
        if new_id != msgid:
            edited[new_id] = msgid
        pot.append(entry(new_id, msgctxt=context))
    usable = {e.msgid for e in old if e.msgstr and "fuzzy" not in e.flags}
    out, report = update_catalog(old, pot, "de")
    fuzzy = [e for e in out if not e.obsolete and e.previous_msgid and "fuzzy" in e.flags]
    assert report.fuzzy == len(fuzzy) > 0
    assert all(e.previous_msgid in usable for e in fuzzy)
    results = by_msgid(out)
    own = [m for m, original in edited.items() if original in usable]
    assert own and all(results[m].previous_msgid == edited[m] for m in own)
    texts = {e.msgid: e.msgstr for e in old}
    unusable = [m for m, original in edited.items() if original not in usable]
    assert len(unusable) > 20
    for msgid in unusable:
        original = edited[msgid]
        assert results[msgid].previous_msgid != original
        assert not texts[original] or results[msgid].msgstr != texts[original]


def _placed(msgid: str, line: int, msgstr: str = "", **fields: object) -> polib.POEntry:
    return entry(msgid, msgstr, occurrences=[("articles/a.md", str(line))], **fields)


ORIGINAL = "The runners crossed the square before dawn"
ELSEWHERE = "The runners crossed the old square before the dawn"
EDITED = "The runners crossed the old square before dawn"  # closer to ELSEWHERE


def test_an_edited_sentence_finds_its_original_where_it_stood() -> None:
    """The edit scores higher against another sentence (msgmerge takes that one), but
    its original left the template from the same place: that is its translation."""
    assert fuzz.ratio(EDITED, ELSEWHERE) > fuzz.ratio(EDITED, ORIGINAL) >= 60
    old = catalog(_placed(ORIGINAL, 3, "ORIGINAL"), _placed(ELSEWHERE, 9, "ELSEWHERE"))
    pot = catalog(_placed(EDITED, 3), _placed(ELSEWHERE, 9))
    out, report = update_catalog(old, pot, "de")
    got = by_msgid(out)[EDITED]
    assert (got.msgstr, got.previous_msgid, "fuzzy" in got.flags) == ("ORIGINAL", ORIGINAL, True)
    assert report.fuzzy == 1 and not [e for e in out if e.obsolete]
    # Without references there is no place to go by: the best score wins, as in msgmerge.
    for e in (*old, *pot):
        e.occurrences = []
    out, _ = update_catalog(old, pot, "de")
    assert by_msgid(out)[EDITED].previous_msgid == ELSEWHERE


def test_an_original_without_a_usable_translation_is_not_replaced_by_another() -> None:
    """Its own original was untranslated (or fuzzy): the edit stays untranslated rather
    than taking a sentence from elsewhere that merely scores over the cut-off."""
    for unusable in ({"msgstr": ""}, {"msgstr": "OLD", "flags": ["fuzzy"]}):
        text = str(unusable.pop("msgstr"))
        old = catalog(_placed(ORIGINAL, 3, text, **unusable), _placed(ELSEWHERE, 9, "ELSEWHERE"))
        pot = catalog(_placed(EDITED, 3), _placed(ELSEWHERE, 9))
        out, report = update_catalog(old, pot, "de")
        got = by_msgid(out)[EDITED]
        assert (got.msgstr, got.previous_msgid, got.flags) == ("", None, [])
        assert report.fuzzy == 0 and report.new == 1
        assert [e.msgstr for e in out if e.obsolete] == ([text] if text else [])


def test_a_place_shared_by_several_sentences_picks_the_one_that_left() -> None:
    """Our templates give every sentence of a paragraph the paragraph's line: among the
    old entries there, only those that left the template are originals."""
    kept = "The runners crossed the old square before the dawn"
    old = catalog(_placed(ORIGINAL, 3, "ORIGINAL"), _placed(kept, 3, "KEPT"))
    pot = catalog(_placed(EDITED, 3), _placed(kept, 3))
    out, _ = update_catalog(old, pot, "de")
    results = by_msgid(out)
    assert results[EDITED].previous_msgid == ORIGINAL and results[kept].msgstr == "KEPT"


@pytest.mark.parametrize("name", ["django-ru.po", "djangojs-admin-ar.po", "sphinx-ru.po"])
def test_a_template_read_without_its_source_text_merges_the_same(name: str, tmp_path: Path) -> None:
    """``TEMPLATE`` reads skip each entry's source text (a template is never written
    back): same entries, same merge, byte for byte, and the same errors."""
    po = read_po(DATA / name)
    pot_path = tmp_path / "edited.pot"
    write_po(_edited_template(po), pot_path)
    lean, full = read_po(pot_path, options=TEMPLATE), read_po(pot_path)
    assert [vars(e).get(SOURCE_KEY) for e in lean] == [None] * len(full)
    assert [e.__dict__ | {SOURCE_KEY: None} for e in lean] == [
        e.__dict__ | {SOURCE_KEY: None} for e in full
    ]
    for fuzzy in (True, False):
        ours = update_catalog(read_po(DATA / name), lean, "ru", fuzzy=fuzzy)[0]
        theirs = update_catalog(read_po(DATA / name), full, "ru", fuzzy=fuzzy)[0]
        assert render_po(ours) == render_po(theirs)
    twice = pot_path.read_text("utf-8") + '\nmsgid "Twice"\nmsgstr ""\n' * 2
    with pytest.raises(CatalogError, match="duplicate msgid 'Twice'"):
        read_po(twice.encode(), options=TEMPLATE)


def test_a_reference_shared_by_many_departed_entries_is_no_place() -> None:
    """A file-only reference on every entry (xgettext --add-location=file): edits are
    matched against the whole catalog, as msgmerge does, not each against every entry
    that left from the same "place" (which would grow with the square of the edits)."""
    old = catalog(_placed(ORIGINAL, 1, "ORIGINAL"), _placed(ELSEWHERE, 1, "ELSEWHERE"))
    old.extend(_placed(f"Sentence number {n} about the race", 1, f"T{n}") for n in range(80))
    pot = catalog(_placed(EDITED, 1), _placed(ELSEWHERE, 1))
    out, _ = update_catalog(old, pot, "de")
    assert by_msgid(out)[EDITED].previous_msgid == ELSEWHERE  # the best score, as msgmerge
    del old[5:]
    out, _ = update_catalog(old, pot, "de")  # few departed entries there: a place again
    assert by_msgid(out)[EDITED].previous_msgid == ORIGINAL

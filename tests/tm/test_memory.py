"""TranslationMemory on SQLite and PostgreSQL: add, exact and fuzzy lookup with
provenance, catalog sync, TMX round trip."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from l10n_service.core.states import approval_comment
from l10n_service.tm import Match, TranslationMemory
from l10n_service.tm.memory import tm_url
from l10n_service.tm.pair_index import load_index


def test_default_is_sqlite_in_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("L10N_TM_URL", raising=False)
    assert tm_url(tmp_path) == f"sqlite:///{tmp_path / '.l10n' / 'tm.sqlite'}"
    with TranslationMemory.open(tmp_path) as tm:
        tm.add("en", "de", "Hello.", "Hallo.", origin="test")
    assert (tmp_path / ".l10n" / "tm.sqlite").exists()


def test_the_env_url_picks_the_backend(memory: TranslationMemory, tm_url: str) -> None:
    assert memory.engine.dialect.name == ("sqlite" if tm_url.startswith("sqlite") else "postgresql")


def test_exact_lookup_has_provenance(memory: TranslationMemory) -> None:
    memory.add(
        "en", "de", "The race starts.", "Das Rennen beginnt.", origin="a#p1", state="translated"
    )
    memory.add("en", "de", "The race starts.", "Der Lauf beginnt.", origin="b#p9", state="approved")
    memory.add("en", "fr", "The race starts.", "La course commence.", origin="a#p1")
    (hits,) = memory.lookup("en", "de", ["The race starts."])
    assert [(m.target, m.state, m.origin, m.exact, m.score) for m in hits] == [
        ("Der Lauf beginnt.", "approved", "b#p9", True, 1.0),
        ("Das Rennen beginnt.", "translated", "a#p1", True, 1.0),
    ]
    assert hits[0].changed and hits[0].source_lang == "en" and hits[0].target_lang == "de"


def test_adding_again_refreshes_instead_of_duplicating(memory: TranslationMemory) -> None:
    memory.add("en", "de", "Yes.", "Ja.", origin="one")
    memory.add("en-US", "de", "Yes.", "Ja.", origin="two", state="approved")
    memory.add("en_US", "de", "Yes.", "Ja.", origin="three", state="approved")
    assert memory.count("en", "de") == 1 and memory.count("en_US", "de") == 1
    (hit,) = memory.lookup("en-US", "de", ["Yes."])[0]
    assert (hit.origin, hit.state) == ("three", "approved")


def test_fuzzy_suggestions_with_scores(memory: TranslationMemory) -> None:
    memory.add_many(
        [
            (
                "en",
                "de",
                "The marathon returned to Pyongyang in April.",
                "Der Marathon kehrte im April zurück.",
                "a",
                "translated",
            ),
            (
                "en",
                "de",
                "Runners from abroad took part again.",
                "Läufer aus dem Ausland nahmen wieder teil.",
                "a",
                "approved",
            ),
            ("en", "de", "Something entirely different.", "Etwas ganz anderes.", "b", "translated"),
        ]
    )
    queries = [
        "The marathon returned to Pyongyang in May.",
        "Runners from abroad took part.",
        "No.",
    ]
    near, runners, none = memory.lookup("en", "de", queries, threshold=0.75)
    assert [(m.target, m.exact) for m in near] == [("Der Marathon kehrte im April zurück.", False)]
    assert 0.75 <= near[0].score < 1 and runners[0].state == "approved" and none == []
    assert memory.lookup("en", "de", queries, threshold=0.99) == [[], [], []]


def test_the_fuzzy_index_sees_new_units(memory: TranslationMemory) -> None:
    memory.add("en", "de", "The crowd cheered loudly.", "Die Menge jubelte laut.", origin="a")
    assert memory.lookup("en", "de", ["The crowd cheered very loudly."])[0]
    memory.add("en", "de", "The runners cheered loudly.", "Die Läufer jubelten laut.", origin="b")
    (hits,) = memory.lookup("en", "de", ["The runners cheered very loudly."])
    assert hits[0].target == "Die Läufer jubelten laut."


def test_sync_catalog_takes_translated_and_approved_only(memory: TranslationMemory) -> None:
    po = polib.POFile()
    po.extend(
        [
            polib.POEntry(
                msgctxt="p1",
                msgid="Approved one.",
                msgstr="Genehmigt.",
                tcomment=approval_comment("rita", "2025", "Genehmigt."),
            ),
            polib.POEntry(
                msgctxt="p2", msgid="Translated one.", msgstr="Übersetzt.", flags=["machine"]
            ),
            polib.POEntry(
                msgctxt="p3", msgid="Machine one.", msgstr="Maschine.", flags=["fuzzy", "machine"]
            ),
            polib.POEntry(msgctxt="p4", msgid="Fuzzy one.", msgstr="Unscharf.", flags=["fuzzy"]),
            polib.POEntry(msgctxt="p5", msgid="Empty one.", msgstr=""),
            polib.POEntry(msgid="Old one.", msgstr="Alt.", obsolete=True),
        ]
    )
    assert memory.sync_catalog(po, "en", "de", origin="post") == 2
    found = memory.lookup(
        "en", "de", ["Approved one.", "Translated one.", "Machine one.", "Fuzzy one."]
    )
    assert [[(m.state, m.origin) for m in hits] for hits in found] == [
        [("approved", "post#p1")],
        [("translated", "post#p2")],
        [],
        [],
    ]


def test_tmx_round_trip(memory: TranslationMemory, tmp_path: Path) -> None:
    memory.add("en", "de", "A & B <i>", "A & B <i>", origin="x#1", state="approved")
    memory.add("en", "pt_BR", "Hello.", "Olá.", origin="x#2")
    out = tmp_path / "memory.tmx"
    assert memory.export_tmx(out) == 2
    root = etree.parse(str(out)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert (
        header is not None and header.get("srclang") == "en" and header.get("segtype") == "sentence"
    )
    assert {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")} == {
        "en",
        "de",
        "pt-BR",
    }
    with TranslationMemory.open(tmp_path, url=f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy:
        assert copy.import_tmx(out) == 2
        (hit,) = copy.lookup("en", "de", ["A & B <i>"])[0]
        assert (hit.target, hit.origin, hit.state) == ("A & B <i>", "x#1", "approved")
        assert copy.lookup("en", "pt-BR", ["Hello."])[0][0].target == "Olá."


def test_import_tmx_from_another_tool(memory: TranslationMemory, tmp_path: Path) -> None:
    tmx = tmp_path / "other.tmx"
    tmx.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
 <header creationtool="X" creationtoolversion="1" segtype="sentence" o-tmf="x"
         adminlang="en-US" srclang="en-US" datatype="plaintext"/>
 <body>
  <tu tuid="1">
   <tuv xml:lang="en-US"><seg>Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1"
    >&lt;/b&gt;</ept>.</seg></tuv>
   <tuv xml:lang="de-DE"><seg>Klicken Sie auf <bpt i="1">&lt;b&gt;</bpt>Speichern<ept
    i="1">&lt;/b&gt;</ept>.</seg></tuv>
   <tuv xml:lang="fr-FR"><seg>Cliquez sur <ph>&lt;br/&gt;</ph>Enregistrer.</seg></tuv>
  </tu>
  <tu><tuv xml:lang="en-US"><seg>Lonely.</seg></tuv></tu>
 </body>
</tmx>""",
        "utf-8",
    )
    assert memory.import_tmx(tmx) == 2
    (hit,) = memory.lookup("en_US", "de_DE", ["Click <b>Save</b>."])[0]
    assert hit.target == "Klicken Sie auf <b>Speichern</b>." and hit.origin == "tmx:other.tmx"
    assert (
        memory.lookup("en-US", "fr-FR", ["Click <b>Save</b>."])[0][0].target
        == "Cliquez sur <br/>Enregistrer."
    )


def test_hostile_tmx_is_refused_without_expanding_entities(
    memory: TranslationMemory, tmp_path: Path
) -> None:
    tmx = tmp_path / "evil.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<tmx version="1.4"><header srclang="en"/><body><tu>'
        '<tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="de"><seg>&x;</seg></tuv>'
        "</tu></body></tmx>",
        "utf-8",
    )
    memory.import_tmx(tmx)
    assert all("root:" not in m.target for hits in memory.lookup("en", "de", ["a"]) for m in hits)
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx><body><tu>", "utf-8")
    with pytest.raises(Exception, match=r"broken\.tmx"):
        memory.import_tmx(broken)


def test_match_is_a_value() -> None:
    match = Match("a", "b", 1.0, True, "o", "approved", "en", "de", "20250101T000000Z")
    with pytest.raises(AttributeError):
        match.score = 0.5  # type: ignore[misc]


def test_the_built_index_is_saved_and_reused(tm_url: str, tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path, url=tm_url) as tm:
        tm.add("en", "de", "The marathon opened again.", "Der Marathon öffnete wieder.", origin="a")
        assert tm.lookup("en", "de", ["The marathon opened again!"])[0]
    saved = list((tmp_path / ".l10n" / "tm-index").glob("*.npz"))
    assert len(saved) == 1
    with TranslationMemory.open(tmp_path, url=tm_url) as tm:  # another process, in effect
        assert load_index(saved[0], (1, 1)) is not None
        (hit,) = tm.lookup("en", "de", ["The marathon opened again!"])[0]
        assert hit.target == "Der Marathon öffnete wieder."
        tm.add("en", "de", "The marathon closed again.", "Der Marathon schloss wieder.", origin="b")
        (first, *_) = tm.lookup("en", "de", ["The marathon closed again!"])[0]
        assert first.target == "Der Marathon schloss wieder."  # a stale saved index is rebuilt
    saved[0].write_bytes(b"garbage")
    with TranslationMemory.open(tmp_path, url=tm_url) as tm:
        assert tm.lookup("en", "de", ["The marathon opened again!"])[0]

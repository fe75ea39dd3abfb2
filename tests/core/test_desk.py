"""The desk's page model, built from plain values: every occurrence of a sentence
in document order, edited on its first one; states, QA, suggestions, glossary
terms and the previous-source diff per segment; what "clean" and the filters mean."""

from __future__ import annotations

from dataclasses import replace

from l10n_service.core.desk import (
    BlockView,
    DeskFinding,
    EntryData,
    SegmentView,
    Suggestion,
    build_blocks,
    clean_entries,
    count_states,
    language_machine_share,
    term_finder,
)
from l10n_service.core.diff import Change
from l10n_service.core.formats import parse_article
from l10n_service.core.glossary import parse_glossary
from l10n_service.core.post_edit import machine_text_line
from l10n_service.core.states import approval_comment

TEXT = (
    "Pyongyang Marathon Returns\n\n"
    "The marathon in Pyongyang is back. Runners came from 30 countries.\n\n"
    "The marathon in Pyongyang is back.\n\n"
    "Training starts in spring.\n"
)
ARTICLE = parse_article(TEXT, fmt="text", slug="race")
IDS = [s.entry_id for s in ARTICLE.unique_segments()]  # title, first, second, training


def entries() -> dict[str, EntryData]:
    title, back, runners, training = (s.source for s in ARTICLE.unique_segments())
    return {
        IDS[0]: EntryData(IDS[0], title, "Pjöngjang-Marathon kehrt zurück"),
        IDS[1]: EntryData(IDS[1], back, "[Ţĥéé ɱààŕààţĥööñ]", ("fuzzy", "machine"),
                          comment="mt: engine=pseudo version=1"),
        IDS[2]: EntryData(IDS[2], runners, "Läufer kamen aus 30 Ländern.",
                          tcomment=approval_comment("rita", "2026-01-01T00:00:00Z",
                                                    "Läufer kamen aus 30 Ländern.")),
        IDS[3]: EntryData(IDS[3], training, "Das Training beginnt.", ("fuzzy",),
                          previous_msgid="Training starts in summer."),
        "stray:1": EntryData("stray:1", "Only in the catalog", ""),
    }  # fmt: skip


def first(blocks: tuple[BlockView, ...], entry: str) -> SegmentView:
    return next(s for b in blocks for s in b.segments if s.entry == entry)


def test_blocks_follow_the_article_and_repeats_point_at_the_first_occurrence() -> None:
    blocks = build_blocks(ARTICLE, entries())
    segments = [s for b in blocks for s in b.segments]
    assert [s.index for s in segments] == list(range(len(segments)))
    assert [b.id for b in blocks][-1] == "catalog"  # the entry no sentence uses
    assert segments[-1].entry == "stray:1" and segments[-1].state == "untranslated"
    repeats = [s for s in segments if s.repeat_of is not None]
    assert len(repeats) == 1 and repeats[0].entry == IDS[1]
    assert segments[repeats[0].repeat_of].entry == IDS[1]
    assert not repeats[0].editable and not repeats[0].clean  # edited and approved once


def test_states_provenance_approval_and_previous_source() -> None:
    by_entry = {s.entry: s for b in build_blocks(ARTICLE, entries()) for s in b.segments
                if s.repeat_of is None}  # fmt: skip
    assert [by_entry[i].state for i in IDS] == ["translated", "machine", "approved", "fuzzy"]
    assert by_entry[IDS[1]].provenance == ("mt: engine=pseudo version=1",)
    assert by_entry[IDS[2]].approved_by == ("rita", "2026-01-01T00:00:00Z")
    diff = by_entry[IDS[3]].previous
    assert [(p.change, p.text) for p in diff if p.change is not Change.EQUAL] == [
        (Change.DELETE, "summer"), (Change.INSERT, "spring"),
    ]  # fmt: skip
    assert not by_entry[IDS[1]].previous  # only fuzzy entries show a previous source


def test_a_missing_entry_is_shown_but_not_editable() -> None:
    partial = {k: v for k, v in entries().items() if k != IDS[3]}
    segment = [s for b in build_blocks(ARTICLE, partial) for s in b.segments][-2]
    assert segment.entry == IDS[3] and segment.state == "missing" and not segment.editable


def test_clean_means_a_translation_without_qa_errors_and_not_fuzzy() -> None:
    error = {IDS[0]: (DeskFinding("numbers", "error", "number 30 missing"),)}
    warning = {IDS[1]: (DeskFinding("length", "warning", "long"),)}
    machine = entries()[IDS[1]]
    kept = f"{machine.comment}\n{machine_text_line(machine.msgstr, 'pseudo')}"
    changed = replace(machine, msgstr="Der Marathon ist zurück.", comment=kept)
    edited = {**entries(), IDS[1]: changed}
    blocks = build_blocks(ARTICLE, edited, findings={**error, **warning})
    assert set(clean_entries(blocks)) == {IDS[1]}  # edited machine output, a warning only
    clean = build_blocks(ARTICLE, edited)
    assert set(clean_entries(clean)) == {IDS[0], IDS[1]}  # not approved, fuzzy, empty
    # The engine's output nobody changed is never approved in bulk.
    assert set(clean_entries(build_blocks(ARTICLE, entries()))) == {IDS[0]}
    assert count_states(clean) == {
        "translated": 1, "machine": 1, "approved": 1, "fuzzy": 1, "untranslated": 1,
    }  # fmt: skip


def test_filters() -> None:
    error = {IDS[3]: (DeskFinding("placeholders", "error", "lost <1>"),)}
    segments = [s for b in build_blocks(ARTICLE, entries(), findings=error) for s in b.segments]

    def shown(name: str) -> list[str]:
        return [s.entry for s in segments if s.shown(name)]

    assert shown("all") == [s.entry for s in segments]
    assert shown("machine") == [IDS[1], IDS[1]]  # both occurrences
    assert shown("fuzzy") == shown("errors") == [IDS[3]]
    assert shown("untranslated") == ["stray:1"]


def test_suggestions_memory_first_then_machine() -> None:
    memory = {IDS[1]: (Suggestion("tm", "Der Marathon ist zurück.", 0.9, "approved in x"),)}
    segment = first(build_blocks(ARTICLE, entries(), suggestions=memory), IDS[1])
    assert [g.kind for g in segment.suggestions] == ["tm", "machine"]
    assert segment.suggestions[1].text == "[Ţĥéé ɱààŕààţĥööñ]"
    assert segment.suggestions[1].origin == "engine=pseudo version=1"


def test_glossary_terms_of_the_sentence() -> None:
    glossary = parse_glossary(["Pyongyang\t=", "marathon\tMarathon", "spring\tFrühling", "x\ty"])
    find = term_finder(glossary)
    found = find("The marathon in Pyongyang is back.")
    assert [(t.source, t.target, t.keep) for t in found] == [
        ("marathon", "Marathon", False), ("Pyongyang", "Pyongyang", True),
    ]  # fmt: skip
    assert find("Marathons in Pyongyangs") == ()  # whole words only
    segment = first(build_blocks(ARTICLE, entries(), glossary=glossary), IDS[3])
    assert [t.source for t in segment.terms] == ["spring"]


def test_machine_share_per_segment_and_per_language() -> None:
    machine = entries()[IDS[1]]
    kept = f"{machine.comment}\n{machine_text_line(machine.msgstr, 'pseudo')}"
    half = machine.msgstr[: len(machine.msgstr) // 2]
    edited = replace(machine, msgstr=half + "x" * (len(machine.msgstr) - len(half)), comment=kept)
    blocks = build_blocks(ARTICLE, entries())
    assert first(blocks, IDS[1]).machine_share == 1.0  # unmodified (the flags say machine)
    assert first(blocks, IDS[0]).machine_share is None  # a person's text, no machine text
    # Translated entries: the title (human), the machine one, the approved one.
    assert language_machine_share(blocks) == round(1 / 3, 4)
    changed = build_blocks(ARTICLE, {**entries(), IDS[1]: edited})
    assert 0.4 <= (first(changed, IDS[1]).machine_share or 0) <= 0.6
    assert language_machine_share(changed) == 0

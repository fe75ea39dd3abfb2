"""Hypothesis strategies in one place (the attrs habit)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from l10n_service.core.inline import Markup, Piece, Text
from l10n_service.core.merge_plan import Entry

words = st.sampled_from(
    ["the", "race", "Dr.", "Sharma", "U.S.", "said", "in", "2019", "runners", "e.g.",
     "https://example.org/a", "north", "Korea's", "{name}", "50%", "“quoted”", "—", "<1>"]
)  # fmt: skip
sentences = st.lists(words, min_size=1, max_size=12).map(lambda ws: " ".join(ws)) | st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40
)


@st.composite
def inline_pieces(draw: st.DrawFn) -> list[Piece]:
    """Text with balanced markup pairs and atoms, as a format parser would produce."""
    pieces: list[Piece] = []
    depth = 0
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.sampled_from(["text", "text", "open", "close", "atom"]))
        if choice == "text":
            pieces.append(Text(draw(sentences) + draw(st.sampled_from(["", " ", ". ", "! "]))))
        elif choice == "open":
            pieces.append(Markup("open", draw(st.sampled_from(["**", "[", "<em>", "_"]))))
            depth += 1
        elif choice == "close" and depth:
            pieces.append(Markup("close", draw(st.sampled_from(["**", "](http://x.y)", "</em>"]))))
            depth -= 1
        else:
            pieces.append(Markup("atom", draw(st.sampled_from(["`code`", "<br>", "![i](a.png)"]))))
    pieces.extend(Markup("close", "**") for _ in range(depth))
    return pieces


# --- catalog merges (core.merge_plan) ---------------------------------------------------
#
# An export (base), the catalog since (ours) and the translator's file (theirs), all
# derived from the same base entries, so that every combination meets: entries
# unchanged, edited, emptied, machine-translated, approved, moved to a new id, their
# source sentence edited (with or without ``#|``) or removed, a file with entries of
# an old template, and an upload without a stamp (no base).

MSGIDS = ["Stocks rose.", "Markets fell sharply.", "The vote passed.", "Analysts expect more.",
          "Trading was heavy.", "Prices climbed again."]  # fmt: skip
# Texts carry their base entry's number: two entries never hold the same text by
# chance, so "this translation is still somewhere" means what it says.
LETTERS = st.sampled_from(["A", "B", "C"])
NOTES = st.sampled_from(["", "", "note one", "note two"])


@st.composite
def merge_entries(draw: st.DrawFn, ctxt: str, msgid: str, tag: str) -> Entry:
    """An entry in any review state: untranslated, translated, fuzzy, approved, or
    unreviewed machine output (``#, fuzzy, machine``)."""
    state = draw(st.sampled_from(["empty", "human", "human", "fuzzy", "approved", "machine"]))
    if state == "machine":
        text, fuzzy, machine = f"[M{draw(LETTERS)}{tag}]", True, True
    else:
        text = "" if state == "empty" else draw(LETTERS) + tag
        fuzzy, machine = state == "fuzzy", False
    return Entry(
        ctxt=ctxt,
        msgid=msgid,
        forms=(text,),
        fuzzy=fuzzy,
        machine=machine,
        note=draw(NOTES),
        approved=state == "approved",
    )


@st.composite
def _our_side(draw: st.DrawFn, base: list[Entry]) -> list[Entry]:
    """The catalog since the export: per entry, unchanged, re-translated, moved (same
    sentence, new id), its source edited (``l10n update`` made a fuzzy successor,
    sometimes with ``#|``) or removed (kept obsolete when translated); new entries."""
    out: list[Entry] = []
    obsolete: list[Entry] = []
    for i, was in enumerate(base):
        action = draw(st.sampled_from(["same", "same", "edit", "move", "source", "remove"]))
        if action == "same":
            out.append(was)
        elif action == "edit":
            out.append(draw(merge_entries(was.ctxt or "", was.msgid, str(i))))
        elif action == "move":
            moved = draw(st.sampled_from([was, draw(merge_entries("", was.msgid, str(i)))]))
            out.append(replace(moved, ctxt=f"q{i}.s1"))
        elif action == "source":
            out.append(
                replace(
                    was,
                    ctxt=f"r{i}.s1",
                    msgid=was.msgid.replace(".", " today."),
                    fuzzy=bool(was.text),
                    # ``#|`` as l10n update writes it, with the old context; or
                    # none (found by similarity), or one without a context.
                    **draw(
                        st.sampled_from(
                            [
                                {"previous_msgid": was.msgid, "previous_ctxt": was.ctxt},
                                {"previous_msgid": None, "previous_ctxt": None},
                                {"previous_msgid": was.msgid, "previous_ctxt": None},
                            ]
                        )
                    ),
                )
            )
        if action in ("source", "remove") and was.text:
            obsolete.append(replace(was, obsolete=True))
    for i in range(draw(st.integers(0, 2))):
        out.append(draw(merge_entries(f"n{i}.s1", draw(st.sampled_from(MSGIDS)), f"n{i}")))
    return out + obsolete


@st.composite
def _their_side(draw: st.DrawFn, base: list[Entry]) -> list[Entry]:
    """The translator's file: per entry, untouched, edited, emptied, marked or
    unmarked fuzzy, commented, or deleted from the file; now and then an entry of
    an old template."""
    out: list[Entry] = []
    for i, was in enumerate(base):
        action = draw(st.sampled_from(["same", "edit", "edit", "empty", "fuzzy", "note", "drop"]))
        if action == "same":
            out.append(was)
        elif action == "edit":
            out.append(
                replace(
                    was,
                    forms=(draw(LETTERS) + str(i),),
                    fuzzy=draw(st.booleans()) and draw(st.booleans()),
                    machine=False,
                    note=draw(NOTES),
                )
            )
        elif action == "empty":
            out.append(replace(was, forms=("",), fuzzy=False, machine=False))
        elif action == "fuzzy":
            out.append(replace(was, fuzzy=not was.fuzzy))
        elif action == "note":
            out.append(replace(was, note=draw(NOTES)))
    if draw(st.integers(0, 7)) == 0:
        out.append(Entry(ctxt="old.s1", msgid="An old sentence.", forms=(draw(LETTERS) + "x",)))
    return out


@dataclass(frozen=True)
class MergeCase:
    ours: tuple[Entry, ...]
    theirs: tuple[Entry, ...]
    base: tuple[Entry, ...] | None  # None: the upload carries no export stamp


@st.composite
def merge_cases(draw: st.DrawFn) -> MergeCase:
    msgids = draw(st.lists(st.sampled_from(MSGIDS), max_size=6))
    base = [draw(merge_entries(f"p{i}.s1", msgid, str(i))) for i, msgid in enumerate(msgids)]
    ours = draw(_our_side(base))
    theirs = draw(_their_side(base))
    stamped = draw(st.integers(0, 3)) > 0
    return MergeCase(tuple(ours), tuple(theirs), tuple(base) if stamped else None)

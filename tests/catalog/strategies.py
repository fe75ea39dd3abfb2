"""Hypothesis strategies for catalogs and templates, in one place.

Catalogs are built from a small vocabulary so that templates derived from them by
word edits produce near matches, exact matches, moves and removals all at once; some
entries are plural, fuzzy, obsolete or untranslated, some have a context.
"""

from __future__ import annotations

import polib
from hypothesis import strategies as st

WORDS = [
    "the",
    "race",
    "runners",
    "north",
    "city",
    "crowd",
    "finish",
    "line",
    "Kim",
    "marathon",
    "opened",
    "again",
    "after",
    "years",
    "foreign",
    "ran",
    "50%",
    "“x”",
]
CONTEXTS = [None, None, "p1.s1", "p2.s1", "h1", "menu"]

sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
translations = st.one_of(st.just(""), sentences.map(lambda s: "DE " + s.upper()))
flags = st.lists(
    st.sampled_from(["fuzzy", "machine", "python-format", "no-wrap"]), max_size=2, unique=True
)
comments = st.sampled_from(["", "paragraph p1", "heading\nunder: Title", "mt: pseudo 2025"])


@st.composite
def entries(draw: st.DrawFn) -> polib.POEntry:
    msgid = draw(sentences)
    plural = draw(st.integers(0, 5)) == 0
    entry = polib.POEntry(
        msgctxt=draw(st.sampled_from(CONTEXTS)),
        msgid=msgid,
        tcomment=draw(st.sampled_from(["", "translator note", "approved: rita 2025 [00000000]"])),
        comment=draw(comments),
        flags=draw(flags),
        obsolete=draw(st.integers(0, 6)) == 0,
    )
    if plural:
        entry.msgid_plural = msgid + " many"
        entry.msgstr_plural = {0: draw(translations), 1: draw(translations)}
    else:
        entry.msgstr = draw(translations)
    return entry


def _unique(items: list[polib.POEntry]) -> list[polib.POEntry]:
    seen: set[tuple[bool, str | None, str]] = set()
    kept = []
    for entry in items:
        key = (bool(entry.obsolete), entry.msgctxt, entry.msgid)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


@st.composite
def catalogs(draw: st.DrawFn) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    if draw(st.booleans()):
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.extend(_unique(draw(st.lists(entries(), max_size=12))))
    return po


@st.composite
def edited_templates(draw: st.DrawFn, po: polib.POFile) -> polib.POFile:
    """A template as the next version of the source would give: entries kept, edited
    (a word changed, added or removed), moved to another context, dropped, or new."""
    pot = polib.POFile()
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "POT-Creation-Date": "2025"}
    out = []
    for entry in po:
        if entry.obsolete and draw(st.booleans()):
            continue
        action = draw(st.sampled_from(["keep", "keep", "edit", "move", "drop", "plural"]))
        if action == "drop":
            continue
        msgid, ctxt = entry.msgid, entry.msgctxt
        if action == "edit":
            words = msgid.split(" ")
            at = draw(st.integers(0, len(words) - 1))
            words[at] = draw(st.sampled_from(WORDS))
            if draw(st.booleans()):
                words.insert(at, draw(st.sampled_from(WORDS)))
            msgid = " ".join(words)
        elif action == "move":
            ctxt = draw(st.sampled_from(CONTEXTS))
        plural = bool(entry.msgid_plural) != (action == "plural")
        out.append(
            polib.POEntry(
                msgctxt=ctxt,
                msgid=msgid,
                msgid_plural=msgid + " many" if plural else "",
                msgstr_plural={0: "", 1: ""} if plural else {},
                comment=draw(comments),
                occurrences=[("articles/a.txt", str(draw(st.integers(1, 9))))],
                flags=draw(st.sampled_from([[], ["python-format"]])),
            )
        )
    for _ in range(draw(st.integers(0, 3))):
        out.append(polib.POEntry(msgid=draw(sentences), msgctxt=draw(st.sampled_from(CONTEXTS))))
    pot.extend(_unique(out))
    return pot


@st.composite
def catalog_and_template(draw: st.DrawFn) -> tuple[polib.POFile, polib.POFile]:
    po = draw(catalogs())
    return po, draw(edited_templates(po))

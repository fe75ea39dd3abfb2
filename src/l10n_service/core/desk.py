"""The reviewer's desk page as plain data: the article block by block, each
segment with its catalog state, provenance, QA findings, suggestions and, for a
fuzzy entry, what changed in its source.

Pure: the service layer reads the catalog, the QA checks and the translation
memory and hands plain values in; the HTTP layer renders what comes out. Keeping
the model here means the rules a reviewer relies on (what counts as "clean",
which segment a filter shows, where a repeated sentence is edited) are decided in
one place and tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .diff import DiffPart, word_diff
from .glossary import KEEP, Glossary
from .model import Article, SegmentState
from .post_edit import (
    MachineOutput,
    catalog_state,
    counts_as_unmodified,
    edit_ratio,
    machine_output,
    unmodified_share,
)
from .states import (
    MACHINE_FLAG,
    MT_COMMENT_PREFIX,
    approval_of,
    text_hash,
)

__all__ = [
    "FILTERS",
    "BlockView",
    "DeskFinding",
    "EntryData",
    "SegmentView",
    "Suggestion",
    "Term",
    "build_blocks",
    "clean_entries",
    "count_states",
    "language_machine_share",
    "term_finder",
]

TM_COMMENT_PREFIX = "tm:"
# What the filter links offer; "all" shows everything.
FILTERS = ("all", "untranslated", "machine", "fuzzy", "errors")
# Editing and approving happen on the first occurrence of a shared sentence.
_EDITABLE_STATES = frozenset(SegmentState) - {SegmentState.SOURCE_FALLBACK}
# States whose text a published page may show: the base of the machine share.
_SHOWN = frozenset(s.value for s in (SegmentState.MACHINE, SegmentState.TRANSLATED,
                                     SegmentState.APPROVED))  # fmt: skip


@dataclass(frozen=True)
class EntryData:
    """One catalog entry as the desk needs it: plain values, no polib."""

    id: str  # msgctxt
    msgid: str
    msgstr: str
    flags: tuple[str, ...] = ()
    tcomment: str = ""  # translator comments (approvals live here)
    comment: str = ""  # extracted comments (mt:/tm: provenance lives here)
    previous_msgid: str | None = None
    plural: bool = False

    @property
    def state(self) -> SegmentState:
        return catalog_state(self.msgstr, self.flags, self.tcomment, self.comment)

    @property
    def machine_output(self) -> MachineOutput | None:
        return machine_output(self.msgstr, self.flags, self.comment)

    @property
    def machine_share(self) -> float | None:
        """How much of the text shown is the engine's, unchanged: 1 - the edit
        ratio (1 for a machine entry whose machine text is unknown; None when no
        machine text is known or nothing is shown)."""
        output = self.machine_output
        if not self.msgstr:
            return None
        if output is None:
            return 1.0 if counts_as_unmodified(self.state, self.msgstr, None) else None
        return round(1 - edit_ratio(output.text, self.msgstr), 4)

    @property
    def provenance(self) -> tuple[str, ...]:
        return tuple(
            line
            for line in self.comment.splitlines()
            if line.startswith((MT_COMMENT_PREFIX, TM_COMMENT_PREFIX))
        )


@dataclass(frozen=True)
class DeskFinding:
    check: str
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "tm" (translation memory) | "machine"
    text: str
    score: float | None = None  # 0..1 for memory matches
    origin: str = ""  # where it came from, in words


@dataclass(frozen=True)
class Term:
    source: str
    target: str  # what the translation must contain
    keep: bool  # a do-not-translate term


@dataclass(frozen=True)
class SegmentView:
    """One occurrence of a sentence in the article, with its entry's state."""

    index: int  # position in the page, from 0: the element id
    path: str  # structural path of this occurrence
    entry: str  # msgctxt of the catalog entry
    source: str  # masked source
    text: str  # masked translation ("" when untranslated)
    state: str  # a SegmentState value; "missing" when the catalog lacks the entry
    text_hash: str  # what an approval of the text shown is tied to
    provenance: tuple[str, ...] = ()
    approved_by: tuple[str, str] | None = None  # (who, when)
    previous: tuple[DiffPart, ...] = ()  # previous source -> source, for fuzzy entries
    findings: tuple[DeskFinding, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    terms: tuple[Term, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # placeholder -> what it stands for
    repeat_of: int | None = None  # index of the first occurrence of the same entry
    plural: bool = False
    # How much of the text is the engine's, unchanged (1 - its edit ratio); None
    # when no machine text is known.
    machine_share: float | None = None

    @property
    def qa(self) -> str:
        """The worst finding: "error", "warning" or ""."""
        severities = {f.severity for f in self.findings}
        return "error" if "error" in severities else "warning" if severities else ""

    @property
    def editable(self) -> bool:
        return self.repeat_of is None and not self.plural and self.state != "missing"

    @property
    def clean(self) -> bool:
        """Approvable in bulk: a translation (human, or machine output a person
        edited) with no QA error. Fuzzy entries are left out: their source changed,
        a person must look; so is the engine's output nobody changed."""
        return (
            self.editable
            and self.state in (SegmentState.MACHINE.value, SegmentState.TRANSLATED.value)
            and self.machine_share != 1.0
            and self.qa != "error"
        )

    def shown(self, filter_: str) -> bool:
        if filter_ == "errors":
            return self.qa == "error"
        if filter_ in ("untranslated", "machine", "fuzzy"):
            return self.state == filter_
        return True


@dataclass(frozen=True)
class BlockView:
    id: str
    type: str
    level: int
    segments: tuple[SegmentView, ...]
    attrs: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        speaker = dict(self.attrs).get("speaker")
        kind = self.type.replace("_", " ")
        if self.level:
            kind += f" {self.level}"
        return f"{kind} ({speaker})" if speaker else kind

    @property
    def clean_entries(self) -> tuple[SegmentView, ...]:
        return tuple(s for s in self.segments if s.clean)


def term_finder(glossary: Glossary) -> Callable[[str], tuple[Term, ...]]:
    """A function giving the glossary terms found in a (masked) source sentence,
    matched as whole words like the MT protection and the QA check do."""
    if not glossary:
        return lambda _source: ()
    by_source = {e.source: e for e in glossary.entries}
    terms = sorted(by_source, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")

    def find(source: str) -> tuple[Term, ...]:
        found: dict[str, Term] = {}
        for match in pattern.finditer(source):
            entry = by_source[match.group()]
            found.setdefault(
                entry.source, Term(entry.source, entry.replacement, entry.target == KEEP)
            )
        return tuple(found.values())

    return find


def machine_suggestion(entry: EntryData) -> Suggestion | None:
    """The machine translation: the text kept beside its provenance (so it can be
    gone back to after an edit), or, in a catalog written before that text was
    kept, the msgstr while the entry is still flagged machine."""
    output = entry.machine_output
    if output is None:
        if not entry.msgstr or MACHINE_FLAG not in entry.flags:
            return None
        output = MachineOutput(entry.msgstr)
    origin = next((p for p in entry.provenance if p.startswith(MT_COMMENT_PREFIX)), "")
    return Suggestion("machine", output.text, None, origin.removeprefix(MT_COMMENT_PREFIX).strip())


@dataclass(frozen=True)
class _Lookups:
    """What the service looked up per entry, shared by every segment built."""

    findings: Mapping[str, tuple[DeskFinding, ...]]
    suggestions: Mapping[str, tuple[Suggestion, ...]]
    terms: Callable[[str], tuple[Term, ...]]


def _segment(
    index: int,
    path: str,
    entry_id: str,
    source: str,
    legend: tuple[tuple[str, str], ...],
    entry: EntryData | None,
    found: _Lookups,
    repeat_of: int | None,
) -> SegmentView:
    if entry is None:
        return SegmentView(
            index, path, entry_id, source, "", "missing", text_hash(""), legend=legend,
            terms=found.terms(source), repeat_of=repeat_of,
        )  # fmt: skip
    state = entry.state
    previous: tuple[DiffPart, ...] = ()
    if state is SegmentState.FUZZY and entry.previous_msgid is not None:
        previous = word_diff(entry.previous_msgid, entry.msgid)
    # Memory matches first (people's work, and usually the better start), then
    # the machine text, to go back to after editing.
    offered = list(found.suggestions.get(entry_id, ()))
    machine = machine_suggestion(entry)
    if machine is not None:
        offered.append(machine)
    return SegmentView(
        index=index,
        path=path,
        entry=entry_id,
        source=entry.msgid,
        text=entry.msgstr,
        state=state.value,
        text_hash=text_hash(entry.msgstr),
        provenance=entry.provenance,
        approved_by=approval_of(entry.tcomment, entry.msgstr),
        previous=previous,
        findings=found.findings.get(entry_id, ()),
        suggestions=tuple(offered),
        terms=found.terms(entry.msgid),
        legend=legend,
        repeat_of=repeat_of,
        plural=entry.plural,
        machine_share=entry.machine_share,
    )


def build_blocks(
    article: Article | None,
    entries: Mapping[str, EntryData],
    *,
    findings: Mapping[str, tuple[DeskFinding, ...]] | None = None,
    suggestions: Mapping[str, tuple[Suggestion, ...]] | None = None,
    glossary: Glossary | None = None,
) -> tuple[BlockView, ...]:
    """The page's blocks: the article's own, in document order, then one block of
    catalog entries no article segment uses (a catalog made elsewhere, or one out
    of step with its template), so nothing in the catalog is hidden."""
    found = _Lookups(findings or {}, suggestions or {}, term_finder(glossary or Glossary()))
    first: dict[str, int] = {}
    blocks: list[BlockView] = []
    index = 0
    for block in article.blocks if article else ():
        views = []
        for segment in block.segments:
            repeat = first.setdefault(segment.entry_id, index)
            entry = entries.get(segment.entry_id)
            where = (index, segment.path, segment.entry_id, segment.source, segment.placeholders)
            views.append(_segment(*where, entry, found, None if repeat == index else repeat))
            index += 1
        blocks.append(BlockView(block.id, block.type.value, block.level, tuple(views), block.attrs))
    rest = []
    for entry_id, entry in entries.items():
        if entry_id not in first:
            rest.append(_segment(index, entry_id, entry_id, entry.msgid, (), entry, found, None))
            index += 1
    if rest:
        blocks.append(BlockView("catalog", "catalog", 0, tuple(rest)))
    return tuple(blocks)


def count_states(blocks: Iterable[BlockView]) -> dict[str, int]:
    """Entries (not occurrences) per state, as ``l10n status`` counts them."""
    counts = {s.value: 0 for s in _EDITABLE_STATES}
    for block in blocks:
        for segment in block.segments:
            if segment.repeat_of is None and segment.state in counts:
                counts[segment.state] += 1
    return counts


def language_machine_share(blocks: Iterable[BlockView]) -> float | None:
    """The share of entries holding a translation whose text is the engine's,
    unchanged (what ``l10n status`` shows as "unmodified MT")."""
    shown = unmodified = 0
    for block in blocks:
        for s in block.segments:
            if s.repeat_of is None and s.state in _SHOWN:
                shown += 1
                unmodified += s.machine_share == 1.0
    return unmodified_share(unmodified, shown)


def clean_entries(blocks: Iterable[BlockView]) -> dict[str, str]:
    """Entry id -> hash of the text shown, for every clean segment."""
    return {s.entry: s.text_hash for b in blocks for s in b.segments if s.clean}

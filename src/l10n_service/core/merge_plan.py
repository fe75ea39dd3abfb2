"""Plan the merge of a translator's upload into a catalog: pure, over frozen values.

The rule for one entry is :func:`.merge.merge_entry`; this module decides which
entries meet. For every active entry of the upload (``theirs``) it finds the
catalog entry it lands on (``ours``) and the entry of the export it was made from
(``base``), and says what to do:

* same key in the catalog: a plain three-way (or, without a base, two-way) merge;
* the key is gone from the catalog but was in the export: the sentence moved (same
  text, new id), changed (``l10n update`` marked a new entry fuzzy with it as
  previous msgid, or the nearest new sentence), or was removed. A moved sentence
  merges as usual; a changed one takes the translator's text as fuzzy, with the
  exported msgid as previous msgid; work on a removed one is kept as obsolete;
* the key was in neither: translated, it comes from an old template (the service
  refuses the file); empty, it is ignored.

The result is a :class:`Plan` of :class:`Step` values. :meth:`Step.result` is what
the catalog entry becomes, so the service only copies values onto polib entries,
and :func:`apply_plan` is the same transformation on values, for tests and for
callers that hold values only. One entry can be merged the same way: a page that
saves a single segment edit against the revision it loaded passes that one entry
as ``theirs`` and the stored export of that revision as ``base``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from ..errors import InputError
from .fuzzy import FuzzyIndex
from .merge import Conflict, Outcome, Pick, Side, merge_entry, pick_for

__all__ = [
    "NO_STAMP",
    "SOURCE_CHANGED",
    "Entry",
    "Plan",
    "Step",
    "apply_plan",
    "keep_orphan",
    "plan_merge",
    "settle",
]

SOURCE_CHANGED = "the source changed since the export"
NO_STAMP = "the upload has no export stamp and the catalog holds another human translation"


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalog entry as the merge sees it.

    ``forms`` is the msgstr, or the plural forms in order. ``machine`` is the
    ``machine`` flag (with ``fuzzy``: machine output nobody reviewed). ``note`` is
    the translator comment without approval lines; ``approved`` says whether it
    had any (their hash decides validity elsewhere; a changed text drops them).
    """

    ctxt: str | None
    msgid: str
    forms: tuple[str, ...] = ("",)
    msgid_plural: str = ""
    fuzzy: bool = False
    machine: bool = False
    note: str = ""
    approved: bool = False
    previous_msgid: str | None = None
    previous_ctxt: str | None = None
    obsolete: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.ctxt or "", self.msgid)

    @property
    def id(self) -> str:
        return self.ctxt or ""

    @property
    def text(self) -> str:
        """The translation, plural forms joined, so one string compares whole entries."""
        return "\x00".join(self.forms)

    @property
    def side(self) -> Side:
        return Side(self.text, self.fuzzy, machine=self.fuzzy and self.machine)


def _note(base: Entry | None, ours: Entry, theirs: Entry) -> str | None:
    """The translator's own comment, if they changed it and we did not (without a
    base: if they wrote one that differs). Approval lines are never taken from an
    upload: approving is the reviewer's act (they are not in ``note``)."""
    if base is not None and (theirs.note == base.note or ours.note != base.note):
        return None
    if theirs.note == ours.note or not theirs.note:
        return None
    return theirs.note


@dataclass(frozen=True, slots=True)
class Step:
    """One upload entry matched to a catalog entry, and what to do with it."""

    ours: Entry
    theirs: Entry
    base: Entry | None
    outcome: Outcome
    exported: Entry | None = None  # the export's entry, when its source changed since

    def result(self) -> Entry:
        """What the catalog entry becomes. A taken text that differs is human work
        now: the machine flag and any approval go; taken as fuzzy when the source
        changed since the export (or the translator left it fuzzy)."""
        entry = self.ours
        if self.outcome is Outcome.TAKE:
            fuzzy = self.exported is not None or self.theirs.fuzzy
            changed = self.theirs.text != entry.text
            entry = replace(
                entry,
                forms=self.theirs.forms,
                fuzzy=fuzzy,
                machine=entry.machine and not changed,
                approved=entry.approved and not (changed or fuzzy),
            )
            if self.exported is not None:
                same_ctxt = self.exported.ctxt == entry.ctxt
                entry = replace(
                    entry,
                    previous_msgid=self.exported.msgid,
                    previous_ctxt=None if same_ctxt else self.exported.ctxt,
                )
        note = _note(self.base, self.ours, self.theirs)
        return entry if note is None else replace(entry, note=note)

    def conflict(self) -> Conflict:
        if self.exported is not None:
            note = SOURCE_CHANGED
        else:
            note = NO_STAMP if self.base is None else ""
        return Conflict(
            id=self.ours.id,
            msgid=self.ours.msgid,
            base=self.base.text if self.base is not None else "",
            ours=self.ours.text,
            theirs=self.theirs.text,
            note=note,
        )


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...] = ()
    orphans: tuple[Entry, ...] = ()  # work on sentences removed since the export
    stale: tuple[Entry, ...] = ()  # translated, in no template we know of
    unknown: int = 0  # empty upload entries in no template we know of
    unchanged: int = 0  # entries of removed sentences the translator left as exported
    three_way: bool = False
    resolved: int = 0  # conflicts settled by a person's choice

    @property
    def conflicts(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.outcome is Outcome.CONFLICT)

    def changes(self) -> list[tuple[Step, Entry]]:
        """(step, result) for every step that changes its catalog entry."""
        found = []
        for step in self.steps:
            after = step.result()
            if after != step.ours:
                found.append((step, after))
        return found


class _Successors:
    """Where an exported entry went when its key is no longer in the catalog: the same
    sentence under a new id (moved), else the entry ``l10n update`` marked fuzzy
    with it as previous msgid, else the nearest new sentence."""

    def __init__(self, ours: Sequence[Entry], taken_keys: set[tuple[str, str]]):
        self.fresh = [e for e in ours if e.key not in taken_keys]
        self.claimed: set[int] = set()

    @cached_property
    def index(self) -> FuzzyIndex:
        return FuzzyIndex([e.msgid for e in self.fresh])

    def find(self, exported: Entry) -> Entry | None:
        """The successor, claimed so no other exported entry gets it. Each way of
        finding one skips entries already claimed: two exported entries with the
        same text must not compete for the first match."""
        found = self._same(exported)
        if found is None:
            found = self._previous(exported)
        if found is None:
            found = self._near(exported)
        if found is not None:
            self.claimed.add(id(found))
        return found

    def _free(self, entry: Entry) -> bool:
        return id(entry) not in self.claimed

    def _same(self, exported: Entry) -> Entry | None:
        return next((e for e in self.fresh if e.msgid == exported.msgid and self._free(e)), None)

    def _previous(self, exported: Entry) -> Entry | None:
        return next(
            (
                e
                for e in self.fresh
                if e.previous_msgid == exported.msgid
                and e.previous_ctxt in (None, exported.ctxt)
                and self._free(e)
            ),
            None,
        )

    def _near(self, exported: Entry) -> Entry | None:
        if not self.fresh:
            return None
        # The best unclaimed match: a few candidates first; only when they are all
        # claimed, enough of them that one is free if any scores at all.
        for limit in (5, len(self.claimed) + 1):
            for index, _ in self.index.top(exported.msgid, limit=limit):
                if self._free(self.fresh[index]):
                    return self.fresh[index]
            if limit > len(self.claimed):
                break
        return None


def _changed_source_outcome(exported: Entry, mine: Entry, theirs: Entry) -> Outcome:
    """Texts only: the catalog's entry is fuzzy because its source changed, which is
    not an edit; an empty catalog entry has nothing to lose."""
    if theirs.text == exported.text:
        return Outcome.KEEP
    if not mine.text:
        return Outcome.TAKE
    ours = Side(mine.text, machine=mine.side.machine)
    return merge_entry(Side(exported.text), ours, Side(theirs.text))


def plan_merge(
    ours: Iterable[Entry], theirs: Iterable[Entry], base: Iterable[Entry] | None
) -> Plan:
    """Match every active upload entry to the catalog and decide its outcome.

    ``ours`` is the catalog now, ``theirs`` the upload (all of it, or one edited
    entry), ``base`` the export the upload was made from, or None when it carries
    no stamp (then only gaps and unreviewed machine output are filled, and a
    different human translation is a conflict). Obsolete entries are ignored."""
    active = [e for e in ours if not e.obsolete]
    uploaded = [e for e in theirs if not e.obsolete]
    by_key = {e.key: e for e in active}
    exported = {e.key: e for e in base or () if not e.obsolete}
    # A successor is a catalog entry the export did not have, and that no upload
    # entry names directly (so two steps never land on one entry).
    successors = _Successors(active, set(exported) | {e.key for e in uploaded})
    steps: list[Step] = []
    orphans: list[Entry] = []
    stale: list[Entry] = []
    unknown = unchanged = 0
    for entry in uploaded:
        mine, was = by_key.get(entry.key), exported.get(entry.key)
        if mine is not None:
            outcome = merge_entry(was.side if was else None, mine.side, entry.side)
            steps.append(Step(mine, entry, was, outcome))
        elif was is None:
            if entry.text:
                stale.append(entry)
            else:
                unknown += 1
        elif (moved := successors.find(was)) is None:
            if entry.text != was.text:
                orphans.append(entry)
            else:
                unchanged += 1
        elif moved.msgid == was.msgid:
            steps.append(Step(moved, entry, was, merge_entry(was.side, moved.side, entry.side)))
        else:
            outcome = _changed_source_outcome(was, moved, entry)
            steps.append(Step(moved, entry, was, outcome, exported=was))
    return Plan(
        steps=tuple(steps),
        orphans=tuple(orphans),
        stale=tuple(stale),
        unknown=unknown,
        unchanged=unchanged,
        three_way=base is not None,
    )


def settle(plan: Plan, prefer: Pick | None, take: Mapping[str, Pick]) -> Plan:
    """Turn conflicts into KEEP/TAKE by a person's choices (``take`` by entry id,
    else ``prefer``); conflicts without a choice stay in :attr:`Plan.conflicts`."""
    conflicted = plan.conflicts
    unknown = set(take) - {s.ours.id for s in conflicted}
    if unknown:
        raise InputError(f"--take names entries without a conflict: {', '.join(sorted(unknown))}")
    steps = []
    for step in plan.steps:
        pick = pick_for(step.ours.id, prefer, take) if step.outcome is Outcome.CONFLICT else None
        if pick is not None:
            step = replace(step, outcome=Outcome.TAKE if pick is Pick.THEIRS else Outcome.KEEP)
        steps.append(step)
    settled = sum(1 for s in conflicted if pick_for(s.ours.id, prefer, take) is not None)
    return replace(plan, steps=tuple(steps), resolved=plan.resolved + settled)


def keep_orphan(existing: Entry | None, theirs: Entry) -> Entry:
    """Work on a sentence removed since the export, as an obsolete entry (as
    ``l10n update`` keeps any translation that leaves the template): the catalog's
    obsolete entry of the same key takes the text, else a new one is made."""
    if existing is not None:
        return replace(existing, forms=theirs.forms, note=theirs.note, approved=False)
    return Entry(
        ctxt=theirs.ctxt,
        msgid=theirs.msgid,
        forms=theirs.forms,
        msgid_plural=theirs.msgid_plural,
        note=theirs.note,
        obsolete=True,
    )


def apply_plan(catalog: Sequence[Entry], plan: Plan) -> tuple[Entry, ...]:
    """The catalog after the plan, as values: what the service writes. Open
    conflicts leave their entries as they are."""
    results = {step.ours.key: step.result() for step in plan.steps}
    out = [results.get(e.key, e) if not e.obsolete else e for e in catalog]
    for orphan in plan.orphans:
        index = next((i for i, e in enumerate(out) if e.obsolete and e.key == orphan.key), None)
        if index is None:
            out.append(keep_orphan(None, orphan))
        else:
            out[index] = keep_orphan(out[index], orphan)
    return tuple(out)

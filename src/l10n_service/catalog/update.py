"""Merge a template into a language catalog with msgmerge semantics.

* Exact (msgctxt, msgid) matches keep their translation, translator comments, state
  and previous msgid; the template brings the extracted comments (``#.``),
  references (``#:``) and format flags, as with msgmerge.
* A sentence whose context changed (its block moved) but whose text did not keeps
  its translation as it is.
* Near matches become fuzzy with the previous msgid (``#|``) so translators see what
  changed. Like msgmerge, any translated, non-fuzzy entry of the old catalog can be
  the source of a fuzzy match, active or obsolete, used or not; a same-context entry
  wins a tie.
* Unlike msgmerge (like po4a and pot2po's location matching), an edited sentence is
  first looked for where it was: among the old entries that left the template and
  share a ``#:`` reference with it (an edit keeps the sentence's place), the one
  scoring highest over the cut-off is its original. A usable original is taken even
  when another sentence elsewhere scores higher; an original without a usable
  translation (untranslated or fuzzy) leaves the entry untranslated rather than
  filled with another sentence's translation. Only entries with no such original
  are matched against the whole catalog.
* Translated entries that left the template are kept as obsolete (``#~``), never
  deleted; an entry is only dropped when all of its translations went into a new
  entry (a fuzzy match) or when an active entry already holds the same key and text.
* Our machine-provenance comments (``#. mt: ...``) and the machine text kept beside
  them (``#. mt.text:...``) survive even though msgmerge would replace extracted
  comments with the template's.
* The header is maintained: Language, Plural-Forms from babel's locale data when it is
  missing or a template placeholder, POT-Creation-Date from the template. The caller
  sets PO-Revision-Date (:func:`touch_revision`) when it writes a change.

Update is idempotent: every template entry of the result has an exact match on the
next run, so the fuzzy matcher never runs twice on the same entry. Entries whose
content did not change keep their original text (see :mod:`.layout`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import polib
from rapidfuzz import fuzz, process

from ..core.allocation import gc_paused
from ..core.locales import plural_forms
from ..core.post_edit import MT_TEXT_PREFIX
from ..core.states import FUZZY_FLAG, MT_COMMENT_PREFIX, strip_approval
from .layout import copy_layout, copy_source, new_entry
from .metadata import PLACEHOLDER_PLURAL_FORMS, plural_forms_problem
from .report import UpdateReport
from .template import header

__all__ = ["UpdateReport", "touch_revision", "update_catalog"]

# Flags the template owns (msgmerge takes them from the .pot); the rest are the
# translator's (``fuzzy``, our ``machine``...).
_TEMPLATE_FLAG = re.compile(r"^(?:no-)?(?:[\w+-]+-format|wrap)$|^range:")
_MT_MARK = "mt"  # in both of our comment prefixes: no line has one without it
assert _MT_MARK in MT_COMMENT_PREFIX and _MT_MARK in MT_TEXT_PREFIX
# A reference shared by more old entries that left the template than this (a file
# without line numbers, a rewritten page) tells little about which one an edit came
# from, and scoring each edit against all of them would grow with their square.
_CROWDED_PLACE = 64
_SAME_CONTEXT_BONUS = 1e-5  # msgmerge's preference for a match in the same context
# Fewer (query, choice) pairs than this are scored one by one (rapidfuzz, ~0.15 us a
# pair, exact); more go through the n-gram index (numpy's import and the index cost
# ~0.2 s at 10k choices).
_EXHAUSTIVE_PAIRS = 1_000_000


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _translations(entry: polib.POEntry) -> list[str]:
    """Every non-empty msgstr of an entry (what must never be lost)."""
    if entry.msgid_plural:
        return [text for _, text in sorted(entry.msgstr_plural.items()) if text]
    return [entry.msgstr] if entry.msgstr else []


def _mt_lines(comment: str) -> list[str]:
    """The provenance line and the machine text kept beside it (core.post_edit)."""
    return [
        line
        for line in comment.splitlines()
        if line.startswith((MT_COMMENT_PREFIX, MT_TEXT_PREFIX))
    ]


def _new_entry(**fields: Any) -> polib.POEntry:
    """A POEntry without polib's keyword parsing (a 100k-entry update makes 100k)."""
    return new_entry(**fields)


def _nplurals(metadata: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*([0-9]+)", metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


class _Merge:
    """One update: the old catalog's indexes and the entries being built."""

    def __init__(self, po: polib.POFile | None, pot: polib.POFile, language: str) -> None:
        self.pot = pot
        self.old: list[polib.POEntry] = list(po) if po is not None else []
        active = [e for e in self.old if not e.obsolete]
        obsolete = [e for e in self.old if e.obsolete]
        self.by_key: dict[tuple[str, str], polib.POEntry] = {}
        for entry in active + obsolete:
            self.by_key.setdefault(_key(entry), entry)
        # A translated entry whose key left the template can follow its msgid to a
        # new context (an article block that moved); one whose key is still there
        # only gives fuzzy matches, as with msgmerge.
        wanted = {_key(tpl) for tpl in pot}
        self.wanted = wanted
        self.by_msgid: dict[str, polib.POEntry] = {}
        for entry in active + obsolete:
            if _has_translation(entry) and _key(entry) not in wanted:
                self.by_msgid.setdefault(entry.msgid, entry)
        self.out = polib.POFile(wrapwidth=79)
        if po is not None:
            copy_layout(self.out, po)
            self.out.header = po.header
            self.out.metadata_is_fuzzy = po.metadata_is_fuzzy
        else:
            self.out.header = pot.header
        self.out.metadata = _metadata(po, pot, language)
        self.nplurals = _nplurals(self.out.metadata)
        self.consumed: set[int] = set()  # id() of old entries fully carried over
        self.report = UpdateReport()

    def blank(self, tpl: polib.POEntry) -> polib.POEntry:
        plural = bool(tpl.msgid_plural)
        return _new_entry(
            msgctxt=tpl.msgctxt,
            msgid=tpl.msgid,
            msgid_plural=tpl.msgid_plural or "",
            msgstr_plural=dict.fromkeys(range(self.nplurals), "") if plural else {},
            comment=tpl.comment or "",
            occurrences=list(tpl.occurrences),
            flags=[f for f in tpl.flags if f != FUZZY_FLAG],
        )

    def take_translation(self, new: polib.POEntry, old: polib.POEntry) -> bool:
        """Copy old's msgstr(s) into new; False when some did not fit (plural shape)."""
        if new.msgid_plural and old.msgid_plural:
            new.msgstr_plural = dict(old.msgstr_plural)
            return True
        if new.msgid_plural:
            forms = dict.fromkeys(range(max(self.nplurals, 1)), "")
            forms[0] = old.msgstr
            new.msgstr_plural = forms
            return True
        if old.msgid_plural:
            new.msgstr = old.msgstr_plural.get(0, "")
            return len(_translations(old)) <= 1 and not any(
                text for n, text in old.msgstr_plural.items() if n != 0
            )
        new.msgstr = old.msgstr
        return True

    def carry(self, new: polib.POEntry, old: polib.POEntry) -> None:
        """Exact or moved match: the translator's side of ``old`` onto ``new``."""
        complete = self.take_translation(new, old)
        shape_changed = bool(new.msgid_plural) != bool(old.msgid_plural)
        fuzzy = FUZZY_FLAG in old.flags or (shape_changed and _has_translation(old))
        new.flags = _merge_flags(new.flags, old.flags, fuzzy)
        new.tcomment = old.tcomment
        new.previous_msgctxt = old.previous_msgctxt
        new.previous_msgid = old.previous_msgid
        new.previous_msgid_plural = old.previous_msgid_plural
        new.comment = _with_mt_lines(new.comment, old.comment)
        copy_source(new, old)
        if complete:
            self.consumed.add(id(old))

    def fuzzy_carry(self, new: polib.POEntry, old: polib.POEntry, score: float) -> None:
        complete = self.take_translation(new, old)
        new.tcomment = strip_approval(old.tcomment or "")
        new.flags = _merge_flags(new.flags, old.flags, True)
        new.previous_msgid = old.msgid
        new.previous_msgid_plural = old.msgid_plural or None
        new.previous_msgctxt = old.msgctxt if old.msgctxt != new.msgctxt else None
        new.comment = _with_mt_lines(new.comment, old.comment)
        if complete:
            self.consumed.add(id(old))
        self.report.fuzzy += 1
        self.report.fuzzy_pairs.append((new.msgid, old.msgid, score))

    def run(self, cutoff: float, fuzzy: bool) -> tuple[polib.POFile, UpdateReport]:
        report = self.report
        pending: list[polib.POEntry] = []
        entries: list[polib.POEntry] = []
        by_key = self.by_key
        for tpl in self.pot:
            if tpl.obsolete:
                continue
            old = by_key.get((tpl.msgctxt or "", tpl.msgid))
            if old is not None and _unchanged(tpl, old):
                report.exact += 1
                self.consumed.add(id(old))
                entries.append(old)  # the usual case: nothing to merge, nothing to copy
                continue
            new = self.blank(tpl)
            if old is not None:
                report.exact += 1
                self.carry(new, old)
            else:
                moved = self.by_msgid.get(tpl.msgid)
                if moved is not None:
                    report.moved += 1
                    self.carry(new, moved)
                else:
                    pending.append(new)
            entries.append(new)
        if fuzzy and pending:
            self.match(pending, cutoff)
        report.new = len(pending) - report.fuzzy
        list.extend(self.out, entries)
        self.keep_obsolete(entries)
        return self.out, report

    def match(self, pending: list[polib.POEntry], cutoff: float) -> None:
        """Fuzzy matches for the entries no exact rule placed, all in one batch."""
        pending = self.match_in_place(pending, cutoff)
        if not pending:
            return
        sources: list[polib.POEntry] = []
        seen: set[str] = set()
        by_context: dict[str, polib.POEntry] = {}
        for old in self.old:
            if not _has_translation(old) or FUZZY_FLAG in old.flags:
                continue
            if old.msgctxt:
                by_context.setdefault(old.msgctxt, old)
            if old.msgid not in seen:
                seen.add(old.msgid)
                sources.append(old)
        if not sources:
            return
        found = _best_many([old.msgid for old in sources], [new.msgid for new in pending], cutoff)
        for new, hit in zip(pending, found, strict=True):
            best = (sources[hit[0]], hit[1]) if hit else None
            same = by_context.get(new.msgctxt) if new.msgctxt else None
            if same is not None and (best is None or same is not best[0]):
                score = fuzz.ratio(new.msgid, same.msgid) / 100
                if score >= cutoff and (best is None or score + _SAME_CONTEXT_BONUS >= best[1]):
                    best = (same, score)
            if best is not None:
                self.fuzzy_carry(new, best[0], best[1])

    def match_in_place(self, pending: list[polib.POEntry], cutoff: float) -> list[polib.POEntry]:
        """Match each entry to its original where it stands (see the module's docstring);
        the entries left over, which have none, for the search of the whole catalog."""
        at: dict[tuple[str, str], list[polib.POEntry]] = {}
        for old in self.old:
            if id(old) in self.consumed or _key(old) in self.wanted:
                continue
            for place in old.occurrences:
                at.setdefault(place, []).append(old)
        if not at:
            return pending
        floor = cutoff * 100
        crowded = [place for place, olds in at.items() if len(olds) > _CROWDED_PLACE]
        for place in crowded:
            del at[place]
        rest: list[polib.POEntry] = []
        for new in pending:
            best: polib.POEntry | None = None
            best_score = 0.0
            seen: set[int] = set()
            for place in new.occurrences:
                for old in at.get(place, ()):
                    if id(old) in seen:
                        continue
                    seen.add(id(old))
                    score = fuzz.ratio(new.msgid, old.msgid, score_cutoff=floor)
                    if score >= floor and score > best_score:
                        best, best_score = old, score
            if best is None:
                rest.append(new)
            elif _has_translation(best) and FUZZY_FLAG not in best.flags:
                self.fuzzy_carry(new, best, best_score / 100)
            # else: its original has no usable translation; it stays untranslated
        return rest

    def keep_obsolete(self, entries: list[polib.POEntry]) -> None:
        """Old translations nothing carried over stay, as obsolete entries."""
        active = {_key(e): e for e in entries}
        for old in self.old:
            if id(old) in self.consumed or not _has_translation(old):
                continue
            twin = active.get(_key(old))
            if twin is not None and _translations(twin) == _translations(old):
                continue
            if old.obsolete:
                self.out.append(old)
                continue
            gone = _new_entry(
                msgctxt=old.msgctxt,
                msgid=old.msgid,
                msgid_plural=old.msgid_plural or "",
                msgstr=old.msgstr,
                msgstr_plural=dict(old.msgstr_plural),
                flags=list(old.flags),
                tcomment=old.tcomment,
                comment=old.comment,
                occurrences=list(old.occurrences),
                previous_msgctxt=old.previous_msgctxt,
                previous_msgid=old.previous_msgid,
                previous_msgid_plural=old.previous_msgid_plural,
                obsolete=True,
            )
            copy_source(gone, old)
            self.out.append(gone)
            self.report.obsolete += 1


def _best_many(
    choices: list[str], queries: list[str], cutoff: float
) -> list[tuple[int, float] | None]:
    """Index and score of each query's best choice scoring at least ``cutoff`` (ties:
    the first choice). Few pairs are scored exhaustively, which finds every match the
    index would and no worse one; many go through :class:`..core.fuzzy.FuzzyIndex`."""
    if len(choices) * len(queries) <= _EXHAUSTIVE_PAIRS:
        found: list[tuple[int, float] | None] = []
        for query in queries:
            hit = process.extractOne(
                query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff * 100
            )
            found.append((hit[2], hit[1] / 100) if hit is not None else None)
        return found
    from ..core.fuzzy import FuzzyIndex  # numpy: only for a big search

    return FuzzyIndex(choices).best_many(queries, cutoff)


def _unchanged(tpl: polib.POEntry, old: polib.POEntry) -> bool:
    """Would merging ``tpl`` into its exact match ``old`` give ``old`` back as it is?"""
    return (
        not old.obsolete
        and (tpl.msgid_plural or "") == (old.msgid_plural or "")
        and tpl.occurrences == old.occurrences
        and _with_mt_lines(tpl.comment or "", old.comment or "") == (old.comment or "")
        and _merge_flags(tpl.flags, old.flags, FUZZY_FLAG in old.flags) == old.flags
        and (not old.msgid_plural or len(old.msgstr_plural) > 0)
    )


def _merge_flags(template: list[str], old: list[str], fuzzy: bool) -> list[str]:
    """Template flags, plus the translator's own flags, plus fuzzy when asked.

    When the result is the old set, the old order is kept so the line stays as it was.
    """
    if not old and not template:  # the usual entry: no flags on either side
        return [FUZZY_FLAG] if fuzzy else []
    mine = [f for f in old if f != FUZZY_FLAG and not _TEMPLATE_FLAG.match(f)]
    merged = [f for f in template if f != FUZZY_FLAG]
    merged += [f for f in mine if f not in merged]
    if fuzzy:
        merged.insert(0, FUZZY_FLAG)
    if set(merged) == set(old) and len(merged) == len(old):
        return list(old)
    return merged


def _with_mt_lines(template_comment: str, old_comment: str) -> str:
    if not old_comment or _MT_MARK not in old_comment:
        return template_comment  # nothing of ours to keep (most entries)
    mt = [line for line in _mt_lines(old_comment or "") if line not in template_comment]
    if not mt:
        return template_comment
    return "\n".join([*(template_comment or "").splitlines(), *mt])


def update_catalog(
    po: polib.POFile | None,
    pot: polib.POFile,
    language: str,
    *,
    cutoff: float = 0.6,
    fuzzy: bool = True,
) -> tuple[polib.POFile, UpdateReport]:
    """A new catalog for ``language`` from ``pot``, keeping everything in ``po``.

    ``fuzzy=False`` is ``msgmerge -N``: no near matches, only exact and moved ones.
    """
    with gc_paused():
        return _Merge(po, pot, language).run(cutoff, fuzzy)


def _metadata(po: polib.POFile | None, pot: polib.POFile, language: str) -> dict[str, str]:
    fresh = header(
        pot.metadata.get("Project-Id-Version", ""),
        language=language,
        plural_forms=plural_forms(language),
    )
    if po is None:
        meta = fresh
    else:
        meta = dict(po.metadata)
        current = meta.get("Plural-Forms", "").strip()
        if (
            not current
            or current == PLACEHOLDER_PLURAL_FORMS
            or plural_forms_problem(current) is not None
        ):
            meta["Plural-Forms"] = fresh["Plural-Forms"]
        if meta.get("Language") != language:
            meta["Language"] = language
        content_type = meta.get("Content-Type", "")
        if not content_type or "charset=CHARSET" in content_type:
            meta["Content-Type"] = "text/plain; charset=UTF-8"
        meta.setdefault("Content-Transfer-Encoding", "8bit")
        meta.setdefault("MIME-Version", "1.0")
    if "POT-Creation-Date" in pot.metadata:
        meta["POT-Creation-Date"] = pot.metadata["POT-Creation-Date"]
    return meta


def touch_revision(po: polib.POFile) -> None:
    po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")

"""Merge a template into a language catalog with msgmerge semantics.

Exact (msgctxt, msgid) matches keep their translation and state. A sentence whose
id changed (its block moved) but whose text did not keeps its translation as is.
Near matches become fuzzy with the previous msgid (``#|``) so translators see what
changed. Translated entries that left the template are kept as obsolete (``#~``),
never deleted. Our machine-provenance comments survive even though msgmerge would
replace extracted comments with the template's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import polib

from ..core.fuzzy import FuzzyIndex
from ..core.locales import plural_forms
from ..core.states import FUZZY_FLAG, MT_COMMENT_PREFIX, strip_approval
from .template import header

__all__ = ["UpdateReport", "update_catalog"]


@dataclass
class UpdateReport:
    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0
    fuzzy_pairs: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.fuzzy or self.new or self.obsolete)


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _has_translation(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _mt_lines(comment: str) -> list[str]:
    return [line for line in comment.splitlines() if line.startswith(MT_COMMENT_PREFIX)]


def _carry(new: polib.POEntry, old: polib.POEntry) -> None:
    """Copy the translator's side of ``old`` onto the template entry ``new``."""
    new.msgstr = old.msgstr
    if new.msgid_plural:
        new.msgstr_plural = dict(old.msgstr_plural) or new.msgstr_plural
    new.tcomment = old.tcomment
    template_flags = [f for f in new.flags if f != FUZZY_FLAG]
    new.flags = template_flags + [f for f in old.flags if f not in template_flags]
    new.previous_msgid = old.previous_msgid
    new.previous_msgctxt = old.previous_msgctxt
    mt = _mt_lines(old.comment or "")
    if mt:
        new.comment = "\n".join([*(new.comment or "").splitlines(), *mt])


def update_catalog(
    po: polib.POFile | None,
    pot: polib.POFile,
    language: str,
    *,
    cutoff: float = 0.6,
) -> tuple[polib.POFile, UpdateReport]:
    """A new catalog for ``language`` from ``pot``, keeping everything in ``po``."""
    report = UpdateReport()
    old_entries = list(po) if po is not None else []
    old_obsolete = [e for e in old_entries if e.obsolete]
    old_active = [e for e in old_entries if not e.obsolete]
    by_key = {_key(e): e for e in old_active}
    for e in old_obsolete:
        by_key.setdefault(_key(e), e)
    by_msgid: dict[str, list[polib.POEntry]] = {}
    for e in old_active + old_obsolete:
        if _has_translation(e):
            by_msgid.setdefault(e.msgid, []).append(e)

    out = polib.POFile(wrapwidth=79)
    out.header = po.header if po is not None and po.header else pot.header
    out.metadata = _metadata(po, pot, language)
    used: set[int] = set()
    pending: list[polib.POEntry] = []
    for tpl in pot:
        new = polib.POEntry(
            msgctxt=tpl.msgctxt,
            msgid=tpl.msgid,
            msgid_plural=tpl.msgid_plural,
            msgstr="",
            msgstr_plural={k: "" for k in tpl.msgstr_plural} if tpl.msgid_plural else {},
            comment=tpl.comment,
            occurrences=list(tpl.occurrences),
            flags=[f for f in tpl.flags if f != FUZZY_FLAG],
        )
        old = by_key.get(_key(tpl))
        if old is None and tpl.msgid in by_msgid:
            old = by_msgid[tpl.msgid][0]
            report.moved += 1
        elif old is not None:
            report.exact += 1
        if old is not None:
            used.add(id(old))
            _carry(new, old)
            new.obsolete = False
        else:
            pending.append(new)
        out.append(new)

    unused = [e for e in old_active + old_obsolete if id(e) not in used and _has_translation(e)]
    _fuzzy_fill(pending, unused, used, cutoff, report)
    report.new = len(pending) - report.fuzzy

    active_keys = {_key(e) for e in out}
    for old in old_active + old_obsolete:
        if id(old) in used or not _has_translation(old) or _key(old) in active_keys:
            continue
        gone = polib.POEntry(
            msgctxt=old.msgctxt,
            msgid=old.msgid,
            msgid_plural=old.msgid_plural,
            msgstr=old.msgstr,
            msgstr_plural=dict(old.msgstr_plural),
            flags=list(old.flags),
            tcomment=old.tcomment,
            comment=old.comment,
            obsolete=True,
        )
        out.append(gone)
        if not old.obsolete:
            report.obsolete += 1
    return out, report


def _fuzzy_fill(
    pending: list[polib.POEntry],
    candidates: list[polib.POEntry],
    used: set[int],
    cutoff: float,
    report: UpdateReport,
) -> None:
    if not pending or not candidates:
        return
    index = FuzzyIndex([c.msgid for c in candidates])
    for new in pending:
        match = index.best(new.msgid, cutoff)
        if match is None:
            continue
        old = candidates[match[0]]
        used.add(id(old))
        new.msgstr = old.msgstr
        if new.msgid_plural and old.msgid_plural:
            new.msgstr_plural = dict(old.msgstr_plural)
        new.tcomment = strip_approval(old.tcomment or "")
        new.flags = [FUZZY_FLAG] + [f for f in old.flags if f not in (FUZZY_FLAG,)]
        new.previous_msgid = old.msgid
        new.previous_msgctxt = old.msgctxt if old.msgctxt != new.msgctxt else None
        mt = _mt_lines(old.comment or "")
        if mt:
            new.comment = "\n".join([*(new.comment or "").splitlines(), *mt])
        report.fuzzy += 1
        report.fuzzy_pairs.append((new.msgid, old.msgid, match[1]))


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
        meta.setdefault("Plural-Forms", fresh["Plural-Forms"])
        meta["Language"] = language
        meta.setdefault("Content-Type", "text/plain; charset=UTF-8")
        meta.setdefault("Content-Transfer-Encoding", "8bit")
        meta.setdefault("MIME-Version", "1.0")
    if "POT-Creation-Date" in pot.metadata:
        meta["POT-Creation-Date"] = pot.metadata["POT-Creation-Date"]
    return meta


def touch_revision(po: polib.POFile) -> None:
    po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")

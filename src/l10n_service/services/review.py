"""Review use cases: export a catalog for a translator, and merge the edited file
back (the merge rules are :mod:`..core.merge_plan`; this module reads, checks,
locks, and copies the plan's values onto polib entries).

An export is stamped with the revision of the catalog's entries
(``X-L10N-Revision``) and a copy is kept under
``.l10n/exports/<slug>/<lang>/<revision>.po``. At import that copy is the merge
base: without it, "the translator emptied this entry" and "the translator's file
predates the machine translation that landed since" look exactly alike. An upload
without a stamp has no base: it fills gaps only, and a different human translation
in the catalog is a conflict (see :mod:`..core.merge`). So has a stamped upload
whose copy this workspace does not hold (exported elsewhere, or pruned): it is
merged the same two-way, and the report names the stamp (``base_missing``).

Every desk save is a new revision, and so a new copy: when an export writes a copy,
the catalog's copies that are both older than ``L10N_EXPORTS_MAX_AGE_DAYS`` and not
among its ``L10N_EXPORTS_KEEP`` newest are deleted (:mod:`..core.retention`). A
copy's age counts from its last export: exporting a revision again (a review page
loading it) refreshes it, so the base of a page or file in use is young. Refreshing,
writing and pruning one catalog's copies take turns under a lock; the readers (an
import, a desk save) take none, and a copy pruned under them reads as never
exported (a two-way import, or a desk save refused with "reload the page"; never a
crash).

The import here does not feed the translation memory; callers use
``services.catalogs.import_po``, which does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polib

from ..catalog.store import ReadOptions, read_po, render_po
from ..core.locales import normalize_locale
from ..core.merge import Outcome, Pick
from ..core.merge_plan import Entry, Plan, keep_orphan, plan_merge, settle
from ..core.retention import stale_copies
from ..core.states import APPROVAL_PREFIX, FUZZY_FLAG, MACHINE_FLAG, MT_COMMENT_PREFIX
from ..errors import ConflictError, NotFoundError, UploadError
from ..locking import catalog_lock
from ..settings import load_settings
from ..storage import write_atomic
from ..workspace import Workspace, load_glossary, validate_slug
from .index import write_catalog
from .qa import Issue, entry_issues

__all__ = [
    "ARTICLE_HEADER",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "REVISION_HEADER",
    "Export",
    "ImportReport",
    "catalog_revision",
    "export_path",
    "export_po",
    "merge_upload",
    "prune_exports",
]

REVISION_HEADER = "X-L10N-Revision"
ARTICLE_HEADER = "X-L10N-Article"
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
# A sentence, or a block whose markup spans sentences, is far below this; a bigger
# translation is an accident or an attack, and it would be copied into every page.
MAX_TEXT_CHARS = 65_536
_REVISION = re.compile(r"[0-9a-f]{64}")
# What a translator's file must satisfy on top of the PO grammar.
_UPLOAD = ReadOptions(
    max_bytes=MAX_UPLOAD_BYTES,
    refuse_mislabelled_utf8=True,
    require_header=True,
    max_text_chars=MAX_TEXT_CHARS,
)


# --- export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    slug: str
    lang: str
    revision: str
    data: bytes
    stored: Path


def catalog_revision(po: polib.POFile) -> str:
    """sha256 of the active entries' contents and states (the header is left out: a
    date change alone is not a new revision)."""
    rows = [
        [
            e.msgctxt or "", e.msgid, e.msgid_plural or "", e.msgstr,
            sorted(e.msgstr_plural.items()), sorted(e.flags), e.tcomment or "",
        ]
        for e in po
        if not e.obsolete
    ]  # fmt: skip
    blob = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def export_path(ws: Workspace, slug: str, lang: str, revision: str) -> Path:
    """Where the copy of an export is kept: the base of a later 3-way import."""
    return ws.state_dir / "exports" / validate_slug(slug) / lang / f"{revision}.po"


def export_po(ws: Workspace, slug: str, lang: str) -> Export:
    """The catalog as a translator downloads it, stamped, with the copy kept as base."""
    lang = normalize_locale(lang)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}; run `l10n update` first")
    with catalog_lock(path):
        po = read_po(path)
    revision = catalog_revision(po)
    po.metadata[ARTICLE_HEADER] = slug
    po.metadata[REVISION_HEADER] = revision
    data = render_po(po).encode("utf-8")
    stored = export_path(ws, slug, lang, revision)
    with catalog_lock(stored.parent):  # not the catalog's lock: no writer waits on this
        try:
            os.utime(stored)  # exported again: young again, whatever it was
        except FileNotFoundError:
            write_atomic(stored, data)
            prune_exports(ws, slug, lang, current=stored)
    return Export(slug, lang, revision, data, stored)


def prune_exports(ws: Workspace, slug: str, lang: str, *, current: Path | None = None) -> int:
    """Delete the catalog's export copies that are old and superseded (see the
    module's docstring); ``current``, the copy just written, is always kept.
    The caller holds the copies' lock. Returns how many were deleted."""
    folder = ws.state_dir / "exports" / validate_slug(slug) / lang
    settings = load_settings()
    copies: list[tuple[str, int]] = []
    for path in folder.glob("*.po"):
        if path == current or not _REVISION.fullmatch(path.stem):
            continue  # temporary files of a write in progress are not copies
        try:
            copies.append((path.name, path.stat().st_mtime_ns))
        except FileNotFoundError:
            continue
    others = settings.exports_keep - 1 if current is not None else settings.exports_keep
    stale = stale_copies(
        copies,
        now_ns=time.time_ns(),
        keep=others,
        max_age_s=settings.exports_max_age_days * 86_400,
    )
    for name in stale:
        (folder / name).unlink(missing_ok=True)
    return len(stale)


# --- reading an upload ------------------------------------------------------------------


def _is_approval(line: str) -> bool:
    return line.strip().startswith(APPROVAL_PREFIX)


def _value(entry: polib.POEntry) -> Entry:
    """A polib entry as the merge sees it."""
    if entry.msgid_plural:
        forms = tuple(v for _, v in sorted(entry.msgstr_plural.items())) or ("",)
    else:
        forms = (str(entry.msgstr),)
    comment = (entry.tcomment or "").splitlines()
    return Entry(
        ctxt=entry.msgctxt,
        msgid=entry.msgid,
        forms=forms,
        msgid_plural=entry.msgid_plural or "",
        fuzzy=FUZZY_FLAG in entry.flags,
        machine=MACHINE_FLAG in entry.flags,
        note="\n".join(x for x in comment if not _is_approval(x)),
        approved=any(_is_approval(x) for x in comment),
        previous_msgid=entry.previous_msgid or None,
        previous_ctxt=entry.previous_msgctxt,
        obsolete=bool(entry.obsolete),
    )


def _check_stamp(po: polib.POFile, name: str, slug: str, lang: str) -> None:
    revision = po.metadata.get(REVISION_HEADER)
    if revision is not None and not _REVISION.fullmatch(revision.strip()):
        raise UploadError(
            f"{name}: broken header: {REVISION_HEADER} {revision[:70]!r} is not a revision"
        )
    declared = po.metadata.get("Language", "").strip()
    if declared and normalize_locale(declared) != lang:
        raise UploadError(f"{name}: the file is for language {declared!r}, not {lang!r}")
    article = po.metadata.get(ARTICLE_HEADER, "").strip()
    if article and article != slug:
        raise UploadError(f"{name}: the file is for article {article!r}, not {slug!r}")


def _load_base(ws: Workspace, slug: str, lang: str, revision: str) -> polib.POFile | None:
    """The kept copy of an export, or None when this workspace does not hold it (the
    file was exported elsewhere, or its copy was pruned as old and superseded): the
    upload is then merged two ways, as if unstamped, which fills gaps and makes every
    different human translation a conflict, so a translator's old file still gets in
    and nothing in the catalog is overwritten unasked."""
    path = export_path(ws, slug, lang, revision.strip())
    try:
        data = path.read_bytes()  # one read: a copy pruned after a check would crash
    except FileNotFoundError:  # never written here, or pruned
        return None
    return read_po(data, str(path))


def _validate_plan(plan: Plan, uploaded: int, *, name: str, slug: str, lang: str) -> None:
    if uploaded and not plan.steps and not plan.orphans:
        raise UploadError(f"{name}: no entry matches the catalog of {slug!r}; wrong article?")
    if plan.stale:
        sample = plan.stale[0].ctxt or plan.stale[0].msgid[:40]
        raise UploadError(
            f"{name}: made from an old template of {slug!r}: {len(plan.stale)} translated "
            f"entries are no longer in it (e.g. {sample!r}); export it again with "
            f"`l10n export {slug} --lang {lang}` and carry the work over"
        )


def _raise_open_conflicts(
    plan: Plan, name: str, revision: str | None, stamp: str | None
) -> None:
    if not plan.conflicts:
        return
    conflicts = [step.conflict() for step in plan.conflicts]
    ids = ", ".join(c.id for c in conflicts)
    if revision:
        what = f"changed both in the catalog and in the upload since revision {revision[:12]}"
    elif stamp:
        what = (
            "hold a different human translation in the catalog (the export copy of "
            f"revision {stamp[:12]} is not kept here, so the merge is two-way)"
        )
    else:
        what = "hold a different human translation in the catalog (the upload has no stamp)"
    raise ConflictError(
        f"{name}: {len(conflicts)} entries {what}: {ids}; nothing was imported; "
        "choose with --theirs, --ours or --take ID=theirs|ours",
        conflicts=[c.to_dict() for c in conflicts],
    )


# --- applying ---------------------------------------------------------------------------


def _write(entry: polib.POEntry, before: Entry, after: Entry) -> None:
    """Copy what changed from ``before`` to ``after`` onto the polib entry, leaving
    every other field (and so its original text) alone."""
    if after.forms != before.forms:
        if entry.msgid_plural and after.msgid_plural:
            entry.msgstr_plural = dict(enumerate(after.forms))
        else:
            entry.msgstr = after.forms[0]
        # Human text now: machine provenance no longer describes it.
        entry.comment = "\n".join(
            x for x in (entry.comment or "").splitlines() if not x.startswith(MT_COMMENT_PREFIX)
        )
    if (after.fuzzy, after.machine) != (before.fuzzy, before.machine):
        rest = [f for f in entry.flags if f != FUZZY_FLAG and (after.machine or f != MACHINE_FLAG)]
        entry.flags = ([FUZZY_FLAG] if after.fuzzy else []) + rest
    if (after.note, after.approved) != (before.note, before.approved):
        lines = (entry.tcomment or "").splitlines()
        approvals = [x for x in lines if _is_approval(x)] if after.approved else []
        if after.note != before.note:
            lines = [after.note, *approvals] if after.note else approvals
        else:
            lines = [x for x in lines if not _is_approval(x) or after.approved]
        entry.tcomment = "\n".join(lines)
    if (after.previous_msgid, after.previous_ctxt) != (before.previous_msgid, before.previous_ctxt):
        entry.previous_msgid = after.previous_msgid
        entry.previous_msgctxt = after.previous_ctxt


def _keep_orphans(current: polib.POFile, orphans: tuple[Entry, ...]) -> None:
    for theirs in orphans:
        old = next(
            (e for e in current if e.obsolete and (e.msgctxt or "", e.msgid) == theirs.key), None
        )
        if old is not None:
            before = _value(old)
            _write(old, before, keep_orphan(before, theirs))
            continue
        kept = keep_orphan(None, theirs)
        current.append(
            polib.POEntry(
                msgctxt=kept.ctxt,
                msgid=kept.msgid,
                msgid_plural=kept.msgid_plural,
                msgstr="" if kept.msgid_plural else kept.forms[0],
                msgstr_plural=dict(enumerate(kept.forms)) if kept.msgid_plural else {},
                tcomment=kept.note,
                obsolete=True,
            )
        )


# --- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    updated: int
    unchanged: int
    unknown: int
    mode: str = "2-way"
    base_revision: str | None = None
    fuzzy: int = 0  # applied as fuzzy: the source changed since the export
    obsolete: int = 0  # work on sentences removed since the export, kept as obsolete
    resolved: int = 0  # conflicts settled by --ours/--theirs/--take
    base_missing: str | None = None  # stamped, but its export copy is not kept here
    issues: tuple[Issue, ...] = ()  # QA findings on the entries taken

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issues"] = [i.to_dict() for i in self.issues]
        return data


def merge_upload(
    ws: Workspace,
    data: bytes,
    *,
    slug: str,
    lang: str,
    name: str,
    prefer: Pick | None = None,
    take: Mapping[str, Pick] | None = None,
) -> ImportReport:
    """Merge a translator's file into the catalog: three ways when it carries an
    export stamp, filling gaps only otherwise. All or nothing: an open conflict or
    a bad file raises before anything is written. It does not feed the translation
    memory: callers use ``catalogs.import_po``, which does (and imports this module
    only for an import)."""
    lang = normalize_locale(lang)
    validate_slug(slug)
    upload = read_po(data, name, options=_UPLOAD)
    _check_stamp(upload, name, slug, lang)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}; run `l10n update` first")
    stamp = (upload.metadata.get(REVISION_HEADER) or "").strip() or None
    base = _load_base(ws, slug, lang, stamp) if stamp else None
    revision = stamp if base is not None else None
    theirs = [_value(e) for e in upload if not e.obsolete]
    with catalog_lock(path):
        current = read_po(path)
        active = {(e.msgctxt or "", e.msgid): e for e in current if not e.obsolete}
        plan = plan_merge(
            [_value(e) for e in active.values()],
            theirs,
            [_value(e) for e in base] if base is not None else None,
        )
        _validate_plan(plan, len(upload), name=name, slug=slug, lang=lang)
        plan = settle(plan, prefer, take or {})
        _raise_open_conflicts(plan, name, revision, stamp)
        changes = plan.changes()
        for step, after in changes:
            _write(active[step.ours.key], step.ours, after)
        _keep_orphans(current, plan.orphans)
        if changes or plan.orphans:
            from ..catalog.update import touch_revision  # the merge's module, only here

            touch_revision(current)
            write_catalog(ws, slug, lang, current)
    glossary = load_glossary(ws, lang)
    return ImportReport(
        updated=len(changes),
        unchanged=len(plan.steps) - len(changes) + plan.unchanged,
        unknown=plan.unknown,
        mode="3-way" if plan.three_way else "2-way",
        base_revision=revision,
        base_missing=stamp if stamp and base is None else None,
        fuzzy=sum(1 for s, _ in changes if s.exported is not None and s.outcome is Outcome.TAKE),
        obsolete=len(plan.orphans),
        resolved=plan.resolved,
        issues=tuple(
            i for s, _ in changes for i in entry_issues(slug, lang, active[s.ours.key], glossary)
        ),
    )

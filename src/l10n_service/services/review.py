"""Review use cases: export a catalog for a translator, merge the edited file back
three ways, and run QA checks on translations.

An export is stamped with the revision of the catalog's entries
(``X-L10N-Revision``) and a copy is kept under
``.l10n/exports/<slug>/<lang>/<revision>.po``. At import that copy is the merge
base: without it, "the translator emptied this entry" and "the translator's file
predates the machine translation that landed since" look exactly alike. An upload
without a stamp is merged two ways, as before exports were stamped.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import polib

from ..catalog.store import parse_po, read_po, render_po, write_po
from ..catalog.update import touch_revision
from ..core.checks import CheckContext, run_checks
from ..core.fuzzy import FuzzyIndex
from ..core.glossary import Glossary
from ..core.locales import normalize_locale
from ..core.merge import Conflict, Outcome, Pick, Side, merge_entry, pick_for
from ..core.states import (
    APPROVAL_PREFIX,
    FUZZY_FLAG,
    MACHINE_FLAG,
    MT_COMMENT_PREFIX,
    entry_state,
    strip_approval,
)
from ..errors import ConflictError, InputError, NotFoundError, UploadError
from ..locking import catalog_lock
from ..storage import write_atomic
from ..workspace import Workspace, load_glossary, validate_slug

__all__ = [
    "ARTICLE_HEADER",
    "REVISION_HEADER",
    "Export",
    "ImportReport",
    "Issue",
    "catalog_revision",
    "check_catalog",
    "entry_issues",
    "export_po",
    "import_upload",
    "load_glossary",
]

REVISION_HEADER = "X-L10N-Revision"
ARTICLE_HEADER = "X-L10N-Article"
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
# A sentence, or a block whose markup spans sentences, is far below this; a bigger
# translation is an accident or an attack, and it would be copied into every page.
MAX_TEXT_CHARS = 65_536
_REVISION = re.compile(r"[0-9a-f]{64}")


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _text(entry: polib.POEntry) -> str:
    """The translation, plural forms joined, so one string compares whole entries."""
    if entry.msgid_plural:
        return "\x00".join(v for _, v in sorted(entry.msgstr_plural.items()))
    return str(entry.msgstr)


def _side(entry: polib.POEntry) -> Side:
    fuzzy = FUZZY_FLAG in entry.flags
    return Side(_text(entry), fuzzy, machine=fuzzy and MACHINE_FLAG in entry.flags)


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


def _export_path(ws: Workspace, slug: str, lang: str, revision: str) -> Path:
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
    stored = _export_path(ws, slug, lang, revision)
    if not stored.exists():
        write_atomic(stored, data)
    return Export(slug, lang, revision, data, stored)


# --- reading an upload ------------------------------------------------------------------

_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")
_HEADER = re.compile(
    r'^msgid ""[ \t]*\r?\nmsgstr[ \t]+((?:"(?:[^"\\\n]|\\.)*"[ \t]*(?:\r?\n|\Z))+)', re.M
)
_PO_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_HEADER_LINE = re.compile(r"[A-Za-z][\w.-]*:.*")


def _decode_upload(data: bytes, name: str) -> str:
    """Text of the upload in the charset it declares, refusing a declaration that
    does not fit the bytes (the classic: saved as UTF-8, labelled ISO-8859-1)."""
    match = _CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii") if match else "UTF-8"
    if declared.upper() == "CHARSET":  # an untouched template header
        declared = "UTF-8"
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise UploadError(f"{name}: wrong charset: unknown encoding {declared!r}") from None
    if codec != "utf-8" and not data.isascii() and _is_utf8(data):
        raise UploadError(
            f"{name}: wrong charset: the header declares {declared} but the file is UTF-8; "
            "set 'Content-Type: text/plain; charset=UTF-8'"
        )
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UploadError(
            f"{name}:{line}: wrong charset: byte 0x{data[exc.start]:02x} is not valid "
            f"{declared}, the charset the header declares"
        ) from None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _header_lines(text: str) -> list[str] | None:
    match = _HEADER.search(text)
    if match is None:
        return None
    raw = "".join(_PO_STRING.findall(match.group(1)))
    value = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), raw)
    return [line for line in value.split("\n") if line.strip()]


def _check_header(text: str, po: polib.POFile, name: str) -> None:
    """polib quietly drops header lines it cannot read; we say what is wrong instead."""
    lines = _header_lines(text)
    if not lines:
        raise UploadError(f'{name}: broken header: no PO header (the msgid "" entry at the top)')
    for number, line in enumerate(lines, 1):
        if not _HEADER_LINE.fullmatch(line):
            raise UploadError(
                f"{name}: broken header: header line {number} {line[:60]!r} is not 'Name: value'"
            )
    if "charset=" not in po.metadata.get("Content-Type", ""):
        raise UploadError(
            f"{name}: broken header: no 'Content-Type: text/plain; charset=UTF-8' line"
        )
    revision = po.metadata.get(REVISION_HEADER)
    if revision is not None and not _REVISION.fullmatch(revision.strip()):
        raise UploadError(
            f"{name}: broken header: {REVISION_HEADER} {revision[:70]!r} is not a revision"
        )


def _check_target(po: polib.POFile, name: str, slug: str, lang: str) -> None:
    declared = po.metadata.get("Language", "").strip()
    if declared and normalize_locale(declared) != lang:
        raise UploadError(f"{name}: the file is for language {declared!r}, not {lang!r}")
    article = po.metadata.get(ARTICLE_HEADER, "").strip()
    if article and article != slug:
        raise UploadError(f"{name}: the file is for article {article!r}, not {slug!r}")


def _check_sizes(po: polib.POFile, name: str) -> None:
    for entry in po:
        size = max(len(entry.msgstr), *map(len, entry.msgstr_plural.values() or [""]))
        if size > MAX_TEXT_CHARS:
            raise UploadError(
                f"{name}:{entry.linenum}: entry {entry.msgctxt or entry.msgid[:40]!r}: a "
                f"translation of {size} characters is over the {MAX_TEXT_CHARS} limit"
            )


def _read_upload(data: bytes, name: str, *, slug: str, lang: str) -> polib.POFile:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: {len(data)} bytes is over the {MAX_UPLOAD_BYTES} byte limit")
    text = _decode_upload(data, name)
    po = parse_po(text, name)
    _check_header(text, po, name)
    _check_target(po, name, slug, lang)
    _check_sizes(po, name)
    return po


def _load_base(ws: Workspace, slug: str, lang: str, revision: str, name: str) -> polib.POFile:
    path = _export_path(ws, slug, lang, revision.strip())
    if not path.exists():
        raise UploadError(
            f"{name}: revision {revision[:12]} was never exported for {slug!r} in {lang!r} "
            "from this workspace"
        )
    return read_po(path)


# --- planning the merge -----------------------------------------------------------------


@dataclass
class _Step:
    """One upload entry matched to a catalog entry, and what to do with it."""

    mine: polib.POEntry
    theirs: polib.POEntry
    base: polib.POEntry | None
    outcome: Outcome
    exported: polib.POEntry | None = None  # set when the source changed since export


@dataclass
class _Plan:
    steps: list[_Step] = field(default_factory=list)
    orphans: list[polib.POEntry] = field(default_factory=list)  # their sentence was removed
    stale: list[polib.POEntry] = field(default_factory=list)  # in no template we know
    unknown: int = 0
    unchanged: int = 0


class _Successors:
    """Where an exported entry went when its key is no longer in the catalog: the same
    sentence under a new id (moved), else the entry ``l10n update`` marked fuzzy
    with it as previous msgid, else the nearest new sentence."""

    def __init__(self, current: polib.POFile, base_keys: set[tuple[str, str]]):
        self.fresh = [e for e in current if not e.obsolete and _key(e) not in base_keys]
        self.claimed: set[int] = set()

    @cached_property
    def index(self) -> FuzzyIndex:
        return FuzzyIndex([e.msgid for e in self.fresh])

    def find(self, exported: polib.POEntry) -> polib.POEntry | None:
        found = self._same(exported) or self._previous(exported) or self._near(exported)
        if found is None or id(found) in self.claimed:
            return None
        self.claimed.add(id(found))
        return found

    def _same(self, exported: polib.POEntry) -> polib.POEntry | None:
        return next((e for e in self.fresh if e.msgid == exported.msgid), None)

    def _previous(self, exported: polib.POEntry) -> polib.POEntry | None:
        return next(
            (
                e
                for e in self.fresh
                if e.previous_msgid == exported.msgid
                and e.previous_msgctxt in (None, exported.msgctxt)
            ),
            None,
        )

    def _near(self, exported: polib.POEntry) -> polib.POEntry | None:
        match = self.index.best(exported.msgid)
        return self.fresh[match[0]] if match else None


def _changed_source_outcome(
    exported: polib.POEntry, mine: polib.POEntry, theirs: polib.POEntry
) -> Outcome:
    """Texts only: the catalog's entry is fuzzy because its source changed, which is
    not an edit; an empty catalog entry has nothing to lose."""
    if _text(theirs) == _text(exported):
        return Outcome.KEEP
    if not _text(mine):
        return Outcome.TAKE
    ours = Side(_text(mine), machine=_side(mine).machine)
    return merge_entry(Side(_text(exported)), ours, Side(_text(theirs)))


def _plan(current: polib.POFile, upload: polib.POFile, base: polib.POFile | None) -> _Plan:
    active = {_key(e): e for e in current if not e.obsolete}
    exported = {_key(e): e for e in base or [] if not e.obsolete}
    successors = _Successors(current, set(exported))
    plan = _Plan()
    for theirs in (e for e in upload if not e.obsolete):
        key = _key(theirs)
        mine, was = active.get(key), exported.get(key)
        if mine is not None:
            outcome = merge_entry(_side(was) if was else None, _side(mine), _side(theirs))
            plan.steps.append(_Step(mine, theirs, was, outcome))
        elif was is None:
            if _text(theirs):
                plan.stale.append(theirs)
            else:
                plan.unknown += 1
        elif (moved := successors.find(was)) is None:
            if _text(theirs) != _text(was):
                plan.orphans.append(theirs)
            else:
                plan.unchanged += 1
        elif moved.msgid == was.msgid:
            outcome = merge_entry(_side(was), _side(moved), _side(theirs))
            plan.steps.append(_Step(moved, theirs, was, outcome))
        else:
            outcome = _changed_source_outcome(was, moved, theirs)
            plan.steps.append(_Step(moved, theirs, was, outcome, exported=was))
    return plan


def _validate_plan(plan: _Plan, upload: polib.POFile, *, name: str, slug: str, lang: str) -> None:
    if len(upload) and not plan.steps and not plan.orphans:
        raise UploadError(f"{name}: no entry matches the catalog of {slug!r}; wrong article?")
    if plan.stale:
        sample = plan.stale[0].msgctxt or plan.stale[0].msgid[:40]
        raise UploadError(
            f"{name}: made from an old template of {slug!r}: {len(plan.stale)} translated "
            f"entries are no longer in it (e.g. {sample!r}); export it again with "
            f"`l10n export {slug} --lang {lang}` and carry the work over"
        )


def _conflict(step: _Step) -> Conflict:
    note = "the source changed since the export" if step.exported is not None else ""
    return Conflict(
        id=step.mine.msgctxt or "",
        msgid=step.mine.msgid,
        base=_text(step.base) if step.base is not None else "",
        ours=_text(step.mine),
        theirs=_text(step.theirs),
        note=note,
    )


def _resolve(
    plan: _Plan, prefer: Pick | None, take: Mapping[str, Pick], *, name: str, revision: str
) -> int:
    """Turn conflicts into KEEP/TAKE by the person's choices; raise if any stays open."""
    conflicted = [s for s in plan.steps if s.outcome is Outcome.CONFLICT]
    unknown = set(take) - {s.mine.msgctxt for s in conflicted}
    if unknown:
        raise InputError(f"--take names entries without a conflict: {', '.join(sorted(unknown))}")
    open_ = []
    for step in conflicted:
        pick = pick_for(step.mine.msgctxt or "", prefer, take)
        if pick is None:
            open_.append(_conflict(step))
        else:
            step.outcome = Outcome.TAKE if pick is Pick.THEIRS else Outcome.KEEP
    if open_:
        raise ConflictError(
            f"{name}: {len(open_)} entries changed both in the catalog and in the upload since "
            f"revision {revision[:12]}: {', '.join(c.id for c in open_)}; nothing was imported; "
            "choose with --theirs, --ours or --take ID=theirs|ours",
            conflicts=[c.to_dict() for c in open_],
        )
    return len(conflicted)


# --- applying ---------------------------------------------------------------------------


def _set_text(entry: polib.POEntry, source: polib.POEntry) -> None:
    entry.msgstr = source.msgstr
    if entry.msgid_plural and source.msgstr_plural:
        entry.msgstr_plural = dict(source.msgstr_plural)


def _take_translation(entry: polib.POEntry, theirs: polib.POEntry, *, fuzzy: bool) -> None:
    """Put an uploaded translation on a catalog entry. A changed text is human work
    now: the machine flag and provenance go, and so does any approval."""
    changed = _text(theirs) != _text(entry)
    _set_text(entry, theirs)
    flags = [f for f in entry.flags if f != FUZZY_FLAG]
    if changed:
        flags = [f for f in flags if f != MACHINE_FLAG]
        entry.comment = "\n".join(
            x for x in (entry.comment or "").splitlines() if not x.startswith(MT_COMMENT_PREFIX)
        )
    entry.flags = ([FUZZY_FLAG] if fuzzy else []) + flags
    if changed or fuzzy:
        entry.tcomment = strip_approval(entry.tcomment or "")


def _take_note(step: _Step) -> bool:
    """The translator's own comment, if they changed it and we did not. Approval
    lines in an upload are never taken: approving is the reviewer's act."""
    theirs = strip_approval(step.theirs.tcomment or "")
    mine = strip_approval(step.mine.tcomment or "")
    if step.base is not None:
        was = strip_approval(step.base.tcomment or "")
        if theirs == was or mine != was:
            return False
    if theirs == mine or not theirs:
        return False
    approvals = [
        x for x in (step.mine.tcomment or "").splitlines() if x.startswith(APPROVAL_PREFIX)
    ]
    step.mine.tcomment = "\n".join([theirs, *approvals])
    return True


def _apply_step(step: _Step) -> bool:
    changed = False
    if step.outcome is Outcome.TAKE:
        _take_translation(
            step.mine,
            step.theirs,
            fuzzy=step.exported is not None or FUZZY_FLAG in step.theirs.flags,
        )
        if step.exported is not None:
            step.mine.previous_msgid = step.exported.msgid
            same_ctxt = step.exported.msgctxt == step.mine.msgctxt
            step.mine.previous_msgctxt = None if same_ctxt else step.exported.msgctxt
        changed = True
    return _take_note(step) or changed


def _keep_orphan(current: polib.POFile, theirs: polib.POEntry) -> None:
    """Work on a sentence removed since the export is kept as an obsolete entry, as
    ``l10n update`` keeps any translation that leaves the template."""
    for entry in current:
        if entry.obsolete and _key(entry) == _key(theirs):
            _set_text(entry, theirs)
            entry.tcomment = strip_approval(theirs.tcomment or "")
            return
    current.append(
        polib.POEntry(
            msgctxt=theirs.msgctxt,
            msgid=theirs.msgid,
            msgid_plural=theirs.msgid_plural,
            msgstr=theirs.msgstr,
            msgstr_plural=dict(theirs.msgstr_plural),
            tcomment=strip_approval(theirs.tcomment or ""),
            obsolete=True,
        )
    )


# --- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A QA finding on one catalog entry."""

    slug: str
    lang: str
    entry: str
    state: str
    check: str
    severity: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


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
    issues: tuple[Issue, ...] = ()  # QA findings on the entries taken

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issues"] = [i.to_dict() for i in self.issues]
        return data


def import_upload(
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
    export stamp, two ways otherwise. All or nothing: an open conflict or a bad
    file raises before anything is written."""
    lang = normalize_locale(lang)
    validate_slug(slug)
    upload = _read_upload(data, name, slug=slug, lang=lang)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}; run `l10n update` first")
    revision = (upload.metadata.get(REVISION_HEADER) or "").strip() or None
    base = _load_base(ws, slug, lang, revision, name) if revision else None
    with catalog_lock(path):
        current = read_po(path)
        plan = _plan(current, upload, base)
        _validate_plan(plan, upload, name=name, slug=slug, lang=lang)
        resolved = _resolve(plan, prefer, take or {}, name=name, revision=revision or "")
        taken = [s for s in plan.steps if _apply_step(s)]
        for orphan in plan.orphans:
            _keep_orphan(current, orphan)
        if taken or plan.orphans:
            touch_revision(current)
            write_po(current, path)
    glossary = load_glossary(ws, lang)
    return ImportReport(
        updated=len(taken),
        unchanged=len(plan.steps) - len(taken) + plan.unchanged,
        unknown=plan.unknown,
        mode="3-way" if base is not None else "2-way",
        base_revision=revision,
        fuzzy=sum(1 for s in taken if s.exported is not None and s.outcome is Outcome.TAKE),
        obsolete=len(plan.orphans),
        resolved=resolved,
        issues=tuple(i for s in taken for i in entry_issues(slug, lang, s.mine, glossary)),
    )


# --- QA checks --------------------------------------------------------------------------


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def entry_issues(
    slug: str, lang: str, entry: polib.POEntry, glossary: Glossary | None = None
) -> list[Issue]:
    context = CheckContext(frozenset(entry.flags), glossary or Glossary())
    state = entry_state(_text(entry), entry.flags, entry.tcomment or "").value
    seen: dict[tuple[str, str], Issue] = {}
    for source, text in _pairs(entry):
        for finding in run_checks(source, text, context):
            issue = Issue(
                slug, lang, entry.msgctxt or entry.msgid[:60], state,
                finding.check, finding.severity.value, finding.message,
            )  # fmt: skip
            seen.setdefault((finding.check, finding.message), issue)
    return list(seen.values())


def check_catalog(ws: Workspace, slug: str, lang: str) -> list[Issue]:
    """QA findings on every translated entry of one catalog (machine output included:
    a reviewer wants to know before accepting it)."""
    lang = normalize_locale(lang)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    glossary = load_glossary(ws, lang)
    return [
        issue
        for entry in read_po(path)
        if not entry.obsolete and _text(entry).strip("\x00")
        for issue in entry_issues(slug, lang, entry, glossary)
    ]

"""Catalog use cases: write templates, update languages, report status, import a
translator's file, approve entries. All writes go through the catalog lock."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from ..catalog.store import parse_po, read_po, write_po
from ..catalog.template import article_template, template_signature
from ..catalog.update import UpdateReport, touch_revision, update_catalog
from ..core.locales import normalize_locale
from ..core.model import SegmentState
from ..core.states import (
    FUZZY_FLAG,
    MACHINE_FLAG,
    approval_comment,
    entry_state,
    strip_approval,
)
from ..errors import CatalogError, NotFoundError, UploadError
from ..locking import catalog_lock
from ..workspace import Workspace
from .articles import load_article

__all__ = [
    "StatusRow",
    "approve",
    "catalog_status",
    "ensure_language",
    "import_po",
    "refresh_template",
    "update_languages",
]


def refresh_template(ws: Workspace, slug: str) -> polib.POFile:
    """The article's .pot, rewritten only if its entries changed (dates aside)."""
    path = ws.pot_path(slug)
    if not ws.has_article(slug):
        if not path.exists():
            raise NotFoundError(f"no article {slug!r} (and no template) in {ws.root}")
        return read_po(path)
    article = load_article(ws, slug)
    settings = ws.article_settings(slug)
    pot = article_template(article, f"articles/{settings['file']}")
    with catalog_lock(path):
        if path.exists():
            old = read_po(path)
            if template_signature(old) == template_signature(pot):
                return old
        write_po(pot, path)
    return pot


def ensure_language(ws: Workspace, slug: str, lang: str) -> UpdateReport:
    return update_languages(ws, slug, [lang])[normalize_locale(lang)]


def update_languages(
    ws: Workspace, slug: str, langs: list[str] | None = None
) -> dict[str, UpdateReport]:
    pot = refresh_template(ws, slug)
    targets = [normalize_locale(x) for x in langs] if langs else ws.languages(slug)
    reports: dict[str, UpdateReport] = {}
    for lang in targets:
        path = ws.po_path(slug, lang)
        with catalog_lock(path):
            old = read_po(path) if path.exists() else None
            new, report = update_catalog(old, pot, lang)
            if old is None or report.changed or _entries_differ(old, new):
                if old is not None:
                    touch_revision(new)
                write_po(new, path)
        reports[lang] = report
    return reports


def _entries_differ(old: polib.POFile, new: polib.POFile) -> bool:
    def sig(po: polib.POFile) -> list[str]:
        return [str(e) for e in po]

    return sig(old) != sig(new)


@dataclass(frozen=True)
class StatusRow:
    slug: str
    lang: str
    total: int
    untranslated: int
    machine: int
    translated: int
    approved: int
    fuzzy: int

    @property
    def done_ratio(self) -> float:
        return (self.translated + self.approved) / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def count_states(po: polib.POFile) -> dict[SegmentState, int]:
    counts = dict.fromkeys(SegmentState, 0)
    for entry in po:
        if entry.obsolete:
            continue
        counts[entry_state(entry.msgstr, entry.flags, entry.tcomment or "")] += 1
    return counts


def catalog_status(ws: Workspace, slug: str | None = None) -> list[StatusRow]:
    rows = []
    for s in [slug] if slug else ws.slugs():
        for lang in ws.languages(s):
            counts = count_states(read_po(ws.po_path(s, lang)))
            rows.append(
                StatusRow(
                    slug=s,
                    lang=lang,
                    total=sum(counts.values()),
                    untranslated=counts[SegmentState.UNTRANSLATED],
                    machine=counts[SegmentState.MACHINE],
                    translated=counts[SegmentState.TRANSLATED],
                    approved=counts[SegmentState.APPROVED],
                    fuzzy=counts[SegmentState.FUZZY],
                )
            )
    return rows


@dataclass(frozen=True)
class ImportReport:
    updated: int
    unchanged: int
    unknown: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def import_po(ws: Workspace, data: bytes, *, slug: str, lang: str, name: str) -> ImportReport:
    """Bring a translator's edited catalog back. Only msgstr and flags are taken from
    the upload; entries it does not know, and every entry it left alone, stay as
    they are, so MT that landed since the export is not lost."""
    from ..catalog.store import decode_po

    lang = normalize_locale(lang)
    upload = parse_po(decode_po(data, name), name)
    declared = upload.metadata.get("Language", "").strip()
    if declared and normalize_locale(declared) != lang:
        raise UploadError(f"{name}: the file is for language {declared!r}, not {lang!r}")
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}; run `l10n update` first")
    with catalog_lock(path):
        current = read_po(path)
        by_key = {(e.msgctxt or "", e.msgid): e for e in current if not e.obsolete}
        matched = sum(1 for e in upload if (e.msgctxt or "", e.msgid) in by_key)
        if upload and matched == 0:
            raise UploadError(f"{name}: no entry matches the catalog of {slug!r}; wrong article?")
        updated = unchanged = unknown = 0
        for entry in upload:
            if entry.obsolete:
                continue
            mine = by_key.get((entry.msgctxt or "", entry.msgid))
            if mine is None:
                unknown += 1
                continue
            their_fuzzy = FUZZY_FLAG in entry.flags
            if entry.msgstr == mine.msgstr and their_fuzzy == (FUZZY_FLAG in mine.flags):
                unchanged += 1
                continue
            if not entry.msgstr and mine.msgstr:
                unchanged += 1  # an empty upload never erases a translation
                continue
            _take_translation(mine, entry.msgstr, fuzzy=their_fuzzy)
            if entry.tcomment and entry.tcomment != mine.tcomment:
                mine.tcomment = strip_approval(entry.tcomment) if mine.msgstr else entry.tcomment
            updated += 1
        if updated:
            touch_revision(current)
            write_po(current, path)
    return ImportReport(updated, unchanged, unknown)


def _take_translation(entry: polib.POEntry, msgstr: str, *, fuzzy: bool) -> None:
    changed = msgstr != entry.msgstr
    entry.msgstr = msgstr
    flags = [f for f in entry.flags if f != FUZZY_FLAG]
    if changed:
        flags = [f for f in flags if f != MACHINE_FLAG]
        entry.comment = "\n".join(
            line for line in (entry.comment or "").splitlines() if not line.startswith("mt:")
        )
    entry.flags = ([FUZZY_FLAG] if fuzzy else []) + flags
    if changed or fuzzy:
        entry.tcomment = strip_approval(entry.tcomment or "")


def approve(
    ws: Workspace,
    slug: str,
    lang: str,
    *,
    who: str,
    ids: list[str] | None = None,
    include_machine: bool = False,
) -> int:
    """Approve translated entries (all, or the given msgctxt ids). Machine output is
    approved only when asked for by id or with ``include_machine``."""
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wanted = set(ids or [])
    count = 0
    with catalog_lock(path):
        po = read_po(path)
        known = {e.msgctxt for e in po if not e.obsolete}
        missing = wanted - known
        if missing:
            raise CatalogError(f"no entries with ids {', '.join(sorted(missing))}", path)
        for entry in po:
            if entry.obsolete or not entry.msgstr or (wanted and entry.msgctxt not in wanted):
                continue
            state = entry_state(entry.msgstr, entry.flags, entry.tcomment or "")
            if state is SegmentState.APPROVED:
                continue
            if state in (SegmentState.MACHINE, SegmentState.FUZZY) and not (
                wanted or include_machine
            ):
                continue
            entry.flags = [f for f in entry.flags if f != FUZZY_FLAG]
            lines = [*strip_approval(entry.tcomment or "").splitlines()]
            lines.append(approval_comment(who.replace(" ", "_"), when, entry.msgstr))
            entry.tcomment = "\n".join(x for x in lines if x)
            count += 1
        if count:
            touch_revision(po)
            write_po(po, path)
    return count


def read_catalog(ws: Workspace, slug: str, lang: str) -> polib.POFile:
    path: Path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    return read_po(path)

"""Catalog use cases: write templates, update languages, report status, import a
translator's file (merged by :mod:`.review`, then fed to the translation memory),
approve entries. All writes go through the catalog lock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from ..catalog.report import UpdateReport
from ..catalog.store import TEMPLATE, encode_po, read_po, write_po
from ..catalog.template import article_template, template_signature
from ..core.allocation import gc_paused
from ..core.checks import Severity
from ..core.listing import StatusFigures
from ..core.locales import normalize_locale
from ..core.merge import Pick
from ..core.model import SegmentState
from ..core.post_edit import (
    catalog_state,
    is_unmodified,
    machine_output,
)
from ..core.states import (
    FUZZY_FLAG,
    approval_comment,
    strip_approval,
)
from ..errors import CatalogError, InputError, NotFoundError
from ..locking import catalog_lock
from ..mt.registry import provenance_kind
from ..workspace import Workspace, load_glossary
from . import index
from .index import StatusRow, catalog_status, count_states

if TYPE_CHECKING:
    from .qa import Issue
    from .review import ImportReport

__all__ = [
    "ApprovalReport",
    "StatusFigures",
    "StatusRow",
    "approve_entries",
    "catalog_status",
    "count_states",
    "ensure_language",
    "import_po",
    "machine_refusal",
    "refresh_template",
    "require_sources",
    "update_languages",
]


def refresh_template(ws: Workspace, slug: str) -> polib.POFile:
    """The article's .pot, rewritten only if its entries changed (dates aside).
    Its hash goes to the index with the article's stamp, so the next update can
    tell the template is current without rebuilding it."""
    return _refresh_template(ws, slug)[0]


def require_sources(ws: Workspace, slugs: Iterable[str]) -> None:
    """NotFoundError for the first slug with neither an article nor a template: what
    creating its catalogs would say, said before a caller opens the broker (a broker
    that is down would otherwise be the only error it reports)."""
    for slug in slugs:
        if not ws.has_article(slug) and not ws.pot_path(slug).exists():
            raise NotFoundError(f"no article {slug!r} (and no template) in {ws.root}")


def _refresh_template(ws: Workspace, slug: str) -> tuple[polib.POFile, str]:
    """:func:`refresh_template`, and the template's hash (a big template's hash is
    a json dump of every entry: computed once, not again by the caller)."""
    path = ws.pot_path(slug)
    stamp = index.article_stamp(ws, slug)  # before anything is read
    if not ws.has_article(slug):
        require_sources(ws, [slug])
        with catalog_lock(path):
            pot = read_po(path)
            digest = index.template_hash(pot)
            index.record_template(ws, slug, digest, stamp=stamp)
        return pot, digest
    from .articles import load_article  # the format parsers, only for a rebuild

    article = load_article(ws, slug)
    settings = ws.article_settings(slug)
    # A big article's template is tens of thousands of new entries, none of them
    # garbage: the cycle collector's passes over them were a quarter of this.
    with gc_paused():
        pot = article_template(article, f"articles/{settings['file']}")
        return _checked_in(ws, slug, path, pot, stamp=stamp, title=article.title)


def _checked_in(
    ws: Workspace, slug: str, path: Path, pot: polib.POFile, *, stamp: str, title: str
) -> tuple[polib.POFile, str]:
    """Write ``pot`` unless the file holds the same entries (then the file's is the
    template); record the template's hash."""
    with catalog_lock(path):
        if path.exists():
            old = read_po(path)
            if template_signature(old) == template_signature(pot):
                pot = old
            else:
                write_po(pot, path)
        else:
            write_po(pot, path)
        digest = index.template_hash(pot)
        index.record_template(ws, slug, digest, stamp=stamp, title=title)
    return pot, digest


def ensure_language(ws: Workspace, slug: str, lang: str) -> UpdateReport:
    return update_languages(ws, slug, [lang])[normalize_locale(lang)]


def update_languages(
    ws: Workspace, slug: str, langs: list[str] | None = None
) -> dict[str, UpdateReport]:
    """Merge the article's template into each language's catalog (msgmerge
    semantics). Nothing is parsed for a catalog the index shows as already merged
    with the current template and unchanged since, nor for a template whose
    article did not change (update is idempotent, so merging again would change
    nothing)."""
    # The cycle collector stays paused until the template and catalogs built here
    # are dropped: reference counting frees them, where a collection right after
    # the template was built passed over all its entries (0.1 s at 5 MB).
    with gc_paused():
        return _update_languages(ws, slug, langs)


def _update_languages(
    ws: Workspace, slug: str, langs: list[str] | None
) -> dict[str, UpdateReport]:
    pot: polib.POFile | None = None
    digest = index.stored_template(ws, slug)
    if digest is None:
        pot, digest = _refresh_template(ws, slug)
    targets = [normalize_locale(x) for x in langs] if langs else ws.languages(slug)
    reports: dict[str, UpdateReport] = {}
    for lang in targets:
        row = index.fresh_row(ws, slug, lang)
        if row is not None and row.template_hash == digest and row.problem is None:
            reports[lang] = UpdateReport(exact=row.total)
            continue
        from ..catalog.update import touch_revision, update_catalog  # rapidfuzz: a merge only

        path = ws.po_path(slug, lang)
        with catalog_lock(path):
            if pot is None:
                pot = read_po(ws.pot_path(slug), options=TEMPLATE)
            old = read_po(path) if path.exists() else None
            new, report = update_catalog(old, pot, lang)
            # The writer keeps unchanged entries byte for byte, so comparing bytes
            # tells whether anything changed (and keeps PO-Revision-Date if not).
            if old is None or encode_po(new, str(path)) != path.read_bytes():
                if old is not None:
                    touch_revision(new)
                index.write_catalog(ws, slug, lang, new, template=digest)
            else:
                index.record_catalog(ws, slug, lang, new, template=digest)
        reports[lang] = report
    return reports


def import_po(
    ws: Workspace,
    data: bytes,
    *,
    slug: str,
    lang: str,
    name: str,
    prefer: Pick | None = None,
    take: Mapping[str, Pick] | None = None,
) -> ImportReport:
    """Bring a translator's edited catalog back: merged three ways against the export
    it was made from, so machine translation or another translator's work that
    landed since is never overwritten silently (an upload without an export stamp
    only fills gaps). What it brings feeds the translation memory."""
    from .review import merge_upload  # merge planning, only for an import

    report = merge_upload(ws, data, slug=slug, lang=lang, name=name, prefer=prefer, take=take)
    if report.updated:
        from .memory import feed_memory  # the memory's database, only when it is fed

        feed_memory(ws, slug, lang)
    return report


@dataclass(frozen=True)
class ApprovalReport:
    approved: int
    refused: tuple[Issue, ...] = ()  # QA errors that kept entries from approval
    warnings: tuple[Issue, ...] = ()  # shown, not blocking
    machine: int = 0  # unmodified machine output left alone (no include_machine)
    pseudo: int = 0  # unmodified pseudo text, never approved

    @property
    def machine_message(self) -> str:
        """One line on the machine output left alone, or ""."""
        return machine_refusal(self.machine, self.pseudo)

    def to_dict(self) -> dict[str, object]:
        return {
            "approved": self.approved,
            "refused": [i.to_dict() for i in self.refused],
            "warnings": [i.to_dict() for i in self.warnings],
            "machine": self.machine,
            "pseudo": self.pseudo,
        }


def machine_refusal(machine: int, pseudo: int) -> str:
    parts = []
    if machine:
        parts.append(
            f"{machine} entries are unmodified machine output; approve them with --include-machine"
        )
    if pseudo:
        parts.append(
            f"{pseudo} entries are unmodified pseudo-localisation, which is never approved; "
            "translate them first"
        )
    return "not approved: " + "; ".join(parts) if parts else ""


def approve_entries(
    ws: Workspace,
    slug: str,
    lang: str,
    *,
    who: str,
    ids: list[str] | None = None,
    include_machine: bool = False,
    force: bool = False,
) -> ApprovalReport:
    """Approve translated entries (all, or the given msgctxt ids). Text that is still
    the engine's output is approved only with ``include_machine``, and pseudo text
    never (:mod:`..core.post_edit`); other machine entries (edited but still fuzzy)
    only by id or with ``include_machine``. Entries with QA errors are refused
    unless ``force``. Asked for by id, a refused entry fails the whole call; with
    all, refused entries are skipped and counted in the report."""
    from .qa import entry_issues  # the checks, only when approving

    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wanted = set(ids or [])
    glossary = load_glossary(ws, lang)
    approved: list[polib.POEntry] = []
    refused: list[Issue] = []
    warnings: list[Issue] = []
    with catalog_lock(path):
        po = read_po(path)
        known = {e.msgctxt for e in po if not e.obsolete}
        missing = wanted - known
        if missing:
            raise CatalogError(f"no entries with ids {', '.join(sorted(missing))}", path)
        candidates, machine, pseudo = _approvable(po, wanted, include_machine)
        if wanted and (machine or pseudo):
            raise InputError(machine_refusal(machine, pseudo))
        for entry in candidates:
            issues = entry_issues(slug, normalize_locale(lang), entry, glossary)
            errors = [i for i in issues if i.severity == Severity.ERROR.value]
            warnings += [i for i in issues if i not in errors]
            if errors and not force:
                refused += errors
            else:
                approved.append(entry)
        if refused and wanted:
            raise InputError(
                "not approved, QA errors (fix them or use --force): "
                + "; ".join(f"{i.entry}: {i.check}: {i.message}" for i in refused)
            )
        for entry in approved:
            _record_approval(entry, who, when)
        if approved:
            from ..catalog.update import touch_revision

            touch_revision(po)
            index.write_catalog(ws, slug, lang, po)
    if approved:
        from .memory import feed_memory  # the memory's database, only when it is fed

        feed_memory(ws, slug, lang)
    return ApprovalReport(len(approved), tuple(refused), tuple(warnings), machine, pseudo)


def _approvable(
    po: polib.POFile, wanted: set[str], include_machine: bool
) -> tuple[list[polib.POEntry], int, int]:
    """The entries to approve, and how many unmodified machine (left alone without
    ``include_machine``) and pseudo entries (always left alone) were asked for."""
    found: list[polib.POEntry] = []
    machine = pseudo = 0
    for entry in po:
        if entry.obsolete or not entry.msgstr or (wanted and entry.msgctxt not in wanted):
            continue
        comment = entry.comment or ""
        state = catalog_state(entry.msgstr, entry.flags, entry.tcomment or "", comment)
        if state is SegmentState.APPROVED:
            continue
        output = machine_output(entry.msgstr, entry.flags, comment, provenance_kind)
        if output is not None and is_unmodified(entry.msgstr, output):
            if output.pseudo:
                pseudo += 1
                continue
            if not include_machine:
                machine += 1
                continue
        elif state in (SegmentState.MACHINE, SegmentState.FUZZY) and not (
            wanted or include_machine
        ):
            continue
        found.append(entry)
    return found, machine, pseudo


def _record_approval(entry: polib.POEntry, who: str, when: str) -> None:
    """The approval is a translator comment hashed to this msgstr, so any later edit
    (in Poedit, by an import, by msgmerge fuzzy matching) silently voids it."""
    entry.flags = [f for f in entry.flags if f != FUZZY_FLAG]
    lines = [*strip_approval(entry.tcomment or "").splitlines()]
    lines.append(approval_comment(who.replace(" ", "_"), when, entry.msgstr))
    entry.tcomment = "\n".join(x for x in lines if x)

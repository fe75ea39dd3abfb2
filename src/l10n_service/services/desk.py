"""The reviewer's desk: one article in one language, reviewed and post-edited in
the browser, with the same effect on the catalog as the command line.

Nothing here is a second implementation of review: every change goes through
the services the CLI uses, so a segment saved on the page leaves the catalog
byte for byte as ``l10n export`` -> edit -> ``l10n import`` would, an approval
as ``l10n approve --id``, a publish as ``l10n bundle --to``.

- **Saving one segment** is an import of a one-entry edit: the page loaded the
  catalog through :func:`export_po` (so its revision is stamped and a copy is
  kept under ``.l10n/exports/`` as the merge base), and a save uploads that
  exported copy with just this entry changed. The three-way merge of the import
  then decides: taken if nobody else touched the entry since the page loaded it,
  a conflict (with base, theirs and mine) if somebody did; never a silent
  overwrite. The page remembers the revision per segment, so saving the same
  segment twice compares against the first save, not against the page load.
- **Approving** is tied to the text the reviewer saw: an entry whose text changed
  since the page showed it is not approved (it is reported as changed).
- **The preview** is the page ``l10n bundle`` would publish now, made by the same
  pure functions, without writing anything.

This module is the only place the desk calls other services from (the lead can
re-point these calls when those services move): ``review.export_po``,
``review.entry_issues``, ``catalogs.import_po``, ``catalogs.approve_entries``,
``catalogs.catalog_status``, ``bundles.build_bundles``, ``bundles.publish_settings``,
``bundles.catalog_texts``, ``articles.load_article``, ``memory.source_language``,
the translation memory's ``lookup``, ``catalog.store``'s ``parse_po``/``read_po``/
``render_po``, and the export copies' path (``_base_export``, the layout the README
documents, until review offers a public function for it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import polib

from ..catalog.store import parse_po, read_po, render_po
from ..core.checks import Severity
from ..core.desk import (
    BlockView,
    DeskFinding,
    EntryData,
    Suggestion,
    build_blocks,
    count_states,
    language_machine_share,
)
from ..core.glossary import Glossary
from ..core.locales import normalize_locale
from ..core.merge import Pick
from ..core.model import Article, SegmentState
from ..core.post_edit import catalog_state, is_unmodified, machine_output
from ..core.render import bundle_document, coverage_of, render_html
from ..core.states import FUZZY_FLAG, text_hash
from ..errors import ConflictError, InputError, NotFoundError
from ..mt.registry import provenance_kind
from ..tm.memory import TranslationMemory
from ..workspace import Workspace, load_glossary, validate_slug
from .articles import load_article
from .bundles import (
    BuiltBundle,
    build_bundles,
    localize_for_publishing,
    publish_settings,
)
from .catalogs import StatusRow, approve_entries, catalog_status, import_po
from .memory import source_language
from .qa import Issue, entry_issues
from .review import export_path, export_po

__all__ = [
    "DeskApproval",
    "DeskPage",
    "Preview",
    "SaveResult",
    "approve_seen",
    "approve_segment",
    "desk_catalogs",
    "load_page",
    "preview",
    "publish",
    "save_segment",
]

UPLOAD_NAME = "review page"  # how a save names itself in import messages
_REVISION = re.compile(r"[0-9a-f]{64}")
_TM_THRESHOLD = 0.75
_TM_LIMIT = 3


@dataclass(frozen=True)
class DeskPage:
    slug: str
    lang: str
    source_lang: str
    revision: str  # the exported revision the page shows
    title: str
    blocks: tuple[BlockView, ...]
    counts: dict[str, int]
    live_version: str | None  # the published bundle's version, if any
    # Unmodified machine output among the entries holding a translation.
    machine_share: float | None = None


@dataclass(frozen=True)
class Preview:
    """The page as ``l10n bundle`` would publish it now, and whether it would."""

    html: str
    policy: str
    min_coverage: float
    ratio: float
    publishable: bool
    reason: str = ""


@dataclass(frozen=True)
class SaveResult:
    updated: bool
    issues: tuple[Issue, ...]  # QA findings on the saved entry
    resolved: bool = False  # a conflict was settled for the page's text


@dataclass(frozen=True)
class DeskApproval:
    approved: int
    changed: tuple[str, ...] = ()  # entries whose text changed since the page showed it
    refused: tuple[Issue, ...] = ()


# --- reading ----------------------------------------------------------------------------


def _entry_id(entry: polib.POEntry) -> str:
    return entry.msgctxt or entry.msgid


def _entry_data(entry: polib.POEntry) -> EntryData:
    return EntryData(
        id=_entry_id(entry),
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        flags=tuple(entry.flags),
        tcomment=entry.tcomment or "",
        comment=entry.comment or "",
        previous_msgid=entry.previous_msgid,
        plural=bool(entry.msgid_plural),
    )


def _findings(issues: list[Issue]) -> tuple[DeskFinding, ...]:
    return tuple(DeskFinding(i.check, i.severity, i.message) for i in issues)


def _memory_suggestions(
    ws: Workspace, source_lang: str, lang: str, entries: list[polib.POEntry]
) -> dict[str, tuple[Suggestion, ...]]:
    """Translation memory matches per entry, best first, leaving out the entry's
    own text (the memory is fed from this very catalog)."""
    if not entries:
        return {}
    with TranslationMemory.open(ws.root) as memory:
        found = memory.lookup(
            source_lang, lang, [e.msgid for e in entries], threshold=_TM_THRESHOLD,
            limit=_TM_LIMIT,
        )  # fmt: skip
    out: dict[str, tuple[Suggestion, ...]] = {}
    for entry, matches in zip(entries, found, strict=True):
        seen = {entry.msgstr}
        suggestions = []
        for match in matches:
            if match.target in seen:
                continue
            seen.add(match.target)
            origin = f"{match.state} in {match.origin} ({match.changed})"
            suggestions.append(Suggestion("tm", match.target, match.score, origin))
        out[_entry_id(entry)] = tuple(suggestions[:_TM_LIMIT])
    return out


_ARTICLES: dict[tuple[Path, str], tuple[tuple[int, ...], Article]] = {}


def _stamp(path: Path) -> tuple[int, ...]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _article(ws: Workspace, slug: str) -> Article | None:
    """The parsed article, parsed again only when its file or settings change:
    sentence splitting is most of a page's cost, and every save re-renders."""
    if not ws.has_article(slug):
        return None
    try:
        stamp = _stamp(ws.article_settings_path(slug)) + _stamp(ws.article_path(slug))
    except OSError:
        return load_article(ws, slug)  # let the loader say what is missing
    key = (ws.root, slug)
    hit = _ARTICLES.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    article = load_article(ws, slug)
    if len(_ARTICLES) > 64:
        _ARTICLES.clear()
    _ARTICLES[key] = (stamp, article)
    return article


def live_version(ws: Workspace, slug: str, lang: str) -> str | None:
    """The version the published bundle points at (``current -> v/<hash>``)."""
    try:
        return os.readlink(ws.bundle_dir(slug, lang) / "current").rpartition("/")[2]
    except OSError:
        return None


def load_page(
    ws: Workspace, slug: str, lang: str, *, only: Collection[str] | None = None
) -> DeskPage:
    """The desk for one catalog. The catalog is read through an export, so what
    the page shows is exactly the revision it will save against. ``only`` limits
    the QA checks and memory look-ups to some entries (re-rendering one segment)."""
    lang = normalize_locale(lang)
    validate_slug(slug)
    exported = export_po(ws, slug, lang)
    po = parse_po(exported.data.decode("utf-8"), f"{slug}.{lang}.po")
    active = [e for e in po if not e.obsolete]
    wanted = [e for e in active if only is None or _entry_id(e) in only]
    glossary = load_glossary(ws, lang)
    findings = {
        _entry_id(e): _findings(entry_issues(slug, lang, e, glossary))
        for e in wanted
        if e.msgstr or e.msgstr_plural
    }
    source = source_language(ws, slug)
    article = _article(ws, slug)
    blocks = build_blocks(
        article,
        {_entry_id(e): _entry_data(e) for e in active},
        findings=findings,
        suggestions=_memory_suggestions(ws, source, lang, [e for e in wanted if e.msgid]),
        glossary=glossary,
    )
    return DeskPage(
        slug=slug,
        lang=lang,
        source_lang=source,
        revision=exported.revision,
        title=article.title if article else slug,
        blocks=blocks,
        counts=count_states(blocks),
        live_version=live_version(ws, slug, lang),
        machine_share=language_machine_share(blocks),
    )


def desk_catalogs(ws: Workspace) -> list[StatusRow]:
    """Every catalog with its counts, for the desk's list of review pages."""
    return catalog_status(ws)


# --- saving -----------------------------------------------------------------------------


def _base_export(ws: Workspace, slug: str, lang: str, revision: str) -> polib.POFile:
    if not _REVISION.fullmatch(revision):
        raise InputError(f"{revision[:70]!r} is not a catalog revision")
    path = export_path(ws, slug, lang, revision)
    try:
        data = path.read_bytes()  # one read: the copy may be pruned (old and superseded)
    except (FileNotFoundError, IsADirectoryError):
        raise InputError(
            f"revision {revision[:12]} of {slug!r} in {lang!r} was never loaded here; "
            "reload the page"
        ) from None
    return read_po(data, str(path))


def _edited_copy(base: polib.POFile, entry_id: str, text: str, needs_work: bool) -> bytes:
    """The exported catalog with one entry edited, as a PO editor would save it:
    the new text, and "fuzzy" set only when the person marks it as needing work."""
    target = next((e for e in base if not e.obsolete and _entry_id(e) == entry_id), None)
    if target is None:
        raise NotFoundError(f"no entry {entry_id[:100]!r} in the revision the page loaded")
    if target.msgid_plural:
        raise InputError(f"entry {entry_id!r} has plural forms; edit it in a PO editor")
    target.msgstr = text
    flags = [f for f in target.flags if f != FUZZY_FLAG]
    target.flags = [FUZZY_FLAG, *flags] if needs_work else flags
    return render_po(base).encode("utf-8")


def normalize_text(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; catalogs hold LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def save_segment(
    ws: Workspace,
    slug: str,
    lang: str,
    *,
    entry: str,
    text: str,
    revision: str,
    needs_work: bool = False,
    keep_mine: bool = False,
) -> SaveResult:
    """Save one segment as the import of a one-entry edit of the export at
    ``revision``. A concurrent change to the same entry raises
    :class:`ConflictError` (nothing written) unless ``keep_mine``, which settles
    it for the page's text like ``l10n import --take ID=theirs``."""
    lang = normalize_locale(lang)
    validate_slug(slug)
    data = _edited_copy(
        _base_export(ws, slug, lang, revision), entry, normalize_text(text), needs_work
    )
    resolved = False
    try:
        report = import_po(ws, data, slug=slug, lang=lang, name=UPLOAD_NAME)
    except ConflictError:
        if not keep_mine:
            raise
        take = {entry: Pick.THEIRS}  # "theirs" is the upload: the page's text
        report = import_po(ws, data, slug=slug, lang=lang, name=UPLOAD_NAME, take=take)
        resolved = True
    return SaveResult(report.updated > 0, report.issues, resolved)


# --- approving --------------------------------------------------------------------------


def approve_seen(
    ws: Workspace,
    slug: str,
    lang: str,
    *,
    who: str,
    seen: Mapping[str, str],
    only_clean: bool = False,
) -> DeskApproval:
    """Approve the entries the page showed (entry id -> hash of the text shown),
    like ``l10n approve --id ...``; an entry whose text changed since is left
    alone and reported. ``only_clean`` keeps to machine or human translations
    without QA errors whose text is not the engine's unchanged output (the
    "approve every clean segment" button); otherwise an
    entry with QA errors fails the call, as ``--id`` does."""
    lang = normalize_locale(lang)
    validate_slug(slug)
    path = ws.po_path(slug, lang)
    if not path.exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    current = {e.msgctxt: e for e in read_po(path) if not e.obsolete and e.msgctxt}
    changed = sorted(
        entry_id
        for entry_id, shown in seen.items()
        if entry_id not in current or text_hash(current[entry_id].msgstr) != shown
    )
    ids = sorted(set(seen) - set(changed))
    if only_clean:
        glossary = load_glossary(ws, lang)
        ids = [i for i in ids if _clean(slug, lang, current[i], glossary)]
    if not ids:
        return DeskApproval(0, tuple(changed))
    # A reviewer approving one segment has looked at it (``--id ... --include-machine``);
    # the bulk button leaves unmodified machine output alone (see _clean).
    report = approve_entries(ws, slug, lang, who=who, ids=ids, include_machine=not only_clean)
    return DeskApproval(report.approved, tuple(changed), report.refused)


def _clean(slug: str, lang: str, entry: polib.POEntry, glossary: Glossary) -> bool:
    comment = entry.comment or ""
    state = catalog_state(entry.msgstr, entry.flags, entry.tcomment or "", comment)
    if state not in (SegmentState.MACHINE, SegmentState.TRANSLATED):
        return False
    if is_unmodified(entry.msgstr, machine_output(entry.msgstr, entry.flags, comment)):
        return False
    issues = entry_issues(slug, lang, entry, glossary)
    return not any(i.severity == Severity.ERROR.value for i in issues)


def approve_segment(
    ws: Workspace,
    slug: str,
    lang: str,
    *,
    who: str,
    entry: str,
    shown: str,
    text: str | None = None,
    revision: str | None = None,
    needs_work: bool = False,
) -> tuple[SaveResult | None, DeskApproval]:
    """Approve one segment; when the page sends a text other than the one it
    showed (edited, not yet saved), save that first (a conflict stops both)."""
    saved = None
    if text is not None and text_hash(normalize_text(text)) != shown:
        if revision is None:
            raise InputError("an edited segment needs the revision the page loaded")
        saved = save_segment(
            ws, slug, lang, entry=entry, text=text, revision=revision, needs_work=needs_work
        )
        shown = text_hash(normalize_text(text))
    return saved, approve_seen(ws, slug, lang, who=who, seen={entry: shown})


# --- preview and publishing -------------------------------------------------------------


def preview(ws: Workspace, slug: str, lang: str) -> Preview:
    """The localized page as publishing it now would write it (same policy, same
    minimum coverage, same renderer as :func:`build_bundles`), written nowhere."""
    lang = normalize_locale(lang)
    settings = publish_settings(ws, slug)
    article = _article(ws, slug)
    if article is None:
        raise NotFoundError(f"no article {slug!r} in this workspace")
    if lang != article.source_lang and not ws.po_path(slug, lang).exists():
        raise NotFoundError(f"no catalog for {slug!r} in {lang!r}")
    chosen = localize_for_publishing(ws, article, lang, settings.policy)
    ratio = float(coverage_of(article, chosen)["ratio"])
    passing = ratio >= settings.min_coverage
    every = {article.source_lang, *ws.languages(slug)}
    live = {x for x in every if (ws.bundle_dir(slug, x) / "bundle.json").exists()}
    alternates = sorted(live | {lang} if passing else live)
    doc = bundle_document(
        article, lang, chosen, alternates=alternates, policy=settings.policy,
        min_coverage=settings.min_coverage, kind_of=provenance_kind,
    )  # fmt: skip
    reason = ""
    if not passing:
        reason = (
            f"coverage {ratio:.0%} is below the minimum {settings.min_coverage:.0%} "
            f"under policy {settings.policy}"
        )
    return Preview(
        render_html(doc, article, chosen), settings.policy, settings.min_coverage, ratio,
        passing, reason,
    )  # fmt: skip


def publish(ws: Workspace, slug: str, lang: str) -> BuiltBundle:
    """Publish this language as ``l10n bundle SLUG --to LANG`` does."""
    (built,) = build_bundles(ws, validate_slug(slug), [normalize_locale(lang)])
    return built

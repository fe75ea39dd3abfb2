"""Build localized bundles: read the catalog, choose texts by policy, render, publish.

A bundle is published only when its coverage (segments not shown in the source
language, under the publish policy) reaches the minimum. Publishing writes an
immutable, content-addressed version and then switches a pointer::

    bundles/<slug>/<lang>/v/<hash>/      bundle.json, index.html, article.md, article.<ext>
    bundles/<slug>/<lang>/current        symlink -> v/<hash>
    bundles/<slug>/<lang>/bundle.json    symlink -> current/bundle.json (likewise each file)

A version directory is written under a temporary name and renamed into place, and
``current`` is replaced by renaming a new symlink over it, so one rename switches
every file at once and a reader never sees a half-written or mixed bundle. The
renditions hold no timestamps: unchanged input gives the same hash, and a rebuild
is a no-op. The newest versions are kept (5 by default) for rollback and for
readers still holding an old file open.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import polib

from ..catalog.store import read_po
from ..core.checks import Severity
from ..core.formats import formats, get_format
from ..core.glossary import Glossary
from ..core.locales import normalize_locale
from ..core.localize import (
    POLICIES,
    QA_REASON_PREFIX,
    CatalogText,
    LocalizedSegment,
    localize,
    rebuild_source,
)
from ..core.model import Article
from ..core.post_edit import catalog_state, edit_ratio, machine_output
from ..core.render import bundle_document, coverage_of, dumps, render_html, render_markdown
from ..core.states import MT_COMMENT_PREFIX
from ..errors import InputError
from ..locking import catalog_lock
from ..mt.registry import provenance_kind
from ..storage import write_atomic
from ..workspace import Workspace, load_glossary, validate_slug
from .articles import load_article
from .qa import entry_issues

__all__ = [
    "BuiltBundle",
    "PublishSettings",
    "build_bundles",
    "localize_for_publishing",
    "publish_settings",
    "publish_version",
    "save_publish_settings",
]


def _renditions() -> tuple[str, ...]:
    """Every file name a bundle may hold, whatever its article's format."""
    rebuilt = (f"article{fmt.extension}" for fmt in formats())
    return tuple(dict.fromkeys(("bundle.json", "index.html", "article.md", *rebuilt)))


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishSettings:
    policy: str = "machine-allowed"
    min_coverage: float = 0.8
    keep_versions: int = 5


def _publish_file(ws: Workspace) -> Path:
    return ws.state_dir / "publish.json"


def _read_publish_file(ws: Workspace) -> dict[str, Any]:
    path = _publish_file(ws)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    return data


def _apply(settings: PublishSettings, values: Mapping[str, Any], where: str) -> PublishSettings:
    """``settings`` with the known keys of ``values`` applied, each checked."""
    changes: dict[str, Any] = {}
    if "policy" in values:
        changes["policy"] = _checked_policy(values["policy"], where)
    if "min_coverage" in values:
        changes["min_coverage"] = _checked_coverage(values["min_coverage"], where)
    if "keep_versions" in values:
        keep = values["keep_versions"]
        if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
            raise InputError(f"{where}keep_versions must be a whole number of at least 1")
        changes["keep_versions"] = keep
    return replace(settings, **changes)


def _checked_policy(policy: object, where: str = "") -> str:
    if policy not in POLICIES:
        raise InputError(f"{where}unknown publish policy {policy!r}; choose {', '.join(POLICIES)}")
    return str(policy)


def _checked_coverage(value: object, where: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(f"{where}min_coverage must be a number from 0 to 1, not {value!r}")
    return float(value)


def _article_section(data: Mapping[str, Any], slug: str, where: str) -> Mapping[str, Any]:
    section = data.get("articles", {})
    section = section.get(validate_slug(slug), {}) if isinstance(section, dict) else None
    if not isinstance(section, dict):
        raise InputError(f"{where}'articles' must map article slugs to objects")
    return section


def publish_settings(
    ws: Workspace,
    slug: str,
    *,
    policy: str | None = None,
    min_coverage: float | None = None,
) -> PublishSettings:
    """Built-in defaults, overridden by ``.l10n/publish.json`` (workspace keys, then
    ``articles.<slug>``), overridden by the arguments."""
    data = _read_publish_file(ws)
    where = f"{_publish_file(ws)}: "
    settings = _apply(PublishSettings(), data, where)
    settings = _apply(settings, _article_section(data, slug, where), where)
    explicit = {"policy": policy, "min_coverage": min_coverage}
    return _apply(settings, {k: v for k, v in explicit.items() if v is not None}, "")


def save_publish_settings(
    ws: Workspace,
    slug: str | None,
    *,
    policy: str | None = None,
    min_coverage: float | None = None,
) -> None:
    """Store defaults for one article (or the workspace when ``slug`` is None)."""
    data = _read_publish_file(ws)
    if slug is None:
        target = data
    else:
        _article_section(data, slug, f"{_publish_file(ws)}: ")
        target = data.setdefault("articles", {}).setdefault(slug, {})
    if policy is not None:
        target["policy"] = _checked_policy(policy)
    if min_coverage is not None:
        target["min_coverage"] = _checked_coverage(min_coverage)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_atomic(_publish_file(ws), text.encode("utf-8"))


# --- building ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltBundle:
    slug: str
    lang: str
    path: Path
    coverage: dict[str, float]
    published: bool = True
    version: str = ""  # the content hash, also the folder name under v/
    policy: str = ""
    min_coverage: float = 0.0
    reason: str = ""  # why it was not published
    qa_fallbacks: int = 0  # segments shown in the source language because of QA errors

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        return data


class _Catalog:
    """One language's catalog as publishing sees it: the text and state per entry,
    and the QA errors of an entry, checked only when the policy would show it."""

    def __init__(self, ws: Workspace, slug: str, lang: str):
        self.ws, self.slug, self.lang = ws, slug, lang
        self.entries: dict[str, polib.POEntry] = {}
        self.texts: dict[str, CatalogText] = {}
        self._glossary: Glossary | None = None
        path = ws.po_path(slug, lang)
        if not path.exists():
            return
        for entry in read_po(path):
            if entry.obsolete or not entry.msgctxt:
                continue
            provenance = next(
                (x for x in (entry.comment or "").splitlines() if x.startswith(MT_COMMENT_PREFIX)),
                "",
            )
            comment = entry.comment or ""
            state = catalog_state(entry.msgstr, entry.flags, entry.tcomment or "", comment)
            output = machine_output(entry.msgstr, entry.flags, comment)
            edit = edit_ratio(output.text, entry.msgstr) if output and entry.msgstr else None
            self.entries[entry.msgctxt] = entry
            self.texts[entry.msgctxt] = CatalogText(entry.msgstr, state, provenance, edit)

    def qa_errors(self, entry_id: str) -> list[str]:
        if self._glossary is None:
            self._glossary = load_glossary(self.ws, self.lang)
        issues = entry_issues(self.slug, self.lang, self.entries[entry_id], self._glossary)
        return sorted({i.check for i in issues if i.severity == Severity.ERROR})


def catalog_texts(ws: Workspace, slug: str, lang: str) -> dict[str, CatalogText]:
    return _Catalog(ws, slug, lang).texts


def localize_for_publishing(
    ws: Workspace, article: Article, lang: str, policy: str
) -> dict[str, LocalizedSegment]:
    """The text of every segment as publishing under ``policy`` shows it: the
    policy's states only (unmodified machine output counts as machine whatever its
    flags say), nothing with a QA error (the review page's preview uses this too,
    so it shows what publishing would)."""
    catalog = _Catalog(ws, article.slug, lang)
    return localize(article, lang, catalog.texts, policy, catalog.qa_errors)


def build_bundles(
    ws: Workspace,
    slug: str,
    langs: list[str] | None = None,
    *,
    policy: str | None = None,
    min_coverage: float | None = None,
) -> list[BuiltBundle]:
    """Build and publish the bundles of ``langs`` (default: the source and every
    catalog). A language under the minimum coverage is reported with
    ``published=False`` and a reason, and its previous version, if any, stays.
    hreflang alternates list exactly the languages published after this build."""
    settings = publish_settings(ws, slug, policy=policy, min_coverage=min_coverage)
    article = load_article(ws, slug)
    all_langs = sorted({article.source_lang, *ws.languages(slug)})
    targets = [normalize_locale(x) for x in langs] if langs else all_langs
    chosen = {lang: localize_for_publishing(ws, article, lang, settings.policy) for lang in targets}
    coverage = {lang: coverage_of(article, c) for lang, c in chosen.items()}
    passing = {lang for lang in targets if coverage[lang]["ratio"] >= settings.min_coverage}
    published = sorted(
        {*passing, *(x for x in all_langs if x not in passing and _is_live(ws, slug, x))}
    )
    results = []
    for lang in targets:
        if lang in passing:
            results.append(_publish_one(ws, article, lang, chosen[lang], published, settings))
        else:
            results.append(_refused(ws, article, lang, chosen[lang], coverage[lang], settings))
    return results


def _is_live(ws: Workspace, slug: str, lang: str) -> bool:
    return (ws.bundle_dir(slug, lang) / "bundle.json").exists()


def _publish_one(
    ws: Workspace,
    article: Article,
    lang: str,
    chosen: Mapping[str, LocalizedSegment],
    alternates: list[str],
    settings: PublishSettings,
) -> BuiltBundle:
    doc = bundle_document(
        article, lang, chosen, alternates=alternates, policy=settings.policy,
        min_coverage=settings.min_coverage, kind_of=provenance_kind,
    )  # fmt: skip
    files = {
        "bundle.json": dumps(doc),
        "index.html": render_html(doc, article, chosen),
        "article.md": render_markdown(article, chosen),
        f"article{get_format(article.format).extension}": rebuild_source(article, chosen),
    }
    out = ws.bundle_dir(article.slug, lang)
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    version = publish_version(out, encoded, keep=settings.keep_versions)
    return BuiltBundle(
        article.slug, lang, out, doc["coverage"], version=version, policy=settings.policy,
        min_coverage=settings.min_coverage, qa_fallbacks=_qa_fallbacks(article, chosen),
    )  # fmt: skip


def _qa_fallbacks(article: Article, chosen: Mapping[str, LocalizedSegment]) -> int:
    return sum(
        1 for _, s in article.segments() if chosen[s.entry_id].reason.startswith(QA_REASON_PREFIX)
    )


def _refused(
    ws: Workspace,
    article: Article,
    lang: str,
    chosen: Mapping[str, LocalizedSegment],
    coverage: dict[str, Any],
    settings: PublishSettings,
) -> BuiltBundle:
    reasons = Counter(_reason_kind(loc.reason) for loc in chosen.values() if loc.reason)
    why = ", ".join(f"{n} {kind}" for kind, n in reasons.most_common())
    reason = (
        f"coverage {coverage['ratio']:.0%} is below the minimum {settings.min_coverage:.0%} "
        f"under policy {settings.policy}; entries shown in the source language: {why}"
    )
    if _is_live(ws, article.slug, lang):
        reason += "; the previous version stays published"
    return BuiltBundle(
        article.slug, lang, ws.bundle_dir(article.slug, lang), coverage, published=False,
        policy=settings.policy, min_coverage=settings.min_coverage, reason=reason,
        qa_fallbacks=_qa_fallbacks(article, chosen),
    )  # fmt: skip


def _reason_kind(reason: str) -> str:
    if reason == "untranslated":
        return reason
    if "not allowed by policy" in reason:
        return reason.split(" not allowed")[0] + " (not allowed)"
    if reason.startswith(QA_REASON_PREFIX):
        return "with QA errors"
    return "with broken placeholders"


# --- versions on disk -------------------------------------------------------------------


def _version_of(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


def _write_version(versions: Path, version: str, files: Mapping[str, bytes]) -> Path:
    """``v/<version>/``, written under a temporary name first; an existing version
    has the same bytes by construction and is only marked as the newest."""
    target = versions / version
    if target.is_dir():
        os.utime(target)
        return target
    versions.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=versions))
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        tmp.chmod(0o755)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _symlink_atomic(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` by renaming a new symlink over it (a plain file
    left by an older layout is replaced the same way)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish_version(out: Path, files: Mapping[str, bytes], *, keep: int) -> str:
    """Write ``files`` as a version of the bundle in ``out``, make it current and
    prune old versions; builders of one bundle take turns."""
    version = _version_of(files)
    with catalog_lock(out / "current"):
        _write_version(out / "v", version, files)
        _symlink_atomic(out / "current", f"v/{version}")
        for name in files:
            _symlink_atomic(out / name, f"current/{name}")
        for name in _renditions():  # e.g. article.txt after the article became Markdown
            if name not in files and (out / name).is_symlink():
                (out / name).unlink()
        _prune(out / "v", version, keep)
    return version


def _prune(versions: Path, current: str, keep: int) -> None:
    """Keep the current version and the newest others, ``keep`` in all, and drop
    what a crashed build left behind (no other build runs: we hold the lock)."""
    for leftover in versions.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    others = sorted(
        (p for p in versions.iterdir() if p.is_dir() and p.name != current),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    for old in others[keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)

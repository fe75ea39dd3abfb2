"""Build localized bundles: read the catalog, choose texts by policy, render, write.

Every file is written atomically; the source-language bundle rebuilds the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalog.store import read_po, write_atomic
from ..core.locales import normalize_locale
from ..core.localize import POLICIES, CatalogText, localize, rebuild_source
from ..core.model import Article
from ..core.render import bundle_document, dumps, render_html, render_markdown
from ..core.states import MT_COMMENT_PREFIX, entry_state
from ..errors import InputError
from ..workspace import Workspace
from .articles import load_article

__all__ = ["BuiltBundle", "build_bundles"]

_EXT = {"md": "md", "html": "html", "text": "txt"}


@dataclass(frozen=True)
class BuiltBundle:
    slug: str
    lang: str
    path: Path
    coverage: dict[str, float]


def catalog_texts(ws: Workspace, slug: str, lang: str) -> dict[str, CatalogText]:
    path = ws.po_path(slug, lang)
    if not path.exists():
        return {}
    texts = {}
    for entry in read_po(path):
        if entry.obsolete or not entry.msgctxt:
            continue
        provenance = next(
            (x for x in (entry.comment or "").splitlines() if x.startswith(MT_COMMENT_PREFIX)), ""
        )
        state = entry_state(entry.msgstr, entry.flags, entry.tcomment or "")
        texts[entry.msgctxt] = CatalogText(entry.msgstr, state, provenance)
    return texts


def build_bundles(
    ws: Workspace,
    slug: str,
    langs: list[str] | None = None,
    *,
    policy: str = "machine-allowed",
) -> list[BuiltBundle]:
    if policy not in POLICIES:
        raise InputError(f"unknown publish policy {policy!r}; choose {', '.join(POLICIES)}")
    article = load_article(ws, slug)
    all_langs = sorted({article.source_lang, *ws.languages(slug)})
    targets = [normalize_locale(x) for x in langs] if langs else all_langs
    return [_build_one(ws, article, lang, all_langs, policy) for lang in targets]


def _build_one(
    ws: Workspace, article: Article, lang: str, alternates: list[str], policy: str
) -> BuiltBundle:
    chosen = localize(article, lang, catalog_texts(ws, article.slug, lang), policy)
    doc = bundle_document(article, lang, chosen, alternates=alternates, policy=policy)
    out = ws.bundle_dir(article.slug, lang)
    files = {
        "bundle.json": dumps(doc),
        "index.html": render_html(doc, article, chosen),
        "article.md": render_markdown(article, chosen),
        f"article.{_EXT[article.format]}": rebuild_source(article, chosen),
    }
    for name, text in files.items():
        write_atomic(out / name, text.encode("utf-8"))
    return BuiltBundle(article.slug, lang, out, doc["coverage"])

"""Add an article to the workspace and load it back (always re-parsed from source,
so the source file is the single truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..catalog.store import write_atomic
from ..core.formats import decode_article, detect_format, parse_article
from ..core.locales import normalize_locale
from ..core.model import Article, BlockType
from ..errors import ArticleError
from ..workspace import Workspace, slugify, validate_slug

__all__ = ["add_article", "load_article"]

_EXT = {"md": ".md", "html": ".html", "text": ".txt"}


def _parse(text: str, fmt: str, slug: str, lang: str, overrides: dict[int, str]) -> Article:
    if fmt == "text" and overrides:
        from ..core.formats import text as text_format

        typed = {line: BlockType(kind) for line, kind in overrides.items()}
        return text_format.parse(text, slug=slug, source_lang=lang, overrides=typed)
    return parse_article(text, fmt=fmt, slug=slug, source_lang=lang)


def add_article(
    ws: Workspace,
    data: bytes,
    *,
    name: str,
    slug: str | None = None,
    fmt: str | None = None,
    source_lang: str = "en",
    overrides: dict[int, str] | None = None,
) -> Article:
    """Parse first, write after: a bad article leaves the workspace untouched."""
    slug = validate_slug(slug) if slug else slugify(Path(name).stem)
    lang = normalize_locale(source_lang)
    text = decode_article(data, name)
    fmt = fmt or detect_format(name, text)
    if fmt not in _EXT:
        raise ArticleError(f"unknown format {fmt!r}; choose md, html or text")
    try:
        overrides_typed = {int(k): BlockType(v).value for k, v in (overrides or {}).items()}
    except ValueError as exc:
        raise ArticleError(f"bad block override: {exc}") from None
    article = _parse(text, fmt, slug, lang, overrides_typed)
    if not article.blocks:
        raise ArticleError(f"{name}: no translatable text found")
    filename = f"{slug}{_EXT[fmt]}"
    if ws.has_article(slug):
        old = ws.article_settings(slug)
        if old["file"] != filename:
            (ws.articles_dir / old["file"]).unlink(missing_ok=True)
    write_atomic(ws.articles_dir / filename, data)
    settings: dict[str, Any] = {
        "file": filename,
        "format": fmt,
        "source_lang": lang,
        "overrides": {str(k): v for k, v in overrides_typed.items()},
    }
    ws.save_article_settings(slug, settings)
    return article


def load_article(ws: Workspace, slug: str) -> Article:
    settings = ws.article_settings(validate_slug(slug))
    path = ws.articles_dir / settings["file"]
    text = decode_article(path.read_bytes(), str(path))
    overrides = {int(k): v for k, v in settings.get("overrides", {}).items()}
    return _parse(text, settings["format"], slug, settings["source_lang"], overrides)

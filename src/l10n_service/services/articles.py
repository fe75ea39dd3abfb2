"""Add an article to the workspace and load it back (always re-parsed from source,
so the source file is the single truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.formats import decode_article, detect_format, parse_article
from ..core.locales import normalize_locale
from ..core.model import Article, BlockType
from ..errors import ArticleError
from ..storage import write_atomic
from ..workspace import Workspace, slugify, validate_slug

__all__ = ["add_article", "load_article", "remove_article"]

_EXT = {"md": ".md", "html": ".html", "text": ".txt"}


def _parse(
    text: str,
    fmt: str,
    slug: str,
    lang: str,
    overrides: dict[int, str],
    front_matter_keys: list[str] | None = None,
) -> Article:
    if fmt == "text" and overrides:
        from ..core.formats import text as text_format

        typed = {line: BlockType(kind) for line, kind in overrides.items()}
        return text_format.parse(text, slug=slug, source_lang=lang, overrides=typed)
    if fmt == "md" and front_matter_keys:
        return parse_article(
            text, fmt=fmt, slug=slug, source_lang=lang, front_matter_keys=front_matter_keys
        )
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
    front_matter_keys: list[str] | None = None,
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
    article = _parse(text, fmt, slug, lang, overrides_typed, front_matter_keys)
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
    if front_matter_keys:
        settings["front_matter_keys"] = list(front_matter_keys)
    ws.save_article_settings(slug, settings)
    return article


def load_article(ws: Workspace, slug: str) -> Article:
    settings = ws.article_settings(validate_slug(slug))
    path = ws.articles_dir / settings["file"]
    text = decode_article(path.read_bytes(), str(path))
    overrides = {int(k): v for k, v in settings.get("overrides", {}).items()}
    keys = settings.get("front_matter_keys")
    return _parse(text, settings["format"], slug, settings["source_lang"], overrides, keys)


def remove_article(ws: Workspace, slug: str) -> Path | None:
    """Take an article out of the workspace: source, settings, template, catalogs and
    bundles move to ``.l10n/trash/<slug>-<time>/`` (translator work is never simply
    deleted). Each catalog moves under its lock, so an import or MT apply in flight
    finishes first. Returns the trash folder, or None if there was nothing."""
    import shutil
    import time

    from ..locking import catalog_lock

    validate_slug(slug)
    trash = ws.state_dir / "trash" / f"{slug}-{time.strftime('%Y%m%dT%H%M%S')}"
    moved = False

    def move(path: Path, relative: Path) -> None:
        nonlocal moved
        target = trash / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
        moved = True

    if ws.has_article(slug):
        source = ws.article_path(slug)
        if source.exists():
            move(source, Path("articles") / source.name)
        move(ws.article_settings_path(slug), Path("settings.json"))
    for lang in ws.languages(slug):
        path = ws.po_path(slug, lang)
        with catalog_lock(path):
            move(path, path.relative_to(ws.root))
    pot = ws.pot_path(slug)
    if pot.exists():
        with catalog_lock(pot):
            move(pot, pot.relative_to(ws.root))
    bundles = ws.bundles_dir / slug
    if bundles.is_dir() and not bundles.is_symlink():
        move(bundles, Path("bundles") / slug)
    return trash if moved else None

"""Add an article to the workspace and load it back (always read from its source
file, so that file is the single truth; the parse of the very same text with the
same options is reused, see ``_extract``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.allocation import gc_paused
from ..core.formats import (
    ExplainRow,
    Format,
    decode_article,
    format_for,
    get_format,
)
from ..core.locales import normalize_locale
from ..core.model import Article
from ..storage import write_atomic
from ..workspace import Workspace, slugify, validate_slug

__all__ = [
    "add_article",
    "explain_article",
    "forget_last_parse",
    "load_article",
    "remove_article",
]


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
    options: dict[str, Any] | None = None,
) -> Article:
    """Parse first, write after: a bad article leaves the workspace untouched.

    ``options`` are the format's parse options; ``overrides`` (plain text's ``--block``)
    and ``front_matter_keys`` (Markdown's) are two of them, spelled as the CLI does.
    An option the format does not take is an error. The options are kept in the
    article's settings, so every later re-parse reads the article the same way."""
    slug = validate_slug(slug) if slug else slugify(Path(name).stem)
    lang = normalize_locale(source_lang)
    text = decode_article(data, name)
    form = get_format(fmt) if fmt else format_for(name, text)
    given = dict(options or {})
    if overrides:
        given["overrides"] = overrides
    if front_matter_keys:
        given["front_matter_keys"] = front_matter_keys
    read = form.read_options(given)
    article = _extract(form, text, slug, lang, read)
    # Its template and catalogs are written next, under the catalog lock: a lock
    # server that does not answer would leave an article without them.
    from ..locking import check_lock_server

    check_lock_server()
    filename = f"{slug}{form.extension}"
    if ws.has_article(slug):
        old = ws.article_settings(slug)
        if old["file"] != filename:
            (ws.articles_dir / old["file"]).unlink(missing_ok=True)
    write_atomic(ws.articles_dir / filename, data)
    settings: dict[str, Any] = {
        "file": filename,
        "format": form.name,
        "source_lang": lang,
        **form.dump_options(read),
    }
    ws.save_article_settings(slug, settings)
    return article


def _stored(ws: Workspace, slug: str) -> tuple[Format, str, dict[str, Any], dict[str, Any]]:
    """The format, text, settings and parse options of a stored article. Only the
    options the format declares are read (settings written before a format declared
    its options may hold others, e.g. an empty ``overrides`` for Markdown)."""
    settings = ws.article_settings(validate_slug(slug))
    form = get_format(settings["format"])
    path = ws.articles_dir / settings["file"]
    text = decode_article(path.read_bytes(), str(path))
    options = form.read_options(
        {option.name: settings[option.name] for option in form.options if option.name in settings}
    )
    return form, text, settings, options


# The last article parsed, by what it was parsed from: ``l10n add`` parses the new
# article, then the catalog template loads it again; a 5 MB document is parsed once.
_last: tuple[tuple[str, str, str, str], str, Article] | None = None


def forget_last_parse() -> None:
    """Drop the remembered parse, so the next load parses again (a benchmark that
    measures the parse, not the reuse)."""
    global _last
    _last = None


def _extract(form: Format, text: str, slug: str, lang: str, options: dict[str, Any]) -> Article:
    """``form.extract``, remembering the last article (frozen, so safe to share)."""
    global _last
    key = (form.name, slug, lang, json.dumps(form.dump_options(options), sort_keys=True))
    last = _last
    if last is not None and last[0] == key and last[1] == text:
        return last[2]
    # The cycle collector's full passes over a big parse's growing heap were 6-8% of
    # it; reference counting frees everything the parse drops.
    with gc_paused():
        article = form.extract(text, slug=slug, source_lang=lang, options=options)
    _last = (key, text, article)
    return article


def load_article(ws: Workspace, slug: str) -> Article:
    form, text, settings, options = _stored(ws, slug)
    return _extract(form, text, slug, settings["source_lang"], options)


def explain_article(ws: Workspace, slug: str) -> list[ExplainRow]:
    """What ``l10n add --explain`` shows: the format's account of each line or block."""
    form, text, settings, options = _stored(ws, slug)
    article = form.extract(text, slug=slug, source_lang=settings["source_lang"], options=options)
    return form.explain(article, options)


def remove_article(ws: Workspace, slug: str) -> Path | None:
    """Take an article out of the workspace: source, settings, template, catalogs and
    bundles move to ``.l10n/trash/<slug>-<time>/`` (translator work is never simply
    deleted). Each catalog moves under its lock, so an import or MT apply in flight
    finishes first. Returns the trash folder, or None if there was nothing."""
    import shutil
    import time

    from ..locking import catalog_lock, check_lock_server

    validate_slug(slug)
    # The catalogs move under their locks, after the source: a lock server that does
    # not answer would leave the article half in the trash.
    check_lock_server()
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

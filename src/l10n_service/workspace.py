"""The workspace on disk: where articles, catalogs, bundles and job state live.

    articles/<slug>.<ext>                    the ingested source, untouched
    locales/<slug>.pot                       one gettext domain per article
    locales/<lang>/LC_MESSAGES/<slug>.po     the standard layout Babel/Poedit/msgfmt expect
    bundles/<slug>/<lang>/                   bundle.json, index.html, article.md
    .l10n/                                   our own state: article settings, jobs, broker

Every name that becomes a path is validated here, so nothing else has to.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.glossary import Glossary, GlossaryEntry, parse_glossary
from .core.locales import normalize_locale
from .errors import InputError, NotFoundError
from .storage import write_atomic

__all__ = ["Workspace", "is_slug", "validate_slug"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


def validate_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise InputError(
            f"invalid article slug {slug!r}: use 1-100 lowercase letters, digits, '-' or '_'"
        )
    return slug


def is_slug(name: str) -> bool:
    return _SLUG.match(name) is not None


# locales/ -> (its mtime, the language folders in it). The folder also holds one
# template per article, so listing it costs O(articles): it is listed again only
# when its mtime says something came or went.
_LANGUAGE_DIRS: dict[Path, tuple[int, tuple[str, ...]]] = {}
_LANGUAGE_DIRS_LOCK = threading.Lock()
# File systems stamp mtimes from a clock that ticks every few milliseconds: a change
# this soon after the last one may not move the mtime, so fresher stamps prove nothing.
SETTLED_NS = 200_000_000


def slugify(name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return validate_slug(stem[:100] or "article")


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: str | Path) -> Workspace:
        return cls(Path(root).resolve())

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def bundles_dir(self) -> Path:
        return self.root / "bundles"

    @property
    def state_dir(self) -> Path:
        return self.root / ".l10n"

    def pot_path(self, slug: str) -> Path:
        return self.locales_dir / f"{validate_slug(slug)}.pot"

    def po_path(self, slug: str, lang: str) -> Path:
        return (
            self.locales_dir / normalize_locale(lang) / "LC_MESSAGES" / f"{validate_slug(slug)}.po"
        )

    def bundle_dir(self, slug: str, lang: str) -> Path:
        return self.bundles_dir / validate_slug(slug) / normalize_locale(lang)

    def article_settings_path(self, slug: str) -> Path:
        return self.state_dir / "articles" / f"{validate_slug(slug)}.json"

    def article_path(self, slug: str) -> Path:
        settings = self.article_settings(slug)
        return self.articles_dir / str(settings["file"])

    def article_settings(self, slug: str) -> dict[str, Any]:
        path = self.article_settings_path(slug)
        try:
            data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise NotFoundError(f"no article {slug!r} in {self.root}") from None
        return data

    def save_article_settings(self, slug: str, settings: dict[str, Any]) -> None:
        data = json.dumps(settings, indent=2, sort_keys=True) + "\n"
        write_atomic(self.article_settings_path(slug), data.encode("utf-8"))

    def slugs(self) -> list[str]:
        """Articles we ingested, plus any other domain found in locales/."""
        found = {p.stem for p in (self.state_dir / "articles").glob("*.json")}
        found |= {p.stem for p in self.locales_dir.glob("*.pot")}
        found |= {p.stem for p in self.locales_dir.glob("*/LC_MESSAGES/*.po")}
        return sorted(s for s in found if _SLUG.match(s))

    def has_article(self, slug: str) -> bool:
        return self.article_settings_path(slug).exists()

    def language_dirs(self) -> tuple[str, ...]:
        """The language folders under locales/ (normalised names only), from a
        listing cached per process until the folder's mtime changes."""
        try:
            mtime = os.stat(self.locales_dir).st_mtime_ns
        except FileNotFoundError:
            return ()
        cached = _LANGUAGE_DIRS.get(self.locales_dir)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        found = []
        with os.scandir(self.locales_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".pot") or not entry.is_dir():
                    continue
                try:
                    if normalize_locale(entry.name) == entry.name:
                        found.append(entry.name)
                except InputError:
                    continue
        langs = tuple(sorted(found))
        if time.time_ns() - mtime < SETTLED_NS:
            return langs  # a change in the same clock tick would not move the mtime
        with _LANGUAGE_DIRS_LOCK:
            _LANGUAGE_DIRS[self.locales_dir] = (mtime, langs)
        return langs

    def languages(self, slug: str) -> list[str]:
        """Languages with a catalog of this article: one stat per language folder,
        no glob (at 10,000 articles a glob over locales/ took 14 ms a call)."""
        validate_slug(slug)
        name = f"{slug}.po"
        return [
            lang
            for lang in self.language_dirs()
            if os.path.isfile(os.path.join(self.locales_dir, lang, "LC_MESSAGES", name))
        ]


def load_glossary(ws: Workspace, lang: str) -> Glossary:
    """Terms from ``glossary/<lang>.tsv`` (kept with the content) and then
    ``.l10n/glossary/<lang>.tsv`` (local additions); a later line for the same term
    wins. One loader for MT protection and QA checks, so both see the same terms."""
    lang = normalize_locale(lang)
    terms: dict[str, GlossaryEntry] = {}
    for folder in (ws.root / "glossary", ws.state_dir / "glossary"):
        path = folder / f"{lang}.tsv"
        if path.is_file():
            lines = path.read_text("utf-8").splitlines()
            for term in parse_glossary(lines, str(path.relative_to(ws.root))).entries:
                terms[term.source] = term
    return Glossary(tuple(terms.values()))

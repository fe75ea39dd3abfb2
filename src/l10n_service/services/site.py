"""Publish into a static site: published bundles as Markdown pages where Hugo or
mkdocs-static-i18n look for translations.

Both generators are given the same layout, "translation by file name": one file per
article and language, ``<slug>.<lang>.md``, side by side. It needs the least site
configuration (Hugo: only the ``[languages]`` block, no ``contentDir`` per
language; mkdocs-static-i18n: its default ``docs_structure: suffix``)::

    DIR/content/<slug>.<lang>.md     Hugo
    DIR/docs/<slug>.<lang>.md        mkdocs-static-i18n

Each page is front matter we write ourselves from the bundle's data (title, date,
lang, ``translationKey`` = slug) followed by the bundle's Markdown rendition without
its own front matter block. The front matter goes through a YAML serializer, so a
translated title is always one quoted value: a colon, a ``#``, a newline followed by
``layout: evil``, a ``---`` line or brackets can never add a key or end the block.
Only what is published is exported (the ``current`` version of each language).
The export keeps a list of the pages it wrote in ``DIR/.l10n-site.json``; a page it
wrote earlier whose article or language is no longer published (removed article,
language dropped) is deleted on the next export that covers that article, so the site
never keeps serving a stale translation. Files we did not write are never touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..core.locales import direction, display_name, normalize_locale
from ..errors import InputError, NotFoundError
from ..storage import write_atomic
from ..workspace import Workspace, validate_slug

__all__ = ["GENERATORS", "SiteExport", "SiteGenerator", "SitePage", "export_site"]


@dataclass(frozen=True)
class SitePage:
    slug: str
    lang: str
    path: Path


@dataclass(frozen=True)
class SiteExport:
    generator: str
    root: Path
    source_lang: str
    languages: tuple[str, ...]
    pages: tuple[SitePage, ...]
    config: str  # the site configuration block to copy, in the generator's own syntax
    removed: tuple[SitePage, ...] = ()  # pages of an earlier export no longer published

    def to_dict(self) -> dict[str, Any]:
        return {
            "generator": self.generator,
            "root": str(self.root),
            "source_lang": self.source_lang,
            "languages": list(self.languages),
            "pages": [{"slug": p.slug, "lang": p.lang, "path": str(p.path)} for p in self.pages],
            "config": self.config,
            "removed": [{"slug": p.slug, "lang": p.lang, "path": str(p.path)}
                        for p in self.removed],
        }  # fmt: skip


# --- the page ---------------------------------------------------------------------------

_OWN_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)


def _date(published: object) -> str | None:
    """An ISO date or date-time both generators parse, or None (a date a site
    generator cannot read would fail its whole build)."""
    if not isinstance(published, str) or not published.strip():
        return None
    text = published.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


_NO_FOLD = 1 << 30  # PyYAML folds long scalars at its width: keep each value on one line


class _FrontMatterDumper(yaml.SafeDumper):
    """Every string value double-quoted: one line per key whatever the text holds.
    A newline, NEL or line separator becomes an escape (in a single-quoted or plain
    scalar a reader folds it into a space), and no line of the block can read as
    ``---`` or as another key."""

    def represent_dict(self, data: Any) -> yaml.MappingNode:
        node = super().represent_dict(data)
        for _, value in node.value:
            if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str":
                value.style = '"'
        return node


_FrontMatterDumper.add_representer(dict, _FrontMatterDumper.represent_dict)


def front_matter(values: dict[str, Any]) -> str:
    """A YAML front matter block, keys in the given order."""
    text = yaml.dump(
        values, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=_NO_FOLD,
    )  # fmt: skip
    return f"---\n{text}---\n"


class SiteGenerator:
    """Where one static site generator expects a page, and what it must not see."""

    name: ClassVar[str]
    content_dir: ClassVar[str]

    def lang_key(self, lang: str) -> str:
        return lang.replace("_", "-").lower()

    def page_path(self, root: Path, slug: str, lang: str) -> Path:
        return root / self.content_dir / f"{slug}.{self.lang_key(lang)}.md"

    def front_matter(self, doc: dict[str, Any], slug: str) -> dict[str, Any]:
        article = doc.get("article", {})
        values: dict[str, Any] = {
            "title": str(article.get("title") or article.get("source_title") or slug),
        }
        published = _date(article.get("published"))
        if published:
            values["date"] = published
        values["lang"] = self.lang_key(doc["lang"])
        values["translationKey"] = slug
        return values

    def body(self, markdown: str) -> str:
        return _OWN_FRONT_MATTER.sub("", markdown, count=1)

    def page(self, doc: dict[str, Any], markdown: str, slug: str) -> str:
        body = self.body(markdown)
        return front_matter(self.front_matter(doc, slug)) + "\n" + body.lstrip("\n")

    def config(self, langs: list[str], source: str) -> str:
        raise NotImplementedError


GENERATORS: dict[str, SiteGenerator] = {}


def _register(cls: type[SiteGenerator]) -> type[SiteGenerator]:
    GENERATORS[cls.name] = cls()
    return cls


def _ordered(langs: list[str], source: str) -> list[str]:
    return sorted(langs, key=lambda code: (code != source, code))


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and JSON escapes every control
    character TOML forbids except DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


@_register
class Hugo(SiteGenerator):
    """Hugo's multilingual mode, translation by file name."""

    name = "hugo"
    content_dir = "content"

    def body(self, markdown: str) -> str:
        # Hugo runs shortcodes anywhere in content, code blocks included: a "{{<" or
        # "{{%" in a translation would call one, or fail the build when unclosed.
        # As a character reference the brace still reads "{" on the page.
        body = super().body(markdown)
        return body.replace("{{<", "{&#123;<").replace("{{%", "{&#123;%")

    def config(self, langs: list[str], source: str) -> str:
        lines = [
            f"defaultContentLanguage = {_toml_string(self.lang_key(source))}",
            "defaultContentLanguageInSubdir = true",
            "",
            "[languages]",
        ]
        for weight, lang in enumerate(_ordered(langs, source), start=1):
            lines += [
                f"  [languages.{self.lang_key(lang)}]",
                f"    languageCode = {_toml_string(lang.replace('_', '-'))}",
                f"    languageName = {_toml_string(display_name(lang))}",
                f"    languageDirection = {_toml_string(direction(lang))}",
                f"    weight = {weight}",
            ]
        return "\n".join(lines) + "\n"


@_register
class MkDocs(SiteGenerator):
    """mkdocs-static-i18n, suffix docs structure (its default)."""

    name = "mkdocs"
    content_dir = "docs"

    def lang_key(self, lang: str) -> str:
        # mkdocs-static-i18n locales: "en", "pt_BR" (ISO 639-1, then a region).
        return lang

    def config(self, langs: list[str], source: str) -> str:
        languages = [
            {
                "locale": self.lang_key(lang),
                **({"default": True} if lang == source else {}),
                "name": display_name(lang),
                "build": True,
            }
            for lang in _ordered(langs, source)
        ]
        plugins = {"plugins": [{"i18n": {"docs_structure": "suffix", "languages": languages}}]}
        return yaml.safe_dump(plugins, allow_unicode=True, sort_keys=False, width=_NO_FOLD)


# --- export -----------------------------------------------------------------------------


def _published(ws: Workspace, slug: str) -> list[str]:
    base = ws.bundles_dir / slug
    langs = []
    for entry in sorted(base.glob("*/bundle.json")):
        try:
            code = normalize_locale(entry.parent.name)
        except InputError:
            continue
        if code == entry.parent.name:
            langs.append(code)
    return langs


def export_site(
    ws: Workspace, generator: str, root: Path, slugs: list[str] | None = None
) -> SiteExport:
    """Write the published bundles of ``slugs`` (default: every article with one)
    as pages of a ``generator`` site under ``root``."""
    site = GENERATORS.get(generator)
    if site is None:
        raise InputError(f"unknown site generator {generator!r}; choose {', '.join(GENERATORS)}")
    wanted = [validate_slug(s) for s in slugs] if slugs else ws.slugs()
    found: list[tuple[str, str, dict[str, Any], str]] = []
    for slug in wanted:
        langs = _published(ws, slug)
        if not langs and slugs:
            raise NotFoundError(f"article {slug!r} has no published bundle; run `l10n bundle`")
        for lang in langs:
            out = ws.bundle_dir(slug, lang)
            doc = json.loads((out / "bundle.json").read_text("utf-8"))
            found.append((slug, lang, doc, (out / "article.md").read_text("utf-8")))
    if not found:
        raise NotFoundError("no article has a published bundle; run `l10n bundle` first")
    sources = sorted({str(doc["article"]["source_lang"]) for _, _, doc, _ in found})
    if len(sources) > 1:
        # One site has one default language; a page would land in the wrong one.
        raise InputError(
            f"the articles have different source languages ({', '.join(sources)}); "
            "export them to separate sites"
        )
    pages = []
    for slug, lang, doc, markdown in found:
        path = site.page_path(root, slug, lang)
        write_atomic(path, site.page(doc, markdown, slug).encode("utf-8"))
        pages.append(SitePage(slug, lang, path))
    removed = _prune(root, generator, pages, scope=set(wanted) if slugs else None)
    langs = sorted({p.lang for p in pages})
    return SiteExport(
        generator, root, sources[0], tuple(langs), tuple(pages),
        site.config(langs, sources[0]), tuple(removed),
    )  # fmt: skip


_MANIFEST = ".l10n-site.json"


def _prune(
    root: Path, generator: str, pages: list[SitePage], scope: set[str] | None
) -> list[SitePage]:
    """Delete the pages an earlier export wrote that this one did not, among the
    articles it covers (``scope``; None: every article), and record what the site now
    holds. Only pages named in our own manifest are ever deleted."""
    manifest = root / _MANIFEST
    earlier: list[SitePage] = []
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text("utf-8"))
            if data.get("generator") == generator:
                earlier = [SitePage(str(p["slug"]), str(p["lang"]), root / str(p["path"]))
                           for p in data.get("pages", [])]  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{manifest}: not a page list this tool wrote ({exc})") from exc
    now = {(p.slug, p.lang) for p in pages}
    kept: list[SitePage] = []
    removed: list[SitePage] = []
    for page in earlier:
        if (page.slug, page.lang) in now:
            continue
        if scope is not None and page.slug not in scope:
            kept.append(page)
            continue
        if page.path.resolve().is_relative_to(root.resolve()):
            page.path.unlink(missing_ok=True)
        removed.append(page)
    listed = sorted(kept + pages, key=lambda p: (p.slug, p.lang))
    body = {
        "generator": generator,
        "pages": [{"slug": p.slug, "lang": p.lang, "path": p.path.relative_to(root).as_posix()}
                  for p in listed],
    }  # fmt: skip
    write_atomic(manifest, (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode())
    return removed

"""Publishing into a static site: published bundles of several articles (Markdown,
HTML and plain text, two of them real documents) in English, German, Arabic and
Brazilian Portuguese, some with hostile translated titles and a translation that
looks like a Hugo shortcode, are exported and built with the real generators: Hugo
(Debian's) and mkdocs with mkdocs-static-i18n. The builds must report no error and
hold every language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from l10n_service.errors import InputError
from l10n_service.services.articles import add_article
from l10n_service.services.bundles import build_bundles
from l10n_service.services.catalogs import update_languages
from l10n_service.services.site import GENERATORS, export_site, front_matter
from l10n_service.workspace import Workspace
from tests.conftest import BIN, run_cli
from tests.support.catalogs import machine_translate

DATA = Path(__file__).parents[1] / "data" / "articles"
REALWORLD = Path(__file__).parents[1] / "data" / "realworld" / "md"
LANGS = ["de", "ar", "pt-BR"]
HUGO_LANGS = ["en", "de", "ar", "pt-br"]
MKDOCS_LANGS = ["de", "ar", "pt_BR"]  # and the default, English, at the site root
HELLO = "# Hello World: the first post #1\n\nThe first post of this blog. It says hello.\n"
NOTES = "Breaking News\n\nThe storm reached the coast on Monday. Thousands lost power.\n"
# Translated titles a site generator must take as one plain string.
HOSTILE = {
    ("hello", "de"): "Hallo Welt: der erste Beitrag #<1/>",
    ("hello", "ar"): "[Ĥéĺĺö] #<1/>",
    ("hello", "pt_BR"): "Título #<1/>\nlayout: evil\npermalink: /admin/",
    ("notes", "de"): "---",
    ("notes", "ar"): "Titel\nlayout: evil\npermalink: /admin/",
    ("notes", "pt_BR"): "[Ĥéĺĺö]",
}
SHORTCODES = "Der Sturm {{< >}} erreichte {{% evil %}} die Küste am Montag."
ARTICLES = {
    "blog-post": ("blog-post.md", (DATA / "blog-post.md").read_bytes()),
    "blog-html": ("blog-post.html", (DATA / "blog-post.html").read_bytes()),
    "release-notes": ("release-notes.txt", (DATA / "release-notes.txt").read_bytes()),
    "hello": ("hello.md", HELLO.encode()),
    "notes": ("notes.txt", NOTES.encode()),
    # Real documents (see tests/data/realworld/LICENSES.md): code, tables, footnotes.
    "httpx-readme": ("README.md", (REALWORLD / "httpx--README.md").read_bytes()),
    "footnotes": (
        "footnotes.md",
        (REALWORLD / "markdown--docs-extensions-footnotes.md").read_bytes(),
    ),
}


def _translate_titles(ws: Workspace, slug: str, lang: str) -> None:
    """A translator's own texts (not machine output) for the title, and one that
    types shortcode delimiters into the notes."""
    path = ws.po_path(slug, lang)
    po = polib.pofile(str(path))
    for entry in po:
        if (slug, lang) in HOSTILE and re.match(r"title\.s\d+:", entry.msgctxt):
            entry.msgstr, entry.flags = HOSTILE[slug, lang], []
        if slug == "notes" and lang == "de" and entry.msgid.startswith("The storm"):
            entry.msgstr, entry.flags = SHORTCODES, []
    po.save()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.at(tmp_path_factory.mktemp("site") / "ws")
    for slug, (name, data) in ARTICLES.items():
        add_article(ws, data, name=name, slug=slug)
        update_languages(ws, slug, LANGS)
        for lang in ("de", "ar", "pt_BR"):
            machine_translate(ws, slug, lang)
            _translate_titles(ws, slug, lang)
        built = build_bundles(ws, slug, policy="machine-allowed")
        assert all(b.published and b.qa_fallbacks == 0 for b in built), built
    return ws


def _split_page(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter and body as a site generator reads them: the block ends at the
    first line that is exactly ``---``."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    head, sep, body = text[4:].partition("\n---\n")
    assert sep, f"{path.name}: front matter never closed"
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data, body


def _bundle_title(ws: Workspace, slug: str, lang: str) -> str:
    import json

    doc = json.loads((ws.bundle_dir(slug, lang) / "bundle.json").read_text("utf-8"))
    return str(doc["article"]["title"])


@pytest.fixture(scope="module")
def hugo_site(published: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hugo-site")
    result = export_site(published, "hugo", root)
    assert len(result.pages) == len(ARTICLES) * 4
    (root / "hugo.toml").write_text(
        'baseURL = "https://news.example.org/"\ntitle = "News"\n' + result.config
    )
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html>\n<html lang="{{ .Site.LanguageCode }}" '
        'dir="{{ .Language.LanguageDirection }}">\n<head><meta charset="utf-8">'
        '<title>{{ .Title }}</title></head>\n<body>{{ block "main" . }}{{ end }}</body>\n'
        "</html>\n"
    )
    (layouts / "single.html").write_text(
        '{{ define "main" }}<article><h1 class="title">{{ .Title }}</h1>'
        '<nav>{{ range .Translations }}<a hreflang="{{ .Language.Lang }}" '
        'href="{{ .RelPermalink }}">{{ .Language.LanguageName }}</a>{{ end }}</nav>'
        "{{ .Content }}</article>{{ end }}\n"
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n"
    )
    return root


def _hugo() -> str:
    path = shutil.which("hugo")
    if path is None:
        pytest.fail("hugo is required and missing: apt-get install -y hugo (make services)")
    return path


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("generator", sorted(GENERATORS))
def test_every_page_has_valid_front_matter_with_exactly_our_keys(
    published: Workspace, tmp_path: Path, generator: str
) -> None:
    result = export_site(published, generator, tmp_path)
    assert {p.slug for p in result.pages} == set(ARTICLES)
    for page in result.pages:
        data, body = _split_page(page.path)
        assert set(data) <= {"title", "date", "lang", "translationKey"}
        assert {"title", "lang", "translationKey"} <= set(data)
        assert data["title"] == _bundle_title(published, page.slug, page.lang)
        assert data["translationKey"] == page.slug
        assert page.path.name == f"{page.slug}.{data['lang']}.md"
        assert body.strip()


def test_hostile_titles_stay_one_value(published: Workspace, tmp_path: Path) -> None:
    export_site(published, "hugo", tmp_path)
    titles = {}
    for (slug, lang), _ in HOSTILE.items():
        data, _ = _split_page(tmp_path / "content" / f"{slug}.{lang.replace('_', '-').lower()}.md")
        assert "layout" not in data and "permalink" not in data
        titles[slug, lang] = data["title"]
    assert titles["hello", "de"] == "Hallo Welt: der erste Beitrag #1"
    assert titles["notes", "de"] == "---"
    assert titles["notes", "ar"] == "Titel\nlayout: evil\npermalink: /admin/"
    assert titles["notes", "pt_BR"] == "[Ĥéĺĺö]"
    # A Markdown heading is one line: its visible text joins the translator's lines.
    assert titles["hello", "pt_BR"] == "Título #1 layout: evil permalink: /admin/"


def test_the_body_is_the_rendition_without_its_own_front_matter(
    published: Workspace, tmp_path: Path
) -> None:
    export_site(published, "mkdocs", tmp_path, ["blog-post"])
    rendition = (published.bundle_dir("blog-post", "de") / "article.md").read_text("utf-8")
    assert rendition.startswith("---\n")  # the Markdown article keeps its own front matter
    own_end = rendition.index("\n---\n", 4) + len("\n---\n")
    _, body = _split_page(tmp_path / "docs" / "blog-post.de.md")
    assert body.lstrip("\n") == rendition[own_end:].lstrip("\n")
    assert "description:" not in body and "tags:" not in body


def test_a_shortcode_typed_by_a_translator_stays_text(published: Workspace, tmp_path: Path) -> None:
    export_site(published, "hugo", tmp_path, ["notes"])
    hugo_body = (tmp_path / "content" / "notes.de.md").read_text("utf-8")
    assert "{{<" not in hugo_body and "{{%" not in hugo_body
    assert "{&#123;< >}}" in hugo_body and "{&#123;% evil %}}" in hugo_body
    export_site(published, "mkdocs", tmp_path, ["notes"])
    assert SHORTCODES in (tmp_path / "docs" / "notes.de.md").read_text("utf-8")


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=80))
def test_front_matter_round_trips_any_title(title: str) -> None:
    block = front_matter({"title": title, "lang": "de", "translationKey": "x"})
    lines = block.split("\n")
    assert lines[0] == "---"
    closing = lines.index("---", 1)  # where a generator ends the block
    assert "\n".join(lines[closing + 1 :]) == ""
    data = yaml.safe_load("\n".join(lines[1:closing]))
    assert data == {"title": title, "lang": "de", "translationKey": "x"}


# --- real builds ----------------------------------------------------------------------


def test_hugo_builds_every_language_with_no_error(hugo_site: Path) -> None:
    run = subprocess.run(
        [_hugo(), "--minify", "--source", str(hugo_site)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stderr and "WARN" not in run.stderr, run.stderr
    public = hugo_site / "public"
    for lang in HUGO_LANGS:
        for slug in ARTICLES:
            assert (public / lang / slug / "index.html").is_file(), (lang, slug)
    assert not (public / "admin").exists()  # the hostile title set no permalink
    page = (public / "ar" / "notes" / "index.html").read_text("utf-8")
    assert re.search(r"<html lang=ar dir=rtl>", page)
    assert "layout: evil" in page  # the title, shown as text
    hello = (public / "de" / "hello" / "index.html").read_text("utf-8")
    assert "Hallo Welt: der erste Beitrag #1" in hello
    # translationKey and file names link every translation of an article.
    assert {f"hreflang={lang}" in hello for lang in ("en", "ar", "pt-br")} == {True}
    notes = (public / "de" / "notes" / "index.html").read_text("utf-8")
    assert "{{&lt; >}}" in notes and "{{% evil %}}" in notes


def test_mkdocs_static_i18n_builds_every_language(published: Workspace, tmp_path: Path) -> None:
    result = export_site(published, "mkdocs", tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: News\n" + result.config, "utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "ERROR" not in run.stderr, run.stderr
    site = tmp_path / "site"
    for slug in ARTICLES:
        assert (site / slug / "index.html").is_file(), slug
        for lang in MKDOCS_LANGS:
            assert (site / lang / slug / "index.html").is_file(), (lang, slug)
    page = (site / "ar" / "notes" / "index.html").read_text("utf-8")
    assert "Titel\nlayout: evil" in page or "Titel layout: evil" in page


# --- the command line ------------------------------------------------------------------


def test_cli_export_site(published: Workspace, tmp_path: Path) -> None:
    out = run_cli("export-site", "hugo", str(tmp_path / "site"), "--config", root=published.root)
    pages = f"{4 * len(ARTICLES)} pages in 4 languages (ar, de, en, pt_BR; default en) for hugo"
    assert pages in out.stdout
    assert "[languages.pt-br]" in out.stdout and 'languageDirection = "rtl"' in out.stdout
    one = run_cli("export-site", "mkdocs", str(tmp_path / "mk"), "hello", root=published.root)
    assert "4 pages in 4 languages" in one.stdout
    bad = run_cli("export-site", "jekyll", str(tmp_path), root=published.root, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: unknown site generator 'jekyll'; choose hugo, mkdocs"
    missing = run_cli("export-site", "hugo", str(tmp_path), "nope", root=published.root,
                      check=False)  # fmt: skip
    assert missing.returncode == 2 and "'nope' has no published bundle" in missing.stderr
    assert (BIN / "l10n").exists()


# --- pages that are no longer published ----------------------------------------------------


def test_a_removed_article_loses_its_pages_and_nothing_else(tmp_path: Path) -> None:
    """An article taken down must not stay on the site: the next full export deletes
    the pages it wrote for it, keeps every other page and never touches a file it
    did not write; an export of one article leaves the other articles' pages alone."""
    from l10n_service.services.articles import remove_article

    ws = Workspace.at(tmp_path / "ws")
    for slug, text in (("hello", HELLO), ("notes", NOTES)):
        add_article(ws, text.encode(), name=f"{slug}.md", slug=slug)
        update_languages(ws, slug, ["de"])
        machine_translate(ws, slug, "de")
        build_bundles(ws, slug, policy="machine-allowed")
    site = tmp_path / "site"
    first = export_site(ws, "hugo", site)
    assert {(p.slug, p.lang) for p in first.pages} == {
        ("hello", "de"), ("hello", "en"), ("notes", "de"), ("notes", "en")
    } and first.removed == ()
    own = site / "content" / "about.md"
    own.write_text("---\ntitle: About\n---\nOurs.\n")
    remove_article(ws, "notes")
    only_hello = export_site(ws, "hugo", site, ["hello"])
    assert only_hello.removed == () and (site / "content" / "notes.de.md").exists()
    full = export_site(ws, "hugo", site)
    assert sorted((p.slug, p.lang) for p in full.removed) == [("notes", "de"), ("notes", "en")]
    assert sorted(p.name for p in (site / "content").iterdir()) == [
        "about.md", "hello.de.md", "hello.en.md"
    ]
    again = export_site(ws, "hugo", site)
    assert again.removed == ()
    (site / ".l10n-site.json").write_text("[1, 2]")
    with pytest.raises(InputError, match="not a page list this tool wrote"):
        export_site(ws, "hugo", site)

"""What a hostile translation of a Markdown article publishes, through the real bundle
path (``add`` -> catalog -> ``build_bundles``): the front matter of ``article.md``
parses with the source's keys and types, and neither ``index.html`` nor
``article.md`` links anywhere the source does not."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from l10n_service.mt.pseudo import pseudo_localize
from l10n_service.services.articles import add_article
from l10n_service.services.bundles import build_bundles
from l10n_service.services.catalogs import update_languages
from l10n_service.workspace import Workspace

POST = Path(__file__).parents[1] / "data" / "articles" / "blog-post.md"
TITLE = "Five Lessons from Our First Offline Release"
RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)

HOSTILE_TITLES = [
    "Hallo Welt: der erste Beitrag #1",
    "[Ĥéĺĺö]",
    "Titel\nlayout: evil\npermalink: /admin/\ndraft: false",
    "---",
    "+++",
    "Fünf \"Lehren\" \\ aus 'unserem' Release",
]
# Added to one sentence each; none may become a link or an image.
INJECTED = [
    " Hier [klicken][k].\n\n[k]: //evil.example/phish",
    " Siehe ![b][faq] und [FAQ][faq] und [FAQ].",
    " Mehr: <https://evil.example/x> oder https://evil.example/y oder www.evil.example.",
    ' <a href="//evil.example">hier</a>',
]


def _workspace(root: Path) -> Workspace:
    ws = Workspace.at(root)
    add_article(ws, POST.read_bytes(), name=POST.name, slug="post")
    update_languages(ws, "post", ["de"])
    return ws


def _translate(ws: Workspace, title: str, injected: list[str]) -> None:
    """Every entry a translator's (pseudo) text; the title and the first plain
    sentences get the hostile texts."""
    path = ws.po_path("post", "de")
    po = polib.pofile(str(path))
    pending = list(injected)
    for entry in po:
        entry.flags = []
        entry.msgstr = pseudo_localize(entry.msgid)
        if entry.msgid == TITLE:
            entry.msgstr = title
        elif (
            pending
            and "<" not in entry.msgid
            and len(entry.msgid.split()) > 4
            and not (entry.msgctxt or "").startswith("attr")
        ):  # body text, not a front matter value
            entry.msgstr += pending.pop(0)
    po.save()
    assert not pending


def _published(ws: Workspace) -> tuple[dict[str, Any], str, str]:
    (_built,) = build_bundles(ws, "post", ["de"], policy="human", min_coverage=0)
    out = ws.bundle_dir("post", "de")
    data = json.loads((out / "bundle.json").read_text("utf-8"))
    return data, (out / "index.html").read_text("utf-8"), (out / "article.md").read_text("utf-8")


def _front(markdown: str) -> dict[str, Any]:
    match = _FRONT.match(markdown)
    assert match is not None, markdown[:200]
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data


def _targets(page: str, inside: str = "div") -> set[str]:
    """Every href and src of an HTML fragment, or of one element of a page."""
    root = lxml_html.fromstring(f"<div>{page}</div>")
    found = root.find(f".//{inside}") if inside != "div" else root
    assert found is not None
    return {v for el in found.iter() for k, v in el.attrib.items() if k in ("href", "src")}


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_title_keeps_the_front_matter(workspace: Path, title: str) -> None:
    ws = _workspace(workspace)
    _translate(ws, title, [])
    data, _, article_md = _published(ws)
    source = _front(POST.read_text("utf-8"))
    front = _front(article_md)
    assert list(front) == list(source)
    assert {k: type(v) for k, v in front.items()} == {k: type(v) for k, v in source.items()}
    [segment] = [s for b in data["blocks"] for s in b["segments"] if s["source"] == TITLE][:1]
    if segment["state"] != "source-fallback":  # a QA error would keep the source title
        assert front["title"] == _MD_ESCAPE.sub(r"\1", segment["text"])
        assert front["title"] != TITLE
    assert front["author"] == source["author"] and front["tags"] == source["tags"]


def test_translators_cannot_add_links(workspace: Path) -> None:
    ws = _workspace(workspace)
    _translate(ws, "Fünf Lehren", INJECTED)
    data, index_html, article_md = _published(ws)
    source_md = POST.read_text("utf-8")
    allowed = _targets(RENDERER.render(source_md))
    assert _targets(RENDERER.render(article_md)) <= allowed
    assert _targets(index_html, "article") <= allowed
    assert "evil.example" not in "".join(_targets(index_html))
    # The injection without a URL passes QA (the others fall back to the source),
    # is published, and is only text.
    shown = [s for b in data["blocks"] for s in b["segments"] if "[b]" in s["text"]]
    assert shown and all(s["state"] == "translated" for s in shown)
    assert "!\\[b]\\[faq] und \\[FAQ]\\[faq] und \\[FAQ]." in article_md
    assert "Siehe ![b][faq]" in lxml_html.fromstring(index_html).text_content()

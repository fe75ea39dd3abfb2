"""The Arabic page of the sample article in a real browser (headless Chromium through
playwright): laid out right to left, notices visible. A screenshot goes to
test-artifacts/ for a human look."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from playwright.sync_api import Browser, sync_playwright

from l10n_service.core.tokens import tokens_in
from l10n_service.services.articles import add_article
from l10n_service.services.bundles import build_bundles
from l10n_service.services.catalogs import update_languages
from l10n_service.workspace import Workspace
from tests.conftest import REPO, SAMPLE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = REPO / "test-artifacts"


def _arabic(masked: str) -> str:
    """Arabic words around the source's placeholders, in their order (so they nest)."""
    words = iter(["ماراثون", "بيونغيانغ", "الدولي", "يعود", "بعد", "سنوات", "من", "الغياب"] * 20)
    parts = [f"{next(words)} {token}" for token in tokens_in(masked)]
    return " ".join([*parts, next(words), next(words)]) + "."


@pytest.fixture(scope="module")
def arabic_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = Workspace.at(tmp_path_factory.mktemp("rtl"))
    add_article(ws, SAMPLE.read_bytes(), name=SAMPLE.name)
    slug = SAMPLE.stem
    update_languages(ws, slug, ["ar"])
    path = ws.po_path(slug, "ar")
    po = polib.pofile(str(path))
    for index, entry in enumerate(po):
        if index % 10:  # every tenth stays in English: the fallback notice shows
            entry.msgstr = _arabic(entry.msgid)
    po.save()
    assert all(b.published for b in build_bundles(ws, slug))
    return ws.bundle_dir(slug, "ar") / "index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is required (apt-get install -y chromium; make test does it)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


def test_arabic_page_is_right_to_left(arabic_page: Path, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(arabic_page.resolve().as_uri())
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    # The text of a heading hugs the right edge of its box, not the left.
    edges = page.evaluate(
        """() => {
            const h = document.querySelector('article h2');
            const range = document.createRange();
            range.selectNodeContents(h);
            const text = range.getBoundingClientRect(), box = h.getBoundingClientRect();
            return [box.right - text.right, text.left - box.left];
        }"""
    )
    assert abs(edges[0]) < 2 and edges[1] > 50
    assert page.locator(".notice").first.is_visible()
    english = page.locator("article span[lang=en][dir=ltr]")  # source text, marked as such
    assert english.count() > 0
    assert english.first.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "shown in the source language" in page.locator(".notice").all_inner_texts()[-1]
    hreflangs = page.eval_on_selector_all(
        "link[rel=alternate]", "links => links.map(l => l.hreflang)"
    )
    assert hreflangs == ["ar", "en"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rtl-ar.png"), full_page=False)
    page.close()

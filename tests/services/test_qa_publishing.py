"""QA errors keep a translation off the published page under every policy, on real
news copy and a real README: the entry falls back to its source sentence with the
reason in bundle.json and the notice counts it; a catalog without errors publishes
the very bytes it did before QA was consulted."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from l10n_service.core.localize import localize, rebuild_source
from l10n_service.core.render import bundle_document, dumps, render_html, render_markdown
from l10n_service.mt.pseudo import pseudo_localize
from l10n_service.mt.registry import provenance_kind
from l10n_service.services.articles import add_article, load_article
from l10n_service.services.bundles import build_bundles, catalog_texts
from l10n_service.services.catalogs import approve_entries, update_languages
from l10n_service.workspace import Workspace
from tests.conftest import SAMPLE
from tests.support.catalogs import machine_translate

REALWORLD = Path(__file__).parents[1] / "data" / "realworld"
DOCS = {
    "news": SAMPLE,
    "readme": REALWORLD / "md" / "httpx--README.md",
    "html": REALWORLD / "html" / "python-3.11-doc--faq-general.html",
}
# What a careless or hostile translator adds to a sentence; every one is a QA error.
INJECTED = {
    "urls": " Mehr unter //evil.example/x.",
    "urls ": " Mehr unter HTTPS://EVIL.EXAMPLE/x.",
    "unsafe": " &#106;avascript:void",
}


def _workspace(root: Path, doc: Path) -> Workspace:
    ws = Workspace.at(root)
    add_article(ws, doc.read_bytes(), name=doc.name, slug="a")
    update_languages(ws, "a", ["de"])
    machine_translate(ws, "a", "de")
    return ws


def _humanise(ws: Workspace, suffixes: dict[str, str]) -> dict[str, str]:
    """Every entry becomes a translator's (not machine) text; the first entries with
    a plain sentence get the suffixes. Returns entry id -> the check it trips."""
    path = ws.po_path("a", "de")
    po = polib.pofile(str(path))
    tripped: dict[str, str] = {}
    pending = list(suffixes.items())
    for entry in po:
        entry.flags = []
        entry.msgstr = pseudo_localize(entry.msgid)
        if pending and "<" not in entry.msgid and len(entry.msgid.split()) > 4:
            check, suffix = pending.pop(0)
            entry.msgstr += suffix
            tripped[entry.msgctxt] = check.strip()
    po.save()
    assert not pending
    return tripped


@pytest.mark.parametrize("doc", sorted(DOCS))
@pytest.mark.parametrize("policy", ["human", "machine-allowed", "approved-only"])
def test_entries_with_qa_errors_fall_back_under_every_policy(
    workspace: Path, doc: str, policy: str
) -> None:
    ws = _workspace(workspace, DOCS[doc])
    tripped = _humanise(ws, INJECTED)
    approve_entries(ws, "a", "de", who="rita", force=True)
    (built,) = build_bundles(ws, "a", ["de"], policy=policy, min_coverage=0)
    data = json.loads((ws.bundle_dir("a", "de") / "bundle.json").read_text())
    segments = {s["entry"]: s for b in data["blocks"] for s in b["segments"]}
    for entry_id, check in tripped.items():
        seg = segments[entry_id]
        assert seg["state"] == "source-fallback"
        assert seg["text"] == seg["source"]
        assert seg["fallback_reason"] == f"qa: {check}"
    # The rest is shown, except what QA rightly stops on its own: the Python FAQ has
    # "www.python.org" in free text, which pseudo-localisation mangles.
    others = [s for s in segments.values() if s["entry"] not in tripped]
    held = [s for s in others if s["state"] == "source-fallback"]
    assert len(held) <= len(others) // 10
    assert all(s["fallback_reason"] == "qa: urls" and "www." in s["source"] for s in held)
    occurrences = sum(
        1
        for b in data["blocks"]
        for s in b["segments"]
        if s.get("fallback_reason", "").startswith("qa: ")
    )
    assert built.qa_fallbacks == occurrences
    assert any(f"({occurrences} because their translation has QA errors)" in n
               for n in data["notices"])  # fmt: skip
    # Not even the reason quotes what the translator added.
    published = "".join(p.read_text() for p in ws.bundle_dir("a", "de").glob("*.*"))
    assert "evil.example" not in published.lower() and "avascript:" not in published


def test_a_catalog_without_errors_publishes_what_the_renderer_alone_makes(
    workspace: Path,
) -> None:
    """QA consulted and finding nothing changes no byte of any rendition."""
    ws = _workspace(workspace, SAMPLE)
    (built,) = build_bundles(ws, "a", ["de"], policy="machine-allowed", min_coverage=0)
    assert built.qa_fallbacks == 0
    article = load_article(ws, "a")
    chosen = localize(article, "de", catalog_texts(ws, "a", "de"), "machine-allowed")
    doc = bundle_document(
        article, "de", chosen, alternates=["de"], policy="machine-allowed", min_coverage=0.0,
        kind_of=provenance_kind,
    )  # fmt: skip
    out = ws.bundle_dir("a", "de")
    assert (out / "bundle.json").read_text() == dumps(doc)
    assert (out / "index.html").read_text() == render_html(doc, article, chosen)
    assert (out / "article.md").read_text() == render_markdown(article, chosen)
    assert (out / "article.txt").read_text() == rebuild_source(article, chosen)
    assert not any("QA" in n for n in doc["notices"])


def test_qa_is_asked_only_about_translations_the_policy_would_show(workspace: Path) -> None:
    ws = _workspace(workspace, SAMPLE)
    article = load_article(ws, "a")
    asked: list[str] = []

    def qa(entry_id: str) -> list[str]:
        asked.append(entry_id)
        return []

    localize(article, "de", catalog_texts(ws, "a", "de"), "human", qa)
    assert asked == []  # machine output only, not allowed by the policy: nothing to check
    localize(article, "de", catalog_texts(ws, "a", "de"), "machine-allowed", qa)
    assert sorted(asked) == sorted(s.entry_id for s in article.unique_segments())

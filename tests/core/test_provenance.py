"""The ``mt:`` provenance line: written with the engine's kind, read back by the
bundle renderer, which tells readers about pseudo-localisation from the kind alone
(and, through the engine registry, from lines written before ``kind=`` existed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from l10n_service.core.formats import parse_article
from l10n_service.core.localize import CatalogText, localize
from l10n_service.core.model import Article, SegmentState
from l10n_service.core.provenance import (
    is_real_translation,
    provenance_field,
    provenance_kind,
    provenance_line,
)
from l10n_service.core.render import bundle_document
from l10n_service.mt import registry

ARGOS = {
    "engine": "argos", "kind": "neural", "label": "argostranslate (CTranslate2)",
    "package": "translate-en_de-1.0", "options": "beam_size=4 length_penalty=0.2",
    "at": "2025-01-01T00:00:00Z",
}  # fmt: skip


def test_the_line_names_engine_kind_and_package() -> None:
    line = provenance_line(ARGOS)
    assert line == (
        "mt: engine=argos kind=neural package=translate-en_de-1.0 "
        "options=beam_size=4 length_penalty=0.2 at=2025-01-01T00:00:00Z"
    )
    assert provenance_field(line, "package") == "translate-en_de-1.0"
    assert provenance_field(line, "options") == "beam_size=4"  # values have no spaces
    assert provenance_field(line, "label") is None  # the label is not written
    assert provenance_kind(line) == "neural"


def test_pseudo_output_says_so_in_the_catalog() -> None:
    line = provenance_line({"engine": "pseudo", "kind": "pseudo", "version": "1"})
    assert (
        line
        == "mt: engine=pseudo kind=pseudo version=1 (pseudo-localisation, not a real translation)"
    )
    assert provenance_kind(line) == "pseudo" and not is_real_translation("pseudo")


@pytest.mark.parametrize("line", ["", "approved: rita", "mt: engine=argos", "mt:kind"])
def test_lines_without_a_kind(line: str) -> None:
    assert provenance_kind(line) is None and is_real_translation(None)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("mt: engine=pseudo version=1", "pseudo"),  # written by the old code
        (
            "mt: engine=pseudo version=1 at=x (pseudo-localisation, not a real translation)",
            "pseudo",
        ),
        ("mt: engine=argos package=translate-en_de-1.0 at=x", "neural"),
        ("mt: engine=gone-since version=3", None),  # an engine no longer installed
        ("mt: engine=argos kind=pseudo", "pseudo"),  # the line's own word wins
    ],
)
def test_the_registry_reads_old_lines_too(line: str, kind: str | None) -> None:
    assert registry.provenance_kind(line) == kind


@pytest.fixture
def article(sample_text: str) -> Article:
    return parse_article(sample_text, fmt="text", slug="sample", source_lang="en")


def _machine_notice(
    article: Article, line: str, kind_of: Callable[[str], str | None] = provenance_kind
) -> str:
    catalog = {
        s.entry_id: CatalogText(s.source.upper(), SegmentState.MACHINE, line)
        for s in article.unique_segments()
    }
    chosen = localize(article, "de", catalog, "machine-allowed")
    doc = bundle_document(
        article,
        "de",
        chosen,
        alternates=["de"],
        policy="machine-allowed",
        kind_of=kind_of,
    )
    return next(n for n in doc["notices"] if "machine-translated" in n)


@pytest.mark.parametrize(
    ("line", "pseudo"),
    [
        (provenance_line({"engine": "pseudo", "kind": "pseudo"}), True),
        (provenance_line({"engine": "anything", "kind": "pseudo"}), True),  # kind, not name
        (provenance_line(ARGOS), False),
        (provenance_line({"engine": "pseudo", "kind": "rule-based"}), False),
    ],
)
def test_the_bundle_notice_follows_the_kind(article: Article, line: str, pseudo: bool) -> None:
    notice = _machine_notice(article, line)
    assert ("by pseudo-localisation (not a real translation)" in notice) is pseudo


def test_the_bundle_notice_for_old_lines_comes_from_the_registry(article: Article) -> None:
    old = "mt: engine=pseudo version=1"
    # The pure reader cannot know the kind (the notice still names the engine).
    assert "not a real translation" not in _machine_notice(article, old)
    notice = _machine_notice(article, old, kind_of=registry.provenance_kind)
    assert "by pseudo-localisation (not a real translation)" in notice

"""The sentence splitter's fast path (no pysbd for a text in which no sentence can
end before its own end) must give exactly what pysbd and our rules give: compared on
generated text made of the hard spots (abbreviations, versions, file names,
parentheses, quotes, ellipses, other scripts) and on every text the parsers hand the
splitter from the vendored real-world documents and example articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l10n_service.core import sentences
from l10n_service.core.formats import detect_format, parse_article
from l10n_service.core.sentences import _one_sentence, _spans, sentence_spans

DATA = Path(__file__).parents[1] / "data"
REPO = Path(__file__).parents[2]

_TOKENS = [
    "the", "race", "Bar", "Dr", "Mr", "e.g", "i.e", "U.S", "etc", "No", "Fig", "approx",
    "Chapter", "10", "2010", "3.10", "v1.2.3", "21.7b0", "foo_*.dsc", "foo.tar.gz",
    ".gitignore", "./configure", "~/.local", "README.md", "example.com/path", "node.js",
    "a.py", "x", "I", "a", "b", "Ph.D", "café", "Öl", "日本語", "东京", "-", "--", "*", "/",
    ".", ".", ".", "!", "?", "…", "...", "‽", "。", "！", "？", "؟", "।",
    "(", ")", "（", "）", "[", "]", "{", "}", '"', "'", "”", "’", "»", "«", "“", "「", "」",
    ":", ",", ";", "%", "#", "<1/>", "`code`", "¶",
]  # fmt: skip
_GAPS = ["", " ", " ", " ", "  ", "\n", "\u00a0", "\t"]


@st.composite
def tricky_texts(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14))
    parts = [draw(st.sampled_from(["", "", " ", "\n"]))]
    for token in tokens:
        parts += [token, draw(st.sampled_from(_GAPS))]
    return "".join(parts)


def _as_one(text: str) -> list[tuple[int, int]]:
    return [(len(text) - len(text.lstrip()), len(text.rstrip()))]


def _check(text: str, lang: str = "en") -> None:
    if text.strip() and _one_sentence(text):
        assert _spans(text, lang) == _as_one(text), text


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_texts())
def test_fast_path_agrees_with_pysbd_on_generated_text(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(tricky_texts(), st.sampled_from(["de", "fr", "ja", "zh", "ar", "hi", "ru", "es"]))
def test_fast_path_agrees_with_pysbd_in_other_languages(text: str, lang: str) -> None:
    _check(text, lang)


def _real_documents() -> list[Path]:
    found = sorted((DATA / "realworld").glob("*/*.*")) + sorted((DATA / "articles").glob("*.*"))
    found += sorted((REPO / "examples" / "articles").glob("*.*"))
    return [p for p in found if p.suffix in (".md", ".html", ".txt")]


@pytest.mark.parametrize("path", _real_documents(), ids=lambda p: p.name)
def test_fast_path_agrees_with_pysbd_on_real_text(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text the parser hands the splitter, and each of its lines."""
    seen: list[str] = []

    def recording(text: str, lang: str = "en") -> list[tuple[int, int]]:
        seen.append(text)
        return sentence_spans(text, lang)

    monkeypatch.setattr("l10n_service.core.builder.sentence_spans", recording)
    text = path.read_text("utf-8")
    parse_article(text, fmt=detect_format(path.name, text), slug="doc")
    assert seen
    for item in seen:
        for piece in {item, *item.splitlines()}:
            if len(piece) <= sentences.WINDOW:
                _check(piece)


@pytest.mark.parametrize(
    "text",
    [
        "Version 21.7b0",
        "Fix Python 3.10 support on platforms without ProcessPoolExecutor (#2631)",
        "Add `response.next_request` (Pull #1334)",
        "Chapter 10 of the FAQ",
        "Upload foo_*.dsc and foo.tar.gz to the archive.",
        "It works (mostly).",
    ],
)
def test_the_fast_path_is_taken_where_no_sentence_can_end(text: str) -> None:
    assert _one_sentence(text)
    assert _spans(text, "en") == _as_one(text)


@pytest.mark.parametrize(
    "text",
    ["Done. Next.", "the..", "Why?!", "(See it.) Then go.", "(see Classes) The method", "a.B"],
)
def test_pysbd_decides_where_a_sentence_may_end(text: str) -> None:
    assert not _one_sentence(text)

"""Our English pysbd processor (abbreviations searched only before a full stop) must
give exactly what pysbd's own gives: compared on generated text made of pysbd's
abbreviations in every case and spacing, with and without a full stop, next to the
characters that match ASCII letters only when case is ignored, and on every text the
parsers hand the splitter from the vendored real-world documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysbd.lang.english import English
from pysbd.processor import Processor

from l10n_service.core.abbreviations import EnglishProcessor
from l10n_service.core.formats import detect_format, parse_article
from l10n_service.core.sentences import _FOR_PYSBD

DATA = Path(__file__).parents[1] / "data"

_ABBREVIATIONS = sorted({a.strip() for a in English.Abbreviation.ABBREVIATIONS})
_WORDS = [
    "the", "Now", "issue", "index", "is", "I", "A", "The", "He", "It", "a.m", "P.M", "U.S",
    "Co", "KG", "Drive", "nos", "3", "10", "2010", "(1)", "(", ")", '"', "'", "’s", "'s",
    "İ", "ı", "ſt", "K", "Kg", "ſ", "café", "-", ":", ":12", ",", "?", "!", "∯", "{dr}",
]  # fmt: skip
_AFTER = ["", ".", ".", ".", ". ", ".,", ".:", ".-", ".?", "..", ". (", ":3"]
_GAPS = [" ", " ", "  ", "\n", "\r", "\t", "\u00a0", ""]


@st.composite
def abbreviation_texts(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        word = draw(st.sampled_from(_ABBREVIATIONS) | st.sampled_from(_WORDS))
        case = draw(st.sampled_from([str, str.upper, str.capitalize]))
        parts += [case(word), draw(st.sampled_from(_AFTER)), draw(st.sampled_from(_GAPS))]
    return "".join(parts)


def _same(text: str) -> None:
    assert EnglishProcessor(text).process() == Processor(text, English).process(), text


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(abbreviation_texts())
def test_same_sentences_as_pysbd_on_generated_text(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ask Dr. Sharma. She knows.",
        "It costs 5 ft. of wire, e.g. the red one. Then stop.",
        "See fig. 3 and no. 12. Next.",
        "The ſt. Louis office. Then K. Smith left. İs. here.",
        "Go to the index. Now.",
        "Call {dr} Me. at home.",
        "",
    ],
)
def test_same_sentences_as_pysbd(text: str) -> None:
    _same(text)


def _real_documents() -> list[Path]:
    found = sorted((DATA / "realworld").glob("*/*.*")) + sorted((DATA / "articles").glob("*.*"))
    return [p for p in found if p.suffix in (".md", ".html", ".txt")]


@pytest.mark.parametrize("path", _real_documents(), ids=lambda p: p.name)
def test_same_sentences_as_pysbd_on_real_text(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def recording(text: str, lang: str = "en") -> list[tuple[int, int]]:
        seen.append(text)
        return [(0, len(text))]

    monkeypatch.setattr("l10n_service.core.builder.sentence_spans", recording)
    text = path.read_text("utf-8")
    parse_article(text, fmt=detect_format(path.name, text), slug="doc")
    assert seen
    for item in seen:
        _same(item.translate(_FOR_PYSBD))

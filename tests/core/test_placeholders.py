from __future__ import annotations

import pytest
from hypothesis import given, settings

from l10n_service.core.builder import protect_pieces
from l10n_service.core.inline import Markup, Text
from l10n_service.core.placeholders import mask, protect_text
from l10n_service.core.tokens import placeholder_problems, restore
from tests.strategies import inline_pieces, sentences


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("in 2019 and 1,200.5 runners", ["number", "number"]),
        ("see https://example.org/a?b=1.", ["url"]),
        ("mail ann@example.org now", ["email"]),
        ("Hello {name}, %(count)s left", ["var", "var"]),
        ("COVID-19 and the 1980s", []),
        ("a literal <1> tag", ["literal"]),
    ],
)
def test_protect_text_finds_what_must_not_be_translated(text: str, kinds: list[str]) -> None:
    pieces = protect_text(text)
    assert [p.kind for p in pieces if isinstance(p, Markup)] == kinds
    assert "".join(p.original for p in pieces) == text


def test_mask_pairs_and_atoms() -> None:
    pieces = [Text("Go "), Markup("open", "**"), Text("now"), Markup("close", "**"),
              Text(" to "), Markup("atom", "`x`")]  # fmt: skip
    masked, legend, _ = mask(pieces)
    assert masked == "Go <1>now</1> to <2/>"
    assert restore(masked, legend) == "Go **now** to `x`"


def test_unbalanced_markup_becomes_an_atom() -> None:
    masked, legend, _ = mask([Markup("close", "</em>"), Text("x"), Markup("open", "<b>")])
    assert masked == "<1/>x<2/>"
    assert restore(masked, legend) == "</em>x<b>"


@given(inline_pieces())
@settings(max_examples=200)
def test_mask_then_restore_is_identity(pieces: list) -> None:  # type: ignore[type-arg]
    pieces = protect_pieces(pieces)
    masked, legend, _ = mask(pieces)
    assert restore(masked, legend) == "".join(p.original for p in pieces)
    assert placeholder_problems(masked, masked) == []


@given(sentences)
def test_protect_text_is_lossless(text: str) -> None:
    assert "".join(p.original for p in protect_text(text)) == text


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("Geh <1>jetzt</1>", "missing placeholders <2/>"),
        ("Geh <1>jetzt</1> <2/> <2/>", "unknown or repeated placeholders <2/>"),
        ("Geh </1>jetzt<1> <2/>", "closes out of order"),
        ("Geh <1>jetzt</1> <3/>", "missing placeholders <2/>"),
    ],
)
def test_placeholder_problems(translation: str, problem: str) -> None:
    problems = placeholder_problems("Go <1>now</1> <2/>", translation)
    assert any(problem in p for p in problems), problems


def test_placeholders_may_move() -> None:
    assert placeholder_problems("Go <1>now</1> <2/>", "<2/> jetzt <1>gehen</1>") == []

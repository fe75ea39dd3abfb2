"""One contract, every engine (translate-toolkit's test_base habit). The argos engine
runs a real argostranslate package through CTranslate2: never a fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from l10n_service.core.tokens import placeholder_problems
from l10n_service.mt.base import Engine
from l10n_service.mt.pseudo import pseudo_localize
from l10n_service.mt.registry import available_engines, get_engine
from tests.support.tiny_argos import expected_translation

SENTENCES = [
    "On a <1>bright</1> Sunday <2/> morning, in <3/>.",
    "Dr. Sharma: “It’s engaging.”",
    "Short.",
    "A much longer sentence about the marathon in Pyongyang that goes on and on " * 3,
]


@pytest.fixture(params=["pseudo", "argos"])
def engine(request: pytest.FixtureRequest, installed_models: dict[str, Path]) -> Engine:
    return get_engine(request.param)


class TestEngineContract:
    def test_registered(self, engine: Engine) -> None:
        assert engine.name in available_engines()
        assert engine.label

    def test_supports_installed_pair(self, engine: Engine) -> None:
        assert engine.supports("en", "de")

    def test_one_output_per_input_in_order(self, engine: Engine) -> None:
        out = engine.translate_batch(SENTENCES, "en", "de")
        assert len(out) == len(SENTENCES)
        assert all(o.strip() for o in out)

    def test_placeholders_survive(self, engine: Engine) -> None:
        out = engine.translate_batch(SENTENCES[:1], "en", "de")
        assert placeholder_problems(SENTENCES[0], out[0]) == []

    def test_provenance_names_the_engine(self, engine: Engine) -> None:
        assert engine.provenance("en", "de")["engine"] == engine.name

    def test_empty_batch(self, engine: Engine) -> None:
        assert engine.translate_batch([], "en", "de") == []


def test_argos_output_is_exactly_the_models(installed_models: dict[str, Path]) -> None:
    out = get_engine("argos").translate_batch(SENTENCES, "en", "de")
    assert out == [expected_translation(s).strip() for s in SENTENCES]


def test_argos_names_package_and_options(installed_models: dict[str, Path]) -> None:
    provenance = get_engine("argos").provenance("en", "ar")
    assert provenance["package"].startswith("translate-en_ar-")
    assert "beam_size=4" in provenance["options"]


def test_argos_refuses_missing_pair(installed_models: dict[str, Path]) -> None:
    from l10n_service.errors import EngineUnavailable

    engine = get_engine("argos")
    assert not engine.supports("de", "fr")
    with pytest.raises(EngineUnavailable, match="de -> fr"):
        engine.translate_batch(["x"], "de", "fr")


def test_pseudo_is_labelled_and_keeps_tokens() -> None:
    assert "not a real translation" in get_engine("pseudo").label
    out = pseudo_localize("Go <1>now</1> <2/>")
    assert out.startswith("[") and out.endswith("]")
    assert "<1>" in out and "</1>" in out and "<2/>" in out
    assert len(out) > len("Go <1>now</1> <2/>")


def test_pivot_through_english(
    tmp_path_factory: pytest.TempPathFactory, installed_models: dict[str, Path]
) -> None:
    """No fr->de package: fr->en then en->de, two real packages chained."""
    from tests.conftest import run_cli
    from tests.support.tiny_argos import build_tiny_argos_package

    out = tmp_path_factory.mktemp("pivot")
    run_cli("models", "install", str(build_tiny_argos_package(out, "fr", "en", mode="copy")))
    engine = get_engine("argos")
    assert engine.supports("fr", "de") and engine.supports("fr", "ar")
    assert not engine.supports("fr", "it")  # no en->it package: no route
    text = "Le marathon de <1/> commence à l'aube."
    assert engine.translate_batch([text], "fr", "de") == [expected_translation(text).strip()]
    assert engine.provenance("fr", "de")["package"] == ("translate-fr_en-1.0 + translate-en_de-1.0")
    run_cli("models", "remove", "fr-en")

"""The engine contract (translate-toolkit's ``test_base`` habit): one test class,
run for EVERY engine the registry finds, the built-ins and the third-party test
plugin alike. argos runs the tiny real packages the suite builds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from l10n_service.core.provenance import KINDS, provenance_field, provenance_line
from l10n_service.core.tokens import placeholder_problems
from l10n_service.mt import registry
from l10n_service.mt.base import ANY, Engine
from l10n_service.services.machine import run_engine

SENTENCES = [
    "On a <1>bright</1> Sunday <2/> morning, in <3/>.",
    "Dr. Sharma: “It’s engaging.”",
    "Short.",
    "<1>Whole</1>",
    "A much longer sentence about the marathon in Pyongyang that goes on and on " * 3,
]
QUEUE = re.compile(r"^mt\.[a-z0-9][a-z0-9_.-]*$")


def concrete_pairs(engine: Engine) -> list[tuple[str, str]]:
    """Pairs to try: the engine's own, with wildcards filled in."""
    return [(("en" if a == ANY else a), ("de" if b == ANY else b)) for a, b in engine.pairs()]


@pytest.fixture(params=registry.available_engines())
def engine(request: pytest.FixtureRequest, installed_models: dict[str, Path]) -> Engine:
    return registry.get_engine(request.param)


@pytest.fixture
def pair(engine: Engine) -> tuple[str, str]:
    pairs = concrete_pairs(engine)
    assert pairs, f"{engine.name} offers no pair with the suite's models installed"
    return pairs[0]


def test_every_engine_is_covered() -> None:
    """The built-ins come from pyproject's entry points, the plugin from its own."""
    assert {"argos", "pseudo", "shout"} <= set(registry.available_engines())
    assert registry.problems() == []


class TestEngineContract:
    def test_capabilities(self, engine: Engine) -> None:
        assert engine.name in registry.available_engines()
        assert engine.label and "\n" not in engine.label
        assert engine.kind in KINDS
        assert isinstance(engine.rank, int)
        assert isinstance(engine.batch_size, int) and engine.batch_size >= 1

    def test_pairs_are_sorted_and_match_supports(self, engine: Engine) -> None:
        pairs = engine.pairs()
        assert pairs == sorted(pairs)
        for source, target in concrete_pairs(engine):
            assert engine.supports(source, target), (source, target)
            assert engine.supports(f"{source}_XX", f"{target}-YY")  # locales, not just codes
        wildcard = any(ANY in p for p in pairs)
        assert engine.supports("xq", "xz") is wildcard  # languages nobody has

    def test_queue_for(self, engine: Engine, pair: tuple[str, str]) -> None:
        queues = engine.queues()
        assert queues and all(QUEUE.match(q) for q in queues), queues
        for source, target in concrete_pairs(engine):
            assert engine.queue_for(source, target) in queues
            assert engine.queue_for(f"{source}_XX", target) == engine.queue_for(source, target)

    def test_one_output_per_input_in_order(self, engine: Engine, pair: tuple[str, str]) -> None:
        out = engine.translate_batch(SENTENCES, *pair)
        assert len(out) == len(SENTENCES) and all(o.strip() for o in out)
        assert out[2] == engine.translate_batch([SENTENCES[2]], *pair)[0]

    def test_empty_batch(self, engine: Engine, pair: tuple[str, str]) -> None:
        assert engine.translate_batch([], *pair) == []

    def test_placeholders_survive_or_the_sentence_is_failed(
        self, engine: Engine, pair: tuple[str, str]
    ) -> None:
        result = run_engine(engine, *pair, SENTENCES)
        for i, (text, out) in enumerate(zip(SENTENCES, result["translations"], strict=True)):
            broken = placeholder_problems(text, out)
            assert bool(broken) == (str(i) in result["errors"]), (text, out)

    def test_a_full_batch_and_one_more(self, engine: Engine, pair: tuple[str, str]) -> None:
        texts = [f"Runner {i} crossed line <1/>." for i in range(engine.batch_size + 1)]
        result = run_engine(engine, *pair, texts)
        assert len(result["translations"]) == len(texts) and not result["errors"]
        for i in (0, engine.batch_size - 1, engine.batch_size):
            assert result["translations"][i] == engine.translate_batch([texts[i]], *pair)[0]

    def test_provenance(self, engine: Engine, pair: tuple[str, str]) -> None:
        fields = engine.provenance(*pair)
        assert (fields["engine"], fields["kind"], fields["label"]) == (
            engine.name, engine.kind, engine.label,
        )  # fmt: skip
        assert all(isinstance(v, str) and "\n" not in v for v in fields.values())
        line = provenance_line({**fields, "at": "2024-01-01T00:00:00Z"})
        assert provenance_field(line, "engine") == engine.name
        assert registry.provenance_kind(line) == engine.kind
        # Lines written before ``kind=`` existed: the registry still knows the kind.
        assert registry.provenance_kind(f"mt: engine={engine.name} version=1") == engine.kind
        assert ("not a real translation" in line) is (not engine.real_translation())

    def test_describe(self, engine: Engine) -> None:
        lines = engine.describe()
        assert lines and all(isinstance(x, str) and "\n" not in x for x in lines)

    def test_closed_engines_start_again(self, engine: Engine, pair: tuple[str, str]) -> None:
        before = engine.translate_batch(SENTENCES[:1], *pair)
        registry.close_engines()
        fresh = registry.get_engine(engine.name)
        assert fresh is not engine
        assert fresh.translate_batch(SENTENCES[:1], *pair) == before


class _Recording(Engine):
    """Not registered: checks the harness around engines, not an engine."""

    name = "recording"
    label = "records its batches"
    kind = "rule-based"
    batch_size = 4

    def __init__(self, drop_tokens: bool = False) -> None:
        self.batches: list[int] = []
        self.drop_tokens = drop_tokens

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "de")]

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.batches.append(len(texts))
        return [re.sub(r"</?\d+/?>", "", t) if self.drop_tokens else t for t in texts]


def test_run_engine_never_exceeds_batch_size() -> None:
    engine = _Recording()
    run_engine(engine, "en", "de", [f"s{i}" for i in range(10)])
    assert engine.batches == [4, 4, 2]


def test_lost_placeholders_are_errors_not_translations() -> None:
    result = run_engine(_Recording(drop_tokens=True), "en", "de", SENTENCES)
    assert set(result["errors"]) == {"0", "3"}  # the sentences that had tokens
    assert "<1>" in result["errors"]["0"]


def test_auto_takes_the_best_ranked_engine_that_supports_the_pair(
    installed_models: dict[str, Path],
) -> None:
    assert registry.choose("auto", "en", "de").engine == "argos"  # 100 > 10 > 0
    shout = registry.choose("auto", "en", "eo")  # no argos package; the plugin's pair
    assert (shout.engine, shout.queue, shout.notice) == ("shout", "mt.en-eo", "")
    pseudo = registry.choose("auto", "en", "it")
    assert (pseudo.engine, pseudo.queue) == ("pseudo", "mt.pseudo")
    assert "en->it" in pseudo.notice and "not a real translation" in pseudo.notice
    assert "l10n models install" in pseudo.notice  # how to get a real engine


def test_an_engine_that_cannot_do_the_pair_says_how_to_fix_it(
    installed_models: dict[str, Path],
) -> None:
    from l10n_service.errors import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="'argos' cannot translate en -> it; install"):
        registry.choose("argos", "en", "it")
    with pytest.raises(EngineUnavailable, match="unknown engine 'nope'; known: auto, argos"):
        registry.choose("nope", "en", "de")

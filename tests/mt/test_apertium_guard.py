"""A sentence's Apertium translation depends on that sentence alone: not on what the
pipeline translated before it, nor on the chunk or order it came in.

Debian's eng-spa tagger changes for good on some words (see ``mt/apertium_guard.py``);
these tests run the real chains, with and without the guard, and the guard itself
on a stateful stand-in tagger (a real program)."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from l10n_service.core.formats import parse_article
from l10n_service.mt.apertium import ApertiumEngine
from l10n_service.mt.apertium_pipe import GUARD, ApertiumPipe, guard_taggers
from l10n_service.mt.apertium_stream import decode, encode
from tests.conftest import SAMPLE

MODES = Path("/usr/share/apertium/modes")
# Met alone, "brought" is tagged past tense ("trajo"); after "known" has changed the
# tagger, a participle ("traído").
TRIGGER = "It is known."
SENTENCE = "The pandemic brought the world to a standstill."


@pytest.fixture(scope="module")
def engine() -> Iterator[ApertiumEngine]:
    engine = ApertiumEngine()
    yield engine
    engine.close()


def sample_sentences() -> list[str]:
    article = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug="sample")
    return list(dict.fromkeys(s.source for s in article.unique_segments()))


def unguarded(mode: str) -> ApertiumPipe:
    """The chain exactly as ``apertium-wblank-mode`` writes it."""
    command = subprocess.run(
        ["apertium-wblank-mode", "-z", str(MODES / f"{mode}.mode")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return ApertiumPipe(mode, command)


def through(pipe: ApertiumPipe, texts: list[str]) -> list[str]:
    return [decode(answer) for answer in pipe.translate([encode(t) for t in texts])]


def fresh(target: str, text: str) -> str:
    """``text`` through a pipeline that has translated nothing before."""
    engine = ApertiumEngine()
    try:
        return engine.translate_batch([text], "en", target)[0]
    finally:
        engine.close()


# -- the real chains -------------------------------------------------------------------


def test_the_unguarded_tagger_remembers_the_previous_sentence() -> None:
    """The bug the guard is for, as Debian ships it. When this fails, apertium has
    been fixed upstream and the guard could go."""
    pipe = unguarded("eng-spa")
    try:
        alone = through(pipe, [SENTENCE])[0]
        after = through(pipe, [TRIGGER, SENTENCE])[1]
    finally:
        pipe.close()
    assert "trajo" in alone and "traído" in after


def test_a_sentence_after_the_trigger_is_translated_as_alone(engine: ApertiumEngine) -> None:
    alone = fresh("es", SENTENCE)
    assert "trajo" in alone
    assert engine.translate_batch([TRIGGER, SENTENCE], "en", "es")[1] == alone
    assert engine.translate_batch([SENTENCE], "en", "es") == [alone]
    assert engine.pipe("en", "es").starts == 1  # the tagger was replaced, not the chain


@pytest.mark.parametrize("target", ["es", "ca"])
def test_each_sentence_the_same_in_any_order(target: str) -> None:
    """The sample article's sentences in their order (through a new pipeline), then one
    call each in reverse order, then shuffled in one call: every sentence comes back
    the same each way."""
    sentences = sample_sentences()
    shuffled = sentences[:]
    random.Random(11).shuffle(shuffled)
    engine = ApertiumEngine()
    try:
        natural = engine.translate_batch(sentences, "en", target)
        one_by_one = {s: engine.translate_batch([s], "en", target)[0] for s in sentences[::-1]}
        mixed = dict(zip(shuffled, engine.translate_batch(shuffled, "en", target), strict=True))
    finally:
        engine.close()
    differ = [
        (s, want, one_by_one[s], mixed[s])
        for s, want in zip(sentences, natural, strict=True)
        if not want == one_by_one[s] == mixed[s]
    ]
    assert differ == []


def test_sentences_the_bug_reaches_match_a_fresh_pipeline(engine: ApertiumEngine) -> None:
    """The sample's sentences whose translation by the unguarded chain depends on the
    order; through ours, each is what a pipeline that translated nothing else gives."""
    sentences = sample_sentences()
    pipe = unguarded("eng-spa")
    try:
        forward = through(pipe, sentences)
        pipe.close()  # a new chain: the same fresh start for the reverse order
        backward = through(pipe, sentences[::-1])[::-1]
    finally:
        pipe.close()
    touched = [s for s, a, b in zip(sentences, forward, backward, strict=True) if a != b]
    assert touched  # the article exercises the bug
    ours = dict(zip(sentences, engine.translate_batch(sentences, "en", "es"), strict=True))
    assert [ours[s] for s in touched] == [fresh("es", s) for s in touched]


def test_only_hmm_taggers_are_guarded() -> None:
    def command(mode: str) -> str:
        return subprocess.run(
            ["apertium-wblank-mode", "-z", str(MODES / f"{mode}.mode")],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    spa, cat = command("eng-spa"), command("eng-cat")
    guarded = guard_taggers(spa, "/usr/bin/python3").split(" | ")
    assert guarded[2] == (
        f"/usr/bin/python3 -I -S {GUARD} apertium-tagger -d -z -g $2 "
        "'/usr/share/apertium/apertium-eng-spa/eng-spa.prob'"
    )
    assert guarded[:2] + guarded[3:] == spa.split(" | ")[:2] + spa.split(" | ")[3:]
    assert guard_taggers(cat) == cat  # the perceptron tagger (-x) starts each record afresh
    for other in ("-z -g -w", "-z --sliding-window -g", "-z -g --unigram=1", "-z -gu 2"):
        chain = f"lt-proc x.bin | apertium-tagger {other} x.prob | lt-proc y.bin"
        assert guard_taggers(chain) == chain
    assert str(GUARD) in guard_taggers("apertium-tagger -z -g x.prob")


# -- the guard on a stand-in tagger ----------------------------------------------------

STATEFUL = """
    import os, sys
    changed = False
    buffer = b""
    while data := os.read(0, 1 << 16):
        buffer += data
        while b"\\0" in buffer:
            record, buffer = buffer.split(b"\\0", 1)
            if record == b"die":
                sys.stderr.write("tagger: cannot go on\\n")
                sys.exit(3)
            answer = (b"changed " if changed else b"") + record + b" %d" % os.getpid()
            if b"known" in record:  # reported before the answer, as apertium-tagger does
                os.write(2, b"Error: A new ambiguity class was found. \\n")
                changed = True
            os.write(1, answer + b"\\0")
"""


@pytest.fixture
def stand_in(tmp_path: Path) -> list[str]:
    program = tmp_path / "tagger.py"
    program.write_text(textwrap.dedent(STATEFUL))
    return [sys.executable, str(program)]


def _run(command: list[str], records: list[bytes]) -> subprocess.CompletedProcess[bytes]:
    payload = b"".join(r + b"\0" for r in records)
    return subprocess.run(command, input=payload, capture_output=True, timeout=60)


def test_the_stand_in_is_stateful(stand_in: list[str]) -> None:
    answers = _run(stand_in, [b"a", b"known", b"b"]).stdout.split(b"\0")
    assert answers[2].startswith(b"changed b")


def test_guard_replaces_a_tagger_that_reported(stand_in: list[str]) -> None:
    done = _run([sys.executable, "-I", "-S", str(GUARD), *stand_in],
                [b"a", b"known", b"b", b"c", b"known", b"known", b"d"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers = [a.rsplit(b" ", 1) for a in done.stdout.split(b"\0")[:-1]]
    assert [text for text, _ in answers] == [b"a", b"known", b"b", b"c", b"known", b"known", b"d"]
    pids = [pid for _, pid in answers]
    # A new tagger after each record that reported, the same one otherwise.
    assert pids[0] == pids[1] != pids[2] == pids[3] == pids[4] != pids[5] != pids[6]


def test_guard_passes_long_records_whole(stand_in: list[str]) -> None:
    """Longer than both pipe buffers: written and read at once, never stalled."""
    record = b"word " * 100_000
    done = _run([sys.executable, "-I", "-S", str(GUARD), *stand_in], [record, b"x"])
    answers = done.stdout.split(b"\0")
    assert answers[0].startswith(record) and answers[1].startswith(b"x ")


def test_guard_fails_with_the_taggers_last_words(stand_in: list[str]) -> None:
    done = _run([sys.executable, "-I", "-S", str(GUARD), *stand_in], [b"a", b"die", b"b"])
    assert done.returncode == 1
    assert done.stderr.decode().strip().splitlines()[-1] == "tagger: cannot go on"

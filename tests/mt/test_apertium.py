"""The Apertium engine on Debian's real pairs (apertium-eng-spa, apertium-eng-cat):
real pipelines, real sentences, real processes killed and hung. Only the hung and
the echoing pipelines are fakes, and they are real programs run from mode files."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from l10n_service.core.builder import protect_pieces
from l10n_service.core.formats import parse_article
from l10n_service.core.placeholders import mask
from l10n_service.core.tokens import TOKEN_RE, placeholder_problems
from l10n_service.errors import EngineError, EngineUnavailable
from l10n_service.mt.apertium import ApertiumEngine, installed_pairs, locale_of
from l10n_service.mt.apertium_stream import SPECIAL, decode, encode, escape, unescape
from l10n_service.mt.registry import available_engines, get_engine
from tests.conftest import SAMPLE, run_cli
from tests.strategies import inline_pieces

MODES = Path("/usr/share/apertium/modes")


@pytest.fixture(scope="module", autouse=True)
def apertium_installed() -> None:
    """The suite fails, never skips, without Apertium: `make services` installs it."""
    missing = [m for m in ("eng-spa", "eng-cat") if not (MODES / f"{m}.mode").exists()]
    if shutil.which("apertium-wblank-mode") is None or missing:
        pytest.fail(
            "Apertium with apertium-eng-spa and apertium-eng-cat is required "
            "(`make services` or apt-get install -y apertium apertium-eng-spa apertium-eng-cat)"
        )


@pytest.fixture(scope="module")
def engine() -> Iterator[ApertiumEngine]:
    engine = ApertiumEngine()
    yield engine
    engine.close()


def sample_segments() -> list[str]:
    article = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug="sample")
    return [s.source for b in article.blocks for s in b.segments]


def marked_up_segments() -> list[str]:
    """The sample as Markdown with bold, links and code spans on words chosen by line
    number, so most sentences carry paired placeholders (the text sample has atoms only)."""
    lines = []
    for n, line in enumerate(SAMPLE.read_text("utf-8").splitlines()[1:]):
        words = line.split(" ")
        if line.startswith("- ") or len(words) < 7:
            lines.append(line)
            continue
        i = n * 7 % (len(words) - 4) + 1
        words[i : i + 2] = [f"**{words[i]} {words[i + 1]}**"]
        j = n * 3 % (len(words) - 3) + 1
        if "*" not in words[j]:
            words[j] = f"[{words[j]}](https://example.org/{n})"
        k = n * 5 % (len(words) - 2) + 1
        if not re.search(r"[*\[]", words[k]):
            words[k] = f"`{words[k]}`"
        lines.append(" ".join(words))
    article = parse_article("# Title\n\n" + "\n\n".join(lines) + "\n", fmt="md", slug="marked")
    return [s.source for b in article.blocks for s in b.segments]


def intact(source: str, translation: str) -> bool:
    """Our own judgement, independent of placeholder_problems: the same tokens, and
    the pairs nest (removing innermost pairs repeatedly leaves no pair token)."""
    if Counter(TOKEN_RE.findall(source)) != Counter(TOKEN_RE.findall(translation)):
        return False
    rest = "".join(t for t in TOKEN_RE.findall(translation) if not t.endswith("/>"))
    while True:
        shorter = re.sub(r"<(\d+)></\1>", "", rest)
        if shorter == rest:
            return not rest
        rest = shorter


# -- pairs, routing, provenance -------------------------------------------------------


def test_registered_and_labelled_rule_based(engine: ApertiumEngine) -> None:
    assert "apertium" in available_engines()
    assert isinstance(get_engine("apertium"), ApertiumEngine)
    assert engine.kind == "rule-based" and "rule-based" in engine.label
    assert engine.rank == 50 and engine.batch_size > 0
    assert engine.queue_for("en", "es_MX") == "mt.apertium.en-es"


def test_pairs_from_installed_mode_files(engine: ApertiumEngine) -> None:
    pairs = {(p.source, p.target): p.mode for p in engine.installed()}
    assert pairs[("en", "es")] == "eng-spa" and pairs[("en", "ca")] == "eng-cat"
    assert pairs[("es", "en_US")] == "spa-eng_US"
    assert ("ca", "en") in pairs
    assert engine.supports("en", "es") and engine.supports("en", "es_MX")
    assert engine.pair_for("es", "en_US").mode == "spa-eng_US"
    assert engine.pair_for("es", "en_GB").mode == "spa-eng"


@pytest.mark.parametrize(
    ("code", "variant", "locale"),
    [("eng", None, "en"), ("spa", None, "es"), ("glg", None, "gl"), ("epo", None, "eo"),
     ("hbs", None, "sh"), ("hbs", "HR", "hr"), ("eng", "US", "en_US"), ("en", None, "en"),
     ("cat", "valencia", None), ("xyz", None, None)],
)  # fmt: skip
def test_apertium_codes_to_locales(code: str, variant: str | None, locale: str | None) -> None:
    assert locale_of(code, variant) == locale


def test_mode_names_like_debians_other_packages(tmp_path: Path) -> None:
    """apertium-eo-en, apertium-en-gl and apertium-hbs-eng name their modes so."""
    for name in ("en-eo", "en-eo-bytecode", "en-gl", "Cyrl-Latn", "eng-hbs", "eng-hbs_HR",
                 "eng-cat_iec2017"):  # fmt: skip
        (tmp_path / f"{name}.mode").write_text("cat\n")
    engine = ApertiumEngine([tmp_path])
    assert [(p.source, p.target, p.mode) for p in installed_pairs([tmp_path])] == [
        ("en", "eo", "en-eo"), ("en", "gl", "en-gl"), ("en", "hr", "eng-hbs_HR"),
        ("en", "sh", "eng-hbs"),
    ]  # fmt: skip
    assert engine.pair_for("en", "hr").mode == "eng-hbs_HR"
    assert engine.pair_for("en", "sr_Latn").mode == "eng-hbs"  # no _SR mode: plain hbs


def test_unsupported_pair_is_one_clear_line(engine: ApertiumEngine) -> None:
    assert not engine.supports("en", "de")
    with pytest.raises(EngineUnavailable) as info:
        engine.translate_batch(["Hello."], "en", "de")
    message = str(info.value)
    assert "\n" not in message and "en -> de" in message and "apt-get install" in message
    assert "en->es" in message  # says what is installed


def test_provenance_names_debian_packages(engine: ApertiumEngine) -> None:
    def version(package: str) -> str:
        return subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True
        ).stdout

    provenance = engine.provenance("en", "es")
    assert provenance["engine"] == "apertium" and provenance["kind"] == "rule-based"
    assert provenance["package"] == f"apertium-eng-spa={version('apertium-eng-spa')}"
    assert provenance["version"] == f"apertium={version('apertium')}"
    assert provenance["options"] == "mode=eng-spa"
    assert engine.provenance("en", "ca")["package"].startswith("apertium-eng-cat=")


# -- real translations ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["es", "ca"])
def test_sample_article_translates(engine: ApertiumEngine, target: str) -> None:
    segments = sample_segments()
    assert len(segments) > 140
    out = engine.translate_batch(segments, "en", target)
    assert len(out) == len(segments)
    assert all(o.strip() for o in out)
    same = [s for s, o in zip(segments, out, strict=True) if s == o]
    assert same == []
    assert all(placeholder_problems(s, o) == [] for s, o in zip(segments, out, strict=True))


def test_known_sentence_comes_back_in_spanish(engine: ApertiumEngine) -> None:
    assert engine.translate_batch(["The big dog ran to the park."], "en", "es") == [
        "El perro grande corrió al parque."
    ]


def test_blank_and_wordless_texts_pass_through(engine: ApertiumEngine) -> None:
    texts = ["", "   ", "<1/>", " <1/> <2/> ", "Hello world. "]
    out = engine.translate_batch(texts, "en", "es")
    assert out[:4] == texts[:4]
    assert out[4].endswith(" ") and out[4] != texts[4]


# -- the stream format ----------------------------------------------------------------

HOSTILE = r"Press [Ctrl] and \ then ^$ or @home with {x} a/b <tag> ~user~ [[x]] \\ ]] [ end"


def test_escape_covers_every_special_character() -> None:
    escaped = escape(HOSTILE)
    assert re.search(r"(?<!\\)[\^$@{}/<>]", escaped.replace("[~]", "")) is None
    assert unescape(escaped) == HOSTILE
    assert escape("a\0b") == "ab"


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text)) == text.replace("\0", "")


@given(inline_pieces())
@settings(max_examples=200, deadline=None)
def test_encode_decode_keeps_tokens_and_text(pieces: list[object]) -> None:
    masked, _, _ = mask(protect_pieces(pieces))  # type: ignore[arg-type]
    back = decode(encode(masked))
    assert placeholder_problems(masked, back) == []
    words = TOKEN_RE.sub("", masked.replace("\0", "")).split()  # NUL separates records
    assert TOKEN_RE.sub("", back).split() == words


def test_hostile_input_survives_the_real_pipeline(engine: ApertiumEngine) -> None:
    out = engine.translate_batch([HOSTILE, "Only ^$ and [ here."], "en", "es")
    for source, translation in zip([HOSTILE, "Only ^$ and [ here."], out, strict=True):
        specials = SPECIAL | {"~"}
        assert Counter(c for c in translation if c in specials) == Counter(
            c for c in source if c in specials
        ), translation
    assert out[0] != HOSTILE  # the words around them were translated


def test_placeholders_carried_as_blanks(engine: ApertiumEngine) -> None:
    """Over the marked-up sample: how many segments keep their placeholders through the
    word-bound blanks alone, every broken one caught by placeholder_problems, and the
    engine's piecewise retry leaving none broken."""
    segments = [s for s in marked_up_segments() if re.search(r"<\d+>", s)]
    assert len(segments) >= 80
    for target in ("es", "ca"):
        raw = [decode(a) for a in engine.pipe("en", target).translate(map_encode(segments))]
        broken = [(s, o) for s, o in zip(segments, raw, strict=True) if not intact(s, o)]
        rate = 1 - len(broken) / len(segments)
        print(f"en->{target}: {len(segments) - len(broken)}/{len(segments)} intact ({rate:.1%})")
        assert rate >= 0.9
        assert all(placeholder_problems(s, o) for s, o in broken)
        final = engine.translate_batch(segments, "en", target)
        assert all(intact(s, o) for s, o in zip(segments, final, strict=True))


def map_encode(texts: list[str]) -> list[str]:
    return [encode(t) for t in texts]


# -- the pipeline: restarts, hangs, threads, processes --------------------------------


def test_restart_after_a_stage_is_killed(engine: ApertiumEngine) -> None:
    text = ["The city of Pyongyang hosted a marathon."]
    first = engine.translate_batch(text, "en", "es")
    pipe = engine.pipe("en", "es")
    starts = pipe.starts
    stages = pipe.pids()[1:]  # the shell, then the chain's programs
    assert len(stages) >= 10
    os.kill(stages[len(stages) // 2], signal.SIGKILL)
    assert engine.translate_batch(text, "en", "es") == first
    assert pipe.starts == starts + 1
    assert engine.translate_batch(text * 3, "en", "es") == first * 3


def _fake_modes(tmp_path: Path, script: str) -> Path:
    """A mode directory whose eng-deu pair runs ``script``, a real program."""
    program = tmp_path / "fake-stage"
    program.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    program.chmod(0o755)
    (tmp_path / "eng-deu.mode").write_text(f"{program}\n")
    return tmp_path


def test_hung_pipeline_times_out_and_restarts(tmp_path: Path) -> None:
    """The first start never answers; after the timeout it is killed and the second
    start (an echo) answers: the caller gets its text, not a hang."""
    script = f"""
        [ -e {tmp_path}/hung.pid ] && exec cat
        echo $$ > {tmp_path}/hung.pid
        exec sleep 600
    """
    engine = ApertiumEngine([_fake_modes(tmp_path, script)], timeout=1)
    try:
        texts = ["Hello <1/> world.", "A <1>bold</1> move."]
        assert engine.translate_batch(texts, "en", "de") == texts  # echoed back
        assert engine.pipe("en", "de").starts == 2
        hung = (tmp_path / "hung.pid").read_text().strip()
        assert not Path(f"/proc/{hung}").exists()  # killed, and reaped
    finally:
        engine.close()


def test_pipeline_that_never_answers_is_an_error(tmp_path: Path) -> None:
    engine = ApertiumEngine([_fake_modes(tmp_path, "exec sleep 600\n")], timeout=1)
    try:
        hung = r"eng-deu gave no answer for 1 s \(after a restart\)"
        with pytest.raises(EngineError, match=hung):
            engine.translate_batch(["Hello."], "en", "de")
        assert engine.pipe("en", "de").pids() == []
    finally:
        engine.close()


def test_pipeline_that_exits_is_an_error_naming_its_stderr(tmp_path: Path) -> None:
    engine = ApertiumEngine([_fake_modes(tmp_path, "echo 'no dictionary here' >&2\nexit 3\n")])
    with pytest.raises(EngineError, match="exited with 3: no dictionary here"):
        engine.translate_batch(["Hello."], "en", "de")


def _in_threads(work: Callable[[int], None], count: int) -> None:
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            work(k)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_many_threads_never_get_each_others_answers(tmp_path: Path) -> None:
    """An echoing pipeline makes the right answer exact: 8 threads x 25 batches."""
    engine = ApertiumEngine([_fake_modes(tmp_path, "exec cat\n")], in_flight=4)
    try:

        def work(k: int) -> None:
            for batch in range(25):
                texts = [f"Thread {k} batch {batch} line {i} <1/> [x]." for i in range(k + 1)]
                assert engine.translate_batch(texts, "en", "de") == texts

        _in_threads(work, 8)
        assert engine.pipe("en", "de").starts == 1
    finally:
        engine.close()


def test_many_threads_on_real_pipelines(engine: ApertiumEngine) -> None:
    """Each thread's sentences come back as a sequential run gave them: a sentence's
    translation does not depend on the ones around it (tests/mt/test_apertium_guard.py)."""
    segments = sample_segments()[:64]
    expected = {t: engine.translate_batch(segments, "en", t) for t in ("es", "ca")}
    results: dict[tuple[str, int], list[str]] = {}

    def work(k: int) -> None:
        target = ("es", "ca")[k % 2]
        results[(target, k)] = engine.translate_batch(segments[k // 2 :: 4], "en", target)

    _in_threads(work, 8)
    for (target, k), out in results.items():
        assert out == expected[target][k // 2 :: 4]
    assert len(results) == 8


def _translate_in_child(conn: object) -> None:
    engine = get_engine("apertium")
    conn.send(engine.translate_batch(["Good morning."], "en", "es"))  # type: ignore[attr-defined]


def test_forked_worker_starts_its_own_pipeline() -> None:
    """Celery's prefork children: a pipeline inherited through fork is not used."""
    engine = get_engine("apertium")
    assert isinstance(engine, ApertiumEngine)
    first = engine.translate_batch(["Good morning."], "en", "es")
    pipe = engine.pipe("en", "es")
    starts, pids = pipe.starts, pipe.pids()
    parent, child = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(target=_translate_in_child, args=(child,))
    process.start()
    assert parent.recv() == first
    process.join()
    assert engine.translate_batch(["Good morning."], "en", "es") == first
    assert (pipe.starts, pipe.pids()) == (starts, pids)


@pytest.mark.parametrize("ending", ["exit", "kill"])
def test_no_process_outlives_the_worker(tmp_path: Path, ending: str) -> None:
    """At a clean exit the pipelines are closed; a worker killed outright closes the
    chain's input all the same, and every stage exits at end of input."""
    script = textwrap.dedent(f"""
        import json, os, signal, sys
        from l10n_service.mt.apertium import ApertiumEngine
        engine = ApertiumEngine()
        engine.translate_batch(["Good morning."], "en", "es")
        print(json.dumps(engine.pipe("en", "es").pids()), flush=True)
        if {ending == "kill"!r}:
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    pids = json.loads(done.stdout)
    assert len(pids) >= 10
    deadline = time.monotonic() + 60  # a bound on waiting, not a speed assertion
    while (alive := [p for p in pids if Path(f"/proc/{p}").exists()]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert alive == []


# -- end to end: the CLI, the embedded broker, a real worker process -------------------


def test_translate_the_sample_with_the_cli(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    result = run_cli(
        "translate", "pyongyang-marathon", "--to", "es", "--engine", "apertium", "--wait",
        root=workspace,
    )  # fmt: skip
    assert "[apertium] done" in result.stdout and " 0 failed" in result.stdout
    path = workspace / "locales/es/LC_MESSAGES/pyongyang-marathon.po"
    subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], check=True)
    po = polib.pofile(str(path))
    entries = [e for e in po if not e.obsolete]
    assert entries and all(e.msgstr and e.msgstr != e.msgid for e in entries)
    assert all("machine" in e.flags and "fuzzy" in e.flags for e in entries)
    assert all(
        "engine=apertium kind=rule-based package=apertium-eng-spa=" in e.comment for e in entries
    )
    assert all("rule-based" in e.comment for e in entries)
    run_cli("bundle", "pyongyang-marathon", root=workspace)
    bundle = json.loads((workspace / "bundles/pyongyang-marathon/es/bundle.json").read_text())
    assert bundle["coverage"]["machine"] == bundle["coverage"]["total"] > 140


def test_cli_refuses_a_pair_apertium_lacks(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    result = run_cli("translate", "pyongyang-marathon", "--to", "de", "--engine", "apertium",
                     root=workspace, check=False)  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "en -> de" in lines[0]


def test_workers_serve_apertium_pairs_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from l10n_service.cli.servers import default_queues

    (tmp_path / "eng-glg.mode").write_text("cat\n")
    monkeypatch.setenv("L10N_APERTIUM_MODES", str(tmp_path))
    queues = default_queues()
    assert {
        "mt.apertium.en-es",
        "mt.apertium.en-ca",
        "mt.apertium.es-en",
        "mt.apertium.en-gl",
    } <= set(queues)
    assert ApertiumEngine().pair_for("en", "gl").path == tmp_path / "eng-glg.mode"


def test_only_the_apertium_modules_run_apertium() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "l10n_service"
    runners = {
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"apertium-wblank-mode|\bbash\b.*-c|start_new_session", path.read_text())
    }
    assert runners == {"mt/apertium_pipe.py"}

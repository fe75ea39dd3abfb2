"""The tiny argostranslate package (tests/support/tiny_argos.py) installs with
argostranslate and translates exactly as ``expected_translation`` says.

argostranslate reads its settings and creates its directories when first imported, so
everything that imports it runs in a subprocess whose HOME and XDG directories are
temporary and whose sockets refuse to connect: a test passes only if nothing is
downloaded.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.tiny_argos import (
    ACCENTS,
    build_tiny_argos_package,
    expected_translation,
    isolated_argos_env,
    piece_count,
)

REPO_DIR = Path(__file__).resolve().parent.parent

LONG_SENTENCE = ("The quick brown fox jumps over the lazy dog near the old mill, " * 15)[:899] + "."

SENTENCES = [
    "On a <1>bright</1> Sunday <2/> morning, in 1912.",
    "It’s “curly” – isn’t it? «Sí», déjà vu, naïve, Ölçü.",
    "Placeholders {name} and {count}, %s, %(user)s, $1 & <b>bold</b>.",
    "日本語のテキスト, emoji 😀, Ελληνικά, עברית, tab\tand\u00a0nbsp.",
    "snake_case ▁ marker and  double  spaces ",
    " ",
    "",
    "a",
    LONG_SENTENCE,
]

# argostranslate.translate.translate(): one line, or lines joined with "\n".
HIGH_LEVEL_SENTENCES = [
    "On a <1>bright</1> Sunday <2/> morning, in 1912.",
    "It’s “curly”. Two sentences!  One line.",
    "  padded_text  ",
    "line one\nline two",
    "",
]


PACKAGES = [("en", "de", "accent"), ("en", "fr", "copy")]

_BLOCK_NETWORK = """
import socket

def _no_network(*args, **kwargs):
    raise OSError("network access is disabled in this test")

socket.socket.connect = _no_network
socket.create_connection = _no_network
socket.getaddrinfo = _no_network
"""

_INSTALL_AND_TRANSLATE = """
import json
import sys
from pathlib import Path

job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
sys.path.insert(0, job["repo_dir"])

import argostranslate.package
from tests.support.tiny_argos import ARGOS_DECODING_OPTIONS, translate_with_model

for path in job["packages"]:
    argostranslate.package.install_from_path(Path(path))

out = {"installed": [], "results": {}}
for pkg in argostranslate.package.get_installed_packages():
    key = f"{pkg.from_code}-{pkg.to_code}"
    out["installed"].append({
        "key": key,
        "package_version": pkg.package_version,
        "argos_version": pkg.argos_version,
        "from_name": pkg.from_name,
        "to_name": pkg.to_name,
        "type": pkg.type,
        "readme": pkg.get_readme(),
        "package_path": str(pkg.package_path),
    })
    path, sentences = pkg.package_path, job["sentences"]
    results = out["results"][key] = {
        "greedy": translate_with_model(path, sentences, beam_size=1),
        "argos": translate_with_model(path, sentences, **ARGOS_DECODING_OPTIONS),
        # CTranslate2's own defaults, which argostranslate leaves in place.
        "argos_ct2_defaults": translate_with_model(
            path, [job["long"]], max_decoding_length=256, max_input_length=1024,
            **ARGOS_DECODING_OPTIONS,
        ),
    }
    if key in job["int8_keys"]:  # argostranslate's compute_type "auto" is int8 on CPUs
        results["argos_int8"] = translate_with_model(
            path, sentences, compute_type="int8", **ARGOS_DECODING_OPTIONS
        )

import argostranslate.translate

out["high_level"] = {
    f"{src}-{tgt}": [argostranslate.translate.translate(q, src, tgt) for q in job["high_level"]]
    for src, tgt in (("en", "de"), ("en", "fr"))
}
# The lean argos-translate-lt: translating never pulls in torch, stanza or spaCy.
out["heavy_modules"] = sorted({"torch", "stanza", "spacy"} & set(sys.modules))
Path(sys.argv[2]).write_text(json.dumps(out), encoding="utf-8")
"""


class _Isolated:
    """``script`` running in a subprocess, argostranslate isolated under ``base``, no
    network. Several can run at once; :meth:`result` waits for one."""

    def __init__(self, base: Path, script: str, job: dict[str, Any], **settings: str) -> None:
        base.mkdir(parents=True, exist_ok=True)
        script_path, job_path = base / "script.py", base / "job.json"
        self.out_path = base / "out.json"
        script_path.write_text(_BLOCK_NETWORK + textwrap.dedent(script), encoding="utf-8")
        job_path.write_text(json.dumps(job), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(script_path), str(job_path), str(self.out_path)],
            env=isolated_argos_env(base / "env", **settings),
            cwd=base,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def result(self) -> Any:
        try:
            stdout, stderr = self.proc.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        assert self.proc.returncode == 0, f"subprocess failed:\n{stdout}\n{stderr}"
        return json.loads(self.out_path.read_text(encoding="utf-8"))


def _argos_translate_expected(text: str, mode: str) -> str:
    """argostranslate.translate.translate with the package's MiniSBD model: each line is
    one sentence without its outer whitespace; its tokenizer's decode maps "_" to " "."""
    lines = [
        expected_translation(line.strip(), mode).replace("_", " ") for line in text.split("\n")
    ]
    return "\n".join(lines).lstrip("\n")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dest = tmp_path_factory.mktemp("tiny-argos-packages")
    return {
        f"{src}-{tgt}": build_tiny_argos_package(dest, src, tgt, mode=mode)
        for src, tgt, mode in PACKAGES
    }


@pytest.fixture(scope="module")
def argos_run(packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """argostranslate in an isolated subprocess with default settings."""
    job = {
        "repo_dir": str(REPO_DIR),
        "packages": [str(p) for p in packages.values()],
        "sentences": SENTENCES,
        "long": LONG_SENTENCE,
        "high_level": HIGH_LEVEL_SENTENCES,
        "int8_keys": ["en-de"],  # beam search on the long sentence is slow; once is enough
    }
    default = _Isolated(tmp_path_factory.mktemp("argos-run"), _INSTALL_AND_TRANSLATE, job)
    try:
        return default.result()
    finally:
        default.proc.kill()


def test_accents_are_letter_twins() -> None:
    assert sorted(ACCENTS) == sorted("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    twins = list(ACCENTS.values())
    assert len(set(twins)) == len(twins)
    for letter, twin in ACCENTS.items():
        assert len(twin) == 1 and not twin.isascii() and twin.isalpha()
        assert unicodedata.normalize("NFC", twin) == twin
        assert twin.isupper() == letter.isupper()


def test_expected_translation() -> None:
    text = "On a <1>bright</1> Sunday <2/> morning, in 1912. {x} é’"
    assert expected_translation(text) == "Öñ á <1>ƀŕîĝĥţ</1> Šûñðáý <2/> ɱöŕñîñĝ, îñ 1912. {ẋ} é’"
    assert expected_translation(text, mode="copy") == text
    assert expected_translation("0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") == (
        "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    )
    assert expected_translation("a\u2581b", mode="copy") == "a b"  # SentencePiece's marker
    with pytest.raises(ValueError, match="mode"):
        expected_translation("x", mode="rot13")


def test_package_layout(packages: dict[str, Path]) -> None:
    path = packages["en-de"]
    assert path.name == "translate-en_de-1_0.argosmodel"
    assert path.stat().st_size < 100_000
    with zipfile.ZipFile(path) as archive:
        names = {info.filename.rstrip("/") for info in archive.infolist()}
        assert {name.split("/")[0] for name in names} == {"translate-en_de-1_0"}
        files = {name.split("/", 1)[1] for name in names if "/" in name}
        assert {
            "metadata.json",
            "README.md",
            "sentencepiece.model",
            "model/model.bin",
            "model/config.json",
            "model/shared_vocabulary.json",
            "minisbd/en.onnx",
        } <= files
        metadata = json.loads(archive.read("translate-en_de-1_0/metadata.json"))
        assert archive.getinfo("translate-en_de-1_0/model/model.bin").file_size < 1_000_000
        for info in archive.infolist():  # nothing a zip-bomb check would refuse
            assert info.file_size <= 100 * max(info.compress_size, 1)
    assert metadata["package_version"] == "1.0"
    assert metadata["argos_version"] == "1.11"
    assert (metadata["from_code"], metadata["to_code"]) == ("en", "de")
    assert (metadata["from_name"], metadata["to_name"]) == ("English", "German")
    assert metadata["type"] == "translate"


def test_build_options(tmp_path: Path) -> None:
    path = build_tiny_argos_package(
        tmp_path / "new", "fr", "xx", mode="copy", package_version="2.3"
    )
    assert path == tmp_path / "new" / "translate-fr_xx-2_3.argosmodel"
    with zipfile.ZipFile(path) as archive:
        metadata = json.loads(archive.read("translate-fr_xx-2_3/metadata.json"))
        assert "translate-fr_xx-2_3/minisbd/fr.onnx" in archive.namelist()
    assert metadata["package_version"] == "2.3"
    assert metadata["to_name"] == "Tiny xx"
    assert metadata["tiny_argos_mode"] == "copy"
    with pytest.raises(ValueError, match="mode"):
        build_tiny_argos_package(tmp_path, mode="reverse")
    with pytest.raises(ValueError, match="to_code"):
        build_tiny_argos_package(tmp_path, "en", "../x")


def test_piece_count_matches_sentencepiece(packages: dict[str, Path]) -> None:
    import sentencepiece as spm

    with zipfile.ZipFile(packages["en-de"]) as archive:
        proto = archive.read("translate-en_de-1_0/sentencepiece.model")
    processor = spm.SentencePieceProcessor(model_proto=proto)
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + list("\t\n\x00é’“日😀▁\u0301\u00a0")
    fuzz = ("".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(300))
    samples = [*SENTENCES, *fuzz]
    for text in samples:
        pieces = processor.encode(text, out_type=str)
        assert piece_count(text) == len(pieces), text
        assert "<unk>" not in pieces
        assert processor.decode(pieces) == expected_translation(text, mode="copy"), text


def test_installs_with_argostranslate(argos_run: Any) -> None:
    installed = {entry["key"]: entry for entry in argos_run["installed"]}
    assert set(installed) == {"en-de", "en-fr"}
    de = installed["en-de"]
    assert (de["package_version"], de["argos_version"], de["type"]) == ("1.0", "1.11", "translate")
    assert (de["from_name"], de["to_name"]) == ("English", "German")
    assert "Tiny test package en -> de" in de["readme"]
    assert Path(de["package_path"]).name == "translate-en_de-1_0"


@pytest.mark.parametrize(
    ("key", "mode", "decoding"),
    [
        ("en-de", "accent", "greedy"),
        ("en-de", "accent", "argos"),
        ("en-de", "accent", "argos_int8"),
        ("en-fr", "copy", "greedy"),
        ("en-fr", "copy", "argos"),
    ],
)
def test_translation_is_exact(argos_run: Any, key: str, mode: str, decoding: str) -> None:
    got = argos_run["results"][key][decoding]
    assert got == [expected_translation(text, mode) for text in SENTENCES]


def test_ctranslate2_default_max_decoding_length_truncates(argos_run: Any) -> None:
    """argostranslate leaves max_decoding_length at 256: the "▁" piece plus 255 chars."""
    [got] = argos_run["results"]["en-de"]["argos_ct2_defaults"]
    assert piece_count(LONG_SENTENCE) == 901
    assert got == expected_translation(LONG_SENTENCE)[:255]


@pytest.mark.parametrize(("key", "mode"), [("en-de", "accent"), ("en-fr", "copy")])
def test_argostranslate_translate_offline(argos_run: Any, key: str, mode: str) -> None:
    """Default settings: the package's minisbd/*.onnx keeps MiniSBD from downloading."""
    got = argos_run["high_level"][key]
    assert got == [_argos_translate_expected(q, mode) for q in HIGH_LEVEL_SENTENCES]


def test_translating_imports_no_torch_stanza_or_spacy(argos_run: Any) -> None:
    """The lean install: argos-translate-lt translates without the heavy NLP stack."""
    assert argos_run["heavy_modules"] == []

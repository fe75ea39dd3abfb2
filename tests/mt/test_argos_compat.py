"""We read argostranslate's package format ourselves (mt/argos_packages.py), so
packages must travel both ways: what argostranslate installs we list, translate and
remove, and what we install argostranslate lists and translates, with the same
output. Each side runs in its own process on one isolated set of XDG directories
(argostranslate reads its settings once, at import), with real tiny packages."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli
from tests.support.tiny_argos import (
    UNKNOWN_CHAR,
    build_tiny_argos_package,
    expected_translation,
    isolated_argos_env,
    translate_with_model,
)

SENTENCES = ["Stocks rose sharply on Monday.", "Trading_volumes were high."]

ARGOS_SIDE = """
import json, sys
from pathlib import Path
import argostranslate.package, argostranslate.translate
action, arg = sys.argv[1], sys.argv[2]
if action == "install":
    argostranslate.package.install_from_path(Path(arg))
out = {"installed": sorted(f"{p.from_code}-{p.to_code}@{p.package_path}"
                           for p in argostranslate.package.get_installed_packages())}
if action == "translate":
    out["translations"] = [argostranslate.translate.translate(q, "en", "de")
                           for q in json.loads(arg)]
print(json.dumps(out))
"""

OUR_SIDE = """
import json, sys
from l10n_service.mt.argos import ArgosEngine
print(json.dumps(ArgosEngine().translate_batch(json.loads(sys.argv[1]), "en", "de")))
"""


def _python(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return isolated_argos_env(tmp_path / "argos")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_argos_package(tmp_path_factory.mktemp("pkg"), "en", "de", mode="accent")


def test_a_package_installed_by_argostranslate_is_ours_to_list_translate_and_remove(
    env: dict[str, str], package: Path, tmp_path: Path
) -> None:
    # argostranslate's settings.json (not the environment) names the package folder:
    # both sides must read it.
    folder = tmp_path / "elsewhere" / "packages"
    (Path(env["XDG_CONFIG_HOME"]) / "argos-translate").mkdir(parents=True)
    (Path(env["XDG_CONFIG_HOME"]) / "argos-translate" / "settings.json").write_text(
        json.dumps({"ARGOS_PACKAGES_DIR": str(folder)}), "utf-8"
    )
    installed = json.loads(_python(ARGOS_SIDE, "install", str(package), env=env))["installed"]
    assert installed == [f"en-de@{folder / 'translate-en_de-1_0'}"]

    listed = run_cli("models", "list", env=env).stdout
    assert f"en -> de  1.0  {folder / 'translate-en_de-1_0'}" in listed

    ours = json.loads(_python(OUR_SIDE, json.dumps(SENTENCES), env=env))
    theirs = json.loads(_python(ARGOS_SIDE, "translate", json.dumps(SENTENCES), env=env))
    # argostranslate's decode turns "_" into a space; ours does the same.
    assert ours == [expected_translation(s).replace("_", " ") for s in SENTENCES]
    assert ours == theirs["translations"]

    run_cli("models", "remove", "en-de", env=env)
    assert json.loads(_python(ARGOS_SIDE, "list", "-", env=env))["installed"] == []
    assert not (folder / "translate-en_de-1_0").exists()


def test_a_package_we_install_is_argostranslates(
    env: dict[str, str], package: Path
) -> None:
    run_cli("models", "install", str(package), env=env)
    seen = json.loads(_python(ARGOS_SIDE, "translate", json.dumps(SENTENCES), env=env))
    default = Path(env["XDG_DATA_HOME"]) / "argos-translate" / "packages" / "translate-en_de-1_0"
    assert seen["installed"] == [f"en-de@{default}"]
    assert seen["translations"] == [expected_translation(s).replace("_", " ") for s in SENTENCES]


def test_install_by_pair_name_from_the_package_index(
    env: dict[str, str], package: Path, tmp_path: Path
) -> None:
    """``l10n models install en-de`` reads ARGOS_PACKAGE_INDEX (a file:// index here,
    as urllib serves both) and keeps the download in argostranslate's cache folder."""
    index = tmp_path / "index"
    index.mkdir()
    entries = [
        {"type": "sbd", "from_code": "en", "to_code": "de", "links": ["file:///nowhere"]},
        # A dead mirror too: the links are tried in random order until one works.
        {"from_code": "en", "to_code": "de", "package_version": "1.0",
         "links": [(tmp_path / "gone.argosmodel").as_uri(), package.as_uri()]},
    ]  # fmt: skip
    (index / "index.json").write_text(json.dumps(entries), "utf-8")
    env = {**env, "ARGOS_PACKAGE_INDEX": index.as_uri() + "/"}

    out = run_cli("models", "install", "en-de", env=env).stdout
    assert out.startswith("installed en -> de (1.0)")
    cached = Path(env["XDG_CACHE_HOME"]) / "argos-translate" / "downloads"
    assert [p.name for p in cached.iterdir()] == ["translate-en_de.argosmodel"]
    translated = json.loads(_python(OUR_SIDE, json.dumps(["Hi."]), env=env))
    assert translated == [expected_translation("Hi.")]

    missing = run_cli("models", "install", "en-fr", env=env, check=False)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: no package 'en-fr' in the package index"


def test_a_bpe_package_without_the_argostranslate_library_says_what_to_install(
    env: dict[str, str], package: Path
) -> None:
    """bpe.model packages need argostranslate's BPE code: with the library they get
    its tokenizer, without it (simulated: the import fails) one line says what to do."""
    run_cli("models", "install", str(package), env=env)
    folder = Path(env["XDG_DATA_HOME"]) / "argos-translate" / "packages" / "translate-en_de-1_0"
    (folder / "sentencepiece.model").rename(folder / "bpe.model")
    script = """
    import sys
    if sys.argv[1] == "without":
        sys.modules["argostranslate"] = None  # what a missing package looks like
    from l10n_service.errors import EngineUnavailable
    from l10n_service.mt.argos_packages import installed_packages
    (pkg,) = installed_packages()
    try:
        print(type(pkg.tokenizer()).__name__)
    except EngineUnavailable as exc:
        print(exc)
    """
    assert _python(script, "with", env=env).strip() == "BPETokenizer"
    assert _python(script, "without", env=env).strip() == (
        "translate-en_de-1_0 uses BPE tokenization (bpe.model), which needs "
        "argos-translate-lt: pip install 'l10n-service[argos]'"
    )


def test_unknown_tokens_come_back_as_argostranslate_returns_them(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The engine searches without ``replace_unknowns`` (3x cheaper) and searches again
    with it only the sentences whose result holds ``<unk>``: the output must still be
    argostranslate's, which always passes it."""
    package = build_tiny_argos_package(tmp_path / "unk", "en", "de", mode="unknown")
    run_cli("models", "install", str(package), env=env)
    sentences = ["Item #1 is #2.", "No hash here.", "#", "Plain again."]
    raw = translate_with_model(
        Path(env["XDG_DATA_HOME"]) / "argos-translate" / "packages" / "translate-en_de-1_0",
        sentences, beam_size=4,
    )  # fmt: skip
    # Without replace_unknowns the model's <unk> shows (SentencePiece renders it ⁇).
    assert raw[0].count("⁇") == 2 and UNKNOWN_CHAR not in raw[0]
    assert "⁇" not in raw[1]

    ours = json.loads(_python(OUR_SIDE, json.dumps(sentences), env=env))
    theirs = json.loads(_python(ARGOS_SIDE, "translate", json.dumps(sentences), env=env))
    assert ours == [expected_translation(s, "unknown") for s in sentences]
    assert ours == theirs["translations"]

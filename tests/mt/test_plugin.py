"""A new engine is one module plus one entry point: the test plugin
(tests/support/engine_plugin.py), installed as a real distribution on PYTHONPATH,
translates an article end to end through the real CLI and a real worker process,
chosen by ``auto`` for its pair; nothing in l10n_service names it. Broken engine
plugins are one line each, and the other engines keep working."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from l10n_service.errors import EngineUnavailable
from l10n_service.mt import registry
from tests.conftest import REPO, SAMPLE, run_cli
from tests.support.engine_plugin import ENGINE, plugin_env, write_distribution

SLUG = "pyongyang-marathon"


def test_the_plugin_is_one_module_and_one_entry_point(plugin_path: Path) -> None:
    modules = sorted(p.name for p in plugin_path.glob("*.py"))
    entry_points = next(plugin_path.glob("*.dist-info")) / "entry_points.txt"
    assert modules == ["l10n_shout_engine.py"]
    assert entry_points.read_text().splitlines()[1:] == [
        f"{ENGINE} = l10n_shout_engine:ShoutEngine"
    ]
    source = "\n".join(p.read_text() for p in (REPO / "src").rglob("*.py"))
    assert ENGINE not in source.lower().replace("shouting", "")  # the service never names it


def test_a_plugin_engine_translates_an_article_end_to_end(
    workspace: Path, plugin_path: Path
) -> None:
    env = plugin_env(plugin_path)
    run_cli("add", str(SAMPLE), root=workspace)
    listed = run_cli("models", "list", env=env)
    assert "shout: shouting (a test plugin) [rule-based, rank 10]" in listed.stdout
    assert "  en -> eo" in listed.stdout
    # No --engine: auto takes the best-ranked engine for en->eo, the plugin. The CLI
    # starts a real worker on the embedded broker; it finds the engine by itself,
    # its default queues include the plugin's mt.en-eo.
    result = run_cli("translate", SLUG, "--to", "eo", root=workspace, env=env)
    assert f"[{ENGINE}] done" in result.stdout and "note:" not in result.stderr
    job = json.loads(run_cli("status", "--json", root=workspace).stdout)["jobs"][-1]
    assert (job["engine"], job["queue"], job["state"], job["failed"]) == (
        ENGINE, "mt.en-eo", "done", {},
    )  # fmt: skip
    po = polib.pofile(str(workspace / "locales" / "eo" / "LC_MESSAGES" / f"{SLUG}.po"))
    assert len(po) > 100
    for entry in po:
        assert entry.msgstr == entry.msgid.upper(), entry.msgctxt
        assert "mt: engine=shout kind=rule-based version=0.1 at=" in entry.comment
        assert "not a real translation" not in entry.comment
    run_cli("bundle", SLUG, "--to", "eo", root=workspace, env=env)
    doc = json.loads((workspace / "bundles" / SLUG / "eo" / "bundle.json").read_text())
    machine = [n for n in doc["notices"] if "machine-translated" in n]
    assert machine and "pseudo" not in machine[0]


@pytest.fixture
def broken_plugins(tmp_path: Path) -> Iterator[Path]:
    """Four broken engine entry points next to the working ones, in this process."""
    folder = write_distribution(
        tmp_path / "broken",
        "l10n-broken-engines",
        {
            "missing": "l10n_no_such_module:Engine",
            "notanengine": "l10n_broken_engines:NotAnEngine",
            "misnamed": "l10n_broken_engines:Misnamed",
            "nochunks": "l10n_broken_engines:NoChunks",
        },
        {
            "l10n_broken_engines": (
                "from l10n_service.mt.pseudo import PseudoEngine\n\n"
                "class NotAnEngine:\n    pass\n\n"
                "class Misnamed(PseudoEngine):\n    name = 'something-else'\n\n"
                "class NoChunks(PseudoEngine):\n    name = 'nochunks'\n    chunk_size = 0\n"
            )
        },
    )
    sys.path.insert(0, str(folder))
    registry.reload()
    yield folder
    sys.path.remove(str(folder))
    registry.reload()


def test_broken_plugins_are_one_line_each_and_break_nothing_else(
    broken_plugins: Path, workspace: Path
) -> None:
    problems = registry.problems()
    assert len(problems) == 4 and all("\n" not in p for p in problems)
    text = "\n".join(problems)
    assert "'missing = l10n_no_such_module:Engine' is broken: ModuleNotFoundError" in text
    assert "'notanengine = l10n_broken_engines:NotAnEngine' is broken: " in text
    assert "is not an l10n_service.mt.base.Engine subclass" in text
    assert "Misnamed.name is 'something-else', not the entry point's name 'misnamed'" in text
    assert "NoChunks.chunk_size must be None or an integer of at least 1" in text
    assert {"argos", "pseudo", "shout"} <= set(registry.available_engines())
    assert "missing" not in registry.engine_choices()
    with pytest.raises(EngineUnavailable, match="'missing = l10n_no_such_module:Engine'"):
        registry.get_engine("missing")

    env = plugin_env(broken_plugins)
    listed = run_cli("models", "list", env=env)
    assert "pseudo: " in listed.stdout
    assert len([x for x in listed.stderr.splitlines() if x.startswith("warning: ")]) == 4
    run_cli("add", str(SAMPLE), root=workspace, env=env)
    asked = run_cli("translate", SLUG, "--to", "fr", "--engine", "missing", root=workspace,
                    env=env, check=False)  # fmt: skip
    assert asked.returncode != 0 and "Traceback" not in asked.stderr
    assert asked.stderr.strip().splitlines()[-1].startswith("error: engine entry point")
    fine = run_cli("translate", SLUG, "--to", "fr", "--engine", "pseudo", root=workspace,
                   env=env)  # fmt: skip
    assert "[pseudo] done" in fine.stdout


def test_a_copy_without_its_metadata_says_how_to_fix_it(tmp_path: Path) -> None:
    """Engines come only from entry points: a package copied without its installed
    metadata has none, and says so instead of "unknown engine 'pseudo'"."""
    shutil.copytree(REPO / "src" / "l10n_service", tmp_path / "l10n_service")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "from l10n_service.mt import registry\n"
        "try:\n    registry.check_choice('pseudo')\n"
        "except Exception as exc:\n    print(type(exc).__name__, exc)\n"
    )
    # -I -S: no site-packages, so no installed l10n-service metadata.
    run = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True)
    assert run.stdout.startswith("EngineUnavailable no MT engines are registered"), run.stderr
    assert "pip install -e ." in run.stdout

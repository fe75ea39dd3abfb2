"""``l10n --help``, ``l10n status`` and ``l10n jobs wait`` start without the heavy
libraries: the web framework, the queue, the MT engines, the merge's numpy and the
memory's SQLAlchemy are imported by the commands that use them, not by every
command. Counted in modules, never in seconds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from l10n_service.services.jobs_store import JobStore
from l10n_service.workspace import Workspace

HEAVY = ("fastapi", "starlette", "uvicorn", "celery", "kombu", "argostranslate", "ctranslate2",
         "numpy", "sqlalchemy", "redis", "rapidfuzz")  # fmt: skip

_PROBE = """
import json, sys
from l10n_service.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
sys.stderr.write('MODULES=' + json.dumps(sorted(sys.modules)) + '\\n')
"""


def _modules(*args: str) -> tuple[list[str], str]:
    """Every module the command imported, and what it printed."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES="))
    found: list[str] = json.loads(line.removeprefix("MODULES="))
    return found, result.stdout


def _heavy_imports(*args: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted({m.split(".")[0] for m in _modules(*args)[0]} & set(heavy))


@pytest.mark.parametrize("args", [("--help",), ("status",), ("status", "--json")])
def test_light_commands_import_no_heavy_library(ws: Workspace, args: tuple[str, ...]) -> None:
    extra = ("--root", str(ws.root)) if args[0] == "status" else ()
    assert _heavy_imports(*args, *extra) == []


def test_the_probe_sees_a_heavy_import(ws: Workspace) -> None:
    """The check itself works: a merge into a new language does import its matcher."""
    assert "rapidfuzz" in _heavy_imports("update", "--lang", "fr", "--root", str(ws.root))


def test_waiting_on_jobs_imports_the_job_store_only(ws: Workspace) -> None:
    """What ``translate --wait`` runs while the workers translate: a client that
    polls job files needs neither the queue (unless it re-sends stalled chunks), nor
    the catalog parser, the formats' parsers, the engines or the memory."""
    store = JobStore(ws)
    ids = [
        store.new(slug="post", lang=lang, engine="pseudo", queue="mt", segments=0, chunks=0).id
        for lang in ("de", "fr")
    ]
    modules, out = _modules("jobs", "wait", *ids, "--root", str(ws.root))
    assert out.splitlines() == [f"job {job_id}: done" for job_id in ids]
    heavy = (*HEAVY, "markdown_it", "lxml", "polib", "pysbd", "jinja2", "psycopg")
    assert sorted({m.split(".")[0] for m in modules} & set(heavy)) == []
    ours = {m for m in modules if m.startswith("l10n_service.")}
    assert "l10n_service.services.waiting" in ours
    for planner in ("services.machine", "services.memory", "services.catalogs", "catalog",
                    "jobs.app", "mt", "tm"):  # fmt: skip
        assert f"l10n_service.{planner}" not in ours


def test_enqueueing_imports_neither_celery_nor_an_unfed_memory(
    ws: Workspace, broker_env: dict[str, str]
) -> None:
    """``l10n translate`` on a broker publishes its chunks with kombu (Celery is the
    workers'), and opens the translation memory (SQLAlchemy) only once something fed
    it: before that there is nothing to reuse. The client reuses exact hits only (a
    query by hash): the fuzzy index's numpy and the TMX reader's lxml are for the
    review desk and ``l10n tm``, not for planning a job; nor is the merge's matcher
    (rapidfuzz) for catalogs the index shows as current."""
    modules, out = _modules("translate", "post", "--to", "de", "--engine", "pseudo",
                            "--root", str(ws.root))  # fmt: skip
    assert "queued" in out
    tops = {m.split(".")[0] for m in modules}
    assert "kombu" in tops
    assert tops & {"celery", "sqlalchemy", "numpy", "rapidfuzz"} == set()

    from l10n_service.services.catalogs import update_languages
    from l10n_service.tm import TranslationMemory

    update_languages(ws, "post", ["fr"])  # a catalog to fill: no merge in the client
    with TranslationMemory.open(ws.root) as memory:
        memory.add("en", "fr", "Trading volumes were the highest this year.", "Volumes record.",
                   origin="elsewhere")  # fmt: skip
    modules, out = _modules("translate", "post", "--to", "fr", "--engine", "pseudo",
                            "--root", str(ws.root))  # fmt: skip
    assert "1 reused from the translation memory" in out
    tops = {m.split(".")[0] for m in modules}
    assert "sqlalchemy" in tops
    assert tops & {"celery", "numpy", "lxml", "rapidfuzz"} == set()

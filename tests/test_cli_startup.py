"""``l10n --help`` and ``l10n status`` start without the heavy libraries: the web
framework, the queue, the MT engines, the merge's numpy and the memory's
SQLAlchemy are imported by the commands that use them, not by every command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads('%s')))
sys.stderr.write('HEAVY=' + json.dumps(heavy) + '\\n')
"""


def _heavy_imports(*args: str) -> list[str]:
    probe = _PROBE % json.dumps(HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("HEAVY="))
    found: list[str] = json.loads(line.removeprefix("HEAVY="))
    return found


@pytest.mark.parametrize("args", [("--help",), ("status",), ("status", "--json")])
def test_light_commands_import_no_heavy_library(ws: Workspace, args: tuple[str, ...]) -> None:
    extra = ("--root", str(ws.root)) if args[0] == "status" else ()
    assert _heavy_imports(*args, *extra) == []


def test_the_probe_sees_a_heavy_import(ws: Workspace) -> None:
    """The check itself works: a merge into a new language does import its matcher."""
    assert "rapidfuzz" in _heavy_imports("update", "--lang", "fr", "--root", str(ws.root))

"""A third-party MT engine, installed the way a real one is: one module and one entry
point in a ``*.dist-info`` folder on the path.

``install_plugin()`` writes the distribution ``l10n-shout-engine`` (module
``l10n_shout_engine``, entry point ``shout`` in group ``l10n_service.engines``) into a
folder, puts that folder on ``sys.path`` and re-reads the engine registry. Give the
folder to subprocesses as ``PYTHONPATH`` (:func:`plugin_env`) and a real ``l10n
worker`` finds the engine through ``importlib.metadata`` like any installed package.

The engine upper-cases the text between placeholder tokens, for ``en -> eo`` only,
ranked above pseudo-localisation, so ``auto`` picks it for that pair. Environment
switches let tests make it misbehave in a worker process:

* ``L10N_SHOUT_CALLS=FILE``: append one line per ``translate_batch`` call;
* ``L10N_SHOUT_FLAKY=FILE``: the first call (while FILE does not exist) creates FILE
  and raises ``TransientEngineError``, as if its helper process had died;
* ``L10N_SHOUT_BROKEN=1``: every call raises a plain ``EngineError``;
* ``L10N_SHOUT_CLOSED=FILE``: ``close()`` appends the process id to FILE;
* ``L10N_SHOUT_KILL=WORD``: a call with a text containing WORD kills its own
  process with SIGKILL (after a line ``killed`` in the calls file), as a segfault
  or the kernel's OOM killer would;
* ``L10N_SHOUT_SLOW=SECONDS``: every call first sleeps that long, as a real engine
  takes its time, so that the chunk beside a killing one is still running when it
  kills;
* ``L10N_SHOUT_HOLD=WORD`` with ``L10N_SHOUT_RELEASE=FILE``: a call with a text
  containing WORD writes a line ``held`` in the calls file and waits until FILE
  exists, so a test can restart the broker while a known chunk is running.
* ``L10N_SHOUT_AWAIT_APPLY=WORD``: a call with a text containing WORD returns only
  once another chunk of the workspace's jobs (``$L10N_ROOT/.l10n/jobs``) was applied
  while it waited, and raises ``EngineError`` after ``L10N_SHOUT_AWAIT_S`` seconds
  (60) without one: a worker that cannot apply while it translates fails that
  chunk. Every other call first sleeps a second, so that the waiting call starts
  while another chunk is still translating.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["ENGINE", "PLUGIN_PATH", "PLUGIN_SOURCE", "install_plugin", "plugin_env",
           "write_distribution"]  # fmt: skip

ENGINE = "shout"

PLUGIN_SOURCE = '''\
"""Shouting: a rule-based toy engine from another package."""

import json
import os
import signal
import time
from pathlib import Path

from l10n_service.core.tokens import TOKEN_RE
from l10n_service.errors import EngineError, TransientEngineError
from l10n_service.mt.base import Engine


class ShoutEngine(Engine):
    name = "shout"
    label = "shouting (a test plugin)"
    kind = "rule-based"
    rank = 10
    batch_size = 3

    def pairs(self):
        return [("en", "eo")]

    def translate_batch(self, texts, source, target):
        calls = os.environ.get("L10N_SHOUT_CALLS")
        if calls:
            with open(calls, "a") as handle:
                handle.write(f"{len(texts)}\\n")
        slow = os.environ.get("L10N_SHOUT_SLOW")
        if slow:
            time.sleep(float(slow))
        kill = os.environ.get("L10N_SHOUT_KILL")
        if kill and any(kill in text for text in texts):
            if calls:
                with open(calls, "a") as handle:
                    handle.write("killed\\n")
            os.kill(os.getpid(), signal.SIGKILL)
        hold = os.environ.get("L10N_SHOUT_HOLD")
        if hold and any(hold in text for text in texts):
            if calls:
                with open(calls, "a") as handle:
                    handle.write("held\\n")
            while not Path(os.environ["L10N_SHOUT_RELEASE"]).exists():
                time.sleep(0.1)
        flaky = os.environ.get("L10N_SHOUT_FLAKY")
        if flaky and not Path(flaky).exists():
            Path(flaky).write_text("failed once")
            raise TransientEngineError("shout: the helper process died")
        if os.environ.get("L10N_SHOUT_BROKEN"):
            raise EngineError("shout: broken for good")
        awaited = os.environ.get("L10N_SHOUT_AWAIT_APPLY")
        if awaited and any(awaited in text for text in texts):
            self._await_apply()
        elif awaited:
            time.sleep(1)
        return [self._shout(text) for text in texts]

    @staticmethod
    def _await_apply():
        jobs = Path(os.environ["L10N_ROOT"]) / ".l10n" / "jobs"

        def applied():
            return sum(
                len(json.loads(path.read_text()).get("done_chunks") or [])
                for path in jobs.glob("*.json")
            )

        patience = float(os.environ.get("L10N_SHOUT_AWAIT_S", "60"))
        before, deadline = applied(), time.monotonic() + patience
        while applied() == before:
            if time.monotonic() > deadline:
                raise EngineError("shout: no chunk was applied while this one translated")
            time.sleep(0.05)

    @staticmethod
    def _shout(text):
        parts, pos = [], 0
        for match in TOKEN_RE.finditer(text):
            parts += [text[pos : match.start()].upper(), match.group()]
            pos = match.end()
        return "".join(parts) + text[pos:].upper()

    def close(self):
        closed = os.environ.get("L10N_SHOUT_CLOSED")
        if closed:
            with open(closed, "a") as handle:
                handle.write(f"{os.getpid()}\\n")

    def provenance(self, source, target):
        return {**super().provenance(source, target), "version": "0.1"}
'''


def write_distribution(
    folder: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]
) -> Path:
    """An installed distribution as ``pip`` leaves it: modules, plus
    ``{name}-0.1.dist-info/`` with METADATA and entry_points.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(source)
    info = folder / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = [f"{key} = {value}" for key, value in entry_points.items()]
    (info / "entry_points.txt").write_text("[l10n_service.engines]\n" + "\n".join(lines) + "\n")
    return folder


def install_plugin() -> Path:
    """Write the shout engine's distribution to a fresh folder on ``sys.path``."""
    folder = Path(tempfile.mkdtemp(prefix="l10n-engine-plugin-"))
    atexit.register(shutil.rmtree, folder, True)
    write_distribution(
        folder,
        "l10n-shout-engine",
        {ENGINE: "l10n_shout_engine:ShoutEngine"},
        {"l10n_shout_engine": PLUGIN_SOURCE},
    )
    sys.path.insert(0, str(folder))
    from l10n_service.mt import registry

    registry.reload()
    return folder


def plugin_env(folder: Path, **extra: str) -> dict[str, str]:
    """Environment for a subprocess that should see the plugin."""
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, **extra}


# Installed once per test session, when first imported (tests/mt/conftest.py does,
# before collection, so the contract tests are parametrised over it too).
PLUGIN_PATH = install_plugin()

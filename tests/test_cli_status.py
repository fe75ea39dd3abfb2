"""``l10n status`` on a whole workspace: a summary, the first catalogs needing
attention and a line saying how many more; ``--all`` lists every catalog, ``--lang``
keeps some languages, ``--json`` keeps its fields and adds ``summary``. What is
printed is counted (lines), never timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from l10n_service.services.index_summary import ATTENTION_LIMIT
from l10n_service.services.machine import start_job
from tests.conftest import run_cli
from tests.services.test_index import _inline, newsroom, settle


def catalog_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("s0")]


def test_printed_lines_do_not_grow_with_the_workspace(tmp_path: Path) -> None:
    printed = {}
    for size in (12, 30):  # 24 and 60 catalogs: both more than the list shows
        ws = newsroom(tmp_path / f"ws{size}", size)
        start_job(ws, "s003", "de", engine="pseudo", dispatch=_inline(ws))
        settle()
        out = run_cli("status", root=ws.root)
        assert f"summary: {size} articles, {2 * size} catalogs in 2 languages" in out.stdout
        listed = catalog_lines(out.stdout)
        assert len(listed) == ATTENTION_LIMIT
        assert f"... and {2 * size - ATTENTION_LIMIT} more; --all lists every catalog" in (
            out.stdout
        )
        # Mostly machine: warned on stderr, counted in the language table.
        assert "unmodified machine output in s003 [de] 100%" in out.stderr
        entries, attention = [line.split() for line in out.stdout.splitlines()
                              if line.startswith("de ")]  # fmt: skip
        assert entries[1:3] == [str(size), str(2 * size)]  # articles, entries
        assert attention[1:] == [str(size), str(size - 1), "1", "1"]
        printed[size] = len(out.stdout.splitlines())
        every = run_cli("status", "--all", root=ws.root).stdout
        assert len(catalog_lines(every)) == 2 * size
        french = run_cli("status", "--lang", "fr", "--all", root=ws.root).stdout
        assert {line.split()[1] for line in catalog_lines(french)} == {"fr"}
        assert len(catalog_lines(french)) == size
    assert printed[12] == printed[30]


def test_a_small_workspace_is_listed_whole(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 3)
    out = run_cli("status", root=ws.root).stdout
    assert out.startswith("summary: 3 articles, 6 catalogs in 2 languages, 6 need attention")
    assert len(catalog_lines(out)) == 6 and "more; --all" not in out
    assert "entries by language" not in out  # six lines say as much


def test_json_keeps_its_fields_and_adds_the_summary(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 25)
    data = json.loads(run_cli("status", "--json", root=ws.root).stdout)
    assert set(data) == {"catalogs", "jobs", "summary"}
    assert len(data["catalogs"]) == 50  # every catalog, as before
    assert set(data["catalogs"][0]) == {
        "slug", "lang", "total", "untranslated", "machine", "translated", "approved", "fuzzy",
        "unmodified_machine", "machine_share",
    }  # fmt: skip
    summary = data["summary"]
    assert summary["articles"] == 25 and summary["totals"]["catalogs"] == 50
    assert [s["lang"] for s in summary["languages"]] == ["de", "fr"]
    assert summary["totals"]["untranslated"] == sum(c["untranslated"] for c in data["catalogs"])
    one = json.loads(run_cli("status", "s001", "--json", root=ws.root).stdout)
    assert set(one) == {"catalogs", "jobs"}


def test_an_unreadable_catalog_exits_2(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 2)
    ws.po_path("s001", "fr").write_text('msgid "broken\n')
    result = run_cli("status", root=ws.root, check=False)
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert run_cli("status", "--lang", "de", root=ws.root).returncode == 0


# ``l10n status`` in a child process that records every file it stats, lists or
# opens (``os.stat`` is wrapped: Python raises no audit event for it).
_IO_PROBE = """
import json, os, sys
touched = []

def hook(event, args):
    if event in ("open", "os.scandir", "os.listdir") and args and args[0] is not None:
        if not isinstance(args[0], int):
            touched.append(os.fsdecode(args[0]))

real_stat = os.stat

def stat(path, *args, **kwargs):
    if not isinstance(path, int):
        touched.append(os.fsdecode(path))
    return real_stat(path, *args, **kwargs)

os.stat = stat
from l10n_service.cli import app
sys.addaudithook(hook)
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
sys.stderr.write("TOUCHED=" + json.dumps(touched) + "\\n")
"""


def _touched(root: Path, *args: str) -> list[str]:
    """The workspace's paths the command touched, relative to it."""
    result = subprocess.run(
        [sys.executable, "-c", _IO_PROBE, *args, "--root", str(root)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in result.stderr.splitlines() if x.startswith("TOUCHED="))
    found = [Path(p) for p in json.loads(line.removeprefix("TOUCHED="))]
    return sorted(str(p.relative_to(root)) for p in found if p.is_relative_to(root))


def test_json_reads_the_index_not_the_catalogs(tmp_path: Path) -> None:
    """``status --json`` lists every catalog, from the index alone: on a workspace 4x
    larger it touches the same files (the watched folders, the index), and no
    catalog, template or article file."""
    touched = {}
    for size in (6, 24):
        ws = newsroom(tmp_path / f"ws{size}", size)
        settle()
        run_cli("status", root=ws.root)  # the first full check of the files
        data = json.loads(run_cli("status", "--json", root=ws.root).stdout)
        assert len(data["catalogs"]) == 2 * size
        touched[size] = _touched(ws.root, "status", "--json")
        files = [p for p in touched[size] if p.endswith((".po", ".pot", ".txt", ".json"))]
        assert files == [], files
    assert touched[6] == touched[24]
    assert ".l10n/index.sqlite" in touched[6]  # the probe sees file I/O
    with_check = _touched(ws.root, "status", "--json", "--recheck")
    assert sum(p.endswith(".po") for p in with_check) >= 2 * 24  # ... per catalog too

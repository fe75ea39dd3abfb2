"""The command line as a user meets it: exit codes, one-line errors, --explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from l10n_service.workspace import Workspace
from tests.conftest import SAMPLE, run_cli
from tests.support.catalogs import catalog, edit, entry, ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "missing.txt"], "no such file"),
        (["add", str(SAMPLE), "--slug", "../evil"], "invalid article slug"),
        (["add", str(SAMPLE), "--source-lang", "xx"], "unknown language code"),
        (["translate", "nope", "--to", "de"], "no article 'nope'"),
        (["translate", "x", "--to", "../../etc"], "not a language code"),
        (["approve", "x", "de"], "--all or --id"),
        (["bundle", "nope"], "no article 'nope'"),
    ],
)
def test_user_errors_are_one_line(workspace: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, root=workspace, check=False)
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"caf\xe9 latin-1 text", "invalid UTF-8 at byte 3"),
    ],
)
def test_bad_articles_are_refused_and_nothing_is_written(
    workspace: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run_cli("add", str(bad), root=workspace, check=False)
    assert result.returncode == 2 and message in result.stderr
    assert not (workspace / "articles").exists()


def test_add_twice_keeps_catalogs(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    po = workspace / "locales/de/LC_MESSAGES/pyongyang-marathon.po"
    before = po.read_bytes()
    run_cli("add", str(SAMPLE), root=workspace)
    assert po.read_bytes() == before


def test_explain_shows_detected_structure(workspace: Path) -> None:
    out = run_cli("add", str(SAMPLE), "--explain", root=workspace).stdout
    for expected in ("dateline", "title", "toc_entry", "heading", "question", "answer", "turn"):
        assert expected in out, expected


def test_status_json_and_table(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    assert '"untranslated"' in run_cli("status", "--json", root=workspace).stdout
    assert "pyongyang" in run_cli("status", root=workspace).stdout


def test_remove_moves_everything_to_trash(workspace: Path) -> None:
    run_cli("add", str(SAMPLE), root=workspace)
    run_cli("update", "--lang", "de", root=workspace)
    run_cli("remove", "pyongyang-marathon", root=workspace)
    assert not list((workspace / "locales").rglob("*.po"))
    trash = next((workspace / ".l10n" / "trash").iterdir())
    assert (trash / "locales/de/LC_MESSAGES/pyongyang-marathon.po").exists()
    assert (trash / "articles/pyongyang-marathon.txt").exists()
    again = run_cli("remove", "pyongyang-marathon", root=workspace, check=False)
    assert again.returncode == 2 and "no article" in again.stderr


def test_front_matter_keys_are_configurable(workspace: Path, tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text('---\ntitle: "Race day"\ntags: running, Korea\nlayout: post\n---\n\nHello.\n')
    run_cli("add", str(post), "--front-matter-keys", "title,tags", root=workspace)
    pot = (workspace / "locales" / "post.pot").read_text()
    assert 'msgid "Race day"' in pot and 'msgid "running, Korea"' in pot
    assert "post" not in [
        line.split('"')[1] for line in pot.splitlines() if line.startswith("msgid")
    ]
    run_cli("update", root=workspace)  # re-parsed with the stored keys
    assert 'msgid "running, Korea"' in (workspace / "locales" / "post.pot").read_text()


def test_an_unstamped_import_reports_human_translations_as_conflicts(
    ws: Workspace, tmp_path: Path
) -> None:
    """A file copied from locales/ fills gaps; a newer human translation in the
    catalog is a conflict (exit 3), settled with --take or --theirs."""
    title, second = ids(ws)[:2]
    path = ws.po_path("post", "de")
    copy = tmp_path / "copy.po"
    copy.write_bytes(path.read_bytes())
    edit(path, second, "Neuere Übersetzung")
    edit(copy, title, "Titel")
    edit(copy, second, "Kopie")
    args = ("import", str(copy), "--slug", "post", "--lang", "de")
    refused = run_cli(*args, root=ws.root, check=False)
    assert refused.returncode == 3
    assert f"conflict {second}" in refused.stderr and "Kopie" in refused.stderr
    assert "no stamp" in refused.stderr.splitlines()[-1]
    assert entry(catalog(ws), title).msgstr == ""  # nothing applied
    as_json = run_cli(*args, "--json", root=ws.root, check=False)
    assert as_json.returncode == 3 and '"ours": "Neuere \\u00dcbersetzung"' in as_json.stdout
    done = run_cli(*args, "--take", f"{second}=theirs", root=ws.root)
    assert "(2-way): 2 updated" in done.stdout and "1 conflicts resolved" in done.stdout
    assert [entry(catalog(ws), x).msgstr for x in (title, second)] == ["Titel", "Kopie"]

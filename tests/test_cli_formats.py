"""Format options on the command line: --include-chrome (HTML) and --explain for
hard-wrapped plain text, through the real ``l10n`` script."""

from __future__ import annotations

from pathlib import Path

from l10n_service.workspace import Workspace
from tests.conftest import run_cli

DATA = Path(__file__).parent / "data" / "realworld"
FAQ_HTML = DATA / "html" / "debian-faq--kernel.en.html"
FAQ_TEXT = DATA / "text" / "debian-faq--debian-faq.en.txt-ch1.txt"


def _msgids(pot: Path) -> list[str]:
    return [line[7:-1] for line in pot.read_text("utf-8").splitlines() if line.startswith("msgid ")]


def test_include_chrome_is_stored_and_kept_by_update(workspace: Path) -> None:
    run_cli("add", str(FAQ_HTML), "--slug", "plain", root=workspace)
    run_cli("add", str(FAQ_HTML), "--slug", "chrome", "--include-chrome", root=workspace)
    pots = workspace / "locales"
    assert "Prev" not in _msgids(pots / "plain.pot")
    assert {"Prev", "Next", "Home"} <= set(_msgids(pots / "chrome.pot"))
    assert Workspace(workspace).article_settings("chrome")["include_chrome"] is True
    run_cli("update", "--lang", "de", root=workspace)  # re-parsed with the stored option
    assert {"Prev", "Next", "Home"} <= set(_msgids(pots / "chrome.pot"))
    assert "Prev" not in _msgids(pots / "plain.pot")


def test_include_chrome_on_plain_text_is_a_user_error(workspace: Path) -> None:
    result = run_cli("add", str(FAQ_TEXT), "--include-chrome", root=workspace, check=False)
    assert result.returncode == 2
    assert "has no parse option 'include_chrome'" in result.stderr
    assert not (workspace / "articles").exists()


def test_explain_shows_joined_lines(workspace: Path) -> None:
    out = run_cli("add", str(FAQ_TEXT), "--explain", root=workspace, env={"COLUMNS": "250"}).stdout
    assert "13-15" in out and "joined: wrapped at 69 columns" in out
    assert "rejoined without a space" in out  # https:// cut at the line end
    assert "list_item" in out and "heading" in out

"""Adding and loading articles through the format registry: file names, parse
options kept in the settings, ``--explain``, and options a format does not take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from l10n_service.errors import ArticleError
from l10n_service.services.articles import add_article, explain_article, load_article
from l10n_service.workspace import Workspace

TEXT = "Race day\n\nRunners gathered at dawn.\nA short line\nThe race starts at nine.\n"
MARKDOWN = '---\ntitle: "Race day"\ntags: running\n---\n\nRunners gathered at dawn.\n'


@pytest.fixture
def empty_ws(workspace: Path) -> Workspace:
    """An empty workspace: these tests add their own articles (conftest's ``ws`` holds one)."""
    return Workspace.at(workspace)


def _settings(ws: Workspace, slug: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(ws.article_settings_path(slug).read_text("utf-8"))
    return data


def test_text_overrides_are_kept_and_explained(empty_ws: Workspace) -> None:
    add_article(empty_ws, TEXT.encode(), name="race.txt", overrides={4: "paragraph"})
    assert (empty_ws.articles_dir / "race.txt").exists()
    assert _settings(empty_ws, "race")["overrides"] == {"4": "paragraph"}
    article = load_article(empty_ws, "race")
    assert [b.type.value for b in article.blocks] == ["title", *["paragraph"] * 3]
    rows = {row.where: row for row in explain_article(empty_ws, "race")}
    assert rows["4"].kind == "paragraph" and rows["4"].why == "forced by override"
    assert rows["1"].kind == "title 1" and "2" not in rows  # blank lines are left out


def test_markdown_options_through_the_generic_keyword(empty_ws: Workspace) -> None:
    article = add_article(
        empty_ws,
        MARKDOWN.encode(),
        name="race.md",
        options={"front_matter_keys": ["title", "tags"]},
    )
    assert [b.attr.get("key") for b in article.blocks][:2] == ["title", "tags"]
    assert _settings(empty_ws, "race")["front_matter_keys"] == ["title", "tags"]
    assert "overrides" not in _settings(empty_ws, "race")
    assert load_article(empty_ws, "race").blocks == article.blocks
    rows = explain_article(empty_ws, "race")
    assert [row.where for row in rows] == [b.id for b in article.blocks]


def test_an_option_the_format_does_not_take_writes_nothing(empty_ws: Workspace) -> None:
    with pytest.raises(ArticleError, match=r"the md format .* has no parse option 'overrides'"):
        add_article(empty_ws, MARKDOWN.encode(), name="race.md", overrides={2: "heading"})
    assert not empty_ws.articles_dir.exists() or not list(empty_ws.articles_dir.iterdir())


def test_settings_written_before_formats_declared_options_still_load(empty_ws: Workspace) -> None:
    """Older settings hold ``"overrides": {}`` for every article, Markdown too."""
    add_article(empty_ws, MARKDOWN.encode(), name="race.md")
    path = empty_ws.article_settings_path("race")
    settings = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**settings, "overrides": {}}), "utf-8")
    assert load_article(empty_ws, "race").title == "Race day"


def test_unknown_format_name_is_refused(empty_ws: Workspace) -> None:
    with pytest.raises(ArticleError, match=r"^unknown article format 'rst'; choose one of md"):
        add_article(empty_ws, TEXT.encode(), name="race.txt", fmt="rst")

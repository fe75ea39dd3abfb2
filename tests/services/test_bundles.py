"""Publishing: coverage thresholds and policies, content-addressed versions behind
an atomic pointer, the contract paths, determinism, pruning."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from l10n_service.errors import InputError
from l10n_service.services.bundles import (
    build_bundles,
    publish_settings,
    save_publish_settings,
)
from l10n_service.services.catalogs import approve_entries, update_languages
from l10n_service.workspace import Workspace
from tests.support.catalogs import edit, ids, machine_translate

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "bundle.schema.json").read_text())
FILES = ("bundle.json", "index.html", "article.md", "article.txt")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def test_unchanged_input_rebuilds_to_the_same_bytes(ws: Workspace) -> None:
    machine_translate(ws)
    first = {b.lang: b for b in build_bundles(ws, "post")}
    out = ws.bundle_dir("post", "de")
    before = _snapshot(out)
    again = {b.lang: b for b in build_bundles(ws, "post")}
    assert _snapshot(out) == before
    assert {k: b.version for k, b in again.items()} == {k: b.version for k, b in first.items()}
    assert [p.name for p in (out / "v").iterdir()] == [first["de"].version]


def test_layout_current_pointer_and_contract_paths(ws: Workspace) -> None:
    machine_translate(ws)
    (built,) = build_bundles(ws, "post", ["de"])
    out = ws.bundle_dir("post", "de")
    assert os.readlink(out / "current") == f"v/{built.version}"
    for name in FILES:
        assert os.readlink(out / name) == f"current/{name}"
        assert (out / name).read_bytes() == (out / "v" / built.version / name).read_bytes()
    doc = json.loads((out / "bundle.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["min_coverage"] == 0.8 and doc["policy"] == "machine-allowed"


def test_a_new_version_switches_and_old_ones_are_pruned(ws: Workspace) -> None:
    (ws.state_dir / "publish.json").parent.mkdir(parents=True, exist_ok=True)
    (ws.state_dir / "publish.json").write_text('{"keep_versions": 2}')
    machine_translate(ws)
    out = ws.bundle_dir("post", "de")
    versions = []
    for text in ("Eins", "Zwei", "Drei"):
        edit(ws.po_path("post", "de"), ids(ws)[0], text)
        versions.append(build_bundles(ws, "post", ["de"])[0].version)
        assert text in (out / "index.html").read_text()
    assert len(set(versions)) == 3
    assert sorted(p.name for p in (out / "v").iterdir()) == sorted(versions[1:])
    assert os.readlink(out / "current") == f"v/{versions[-1]}"


def test_a_crash_while_writing_leaves_the_published_version(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_translate(ws)
    build_bundles(ws, "post", ["de"])
    out = ws.bundle_dir("post", "de")
    before = _snapshot(out)
    edit(ws.po_path("post", "de"), ids(ws)[0], "Neu")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "rename", crash)
    with pytest.raises(OSError, match="disk full"):
        build_bundles(ws, "post", ["de"])
    monkeypatch.undo()
    assert _snapshot(out) == before
    assert not list((out / "v").glob(".tmp-*"))


def test_an_old_flat_bundle_is_taken_over(ws: Workspace) -> None:
    out = ws.bundle_dir("post", "de")
    out.mkdir(parents=True)
    for name in FILES:
        (out / name).write_text("old")
    machine_translate(ws)
    build_bundles(ws, "post", ["de"])
    assert all((out / name).is_symlink() for name in FILES)
    assert "<!DOCTYPE html>" in (out / "index.html").read_text()


def test_below_minimum_coverage_nothing_is_published(ws: Workspace) -> None:
    machine_translate(ws)
    results = {b.lang: b for b in build_bundles(ws, "post", policy="approved-only")}
    assert results["en"].published
    refused = results["de"]
    assert not refused.published and refused.version == ""
    assert "coverage 0% is below the minimum 80%" in refused.reason
    assert "machine (not allowed)" in refused.reason
    assert not ws.bundle_dir("post", "de").exists()
    en = json.loads((ws.bundle_dir("post", "en") / "bundle.json").read_text())
    assert [a["lang"] for a in en["alternates"]] == ["en"]  # de is not published


def test_a_failed_rebuild_keeps_the_previous_version(ws: Workspace) -> None:
    machine_translate(ws)
    (first,) = build_bundles(ws, "post", ["de"])
    (again,) = build_bundles(ws, "post", ["de"], policy="human")
    assert not again.published and "previous version stays published" in again.reason
    assert os.readlink(ws.bundle_dir("post", "de") / "current") == f"v/{first.version}"


def test_alternates_list_every_published_language(ws: Workspace) -> None:
    machine_translate(ws)
    update_languages(ws, "post", ["ar", "fr"])
    machine_translate(ws, lang="ar")  # fr stays untranslated
    results = {b.lang: b for b in build_bundles(ws, "post")}
    assert not results["fr"].published
    page = (ws.bundle_dir("post", "ar") / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in page
    for lang in ("ar", "de", "en"):
        assert f'hreflang="{lang}" href="../{lang}/index.html"' in page
    assert 'hreflang="fr"' not in page


def test_coverage_counts_what_the_policy_allows(ws: Workspace) -> None:
    machine_translate(ws)
    first = ids(ws)[0]
    edit(ws.po_path("post", "de"), first, "Märkte legen nach der Abstimmung zu")
    approve_entries(ws, "post", "de", who="rita", ids=[first])
    (built,) = build_bundles(ws, "post", ["de"], policy="approved-only", min_coverage=0.25)
    assert built.published
    doc = json.loads((ws.bundle_dir("post", "de") / "bundle.json").read_text())
    states = [s["state"] for b in doc["blocks"] for s in b["segments"]]
    assert states == ["approved", "source-fallback", "source-fallback", "source-fallback"]
    assert "3 of 4 segments are shown in the source language" in doc["notices"]


def test_publish_settings_precedence(ws: Workspace) -> None:
    assert publish_settings(ws, "post").policy == "machine-allowed"
    save_publish_settings(ws, None, policy="human", min_coverage=0.5)
    save_publish_settings(ws, "post", policy="approved-only")
    settings = publish_settings(ws, "post")
    assert (settings.policy, settings.min_coverage, settings.keep_versions) == (
        "approved-only", 0.5, 5,
    )  # fmt: skip
    assert publish_settings(ws, "other").policy == "human"
    assert publish_settings(ws, "post", policy="machine-allowed").policy == "machine-allowed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"policy": "everything"}', "unknown publish policy"),
        ('{"min_coverage": 2}', "min_coverage must be a number from 0 to 1"),
        ('{"keep_versions": 0}', "keep_versions must be a whole number"),
        ("[1, 2]", "expected a JSON object"),
        ("{", "not valid JSON"),
        ('{"articles": {"post": 3}}', "'articles' must map article slugs to objects"),
    ],
)
def test_bad_publish_settings_are_named(ws: Workspace, content: str, message: str) -> None:
    (ws.state_dir / "publish.json").write_text(content)
    with pytest.raises(InputError, match=message):
        build_bundles(ws, "post")


def test_bad_options_are_named(ws: Workspace) -> None:
    with pytest.raises(InputError, match=r"^unknown publish policy 'all'"):
        build_bundles(ws, "post", policy="all")
    with pytest.raises(InputError, match=r"^min_coverage must be a number from 0 to 1"):
        build_bundles(ws, "post", min_coverage=1.5)

"""The whole pipeline on the sample article, the way a deployment runs it: a real
Redis broker, a separate ``l10n worker`` process, real argostranslate packages
(built offline by the suite) on CTranslate2, real files, GNU msgfmt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from l10n_service.core.formats import parse_article
from tests.conftest import BIN, SAMPLE, run_cli
from tests.support.tiny_argos import expected_translation

LANGS = ("de", "ar")


@pytest.fixture
def redis_env(broker_env: dict[str, str]) -> dict[str, str]:
    """An emptied broker (nothing an earlier test left in the database runs here)."""
    return broker_env


@pytest.fixture
def worker(workspace: Path, redis_env: dict[str, str], installed_models: dict[str, Path]
           ) -> Iterator[subprocess.Popen[bytes]]:  # fmt: skip
    env = {**os.environ, **redis_env}
    log = open(workspace.parent / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "l10n"), "worker", "--root", str(workspace), "--concurrency", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_sample_article_end_to_end(
    workspace: Path, worker: subprocess.Popen[bytes], redis_env: dict[str, str]
) -> None:
    assert shutil.which("msgfmt"), "GNU gettext's msgfmt is required (make test installs it)"
    run_cli("add", str(SAMPLE), root=workspace)
    result = run_cli("translate", "pyongyang-marathon", "--to", ",".join(LANGS), "--wait",
                     root=workspace, env=redis_env)  # fmt: skip
    assert "pseudo" not in result.stderr  # the real engine was used

    status = json.loads(run_cli("status", "--json", root=workspace).stdout)
    rows = {row["lang"]: row for row in status["catalogs"]}
    assert set(rows) == set(LANGS)
    for row in rows.values():
        assert row["total"] > 100
        assert row["machine"] == row["total"], row

    for lang in LANGS:
        path = workspace / "locales" / lang / "LC_MESSAGES" / "pyongyang-marathon.po"
        check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                               capture_output=True, text=True)  # fmt: skip
        assert check.returncode == 0, check.stderr
        for entry in polib.pofile(str(path)):
            assert entry.msgstr == expected_translation(entry.msgid).strip(), entry.msgctxt
            assert {"fuzzy", "machine"} <= set(entry.flags)
            assert f"package=translate-en_{lang}-" in entry.comment

    run_cli("bundle", "pyongyang-marathon", root=workspace)
    article = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug="pyongyang-marathon")
    for lang in (*LANGS, "en"):
        bundle = json.loads(
            (workspace / "bundles" / "pyongyang-marathon" / lang / "bundle.json").read_text()
        )
        assert [b["id"] for b in bundle["blocks"]] == [b.id for b in article.blocks]
        states = {s["state"] for b in bundle["blocks"] for s in b["segments"]}
        assert states == ({"original"} if lang == "en" else {"machine"})
    rebuilt = workspace / "bundles" / "pyongyang-marathon" / "en" / "article.txt"
    assert rebuilt.read_text("utf-8") == SAMPLE.read_text("utf-8")

    # Running the same job again does no MT work.
    again = run_cli("translate", "pyongyang-marathon", "--to", "de", "--wait",
                    root=workspace, env=redis_env)  # fmt: skip
    assert "0 translated" in again.stdout
    assert worker.poll() is None

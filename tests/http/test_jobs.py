"""Creating jobs over HTTP: ``POST /articles/{slug}/jobs`` enqueues through the
same service call as ``l10n translate`` (``start_jobs``), so a request for several
languages reads each catalog once and opens the translation memory once, not once
per language. Counted, never timed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from l10n_service.services import catalogs, index, machine, memory
from l10n_service.tm.memory import TranslationMemory
from tests.http.conftest import SLUG, Api

NEW = ("fr", "es", "it")  # no catalog yet: each is made from the template and sent in full


class Counted:
    """Catalog and template parses (by file name) and memory connections."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads: Counter[str] = Counter()
        self.memory_open = 0
        for module in (machine, memory, catalogs, index):
            self._count_reads(monkeypatch, module)
        original_open = TranslationMemory.open

        def counted_open(*args: Any, **kwargs: Any) -> Any:
            self.memory_open += 1
            return original_open(*args, **kwargs)

        monkeypatch.setattr(TranslationMemory, "open", counted_open)

    def _count_reads(self, monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
        original = module.read_po

        def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
            path = Path(source)
            self.reads[path.name if path.suffix == ".pot" else path.parts[-3]] += 1
            return original(source, *args, **kwargs)

        monkeypatch.setattr(module, "read_po", counted)


def test_a_request_for_several_languages_reads_each_catalog_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = api.auth(api.token("admin"))
    # A memory that exists (an unfed workspace has none, and none is opened).
    TranslationMemory.open(api.root).close()
    counted = Counted(monkeypatch)
    response = api.client.post(
        f"/articles/{SLUG}/jobs", json={"languages": list(NEW), "engine": "pseudo"},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 202, response.text
    body = response.json()
    assert [(j["slug"], j["lang"], j["state"]) for j in body["jobs"]] == [
        (SLUG, lang, "queued") for lang in NEW
    ]
    assert body["notices"] == [] and "Location" not in response.headers
    # Each new catalog is read once to plan its job; making it from the template
    # reads the template (``ensure_language``, once per new catalog).
    assert counted.reads == {**dict.fromkeys(NEW, 1), f"{SLUG}.pot": len(NEW)}
    # The memory is opened once for the request (it was once per language).
    assert counted.memory_open == 1


def test_one_language_still_says_where_its_job_is(api: Api) -> None:
    admin = api.auth(api.token("admin"))
    response = api.client.post(
        f"/articles/{SLUG}/jobs", json={"languages": ["fr"], "engine": "pseudo"}, headers=admin
    )
    assert response.status_code == 202, response.text
    (job,) = response.json()["jobs"]
    assert response.headers["Location"] == f"/jobs/{job['id']}"

"""Creating many jobs at once (``l10n translate`` of N articles x languages) costs
reading each catalog once: no article extracted again, no template merged again
when the index says the catalog is current, the translation memory opened once and
asked once per language pair, and a catalog locked (and read again) only when the
memory has something to fill it with. Counted, never timed."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polib
import pytest

from l10n_service.catalog.store import read_po
from l10n_service.services import catalogs, index, machine, memory
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import update_languages
from l10n_service.services.jobs_store import Job, JobStore
from l10n_service.services.machine import start_job, start_jobs
from l10n_service.tm.memory import TranslationMemory
from l10n_service.workspace import SETTLED_NS, Workspace

ARTICLES = 6
LANGS = ["de", "fr"]
SHARED = "Ships are back in the harbour."


def _newsroom(root: Path) -> Workspace:
    """Articles whose catalogs are merged and recorded in the index; the even ones
    share a sentence the memory knows in German."""
    ws = Workspace.at(root)
    for number in range(ARTICLES):
        extra = f" {SHARED}" if number % 2 == 0 else ""
        text = f"Story {number}\n\nThe harbour reopened on day {number}.{extra}\n"
        add_article(ws, text.encode(), name=f"s{number}.txt", slug=f"s{number}")
        update_languages(ws, f"s{number}", LANGS)
    with TranslationMemory.open(ws.root) as tm:
        tm.add("en", "de", SHARED, "Die Schiffe sind zurück im Hafen.", origin="desk")
    time.sleep(SETTLED_NS / 1e9 + 0.05)  # past the clock tick the index distrusts
    return ws


class Counted:
    """Catalog parses, article loads, memory connections and questions, locks."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {}
        for module in (machine, memory, catalogs, index):
            self._count(monkeypatch, module, "read_po", "read_po")
        for module in (memory, catalogs):
            self._count(monkeypatch, module, "catalog_lock", "lock")
        import l10n_service.services.articles as articles

        self._count(monkeypatch, articles, "load_article", "load_article")
        self._count(monkeypatch, catalogs, "_refresh_template", "refresh_template")
        self._count(monkeypatch, TranslationMemory, "open", "memory_open")
        self._count(monkeypatch, TranslationMemory, "count", "memory_count")

    def _count(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, key: str) -> None:
        original = getattr(owner, name)
        self.calls.setdefault(key, 0)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[key] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


class Sent:
    """A dispatch that keeps what each job would send (the queue is not the subject)."""

    def __init__(self) -> None:
        self.plans: dict[str, list[dict[str, Any]]] = {}

    def __call__(
        self, root: str, job: Job, plans: list[dict[str, Any]], indices: Iterable[int]
    ) -> None:
        self.plans[job.id] = [plans[i] for i in indices]


def _untranslated(po: polib.POFile) -> list[str]:
    return list(
        dict.fromkeys(e.msgid for e in po if not e.obsolete and not e.msgstr and not e.msgid_plural)
    )


def test_each_catalog_is_read_once_and_no_article_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _newsroom(workspace)
    counted = Counted(monkeypatch)
    sent = Sent()
    slugs = [f"s{n}" for n in range(ARTICLES)]

    jobs = start_jobs(ws, slugs, LANGS, engine="pseudo", dispatch=sent)

    assert [(j.slug, j.lang) for j in jobs] == [(s, lang) for s in slugs for lang in LANGS]
    hits = ARTICLES // 2  # the even articles' German catalogs
    assert counted.calls == {
        # one read per catalog, plus one under the lock for each catalog filled
        "read_po": ARTICLES * len(LANGS) + hits,
        "lock": hits,
        "load_article": 0,
        "refresh_template": 0,
        "memory_open": 1,
        "memory_count": len(LANGS),  # once per language pair, not per job
    }
    for job in jobs:
        po = read_po(ws.po_path(job.slug, job.lang))
        shared = job.lang == "de" and int(job.slug[1:]) % 2 == 0
        assert job.reused == (1 if shared else 0)
        assert any(e.msgid == SHARED and e.msgstr for e in po) == shared
        # what is sent is exactly what is still untranslated, in catalog order
        keys = [key["msgid"] for plan in sent.plans[job.id] for key in plan["keys"]]
        assert keys == _untranslated(po) and job.segments == len(keys)
        assert JobStore(ws).get(job.id).dispatched is not None


def test_one_job_is_the_same_as_a_batch_of_one(workspace: Path) -> None:
    ws = _newsroom(workspace)
    sent = Sent()
    job = start_job(ws, "s0", "de", engine="pseudo", dispatch=sent)
    assert (job.slug, job.lang, job.reused, job.state) == ("s0", "de", 1, "queued")
    keys = [key["msgid"] for plan in sent.plans[job.id] for key in plan["keys"]]
    assert keys == _untranslated(read_po(ws.po_path("s0", "de"))) and SHARED not in keys
    # a catalog with nothing left to translate makes a done job that sends nothing
    po = read_po(ws.po_path("s1", "fr"))
    for entry in po:
        entry.msgstr = "FR: " + entry.msgid
    index.write_catalog(ws, "s1", "fr", po)
    nothing = Sent()
    done = start_job(ws, "s1", "fr", engine="pseudo", dispatch=nothing)
    assert (done.state, done.segments, done.chunks, nothing.plans[done.id]) == ("done", 0, 0, [])

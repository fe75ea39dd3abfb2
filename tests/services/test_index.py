"""The workspace index (``.l10n/index.sqlite``): every write path keeps it equal to
a recount of the file, a stale or missing index is rebuilt from the files, and the
readers built on it (update, status, lists) parse nothing they need not. Work is
counted (parses, stats), never timed."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from l10n_service.catalog.store import read_po, write_po
from l10n_service.core.model import SegmentState
from l10n_service.errors import InputError
from l10n_service.services import catalogs, index
from l10n_service.services.articles import add_article
from l10n_service.services.catalogs import approve_entries, import_po, update_languages
from l10n_service.services.desk import load_page, save_segment
from l10n_service.services.index import ListQuery, catalog_status, fresh_row, list_articles
from l10n_service.services.machine import apply_chunk_result, start_job, translate_texts
from l10n_service.services.memory import feed_memory, reuse_exact_matches
from l10n_service.services.review import export_po
from l10n_service.workspace import SETTLED_NS, Workspace
from tests.support.catalogs import ids, machine_translate

# ---- helpers ---------------------------------------------------------------------


def recount(ws: Workspace, slug: str, lang: str) -> dict[str, int]:
    counts = index.count_states(read_po(ws.po_path(slug, lang)))
    return {
        state.value: n for state, n in counts.items() if state is not SegmentState.SOURCE_FALLBACK
    }


def as_counts(row: index.CatalogRow) -> dict[str, int]:
    return {
        s: getattr(row, s) for s in ("untranslated", "machine", "fuzzy", "translated", "approved")
    }


def assert_recorded(ws: Workspace, slug: str = "post", lang: str = "de") -> None:
    """The write itself recorded the row: it matches the file's stat (no re-read
    needed) and a recount of the file."""
    row = fresh_row(ws, slug, lang)
    assert row is not None, "the write did not record the catalog in the index"
    assert as_counts(row) == recount(ws, slug, lang)


class Reads:
    """Counts catalog parses and article loads made through the services."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.po = 0
        self.articles = 0
        for module in (catalogs, index):
            original = module.read_po

            def counted(*args: Any, _original: Any = original, **kwargs: Any) -> polib.POFile:
                self.po += 1
                return _original(*args, **kwargs)

            monkeypatch.setattr(module, "read_po", counted)
        import l10n_service.services.articles as articles

        load = articles.load_article

        def loaded(*args: Any, **kwargs: Any) -> Any:
            self.articles += 1
            return load(*args, **kwargs)

        monkeypatch.setattr(articles, "load_article", loaded)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


def settle() -> None:
    """Let folder mtimes age past the clock tick the index distrusts."""
    time.sleep(SETTLED_NS / 1e9 + 0.05)


def newsroom(root: Path, count: int, langs: tuple[str, ...] = ("de", "fr")) -> Workspace:
    ws = Workspace.at(root)
    for number in range(count):
        text = f"Story number {number} about the harbour\n\nThe harbour reopened on day {number}.\n"
        add_article(ws, text.encode(), name=f"s{number:03}.txt", slug=f"s{number:03}")
        update_languages(ws, f"s{number:03}", list(langs))
    return ws


def _inline(ws: Workspace) -> Any:
    """A dispatcher that runs each chunk at once (the worker's two calls, in-process)."""

    def dispatch(root: str, job: Any, plans: list[dict[str, Any]], chunks: Iterator[int]) -> None:
        for i in chunks:
            result = translate_texts("pseudo", job.source or "en", job.lang, plans[i]["texts"])
            apply_chunk_result(root, job.id, i, plans[i]["keys"], result)

    return dispatch


# ---- every write path keeps the index equal to the file -------------------------------


def test_update_records_its_merge(ws: Workspace) -> None:
    assert_recorded(ws)
    update_languages(ws, "post", ["fr"])
    assert_recorded(ws, lang="fr")


def test_machine_translation_apply_records(ws: Workspace) -> None:
    start_job(ws, "post", "de", engine="pseudo", dispatch=_inline(ws))
    assert_recorded(ws)
    assert fresh_row(ws, "post", "de").machine > 0  # type: ignore[union-attr]


def test_import_approve_memory_and_desk_record(ws: Workspace) -> None:
    machine_translate(ws)  # an outside tool: the index learns of it from the file
    po = polib.pofile(export_po(ws, "post", "de").data.decode())
    for e in po:
        e.msgstr, e.flags = f"DE {e.msgid}", []
    import_po(ws, po.__unicode__().encode(), slug="post", lang="de", name="de.po")
    assert_recorded(ws)
    approve_entries(ws, "post", "de", who="ana", ids=ids(ws)[:2])
    assert_recorded(ws)
    assert fresh_row(ws, "post", "de").approved == 2  # type: ignore[union-attr]

    page = load_page(ws, "post", "de")
    save_segment(ws, "post", "de", entry=ids(ws)[3], text="Neu.", revision=page.revision)
    assert_recorded(ws)

    feed_memory(ws, "post", "de")
    update_languages(ws, "post", ["it"])  # a fresh catalog, filled from the memory
    reuse_exact_matches(ws, "post", "it")
    assert_recorded(ws, lang="it")


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(["import", "approve", "edit-outside"]), st.integers(0, 3)),
        min_size=1,
        max_size=4,
    )
)
def test_property_row_equals_recount_after_any_writes(
    ws: Workspace, plan: list[tuple[str, int]]
) -> None:
    """Whatever mix of writes (ours and an outside editor's), the status read
    through the index equals a recount of every file."""
    for action, pick in plan:
        entries = ids(ws)
        if action == "import":
            po = polib.pofile(export_po(ws, "post", "de").data.decode())
            target = next(e for e in po if e.msgctxt == entries[pick])
            target.msgstr, target.flags = f"v{pick} {target.msgid}", []
            import_po(ws, po.__unicode__().encode(), slug="post", lang="de", name="de.po",
                      prefer="theirs")  # fmt: skip
        elif action == "approve":
            # Nothing translated there yet: refused, nothing written.
            with contextlib.suppress(InputError):
                approve_entries(ws, "post", "de", who="ana", ids=[entries[pick]], force=True)
        else:
            po = read_po(ws.po_path("post", "de"))
            po[pick].msgstr = f"outside {pick} {time.time_ns()}"
            write_po(po, ws.po_path("post", "de"))
        (row,) = catalog_status(ws, "post")
        counts = recount(ws, "post", "de")
        assert {k: getattr(row, k) for k in counts} == counts


# ---- stale or missing index -----------------------------------------------------------


def test_missing_or_corrupt_index_is_rebuilt_from_the_files(ws: Workspace) -> None:
    machine_translate(ws)
    expected = recount(ws, "post", "de")
    path = ws.state_dir / index.INDEX_NAME
    path.unlink()
    (row,) = catalog_status(ws)
    assert as_counts(index.catalog_rows(ws)[0]) == expected and row.total == sum(expected.values())
    path.write_bytes(b"this is not a database" * 100)
    assert as_counts(index.catalog_rows(ws)[0]) == expected


def test_stale_row_rereads_that_catalog_only(tmp_path: Path, reads: Reads) -> None:
    ws = newsroom(tmp_path / "ws", 4)
    machine_translate(ws, "s002", "fr")  # in place, as polib saves: only the file changed
    reads.po = 0
    rows = catalog_status(ws, recheck=True)
    assert reads.po == 1
    assert [r.machine for r in rows if (r.slug, r.lang) == ("s002", "fr")] == [2]


def test_replaced_file_is_seen_without_recheck(tmp_path: Path, reads: Reads) -> None:
    """An atomic replace (what Poedit, git and this package do) changes the folder's
    mtime: the whole-workspace status notices and re-reads that one catalog."""
    ws = newsroom(tmp_path / "ws", 4)
    settle()
    catalog_status(ws)
    po = read_po(ws.po_path("s001", "de"))
    for e in po:
        e.msgstr = "X"
    write_po(po, ws.po_path("s001", "de"))  # bypasses the index
    reads.po = 0
    rows = catalog_status(ws)
    assert reads.po == 1
    assert [r.translated for r in rows if (r.slug, r.lang) == ("s001", "de")] == [2]


def test_deleted_catalog_leaves_the_index(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 2)
    ws.po_path("s001", "fr").unlink()
    assert ("s001", "fr") not in {(r.slug, r.lang) for r in catalog_status(ws)}
    assert [r.lang for r in catalog_status(ws, "s000")] == ["de", "fr"]


def test_concurrent_writers_from_processes_keep_every_row(tmp_path: Path) -> None:
    """Workers write from several processes: WAL and the busy timeout queue them."""
    import multiprocessing

    from l10n_service.tm.memory import TranslationMemory

    ws = newsroom(tmp_path / "ws", 6)
    slugs = [f"s{n:03}" for n in range(6)]
    TranslationMemory.open(ws.root).close()  # its tables first: not what is tested here
    # spawn, not fork: the suite's process has threads (lock renewal, logging) whose
    # locks a forked child would inherit held.
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        pool.map(_machine_translate_through_index, [(str(ws.root), s) for s in slugs])
    for slug in slugs:
        assert_recorded(ws, slug, "de")
        assert fresh_row(ws, slug, "de").machine == 2  # type: ignore[union-attr]


def _machine_translate_through_index(job: tuple[str, str]) -> None:
    ws = Workspace.at(job[0])
    start_job(ws, job[1], "de", engine="pseudo", dispatch=_inline(ws))


# ---- update skips what is already merged ------------------------------------------------


def test_noop_update_parses_nothing(tmp_path: Path, reads: Reads) -> None:
    ws = newsroom(tmp_path / "ws", 5)
    reads.po = reads.articles = 0
    for slug in ws.slugs():
        reports = update_languages(ws, slug)
        assert sorted(reports) == ["de", "fr"]
        assert all(r.exact == 2 and not r.changed for r in reports.values())
    assert (reads.po, reads.articles) == (0, 0)


def test_update_rebuilds_what_changed_and_only_that(tmp_path: Path, reads: Reads) -> None:
    ws = newsroom(tmp_path / "ws", 3)
    settle()
    machine_translate(ws, "s001", "de")  # an outside edit of one catalog
    reads.po = reads.articles = 0
    update_languages(ws, "s001")
    assert reads.articles == 0  # the template is current
    assert reads.po == 2  # the edited catalog and the template it merges
    # An edited article: its template is rebuilt and both catalogs merged.
    source = ws.articles_dir / "s002.txt"
    source.write_text(source.read_text() + "\nA new closing line.\n")
    reads.po = reads.articles = 0
    reports = update_languages(ws, "s002")
    assert reads.articles == 1 and all(r.new == 1 for r in reports.values())
    assert_recorded(ws, "s002", "fr")


# ---- lists: pages, filters, and work that does not grow with the workspace ---------------


def test_pages_and_filters(tmp_path: Path) -> None:
    ws = newsroom(tmp_path / "ws", 7)
    machine_translate(ws, "s001", "de")
    machine_translate(ws, "s004", "fr")
    po = read_po(ws.po_path("s005", "de"))
    for e in po:
        e.msgstr = "Fertig"
    write_po(po, ws.po_path("s005", "de"))
    page = list_articles(ws, ListQuery(page=2, per_page=3))
    assert page.total == 7 and page.pages == 3
    assert [a.slug for a in page.articles] == ["s003", "s004", "s005"]
    assert page.articles[0].title == "Story number 3 about the harbour"
    review = list_articles(ws, ListQuery(state="needs-review"))
    assert [a.slug for a in review.articles] == ["s001", "s004"]
    assert [
        a.slug for a in list_articles(ws, ListQuery(state="needs-review", lang="fr")).articles
    ] == ["s004"]
    assert [a.slug for a in list_articles(ws, ListQuery(state="translated")).articles] == ["s005"]
    assert list_articles(ws, ListQuery(state="untranslated", lang="de")).total == 5
    assert [a.slug for a in list_articles(ws, ListQuery(q="NUMBER 6")).articles] == ["s006"]
    assert list_articles(ws, ListQuery(q="100%")).total == 0
    with pytest.raises(InputError, match="unknown state"):
        ListQuery(state="done-ish")


def _counting_stats(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = index.file_stamp

    def counted(path: Path) -> tuple[int, int] | None:
        calls[0] += 1
        return original(path)

    monkeypatch.setattr(index, "file_stamp", counted)
    return calls


@pytest.mark.parametrize("per_page", [2, 5])
def test_list_and_status_work_does_not_grow_with_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: Reads, per_page: int
) -> None:
    """On a workspace 4x larger, a page of the list checks the same number of files
    and parses none; the whole-workspace status parses none either."""
    stats = _counting_stats(monkeypatch)
    work = {}
    for size in (6, 24):
        ws = newsroom(tmp_path / f"ws{size}", size)
        settle()
        list_articles(ws, ListQuery(per_page=per_page))  # the first full check
        stats[0] = reads.po = reads.articles = 0
        page = list_articles(ws, ListQuery(per_page=per_page))
        rows = catalog_status(ws)
        assert len(page.articles) == per_page and len(rows) == 2 * size
        work[size] = (stats[0], reads.po, reads.articles)
    assert work[6] == work[24]
    assert work[6][1:] == (0, 0)


def test_languages_without_glob_follow_new_folders(ws: Workspace) -> None:
    assert ws.languages("post") == ["de"]
    update_languages(ws, "post", ["pt-BR"])
    assert ws.languages("post") == ["de", "pt_BR"]
    (ws.locales_dir / "not a locale!").mkdir()
    settle()
    assert ws.language_dirs() == ("de", "pt_BR")
    update_languages(ws, "post", ["fr"])
    assert ws.languages("post") == ["de", "fr", "pt_BR"]
    assert os.path.isfile(ws.po_path("post", "fr"))

"""The newsroom benchmark's own machinery: what it generates, how it measures a
process, and how it decides a goal. A harness that reported the wrong process's
memory or passed a goal it never measured would make every later figure a lie."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import newsroom_build as build
from newsroom_measure import Figure, Sample, repeat_within, run_command
from newsroom_report import goals

from l10n_service.services.catalogs import catalog_status
from l10n_service.workspace import Workspace


def test_articles_are_deterministic_real_sentences_shared_across_articles() -> None:
    newsroom = build.Newsroom()
    pool = set(newsroom.pool)
    assert len(pool) > 1000
    assert newsroom.article(7) == build.Newsroom().article(7)
    uses: Counter[str] = Counter()
    for index in range(200):
        paragraphs = newsroom.article(index).split("\n\n")
        assert paragraphs[0].startswith("# ")
        body = [p for p in paragraphs if p and not p.startswith("#")]
        assert 5 <= len(body) <= 17  # 5-15 paragraphs, a quote or boilerplate besides
        for sentence in pool:
            if sentence in "\n".join(body):
                uses[sentence] += 1
    shared = [s for s, n in uses.items() if n >= 5]
    assert len(shared) >= 20  # boilerplate and hot quotes recur across stories
    assert set(newsroom.boilerplate) <= set(uses)


def test_a_built_workspace_has_three_languages_and_the_planned_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "UNTRANSLATED", 3)  # the newest 3 of 23 (100 of the real ones)
    size = 23
    build._build(tmp_path / "ws", size, jobs=1)
    rows = catalog_status(Workspace.at(tmp_path / "ws"))
    assert len(rows) == size * 3
    by_slug = {(r.slug, r.lang): r for r in rows}
    assert by_slug[(build.slug_for(0), "de")].machine == by_slug[(build.slug_for(0), "de")].total
    approved = by_slug[(build.slug_for(17), "fr")]
    assert approved.approved == approved.total
    accepted = by_slug[(build.slug_for(12), "ar")]
    assert accepted.translated == accepted.total
    partial = by_slug[(build.slug_for(19), "ar")]
    assert partial.untranslated == partial.total
    newest = by_slug[(build.slug_for(size - 1), "de")]
    assert newest.untranslated == newest.total


def test_peak_rss_is_the_commands_not_the_benchmarks() -> None:
    """Linux keeps ru_maxrss across exec: a child forked from a big process reports
    the parent's size unless measured from a small parent (GNU time)."""
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    touch_60_mb = "x = bytearray(60 << 20)\nfor i in range(0, len(x), 4096): x[i] = 1"
    run = run_command([sys.executable, "-c", touch_60_mb], env=dict(os.environ), budget=60)
    assert run.returncode == 0
    assert run.sample.rss_mb is not None
    assert 60 < run.sample.rss_mb < 200, run.sample
    del ballast


def test_a_command_over_budget_is_killed_and_reported_with_its_cpu_so_far() -> None:
    run = run_command([sys.executable, "-c", "while True: pass"], env=dict(os.environ), budget=1.5)
    assert run.over_budget
    assert 1.5 <= run.sample.wall < 10
    assert run.sample.cpu > 0.05  # the CPU it had used, though it never exited


def test_repeats_stop_when_the_budget_cannot_hold_another_run() -> None:
    calls = []

    def action() -> tuple[Sample, bool]:
        calls.append(1)
        return Sample(cpu=1.0, wall=40.0), False

    samples, over = repeat_within(action, 5, budget=100)
    assert (len(samples), over) == (2, False)  # a third 40 s run would end at 120 s


def _fig(cpu: float, over: bool = False, **extra: float) -> Figure:
    return Figure(cpu, cpu, 1, over, extra=dict(extra))


@pytest.mark.parametrize(
    ("small", "big", "verdict"),
    [
        (_fig(10), _fig(14), "PASS"),
        (_fig(10), _fig(16), "FAIL"),
        (_fig(10), _fig(40, over=True), "FAIL"),  # a lower bound already past 1.5x
        (_fig(10), _fig(12, over=True), "n/a"),  # killed early: not decided either way
        (None, _fig(1), "n/a"),
    ],
)
def test_growth_goals(small: Figure | None, big: Figure, verdict: str) -> None:
    by_size = {10_000: {"GET /": big}}
    if small is not None:
        by_size[1000] = {"GET /": small}
    assert goals(by_size, {}, "10k")[0][2] == verdict


def test_goals_never_pass_what_was_not_measured() -> None:
    assert {v for _, _, v in goals({}, {}, "10k")} == {"n/a"}


def test_catalog_goals_compare_cpu_with_msgmerge() -> None:
    once = {
        "ours in-process, fuzzy, 10k": _fig(0.1),
        "ours in-process, no fuzzy, 10k": _fig(0.5),
        "msgmerge --previous (as shipped), 10k": _fig(3.0),
        "msgmerge -N, 10k": _fig(0.4),
        "msgmerge -N, 100k": _fig(4.0),  # another size: must not be picked
    }
    verdicts = {goal: verdict for goal, _, verdict in goals({}, once, "10k")}
    assert verdicts["fuzzy update of 10k: msgmerge CPU >= 20x ours"] == "PASS"
    assert verdicts["update without fuzzy no slower than msgmerge -N (CPU)"] == "FAIL"


def test_the_waiting_client_goal_is_its_cpu_against_the_workers() -> None:
    by_size = {
        100: {"translate 100 articles x 3": _fig(0.5, worker_cpu=10.0)},
        1000: {"translate 100 articles x 3": _fig(2.0, worker_cpu=10.0)},
    }
    result = [g for g in goals(by_size, {}, "10k") if g[0].startswith("waiting client")]
    assert result[0][2] == "FAIL"
    assert "100: 5%" in result[0][1] and "1,000: 20%" in result[0][1]

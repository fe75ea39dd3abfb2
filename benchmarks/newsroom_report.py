"""The tables ``newsroom.py`` prints: figures per size with growth factors, peak
memory, the catalog comparisons, and issue #14's goals with PASS/FAIL.

A figure over budget prints as ``>`` the CPU it had used when it was killed; a
growth factor computed from one is a lower bound (``>x``), and a goal decided on a
lower bound says so. A goal whose figures were not measured is ``n/a``, never PASS.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable, Mapping

from newsroom_measure import Figure

__all__ = ["goals", "print_report"]


def _extra(figure: Figure, key: str) -> float:
    """A figure's extra value; NaN (printed as '-') where an older run lacks it."""
    return figure.extra.get(key, math.nan)


# (label, figure name, value of the figure, scale, unit)
Row = tuple[str, str, Callable[[Figure], float], float, str]
_CPU: Callable[[Figure], float] = lambda f: f.cpu  # noqa: E731
ROWS: list[Row] = [
    ("status (all catalogs)", "status", _CPU, 1, "s"),
    ("update, nothing changed", "update, nothing changed", _CPU, 1, "s"),
    ("update, 1 article edited", "update, 1 article edited", _CPU, 1, "s"),
    ("translate 300 jobs: waiting client", "translate 100 articles x 3", _CPU, 1, "s"),
    ("translate 300 jobs: worker", "translate 100 articles x 3",
     lambda f: _extra(f, "worker_cpu"), 1, "s"),
    ("bundle 100 articles (100 commands)", "bundle 100 articles", _CPU, 1, "s"),
    ("  bundle, per article", "bundle 100 articles",
     lambda f: _extra(f, "per_article_cpu"), 1, "s"),
    ("GET / (server CPU per request)", "GET /", _CPU, 1, "s"),
    ("  GET /, first request", "GET /", lambda f: _extra(f, "first_cpu"), 1, "s"),
    ("GET /articles/<slug> (server CPU)", "GET /articles/<slug>", _CPU, 1000, "ms"),
    ("add, per article", "add (per article)", _CPU, 1, "s"),
]  # fmt: skip
# Wall time beside CPU: for most rows the figure's own; for these, another field.
WALL: dict[str, Callable[[Figure], float]] = {
    "translate 300 jobs: worker": lambda f: f.wall,
    "  bundle, per article": lambda f: _extra(f, "per_article_wall"),
    "  GET /, first request": lambda f: _extra(f, "first_wall"),
}


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def _cell(figure: Figure | None, value: Callable[[Figure], float], scale: float,
          wall: Callable[[Figure], float]) -> str:  # fmt: skip
    if figure is None or math.isnan(value(figure)):
        return "-"
    if figure.runs == 0 and not figure.over_budget:
        return "not run"
    if figure.runs == 0:  # skipped because a cheaper stage was over budget
        return f">{_num(value(figure) * scale)} (skip)"
    over = ">" if figure.over_budget else ""
    return f"{over}{_num(value(figure) * scale)} ({over}{_num(wall(figure) * scale)})"


def _growth(before: Figure | None, after: Figure | None,
            value: Callable[[Figure], float]) -> str:  # fmt: skip
    if before is None or after is None or before.over_budget or not value(before) > 0:
        return "-"
    if math.isnan(value(after)):
        return "-"
    if after.runs == 0 and not after.over_budget:
        return "-"
    ratio = value(after) / value(before)
    return f">{ratio:.1f}x" if after.over_budget else f"{ratio:.1f}x"


def _size_table(sizes: list[int], by_size: Mapping[int, Mapping[str, Figure]]) -> None:
    print("\n== newsroom stages: CPU time (wall time), medians; growth = CPU ratio ==")
    heads = [f"{n:,} articles" for n in sizes]
    heads += [f"x {a:,}->{b:,}" for a, b in itertools.pairwise(sizes)]
    print(f"{'stage':<38}" + "".join(f"{h:>20}" for h in heads) + "  unit")
    for label, name, value, scale, unit in ROWS:
        figs = [by_size.get(n, {}).get(name) for n in sizes]
        if all(f is None for f in figs):
            continue
        wall = WALL.get(label, lambda f: f.wall)
        cells = [_cell(f, value, scale, wall) for f in figs]
        cells += [_growth(a, b, value) for a, b in itertools.pairwise(figs)]
        print(f"{label:<38}" + "".join(f"{c:>20}" for c in cells) + f"  {unit}")
    print("\npeak RSS, MB (wait4 of the command; the server's VmHWM)")
    for name in ("status", "update, nothing changed", "translate 100 articles x 3", "GET /"):
        figs = [by_size.get(n, {}).get(name) for n in sizes]
        if any(f is not None and f.rss_mb for f in figs):
            cells = [f"{f.rss_mb:.0f}" if f is not None and f.rss_mb else "-" for f in figs]
            label = "translate: waiting client" if name.startswith("translate") else name
            print(f"{label:<38}" + "".join(f"{c:>20}" for c in cells))
    notes = [f"{n:,}: {k}: {f.note}" for n in sizes for k, f in by_size.get(n, {}).items()
             if f.note]  # fmt: skip
    for note in notes:
        print(f"note: {note}")


def _once_table(once: Mapping[str, Figure]) -> None:
    print("\n== once per run: start-up baseline and catalog updates vs GNU msgmerge ==")
    print(f"{'what':<52}{'CPU s':>10}{'wall s':>10}{'peak RSS MB':>13}{'runs':>6}")
    for name, f in once.items():
        over = ">" if f.over_budget else ""
        rss = f"{f.rss_mb:.0f}" if f.rss_mb else "-"
        print(f"{name:<52}{over + _num(f.cpu):>10}{over + _num(f.wall):>10}{rss:>13}{f.runs:>6}")


def _find(once: Mapping[str, Figure], label: str, *words: str) -> Figure | None:
    """The figure whose name holds ``words`` and ends with the catalog size label."""
    for name, figure in once.items():
        if name.endswith(f", {label}") and all(w in name for w in words):
            return figure
    return None


def _growth_goal(by_size: Mapping[int, Mapping[str, Figure]], name: str) -> tuple[str, str]:
    small, big = by_size.get(1000, {}).get(name), by_size.get(10_000, {}).get(name)
    if small is None or big is None or small.over_budget or small.cpu <= 0:
        return "not measured at 1,000 and 10,000", "n/a"
    ratio = big.cpu / small.cpu
    if big.over_budget:
        return f">{ratio:.1f}x (10,000 over budget)", "FAIL" if ratio > 1.5 else "n/a"
    return f"{ratio:.1f}x ({_num(small.cpu)} -> {_num(big.cpu)} CPU s)", (
        "PASS" if ratio <= 1.5 else "FAIL"
    )


def goals(
    by_size: Mapping[int, Mapping[str, Figure]], once: Mapping[str, Figure], label: str
) -> list[tuple[str, str, str]]:
    """(goal, what was measured, PASS/FAIL/n/a); ``label`` names the fuzzy
    comparison's catalog size, e.g. ``10k``."""
    out = []
    measured, verdict = _growth_goal(by_size, "GET /")
    out.append(("GET / grows <= 1.5x from 1,000 to 10,000 articles", measured, verdict))
    measured, verdict = _growth_goal(by_size, "status")
    out.append(("status grows <= 1.5x from 1,000 to 10,000 articles", measured, verdict))
    noop = by_size.get(1000, {}).get("update, nothing changed")
    if noop is None:
        out.append(("no-op update of 1,000 articles < 1 CPU s", "not measured", "n/a"))
    else:
        over = ">" if noop.over_budget else ""
        out.append(("no-op update of 1,000 articles < 1 CPU s", f"{over}{_num(noop.cpu)} CPU s",
                    "PASS" if noop.cpu < 1 and not noop.over_budget else "FAIL"))  # fmt: skip
    shares = []
    for size, figs in sorted(by_size.items()):
        tr = figs.get("translate 100 articles x 3")
        if tr is not None and tr.extra.get("worker_cpu"):
            shares.append((size, tr.cpu / tr.extra["worker_cpu"], tr.over_budget))
    if shares:
        text = ", ".join(f"{s:,}: {r:.0%}" for s, r, _ in shares)
        ok = all(r < 0.10 and not over for _, r, over in shares)
        out.append(("waiting client < 10% of the worker's CPU", text, "PASS" if ok else "FAIL"))
    else:
        out.append(("waiting client < 10% of the worker's CPU", "not measured", "n/a"))
    ours, mm = _find(once, label, "ours", "no fuzzy"), _find(once, label, "msgmerge -N")
    fuzzy = _find(once, label, "ours in-process, fuzzy")
    mm_fuzzy = _find(once, label, "--previous (as shipped)")
    mm_one = _find(once, label, "OMP_NUM_THREADS=1")
    if fuzzy and mm_fuzzy:
        ratio = mm_fuzzy.cpu / fuzzy.cpu
        bound = ">" if mm_fuzzy.over_budget else ""
        one = f"; 1 thread: {mm_one.cpu / fuzzy.cpu:.1f}x" if mm_one else ""
        goal = f"fuzzy update of {label}: msgmerge CPU >= 20x ours"
        out.append((goal, f"{bound}{ratio:.1f}x{one}",
                    "PASS" if ratio >= 20 else ("n/a" if bound else "FAIL")))  # fmt: skip
    else:
        out.append((f"fuzzy update of {label}: msgmerge CPU >= 20x ours", "not measured", "n/a"))
    if ours and mm:
        out.append(("update without fuzzy no slower than msgmerge -N (CPU)",
                    f"ours {_num(ours.cpu)} s vs {_num(mm.cpu)} s",
                    "PASS" if ours.cpu <= mm.cpu else "FAIL"))  # fmt: skip
    else:
        out.append(("update without fuzzy no slower than msgmerge -N (CPU)", "not measured", "n/a"))
    return out


def print_report(
    sizes: list[int],
    by_size: Mapping[int, Mapping[str, Figure]],
    once: Mapping[str, Figure],
    args: argparse.Namespace,
) -> None:
    if sizes:
        _size_table(sizes, by_size)
    _once_table(once)
    print("\n== goals of issue #14 ==")
    label = f"{args.fuzzy_entries // 1000}k" if args.fuzzy_entries else "10k"
    for goal, measured, verdict in goals(by_size, once, label):
        print(f"{verdict:<5} {goal:<56} {measured}")
    print(f"\n'>': over the {args.budget:.0f} s budget, killed; the CPU it had used so far.")

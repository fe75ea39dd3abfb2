"""The catalog-size stages of ``newsroom.py``: our update against GNU msgmerge on
``catalog_update.py``'s generated catalogs (10% of msgids edited), in CPU time.

* fuzzy comparison (10k entries): ours in-process exactly as ``catalog_update.py``
  runs it (read both files, ``update_catalog``, write), with and without fuzzy
  matching, and ``l10n update`` as a process; msgmerge ``--previous`` as shipped
  (OpenMP, one thread per core) and with ``OMP_NUM_THREADS=1``, and ``msgmerge -N``.
  msgmerge is timed twice because its OpenMP threads spin while they wait: on a
  busy machine the 2-thread run burns CPU that a 1-thread run does not (the
  "1.1 s idle, 24 s wall / 74 CPU s busy" of MEASURED.md), so its CPU time says as
  much about the load as about msgmerge;
* big catalog (100k entries): ``l10n update`` as a process against msgmerge, CPU
  time and peak RSS (``wait4``), msgmerge's fuzzy run within the budget.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from newsroom_build import CACHE, big_catalog_files
from newsroom_measure import Figure, Sample, repeat_within, run_command

__all__ = ["big_catalog_stage", "fuzzy_stage"]

MSGMERGE = shutil.which("msgmerge") or "msgmerge"
L10N = str(Path(sys.executable).parent / "l10n")


def _ours_in_process(old: Path, template: Path, out: Path, fuzzy: bool) -> Sample:
    # The same calls catalog_update.py times (if a refactor moves them, move both).
    from l10n_service.catalog.store import read_po, write_po
    from l10n_service.catalog.update import update_catalog

    cpu, wall = time.process_time(), time.monotonic()
    new, _ = update_catalog(read_po(old), read_po(template), "de", fuzzy=fuzzy)
    write_po(new, out)
    return Sample(time.process_time() - cpu, time.monotonic() - wall)


def _update_workspace(old: Path, template: Path, root: Path) -> None:
    """A workspace holding one domain, ``big``: its template and a German catalog
    (no article source: ``l10n update`` then takes the template as it is)."""
    shutil.rmtree(root, ignore_errors=True)
    po = root / "locales" / "de" / "LC_MESSAGES" / "big.po"
    po.parent.mkdir(parents=True)
    shutil.copyfile(template, root / "locales" / "big.pot")
    shutil.copyfile(old, po)


def _l10n_update(old: Path, template: Path, work: Path, env: dict[str, str],
                 args: argparse.Namespace) -> Figure:  # fmt: skip
    def once() -> tuple[Sample, bool]:
        _update_workspace(old, template, work / "ws")
        run = run_command([L10N, "update", "big", "--root", str(work / "ws")], env=env,
                          budget=args.budget)  # fmt: skip
        if run.returncode and not run.over_budget:
            raise RuntimeError(f"l10n update: {run.stderr[-800:]}")
        return run.sample, run.over_budget

    samples, over = repeat_within(once, args.repeat, args.budget)
    return Figure.of(samples, over_budget=over)


def _msgmerge(old: Path, template: Path, out: Path, flags: list[str], env: dict[str, str],
              args: argparse.Namespace) -> Figure:  # fmt: skip
    def once() -> tuple[Sample, bool]:
        run = run_command([MSGMERGE, "-q", *flags, "-o", str(out), str(old), str(template)],
                          env=env, budget=args.budget)  # fmt: skip
        if run.returncode and not run.over_budget:
            raise RuntimeError(f"msgmerge: {run.stderr[-800:]}")
        return run.sample, run.over_budget

    samples, over = repeat_within(once, args.repeat, args.budget)
    return Figure.of(samples, over_budget=over)


def fuzzy_stage(entries: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Figure]:
    old, template = big_catalog_files(entries, fresh=args.fresh)
    label = f"{entries // 1000}k"
    print(f"  catalog update, {entries:,} entries ...", flush=True)
    out: dict[str, Figure] = {}
    with tempfile.TemporaryDirectory(prefix="l10n-bench-fuzzy-", dir=CACHE) as tmp:
        work = Path(tmp)
        for fuzzy in (True, False):
            name = f"ours in-process, {'fuzzy' if fuzzy else 'no fuzzy'}, {label}"

            def ours(fuzzy: bool = fuzzy) -> tuple[Sample, bool]:
                return _ours_in_process(old, template, work / "ours.po", fuzzy), False

            samples, _ = repeat_within(ours, args.repeat, args.budget)
            out[name] = Figure.of(samples)
        out[f"l10n update (process, fuzzy), {label}"] = _l10n_update(old, template, work, env,
                                                                     args)  # fmt: skip
        mm = work / "mm.po"
        out[f"msgmerge --previous (as shipped), {label}"] = _msgmerge(
            old, template, mm, ["--previous"], env, args
        )
        out[f"msgmerge --previous, OMP_NUM_THREADS=1, {label}"] = _msgmerge(
            old, template, mm, ["--previous"], {**env, "OMP_NUM_THREADS": "1"}, args
        )
        out[f"msgmerge -N, {label}"] = _msgmerge(old, template, mm, ["-N"], env, args)
    for name, figure in out.items():
        print(f"    {name}: cpu {figure.cpu:.2f} s, wall {figure.wall:.2f} s", flush=True)
    return out


def big_catalog_stage(
    files: tuple[Path, Path], args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Figure]:
    old, template = files
    entries = sum(1 for line in template.read_text("utf-8").splitlines()
                  if line.startswith("msgid ")) - 1  # fmt: skip
    label = f"{entries // 1000}k"
    print(f"  big catalog, {entries:,} entries ...", flush=True)
    out: dict[str, Figure] = {}
    with tempfile.TemporaryDirectory(prefix="l10n-bench-big-", dir=CACHE) as tmp:
        work = Path(tmp)
        out[f"l10n update (process, fuzzy), {label}"] = _l10n_update(old, template, work, env,
                                                                     args)  # fmt: skip
        mm = work / "mm.po"
        out[f"msgmerge -N, {label}"] = _msgmerge(old, template, mm, ["-N"], env, args)
        out[f"msgmerge --previous (as shipped), {label}"] = _msgmerge(
            old, template, mm, ["--previous"], env, args
        )
    for name, figure in out.items():
        over = " OVER BUDGET" if figure.over_budget else ""
        print(f"    {name}: cpu {figure.cpu:.2f} s, wall {figure.wall:.2f} s, "
              f"rss {figure.rss_mb or 0:.0f} MB{over}", flush=True)  # fmt: skip
    return out

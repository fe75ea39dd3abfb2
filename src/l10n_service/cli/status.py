"""``l10n status``: where translation stands, per workspace, language or article.

A newsroom has tens of thousands of catalogs: the whole-workspace form prints a
summary computed in the workspace index (per language: entries by state, the share
of unmodified machine text, catalogs needing attention) and the first of those
catalogs; ``--all`` lists every catalog, and a workspace small enough to fit the
list is listed whole. ``l10n status SLUG`` lists that article's catalogs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import NotFoundError
from .base import RootOption, app, console, err, split, workspace

if TYPE_CHECKING:
    from ..core.listing import StatusRow, StatusSummary

__all__ = ["status"]

_STATUS_COLUMNS = (
    "lang", "total", "untranslated", "machine", "translated", "approved", "fuzzy",
    "unmodified MT",
)  # fmt: skip
_BATCH = 1000  # lines written at once: one write per line cost more than the rows


def _share(share: float | None, warn: float) -> str:
    """``warn`` is passed in: an import statement here ran once per row, and at
    30,000 catalogs that lookup was a tenth of ``status``."""
    if share is None:
        return "-"
    return f"{share:.0%}" + (" (!)" if share > warn else "")


def _engine(name: str) -> str:
    """The engine with its kind (rule-based, neural, pseudo) from the registry."""
    from ..mt.registry import engine_kind

    kind = engine_kind(name)
    return f"{name} ({kind})" if kind else name


def _echo(lines: list[str]) -> None:
    """Plain lines, written in batches: one rich render per line cost more than the
    work behind it on a workspace of thousands of catalogs."""
    if lines:
        typer.echo("\n".join(lines))
        lines.clear()


@app.command()
def status(
    slug: Annotated[str | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    all_catalogs: Annotated[
        bool,
        typer.Option("--all", help="Whole workspace: list every catalog after the summary."),
    ] = False,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="Only these languages (repeatable or comma-separated)."),
    ] = None,
    recheck: Annotated[
        bool,
        typer.Option(help="Check every catalog file against the index (after editing in place)."),
    ] = False,
    root: RootOption = Path("."),
) -> None:
    """Where translation stands, from the workspace index (.l10n/index.sqlite).
    Whole workspace: per language, the articles, entries by state (untranslated,
    machine, translated, approved, fuzzy), the share of unmodified machine output
    (warned above 50%) and the catalogs needing attention, then the first 20 of those
    catalogs (all of them when the workspace has no more than 20; --all lists every
    catalog). With SLUG: that article's catalogs. Then recent jobs with their engine."""
    from ..services.index import catalog_status
    from ..services.index_summary import ATTENTION_LIMIT, status_summary
    from ..services.jobs_store import JobStore

    ws = workspace(root)
    langs = split(lang)
    summary: StatusSummary | None = None
    everything = True  # every catalog listed (else the first needing attention)
    if slug is None:
        summary = status_summary(ws, langs=langs, recheck=recheck)
        everything = as_json or all_catalogs or summary.catalogs <= ATTENTION_LIMIT
        rows = catalog_status(ws, langs=langs) if everything else list(summary.attention)
    else:
        rows = catalog_status(ws, slug, recheck=recheck, langs=langs)
        if not rows and not ws.has_article(slug):
            raise NotFoundError(f"no article {slug!r} in {ws.root}")
    codes = _codes(langs)
    jobs = [
        j for j in JobStore(ws).all()
        if (slug is None or j.slug == slug) and (not codes or j.lang in codes)
    ]  # fmt: skip
    notes = _waiting(jobs)
    if as_json:
        listed = [{**j.to_dict(), "waiting": notes.get(j.id)} for j in jobs]
        data: dict[str, object] = {"catalogs": [r.to_dict() for r in rows], "jobs": listed}
        if summary is not None:
            data["summary"] = summary.to_dict()
        typer.echo(json.dumps(data, indent=2))
        return
    if summary is None:
        _print_catalogs(["catalogs"], rows)
        _warn([r for r in rows if r.mostly_machine], None)
    else:
        _print_summary(summary, rows, listed_all=everything, tables=all_catalogs or not everything)
    _print_jobs(jobs, notes)


def _codes(langs: Sequence[str]) -> set[str]:
    """The languages asked for, as the index spells them (``pt-BR`` is ``pt_BR``)."""
    from ..core.locales import normalize_locale

    return {normalize_locale(code) for code in langs}


def _print_summary(
    summary: StatusSummary, rows: list[StatusRow], *, listed_all: bool, tables: bool
) -> None:
    """A summary line; the language tables (unless a small workspace is listed whole:
    its few lines say as much); then the catalogs: all of them (``--all``, or a
    workspace that fits the list), else the first needing attention and how many more."""
    from ..core.post_edit import WARN_SHARE

    totals = summary.totals
    languages = list(summary.languages)
    if len(languages) > 1:
        languages.append(totals)  # its articles: each counted once, not once a language
    lines = [
        f"summary: {_count(summary.articles, 'article')}, "
        f"{_count(totals.catalogs, 'catalog')} in {_count(len(summary.languages), 'language')}, "
        f"{totals.attention} need{'s' if totals.attention == 1 else ''} attention"
    ]
    if not tables:
        _print_catalogs([*lines, "", "catalogs"], rows)
        _warn(list(summary.warned), totals.mostly_machine)
        return
    lines += ["", "entries by language"]
    lines += _table(
        ("lang", "articles", "entries", "untranslated", "machine", "translated", "approved",
         "fuzzy", "unmodified MT"),
        [(s.lang, summary.articles if s is totals else s.catalogs, s.total, s.untranslated,
          s.machine, s.translated, s.approved, s.fuzzy, _share(s.machine_share, WARN_SHARE))
         for s in languages],
    )  # fmt: skip
    lines += ["", "catalogs needing attention by language"]
    lines += _table(
        ("lang", "attention", "to translate", "to review", f"MT > {WARN_SHARE:.0%}"),
        [(s.lang, s.attention, s.to_translate, s.to_review, s.mostly_machine)
         for s in languages],
    )  # fmt: skip
    lines.append("")
    if listed_all:
        _print_catalogs([*lines, "catalogs"], rows)
    elif not rows:
        lines.append("no catalog needs attention")
        _echo(lines)
    else:
        more = totals.attention - len(rows)
        heading = f"catalogs needing attention (most outstanding entries first, {len(rows)} of "
        _print_catalogs([*lines, f"{heading}{totals.attention})"], rows)
        if more > 0:
            typer.echo(f"... and {more} more; --all lists every catalog")
    _warn(list(summary.warned), totals.mostly_machine)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _table(header: Sequence[str], values: Sequence[Sequence[object]]) -> list[str]:
    """A few aligned lines: the first column left, the others right."""
    cells = [list(header), *([str(v) for v in row] for row in values)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(pair))
        for pair in (zip(row, widths, strict=True) for row in cells)
    ]


def _print_catalogs(lines: list[str], rows: list[StatusRow]) -> None:
    """One aligned line per catalog, written in batches: tens of thousands of rows
    through rich took seconds (``--all`` at newsroom scale)."""
    from ..core.post_edit import WARN_SHARE

    width = max([len("article"), *(len(r.slug) for r in rows)])
    lang_width = max([4, *(len(r.lang) for r in rows)])
    widths = (lang_width, 6, 12, 8, 10, 8, 6, 13)
    header = ["article".ljust(width), "lang".ljust(lang_width)]
    header += [name.rjust(w) for name, w in zip(_STATUS_COLUMNS[1:], widths[1:], strict=True)]
    line = f"{{:<{width}}}  {{:<{lang_width}}}  " + "  ".join(f"{{:>{w}}}" for w in widths[1:])
    lines.append("  ".join(header))
    for r in rows:
        lines.append(line.format(r.slug, r.lang, r.total, r.untranslated, r.machine,
                                 r.translated, r.approved, r.fuzzy,
                                 _share(r.machine_share, WARN_SHARE)))  # fmt: skip
        if len(lines) >= _BATCH:
            _echo(lines)
    _echo(lines)


def _warn(high: list[StatusRow], count: int | None, shown: int = 20) -> None:
    """On stderr, the catalogs mostly made of unmodified machine output: the first
    ``shown`` by name, and how many more (``count``: all of them, when ``high`` is
    only the first ones)."""
    from ..core.post_edit import WARN_SHARE

    if not high:
        return
    total = len(high) if count is None else count
    names = ", ".join(f"{r.slug} [{r.lang}] {r.machine_share:.0%}" for r in high[:shown])
    more = f" and {total - shown} more" if total > shown else ""
    err.print(
        f"warning: more than {WARN_SHARE:.0%} of the translated entries are unmodified "
        f"machine output in {names}{more}",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip


def _print_jobs(jobs: list[Any], notes: dict[str, str]) -> None:
    recent = jobs[-10:]
    if recent:
        from rich.table import Table

        jt = Table("job", "article", "lang", "engine", "state", "chunks", "seg/s", title="jobs")
        for j in recent:
            jt.add_row(j.id, j.slug, j.lang, _engine(j.engine), j.state,
                       f"{len(j.done_chunks)}/{j.chunks}", f"{j.rate():.1f}")  # fmt: skip
        console.print(jt)
    for job_id, note in notes.items():
        console.print(f"job {job_id}: {note}", markup=False)


def _waiting(jobs: list[Any]) -> dict[str, str]:
    """Pending jobs whose queue no live worker consumes (the workers are asked only
    when a job is pending: it takes a second)."""
    from ..jobs.config import APPLY_QUEUE
    from ..services.monitoring import needs_workers, waiting_notes

    consumed = None
    if needs_workers(jobs):
        from ..jobs import broker  # kombu: only when a pending job makes us ask

        consumed = broker.consumed_queues()
    return waiting_notes(jobs, consumed, APPLY_QUEUE)

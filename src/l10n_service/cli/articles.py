"""Article commands: add (with --explain), remove, update, status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..core.formats import formats, names_phrase
from ..errors import InputError, NotFoundError
from ..workspace import Workspace
from .base import RootOption, app, console, err, short, split, workspace

if TYPE_CHECKING:
    from ..core.listing import StatusRow

# The registered formats, for help texts (registering a format changes them).
_FORMAT_LABELS = ", ".join(fmt.label for fmt in formats())


@app.command()
def add(
    path: Annotated[Path, typer.Argument(help=f"Article file ({_FORMAT_LABELS}).")],
    slug: Annotated[
        str | None, typer.Option(help="Article id; default from the file name.")
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", help=f"{names_phrase()}; default: by extension, then content."),
    ] = None,
    source_lang: Annotated[str, typer.Option("--source-lang")] = "en",
    explain: Annotated[bool, typer.Option(help="Print each block with its detected type.")] = False,
    block: Annotated[
        list[str] | None,
        typer.Option(help="Plain text: override a line's type, LINE=TYPE (repeatable)."),
    ] = None,
    front_matter_keys: Annotated[
        str | None,
        typer.Option(help="Markdown: translatable front matter keys, e.g. title,summary,tags."),
    ] = None,
    include_chrome: Annotated[
        bool,
        typer.Option(
            "--include-chrome",
            help="HTML: keep page chrome (nav, page header/footer, aside, Prev/Next bars) "
            "in the segments; kept for later updates.",
        ),
    ] = False,
    root: RootOption = Path("."),
) -> None:
    """Ingest an article: write it under articles/, make its .pot, update its .po files."""
    from ..services.articles import add_article
    from ..services.catalogs import update_languages

    ws = workspace(root)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    overrides = {}
    for item in block or []:
        line, _, kind = item.partition("=")
        if not line.isdigit() or not kind:
            raise InputError(f"--block {item!r}: expected LINE=TYPE, e.g. 12=heading")
        overrides[int(line)] = kind
    article = add_article(
        ws, path.read_bytes(), name=path.name, slug=slug, fmt=format,
        source_lang=source_lang, overrides=overrides,
        front_matter_keys=split([front_matter_keys]) if front_matter_keys else None,
        options={"include_chrome": True} if include_chrome else None,
    )  # fmt: skip
    update_languages(ws, article.slug)
    segments = len(article.unique_segments())
    console.print(
        f"added [bold]{article.slug}[/] ({article.format}, {len(article.blocks)} blocks, "
        f"{segments} segments) -> {ws.pot_path(article.slug).relative_to(ws.root)}"
    )
    if explain:
        _explain(ws, article.slug)


def _explain(ws: Workspace, slug: str) -> None:
    from rich.table import Table

    from ..services.articles import explain_article

    table = Table("line/id", "type", "text", "why", box=None)
    for row in explain_article(ws, slug):
        table.add_row(row.where, row.kind, short(row.text), row.why)
    console.print(table)


@app.command()
def remove(slug: str, root: RootOption = Path(".")) -> None:
    """Take an article out: its files move to .l10n/trash/, nothing is deleted."""
    from ..errors import NotFoundError
    from ..services.articles import remove_article

    ws = workspace(root)
    trash = remove_article(ws, slug)
    if trash is None:
        raise NotFoundError(f"no article {slug!r} in {ws.root}")
    console.print(f"removed {slug}; its files are in {trash.relative_to(ws.root)}", markup=False)


@app.command()
def update(
    slugs: Annotated[list[str] | None, typer.Argument(help="Domains; default all.")] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Also create these languages.")
    ] = None,
    root: RootOption = Path("."),
) -> None:
    """Re-sync every language's .po with the .pot (msgmerge semantics). Catalogs
    already merged with the current template and unchanged since are not read."""
    from ..services.catalogs import update_languages

    ws = workspace(root)
    out = []
    for slug in slugs or ws.slugs():
        targets = sorted({*ws.languages(slug), *split(lang)}) or None
        if targets is None:
            out.append(f"{slug}: template refreshed, no languages yet")
        for code, report in update_languages(ws, slug, targets).items():
            out.append(
                f"{slug} [{code}]: {report.exact} kept, {report.moved} moved, "
                f"{report.fuzzy} fuzzy, {report.new} new, {report.obsolete} obsolete"
            )
        if len(out) >= 200:
            _echo(out)
    _echo(out)


def _echo(lines: list[str]) -> None:
    """Plain lines, written in batches: one rich render per line cost more than the
    work behind it on a workspace of thousands of catalogs."""
    if lines:
        typer.echo("\n".join(lines))
        lines.clear()


_STATUS_COLUMNS = (
    "lang", "total", "untranslated", "machine", "translated", "approved", "fuzzy",
    "unmodified MT",
)  # fmt: skip


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


@app.command()
def status(
    slug: Annotated[str | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    recheck: Annotated[
        bool,
        typer.Option(help="Check every catalog file against the index (after editing in place)."),
    ] = False,
    root: RootOption = Path("."),
) -> None:
    """Per article x language: total, untranslated, machine, translated, approved, fuzzy
    (from the workspace index, .l10n/index.sqlite) and the share of unmodified machine
    output (warned above 50%); recent jobs with their engine and its kind."""
    from ..core.post_edit import WARN_SHARE
    from ..services.index import catalog_status
    from ..services.jobs_store import JobStore

    ws = workspace(root)
    rows = catalog_status(ws, slug, recheck=recheck)
    if slug is not None and not rows and not ws.has_article(slug):
        raise NotFoundError(f"no article {slug!r} in {ws.root}")
    jobs = [j for j in JobStore(ws).all() if slug is None or j.slug == slug]
    notes = _waiting(jobs)
    if as_json:
        listed = [{**j.to_dict(), "waiting": notes.get(j.id)} for j in jobs]
        data = {"catalogs": [r.to_dict() for r in rows], "jobs": listed}
        typer.echo(json.dumps(data, indent=2))
        return
    # A plain aligned table: tens of thousands of rows through rich took seconds.
    width = max([len("article"), *(len(r.slug) for r in rows)])
    lang_width = max([4, *(len(r.lang) for r in rows)])
    widths = (lang_width, 6, 12, 8, 10, 8, 6, 13)
    header = ["article".ljust(width), "lang".ljust(lang_width)]
    header += [name.rjust(w) for name, w in zip(_STATUS_COLUMNS[1:], widths[1:], strict=True)]
    line = f"{{:<{width}}}  {{:<{lang_width}}}  " + "  ".join(f"{{:>{w}}}" for w in widths[1:])
    lines = ["catalogs", "  ".join(header)]
    high: list[tuple[StatusRow, float]] = []
    for r in rows:
        share = r.machine_share  # computed once per row: 30,000 rows at newsroom scale
        if share is not None and share > WARN_SHARE:
            high.append((r, share))
        lines.append(line.format(r.slug, r.lang, r.total, r.untranslated, r.machine,
                                 r.translated, r.approved, r.fuzzy,
                                 _share(share, WARN_SHARE)))  # fmt: skip
        if len(lines) >= 1000:
            _echo(lines)
    _echo(lines)
    if high:
        langs = ", ".join(f"{r.slug} [{r.lang}] {share:.0%}" for r, share in high[:20])
        more = f" and {len(high) - 20} more" if len(high) > 20 else ""
        err.print(
            f"warning: more than {WARN_SHARE:.0%} of the translated entries are unmodified "
            f"machine output in {langs}{more}",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
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

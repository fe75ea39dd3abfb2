"""Article commands: add (with --explain), remove, update, status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..core.formats import formats, names_phrase
from ..errors import InputError
from ..workspace import Workspace
from .base import RootOption, app, console, err, short, split, workspace

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
    """Re-sync every language's .po with the .pot (msgmerge semantics)."""
    from ..services.catalogs import update_languages

    ws = workspace(root)
    for slug in slugs or ws.slugs():
        targets = sorted({*ws.languages(slug), *split(lang)}) or None
        if targets is None:
            console.print(f"{slug}: template refreshed, no languages yet")
        for code, report in update_languages(ws, slug, targets).items():
            console.print(
                f"{slug} \\[{code}]: {report.exact} kept, {report.moved} moved, "
                f"{report.fuzzy} fuzzy, {report.new} new, {report.obsolete} obsolete"
            )


def _share(share: float | None) -> str:
    from ..core.post_edit import WARN_SHARE

    if share is None:
        return "-"
    return f"{share:.0%}" + (" (!)" if share > WARN_SHARE else "")


def _engine(name: str) -> str:
    """The engine with its kind (rule-based, neural, pseudo) from the registry."""
    from ..mt.registry import engine_kind

    kind = engine_kind(name)
    return f"{name} ({kind})" if kind else name


@app.command()
def status(
    slug: Annotated[str | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """Per article x language: total, untranslated, machine, translated, approved, fuzzy
    and the share of unmodified machine output (warned above 50%); recent jobs with
    their engine and its kind."""
    from ..core.post_edit import WARN_SHARE
    from ..services.catalogs import catalog_status
    from ..services.jobs_store import JobStore

    ws = workspace(root)
    rows = catalog_status(ws, slug)
    jobs = [j for j in JobStore(ws).all() if slug is None or j.slug == slug]
    if as_json:
        data = {"catalogs": [r.to_dict() for r in rows], "jobs": [j.to_dict() for j in jobs]}
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(title="catalogs")
    table.add_column(
        "article", overflow="fold", min_width=max((len(r.slug) for r in rows), default=7)
    )
    for name in ("lang", "total", "untranslated", "machine", "translated", "approved", "fuzzy",
                 "unmodified MT"):  # fmt: skip
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r.slug, r.lang, *map(str, (r.total, r.untranslated, r.machine,
                      r.translated, r.approved, r.fuzzy)), _share(r.machine_share))  # fmt: skip
    console.print(table)
    high = [r for r in rows if (r.machine_share or 0) > WARN_SHARE]
    if high:
        langs = ", ".join(f"{r.slug} [{r.lang}] {r.machine_share:.0%}" for r in high)
        err.print(
            f"warning: more than {WARN_SHARE:.0%} of the translated entries are unmodified "
            f"machine output in {langs}",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
    recent = jobs[-10:]
    if recent:
        jt = Table("job", "article", "lang", "engine", "state", "chunks", "seg/s", title="jobs")
        for j in recent:
            jt.add_row(j.id, j.slug, j.lang, _engine(j.engine), j.state,
                       f"{len(j.done_chunks)}/{j.chunks}", f"{j.rate():.1f}")  # fmt: skip
        console.print(jt)

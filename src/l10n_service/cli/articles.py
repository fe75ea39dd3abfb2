"""Article commands: add (with --explain), remove, update (status: ``status.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..core.formats import formats, names_phrase
from ..errors import InputError
from ..workspace import Workspace
from .base import RootOption, app, console, short, split, workspace

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

"""Translator and reviewer commands: export, import (3-way merge), approve, check, bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..errors import InputError
from .base import RootOption, app, console, err, short, split, workspace


@app.command()
def export(
    slug: str,
    lang: Annotated[str, typer.Option("--lang", help="The catalog's language.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here; default: stdout.")
    ] = None,
    root: RootOption = Path("."),
) -> None:
    """Write the .po a translator downloads, stamped with the catalog's revision."""
    from ..services.review import export_po

    exported = export_po(workspace(root), slug, lang)
    if output is None:
        sys.stdout.buffer.write(exported.data)
        sys.stdout.flush()
    else:
        try:
            output.write_bytes(exported.data)
        except OSError as exc:
            raise InputError(f"{output}: {exc.strerror}") from None
    err.print(f"exported {slug} \\[{exported.lang}] revision {exported.revision[:12]}")


def _takes(values: list[str] | None) -> dict[str, Any]:
    from ..core.merge import Pick

    picks: dict[str, Any] = {}
    for item in values or []:
        entry, _, side = item.rpartition("=")
        if not entry or side not in ("theirs", "ours"):
            raise InputError(f"--take {item!r}: expected ID=theirs or ID=ours")
        picks[entry] = Pick(side)
    return picks


def _print_conflicts(conflicts: list[dict[str, str]]) -> None:
    for c in conflicts:
        note = f" ({c['note']})" if c["note"] else ""
        err.print(f"[bold red]conflict[/] {escape(c['id'])}{note}", soft_wrap=True)
        for side in ("base", "ours", "theirs"):
            text = short(c[side], 100) or "(empty)"
            err.print(f"  {side:>6}: {text}", markup=False, highlight=False, soft_wrap=True)


def _print_issues(issues: list[Any]) -> None:
    for issue in issues:
        colour = "red" if issue.severity == "error" else "yellow"
        err.print(
            f"[{colour}]{issue.severity}[/] {issue.lang} {issue.entry} \\[{issue.state}] "
            f"{escape(issue.check)}: {escape(issue.message)}",
            highlight=False, soft_wrap=True,
        )  # fmt: skip


@app.command("import")
def import_(
    po_file: Annotated[Path, typer.Argument(help="The translator's edited .po file.")],
    slug: Annotated[str, typer.Option("--slug")],
    lang: Annotated[str, typer.Option("--lang")],
    theirs: Annotated[
        bool, typer.Option("--theirs", help="Settle conflicts for the upload.")
    ] = False,
    ours: Annotated[bool, typer.Option("--ours", help="Settle conflicts for the catalog.")] = False,
    take: Annotated[
        list[str] | None, typer.Option("--take", help="ID=theirs|ours for one conflict.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """Bring a translator's edited .po back: a 3-way merge against the export it came
    from. A file without an export stamp only fills untranslated and machine entries;
    a different human translation is a conflict (exit 3) until settled."""
    from ..core.merge import Pick
    from ..errors import ConflictError
    from ..services.catalogs import import_po

    if not po_file.is_file():
        raise InputError(f"{po_file}: no such file")
    if theirs and ours:
        raise InputError("choose one of --theirs and --ours")
    prefer = Pick.THEIRS if theirs else Pick.OURS if ours else None
    try:
        report = import_po(
            workspace(root), po_file.read_bytes(), slug=slug, lang=lang, name=str(po_file),
            prefer=prefer, take=_takes(take),
        )  # fmt: skip
    except ConflictError as exc:
        if as_json:
            typer.echo(json.dumps({"error": str(exc), "conflicts": exc.conflicts}, indent=2))
        else:
            _print_conflicts(exc.conflicts)
        raise
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    _print_issues(list(report.issues))
    mode = report.mode
    if report.base_missing:
        mode += f": the export copy of revision {report.base_missing[:12]} is not kept here"
    line = (
        f"imported {po_file} ({mode}): {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.unknown} not in the catalog"
    )
    extras = {"conflicts resolved": report.resolved, "fuzzy (source changed)": report.fuzzy,
              "kept as obsolete": report.obsolete}  # fmt: skip
    line += "".join(f", {n} {what}" for what, n in extras.items() if n)
    console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command()
def approve(
    slug: str,
    lang: str,
    all_: Annotated[bool, typer.Option("--all", help="Every translated entry.")] = False,
    ids: Annotated[list[str] | None, typer.Option("--id", help="msgctxt of an entry.")] = None,
    include_machine: Annotated[
        bool,
        typer.Option(help="Approve text that is still the engine's output (never pseudo)."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Approve despite QA errors.")] = False,
    by: Annotated[str | None, typer.Option(help="Reviewer name.")] = None,
    root: RootOption = Path("."),
) -> None:
    """Mark entries approved (recorded in the .po, invalidated by any later edit).
    Entries with QA errors (see `l10n check`) are refused unless --force; text
    that is still the engine's output unless --include-machine; pseudo text always."""
    from ..services.catalogs import approve_entries
    from ..settings import load_settings

    if not all_ and not ids:
        raise InputError("say what to approve: --all or --id MSGCTXT")
    report = approve_entries(
        workspace(root), slug, lang, who=by or load_settings().reviewer,
        ids=None if all_ else ids, include_machine=include_machine, force=force,
    )  # fmt: skip
    _print_issues([*report.refused, *report.warnings])
    console.print(f"approved {report.approved} entries in {slug} \\[{lang}]")
    if report.refused:
        refused = len({i.entry for i in report.refused})
        err.print(f"refused {refused} entries with QA errors; fix them or use --force")
    if report.machine_message:
        err.print(report.machine_message, markup=False, highlight=False, soft_wrap=True)


@app.command()
def check(
    slug: str,
    lang: Annotated[str | None, typer.Argument(help="Default: every language.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """QA checks on translations; exits 1 when any finding is an error."""
    from ..services.qa import check_catalog

    ws = workspace(root)
    issues = [i for code in ([lang] if lang else ws.languages(slug))
              for i in check_catalog(ws, slug, code)]  # fmt: skip
    errors = sum(1 for i in issues if i.severity == "error")
    if as_json:
        data = {"issues": [i.to_dict() for i in issues], "errors": errors,
                "warnings": len(issues) - errors}  # fmt: skip
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_issues(issues)
        console.print(f"{slug}: {errors} errors, {len(issues) - errors} warnings")
    if errors:
        raise typer.Exit(1)


@app.command()
def bundle(
    slug: str,
    to: Annotated[list[str] | None, typer.Option("--to", help="Languages; default all.")] = None,
    policy: Annotated[
        str | None,
        typer.Option(help="approved-only, human or machine-allowed; default: .l10n/publish.json."),
    ] = None,
    min_coverage: Annotated[
        float | None, typer.Option(help="0..1 share of segments not in the source language.")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Keep --policy/--min-coverage as the article's default.")
    ] = False,
    root: RootOption = Path("."),
) -> None:
    """Build and publish localized bundles (bundle.json, index.html, article.md);
    exits 1 when a language stays below the minimum coverage."""
    from ..services.bundles import build_bundles, save_publish_settings

    ws = workspace(root)
    if save:
        save_publish_settings(ws, slug, policy=policy, min_coverage=min_coverage)
    built = build_bundles(ws, slug, split(to) or None, policy=policy, min_coverage=min_coverage)
    for item in built:
        cov = item.coverage
        if item.published:
            console.print(
                f"{item.slug} \\[{item.lang}]: {item.path.relative_to(ws.root)}/ "
                f"(coverage {cov['ratio']:.0%}, machine {cov['machine']}, "
                f"fallback {cov['source-fallback']}"
                + (f" ({item.qa_fallbacks} with QA errors)" if item.qa_fallbacks else "")
                + f", version {item.version})"
            )
        else:
            err.print(
                f"{item.slug} [{item.lang}]: not published: {item.reason}",
                markup=False, highlight=False, soft_wrap=True,
            )  # fmt: skip
    if not all(item.published for item in built):
        raise typer.Exit(1)


@app.command("export-site")
def export_site(
    generator: Annotated[str, typer.Argument(help="hugo or mkdocs.")],
    directory: Annotated[Path, typer.Argument(help="The site's root folder.")],
    slugs: Annotated[
        list[str] | None, typer.Argument(help="Articles; default every published one.")
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="Also print the site's language configuration.")
    ] = False,
    root: RootOption = Path("."),
) -> None:
    """Write published bundles as <slug>.<lang>.md pages of a Hugo (content/) or
    mkdocs-static-i18n (docs/) site, with front matter made from the bundle."""
    from ..services.site import export_site as export

    ws = workspace(root)
    result = export(ws, generator, directory, split(slugs) or None)
    for page in result.pages:
        console.print(f"{page.slug} \\[{page.lang}]: {page.path}", highlight=False)
    for page in result.removed:
        console.print(f"removed {page.path} (no longer published)", highlight=False)
    console.print(
        f"{len(result.pages)} pages in {len(result.languages)} languages "
        f"({', '.join(result.languages)}; default {result.source_lang}) for {generator}",
        highlight=False,
    )
    if config:
        name = "hugo.toml" if generator == "hugo" else "mkdocs.yml"
        console.print(f"# add to {name}:", highlight=False)
        typer.echo(result.config, nl=False)

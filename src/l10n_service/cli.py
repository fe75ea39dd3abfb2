"""The ``l10n`` command line: every pipeline step, run locally on a workspace.

Wiring only: each command parses options, calls one service function and prints.
User errors end with one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .errors import InputError, L10nError
from .workspace import Workspace

app = typer.Typer(
    help="Localize news and blog articles through gettext catalogs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Install and list argostranslate models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
jobs_app = typer.Typer(help="Follow, resume and cancel translation jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
tm_app = typer.Typer(help="The translation memory: TMX import/export, size.", no_args_is_help=True)
app.add_typer(tm_app, name="tm")
tokens_app = typer.Typer(help="Create, list and revoke HTTP API tokens.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")
# One line per fact (scripts grep the output); tables get 120 columns when piped.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)

RootOption = Annotated[
    Path, typer.Option("--root", help="Workspace directory.", envvar="L10N_ROOT_DIR")
]


def _ws(root: Path) -> Workspace:
    return Workspace.at(root)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


@app.command()
def add(
    path: Annotated[Path, typer.Argument(help="Article file (Markdown, HTML or plain text).")],
    slug: Annotated[
        str | None, typer.Option(help="Article id; default from the file name.")
    ] = None,
    format: Annotated[str | None, typer.Option("--format", help="md, html or text.")] = None,
    source_lang: Annotated[str, typer.Option("--source-lang")] = "en",
    explain: Annotated[bool, typer.Option(help="Print each block with its detected type.")] = False,
    block: Annotated[
        list[str] | None, typer.Option(help="Override a text line's type: LINE=TYPE (repeatable).")
    ] = None,
    front_matter_keys: Annotated[
        str | None,
        typer.Option(help="Markdown: translatable front matter keys, e.g. title,summary,tags."),
    ] = None,
    root: RootOption = Path("."),
) -> None:
    """Ingest an article: write it under articles/, make its .pot, update its .po files."""
    from .services.articles import add_article
    from .services.catalogs import update_languages

    ws = _ws(root)
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
        front_matter_keys=_split([front_matter_keys]) if front_matter_keys else None,
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
    from .services.articles import load_article

    article = load_article(ws, slug)
    table = Table("line/id", "type", "text", "why", box=None)
    if article.format == "text":
        from .core.formats.text import classify

        overrides = {int(k): v for k, v in ws.article_settings(slug).get("overrides", {}).items()}
        from .core.model import BlockType

        for info in classify(article.source, {k: BlockType(v) for k, v in overrides.items()}):
            if info.kind == "blank":
                continue
            kind = info.kind + (f" {info.level}" if info.level else "")
            if info.speaker:
                kind += f" ({info.speaker})"
            table.add_row(str(info.line), kind, _short(info.text), info.reason)
    else:
        for blk in article.blocks:
            kind = blk.type.value + (f" {blk.level}" if blk.level else "")
            table.add_row(blk.id, kind, _short(blk.text()), "")
    console.print(table)


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command()
def remove(slug: str, root: RootOption = Path(".")) -> None:
    """Take an article out: its files move to .l10n/trash/, nothing is deleted."""
    from .errors import NotFoundError
    from .services.articles import remove_article

    ws = _ws(root)
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
    from .services.catalogs import update_languages

    ws = _ws(root)
    for slug in slugs or ws.slugs():
        targets = sorted({*ws.languages(slug), *_split(lang)}) or None
        if targets is None:
            console.print(f"{slug}: template refreshed, no languages yet")
        for code, report in update_languages(ws, slug, targets).items():
            console.print(
                f"{slug} \\[{code}]: {report.exact} kept, {report.moved} moved, "
                f"{report.fuzzy} fuzzy, {report.new} new, {report.obsolete} obsolete"
            )


def _embedded_worker(ws: Workspace, queues: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ, L10N_ROOT=str(ws.root))
    cmd = [
        sys.executable, "-m", "l10n_service.cli", "worker", "--root", str(ws.root),
        "--queues", ",".join(queues), "--concurrency", "1", "--pool", "solo",
    ]  # fmt: skip
    log = open(ws.state_dir / "worker.log", "ab")  # noqa: SIM115 (lives as long as the worker)
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@app.command()
def translate(
    slugs: Annotated[list[str], typer.Argument(help="Articles to translate.")],
    to: Annotated[list[str], typer.Option("--to", help="Target languages, e.g. de,fr.")],
    engine: Annotated[
        str, typer.Option(help="auto, argos, apertium or pseudo.", envvar="L10N_ENGINE")
    ] = "auto",
    wait: Annotated[bool, typer.Option(help="Wait with a progress bar until done.")] = False,
    root: RootOption = Path("."),
) -> None:
    """Machine-translate untranslated segments as Celery jobs (one per article x language)."""
    from .core.locales import normalize_locale
    from .settings import load_settings

    ws = _ws(root)
    os.environ["L10N_ROOT"] = str(ws.root)
    langs = [normalize_locale(x) for x in _split(to)]
    if not langs:
        raise InputError("--to needs at least one language")
    from .services.machine import start_job

    jobs = [start_job(ws, slug, lang, engine=engine) for slug in slugs for lang in langs]
    _print_notice(jobs)
    embedded = load_settings().embedded
    worker = None
    if embedded and any(j.chunks for j in jobs):
        queues = sorted({"apply", *(j.queue for j in jobs)})
        worker = _embedded_worker(ws, queues)
    try:
        if embedded or wait:
            jobs = _wait_with_progress(ws, [j.id for j in jobs], worker)
    finally:
        if worker is not None:
            _stop(worker)
    for job in jobs:
        line = f"job {job.id}: {job.slug} -> {job.lang} \\[{job.engine}] {job.state}"
        if job.state == "done":
            line += f", {job.translated} translated, {len(job.failed)} failed"
        if job.reused:
            line += f", {job.reused} reused from the translation memory"
        console.print(line)
        for ctxt, reason in list(job.failed.items())[:5]:
            err.print(f"  [red]MT failed[/] {ctxt}: {reason}")


def _print_notice(jobs: list[Any]) -> None:
    """One line, whatever the number of jobs: which pairs fell back to pseudo."""
    fallback = sorted({f"{j.lang}" for j in jobs if j.engine == "pseudo" and j.notice})
    if fallback:
        sys.stderr.write(
            f"note: no argostranslate package installed for {', '.join(fallback)}: using the "
            "built-in pseudo-localisation engine (qps-ploc style, not a real translation)\n"
        )


def _wait_with_progress(
    ws: Workspace,
    job_ids: list[str],
    worker: subprocess.Popen[bytes] | None,
    resume_after: float | None = None,
) -> list[Any]:
    from .errors import JobError
    from .services.machine import wait_for

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=err, transient=False,
    ) as progress:  # fmt: skip
        bars: dict[str, Any] = {}

        def show(jobs: list[Any]) -> None:
            if worker is not None and worker.poll() is not None:
                log = ws.state_dir / "worker.log"
                raise JobError(f"the embedded worker exited with {worker.returncode}; see {log}")
            for job in jobs:
                if job.id not in bars:
                    bars[job.id] = progress.add_task(
                        f"{job.slug} -> {job.lang}", total=job.segments
                    )
                done = job.translated + job.skipped + len(job.failed)
                progress.update(bars[job.id], completed=done)

        return wait_for(ws, job_ids, on_progress=show, resume_after=resume_after)


@app.command()
def status(
    slug: Annotated[str | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """Per article x language: total, untranslated, machine, translated, approved, fuzzy."""
    from .services.catalogs import catalog_status
    from .services.jobs_store import JobStore

    ws = _ws(root)
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
    for name in ("lang", "total", "untranslated", "machine", "translated", "approved", "fuzzy"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r.slug, r.lang, *map(str, (r.total, r.untranslated, r.machine,
                      r.translated, r.approved, r.fuzzy)))  # fmt: skip
    console.print(table)
    recent = jobs[-10:]
    if recent:
        jt = Table("job", "article", "lang", "engine", "state", "chunks", "seg/s", title="jobs")
        for j in recent:
            jt.add_row(j.id, j.slug, j.lang, j.engine, j.state,
                       f"{len(j.done_chunks)}/{j.chunks}", f"{j.rate():.1f}")  # fmt: skip
        console.print(jt)


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
    from .services.review import export_po

    exported = export_po(_ws(root), slug, lang)
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
    from .core.merge import Pick

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
            text = _short(c[side], 100) or "(empty)"
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
    """Bring a translator's edited .po back: a 3-way merge against the export it came from."""
    from .core.merge import Pick
    from .errors import ConflictError
    from .services.catalogs import import_po

    if not po_file.is_file():
        raise InputError(f"{po_file}: no such file")
    if theirs and ours:
        raise InputError("choose one of --theirs and --ours")
    prefer = Pick.THEIRS if theirs else Pick.OURS if ours else None
    try:
        report = import_po(
            _ws(root), po_file.read_bytes(), slug=slug, lang=lang, name=str(po_file),
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
    line = (
        f"imported {po_file} ({report.mode}): {report.updated} updated, "
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
        bool, typer.Option(help="With --all, approve machine output too.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Approve despite QA errors.")] = False,
    by: Annotated[str | None, typer.Option(help="Reviewer name.")] = None,
    root: RootOption = Path("."),
) -> None:
    """Mark entries approved (recorded in the .po, invalidated by any later edit).
    Entries with QA errors (see `l10n check`) are refused unless --force."""
    from .services.catalogs import approve_entries
    from .settings import load_settings

    if not all_ and not ids:
        raise InputError("say what to approve: --all or --id MSGCTXT")
    report = approve_entries(
        _ws(root), slug, lang, who=by or load_settings().reviewer,
        ids=None if all_ else ids, include_machine=include_machine, force=force,
    )  # fmt: skip
    _print_issues([*report.refused, *report.warnings])
    console.print(f"approved {report.approved} entries in {slug} \\[{lang}]")
    if report.refused:
        refused = len({i.entry for i in report.refused})
        err.print(f"refused {refused} entries with QA errors; fix them or use --force")


@app.command()
def check(
    slug: str,
    lang: Annotated[str | None, typer.Argument(help="Default: every language.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """QA checks on translations; exits 1 when any finding is an error."""
    from .services.review import check_catalog

    ws = _ws(root)
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
    from .services.bundles import build_bundles, save_publish_settings

    ws = _ws(root)
    if save:
        save_publish_settings(ws, slug, policy=policy, min_coverage=min_coverage)
    built = build_bundles(ws, slug, _split(to) or None, policy=policy, min_coverage=min_coverage)
    for item in built:
        cov = item.coverage
        if item.published:
            console.print(
                f"{item.slug} \\[{item.lang}]: {item.path.relative_to(ws.root)}/ "
                f"(coverage {cov['ratio']:.0%}, machine {cov['machine']}, "
                f"fallback {cov['source-fallback']}, version {item.version})"
            )
        else:
            err.print(
                f"{item.slug} [{item.lang}]: not published: {item.reason}",
                markup=False, highlight=False, soft_wrap=True,
            )  # fmt: skip
    if not all(item.published for item in built):
        raise typer.Exit(1)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    root: RootOption = Path("."),
) -> None:
    """Serve the HTTP API and bundles."""
    import uvicorn

    os.environ["L10N_ROOT"] = str(_ws(root).root)
    uvicorn.run(
        "l10n_service.http.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="info",
    )  # fmt: skip


def default_queues() -> list[str]:
    from .mt.argos import installed_pairs

    pairs = installed_pairs()
    queues = {"apply", "mt.pseudo", *(f"mt.{a}-{b}" for a, b in pairs)}
    for a, b in pairs:  # pivots through English
        if b == "en":
            queues |= {f"mt.{a}-{c}" for x, c in pairs if x == "en" and c != a}
    from .mt.apertium import ApertiumEngine

    queues |= {ApertiumEngine.queue_for(p.source, p.target) for p in ApertiumEngine().pairs()}
    return sorted(queues)


@app.command()
def worker(
    queues: Annotated[str | None, typer.Option(help="Comma-separated queues.")] = None,
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    pool: Annotated[str, typer.Option(help="prefork or solo.")] = "prefork",
    root: RootOption = Path("."),
) -> None:
    """Run a Celery worker for translation and apply tasks."""
    os.environ["L10N_ROOT"] = str(_ws(root).root)
    os.environ.setdefault("L10N_WORKER_CONCURRENCY", str(concurrency))
    from .jobs.app import app as celery_app

    chosen = queues or ",".join(default_queues())
    celery_app.worker_main(
        ["worker", "-Q", chosen, "-c", str(concurrency), "-P", pool, "--loglevel", "WARNING",
         "-n", f"l10n-{os.getpid()}@%h"]
    )  # fmt: skip


@jobs_app.command("list")
def jobs_list(root: RootOption = Path(".")) -> None:
    """Every job with its progress."""
    from .services.jobs_store import JobStore

    for job in JobStore(_ws(root)).all():
        console.print(
            f"{job.id} {job.slug} {job.lang} {job.engine} {job.state} "
            f"{len(job.done_chunks)}/{job.chunks} chunks, {job.rate():.1f} seg/s",
            markup=False,
        )


@jobs_app.command("wait")
def jobs_wait(
    job_ids: list[str],
    resume_after: Annotated[
        float | None, typer.Option(help="Re-send missing chunks after this many idle seconds.")
    ] = None,
    root: RootOption = Path("."),
) -> None:
    """Wait for jobs with a progress bar."""
    for job in _wait_with_progress(_ws(root), job_ids, None, resume_after):
        console.print(f"job {job.id}: {job.state}", markup=False)


@jobs_app.command("resume")
def jobs_resume(job_id: str, root: RootOption = Path(".")) -> None:
    """Send again the chunks of a job that were never applied."""
    from .services.machine import resume_job

    console.print(f"re-sent {resume_job(_ws(root), job_id)} chunks of job {job_id}")


@jobs_app.command("cancel")
def jobs_cancel(job_id: str, root: RootOption = Path(".")) -> None:
    """Cancel a job: chunks still queued are dropped."""
    from .services.machine import cancel_job

    console.print(f"job {job_id}: {cancel_job(_ws(root), job_id).state}")


@tm_app.command("import")
def tm_import(tmx: Path, root: RootOption = Path(".")) -> None:
    """Add a TMX file (1.4) to the workspace's translation memory."""
    from .tm.memory import TranslationMemory

    if not tmx.is_file():
        raise InputError(f"{tmx}: no such file")
    with TranslationMemory.open(_ws(root).root) as memory:
        count = memory.import_tmx(tmx)
    console.print(f"imported {count} translation units from {tmx}", markup=False)


@tm_app.command("export")
def tm_export(tmx: Path, root: RootOption = Path(".")) -> None:
    """Write the whole translation memory as TMX 1.4."""
    from .tm.memory import TranslationMemory

    with TranslationMemory.open(_ws(root).root) as memory:
        count = memory.export_tmx(tmx)
    console.print(f"exported {count} translation units to {tmx}", markup=False)


@tm_app.command("stats")
def tm_stats(root: RootOption = Path(".")) -> None:
    """How many translation units the memory holds."""
    from .tm.memory import TranslationMemory

    with TranslationMemory.open(_ws(root).root) as memory:
        console.print(f"{memory.count()} translation units", markup=False)


@models_app.command("install")
def models_install(path_or_name: str) -> None:
    """Install an argostranslate package from a .argosmodel file or the package index."""
    from .mt.models import install_model

    info = install_model(path_or_name)
    console.print(f"installed {info.from_code} -> {info.to_code} ({info.version}) at {info.path}")


@models_app.command("remove")
def models_remove(pair: Annotated[str, typer.Argument(help="A pair like en-de.")]) -> None:
    """Uninstall an argostranslate package."""
    from .mt.models import remove_model

    info = remove_model(pair)
    console.print(f"removed {info.from_code} -> {info.to_code} ({info.version})", markup=False)


@models_app.command("list")
def models_list() -> None:
    """List installed argostranslate packages."""
    from .mt.models import list_models

    found = list_models()
    if not found:
        console.print("no argostranslate packages installed")
    for info in found:
        console.print(f"{info.from_code} -> {info.to_code}  {info.version}  {info.path}")


@tokens_app.command("create")
def tokens_create(
    role: Annotated[str, typer.Option(help="translator, reviewer or admin.")],
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="A translator's languages, e.g. de,fr.")
    ] = None,
    name: Annotated[str, typer.Option(help="Who holds it (recorded on approvals).")] = "",
    root: RootOption = Path("."),
) -> None:
    """Issue an API token. The secret is printed once, on stdout; only its hash is kept."""
    from .auth import TokenStore

    store = TokenStore.for_workspace(_ws(root))
    record, secret = store.create(role, languages=_split(lang), name=name)
    langs = f" for {','.join(record.languages)}" if record.languages else ""
    err.print(
        f"created {record.role.value} token {record.id} ({record.name}){langs}; "
        "store it now, it cannot be shown again",
        markup=False,
        highlight=False,
    )
    typer.echo(secret)


@tokens_app.command("list")
def tokens_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """List tokens: id, name, role, languages, created, revoked (never the secrets)."""
    import time

    from .auth import TokenStore

    records = TokenStore.for_workspace(_ws(root)).records()
    if as_json:
        typer.echo(json.dumps([r.public() for r in records], indent=2))
        return

    def when(stamp: float | None) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else ""

    table = Table("id", "name", "role", "languages", "created", "revoked", box=None)
    for r in records:
        table.add_row(r.id, r.name, r.role.value, ",".join(r.languages), when(r.created),
                      when(r.revoked))  # fmt: skip
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: str, root: RootOption = Path(".")) -> None:
    """Revoke a token by id; a running server refuses it from its next request."""
    from .auth import TokenStore

    record = TokenStore.for_workspace(_ws(root)).revoke(token_id)
    console.print(f"revoked {record.role.value} token {record.id} ({record.name})")


def _exit_code(exc: L10nError) -> int:
    """2: the user's input is wrong; 3: a merge conflict to resolve; 1: anything else."""
    from .errors import ConflictError

    if isinstance(exc, InputError):
        return 2
    return 3 if isinstance(exc, ConflictError) else 1


def main() -> None:
    try:
        app()
    except L10nError as exc:
        # One plain line: rich would wrap it to the terminal width.
        message = " ".join(str(exc).split())
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(_exit_code(exc)) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()

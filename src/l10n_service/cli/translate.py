"""Machine translation from the command line: translate (with an embedded worker
when no broker is set), and following jobs: list, wait, resume, cancel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError
from .base import RootOption, app, console, err, jobs_app, split, workspace

if TYPE_CHECKING:
    from ..workspace import Workspace


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
        str,
        typer.Option(
            help="auto (the best-ranked engine for each pair) or an engine from "
            "`l10n models list`.",
            envvar="L10N_ENGINE",
        ),
    ] = "auto",
    wait: Annotated[bool, typer.Option(help="Wait with a progress bar until done.")] = False,
    root: RootOption = Path("."),
) -> None:
    """Machine-translate untranslated segments as Celery jobs (one per article x language)."""
    from ..core.locales import normalize_locale
    from ..settings import load_settings

    ws = workspace(root)
    os.environ["L10N_ROOT"] = str(ws.root)
    langs = [normalize_locale(x) for x in split(to)]
    if not langs:
        raise InputError("--to needs at least one language")
    from ..jobs.dispatch import enqueue_jobs

    # The broker before any job: one that does not answer leaves no job record behind.
    jobs = enqueue_jobs(ws, slugs, langs, engine=engine)
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
    """One line per fallback engine, whatever the number of jobs: which pairs ``auto``
    could only give to an engine that does not really translate."""
    from ..mt.registry import fallback_note

    fallbacks: dict[str, list[tuple[str, str]]] = {}
    for job in jobs:
        if job.notice:
            fallbacks.setdefault(job.engine, []).append((job.source, job.lang))
    for engine, pairs in sorted(fallbacks.items()):
        sys.stderr.write(f"note: {fallback_note(engine, pairs)}\n")


def per_job_bars(jobs: int, is_terminal: bool, rows: int) -> bool:
    """A bar per job only on a terminal with a row for each, the summary bar and the
    prompt (elsewhere bars scroll by or fill a log)."""
    return is_terminal and jobs + 2 <= rows


def _wait_with_progress(
    ws: Workspace,
    job_ids: list[str],
    worker: subprocess.Popen[bytes] | None,
    resume_after: float | None = None,
) -> list[Any]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from ..errors import JobError
    from ..services.waiting import wait_for

    # Only a client that re-sends stalled chunks needs the queue's side.
    dispatch = None
    if resume_after is not None:
        from ..jobs.dispatch import send_chunks

        dispatch = send_chunks

    # One summary bar; a bar per job too only on a terminal with a row for each.
    # Redrawn once per poll (no refresh thread): hundreds of bars redrawn ten times a
    # second took more CPU than the worker doing the translating.
    # Drawn from the first poll on: an unknown job id fails that poll, and its error
    # line is then all the command prints (a bar opened earlier is drawn on the way out).
    per_job = per_job_bars(len(job_ids), err.is_terminal, err.size.height)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=err, transient=False, auto_refresh=False,
    )  # fmt: skip
    summary: list[Any] = []  # the summary bar's task, once drawing started
    bars: dict[str, Any] = {}
    last: list[tuple[str, int]] = []

    def show(jobs: list[Any]) -> None:
        if worker is not None and worker.poll() is not None:
            log = ws.state_dir / "worker.log"
            raise JobError(f"the embedded worker exited with {worker.returncode}; see {log}")
        if not summary:
            progress.start()
            summary.append(progress.add_task(f"{len(job_ids)} jobs", total=None))
        now = [(job.state, job.translated + job.skipped + len(job.failed)) for job in jobs]
        if now == last:
            return
        last[:] = now
        ended = sum(1 for state, _ in now if state in ("done", "failed", "cancelled"))
        progress.update(
            summary[0],
            description=f"{ended}/{len(jobs)} jobs done",
            total=sum(job.segments for job in jobs),
            completed=sum(done for _, done in now),
        )
        if per_job:
            for job, (_, done) in zip(jobs, now, strict=True):
                if job.id not in bars:
                    bars[job.id] = progress.add_task(
                        f"{job.slug} -> {job.lang}", total=job.segments
                    )
                progress.update(bars[job.id], completed=done)
        progress.refresh()

    try:
        return wait_for(ws, job_ids, on_progress=show, resume_after=resume_after, dispatch=dispatch)
    finally:
        progress.stop()  # nothing to draw when no poll succeeded


@jobs_app.command("list")
def jobs_list(root: RootOption = Path(".")) -> None:
    """Every job with its progress."""
    from ..services.jobs_store import JobStore

    for job in JobStore(workspace(root)).all():
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
    jobs = _wait_with_progress(workspace(root), job_ids, None, resume_after)
    # One print for all the lines: rich renders each call, and a call per job cost
    # more than the waiting itself on hundreds of jobs.
    console.print("\n".join(f"job {job.id}: {job.state}" for job in jobs), markup=False)


@jobs_app.command("resume")
def jobs_resume(job_id: str, root: RootOption = Path(".")) -> None:
    """Send again the chunks of a job that were never applied."""
    from ..jobs.dispatch import send_chunks
    from ..services.machine import resume_job

    sent = resume_job(workspace(root), job_id, send_chunks)
    console.print(f"re-sent {sent} chunks of job {job_id}")


@jobs_app.command("cancel")
def jobs_cancel(job_id: str, root: RootOption = Path(".")) -> None:
    """Cancel a job: chunks still queued are dropped."""
    from ..services.machine import cancel_job

    console.print(f"job {job_id}: {cancel_job(workspace(root), job_id).state}")

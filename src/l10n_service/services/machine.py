"""Machine-translation jobs: plan, enqueue, translate (worker side), apply.

A job is one (article, language). It is cut into chunks of unique untranslated
source strings; each chunk is a Celery task on the language pair's queue that
carries the texts and returns the translations, so MT workers share nothing but
the broker. Only the apply step touches the catalog, under its lock, and it is
idempotent: it fills an entry only if it is still empty or still holds machine
output, so redelivered chunks and concurrent translator imports lose nothing.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ..catalog.store import read_po, write_po
from ..core.glossary import restore_terms
from ..core.states import FUZZY_FLAG, MACHINE_FLAG, MT_COMMENT_PREFIX
from ..core.tokens import placeholder_problems
from ..errors import EngineUnavailable, JobError
from ..locking import catalog_lock
from ..mt.base import get_engine
from ..settings import load_settings
from ..workspace import Workspace, load_glossary
from .catalogs import ensure_language
from .jobs_store import Job, JobStore

__all__ = ["apply_chunk_result", "choose_engine", "start_job", "translate_texts", "wait_for"]


def choose_engine(requested: str, source: str, target: str) -> tuple[str, str]:
    """(engine name, notice for the user). ``auto`` prefers argostranslate."""
    if requested in ("auto", ""):
        if get_engine("argos").supports(source, target):
            return "argos", ""
        return "pseudo", (
            f"no argostranslate package for {source}->{target} is installed: using the "
            "built-in pseudo-localisation engine (qps-ploc style, not a real translation)"
        )
    engine = get_engine(requested)
    if not engine.supports(source, target):
        raise EngineUnavailable(f"engine {requested!r} cannot translate {source} -> {target}")
    return requested, ""


def translate_texts(engine_name: str, source: str, target: str, texts: list[str]) -> dict[str, Any]:
    """Worker side: translate and check placeholders; never touches a catalog."""
    engine = get_engine(engine_name)
    started = time.perf_counter()
    outputs = engine.translate_batch(texts, source, target)
    errors: dict[str, str] = {}
    for i, (text, out) in enumerate(zip(texts, outputs, strict=True)):
        problems = placeholder_problems(text, out)
        if not out.strip():
            problems.append("empty output")
        if problems:
            errors[str(i)] = "; ".join(problems)
    provenance = engine.provenance(source, target)
    provenance["at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "translations": outputs,
        "errors": errors,
        "provenance": provenance,
        "seconds": time.perf_counter() - started,
    }


def _provenance_line(provenance: dict[str, str]) -> str:
    keys = ("engine", "package", "version", "options", "at")
    parts = [f"{k}={provenance[k]}" for k in keys if provenance.get(k)]
    line = f"{MT_COMMENT_PREFIX} " + " ".join(p.replace(" ", "_", 0) for p in parts)
    if provenance.get("engine") == "pseudo":
        line += " (pseudo-localisation, not a real translation)"
    return line


def start_job(ws: Workspace, slug: str, lang: str, *, engine: str = "auto") -> Job:
    """Plan and enqueue one job; a catalog with nothing untranslated makes a done job."""
    from ..jobs.app import apply_chunk, translate_chunk
    from ..jobs.config import mt_queue
    from .articles import load_article

    settings = load_settings()
    source = load_article(ws, slug).source_lang if ws.has_article(slug) else "en"
    ensure_language(ws, slug, lang)
    engine_name, notice = choose_engine(engine, source, lang)
    po = read_po(ws.po_path(slug, lang))
    pending: dict[str, list[str]] = {}
    for entry in po:
        if not entry.obsolete and not entry.msgstr and not entry.msgid_plural:
            pending.setdefault(entry.msgid, []).append(entry.msgctxt or "")
    sources = list(pending)
    glossary = load_glossary(ws, lang)
    protected = {text: glossary.protect(text) for text in sources}
    size = max(1, settings.chunk_size)
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    queue = mt_queue(engine_name, source, lang)
    store = JobStore(ws)
    job = store.new(
        slug=slug,
        lang=lang,
        engine=engine_name,
        queue=queue,
        segments=len(sources),
        chunks=len(chunks),
        notice=notice,
    )
    try:
        for index, texts in enumerate(chunks):
            keys = [
                {"msgid": text, "contexts": pending[text], "terms": protected[text][1]}
                for text in texts
            ]
            sent = [protected[text][0] for text in texts]
            signature = translate_chunk.s(engine_name, source, lang, sent).set(queue=queue)
            signature |= apply_chunk.s(str(ws.root), job.id, index, keys).set(queue="apply")
            signature.apply_async()
    except Exception as exc:  # the broker is down or misconfigured: say so, keep no ghost job
        with store.editing(job.id) as broken:
            broken.state, broken.finished = "failed", time.time()
            broken.notice = f"could not enqueue: {exc}"
        raise JobError(f"could not enqueue job {job.id} on the broker: {exc}") from exc
    return job


def apply_chunk_result(
    root: str, job_id: str, chunk: int, keys: list[dict[str, Any]], result: dict[str, Any]
) -> dict[str, int]:
    ws = Workspace.at(root)
    store = JobStore(ws)
    job = store.get(job_id)
    path = ws.po_path(job.slug, job.lang)
    line = _provenance_line(result["provenance"])
    written = skipped = 0
    failed: dict[str, str] = {}
    with catalog_lock(path):
        po = read_po(path)
        by_key = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
        for i, (key, raw) in enumerate(zip(keys, result["translations"], strict=True)):
            msgid, contexts = key["msgid"], key["contexts"]
            text = restore_terms(raw, key["terms"])
            error = result["errors"].get(str(i))
            for ctxt in contexts:
                entry = by_key.get((ctxt, msgid))
                if error:
                    failed[ctxt] = error
                    continue
                human = entry is not None and entry.msgstr and not (
                    MACHINE_FLAG in entry.flags and FUZZY_FLAG in entry.flags
                )
                if entry is None or human or entry.msgstr == text:
                    skipped += 1
                    continue
                entry.msgstr = text
                entry.flags = [FUZZY_FLAG, MACHINE_FLAG] + [
                    f for f in entry.flags if f not in (FUZZY_FLAG, MACHINE_FLAG)
                ]
                notes = [x for x in (entry.comment or "").splitlines() if not x.startswith("mt:")]
                entry.comment = "\n".join([*notes, line])
                written += 1
        if written:
            write_po(po, path)
    with store.editing(job_id) as job:
        if chunk not in job.done_chunks:
            job.done_chunks.append(chunk)
            job.translated += written
            job.skipped += skipped
            job.failed.update(failed)
        job.state = "done" if len(job.done_chunks) >= job.chunks else "running"
        if job.state == "done" and job.finished is None:
            job.finished = time.time()
    return {"written": written, "skipped": skipped, "failed": len(failed)}


def wait_for(
    ws: Workspace, job_ids: list[str], *, timeout: float = 3600, on_progress: Any = None
) -> list[Job]:
    store = JobStore(ws)
    deadline = time.monotonic() + timeout
    while True:
        jobs = [store.get(j) for j in job_ids]
        if on_progress:
            on_progress(jobs)
        if all(j.state in ("done", "failed", "cancelled") for j in jobs):
            return jobs
        if time.monotonic() > deadline:
            raise JobError(f"jobs {', '.join(job_ids)} did not finish within {timeout:.0f} s")
        time.sleep(0.2)

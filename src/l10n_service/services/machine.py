"""Machine-translation jobs: plan, enqueue, translate (worker side), apply.

A job is one (article, language). It is cut into chunks of unique untranslated
source strings; each chunk is a Celery task on the language pair's queue that
carries the texts and returns the translations, so MT workers share nothing but
the broker. Only the apply step touches the catalog, under its lock, and it is
idempotent: it fills an entry only if it is still empty or still holds machine
output, so redelivered chunks and concurrent translator imports lose nothing.

Which engine, which queue and what the provenance says are the engine's business
(``mt.registry``); sending chunks is the queue's (a :class:`Dispatch` the caller
passes in, ``jobs.dispatch.send_chunks`` in production).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..catalog.store import read_po
from ..core.given_up import applied_before
from ..core.glossary import Glossary, restore_terms
from ..core.post_edit import machine_text_line, without_machine_text
from ..core.provenance import provenance_line
from ..core.states import FUZZY_FLAG, MACHINE_FLAG, MT_COMMENT_PREFIX
from ..core.tokens import placeholder_problems
from ..errors import CatalogError, EngineError, JobError
from ..locking import catalog_lock, check_lock_server
from ..mt.base import Engine
from ..mt.registry import Choice, choose, get_engine
from ..settings import DEFAULT_CHUNK_SIZE, load_settings
from ..workspace import Workspace, load_glossary
from .catalog_cache import CatalogCache, Content
from .catalogs import ensure_language
from .index import count_entry, write_catalog
from .jobs_store import Job, JobStore

if TYPE_CHECKING:
    import polib

__all__ = [
    "SHORT_JOB_CHUNKS",
    "SHORT_JOB_SPLIT",
    "Dispatch",
    "apply_chunk_result",
    "cancel_job",
    "chunk_plan",
    "chunk_size",
    "record_chunk_failure",
    "resume_job",
    "run_engine",
    "start_job",
    "start_jobs",
    "translate_texts",
]


class Dispatch(Protocol):
    """Sends chunks ``indices`` of a job (``plans`` as stored by the job store) to
    the MT workers."""

    def __call__(
        self, root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
    ) -> None: ...


# The apply worker's parsed catalogs, kept between the chunks of a job: each apply
# used to parse the whole catalog again. Checked against the file's content under the
# catalog lock before each use (:mod:`.catalog_cache`).
CATALOGS = CatalogCache()


def translate_texts(engine_name: str, source: str, target: str, texts: list[str]) -> dict[str, Any]:
    """Worker side: translate and check placeholders; never touches a catalog."""
    return run_engine(get_engine(engine_name), source, target, texts)


def run_engine(engine: Engine, source: str, target: str, texts: Sequence[str]) -> dict[str, Any]:
    """Translate in batches of the engine's ``batch_size``; a sentence whose
    placeholders did not survive (or that came back empty) is reported in
    ``errors`` and will be recorded as failed, never written."""
    started = time.perf_counter()
    outputs: list[str] = []
    for start in range(0, len(texts), engine.batch_size):
        batch = texts[start : start + engine.batch_size]
        translated = engine.translate_batch(batch, source, target)
        if len(translated) != len(batch):
            raise EngineError(
                f"engine {engine.name!r} returned {len(translated)} translations "
                f"for {len(batch)} texts"
            )
        outputs.extend(translated)
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


# A job of at most this many of its engine's preferred chunks is cut in
# SHORT_JOB_SPLIT chunks instead (``chunk_plan``).
SHORT_JOB_CHUNKS = 4
SHORT_JOB_SPLIT = 2


def chunk_size(configured: int | None, preferred: int | None) -> int:
    """Segments per chunk: the operator's ``L10N_CHUNK_SIZE`` (``configured``), else
    the engine's preference (``Engine.chunk_size``), else 32.

    Every chunk costs one apply, which writes the whole catalog under its lock (and
    reads it, unless the apply worker still holds it from the job's previous chunk:
    ``CATALOGS``), so a fast engine with small chunks spends as long applying as
    translating.
    Two cures were weighed. Coalescing (an apply that holds the lock applies every
    result that has arrived) needs the results stored where the apply side can see
    them before their own apply task runs: MT workers share nothing with the
    workspace but the broker, and an apply worker with one process (the usual
    layout) never has a second result in hand, so it would coalesce nothing there,
    while adding a store whose leftovers the supervisor's accounting would have to
    reconcile. Bigger chunks for the engines that gain from them change nothing
    else: the same tasks, the same idempotent apply counted once per chunk, the
    same re-sends; only engines that declare a preference are affected."""
    if configured is not None:
        return max(1, configured)
    return max(1, preferred or DEFAULT_CHUNK_SIZE)


def chunk_plan(segments: int, configured: int | None, preferred: int | None) -> list[int]:
    """The sizes of a job's chunks, in order, for ``segments`` untranslated sources."""
    size = chunk_size(configured, preferred)
    if configured is None and preferred:
        # An engine that chose its own size gets near-equal chunks. A short job
        # (Apertium: 448 segments, four chunks of 128) goes in SHORT_JOB_SPLIT: each
        # chunk boundary costs an apply that rewrites the whole catalog, a drained
        # pipeline and a round trip through the broker, against well under a second
        # of translating. A longer one goes in as many as the size needs: 513
        # segments in five of ~103, not four of 128 and one of 1, whose apply would
        # follow the fourth's with no translating left to hide behind.
        short = segments <= SHORT_JOB_CHUNKS * size
        parts = min(SHORT_JOB_SPLIT, segments) if short else -(-segments // size)
        return [segments // parts + (k < segments % parts) for k in range(parts)]
    return [min(size, segments - start) for start in range(0, segments, size)]


def start_job(
    ws: Workspace, slug: str, lang: str, *, engine: str = "auto", dispatch: Dispatch
) -> Job:
    """Plan and enqueue one job; a catalog with nothing untranslated makes a done job."""
    return start_jobs(ws, [slug], [lang], engine=engine, dispatch=dispatch)[0]


def start_jobs(
    ws: Workspace,
    slugs: Sequence[str],
    langs: Sequence[str],
    *,
    engine: str = "auto",
    dispatch: Dispatch,
) -> list[Job]:
    """Plan and enqueue a job per article x language, in that order. What the jobs
    can share is looked up once (the settings, the translation memory, each
    language's glossary and engine), and each job reads its catalog once: creating
    N jobs costs N catalog reads, not N article extractions or merges (the index
    tells ``ensure_language`` a catalog is current) nor N memory connections."""
    # Here, not at the top: the translation memory (SQLAlchemy) is for planning
    # jobs, and a worker, which imports this module for its tasks, never needs it.
    from .memory import MemoryReuse, source_language

    settings = load_settings()
    # Each chunk is applied under the catalog lock: a lock server that does not
    # answer now would fail every apply, after the translating.
    check_lock_server()
    store = JobStore(ws)
    glossaries: dict[str, Glossary] = {}
    choices: dict[tuple[str, str], Choice] = {}
    jobs: list[Job] = []
    with MemoryReuse(ws) as memory:
        for slug in slugs:
            source = source_language(ws, slug)  # from the settings: no article parsed
            for lang in langs:
                if (source, lang) not in choices:
                    choices[source, lang] = choose(engine, source, lang)
                # After the choice: a job that cannot run creates no catalog.
                ensure_language(ws, slug, lang)
                if lang not in glossaries:
                    glossaries[lang] = load_glossary(ws, lang)
                reused, po = memory.fill(slug, lang, read_po(ws.po_path(slug, lang)))
                job = _plan_and_send(
                    ws, store, slug, lang, source, choices[source, lang], po,
                    reused=reused, glossary=glossaries[lang],
                    configured_size=settings.chunk_size, dispatch=dispatch,
                )  # fmt: skip
                jobs.append(job)
    return jobs


def _plan_and_send(
    ws: Workspace,
    store: JobStore,
    slug: str,
    lang: str,
    source: str,
    choice: Choice,
    po: polib.POFile,
    *,
    reused: int,
    glossary: Glossary,
    configured_size: int | None,
    dispatch: Dispatch,
) -> Job:
    """Cut the catalog's untranslated entries into chunks, store the job and send."""
    pending: dict[str, list[str]] = {}
    for entry in po:
        if not entry.obsolete and not entry.msgstr and not entry.msgid_plural:
            pending.setdefault(entry.msgid, []).append(entry.msgctxt or "")
    sources = list(pending)
    protected = {text: glossary.protect(text) for text in sources}
    chunks, start = [], 0
    for size in chunk_plan(len(sources), configured_size, choice.chunk_size):
        chunks.append(sources[start : start + size])
        start += size
    job = store.new(
        slug=slug,
        lang=lang,
        engine=choice.engine,
        queue=choice.queue,
        segments=len(sources),
        chunks=len(chunks),
        notice=choice.notice,
        source=source,
        reused=reused,
    )
    plans = [
        {
            "texts": [protected[text][0] for text in texts],
            "keys": [
                {"msgid": text, "contexts": pending[text], "terms": protected[text][1]}
                for text in texts
            ],
        }
        for texts in chunks
    ]
    store.save_plans(job.id, plans)
    try:
        dispatch(str(ws.root), job, plans, range(len(plans)))
    except Exception as exc:  # the broker is down or misconfigured: say so, keep no ghost job
        with store.editing(job.id) as broken:
            broken.state, broken.finished = "failed", time.time()
            broken.notice = f"could not enqueue: {exc}"
        raise JobError(f"could not enqueue job {job.id} on the broker: {exc}") from exc
    with store.editing(job.id) as sent:
        sent.dispatched = time.time()
    return sent


def resume_job(
    ws: Workspace, job_id: str, dispatch: Dispatch, chunks: Iterable[int] | None = None
) -> int:
    """Send again every chunk not yet applied (e.g. lost with a broker that crashed
    between delivery and acknowledgement), or only ``chunks`` of them (what the
    supervisor found lost). Safe at any time: apply is idempotent and each chunk is
    counted once."""
    store = JobStore(ws)
    job = store.get(job_id)
    if job.state in ("done", "failed", "cancelled"):
        return 0
    done = set(job.done_chunks)
    wanted = range(job.chunks) if chunks is None else sorted(set(chunks))
    missing = [i for i in wanted if 0 <= i < job.chunks and i not in done]
    if missing:
        dispatch(str(ws.root), job, store.plans(job_id), missing)
        with store.editing(job_id) as edited:
            edited.resumed += 1
            edited.dispatched = time.time()
    return len(missing)


def apply_chunk_result(
    root: str, job_id: str, chunk: int, keys: list[dict[str, Any]], result: dict[str, Any]
) -> dict[str, int]:
    ws = Workspace.at(root)
    store = JobStore(ws)
    job = store.get(job_id)
    if job.state == "cancelled":
        return {"written": 0, "skipped": 0, "failed": 0}
    path = ws.po_path(job.slug, job.lang)
    line = provenance_line(result["provenance"])
    written = skipped = 0
    changed = False
    failed: dict[str, str] = {}
    with catalog_lock(path):
        po, content = CATALOGS.take(path)
        # The counts the index gets, adjusted per changed entry when known: counting
        # the whole catalog on every chunk's write was O(catalog) per apply.
        counts = None if content.counted is None else dict(content.counted[0])
        unmodified = 0 if content.counted is None else content.counted[1]
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
                human = (
                    entry is not None
                    and entry.msgstr
                    and not (MACHINE_FLAG in entry.flags and FUZZY_FLAG in entry.flags)
                )
                if entry is not None and entry.msgstr == text and MACHINE_FLAG in entry.flags:
                    # This chunk's own output, written by an earlier delivery that died
                    # before counting it: the job did translate it.
                    written += 1
                    continue
                if entry is None or human or entry.msgstr == text:
                    skipped += 1
                    continue
                if counts is not None:
                    state, unchanged = count_entry(entry)
                    counts[state] -= 1
                    unmodified -= unchanged
                entry.msgstr = text
                entry.flags = [FUZZY_FLAG, MACHINE_FLAG] + [
                    f for f in entry.flags if f not in (FUZZY_FLAG, MACHINE_FLAG)
                ]
                notes = [
                    x
                    for x in without_machine_text(entry.comment or "")
                    if not x.startswith(MT_COMMENT_PREFIX)
                ]
                # The machine text itself, so an edit can be measured later.
                kept = machine_text_line(text, result["provenance"].get("kind"))
                entry.comment = "\n".join([*notes, line, kept])
                if counts is not None:
                    state, unchanged = count_entry(entry)
                    counts[state] += 1
                    unmodified += unchanged
                written += 1
                changed = True
        if changed:
            counted = None if counts is None else (counts, unmodified)
            size, digest, counted = write_catalog(ws, job.slug, job.lang, po, counted=counted)
            content = Content(size, digest, counted)
        # Still under the catalog lock: a redelivered copy of this chunk waits, then
        # finds its work done and the chunk counted, so it can't count it as skipped.
        _record(ws, job_id, chunk, written=written, skipped=skipped, failed=failed)
        # Only now, all done without an error: ``po`` is what the file holds.
        CATALOGS.keep(path, po, content)
    return {"written": written, "skipped": skipped, "failed": len(failed)}


def record_chunk_failure(
    root: str, job_id: str, chunk: int, keys: list[dict[str, Any]], reason: str
) -> None:
    """The chunk failed for good: counted failed unless a copy of it is applied (then
    that copy counts instead, see :meth:`Job.count_chunk`), or was applied already
    without being counted (its worker died in between): then it counts as that copy
    would have (:mod:`..core.given_up`). Under the catalog lock, as apply counts."""
    ws = Workspace.at(root)
    job = JobStore(ws).get(job_id)
    path = ws.po_path(job.slug, job.lang)
    with catalog_lock(path):
        held = None
        try:
            # The apply worker may still hold this catalog parsed (the job's earlier
            # chunks); only read here, so it goes back as it came.
            po, content = CATALOGS.take(path)
        except CatalogError:
            # Missing or unreadable (every apply fails on it): no copy's output to
            # find. Raising would leave the job running, given up again every round.
            pass
        else:
            held = applied_before(po, job.engine, keys, reason)
            CATALOGS.keep(path, po, content)
        if held is not None:
            _record(ws, job_id, chunk, written=held.written, skipped=held.skipped,
                    failed=held.failed)  # fmt: skip
            return
        failed = {ctxt: reason for key in keys for ctxt in key["contexts"]}
        _record(ws, job_id, chunk, written=0, skipped=0, failed=failed, given_up=True)


def _record(
    ws: Workspace, job_id: str, chunk: int, *, written: int, skipped: int, failed: dict[str, str],
    given_up: bool = False,
) -> None:  # fmt: skip
    """Count a chunk once, however often and in whatever order its copies arrive."""
    with JobStore(ws).editing(job_id) as job:
        job.count_chunk(chunk, written=written, skipped=skipped, failed=failed, given_up=given_up)
        if job.state == "cancelled":
            return
        complete = len(job.done_chunks) >= job.chunks
        job.state = (
            ("failed" if job.failed and not job.translated else "done") if complete else "running"
        )
        if complete and job.finished is None:
            job.finished = time.time()


def cancel_job(ws: Workspace, job_id: str) -> Job:
    """Stop counting a job; chunks still queued are dropped when they reach apply."""
    with JobStore(ws).editing(job_id) as job:
        if job.state not in ("done", "failed"):
            job.state, job.finished = "cancelled", time.time()
    return job

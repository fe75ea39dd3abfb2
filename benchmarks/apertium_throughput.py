"""Apertium throughput: our Celery path against the raw pipeline, same sentences, one run.

(a) raw: our ``ApertiumPipe`` driven directly, already started, every sentence in one
    call (up to 32 in flight), and with one round trip per sentence (1 in flight);
(b) naive: a fresh pipeline per batch of 32 sentences (start-up paid per batch);
(c) ours: ``l10n translate --engine apertium --wait`` through Redis and real
    ``l10n worker`` processes, catalog apply included: first job of fresh workers
    (pipeline start-up included), then jobs on the warm ones; one worker for both
    queues (prefork with one process, or threads with two: ``LAYOUTS``), or an MT
    worker and an apply worker; default chunks (the engine's plan) and, with
    ``--chunk32``, ``L10N_CHUNK_SIZE=32`` (the default of other engines). Each warm
    job is timed twice: the job record's span (created -> finished, inside the
    command) and the whole command as its user waits for it (Python start-up and
    imports included, which the raw pipe, already running here, does not pay).

Segments: the sample article's, in ``--copies`` distinct copies, as one article;
every path translates the same unique segments. Prints medians of ``--repeat`` runs
(segments/s) and each path's ratio to (a); the goal for (c) on warm workers is >= 0.8.
On a shared machine whose load swings within minutes, each warm job also runs between
two raw runs of its own: the "paired" column is the median of each job's rate over
the raw rate of the mean of those two runs' seconds.
Each layout also prints the steps of its median warm job, from the workers' log lines:
when each chunk was sent, translated and applied, in seconds after the job's creation.
Then the same for a bigger article (``--big-copies``, 0 to skip), raw pipe and
default chunks only: at 448 segments the raw pipe needs about a second, so a job's
fixed costs (creating it, enqueueing, the last chunk's apply) weigh heavily; the
bigger article shows the ratio once they are spread.

    .venv/bin/python benchmarks/apertium_throughput.py [--copies 3] [--big-copies 10] [--repeat 3]
        [--layouts one-prefork,one-threads,split] [--chunk32]
    .venv/bin/python benchmarks/apertium_throughput.py --alternate one-prefork,one-threads \
        --second-redis redis://127.0.0.1:6380/0 [--repeat 6]

``--alternate`` prints no tables: two layouts run warm at once, each on its own
broker, and their jobs take turns between raw runs (``alternate``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
REDIS = os.environ.get("L10N_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _copy(text: str, k: int) -> str:
    """Copy ``k`` of a segment, marked inside its sentence: after a full stop the mark
    would be a sentence of its own, and ``Copy two:`` reads as a speaker's name."""
    if not k:
        return text
    mark = f" (copy {NUMBERS[k - 1]})"
    return text[:-1] + mark + text[-1] if text[-1:] in ".?!" else text + mark


def article(copies: int) -> tuple[str, list[str]]:
    """A text article of the sample's segments, ``copies`` distinct copies (marked in
    words: a number would be masked as a placeholder and make the copies one entry),
    (at most ten) and the unique masked segments it parses into: what a job sends to MT."""
    from l10n_service.core.formats import parse_article

    sample = parse_article(SAMPLE.read_text("utf-8"), fmt="text", slug="s")
    base = [s.source for s in sample.unique_segments()]
    texts = [_copy(text, k) for k in range(copies) for text in base]
    source = "Benchmark Article\n\n" + "\n\n".join(texts) + "\n"
    parsed = parse_article(source, fmt="text", slug="bench")
    return source, list(dict.fromkeys(s.source for s in parsed.unique_segments()))


def raw_pipe(texts: list[str], in_flight: int) -> float:
    from l10n_service.mt.apertium import ApertiumEngine
    from l10n_service.mt.apertium_pipe import ApertiumPipe, null_flush_command
    from l10n_service.mt.apertium_stream import decode, encode

    pair = ApertiumEngine().pair_for("en", "es")
    pipe = ApertiumPipe(pair.mode, null_flush_command(pair.path), in_flight=in_flight)
    try:
        pipe.translate(["Warm up."])
        start = time.perf_counter()
        [decode(a) for a in pipe.translate([encode(t) for t in texts])]
        return len(texts) / (time.perf_counter() - start)
    finally:
        pipe.close()


def naive(texts: list[str], batch: int = 32) -> float:
    from l10n_service.mt.apertium import ApertiumEngine
    from l10n_service.mt.apertium_pipe import ApertiumPipe, null_flush_command
    from l10n_service.mt.apertium_stream import decode, encode

    pair = ApertiumEngine().pair_for("en", "es")
    command = null_flush_command(pair.path)
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        pipe = ApertiumPipe(pair.mode, command)
        [decode(a) for a in pipe.translate([encode(t) for t in texts[i : i + batch]])]
        pipe.close()
    return len(texts) / (time.perf_counter() - start)


@dataclass(frozen=True)
class JobTimes:
    job: float  # created -> finished, as the job record says
    command: float  # `l10n translate --wait` spawned -> exited: what its user waits
    start_up: float  # spawned -> job created: Python, the CLI's imports, the workspace
    enqueue: float  # created -> all chunks sent
    tail: float  # finished -> the command exited (noticing the end, printing)
    record: dict[str, Any]  # the job record, for the timeline


def added(article: Path, env: dict[str, str], tmp: Path) -> Path:
    """A new workspace under ``tmp`` holding ``article`` as ``bench``."""
    root = tmp / f"ws-{time.monotonic_ns()}"
    root.mkdir()
    subprocess.run([str(BIN / "l10n"), "add", str(article), "--slug", "bench", "--root",
                    str(root)], env=env, check=True, capture_output=True)  # fmt: skip
    return root


def translated(root: Path, env: dict[str, str]) -> tuple[float, float, dict[str, Any]]:
    """``l10n translate bench --to es --engine apertium --wait`` on ``root``: when the
    command was spawned and when it exited (``time.time()``, the clock of the job
    record's stamps), and its job record, which must be done with nothing failed."""
    spawned = time.time()
    subprocess.run(
        [str(BIN / "l10n"), "translate", "bench", "--to", "es", "--engine", "apertium",
         "--wait", "--root", str(root)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    exited = time.time()
    job: dict[str, Any] = json.loads(next((root / ".l10n" / "jobs").glob("*.json")).read_text())
    assert job["state"] == "done" and not job["failed"], job
    return spawned, exited, job


def _job(source: str, env: dict[str, str], tmp: Path) -> JobTimes:
    """One job's times. The job record's span starts inside ``l10n translate`` after
    its start-up; the command's span is what a user of it waits, start-up included.
    The raw pipe pays neither a process start nor a pipeline start (both already
    running in this process), so the command's ratio is the harsher one."""
    article = tmp / "bench.txt"
    article.write_text(source, "utf-8")
    spawned, exited, job = translated(added(article, env, tmp), env)
    created, finished = float(job["created"]), float(job["finished"])
    return JobTimes(
        job=finished - created, command=exited - spawned, start_up=created - spawned,
        enqueue=float(job["dispatched"]) - created, tail=exited - finished, record=job,
    )  # fmt: skip


# name -> (queues per worker, given the MT queue; --pool; --concurrency)
LAYOUTS: dict[str, tuple[list[str], str, int]] = {
    "one-prefork": (["{mt},apply"], "prefork", 1),  # one worker for both queues
    "one-threads": (["{mt},apply"], "threads", 2),
    "split": (["{mt}", "apply"], "prefork", 1),  # an MT worker and an apply worker
}
LABELS = {
    "one-prefork": "one worker, prefork x1",
    "one-threads": "one worker, threads x2",
    "split": "MT + apply workers",
}


@dataclass
class CeleryRun:
    first: float  # seg/s of the first job on fresh workers
    warm: float  # median seg/s of the jobs on warm workers (job record's span)
    command: float  # median seg/s of the `l10n translate --wait` commands, warm workers
    translate_busy: float  # seconds inside translate_chunk tasks, warm jobs, per job
    apply_busy: float  # seconds inside apply_chunk tasks, likewise
    chunks: int
    enqueue: float  # median seconds from a warm job's creation to all chunks sent
    start_up: float  # median seconds from spawning the command to the job's creation
    tail: float  # median seconds from the job's end to the command's exit
    paired: float  # median of each warm job's rate / the raw runs' around it
    paired_command: float  # the same for the command's rate
    timeline: str  # the steps of the warm job with the median span


def _task_seconds(logs: list[Path], skip: dict[Path, int], task: str) -> float:
    """Seconds inside ``task``, from ``l10n worker``'s one line per task (a translate
    task of a threads pool counts its wait for the pair's pipeline too)."""
    pattern = re.compile(rf"{re.escape(task)}\[[^]]+\] SUCCESS in ([0-9.]+)s")
    total = 0.0
    for log in logs:
        for line in log.read_text().splitlines()[skip[log] :]:
            if m := pattern.search(line):
                total += float(m.group(1))
    return total


_STEP = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*l10n\.(translate|apply)_chunk"
    r"\[l10n\.(\w+)\.(\d+)\.[ta]\.\w+\] SUCCESS in ([0-9.]+)s"
)


def _timeline(logs: list[Path], job: dict[str, Any]) -> str:
    """One job's steps from ``l10n worker``'s log lines (each task's end, minus its
    duration), in seconds after the job record's creation: when each chunk was
    translated and applied. Log stamps are local time to the millisecond; a threads
    worker's translate step includes its wait for the pair's pipeline."""
    from datetime import datetime

    steps = []
    for log in logs:
        for line in log.read_text().splitlines():
            m = _STEP.match(line)
            if m is None or m.group(3) != job["id"]:
                continue
            end = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            end -= float(job["created"])
            start = end - float(m.group(5))
            steps.append((start, f"{m.group(2)} {m.group(4)} +{start:.3f}..+{end:.3f}"))
    sent = float(job["dispatched"]) - float(job["created"])
    done = float(job["finished"]) - float(job["created"])
    return (
        f"sent +{sent:.3f}, " + ", ".join(text for _, text in sorted(steps)) + f", done +{done:.3f}"
    )


def _start_workers(
    layout: str, url: str, tmp: Path, chunk: int | None = None
) -> tuple[dict[str, str], list[subprocess.Popen[bytes]], list[Path]]:
    """The environment for jobs on broker ``url`` (emptied first), and the
    ``l10n worker`` processes of ``layout`` started on it, with their logs."""
    import redis

    from l10n_service.mt.apertium import ApertiumEngine

    redis.Redis.from_url(url).flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("L10N_")}
    env["L10N_BROKER_URL"] = url
    if chunk:
        env["L10N_CHUNK_SIZE"] = str(chunk)
    worker_root = tmp / f"worker-{time.monotonic_ns()}"
    worker_root.mkdir()
    queue = ApertiumEngine.queue_for("en", "es")  # the engine names its queue
    shapes, pool, concurrency = LAYOUTS[layout]
    logs = [tmp / f"worker-{k}-{time.monotonic_ns()}.log" for k in range(len(shapes))]

    def start(k: int, queues: str, log: Path) -> subprocess.Popen[bytes]:
        command = [str(BIN / "l10n"), "worker", "--queues", queues, "--pool", pool,
                   "--concurrency", str(concurrency), "--name", f"bench{k}",
                   "--log-level", "INFO", "--root", str(worker_root)]  # fmt: skip
        return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)

    workers = [
        start(k, shape.format(mt=queue), log)
        for k, (shape, log) in enumerate(zip(shapes, logs, strict=True))
    ]
    return env, workers, logs


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait()


def celery_path(
    source: str, texts: list[str], repeat: int, tmp: Path, *, layout: str, chunk: int | None
) -> CeleryRun:
    """Jobs through real ``l10n worker`` processes (``LAYOUTS``): one for both queues
    (the default; its pool prefork with one process, or threads with two, which lets
    an apply run while the next chunk translates on the same pipeline), or an MT worker
    and an apply worker (compose's layout), each with one process."""
    from l10n_service.mt.apertium import ApertiumEngine
    from l10n_service.services.machine import chunk_plan

    sizes = chunk_plan(len(texts), chunk, ApertiumEngine.chunk_size)
    env, workers, logs = _start_workers(layout, REDIS, tmp, chunk)
    n = len(texts)
    try:
        first = _job(source, env, tmp)
        skip = {log: len(log.read_text().splitlines()) for log in logs}
        jobs: list[JobTimes] = []
        paired, paired_command = [], []
        after = raw_pipe(texts, 32)  # the workers idle meanwhile
        for _ in range(repeat):
            before = after
            jobs.append(_job(source, env, tmp))
            after = raw_pipe(texts, 32)
            # The raw pipe's seconds around the job: the mean of the runs just before
            # and just after it, so a load that changes mid-job weighs on both sides.
            raw = n / ((n / before + n / after) / 2)
            paired.append(n / jobs[-1].job / raw)
            paired_command.append(n / jobs[-1].command / raw)
    finally:
        _stop(workers)
    med = statistics.median
    return CeleryRun(
        first=n / first.job,
        warm=n / med(j.job for j in jobs),
        command=n / med(j.command for j in jobs),
        translate_busy=_task_seconds(logs, skip, "l10n.translate_chunk") / repeat,
        apply_busy=_task_seconds(logs, skip, "l10n.apply_chunk") / repeat,
        chunks=len(sizes),
        enqueue=med(j.enqueue for j in jobs),
        start_up=med(j.start_up for j in jobs),
        tail=med(j.tail for j in jobs),
        paired=med(paired),
        paired_command=med(paired_command),
        timeline=_timeline(logs, sorted(jobs, key=lambda j: j.job)[len(jobs) // 2].record),
    )


def apply_cpu(source: str, repeat: int, tmp: Path) -> str:
    """The apply side alone, in this process: a job's chunks (translated once, by
    Apertium) applied with the catalog kept between chunks (what the apply worker
    does) and re-read for each chunk (a cache that keeps nothing: what it did
    before), alternately; CPU seconds per job, so the machine's load weighs less."""
    from l10n_service.services import machine
    from l10n_service.services.articles import add_article
    from l10n_service.services.catalog_cache import CatalogCache
    from l10n_service.services.jobs_store import JobStore
    from l10n_service.workspace import Workspace

    def held(root: str, job: object, plans: object, indices: object) -> None:
        pass  # the chunks are applied here, not sent

    kept_cache = machine.CATALOGS
    cpu: dict[str, list[float]] = {"kept": [], "re-read": []}
    parses: dict[str, int] = {}
    chunks = 0
    results: list[dict[str, object]] = []
    for k in range(repeat * 2):
        mode = "kept" if k % 2 else "re-read"
        ws = Workspace.at(tmp / f"apply-{time.monotonic_ns()}")
        ws.root.mkdir()
        add_article(ws, source.encode(), name="bench.txt", slug="bench")
        job = machine.start_job(ws, "bench", "es", engine="apertium", dispatch=held)
        plans = JobStore(ws).plans(job.id)
        if not results:
            results = [
                machine.translate_texts("apertium", "en", "es", list(p["texts"])) for p in plans
            ]
        cache = kept_cache if mode == "kept" else CatalogCache(capacity=0)
        machine.CATALOGS, before = cache, cache.parses
        started = time.process_time()
        for i, (plan, result) in enumerate(zip(plans, results, strict=True)):
            machine.apply_chunk_result(str(ws.root), job.id, i, list(plan["keys"]), result)
        cpu[mode].append(time.process_time() - started)
        parses[mode], chunks = cache.parses - before, len(plans)
    machine.CATALOGS = kept_cache
    kept, fresh = (statistics.median(cpu[m]) for m in ("kept", "re-read"))
    return (
        f"applying in-process, CPU per job ({chunks} chunks): catalog kept between chunks "
        f"{kept:.3f} s ({parses['kept']} parse), re-read each chunk {fresh:.3f} s "
        f"({parses['re-read']} parses): {fresh / kept:.1f}x"
    )


def measure(
    copies: int, repeat: int, tmp: Path, configs: list[tuple[str, int | None]], *, full: bool
) -> tuple[int, dict[str, float], dict[str, str], list[str]]:
    source, texts = article(copies)
    n = len(texts)
    results: dict[str, float] = {}
    paired: dict[str, str] = {}
    notes: list[str] = []
    for flight in (32, 1) if full else (32,):
        rates = [raw_pipe(texts, flight) for _ in range(repeat)]
        results[f"(a) raw pipe, {flight} in flight"] = statistics.median(rates)
    if full:
        results["(b) naive: a pipeline per batch of 32"] = statistics.median(
            naive(texts) for _ in range(repeat)
        )
    for layout, chunk in configs:
        run = celery_path(source, texts, repeat, tmp, layout=layout, chunk=chunk)
        name = f"(c) {LABELS[layout]}, chunk {chunk or 'default'}"
        results[f"{name}, fresh"] = run.first
        results[f"{name}, warm"] = run.warm
        paired[f"{name}, warm"] = f"{run.paired:>7.2f}x"
        results[f"{name}, command"] = run.command
        paired[f"{name}, command"] = f"{run.paired_command:>7.2f}x"
        notes.append(
            f"{name}: per warm job, command start-up {run.start_up:.2f} s, enqueue "
            f"{run.enqueue:.2f} s, translate tasks {run.translate_busy:.2f} s "
            f"({n / run.translate_busy:.0f} seg/s inside the worker), apply tasks "
            f"{run.apply_busy:.2f} s ({1000 * run.apply_busy / run.chunks:.0f} ms a chunk, "
            f"{run.chunks} chunks), job {n / run.warm:.2f} s, job end to exit "
            f"{run.tail:.2f} s, command {n / run.command:.2f} s"
        )
        notes.append(f"{name}: the median warm job, s after its creation: {run.timeline}")
    notes.append(apply_cpu(source, repeat, tmp))
    return n, results, paired, notes


def alternate(copies: int, repeat: int, tmp: Path, layouts: list[str], urls: list[str]) -> None:
    """Two layouts warm at once, each on a broker of its own, their jobs taking turns
    (ABBA...) between raw runs: on a machine whose load swings within seconds this
    compares the layouts more closely than two tables made minutes apart. Prints
    each layout's median of job / raw (paired, as in ``celery_path``)."""
    source, texts = article(copies)
    n = len(texts)
    started = [_start_workers(layout, url, tmp) for layout, url in zip(layouts, urls, strict=True)]
    ratios: dict[str, list[tuple[float, float]]] = {layout: [] for layout in layouts}
    try:
        for env, _, _ in started:
            _job(source, env, tmp)  # fresh workers: start-up, pipeline start
        after = raw_pipe(texts, 32)
        for r in range(repeat):
            order = list(zip(layouts, started, strict=True))
            for layout, (env, _, _) in order if r % 2 == 0 else order[::-1]:
                before = after
                times = _job(source, env, tmp)
                after = raw_pipe(texts, 32)
                raw = (n / before + n / after) / 2  # seconds
                ratios[layout].append((raw / times.job, raw / times.command))
    finally:
        for _, workers, _ in started:
            _stop(workers)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nAlternating, {n} segments (sample x{copies}), {repeat} jobs each; load {load}")
    for layout, pairs in ratios.items():
        job = statistics.median(p[0] for p in pairs)
        command = statistics.median(p[1] for p in pairs)
        each = " ".join(f"{p[0]:.2f}" for p in pairs)
        print(f"  {LABELS[layout]:<26} paired: job {job:.2f}x ({each}), command {command:.2f}x")


def report(
    n: int, copies: int, repeat: int, results: dict[str, float], paired: dict[str, str],
    notes: list[str],
) -> None:  # fmt: skip
    ceiling = results["(a) raw pipe, 32 in flight"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nApertium en->es, {n} segments (sample x{copies}), medians of {repeat}; load {load}")
    print("'warm': the job record's span (created -> finished); 'command': `l10n translate")
    print("--wait` spawned -> exited, its start-up included (the raw pipe pays no start-up)")
    print(f"{'path':<58} {'seg/s':>8} {'vs (a)':>8} {'paired':>8}")
    for label, rate in results.items():
        print(f"{label:<58} {rate:>8.1f} {rate / ceiling:>7.2f}x {paired.get(label, '')}")
    print("\nWhere a warm job's time goes:")
    for note in notes:
        print(f"  {note}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--big-copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--layouts", default=",".join(LAYOUTS), help=f"comma-separated, of: {', '.join(LAYOUTS)}"
    )
    parser.add_argument(
        "--alternate", default="",
        help="instead of the tables: two layouts (a,b) taking turns, the second on "
        "--second-redis; both warm at once",
    )  # fmt: skip
    parser.add_argument("--second-redis", default="", help="a second broker URL, for --alternate")
    parser.add_argument(
        "--chunk32", action="store_true",
        help="also L10N_CHUNK_SIZE=32 (the other engines' default) at the small size",
    )  # fmt: skip
    args = parser.parse_args()
    layouts = [x.strip() for x in args.layouts.split(",") if x.strip()]
    unknown = [x for x in layouts if x not in LAYOUTS]
    if unknown:
        parser.error(f"unknown layouts {unknown}; known: {list(LAYOUTS)}")
    tmp = Path(tempfile.mkdtemp(prefix="l10n-bench-apertium-"))
    if args.alternate:
        pair = [x.strip() for x in args.alternate.split(",")]
        if len(pair) != 2 or not set(pair) <= set(LAYOUTS) or not args.second_redis:
            parser.error("--alternate needs two known layouts and --second-redis")
        try:
            for copies in (args.copies, args.big_copies):
                if copies:
                    alternate(copies, args.repeat, tmp, pair, [REDIS, args.second_redis])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    configs: list[tuple[str, int | None]] = [(layout, None) for layout in layouts]
    try:
        extra = [(layout, 32) for layout in layouts] if args.chunk32 else []
        small = measure(args.copies, args.repeat, tmp, configs + extra, full=True)
        report(small[0], args.copies, args.repeat, *small[1:])
        if args.big_copies:
            big = measure(args.big_copies, args.repeat, tmp, configs, full=False)
            report(big[0], args.big_copies, args.repeat, *big[1:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

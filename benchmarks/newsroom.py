"""Newsroom scale (issue #14): every stage on 100, 1,000 and 10,000-article
workspaces, with growth factors and the issue's goals, in one run.

Workspaces (``newsroom_build.py``): Markdown articles of real sentences shared the
way a newsroom shares them, three languages (de, fr, ar), catalogs left as the
pseudo engine and translators left them, the newest 100 articles untranslated.
Each is built once in-process and cached under ``.bench/newsroom-<size>/``
(``--fresh`` rebuilds); stages run on a copy. Stages run the way users run them:

* ``status``, ``update`` (nothing changed; then one article edited), ``bundle``
  and ``add``: the real ``l10n`` CLI, one process per command, CPU and peak RSS from
  ``wait4``;
* ``translate``: ``l10n translate <100 slugs> --to de,fr,ar --engine pseudo --wait``
  (300 jobs) against a real ``l10n worker`` on Redis; the waiting client's CPU and
  the worker's (from /proc, all its processes) are both printed;
* ``GET /`` and ``GET /articles/<slug>``: a real ``l10n serve`` over HTTP (httpx);
  the server's CPU per request from /proc.

Also, once per run: a 100k-entry catalog through ``l10n update`` against GNU
``msgmerge`` (CPU and peak RSS), and the 10k-entry fuzzy update comparison on
``catalog_update.py``'s catalogs, in CPU time, with msgmerge both as shipped
(OpenMP, 2 threads) and with ``OMP_NUM_THREADS=1``.

CPU time is the primary figure: the machine is shared, and wall time measures the
neighbours too. Medians of ``--repeat`` runs; every stage has a ``--budget`` of
wall time (all its runs together): a run still going at the end is killed and shown
as ``>`` the CPU it had used (so ``GET /`` at 10,000 articles cannot hang the run).

    .venv/bin/python benchmarks/newsroom.py                  # 100, 1,000, 10,000
    .venv/bin/python benchmarks/newsroom.py --quick          # 100, 1,000
    .venv/bin/python benchmarks/newsroom.py --sizes 1000 --stages status,http \
        --catalog-entries 0 --fuzzy-entries 0

Needs Redis (``--redis``, default ``$L10N_BENCH_REDIS_URL`` or
redis://127.0.0.1:6379/12, flushed) and GNU gettext.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsroom_build import (
    CACHE,
    LANGS,
    UNTRANSLATED,
    Newsroom,
    big_catalog_files,
    cached_workspace,
    slug_for,
)
from newsroom_measure import (
    Figure,
    Run,
    Sample,
    peak_rss_mb,
    repeat_within,
    run_command,
    stop,
    tree_cpu,
    wait_idle,
)
from newsroom_report import print_report

BIN = Path(sys.executable).parent
L10N = str(BIN / "l10n")
FRONT_PAGE = 50  # articles on the first page of ``GET /`` (its default per_page)
STAGES = ("status", "update", "edit", "translate", "bundle", "http", "add")
ADD_SAMPLE = 5
PAGE_REQUESTS = 200


@dataclass
class Results:
    sizes: list[int]
    by_size: dict[int, dict[str, Figure]] = field(default_factory=dict)
    once: dict[str, Figure] = field(default_factory=dict)  # start-up, big catalogs
    notes: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path, sizes: list[int]) -> Results:
        """An earlier run's figures (``--json``), with this run's sizes added."""
        data = json.loads(path.read_text())
        by_size = {
            int(n): {k: Figure.from_dict(f) for k, f in figs.items()}
            for n, figs in data["by_size"].items()
        }
        once = {k: Figure.from_dict(f) for k, f in data["once"].items()}
        return cls(sorted({*data["sizes"], *sizes}), by_size, once)

    def to_dict(self) -> dict[str, object]:
        return {
            "sizes": self.sizes,
            "by_size": {
                str(n): {k: f.to_dict() for k, f in figs.items()}
                for n, figs in self.by_size.items()
            },
            "once": {k: f.to_dict() for k, f in self.once.items()},
        }


@dataclass(frozen=True)
class Ctx:
    size: int
    root: Path
    env: dict[str, str]
    args: argparse.Namespace

    def l10n(
        self, *args: str, budget: float | None = None, env: dict[str, str] | None = None
    ) -> Run:
        """``l10n ARGS --root WORKSPACE``; a failure (not a kill at the budget) raises."""
        run = run_command(
            [L10N, *args, "--root", str(self.root)], env=env or self.env,
            budget=budget if budget is not None else self.args.budget,
        )  # fmt: skip
        if run.returncode and not run.over_budget:
            raise RuntimeError(f"l10n {' '.join(args[:3])} exited {run.returncode}: "
                               f"{run.stderr.strip()[-800:]}")  # fmt: skip
        return run


def base_env(home: Path) -> dict[str, str]:
    """No L10N_/ARGOS_ settings from the caller's shell; argostranslate's folders in
    a private home, so the worker sees no installed models (the pseudo engine only)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("L10N_", "ARGOS_"))}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    return env


def cli_stage(ctx: Ctx, *args: str) -> Figure:
    def once() -> tuple[Sample, bool]:
        run = ctx.l10n(*args, budget=ctx.args.budget)
        return run.sample, run.over_budget

    samples, over = repeat_within(once, ctx.args.repeat, ctx.args.budget)
    return Figure.of(samples, over_budget=over)


def stage_edit(ctx: Ctx, noop: Figure | None) -> Figure:
    """``l10n update`` after an editor changed one article: one sentence reworded,
    one paragraph added (a fresh edit for each run)."""
    if noop is not None and noop.over_budget:
        return Figure(noop.cpu, noop.wall, 0, True, note="not run: the no-op update (less "
                      "work) was already over budget")  # fmt: skip
    runs = iter(range(ctx.args.repeat))

    def once() -> tuple[Sample, bool]:
        number = next(runs)
        path = ctx.root / "articles" / f"{slug_for(ctx.size // 2 + number)}.md"
        text = path.read_text("utf-8")
        first = text.index("\n\n") + 2  # the first paragraph after the title
        edited = text[:first] + "Updated: " + text[first:] + f"\nEdit {number} of the desk.\n"
        path.write_text(edited, "utf-8")
        run = ctx.l10n("update")
        return run.sample, run.over_budget

    samples, over = repeat_within(once, ctx.args.repeat, ctx.args.budget)
    return Figure.of(samples, over_budget=over)


def stage_translate(ctx: Ctx) -> Figure:
    """300 jobs (the 100 newest articles x de, fr, ar) through Redis and one real
    worker (prefork, 1 process, as ``l10n worker`` starts by default)."""
    import redis

    redis.Redis.from_url(ctx.args.redis).flushdb()
    env = {**ctx.env, "L10N_BROKER_URL": ctx.args.redis}
    log = open(ctx.root.parent / f"worker-{ctx.size}.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [L10N, "worker", "--root", str(ctx.root), "--concurrency", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_idle(worker.pid)
        before = tree_cpu(worker.pid)
        slugs = [slug_for(i) for i in range(max(0, ctx.size - UNTRANSLATED), ctx.size)]
        run = ctx.l10n("translate", *slugs, "--to", ",".join(LANGS), "--engine", "pseudo",
                       "--wait", env=env)  # fmt: skip
        worker_cpu = tree_cpu(worker.pid) - before
    finally:
        stop(worker)
        log.close()
    jobs = sum(1 for line in run.stdout.splitlines() if line.startswith("job "))
    done = sum(1 for line in run.stdout.splitlines() if line.startswith("job ") and " done" in line)
    if not run.over_budget and done != len(slugs) * len(LANGS):
        raise RuntimeError(f"translate: {done} of {jobs} jobs done\n{run.stdout[-2000:]}")
    return Figure.of([run.sample], over_budget=run.over_budget,
                     extra={"worker_cpu": worker_cpu, "jobs": float(jobs)})  # fmt: skip


def stage_bundle(ctx: Ctx) -> Figure:
    """``l10n bundle`` of the 100 articles just machine-translated (one command each,
    as the CLI takes one slug); the figure is the total, the median per article
    is in ``extra``. A bounded stage (100 commands of about a second), so the budget
    applies to each command, not to their sum."""
    slugs = [slug_for(i) for i in range(max(0, ctx.size - UNTRANSLATED), ctx.size)]
    samples: list[Sample] = []
    over = False
    for slug in slugs:
        run = ctx.l10n("bundle", slug, "--policy", "machine-allowed")
        samples.append(run.sample)
        if run.over_budget:
            over = True
            break
    per = Figure.of(samples)
    return Figure(
        sum(s.cpu for s in samples),
        sum(s.wall for s in samples),
        len(samples),
        over,
        per.rss_mb,
        extra={"per_article_cpu": per.cpu, "per_article_wall": per.wall},
        note=f"{len(samples)} of {len(slugs)} bundled" if over else "",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stage_http(ctx: Ctx) -> dict[str, Figure]:
    """``GET /articles/<slug>`` (negotiated bundle.json, 200 requests), then ``GET /``
    (median of up to ``--repeat`` requests within the budget) on one server; in this
    order because a front page over budget leaves the server busy."""
    slug = slug_for(max(0, ctx.size - UNTRANSLATED))  # bundled by the bundle stage
    if not (ctx.root / "bundles" / slug).exists():  # the bundle stage was left out
        ctx.l10n("bundle", slug, "--policy", "machine-allowed", "--min-coverage", "0")
    port = _free_port()
    server = subprocess.Popen(
        [L10N, "serve", "--port", str(port), "--root", str(ctx.root)], env=ctx.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    headers = {"Accept-Language": "de-CH,de;q=0.9,en;q=0.5", "Accept": "application/json"}
    out: dict[str, Figure] = {}
    try:
        with httpx.Client(base_url=base) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("l10n serve did not answer /healthz within 60 s")
                time.sleep(0.2)

            walls = []
            cpu = tree_cpu(server.pid)
            for _ in range(PAGE_REQUESTS):
                start = time.monotonic()
                reply = client.get(f"/articles/{slug}", headers=headers)
                walls.append(time.monotonic() - start)
                if reply.status_code != 200:
                    raise RuntimeError(f"GET /articles/{slug}: {reply.status_code}")
            per_request = (tree_cpu(server.pid) - cpu) / PAGE_REQUESTS
            out["GET /articles/<slug>"] = Figure(per_request, sorted(walls)[len(walls) // 2],
                                                 PAGE_REQUESTS)  # fmt: skip

            def front_page() -> tuple[Sample, bool]:
                cpu, start = tree_cpu(server.pid), time.monotonic()
                try:
                    reply = client.get("/", timeout=ctx.args.budget)
                except httpx.TimeoutException:
                    return Sample(tree_cpu(server.pid) - cpu, time.monotonic() - start), True
                wall = time.monotonic() - start
                listed = reply.text.count('class="article"')
                # The front page is paginated (50 a page): a page lists min(size, 50).
                if reply.status_code != 200 or listed < min(ctx.size, FRONT_PAGE):
                    raise RuntimeError(f"GET /: {reply.status_code}, {listed} articles listed")
                return Sample(tree_cpu(server.pid) - cpu, wall), False

            samples, over = repeat_within(front_page, ctx.args.repeat, ctx.args.budget)
            first = {"first_cpu": samples[0].cpu, "first_wall": samples[0].wall}
            out["GET /"] = Figure.of(
                samples, over_budget=over, rss_mb=peak_rss_mb(server.pid), extra=first
            )
    finally:
        stop(server)
    return out


def stage_add(ctx: Ctx) -> Figure:
    """``l10n add`` of new articles into the big workspace, one process each."""
    newsroom = Newsroom()
    folder = ctx.root.parent / f"new-{ctx.size}"
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(ADD_SAMPLE):
        path = folder / f"{slug_for(900_000 + number)}.md"
        path.write_text(newsroom.article(900_000 + number), "utf-8")
        paths.append(path)
    queue = iter(paths)

    def once() -> tuple[Sample, bool]:
        run = ctx.l10n("add", str(next(queue)))
        return run.sample, run.over_budget

    samples, over = repeat_within(once, ADD_SAMPLE, ctx.args.budget)
    return Figure.of(samples, over_budget=over)


def run_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Figure]:
    pristine = cached_workspace(size, fresh=args.fresh, jobs=args.build_jobs)
    work = CACHE / "run" / f"newsroom-{size}"
    shutil.rmtree(work.parent, ignore_errors=True)
    work.parent.mkdir(parents=True)
    subprocess.run(["cp", "-a", str(pristine), str(work)], check=True)
    ctx = Ctx(size, work, env, args)
    wanted = set(args.stages)
    figures: dict[str, Figure] = {}

    def stage(name: str, key: str, action: Callable[[], Figure]) -> None:
        if key in wanted:
            print(f"  {size:,} articles: {name} ...", flush=True)
            figures[name] = action()
            print(f"    {_brief(figures[name])}", flush=True)

    try:
        stage("status", "status", lambda: cli_stage(ctx, "status"))
        stage("update, nothing changed", "update", lambda: cli_stage(ctx, "update"))
        stage("update, 1 article edited", "edit",
              lambda: stage_edit(ctx, figures.get("update, nothing changed")))  # fmt: skip
        stage("translate 100 articles x 3", "translate", lambda: stage_translate(ctx))
        stage("bundle 100 articles", "bundle", lambda: stage_bundle(ctx))
        if "http" in wanted:
            print(f"  {size:,} articles: GET / and GET /articles/<slug> ...", flush=True)
            for name, figure in stage_http(ctx).items():
                figures[name] = figure
                print(f"    {name}: {_brief(figure)}", flush=True)
        stage("add (per article)", "add", lambda: stage_add(ctx))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
    return figures


def _brief(figure: Figure) -> str:
    over = " OVER BUDGET" if figure.over_budget else ""
    extra = "".join(f", {k} {v:.3g}" for k, v in figure.extra.items())
    return f"cpu {figure.cpu:.4g} s, wall {figure.wall:.4g} s, {figure.runs} runs{over}{extra}"


def startup_baseline(env: dict[str, str], args: argparse.Namespace) -> Figure:
    """``l10n status`` on an empty workspace: the interpreter and imports every CLI
    figure includes."""
    with tempfile.TemporaryDirectory(prefix="l10n-bench-empty-") as empty:

        def once() -> tuple[Sample, bool]:
            run = run_command([L10N, "status", "--root", empty], env=env, budget=60)
            return run.sample, run.over_budget

        samples, over = repeat_within(once, args.repeat, 120)
    return Figure.of(samples, over_budget=over)


def main() -> None:
    from newsroom_catalogs import big_catalog_stage, fuzzy_stage

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 100,1000")
    parser.add_argument("--fresh", action="store_true", help="rebuild cached workspaces")
    parser.add_argument("--build-jobs", type=int, default=2, help="processes building workspaces")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--budget", type=float, default=300,
                        help="wall seconds per stage and size, all runs together")  # fmt: skip
    parser.add_argument("--stages", default=",".join(STAGES), help=", ".join(STAGES))
    parser.add_argument("--catalog-entries", type=int, default=100_000,
                        help="big catalog for update RSS vs msgmerge; 0 skips")  # fmt: skip
    parser.add_argument("--fuzzy-entries", type=int, default=10_000,
                        help="catalog_update.py comparison size; 0 skips")  # fmt: skip
    parser.add_argument(
        "--redis",
        default=os.environ.get("L10N_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="broker for translate (flushed)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--merge", type=Path, help="start from a --json file of an earlier "
                        "run; figures measured now replace its figures")  # fmt: skip
    args = parser.parse_args()
    args.stages = [s for s in args.stages.split(",") if s]
    unknown = set(args.stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stages: {', '.join(sorted(unknown))}")
    sizes = [100, 1000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    if not args.stages:  # --stages "": only the catalog comparisons
        sizes = []
    results = Results(sizes)
    if args.merge:
        results = Results.load(args.merge, sizes)
    home = Path(tempfile.mkdtemp(prefix="l10n-bench-home-"))
    env = base_env(home)
    try:
        print(f"newsroom benchmark: sizes {sizes}, medians of {args.repeat}, "
              f"budget {args.budget:.0f} s per stage", flush=True)  # fmt: skip
        results.once["CLI start-up (status, empty workspace)"] = startup_baseline(env, args)
        for size in sizes:
            started = time.monotonic()
            results.by_size.setdefault(size, {}).update(run_size(size, args, env))
            print(f"  {size:,} articles: stages took {time.monotonic() - started:.0f} s",
                  flush=True)  # fmt: skip
        if args.fuzzy_entries:
            results.once.update(fuzzy_stage(args.fuzzy_entries, args, env))
        if args.catalog_entries:
            files = big_catalog_files(args.catalog_entries, fresh=args.fresh)
            results.once.update(big_catalog_stage(files, args, env))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print_report(results.sizes, results.by_size, results.once, args)
    if args.merge:
        print(f"(figures not measured in this run come from {args.merge})")
    if args.json:
        args.json.write_text(json.dumps(results.to_dict(), indent=2) + "\n")


if __name__ == "__main__":
    main()

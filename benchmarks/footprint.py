"""What a new user pays before the first translation: install size, worker import
time, and the time a fresh worker takes to deliver its first translated chunk.

1. **Install size**: a fresh venv in a temp dir, ``pip install .`` of this repo
   (not editable, no test extras; pip's own cache is reused, so only the first run
   downloads), measured with ``du`` semantics (file sizes under the venv). Goal
   <= 450 MB (issue #11: torch alone was 754 MB).
2. **Worker import**: ``import workers.main`` (what ``celery -A workers.main
   worker`` imports: the Celery app of ``l10n_service.jobs``) in a fresh interpreter
   of that venv, CPU time (user + sys of the process, from ``resource``) and wall
   time around the import statement alone, median of ``--repeat`` processes; and
   ``import ctranslate2`` the same way, which the argos engine imports lazily on its
   first chunk (argostranslate itself is no longer a dependency: mt/argos_packages.py
   reads its packages). Figures only, no goal.
3. **First chunk**: the sample article is added, one translation job (argos engine,
   the suite's tiny en->de package from tests/support/tiny_argos.py installed in
   an isolated argos data dir) is enqueued on Redis *before* any worker runs, then
   ``l10n worker`` is started. Measured: wall time from just before the worker
   process is spawned to the moment the job record shows its first chunk applied
   to the catalog (the job store is polled every 5 ms), i.e. Python start-up,
   imports, Celery boot, broker connection, engine and model load, translation,
   and the apply task. Also the CPU time (user + sys) of the worker's whole process
   tree at that moment (/proc), which does not stretch when other processes share
   the CPUs. Median of ``--repeat`` fresh workers. Goal < 1.5 s.

Every goal is printed with PASS or FAIL. ``--quick`` skips the venv (it uses the
interpreter running this script, and prints no size) and measures once: a smoke
test that the script runs, not a figure.

    .venv/bin/python benchmarks/footprint.py [--repeat 5] [--quick] [--broker URL]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
SLUG = "pyongyang-marathon"
SIZE_GOAL_MB = 450.0
FIRST_CHUNK_GOAL_S = 1.5

IMPORT_SCRIPT = """
import resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0, w0 = cpu(), time.perf_counter()
__import__(sys.argv[1])
print(cpu() - c0, time.perf_counter() - w0)
"""


def venv_size_mb(venv: Path) -> float:
    """Apparent size of every file under ``venv`` (links counted once, not followed)."""
    total = 0
    seen: set[tuple[int, int]] = set()
    for folder, _dirs, files in os.walk(venv):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total / 1e6


def biggest(venv: Path, count: int = 8) -> list[tuple[str, float]]:
    """The largest entries of the venv's site-packages, in MB, largest first."""
    (site,) = venv.glob("lib/python*/site-packages")
    sizes = [
        (entry.name, venv_size_mb(entry) if entry.is_dir() else entry.stat().st_size / 1e6)
        for entry in site.iterdir()
        if not entry.name.endswith((".dist-info", ".pth"))
    ]
    return sorted(sizes, key=lambda kv: -kv[1])[:count]


def startup_seconds(python: Path, repeat: int) -> float:
    """Median wall time of ``python -c pass`` (the interpreter alone, for scale)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([str(python), "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def make_venv(target: Path) -> Path:
    """A fresh venv with this repo installed as a user would (``pip install .``)."""
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    python = target / "bin" / "python"
    build = Path(tempfile.mkdtemp(prefix="l10n-footprint-src-"))
    try:
        # A copy without the working tree's venvs and build leftovers, so pip's
        # build does not trip over them (it copies the source tree).
        shutil.copytree(
            REPO, build / "src", symlinks=True,
            ignore=shutil.ignore_patterns(".venv", ".git", "demo", "build", "*.egg-info",
                                          "test-artifacts", "__pycache__"),
        )  # fmt: skip
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", str(build / "src")],
            check=True,
        )
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return python


def import_times(python: Path, module: str, repeat: int) -> tuple[float, float]:
    """Median (CPU s, wall s) of importing ``module`` in ``repeat`` fresh processes
    (run from the repository root, where ``workers/`` lives)."""
    cpu, wall = [], []
    for _ in range(repeat):
        out = subprocess.run(
            [str(python), "-c", IMPORT_SCRIPT, module],
            cwd=REPO, check=True, capture_output=True, text=True,
        )  # fmt: skip
        c, w = map(float, out.stdout.split())
        cpu.append(c)
        wall.append(w)
    return statistics.median(cpu), statistics.median(wall)


def _env(home: Path, broker: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "L10N_"))}
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        (home / var.lower()).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / var.lower())
    env.update(L10N_BROKER_URL=broker, L10N_MT_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + sys) of process ``pid`` and every descendant now alive,
    plus what their exited children were charged (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(x) for x in fields[11:15]) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(p, 0.0) for p in tree)


def first_chunk_seconds(
    bin_dir: Path, env: dict[str, str], tmp: Path, run: int
) -> tuple[float, float]:
    """(wall, CPU) seconds from spawning a fresh ``l10n worker`` to the first chunk
    of a waiting job applied (see the module docstring)."""
    import redis

    redis.Redis.from_url(env["L10N_BROKER_URL"]).flushdb()
    l10n = str(bin_dir / "l10n")
    root = tmp / f"ws-{run}"
    for command in (
        ["add", str(SAMPLE)],
        ["translate", SLUG, "--to", "de", "--engine", "argos"],  # enqueued, nobody consumes
    ):
        subprocess.run([l10n, *command, "--root", str(root)], env=env, check=True,
                       capture_output=True)  # fmt: skip
    (record,) = (root / ".l10n" / "jobs").glob("*.json")
    started = time.perf_counter()
    worker = subprocess.Popen(
        [l10n, "worker", "--root", str(root), "--concurrency", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while True:
            try:
                job = json.loads(record.read_text("utf-8"))
            except ValueError:  # caught mid-write: read again
                job = {}
            if job.get("done_chunks"):
                elapsed = time.perf_counter() - started
                cpu = tree_cpu_seconds(worker.pid)
                break
            if worker.poll() is not None:
                error = worker.stderr.read() if worker.stderr else ""
                raise SystemExit(f"the worker exited: {error}")
            if time.perf_counter() - started > 120:
                raise SystemExit("no chunk applied within 120 s")
            time.sleep(0.005)
    finally:
        worker.terminate()
        worker.wait()
    if job.get("failed"):
        raise SystemExit(f"the chunk failed: {next(iter(job['failed'].values()))}")
    return elapsed, cpu


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="no venv, one run each")
    parser.add_argument(
        "--broker",
        default=os.environ.get("L10N_TEST_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Redis URL for the first-chunk run (flushed)",
    )
    args = parser.parse_args()
    repeat = 1 if args.quick else max(1, args.repeat)

    from tests.support.tiny_argos import build_tiny_argos_package

    tmp = Path(tempfile.mkdtemp(prefix="l10n-footprint-"))
    lines: list[str] = []
    try:
        if args.quick:
            python = Path(sys.executable)
        else:
            print("creating a fresh venv with `pip install .` (pip's cache reused) ...")
            python = make_venv(tmp / "venv")
            size = venv_size_mb(tmp / "venv")
            lines.append(
                f"install size (fresh venv, pip install .): {size:.0f} MB "
                f"(goal <= {SIZE_GOAL_MB:.0f} MB) {verdict(size <= SIZE_GOAL_MB)}"
            )
            torch = list((tmp / "venv").glob("lib/python*/site-packages/torch"))
            lines.append(f"torch installed: {'yes' if torch else 'no'}")
            lines.append(
                "largest: " + ", ".join(f"{n} {mb:.0f} MB" for n, mb in biggest(tmp / "venv"))
            )
        bin_dir = python.parent
        baseline = startup_seconds(python, repeat)
        for module in ("workers.main", "ctranslate2"):
            cpu, wall = import_times(python, module, repeat)
            lines.append(
                f"import {module}: {cpu:.2f} s CPU, {wall:.2f} s wall "
                f"(median of {repeat} fresh processes; `python -c pass` takes "
                f"{baseline:.2f} s wall here)"
            )
        env = _env(tmp / "home", args.broker)
        package = build_tiny_argos_package(tmp / "pkg", "en", "de", mode="accent")
        subprocess.run(
            [str(bin_dir / "l10n"), "models", "install", str(package)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        runs = [first_chunk_seconds(bin_dir, env, tmp, i) for i in range(repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        lines.append(
            f"first translated chunk in a fresh worker (spawn -> chunk applied), wall: "
            f"{wall:.2f} s median of {repeat} [{', '.join(f'{r[0]:.2f}' for r in runs)}] "
            f"(goal < {FIRST_CHUNK_GOAL_S} s) {verdict(wall < FIRST_CHUNK_GOAL_S)}"
        )
        lines.append(
            f"first translated chunk, CPU of the worker's process tree: {cpu:.2f} s median "
            f"(the same goal without other load on the machine) "
            f"{verdict(cpu < FIRST_CHUNK_GOAL_S)}"
        )
        lines.append(
            f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
            "(wall times stretch when it exceeds the CPUs)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

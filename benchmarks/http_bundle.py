"""Bundle serving: nginx on the static file vs our API, side by side in one run.

Measures with wrk (32 connections, 2 threads) on one published bundle.json:
nginx (1 worker) serving ``bundles/`` as plain files; our exact-file URL; our
negotiated URL (``Accept-Language`` + ``Accept``); both through ``l10n serve``
(uvicorn, 1 worker). Prints requests/s, p99 latency and the ratio to nginx.
Needs Debian's ``wrk`` and ``nginx-light`` (``apt-get install wrk nginx-light``).

    .venv/bin/python benchmarks/http_bundle.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
SLUG = "pyongyang-marathon"

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    types {{ application/json json; text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float]:
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rate, float(p99.group(1)) * scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is missing: apt-get install wrk nginx-light")
    tmp = Path(tempfile.mkdtemp(prefix="l10n-bench-http-"))
    tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
    root = tmp / "ws"
    env = {**os.environ, "L10N_ROOT": str(root)}
    env.pop("L10N_BROKER_URL", None)
    l10n = str(BIN / "l10n")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for step in (["add", str(SAMPLE)], ["translate", SLUG, "--to", "de", "--engine", "pseudo"],
                     ["bundle", SLUG]):  # fmt: skip
            subprocess.run([l10n, *step, "--root", str(root)], env=env, check=True,
                           capture_output=True)  # fmt: skip
        bundle = (root / "bundles" / SLUG / "de" / "bundle.json").resolve()
        size = bundle.stat().st_size

        nginx_port, api_port = free_port(), free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=root / "bundles"))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        procs.append(subprocess.Popen([nginx, "-c", str(conf)], stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(
            [l10n, "serve", "--port", str(api_port), "--root", str(root)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        static = f"http://127.0.0.1:{nginx_port}/{SLUG}/de/bundle.json"
        exact = f"http://127.0.0.1:{api_port}/articles/{SLUG}/de/bundle.json"
        negotiated = f"http://127.0.0.1:{api_port}/articles/{SLUG}"
        wait_http(static)
        wait_http(exact)
        runs = {
            "nginx, static bundle.json": (static, {}),
            "l10n serve, exact file URL": (exact, {}),
            "l10n serve, negotiated (Accept-Language)": (
                negotiated,
                {"Accept-Language": "de-CH,de;q=0.9,en;q=0.5", "Accept": "application/json"},
            ),
        }
        results = {label: wrk(url, args.seconds, headers) for label, (url, headers) in
                   runs.items()}  # fmt: skip
        base = results["nginx, static bundle.json"][0]
        print(f"\nbundle.json of {size} bytes, wrk -t2 -c32 -d{args.seconds}s, same machine")
        print(f"{'server':<44} {'req/s':>9} {'p99 ms':>8} {'vs nginx':>9}")
        for label, (rate, p99) in results.items():
            print(f"{label:<44} {rate:>9.0f} {p99:>8.1f} {rate / base:>8.1%}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

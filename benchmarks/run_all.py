"""Run every benchmark in one go (``make bench``); each prints its own medians and
ratios against its baseline measured in the same run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "catalog_update.py",
    "tm_lookup.py",
    "extract_speed.py",
    "sentence_splitters.py",
    "mt_throughput.py",
    "job_recovery.py",
    "apertium_throughput.py",
    "http_bundle.py",
]


def main() -> int:
    failed = []
    for name in ORDER:
        path = HERE / name
        if not path.exists():
            continue
        print(f"\n===== {name} =====", flush=True)
        if subprocess.run([sys.executable, str(path)]).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

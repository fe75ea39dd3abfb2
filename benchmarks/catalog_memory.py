"""What a parsed catalog holds in memory, the figure the apply worker's cache of
parsed catalogs (``services/catalog_cache.py``) is bounded by.

For each shape of catalog (an article's machine-translated entries with comments,
flags and an old msgid; tiny entries, the most objects per byte; long paragraphs),
a file just under ``--mib`` MiB (default 32, the largest upload) is parsed with
``read_po`` in a fresh interpreter; printed: the RSS it adds (``/proc/self/status``
after a full collection), that over the file's size, the cache's estimate
(``held_bytes``) and the RSS left once the catalog is dropped.

    .venv/bin/python benchmarks/catalog_memory.py [--mib 32]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

SHAPES = {
    "article": '#. block {i}\n#: a.md:{i}\n#, fuzzy, l10n-machine\n#| msgid "old text {i}"\n'
    'msgctxt "b{i:06x}"\nmsgid "The minister said on Monday that the budget for sentence {i} '
    'would pass."\nmsgstr "Der Minister sagte am Montag, der Haushalt für Satz {i} werde '
    'verabschiedet."\n\n',
    "tiny": 'msgctxt "{i}"\nmsgid "w{i}"\nmsgstr ""\n\n',
    "long": '#: a.md:{i}\nmsgid "' + "Long sentence words " * 100 + '{i}"\nmsgstr "'
    + "Langer Satz Wörter " * 100 + '{i}"\n\n',
}

PROBE = """
import gc, sys
from l10n_service.catalog.store import read_po
from l10n_service.services.catalog_cache import Content, held_bytes

def rss():
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status")
                if l.startswith("VmRSS"))

target, entry = int(sys.argv[1]), sys.argv[2]
head = 'msgid ""\\nmsgstr ""\\n"Content-Type: text/plain; charset=UTF-8\\\\n"\\n\\n'
parts, size, i = [head], len(head), 0
while True:
    e = entry.format(i=i)
    if size + len(e.encode()) > target:
        break
    parts.append(e)
    size += len(e.encode())
    i += 1
data = "".join(parts).encode()
gc.collect()
base = rss()
po = read_po(data, "x.po")
gc.collect()
held = rss() - base
estimate = held_bytes(po, Content(len(data), b""))
del po
gc.collect()
print(len(data), i, held, estimate, rss() - base)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=32.0)
    args = parser.parse_args()
    target = int(args.mib * 2**20) - 4096
    for shape, entry in SHAPES.items():
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(target), entry],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        size, entries, held, estimate, left = map(int, out.split())
        mib = 2**20
        print(
            f"{shape:8} file {size / mib:5.1f} MiB, {entries:7,} entries:"
            f" RSS +{held / mib:4.0f} MiB"
            f" ({held / size:4.1f}x the file, {held / entries:5,.0f} B an entry),"
            f" estimate {estimate / mib:4.0f} MiB, left after dropping it {left / mib:3.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

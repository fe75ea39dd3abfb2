"""``l10n update`` against GNU msgmerge on generated catalogs, in one run.

For each size: a translated catalog of sentences built from the sample article's
words, and a template in which 10% of the msgids were edited (a word substituted,
inserted or dropped). Then, on the same files:

* GNU ``msgmerge --previous`` (fuzzy matching) and ``msgmerge -N`` (no fuzzy),
* ours: read both files, :func:`update_catalog`, write the result; with and without
  fuzzy matching,

printing median wall times, our speed-up, and match quality: how many edited
entries came out fuzzy with their own original as the ``#|`` previous msgid.

    .venv/bin/python benchmarks/catalog_update.py                     # 10k
    .venv/bin/python benchmarks/catalog_update.py --sizes 10000,100000 \
        --skip-msgmerge-fuzzy-above 10000

msgmerge's fuzzy run takes ~25 s at 10k and ~20 minutes at 100k on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from l10n_service.catalog.store import parse_po, read_po, render_po, write_po  # noqa: E402
from l10n_service.catalog.update import update_catalog  # noqa: E402

ARTICLE = REPO / "examples" / "articles" / "pyongyang-marathon.txt"
EDITED_SHARE = 0.10


def article_words() -> list[str]:
    """The article's words with their frequencies (sampling from this list is Zipf-like)."""
    return re.findall(r"[A-Za-z][A-Za-z’'-]*|[0-9]+", ARTICLE.read_text("utf-8"))


def make_sentence(rng: random.Random, words: list[str]) -> str:
    count = rng.randint(5, 18)
    chosen = [rng.choice(words) for _ in range(count)]
    chosen[0] = chosen[0][:1].upper() + chosen[0][1:]
    return " ".join(chosen) + rng.choice([".", ".", ".", "?", "!", ":"])


def edit_sentence(rng: random.Random, words: list[str], sentence: str) -> str:
    """One or two word-level edits, like an editor fixing an article."""
    tokens = sentence.split(" ")
    for _ in range(rng.choice([1, 1, 2])):
        op = rng.choice(["substitute", "insert", "drop"])
        at = rng.randrange(len(tokens))
        if op == "substitute":
            tokens[at] = rng.choice(words)
        elif op == "insert":
            tokens.insert(at, rng.choice(words))
        elif len(tokens) > 4:
            del tokens[at]
    return " ".join(tokens)


def pseudo_translation(text: str) -> str:
    return " ".join(word[::-1] for word in reversed(text.split(" ")))


def make_catalogs(
    size: int, seed: int = 1, unusable_share: float = 0.0
) -> tuple[polib.POFile, polib.POFile, dict[str, str]]:
    """(translated catalog, edited template, edited msgid -> its original msgid).

    ``unusable_share`` of the catalog's entries carry no usable translation: half of
    them untranslated, half fuzzy (drawn from their own random stream, so the msgids
    and edits are the same whatever the share)."""
    states = random.Random(seed + 1)
    rng = random.Random(seed)
    words = article_words()
    msgids: list[str] = []
    seen: set[str] = set()
    while len(msgids) < size:
        sentence = make_sentence(rng, words)
        if sentence not in seen:
            seen.add(sentence)
            msgids.append(sentence)
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "bench",
        "Language": "de",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {**po.metadata, "Language": ""}
    edited: dict[str, str] = {}
    for number, msgid in enumerate(msgids):
        where = [("articles/bench.txt", str(number + 1))]
        entry = polib.POEntry(msgid=msgid, msgstr=pseudo_translation(msgid), occurrences=where)
        if states.random() < unusable_share:
            if states.random() < 0.5:
                entry.msgstr = ""
            else:
                entry.flags.append("fuzzy")
        po.append(entry)
        new_id = msgid
        if rng.random() < EDITED_SHARE:
            new_id = edit_sentence(rng, words, msgid)
            if new_id in seen or new_id == msgid:
                new_id = msgid
            else:
                seen.add(new_id)
                edited[new_id] = msgid
        pot.append(polib.POEntry(msgid=new_id, msgstr="", occurrences=where))
    return po, pot, edited


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def quality(result: Path, edited: dict[str, str]) -> tuple[int, int, int]:
    """(edited entries matched to their own original, matched to another one, left new)."""
    po = read_po(result)
    own = other = missed = 0
    for entry in po:
        if entry.obsolete or entry.msgid not in edited:
            continue
        if "fuzzy" in entry.flags and entry.previous_msgid == edited[entry.msgid]:
            own += 1
        elif entry.msgstr:
            other += 1
        else:
            missed += 1
    return own, other, missed


def run_size(size: int, args: argparse.Namespace, work: Path) -> None:
    po, pot, edited = make_catalogs(size)
    old, template = work / f"old-{size}.po", work / f"new-{size}.pot"
    old.write_text(render_po(parse_po(render_po(po))), "utf-8")
    template.write_text(render_po(pot), "utf-8")
    print(f"\n== {size:,} entries, {len(edited):,} edited msgids ==")
    rows: list[tuple[str, list[float], str]] = []

    def ours(fuzzy: bool, out: Path) -> Callable[[], object]:
        def action() -> object:
            new, _ = update_catalog(read_po(old), read_po(template), "de", fuzzy=fuzzy)
            write_po(new, out)
            return None

        return action

    ours_fuzzy_out, ours_plain_out = work / f"ours-{size}.po", work / f"ours-n-{size}.po"
    rows.append(("ours, fuzzy", timed(ours(True, ours_fuzzy_out), args.repeat), ""))
    rows.append(("ours, no fuzzy", timed(ours(False, ours_plain_out), args.repeat), ""))
    msgmerge = shutil.which("msgmerge")
    mm_fuzzy_out, mm_plain_out = work / f"mm-{size}.po", work / f"mm-n-{size}.po"
    ran_mm_fuzzy = False
    if msgmerge:
        plain = [msgmerge, "-q", "-N", "-o", str(mm_plain_out), str(old), str(template)]
        rows.append(
            ("msgmerge -N", timed(lambda: subprocess.run(plain, check=True), args.repeat), "")
        )
        if size <= args.skip_msgmerge_fuzzy_above:
            fuzzy = [msgmerge, "-q", "--previous", "-o", str(mm_fuzzy_out), str(old), str(template)]
            repeat = args.repeat if size <= 10_000 else 1
            rows.append(
                (
                    "msgmerge --previous",
                    timed(lambda: subprocess.run(fuzzy, check=True), repeat),
                    "",
                )
            )
            ran_mm_fuzzy = True
        else:
            print(
                f"(msgmerge with fuzzy matching skipped at {size:,}: --skip-msgmerge-fuzzy-above)"
            )
    else:
        print("(GNU msgmerge not found: only our timings)")
    print(f"{'what':<22}{'median s':>10}{'runs':>6}   all runs")
    for name, times, _ in rows:
        runs = " ".join(f"{t:.3f}" for t in times)
        print(f"{name:<22}{statistics.median(times):>10.3f}{len(times):>6}   {runs}")
    medians = {name: statistics.median(times) for name, times, _ in rows}
    if "msgmerge --previous" in medians:
        ratio = medians["msgmerge --previous"] / medians["ours, fuzzy"]
        print(f"speed-up with fuzzy matching: msgmerge / ours = {ratio:.1f}x")
    if "msgmerge -N" in medians:
        ratio = medians["msgmerge -N"] / medians["ours, no fuzzy"]
        print(f"speed-up without fuzzy:       msgmerge -N / ours = {ratio:.2f}x")
    own, other, missed = quality(ours_fuzzy_out, edited)
    print(
        f"match quality, ours:     {own}/{len(edited)} edited entries matched to their own "
        f"original ({other} to another entry, {missed} left untranslated)"
    )
    if ran_mm_fuzzy:
        own, other, missed = quality(mm_fuzzy_out, edited)
        print(
            f"match quality, msgmerge: {own}/{len(edited)} edited entries matched to their own "
            f"original ({other} to another entry, {missed} left untranslated)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated entry counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--skip-msgmerge-fuzzy-above",
        type=int,
        default=10**9,
        metavar="N",
        help="don't run msgmerge's fuzzy matching on catalogs bigger than N (20 min at 100k)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"sizes {sizes}, {args.repeat} runs each (msgmerge fuzzy above 10k: one run)")
    with tempfile.TemporaryDirectory(prefix="l10n-bench-") as tmp:
        for size in sizes:
            run_size(size, args, Path(tmp))


if __name__ == "__main__":
    main()

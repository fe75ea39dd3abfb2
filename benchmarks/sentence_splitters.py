"""Sentence splitting: pysbd (what we use) vs spaCy's rule-based sentencizer vs a regex.

Every segment a translator sees is a sentence from the splitter, so its mistakes are
costly both ways: a missed boundary makes an over-long entry (worse MT, worse
translation-memory reuse), a false one cuts ``Dr. | Sharma`` in two and the halves
get translated apart. This measures boundary precision and recall against
hand-labelled gold (``tests/data/sentences_gold.json``):

* ``sample``: the paragraphs, FAQ answers and interview turns of
  ``examples/articles/pyongyang-marathon.txt`` (real news copy, with its sloppy
  ``picture.On`` and ``Sharma,thank``);
* ``tricky``: short hand-written cases for the known hard spots (titles, initialisms,
  ``e.g.``, ``No. 5``, decimals, quotes, ellipses, URLs, initials, ``Time.news``,
  missing spaces, abbreviations at a sentence end).

A boundary is the offset where a sentence ends (trailing whitespace trimmed), the last
one of each text excluded; a prediction counts when it falls on a gold boundary.
Speed is gold sentences per second of splitting, each text split on its own as the
builder does, best of ``--repeat`` runs.

    .venv/bin/python benchmarks/sentence_splitters.py [--repeat 5] [--show-errors 8]

spaCy runs as ``spacy.blank("en")`` + ``sentencizer``: no model download, as here.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from l10n_service.core.sentences import sentence_spans  # noqa: E402

GOLD = REPO / "tests" / "data" / "sentences_gold.json"

Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    boundaries: frozenset[int]
    sentences: int


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    sentences_per_s: float
    false_splits: list[tuple[str, str]]  # (example id, text around the wrong cut)
    missed: list[tuple[str, str]]


def load_gold(path: Path = GOLD) -> dict[str, list[Example]]:
    """Gold boundaries from sentence lists, checked to tile each text exactly, so a typo
    in the gold file fails loudly instead of skewing the scores."""
    data = json.loads(path.read_text("utf-8"))
    sets: dict[str, list[Example]] = {}
    for name in ("sample", "tricky"):
        examples = []
        for item in data[name]:
            text, ends, pos = item["text"], [], 0
            for sentence in item["sentences"]:
                at = text.find(sentence, pos)
                if at < 0 or text[pos:at].strip():
                    raise ValueError(f"{name}/{item['id']}: {sentence!r} is not next in the text")
                pos = at + len(sentence)
                ends.append(pos)
            if text[pos:].strip():
                raise ValueError(f"{name}/{item['id']}: text left after the last sentence")
            examples.append(Example(item["id"], text, frozenset(ends[:-1]), len(ends)))
        sets[name] = examples
    return sets


def boundaries(text: str, spans: Spans) -> frozenset[int]:
    """Where each predicted sentence but the last ends, trailing whitespace trimmed."""
    ends = []
    for _, end in spans:
        while end > 0 and text[end - 1].isspace():
            end -= 1
        ends.append(end)
    return frozenset(e for e in ends[:-1] if 0 < e < len(text.rstrip()))


# --------------------------------------------------------------------------- splitters


def pysbd_ours(text: str) -> Spans:
    """Exactly what the builder calls: pysbd behind our windowing and char mapping."""
    return sentence_spans(text, "en")


def make_spacy() -> Splitter | None:
    """spaCy's sentencizer, or None when spaCy is not installed (our dependencies no
    longer pull it in: ``pip install spacy`` to compare)."""
    try:
        import spacy
    except ImportError:
        return None

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def split(text: str) -> Spans:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    return split


# Terminal punctuation, closing quotes/brackets, then whitespace: the textbook regex.
_NAIVE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")


def naive_regex(text: str) -> Spans:
    spans, start = [], 0
    for match in _NAIVE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# --------------------------------------------------------------------------- scoring


def _context(text: str, at: int) -> str:
    return (text[max(0, at - 28) : at] + " | " + text[at : at + 22]).replace("\n", " ")


def score(split: Splitter, examples: Sequence[Example], repeat: int) -> Score:
    hits = predicted = gold = 0
    false_splits: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for ex in examples:
        found = boundaries(ex.text, split(ex.text))
        hits += len(found & ex.boundaries)
        predicted += len(found)
        gold += len(ex.boundaries)
        false_splits += [(ex.id, _context(ex.text, at)) for at in sorted(found - ex.boundaries)]
        missed += [(ex.id, _context(ex.text, at)) for at in sorted(ex.boundaries - found)]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for ex in examples:
            split(ex.text)
        best = min(best, time.perf_counter() - start)
    precision = hits / predicted if predicted else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    sentences = sum(ex.sentences for ex in examples)
    return Score(precision, recall, f1, sentences / best, false_splits, missed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing runs, best kept")
    parser.add_argument("--show-errors", type=int, default=8, help="errors listed per splitter")
    args = parser.parse_args()

    gold = load_gold()
    splitters: dict[str, Splitter] = {"pysbd (ours)": pysbd_ours}
    spacy_split = make_spacy()
    if spacy_split is None:
        print("spaCy is not installed: its sentencizer is left out (pip install spacy)")
    else:
        splitters["spaCy sentencizer"] = spacy_split
    splitters["naive regex"] = naive_regex
    for split in splitters.values():  # warm up: pysbd and spaCy build caches on first use
        split("Warm up. Dr. Who is here.")

    results: dict[tuple[str, str], Score] = {}
    for set_name, examples in gold.items():
        for name, split in splitters.items():
            results[set_name, name] = score(split, examples, args.repeat)

    for set_name, examples in gold.items():
        n_bound = sum(len(ex.boundaries) for ex in examples)
        n_sent = sum(ex.sentences for ex in examples)
        print(f"\n{set_name}: {len(examples)} texts, {n_sent} sentences, {n_bound} boundaries")
        print(f"{'splitter':<20}{'precision':>10}{'recall':>8}{'F1':>7}{'sentences/s':>14}")
        for name in splitters:
            s = results[set_name, name]
            print(
                f"{name:<20}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
                f"{s.sentences_per_s:>14,.0f}"
            )

    for set_name in gold if args.show_errors else ():
        print(f"\nErrors on {set_name} ('|' marks the cut that is wrong or missing):")
        for name in splitters:
            s = results[set_name, name]
            print(f"  {name}: {len(s.false_splits)} false splits, {len(s.missed)} missed")
            for kind, errors in (("false", s.false_splits), ("missed", s.missed)):
                for example_id, context in errors[: args.show_errors]:
                    print(f"    {kind:<6} {example_id:<26} {context!r}")

    print()
    print(recommend(results, list(splitters)))


def recommend(results: dict[tuple[str, str], Score], names: list[str]) -> str:
    """One line: the best mean F1 (the real article and the tricky set weigh the same),
    its speed against the runner-up, and where it still fails."""

    def mean_f1(name: str) -> float:
        return (results["sample", name].f1 + results["tricky", name].f1) / 2

    ranked = sorted(names, key=mean_f1, reverse=True)
    best, ours = ranked[0], names[0]
    others = ", ".join(f"{n} {mean_f1(n):.3f}" for n in ranked[1:])
    runner_up = ranked[1]
    slower = results["sample", runner_up].sentences_per_s / results["sample", best].sentences_per_s
    misses = sorted({i for s in ("sample", "tricky") for i, _ in results[s, best].missed})
    verdict = "keep pysbd" if best == ours else f"switch to {best}"
    return (
        f"Recommendation: {verdict} (mean F1 {mean_f1(best):.3f} vs {others}); it is "
        f"{slower:.1f}x slower than the runner-up ({runner_up}), it errs least; "
        f"still missed: "
        f"{', '.join(misses[:4]) or 'nothing'}."
    )


if __name__ == "__main__":
    main()

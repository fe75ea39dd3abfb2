"""FuzzyIndex finds what scoring every pair with msgmerge's measure finds."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from l10n_service.core.fuzzy import FuzzyIndex

WORDS = [
    "the",
    "race",
    "runners",
    "north",
    "city",
    "crowd",
    "finish",
    "line",
    "marathon",
    "opened",
    "again",
    "after",
    "years",
    "foreign",
    "ran",
    "stadium",
    "Pyongyang",
    "sports",
    "diplomacy",
    "amateur",
    "athletes",
    "kilometres",
    "streets",
    "cheered",
]


def _sentences(rng: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14))))
    return sorted(found)


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    at = rng.randrange(len(words))
    op = rng.choice(["sub", "ins", "del", "typo"])
    if op == "sub":
        words[at] = rng.choice(WORDS)
    elif op == "ins":
        words.insert(at, rng.choice(WORDS))
    elif op == "del" and len(words) > 1:
        del words[at]
    else:
        word = words[at]
        words[at] = word[:-1] if len(word) > 3 else word + "s"
    return " ".join(words)


def test_agrees_with_brute_force() -> None:
    rng = random.Random(3)
    choices = _sentences(rng, 3000)
    queries = [_edit(rng, rng.choice(choices)) for _ in range(400)]
    queries += ["x", "", "race", "the the the", "Marathon!"]
    found = FuzzyIndex(choices).best_many(queries, 0.6)
    agree = 0
    for query, hit in zip(queries, found, strict=True):
        best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=60)
        if hit is not None:  # whatever we return is a real match with its real score
            assert hit[1] == pytest.approx(fuzz.ratio(query, choices[hit[0]]) / 100)
            assert hit[1] >= 0.6
        if (hit is None) == (best is None) and (hit is None or abs(hit[1] * 100 - best[1]) < 1e-6):
            agree += 1
    assert agree >= 0.99 * len(queries)


def test_short_strings_without_shared_grams() -> None:
    index = FuzzyIndex(["%s KB", "OK", "Save file", "a" * 200])
    assert index.best("%s new KB")[0] == 0  # type: ignore[index]
    assert index.best("OK!")[0] == 1  # type: ignore[index]
    assert index.best("Save files") == (
        2,
        pytest.approx(fuzz.ratio("Save files", "Save file") / 100),
    )
    assert index.best("zzz") is None


def test_case_and_spacing_do_not_hide_candidates() -> None:
    index = FuzzyIndex(["The Marathon Opened Again After Five Years"])
    assert index.best("the marathon opened again after five years.") is not None
    assert index.best("The  Marathon opened again   after five years") is not None


def test_top_lists_matches_best_first_and_ties_go_to_the_earliest() -> None:
    index = FuzzyIndex(["the race was run", "the race was won", "the race was run", "other"])
    top = index.top("the race was run!", 0.5, limit=3)
    assert [i for i, _ in top] == [0, 2, 1]
    assert top[0][1] == top[1][1] > top[2][1]
    assert index.top("the race was run!", 0.99) == []
    assert index.best("the race was run") == (0, 1.0)


def test_empty_inputs() -> None:
    assert FuzzyIndex([]).best("anything") is None
    assert FuzzyIndex(["a b c"]).best_many([]) == []
    assert FuzzyIndex(["", "x"]).best("") == (0, 1.0)


def test_unicode_text() -> None:
    choices = [
        "Марафон в Пхеньяне снова открыт",
        "日本語の文章はスペースがありません",
        "Straße frei",
    ]
    index = FuzzyIndex(choices)
    assert index.best("Марафон в Пхеньяне открыт снова")[0] == 0  # type: ignore[index]
    assert index.best("日本語の文章にはスペースがありません")[0] == 1  # type: ignore[index]
    assert index.best("STRASSE frei") is None or index.best("Straße frei!")[0] == 2  # type: ignore[index]

"""Near-match search between source strings, with msgmerge's measure.

GNU msgmerge scores 2*matches/(len1+len2) with a 0.6 cut-off; rapidfuzz's
``fuzz.ratio`` is the same measure in C++. Candidates are first narrowed by shared
character 4-grams (what msgmerge does too), so each query is compared with a
handful of strings instead of all of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz

__all__ = ["FuzzyIndex"]

_N = 4
_MAX_CANDIDATES = 64


def _grams(text: str) -> set[str]:
    folded = text.casefold()
    if len(folded) < _N:
        return {folded}
    return {folded[i : i + _N] for i in range(len(folded) - _N + 1)}


class FuzzyIndex:
    """Index ``choices`` once, then ask for the best match of many queries."""

    def __init__(self, choices: Sequence[str]):
        self.choices = list(choices)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, choice in enumerate(self.choices):
            for gram in _grams(choice):
                self._postings[gram].append(i)
        # Very common grams say little and cost a lot; skip them when ranking.
        self._stop = max(50, len(self.choices) // 10)

    def best(self, query: str, cutoff: float = 0.6) -> tuple[int, float] | None:
        """Index and score (0..1) of the best choice scoring at least ``cutoff``."""
        if not self.choices:
            return None
        shared: Counter[int] = Counter()
        for gram in _grams(query):
            postings = self._postings.get(gram)
            if postings and len(postings) <= self._stop:
                shared.update(postings)
        if not shared:
            return None
        best: tuple[int, float] | None = None
        qlen = len(query)
        for index, _ in shared.most_common(_MAX_CANDIDATES):
            choice = self.choices[index]
            # The ratio can't reach the cut-off if the lengths are too far apart.
            if 2 * min(qlen, len(choice)) / (qlen + len(choice) or 1) < cutoff:
                continue
            floor = max(cutoff, best[1]) * 100 if best else cutoff * 100
            score = fuzz.ratio(query, choice, score_cutoff=floor) / 100
            if score >= cutoff and (best is None or score > best[1]):
                best = (index, score)
        return best

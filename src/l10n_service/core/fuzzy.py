"""Near-match search between source strings, with msgmerge's measure, fast.

GNU msgmerge scores 2*matches/(len1+len2) with a 0.6 cut-off; rapidfuzz's
``fuzz.ratio`` is the same measure in C++. Scoring every pair is what makes msgmerge
take minutes on big catalogs, so candidates are narrowed first, in numpy:

1. every choice's features are computed at once: character 4-grams of the
   case-folded text (msgmerge's index; all of them for short strings, a quarter
   picked by hash for long ones, so both sides pick the same grams) and word bigrams
   (one edited word leaves a sentence's other word pairs intact, and pairs stay rare
   when the vocabulary is small, where 4-grams are shared by thousands of strings);
2. they are sorted into an inverted index; a batch of queries looks up only each
   query's rarest features, each counting its inverse document frequency, and the
   choices with the most weight after a length filter (a pair whose lengths rule out
   the cut-off is never scored) become candidates;
3. only those candidates are scored exactly with ``fuzz.ratio``.

Short queries are also compared with every short choice of a compatible length, so
nothing that shares too few features to be found is missed. Ties go to the earliest
choice, so results are deterministic.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from .allocation import gc_paused

__all__ = ["FuzzyIndex"]

_SHORT = 16  # below this many characters a query is also compared exhaustively
_SHORT_CHOICE = 40  # ...with the choices shorter than this
_WINDOW = 4  # 4-grams kept: the minimum hash of each run of this many
_CANDIDATES = 24  # exact scores computed per query
_FEATURES = 16  # a query looks up at most its rarest features...
_MIN_FEATURES = 3  # ...at least this many...
_POSTINGS = 500  # ...and beyond those, only while they add up to this many postings
_SURE = 0.85  # a query whose best match scores less gets a second, wider look
_STOP = 5000  # a feature found in more choices than this is never looked up
_BATCH = 1024  # queries looked up together (bounds the memory of one lookup: ~50 MB)

IntArray = npt.NDArray[np.int64]
Array = npt.NDArray[Any]
_STATE_VERSION = 1  # bump when features or layout change: saved states are rebuilt
UIntArray = npt.NDArray[np.uint32]


_RANDOM = (
    np.random.default_rng(20240).integers(1, 2**32, size=64, dtype=np.uint64).astype(np.uint32)
)
_MULT = np.uint32(0x01000193)


def _features(texts: Sequence[str]) -> tuple[UIntArray, IntArray]:
    """(feature hash, text index) pairs of the case-folded texts, all in numpy."""
    codes = np.frombuffer("\x00".join(texts).casefold().encode("utf-32-le"), dtype=np.uint32)
    size = codes.size
    zero = codes == 0
    owner = np.cumsum(zero, dtype=np.int32)
    owner -= zero
    grams, owner_of_grams = np.zeros(0, np.uint32), np.zeros(0, np.int32)
    if size >= _WINDOW + 3:
        hashed = codes[:-3] * _MULT
        for k in (1, 2, 3):
            hashed ^= codes[k : size - 3 + k]
            hashed *= _MULT
        hashed ^= hashed >> np.uint32(15)
        invalid = zero[:-3] | zero[1:-2]
        invalid |= zero[2:-1]
        invalid |= zero[3:]
        hashed[invalid] = np.uint32(0xFFFFFFFF)
        # Winnowing: the smallest hash of every window of _WINDOW grams, so any
        # substring of _WINDOW + 3 characters two texts share gives a shared feature.
        span = hashed.size - _WINDOW + 1
        window_min = hashed[:span].copy()
        for k in range(1, _WINDOW):
            np.minimum(window_min, hashed[k : k + span], out=window_min)
        chosen = np.zeros(hashed.size, dtype=bool)
        for k in range(_WINDOW):
            chosen[k : k + span] |= hashed[k : k + span] == window_min
        chosen &= ~invalid
        grams, owner_of_grams = hashed[chosen], owner[:-3][chosen]
    # Word bigrams: a word is a run of characters above the space; its hash sums each
    # character times a random number for its position in the word.
    blank = codes <= 32
    first = ~blank
    first[1:] &= blank[:-1]
    starts = np.flatnonzero(first)
    if starts.size < 2:
        return grams, owner_of_grams.astype(np.int64)
    position = np.arange(size, dtype=np.int32)
    position -= starts[np.maximum(np.cumsum(first, dtype=np.int32) - 1, 0)].astype(np.int32)
    position &= 63
    contribution = codes * _RANDOM[position]
    contribution[blank] = 0
    running = np.concatenate(([0], np.cumsum(contribution, dtype=np.uint32))).astype(np.uint32)
    words = running[np.append(starts[1:], size)] - running[starts]
    same_text = owner[starts[:-1]] == owner[starts[1:]]
    pairs = words[:-1] * np.uint32(0x9E3779B1)
    pairs ^= words[1:] + np.uint32(0x7F4A7C15)
    pairs *= _MULT
    pairs ^= pairs >> np.uint32(16)
    return (
        np.concatenate((grams, pairs[same_text])),
        np.concatenate((owner_of_grams, owner[starts[:-1]][same_text])).astype(np.int64),
    )


_CHUNK_TEXTS = 4096  # texts whose features are computed together


def _chunked_features(texts: Sequence[str]) -> tuple[UIntArray, npt.NDArray[np.int32]]:
    """:func:`_features` of many texts, a chunk at a time: its working arrays take
    about 40 bytes per character, 400 MB for 100k sentences at once. A text's
    features do not depend on its neighbours, so the result is the same. Owners are
    int32 (an index holds fewer than 2**31 choices), half the postings' memory."""
    keys: list[UIntArray] = []
    owners: list[npt.NDArray[np.int32]] = []
    for first in range(0, len(texts), _CHUNK_TEXTS):
        chunk_keys, chunk_owners = _features(texts[first : first + _CHUNK_TEXTS])
        keys.append(chunk_keys)
        owners.append((chunk_owners + first).astype(np.int32))
    if not keys:
        return np.zeros(0, np.uint32), np.zeros(0, np.int32)
    return np.concatenate(keys), np.concatenate(owners)


class FuzzyIndex:
    """Index ``choices`` once, then ask for the best matches of many queries."""

    def __init__(self, choices: Sequence[str], *, state: dict[str, Array] | None = None):
        """Build the index, or take a :meth:`state` saved from one built on ``choices``."""
        self.choices = list(choices)
        if state is not None:
            self._set_state(state)
            return
        count = len(self.choices)
        self._lengths = np.fromiter((len(c) for c in self.choices), np.int64, count)
        with gc_paused():
            keys, owners = _chunked_features(self.choices)
        order = np.argsort(keys)
        keys, self._postings = keys[order], owners[order]
        del order, owners
        if keys.size:
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        else:
            starts = np.zeros(0, np.int64)
        self._keys = keys[starts]
        self._starts = starts.astype(np.int64)
        self._counts = np.diff(np.append(self._starts, keys.size)).astype(np.int64)
        self._idf = np.log1p(count / np.maximum(self._counts, 1))
        # short choices sorted by length, for the exhaustive path
        short = sorted((len(c), i) for i, c in enumerate(self.choices) if len(c) < _SHORT_CHOICE)
        self._short_lengths = [length for length, _ in short]
        self._short_ids = [i for _, i in short]

    _STATE = ("lengths", "postings", "keys", "starts", "counts", "idf")

    def state(self) -> dict[str, Array]:
        """The built index as arrays, to save next to the choices and load back in a
        fraction of the time a build takes (the translation memory does)."""
        arrays: dict[str, Array] = {name: getattr(self, "_" + name) for name in self._STATE}
        arrays["short_lengths"] = np.array(self._short_lengths, dtype=np.int64)
        arrays["short_ids"] = np.array(self._short_ids, dtype=np.int64)
        arrays["version"] = np.array([_STATE_VERSION], dtype=np.int64)
        return arrays

    def _set_state(self, state: dict[str, Array]) -> None:
        if int(state["version"][0]) != _STATE_VERSION or state["lengths"].size != len(self.choices):
            raise ValueError("saved index state does not fit these choices")
        for name in self._STATE:
            setattr(self, "_" + name, state[name])
        self._short_lengths = state["short_lengths"].tolist()
        self._short_ids = state["short_ids"].tolist()

    def __len__(self) -> int:
        return len(self.choices)

    def best(self, query: str, cutoff: float = 0.6) -> tuple[int, float] | None:
        """Index and score (0..1) of the best choice scoring at least ``cutoff``."""
        return self.best_many([query], cutoff)[0]

    def best_many(
        self, queries: Sequence[str], cutoff: float = 0.6
    ) -> list[tuple[int, float] | None]:
        """:meth:`best` for many queries at once (much faster than one by one)."""
        return [found[0] if found else None for found in self.top_many(queries, cutoff, 1)]

    def top(self, query: str, cutoff: float = 0.6, limit: int = 5) -> list[tuple[int, float]]:
        """Up to ``limit`` (index, score) pairs scoring at least ``cutoff``, best first."""
        return self.top_many([query], cutoff, limit)[0]

    def top_many(
        self, queries: Sequence[str], cutoff: float = 0.6, limit: int = 5
    ) -> list[list[tuple[int, float]]]:
        """:meth:`top` for many queries at once."""
        results: list[list[tuple[int, float]]] = [[] for _ in queries]
        if not self.choices or not queries:
            return results
        keep = max(_CANDIDATES, limit)
        for first in range(0, len(queries), _BATCH):
            batch = queries[first : first + _BATCH]
            candidates = self._candidates(batch, cutoff, keep, _FEATURES, _POSTINGS)
            unsure: list[int] = []
            for offset, query in enumerate(batch):
                found = candidates.get(offset, [])
                if len(query) < _SHORT or not found:
                    found = sorted(set(found) | set(self._short_candidates(query, cutoff)))
                scored = self._score(query, found, cutoff, limit)
                results[first + offset] = scored
                if not scored or scored[0][1] < _SURE:
                    unsure.append(offset)
            if not unsure:
                continue
            # When nothing close turned up, the rare features were not shared (all
            # features are common in a small vocabulary): look again, further.
            again = self._candidates(
                [batch[i] for i in unsure], cutoff, 2 * keep, 2 * _FEATURES, 8 * _POSTINGS
            )
            for position, offset in enumerate(unsure):
                more = again.get(position)
                if more:
                    query = batch[offset]
                    known = {index for index, _ in results[first + offset]}
                    merged = [
                        *results[first + offset],
                        *self._score(query, [i for i in more if i not in known], cutoff, limit),
                    ]
                    merged.sort(key=lambda hit: (-hit[1], hit[0]))
                    results[first + offset] = merged[:limit]
        return results

    def _score(
        self, query: str, found: Sequence[int], cutoff: float, limit: int
    ) -> list[tuple[int, float]]:
        floor = cutoff * 100
        scored: list[tuple[float, int]] = []
        choices = self.choices
        for index in found:
            score = fuzz.ratio(query, choices[index], score_cutoff=floor)
            if score >= floor:
                scored.append((-score, index))
        scored.sort()
        return [(index, -score / 100) for score, index in scored[:limit]]

    def _short_candidates(self, query: str, cutoff: float) -> list[int]:
        """Every short choice whose length allows a score of ``cutoff``."""
        size = len(query)
        if cutoff <= 0:
            return list(range(len(self.choices)))
        # 2*min(a, b)/(a+b) >= c  <=>  a*c/(2-c) <= b <= a*(2-c)/c
        low = size * cutoff / (2 - cutoff)
        high = size * (2 - cutoff) / cutoff
        lo = bisect.bisect_left(self._short_lengths, low - 1e-9)
        hi = bisect.bisect_right(self._short_lengths, high + 1e-9)
        return self._short_ids[lo:hi]

    def _candidates(
        self, queries: Sequence[str], cutoff: float, keep: int, features: int, postings: int
    ) -> dict[int, list[int]]:
        """Per query (by position in ``queries``), the choices sharing the most weight."""
        with gc_paused():
            keys, owners = _features(queries)
        if not keys.size or not self._keys.size:
            return {}
        slot = np.searchsorted(self._keys, keys)
        slot[slot >= self._keys.size] = 0
        known = (self._keys[slot] == keys) & (self._counts[slot] <= _STOP)
        slot, owners = slot[known], owners[known]
        if not slot.size:
            return {}
        # each query keeps its rarest features, within a budget of postings
        order = np.lexsort((self._counts[slot], owners))
        slot, owners = slot[order], owners[order]
        group = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
        sizes = np.diff(np.append(group, owners.size))
        rank = np.arange(owners.size) - np.repeat(group, sizes)
        running = np.cumsum(self._counts[slot])
        running -= np.repeat(running[group] - self._counts[slot][group], sizes)
        rare = (rank < _MIN_FEATURES) | ((rank < features) & (running <= postings))
        slot, owners = slot[rare], owners[rare]
        counts = self._counts[slot]
        total = int(counts.sum())
        # expand every (query, feature) into the choices that have the feature
        ends = np.cumsum(counts)
        position = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
        position += np.repeat(self._starts[slot], counts)
        choice = self._postings[position]
        query = np.repeat(owners, counts)
        weight = np.repeat(self._idf[slot], counts)
        # a length filter before anything is summed or sorted
        query_lengths = np.fromiter((len(q) for q in queries), np.int64, len(queries))
        qlen, clen = query_lengths[query], self._lengths[choice]
        fits = 2 * np.minimum(qlen, clen) >= cutoff * (qlen + clen)
        query, choice, weight = query[fits], choice[fits], weight[fits]
        if not query.size:
            return {}
        key = query * len(self.choices) + choice
        order = np.argsort(key, kind="stable")
        key, weight = key[order], weight[order]
        head = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        shared = np.add.reduceat(weight, head)
        key = key[head]
        query, choice = key // len(self.choices), key % len(self.choices)
        order = np.lexsort((choice, -shared, query))
        query, choice = query[order], choice[order]
        group = np.flatnonzero(np.concatenate(([True], query[1:] != query[:-1])))
        rank = np.arange(query.size) - np.repeat(group, np.diff(np.append(group, query.size)))
        best = rank < keep
        query_list, choice_list = query[best].tolist(), choice[best].tolist()
        found: dict[int, list[int]] = {}
        for owner, index in zip(query_list, choice_list, strict=True):
            found.setdefault(owner, []).append(index)
        return found

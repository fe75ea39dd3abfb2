"""Which export copies are pruned: old *and* superseded, never the newest few nor a
young one (``core.retention``)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from l10n_service.core.retention import stale_copies

NOW = 1_000_000 * 1_000_000_000
DAY = 86_400


def _at(days_ago: float) -> int:
    return NOW - int(days_ago * DAY * 1_000_000_000)


def test_old_copies_beyond_the_newest_few_go() -> None:
    copies = [("a.po", _at(40)), ("b.po", _at(35)), ("c.po", _at(31)), ("d.po", _at(2))]
    assert stale_copies(copies, now_ns=NOW, keep=2, max_age_s=30 * DAY) == ["b.po", "a.po"]
    # the newest are kept however old; young ones however many
    assert stale_copies(copies, now_ns=NOW, keep=4, max_age_s=0) == []
    assert stale_copies(copies, now_ns=NOW, keep=0, max_age_s=50 * DAY) == []
    assert stale_copies(copies, now_ns=NOW, keep=1, max_age_s=32 * DAY) == ["b.po", "a.po"]


def test_equal_times_do_not_depend_on_the_listing_order() -> None:
    copies = [(f"{n}.po", _at(60)) for n in range(6)]
    shuffled = random.Random(7).sample(copies, len(copies))
    assert stale_copies(shuffled, now_ns=NOW, keep=2, max_age_s=DAY) == [
        "3.po", "2.po", "1.po", "0.po"
    ]  # fmt: skip


@given(
    ages=st.lists(st.floats(0, 400), max_size=30),
    keep=st.integers(0, 12),
    max_days=st.floats(1, 365),
)
def test_a_pruned_copy_is_old_and_has_keep_newer_ones(
    ages: list[float], keep: int, max_days: float
) -> None:
    copies = [(f"{n:03}.po", _at(age)) for n, age in enumerate(ages)]
    stale = set(stale_copies(copies, now_ns=NOW, keep=keep, max_age_s=max_days * DAY))
    when = dict(copies)
    for name in stale:
        assert when[name] < NOW - max_days * DAY * 1_000_000_000
        newer = [n for n, t in copies if (t, n) > (when[name], name)]
        assert len(newer) >= keep
    kept = [(n, t) for n, t in copies if n not in stale]
    # everything kept is young or among the newest `keep`
    ranked = sorted(copies, key=lambda c: (c[1], c[0]), reverse=True)[:keep]
    for name, t in kept:
        assert (name, t) in ranked or t >= NOW - max_days * DAY * 1_000_000_000

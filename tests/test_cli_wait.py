"""``l10n translate --wait`` / ``l10n jobs wait``: which progress bars are drawn."""

from __future__ import annotations

from l10n_service.cli.translate import per_job_bars


def test_per_job_bars_only_on_a_terminal_with_a_row_for_each() -> None:
    assert per_job_bars(3, True, 24)
    assert per_job_bars(22, True, 24)  # 22 bars + the summary + the prompt
    assert not per_job_bars(23, True, 24)
    assert not per_job_bars(300, True, 50)  # the summary bar alone
    assert not per_job_bars(3, False, 24)  # a pipe or a log: the summary bar alone

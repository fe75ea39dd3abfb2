"""Helpers for tests that deliver a job's chunks themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from l10n_service.services.jobs_store import Job

__all__ = ["Held"]


class Held:
    """A Dispatch that sends nothing: the test delivers the chunks itself."""

    def __call__(
        self, root: str, job: Job, plans: Sequence[Mapping[str, Any]], indices: Iterable[int]
    ) -> None:
        pass

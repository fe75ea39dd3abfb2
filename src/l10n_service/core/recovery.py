"""Which chunks of running jobs are lost: the pure half of the job supervisor.

A chunk is *outstanding* until its job records it; it is *held* while a queue or a
live worker has one of its tasks. A chunk outstanding and held by nobody was lost
(its worker died, or a broker restart dropped a message in flight). Moving from
one stage to the next (translated, apply being published) it can look unheld for
an instant, so it is called lost only when two rounds in a row saw it unheld:
re-sending is harmless (apply is idempotent, a chunk is counted once) but costs a
second translation.

Task ids carry the job and chunk, so a worker's list of tasks says which chunks it
holds without reading the tasks' arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["ChunkRef", "Verdict", "chunk_task_id", "judge", "parse_task_id"]

_PREFIX = "l10n"


@dataclass(frozen=True, order=True)
class ChunkRef:
    job_id: str
    chunk: int


def chunk_task_id(job_id: str, chunk: int, step: str, nonce: str) -> str:
    """The id of one step (``t`` translate, ``a`` apply, ``e`` errback) of one send of
    a chunk; ``nonce`` differs per send, so each send counts its deliveries apart."""
    return f"{_PREFIX}.{job_id}.{chunk}.{step}.{nonce}"


def parse_task_id(task_id: str) -> ChunkRef | None:
    """The chunk a task id names; None for a task that is not a chunk's."""
    parts = task_id.split(".")
    if len(parts) != 5 or parts[0] != _PREFIX or not parts[2].isdigit():
        return None
    return ChunkRef(parts[1], int(parts[2]))


@dataclass(frozen=True)
class Verdict:
    lost: frozenset[ChunkRef]  # send again now
    suspects: frozenset[ChunkRef]  # unheld this round: lost if still unheld next round


def judge(
    outstanding: Mapping[str, Iterable[int]],
    held: Iterable[ChunkRef],
    opaque_jobs: Iterable[str],
    suspects: Iterable[ChunkRef],
) -> Verdict:
    """One round. ``outstanding``: job id -> chunks not yet recorded; ``held``: what
    queues and live workers showed; ``opaque_jobs``: jobs whose queue may hold
    chunks it cannot list (nothing of theirs is suspected); ``suspects``: the
    previous round's."""
    held_set, opaque, before = set(held), set(opaque_jobs), set(suspects)
    unheld = {
        ChunkRef(job_id, chunk)
        for job_id, chunks in outstanding.items()
        if job_id not in opaque
        for chunk in chunks
        if ChunkRef(job_id, chunk) not in held_set
    }
    lost = unheld & before
    return Verdict(lost=frozenset(lost), suspects=frozenset(unheld - lost))

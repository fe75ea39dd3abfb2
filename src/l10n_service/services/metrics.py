"""Prometheus metrics (the only module that imports ``prometheus_client``).

Figures that belong to the whole deployment are read when Prometheus scrapes,
from where they live, so every API process reports the same numbers whichever
one is asked: jobs by state and segments translated from the workspace's job
records, queue depths from the broker. Only request latency is per process (a
histogram this process observes); with ``--workers N`` each uvicorn process
keeps its own, as Prometheus's client does without multiprocess mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import get_args

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..workspace import Workspace
from .jobs_store import JobState, JobStore

__all__ = ["CONTENT_TYPE", "Depths", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Queue name -> messages waiting; None when the broker cannot tell (embedded or down).
Depths = Callable[[Iterable[str]], dict[str, int] | None]
# Seconds: pages and bundles take milliseconds, uploads and merges up to seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _WorkspaceCollector(Collector):
    def __init__(self, ws: Workspace, depths: Depths, always: tuple[str, ...], embedded: bool):
        self.ws, self.depths, self.always, self.embedded = ws, depths, always, embedded

    def collect(self) -> Iterator[Metric]:
        jobs = JobStore(self.ws).all()
        by_state = GaugeMetricFamily("l10n_jobs", "Jobs by state (job records).", labels=["state"])
        for state in get_args(JobState):
            by_state.add_metric([state], sum(1 for job in jobs if job.state == state))
        yield by_state
        translated = CounterMetricFamily(
            "l10n_segments_translated",
            "Segments machine-translated by all jobs; rate() of it is segments/s.",
        )
        translated.add_metric([], sum(job.translated for job in jobs))
        yield translated
        failed = CounterMetricFamily("l10n_segments_failed", "Segments whose MT failed.")
        failed.add_metric([], sum(len(job.failed) for job in jobs))
        yield failed
        if self.embedded:
            return
        depths = self.depths({*self.always, *(job.queue for job in jobs)})
        up = GaugeMetricFamily("l10n_broker_up", "1 when the broker answered this scrape.")
        up.add_metric([], 0 if depths is None else 1)
        yield up
        if depths is not None:
            depth = GaugeMetricFamily(
                "l10n_queue_depth", "Messages waiting in each queue.", labels=["queue"]
            )
            for queue, count in sorted(depths.items()):
                depth.add_metric([queue], count)
            yield depth


class Metrics:
    """One application's metrics: its own registry (several apps in one process,
    as tests build them, do not collide), the request histogram, the collector."""

    def __init__(
        self, ws: Workspace, depths: Depths, *, always: Iterable[str] = (), embedded: bool
    ):
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "l10n_http_request_duration_seconds",
            "HTTP request latency by method, route template and status.",
            labelnames=("method", "route", "status"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_WorkspaceCollector(ws, depths, tuple(always), embedded))

    def observe(self, method: str, route: str, status: int, started: float) -> None:
        """A finished request; ``started`` is its ``time.perf_counter()``."""
        elapsed = time.perf_counter() - started
        self.latency.labels(method, route, str(status)).observe(elapsed)

    def render(self) -> bytes:
        return generate_latest(self.registry)

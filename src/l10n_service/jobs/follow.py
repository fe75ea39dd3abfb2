"""A worker started without ``--queues`` follows the installed engines: it starts
on every queue they serve (``mt.registry.worker_queues``) and, every
``L10N_QUEUE_REFRESH_S`` seconds (30), starts consuming the queue of a pair
installed since (``l10n models install``, an Apertium package), with no restart.

The worker is asked through Celery's remote control (``add_consumer``, addressed
to itself only): the control command runs in the worker's own event loop, where
changing its consumer is safe, and not in the thread that noticed the new pair.
Nothing is ever removed: a pair uninstalled meanwhile fails its chunks loudly,
which is better than leaving them queued silently.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from celery.signals import worker_ready, worker_shutdown

__all__ = ["follow_installed_queues"]

log = logging.getLogger("l10n_service.worker")


def follow_installed_queues(app: Any, wanted: Callable[[], list[str]]) -> None:
    """Once the worker is ready, add a consumer for each queue in ``wanted()`` it
    does not consume yet, every ``L10N_QUEUE_REFRESH_S`` seconds."""
    interval = float(os.environ.get("L10N_QUEUE_REFRESH_S", "30"))
    stop = threading.Event()

    def loop(hostname: str, consuming: set[str]) -> None:
        while not stop.wait(interval):
            try:
                new = sorted(set(wanted()) - consuming)
                for queue in new:
                    app.control.add_consumer(queue, destination=[hostname], reply=False)
                    consuming.add(queue)
                    log.info("now consuming %s (newly installed)", queue, extra={"queue": queue})
            except Exception as exc:  # a broker blip or a broken plugin: try again later
                log.warning("could not refresh the queues: %s", exc)

    def on_ready(sender: Any = None, **_: Any) -> None:
        consuming = {queue.name for queue in sender.task_consumer.queues}
        threading.Thread(
            target=loop, args=(sender.hostname, consuming), name="l10n-queues", daemon=True
        ).start()

    def on_shutdown(**_: Any) -> None:
        stop.set()

    worker_ready.connect(on_ready, weak=False)
    worker_shutdown.connect(on_shutdown, weak=False)

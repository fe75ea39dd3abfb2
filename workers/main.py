"""``celery -A workers.main worker -Q mt.en-de`` works as well as ``l10n worker``.

The app and its settings live in :mod:`l10n_service.jobs`; this module only exposes
them under the conventional name so deployments can use the stock celery CLI and
Flower (``celery -A workers.main flower``).
"""

from l10n_service.jobs.app import app

__all__ = ["app"]

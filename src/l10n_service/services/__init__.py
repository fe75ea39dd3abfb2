"""Use cases, called by the CLI, the HTTP API and the Celery tasks alike.

Each module is one stage: ``articles`` (add, explain), ``catalogs`` (templates,
update, status, import, approve), ``review`` (export for a translator, merge an
upload back), ``qa`` (QA reports), ``machine`` (translation jobs), ``memory``
(the translation memory), ``bundles``.
"""

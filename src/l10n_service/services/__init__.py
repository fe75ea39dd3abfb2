"""Use cases, called by the CLI, the HTTP API and the Celery tasks alike.

Each module is one stage: ``articles`` (add, explain), ``catalogs`` (templates,
update, status, import, approve), ``machine`` (translation jobs), ``bundles``.
"""

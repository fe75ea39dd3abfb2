"""The queue adapter: the Celery app and its thin tasks (the only Celery import)."""

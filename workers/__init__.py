"""Deployment entry points for Celery workers (see compose.yaml)."""

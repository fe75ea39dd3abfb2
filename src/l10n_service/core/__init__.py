"""The pure core: article model, segmentation, placeholders, catalog policy, rendering.

Nothing in this package touches files, the network, Celery or an MT library; the
import rule is enforced by ``tests/test_boundaries.py``.
"""

"""The real ``l10n`` command line with the suite's SubRip format registered: what a
deployment that adds a format does (one ``register`` call, before the CLI starts).

Run as ``python -m tests.support.l10n_with_srt ARGS...`` from the repository root.
"""

from __future__ import annotations

from l10n_service.core.formats import register
from tests.support.srt_format import SubRipFormat

register(SubRipFormat())

from l10n_service.cli import main  # noqa: E402  (help texts list the formats registered)

if __name__ == "__main__":
    main()

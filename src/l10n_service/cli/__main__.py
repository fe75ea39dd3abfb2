"""``python -m l10n_service.cli`` (the embedded worker starts itself this way)."""

from . import main

main()

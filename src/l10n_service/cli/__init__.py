"""The ``l10n`` command line: every pipeline step, run locally on a workspace.

Wiring only: each command parses options, calls one service function and prints.
User errors end with one line on stderr and a non-zero exit, never a traceback.
Commands live in one module per group (articles, status, review, translate,
servers, admin); importing them registers them on the shared Typer app.
"""

from __future__ import annotations

import sys

from ..errors import InputError, L10nError
from ..storage import disk_full

# Importing a command module registers its commands; this order is the order of --help.
# isort: off
from . import articles, status, translate, review, servers, admin  # noqa: F401

# isort: on
from .base import app

__all__ = ["app", "main"]


def _exit_code(exc: L10nError) -> int:
    """2: the user's input is wrong or names something that does not exist; 3: a merge
    conflict to resolve; 1: anything else (an engine, the job queue, the lock server,
    a full disk)."""
    from ..errors import ConflictError, NotFoundError

    if isinstance(exc, InputError | NotFoundError):
        return 2
    return 3 if isinstance(exc, ConflictError) else 1


def main() -> None:
    try:
        app()
    except L10nError as exc:
        # One plain line: rich would wrap it to the terminal width.
        message = " ".join(str(exc).split())
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(_exit_code(exc)) from None
    except Exception as exc:
        # A full disk met outside storage.write_atomic (a library writing its own
        # files: SQLite, argostranslate, a bundle folder): still one line.
        full = disk_full(exc)
        if full is None:
            raise
        sys.stderr.write(f"error: {full}\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None

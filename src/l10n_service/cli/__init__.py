"""The ``l10n`` command line: every pipeline step, run locally on a workspace.

Wiring only: each command parses options, calls one service function and prints.
User errors end with one line on stderr and a non-zero exit, never a traceback.
Commands live in one module per group (articles, review, translate, servers,
admin); importing them registers them on the shared Typer app.
"""

from __future__ import annotations

import sys

from ..errors import InputError, L10nError

# Importing a command module registers its commands; this order is the order of --help.
# isort: off
from . import articles, translate, review, servers, admin  # noqa: F401

# isort: on
from .base import app

__all__ = ["app", "main"]


def _exit_code(exc: L10nError) -> int:
    """2: the user's input is wrong; 3: a merge conflict to resolve; 1: anything else."""
    from ..errors import ConflictError

    if isinstance(exc, InputError):
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
    except KeyboardInterrupt:
        raise SystemExit(130) from None

"""What every command module shares: the Typer apps, the consoles, ``--root``
and small option parsers. Wiring only; no command lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..workspace import Workspace

__all__ = ["RootOption", "app", "console", "err", "jobs_app", "models_app", "short", "split",
           "tm_app", "tokens_app", "workspace"]  # fmt: skip

app = typer.Typer(
    help="Localize news and blog articles through gettext catalogs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(
    help="List MT engines and their language pairs; install argostranslate models.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")
jobs_app = typer.Typer(help="Follow, resume and cancel translation jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
tm_app = typer.Typer(help="The translation memory: TMX import/export, size.", no_args_is_help=True)
app.add_typer(tm_app, name="tm")
tokens_app = typer.Typer(help="Create, list and revoke HTTP API tokens.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")
# One line per fact (scripts grep the output); tables get 120 columns when piped.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)

# L10N_ROOT is the documented variable (the API and workers read it too);
# L10N_ROOT_DIR is the older spelling, still honoured.
RootOption = Annotated[
    Path,
    typer.Option("--root", help="Workspace directory.", envvar=["L10N_ROOT", "L10N_ROOT_DIR"]),
]


@app.callback()
def _options(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Workspace directory, for every command (also accepted after the command).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Localize news and blog articles through gettext catalogs."""
    # ``l10n --root DIR status``: the commands' own --root reads L10N_ROOT, and click
    # parses a command's options only after this callback ran, so setting the
    # variable here makes the leading option their default (a trailing one still wins).
    if root is not None:
        os.environ["L10N_ROOT"] = str(root)


def workspace(root: Path) -> Workspace:
    return Workspace.at(root)


def split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

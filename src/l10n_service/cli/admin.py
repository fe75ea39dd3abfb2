"""Administration: the translation memory, MT models and API tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .base import RootOption, console, err, models_app, split, tm_app, tokens_app, workspace


@tm_app.command("import")
def tm_import(tmx: Path, root: RootOption = Path(".")) -> None:
    """Add a TMX file (1.4) to the workspace's translation memory."""
    from ..tm.memory import TranslationMemory

    if not tmx.is_file():
        raise InputError(f"{tmx}: no such file")
    with TranslationMemory.open(workspace(root).root) as memory:
        count = memory.import_tmx(tmx)
    console.print(f"imported {count} translation units from {tmx}", markup=False)


@tm_app.command("export")
def tm_export(tmx: Path, root: RootOption = Path(".")) -> None:
    """Write the whole translation memory as TMX 1.4."""
    from ..tm.memory import TranslationMemory

    with TranslationMemory.open(workspace(root).root) as memory:
        count = memory.export_tmx(tmx)
    console.print(f"exported {count} translation units to {tmx}", markup=False)


@tm_app.command("stats")
def tm_stats(root: RootOption = Path(".")) -> None:
    """How many translation units the memory holds."""
    from ..tm.memory import TranslationMemory

    with TranslationMemory.open(workspace(root).root) as memory:
        console.print(f"{memory.count()} translation units", markup=False)


@models_app.command("install")
def models_install(path_or_name: str) -> None:
    """Install an argostranslate package from a .argosmodel file or the package index."""
    from ..mt.models import install_model

    info = install_model(path_or_name)
    console.print(f"installed {info.from_code} -> {info.to_code} ({info.version}) at {info.path}")


@models_app.command("remove")
def models_remove(pair: Annotated[str, typer.Argument(help="A pair like en-de.")]) -> None:
    """Uninstall an argostranslate package."""
    from ..mt.models import remove_model

    info = remove_model(pair)
    console.print(f"removed {info.from_code} -> {info.to_code} ({info.version})", markup=False)


@models_app.command("list")
def models_list() -> None:
    """Every MT engine, best-ranked first, with what it can translate now (for
    argostranslate: the installed packages); broken engine plugins on stderr."""
    from ..mt.registry import engines, problems

    for engine in engines():
        console.print(
            f"{engine.name}: {engine.label} [{engine.kind}, rank {engine.rank}]", markup=False
        )
        for line in engine.describe():
            console.print(f"  {line}", markup=False)
    for problem in problems():
        err.print(f"warning: {problem}", markup=False)


@tokens_app.command("create")
def tokens_create(
    role: Annotated[str, typer.Option(help="translator, reviewer or admin.")],
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="A translator's languages, e.g. de,fr.")
    ] = None,
    name: Annotated[str, typer.Option(help="Who holds it (recorded on approvals).")] = "",
    root: RootOption = Path("."),
) -> None:
    """Issue an API token. The secret is printed once, on stdout; only its hash is kept."""
    from ..auth import TokenStore

    store = TokenStore.for_workspace(workspace(root))
    record, secret = store.create(role, languages=split(lang), name=name)
    langs = f" for {','.join(record.languages)}" if record.languages else ""
    err.print(
        f"created {record.role.value} token {record.id} ({record.name}){langs}; "
        "store it now, it cannot be shown again",
        markup=False,
        highlight=False,
    )
    typer.echo(secret)


@tokens_app.command("list")
def tokens_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: RootOption = Path("."),
) -> None:
    """List tokens: id, name, role, languages, created, revoked (never the secrets)."""
    import time

    from ..auth import TokenStore

    records = TokenStore.for_workspace(workspace(root)).records()
    if as_json:
        typer.echo(json.dumps([r.public() for r in records], indent=2))
        return

    def when(stamp: float | None) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else ""

    from rich.table import Table

    table = Table("id", "name", "role", "languages", "created", "revoked", box=None)
    for r in records:
        table.add_row(r.id, r.name, r.role.value, ",".join(r.languages), when(r.created),
                      when(r.revoked))  # fmt: skip
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: str, root: RootOption = Path(".")) -> None:
    """Revoke a token by id; a running server refuses it from its next request."""
    from ..auth import TokenStore

    record = TokenStore.for_workspace(workspace(root)).revoke(token_id)
    console.print(f"revoked {record.role.value} token {record.id} ({record.name})")

"""The pure core imports no I/O adapter library, and each adapter library is
imported by its adapter only (STYLE.md's boundaries, enforced)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "l10n_service"

# library -> the only places allowed to import it
OWNERS = {
    "argostranslate": ("mt/argos.py", "mt/models.py"),
    "ctranslate2": ("mt/argos.py",),
    "celery": ("jobs/",),
    "kombu": ("jobs/",),
    "fastapi": ("http/",),
    "starlette": ("http/",),
    "uvicorn": ("cli.py", "http/"),
    "polib": ("catalog/", "services/", "tm/"),
    "redis": ("locking.py", "jobs/", "http/"),
    "sqlalchemy": ("tm/", "jobs/"),
}
CORE_FORBIDDEN = {"os", "subprocess", "socket", "shutil", "tempfile", "polib", "celery",
                  "argostranslate", "ctranslate2", "fastapi", "redis", "sqlalchemy"}  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_import_rules(path: Path) -> None:
    rel = str(path.relative_to(SRC))
    imported = _imports(path)
    if rel.startswith("core/"):
        assert not imported & CORE_FORBIDDEN, (
            f"core module {rel} imports {imported & CORE_FORBIDDEN}"
        )
    for library, owners in OWNERS.items():
        if library in imported:
            assert rel.startswith(owners), f"{rel} imports {library}; only {owners} may"

"""The pure core imports no I/O adapter library, each adapter library is imported by
its adapter only, the layers only import downwards, and no two modules of the
package import each other, however indirectly (STYLE.md's boundaries, enforced).

Every import counts: absolute and relative, at the top of a module and inside a
function (a function-level import hides a cycle from Python until it runs, not
from the design), and under ``if TYPE_CHECKING:`` too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "l10n_service"

# library -> the only places allowed to import it
OWNERS = {
    "argostranslate": ("mt/argos_packages.py",),
    "ctranslate2": ("mt/argos.py",),
    "celery": ("jobs/",),
    "kombu": ("jobs/",),
    "fastapi": ("http/",),
    "starlette": ("http/",),
    "uvicorn": ("cli/servers.py", "http/"),
    "polib": ("catalog/", "services/", "tm/"),
    "redis": ("locking.py", "job_events.py", "jobs/", "http/"),
    "sqlalchemy": ("tm/", "jobs/"),
    "prometheus_client": ("services/metrics.py",),
    "sqlite3": ("services/index.py", "services/index_db.py"),
}
CORE_FORBIDDEN = {"os", "subprocess", "socket", "shutil", "tempfile", "polib", "celery",
                  "argostranslate", "ctranslate2", "fastapi", "redis", "sqlalchemy"}  # fmt: skip
# Our own packages a layer may not import: the core and the engines sit at the
# bottom, services never reach up into the queue, HTTP or CLI that call them.
LAYERS = {
    "core": {"auth", "catalog", "cli", "http", "jobs", "locking", "mt", "services", "tm",
             "settings", "workspace"},
    "mt": {"auth", "catalog", "cli", "http", "jobs", "services", "tm", "workspace"},
    "services": {"cli", "http", "jobs"},
    "jobs": {"cli", "http"},
    "catalog": {"cli", "http", "jobs", "mt", "services"},
    "tm": {"cli", "http", "jobs", "mt", "services"},
}  # fmt: skip


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``import from`` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported(path: Path, module: str) -> Iterator[tuple[str, str]]:
    """(absolute name, imported name) for every import in the file, anywhere in it:
    ``from . import argos`` yields ``l10n_service.mt`` and ``l10n_service.mt.argos``."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, is_package)
            for alias in node.names:
                yield target, f"{target}.{alias.name}"


def module_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (at any level)."""
    files = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        edges = set()
        for target, member in _imported(path, module):
            if member in files:  # ``from pkg import submodule``
                edges.add(member)
            elif target in files:
                edges.add(target)
        edges.discard(module)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


MODULES = sorted(SRC.rglob("*.py"))
GRAPH = module_graph(SRC)


def _libraries(path: Path) -> set[str]:
    module = _module_name(path, SRC)
    return {target.split(".")[0] for target, _ in _imported(path, module)} - {"l10n_service"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_import_rules(path: Path) -> None:
    rel = str(path.relative_to(SRC))
    imported = _libraries(path)
    if rel.startswith("core/"):
        assert not imported & CORE_FORBIDDEN, (
            f"core module {rel} imports {imported & CORE_FORBIDDEN}"
        )
    for library, owners in OWNERS.items():
        if library in imported:
            assert rel.startswith(owners), f"{rel} imports {library}; only {owners} may"


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_downwards(layer: str) -> None:
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module.startswith(f"l10n_service.{layer}.") or module == f"l10n_service.{layer}"
        for target in targets
        if target.split(".")[1:2] and target.split(".")[1] in LAYERS[layer]
    )
    assert not wrong, f"{layer} imports a layer above it: {wrong}"


def test_no_import_cycles() -> None:
    found = cycles(GRAPH)
    assert not found, "import cycles: " + "; ".join(
        " -> ".join(c) + f" (edges: {[f'{a}->{b}' for a in c for b in GRAPH[a] & set(c)]})"
        for c in found
    )


def test_the_graph_sees_relative_and_function_level_imports() -> None:
    """The graph is not vacuous: it holds edges only a full reader finds."""
    assert "l10n_service.mt.base" in GRAPH["l10n_service.mt.pseudo"]  # from .base import
    assert "l10n_service.mt.models" in GRAPH["l10n_service.mt.argos"]  # inside describe()
    assert "l10n_service.services.memory" in GRAPH["l10n_service.services.machine"]  # in a function
    assert "l10n_service" in GRAPH["l10n_service.core.render"]  # from .. import __version__


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "pkg"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # the shape services.machine <-> jobs.app had: both imports inside functions
            {
                "pkg/__init__.py": "",
                "pkg/a/__init__.py": "",
                "pkg/a/svc.py": "def f():\n    from ..b.tasks import t\n",
                "pkg/b/__init__.py": "",
                "pkg/b/tasks.py": "def t():\n    from ..a import svc\n",
            },
            [["pkg.a.svc", "pkg.b.tasks"]],
        ),
        (  # three modules in a ring, absolute and relative mixed
            {
                "pkg/__init__.py": "",
                "pkg/x.py": "import pkg.y\n",
                "pkg/y.py": "from . import z\n",
                "pkg/z.py": "from .x import something\n",
            },
            [["pkg.x", "pkg.y", "pkg.z"]],
        ),
        (  # a chain is fine
            {"pkg/__init__.py": "", "pkg/x.py": "from . import y\n", "pkg/y.py": "import os\n"},
            [],
        ),
    ],
)
def test_cycle_finder_finds_cycles(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    assert cycles(module_graph(_write(tmp_path, files))) == expected


def _engine_name_literals(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines that compare something with an engine's name, or test membership in
    literal names: the choice belongs to the engine objects (rank, kind, queue_for)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                elts = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                if any(isinstance(e, ast.Constant) and e.value in names for e in elts):
                    found.append(node.lineno)
        elif isinstance(node, ast.match_case) and isinstance(node.pattern, ast.MatchValue):
            value = node.pattern.value
            if isinstance(value, ast.Constant) and value.value in names:
                found.append(node.pattern.lineno)
    return found


def test_nothing_outside_mt_compares_engine_names() -> None:
    from l10n_service.mt.registry import engines

    names = {engine.name for engine in engines()}
    assert {"pseudo", "argos", "apertium"} <= names
    wrong = {
        str(path.relative_to(SRC)): lines
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).parts[0] != "mt"
        and (lines := _engine_name_literals(ast.parse(path.read_text("utf-8")), names))
    }
    assert not wrong, f"engine names compared outside mt/: {wrong}"
    probe = ast.parse("if engine == 'pseudo' or name in ('argos', 'x'):\n    pass\n")
    assert _engine_name_literals(probe, names) == [1, 1]  # the finder is not vacuous


# Where the project's own modules live: the package, and the scripts that import it.
ROOTS = [SRC, SRC.parents[1] / "workers", SRC.parents[1] / "benchmarks"]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path, module: str, ours: set[str]) -> list[str]:
    """Another module's ``_name`` that ``path`` reaches: ``from m import _name`` (of
    a name, not of a private submodule of ours), or ``m._name`` on a module of ours
    it imported. A name two modules need is public in one of them; the underscore
    is a promise that only its own module depends on it."""
    tree = ast.parse(path.read_text("utf-8"))
    is_package = path.name == "__init__.py"
    bound: dict[str, str] = {}  # local name -> the module of ours it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            target = _resolve(node, module, is_package)
            for alias in node.names:
                member = f"{target}.{alias.name}"
                if member in ours:
                    bound[alias.asname or alias.name] = member
                elif _private(alias.name):
                    found.append(f"{node.lineno}: from {target} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in ours:
                    bound[alias.asname] = alias.name
                elif not alias.asname:
                    bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        parts, value = [], node.value
        while isinstance(value, ast.Attribute):
            parts.insert(0, value.attr)
            value = value.value
        if isinstance(value, ast.Name) and value.id in bound:
            owner = ".".join([bound[value.id], *parts])
            if owner in ours:
                found.append(f"{node.lineno}: {owner}.{node.attr}")
    return found


def _our_modules() -> dict[str, Path]:
    files = {}
    for root in ROOTS:
        # A package's modules by dotted name; scripts import each other by bare name.
        base = root if (root / "__init__.py").exists() else root / "x"
        for path in sorted(root.rglob("*.py")):
            files[_module_name(path, base)] = path
    return files


def test_no_module_uses_another_modules_private_names() -> None:
    files = _our_modules()
    ours = set(files)
    wrong = {
        str(path.relative_to(SRC.parents[1])): uses
        for module, path in files.items()
        if (uses := private_uses(path, module, ours))
    }
    assert not wrong, f"private names used across modules: {wrong}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from .index_db import _db, fresh_row\n", ["1: from pkg.index_db import _db"]),
        ("from pkg.index_db import _db\n", ["1: from pkg.index_db import _db"]),
        ("from . import index_db\nindex_db._db(ws)\n", ["2: pkg.index_db._db"]),
        ("import pkg.index_db\npkg.index_db._db(ws)\n", ["2: pkg.index_db._db"]),
        ("import pkg.index_db as d\nd._db(ws)\n", ["2: pkg.index_db._db"]),
        ("import os\nos._exit(0)\n", []),  # not ours
        ("from . import _impl\n", []),  # a private submodule of its own package
        ("from __future__ import annotations\n", []),
        ("def f():\n    from .index_db import _db\n", ["2: from pkg.index_db import _db"]),
    ],
)
def test_private_finder_finds_private_uses(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    root = _write(tmp_path, {"pkg/__init__.py": "", "pkg/index_db.py": "", "pkg/_impl.py": "",
                             "pkg/user.py": text})  # fmt: skip
    ours = {"pkg", "pkg.index_db", "pkg._impl", "pkg.user"}
    assert private_uses(root / "user.py", "pkg.user", ours) == expected

"""The package's import graph: no cycle, imports at the top of modules, a light command line.

Each module's imports are read with ``ast`` (nothing is imported to find them). The imports
a module runs when it is loaded (at its top, or in a top-level ``try``/``if``; not under
``if TYPE_CHECKING:``) make the graph; there must be no cycle in it. An import of the
package's own modules inside a function hides a cycle, so there is none outside the
command line, whose commands import the library when they run so that ``--help`` never
loads geopandas.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "healthy_streets"

#: Where an import of the package's own modules inside a function is allowed, and why.
LOCAL_IMPORTS_ALLOWED = {
    "healthy_streets/cli/": "each command loads the library when it runs: --help stays quick",
}

#: What the command line must not load to show its help: the geospatial stack, and
#: ``importlib.metadata`` (a third of the start-up once; the version is written in
#: ``healthy_streets/_version.py``, where the build reads it too).
HEAVY = (
    "pandas",
    "geopandas",
    "folium",
    "osmium",
    "osmnx",
    "statsmodels",
    "matplotlib",
    "importlib.metadata",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, module: str, path: Path) -> str:
    """The module an ``import from`` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> set[str]:
    """The package's modules an import statement loads (a package's own ``__init__``,
    which Python runs before any of its modules, only when a name is taken from it)."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = _absolute(node, module, path)
        names = {
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        }
    return {name for name in names if name in MODULES}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_time_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """Imports run when the module loads: at its top, or in top-level blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            found += _load_time_imports(node.body) + _load_time_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                found += _load_time_imports(block)
            for handler in node.handlers:
                found += _load_time_imports(handler.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it loads when it is loaded."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node in _load_time_imports(tree.body):
            edges |= _targets(node, module, path)
        graph[module] = edges - {module}
    return graph


def local_imports() -> list[str]:
    """``path:line module`` for every import of the package's modules inside a function."""
    found = []
    for module, path in MODULES.items():
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(prefix) for prefix in LOCAL_IMPORTS_ALLOWED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = _targets(node, module, path)
                    if isinstance(node, ast.ImportFrom) and node.level:
                        names.add(_absolute(node, module, path))
                    if names or _names_package(node):
                        found.append(f"{relative}:{node.lineno} {sorted(names)}")
    return found


def _names_package(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "healthy_streets" for alias in node.names)
    return bool(node.level) or (node.module or "").split(".")[0] == "healthy_streets"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first repeated last), or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_is_read_from_every_module():
    graph = import_graph()
    assert "healthy_streets.pipeline" in graph
    # the graph holds the edges the code has: the pipeline builds on the store and the project
    assert {"healthy_streets.io.store", "healthy_streets.project"} <= graph[
        "healthy_streets.pipeline"
    ]
    assert "healthy_streets.model.build" in graph["healthy_streets.io.store"]


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_graph_has_no_cycle():
    assert find_cycle(import_graph()) is None


def test_no_function_imports_the_package_outside_the_command_line():
    assert local_imports() == []


def test_layers_import_downwards_only():
    """io and analysis never import each other; the model imports neither; nothing below
    the command line (``healthy_streets.cli`` and ``python -m healthy_streets``) imports it."""
    graph = import_graph()
    for module, targets in graph.items():
        for target in targets:
            pair = (module, target)
            if module.startswith("healthy_streets.model."):
                assert not target.startswith(
                    ("healthy_streets.io", "healthy_streets.analysis", "healthy_streets.maps")
                ), pair
            if module.startswith("healthy_streets.io."):
                assert not target.startswith("healthy_streets.analysis"), pair
            if module.startswith("healthy_streets.analysis."):
                assert not target.startswith(("healthy_streets.io", "healthy_streets.maps")), pair
            # ``python -m healthy_streets`` is the command line too
            if not module.startswith(("healthy_streets.cli", "healthy_streets.__main__")):
                assert not target.startswith("healthy_streets.cli"), pair


@pytest.mark.parametrize("module", ["healthy_streets", "healthy_streets.cli"])
def test_the_command_line_loads_no_heavy_library(module):
    """``healthy-streets --help`` (and every command's) shows without loading the geospatial
    stack: the commands load the library when they run."""
    code = f"import sys, {module}; print(sorted(set({HEAVY!r}) & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["build", "--help"], ["summary", "--help"], ["hotspots", "-h"]],
)
def test_help_and_version_load_no_heavy_library(args):
    """Showing help or the version runs the command line without the geospatial stack or
    the installed packages' metadata."""
    code = (
        "import sys\n"
        "from healthy_streets.cli import main\n"
        "try:\n"
        f"    main({args!r}, prog_name='healthy-streets')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(sorted(set({HEAVY!r}) & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    *shown, loaded = result.stdout.strip().splitlines()
    assert shown[0].startswith(("Usage: healthy-streets", "healthy-streets, version 0.")), shown
    assert loaded == "[]"


def test_the_version_is_the_one_the_build_reads():
    """``pyproject.toml`` takes the version from ``healthy_streets/_version.py`` (hatchling's
    ``[tool.hatch.version]``), so the package's metadata and ``__version__`` agree."""
    import re
    import tomllib

    import healthy_streets

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert "version" in project["project"]["dynamic"]
    assert "version" not in project["project"]
    path = ROOT / project["tool"]["hatch"]["version"]["path"]
    assert path == PACKAGE / "_version.py"
    # hatchling's default pattern: a line `__version__ = "X"`
    written = re.search(r'^__version__ = "([^"]+)"$', path.read_text(encoding="utf-8"), re.M)
    assert written and written.group(1) == healthy_streets.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", healthy_streets.__version__)

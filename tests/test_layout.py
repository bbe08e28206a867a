"""The package layout (docs/architecture.md): one package per stage, no import cycles, imports at the top of
modules except optional dependencies, and every user-facing error class in ``errors.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "iamsql"
STAGES = {"cli", "collect", "raw", "load", "store", "sql", "policy", "controls", "frameworks", "history", "report",
          "scheduled", "common"}  # and sample/, the bundled data set (no code)
TOP_LEVEL_MODULES = {"__init__.py", "__main__.py", "errors.py"}  # __main__.py: python -m iamsql
# Imported inside a function because they are optional: PySpark (the spark extra), re2 (a faster regex engine).
OPTIONAL = ("pyspark", "re2")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def imported_modules(node: ast.AST) -> list[str]:
    """The iamsql modules an import statement loads: ``from a.b import c`` is ``a.b.c`` when that is a module."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        found = []
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            found.append(full if full in MODULES else node.module)
        return [name for name in found if name in MODULES]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in MODULES]
    return []


def import_graph() -> dict[str, set[str]]:
    """Module -> the iamsql modules it imports when it is imported (module-level statements, not functions)."""
    graph = {}
    for name, tree in TREES.items():
        edges = set()
        for node in tree.body:
            for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
                edges.update(imported_modules(inner))
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle():
    assert cycles(import_graph()) == []


def test_cycle_detection_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_package_is_one_folder_per_stage():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert folders == STAGES
    assert modules == TOP_LEVEL_MODULES


def function_local_imports(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    names = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else [a.name for a in inner.names]
                    if not all(name.split(".")[0] in OPTIONAL for name in names):
                        found.append((inner.lineno, ast.unparse(inner)))
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_import_at_their_top(name):
    assert function_local_imports(TREES[name]) == []


def test_function_local_import_detection():
    tree = ast.parse("def f():\n    import json\n    import pyspark\n")
    assert function_local_imports(tree) == [(2, "import json")]


def test_user_facing_errors_are_defined_in_errors_py():
    """Every subclass of an error class from ``errors.py`` is defined there, so there is one hierarchy."""
    hierarchy = {node.name for node in TREES["iamsql.errors"].body if isinstance(node, ast.ClassDef)}
    elsewhere = []
    for name, tree in TREES.items():
        if name == "iamsql.errors":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in hierarchy
                                                      for b in node.bases):
                elsewhere.append(f"{name}.{node.name}")
    assert elsewhere == []

"""The layout keeps its promises: the dependency direction, no cycles, small modules.

The import graph is read from the source (``ast``), so an import inside a
function counts as much as one at the top; only imports under
``if TYPE_CHECKING:`` are left out, because they never run.

Layers (``docs/decisions/index.md``, decision 11), each importing only itself
and the layers before it::

    base          errors, clock, config, identifiers, legal_basis, services, people, texts,
                  edges
    history       barnekoordinator.history.*
    rights        barnekoordinator.rights.*       (base and history)
    access        barnekoordinator.access.*       (base and history)
    coordination  barnekoordinator.coordination.* (base, history and access)
    boundary      casebook, catalogue, plugins, hookspecs, protocols, the CLI …
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 120
# One marker per message, the bokmål source of the gettext catalogues (decision 28): it grows
# with every text, like the .po files beside it, and holds no code to split.
CATALOGUE_SOURCES = frozenset({"barnekoordinator._messages"})

BASE = frozenset(
    f"barnekoordinator.{name}"
    for name in (
        "errors",
        "clock",
        "config",
        "identifiers",
        "legal_basis",
        "services",
        "people",
        "_who_consents",  # people's rules apart from its classes (assess builds none of them)
        "texts",
        "_texts_edges",  # the texts of the edges (CLI, family), merged into texts.TEXTS
        "edges",
        "_classes",  # how the start-up path's value classes are built (decision 36)
        "_redact",  # eleven-digit numbers hidden from messages, reprs and claims (errors uses it)
    )
)
WINGS = ("history", "rights", "access", "coordination")
ALLOWED = {
    "history": {"base", "history"},
    "rights": {"base", "history", "rights"},
    "access": {"base", "history", "access"},
    "coordination": {"base", "history", "access", "coordination"},
}
CLI = ("barnekoordinator.cli", "barnekoordinator._cli", "barnekoordinator.__main__")


@attrs.frozen
class Module:
    """One source module and what it imports (module names, TYPE_CHECKING aside)."""

    name: str
    path: Path
    imports: frozenset[str]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


@cache
def modules() -> dict[str, Module]:
    """Every module of both packages, with its resolved imports."""
    paths = {
        _module_name(p): p
        for package in ("barnekoordinator", "barnekoordinator_plugins")
        for p in (SRC / package).rglob("*.py")
    }
    found = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule; anything else the module.
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in paths else base)
        internal = frozenset(
            t
            for t in targets
            if t.split(".")[0] in ("barnekoordinator", "barnekoordinator_plugins")
        )
        found[name] = Module(name, path, internal - {name})
    return found


def layer(name: str) -> str:
    """The layer a module belongs to (``plugins``, ``testing``, ``cli`` apart)."""
    if name.startswith("barnekoordinator_plugins"):
        return "plugins"
    if name in BASE or name.startswith("barnekoordinator._generated"):
        return "base"
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in WINGS:
        return parts[1]
    if len(parts) > 1 and parts[1] == "testing":
        return "testing"
    if name.startswith(CLI):
        return "cli"
    return "boundary"


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    graph = {n: sorted(m.imports & modules().keys()) for n, m in modules().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def _plugin_modules() -> set[str]:
    """The first-party plugins: the modules named by the project's entry points."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(project["project"]["entry-points"]["barnekoordinator"].values())


def test_the_graph_is_read() -> None:
    """The reader finds the modules and their imports (the checks below are not vacuous)."""
    found = modules()
    assert "barnekoordinator.history.case" in found
    assert "barnekoordinator.catalogue" in found
    assert "barnekoordinator.history.case" in found["barnekoordinator.catalogue"].imports
    assert len(found) > 50


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or around a loop (function-level too)."""
    assert _cycles() == []


def test_a_cycle_would_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle check fails on a planted cycle (history.case importing the catalogue)."""
    planted = dict(modules())
    case = planted["barnekoordinator.history.case"]
    planted[case.name] = attrs.evolve(case, imports=case.imports | {"barnekoordinator.catalogue"})
    monkeypatch.setattr(sys.modules[__name__], "modules", lambda: planted)
    assert any("barnekoordinator.history.case" in c for c in _cycles())


@pytest.mark.parametrize(
    "name", sorted(n for n in modules() if layer(n) in ("base", *WINGS)), ids=str
)
def test_each_layer_imports_only_itself_and_the_layers_below(name: str) -> None:
    """Base values import only base values; history no wing; rights, access, coordination
    only what is below them (so history knows no concept module)."""
    own = layer(name)
    allowed = {"base"} if own == "base" else ALLOWED[own]
    wrong = sorted(i for i in modules()[name].imports if layer(i) not in allowed)
    assert wrong == [], f"{name} ({own}) imports {wrong}"


@pytest.mark.parametrize(
    "name", sorted(n for n in modules() if layer(n) not in ("testing", "cli", "plugins")), ids=str
)
def test_the_core_imports_no_plugin_no_test_kit_and_no_cli(name: str) -> None:
    """No core module imports barnekoordinator_plugins, barnekoordinator.testing or the CLI."""
    wrong = sorted(i for i in modules()[name].imports if layer(i) in ("plugins", "testing", "cli"))
    assert wrong == [], f"{name} imports {wrong}"


def test_no_plugin_imports_another_plugin() -> None:
    """A first-party plugin builds on the core and the store kit, never on another plugin."""
    plugins = _plugin_modules()
    assert {"barnekoordinator_plugins.memory", "barnekoordinator_plugins.sqlite"} <= plugins
    for name, module in modules().items():
        own = next((p for p in plugins if name == p or name.startswith(p + ".")), None)
        if own is None:
            continue
        others = sorted(
            i for i in module.imports for p in plugins - {own} if i == p or i.startswith(p + ".")
        )
        assert others == [], f"{name} imports the plugin(s) {others}"


def _too_long(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node.name, length


# Written by ``python -m barnekoordinator._classgen`` (decision 36): one line per field, for
# every method of every class, and checked against the classes by ``_classgen --check``.
GENERATED = "barnekoordinator._generated."


@pytest.mark.parametrize(
    "name", sorted(n for n in modules() if not n.startswith(GENERATED)), ids=str
)
def test_modules_and_functions_stay_small(name: str) -> None:
    """No module over 800 lines and no function over 120 lines (split by what they do)."""
    path = modules()[name].path
    text = path.read_text(encoding="utf-8")
    if name not in CATALOGUE_SOURCES:
        lines = len(text.splitlines())
        assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"
    assert list(_too_long(ast.parse(text))) == []


def test_size_limits_would_catch_a_long_function() -> None:
    """The function-length check measures what it should."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert list(_too_long(ast.parse(f"def f():\n{body}\n"))) == [("f", MAX_FUNCTION_LINES + 1)]

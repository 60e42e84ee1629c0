"""The ``bench`` extra installs everything ``benchmarks/`` imports (issue 15, item 6).

A fresh machine once could not run the PostgreSQL half of ``bench_storage.py``: the
extra lacked ``psycopg-pool``. Every module a benchmark imports (at any level, including
imports inside functions) is either the standard library, this project, another benchmark
script, or comes from a distribution that ``pip install '.[bench]'`` installs: a core
dependency, or one the ``bench`` extra names (following ``barnekoordinator[...]`` and the
named distributions' own extras and requirements).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
FIRST_PARTY = {"barnekoordinator", "barnekoordinator_plugins"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str) -> tuple[str, set[str], str]:
    """(distribution, extras, marker) of one requirement string."""
    spec, _, marker = text.partition(";")
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    assert match, text
    extras = {_norm(e) for e in (match.group(2) or "").split(",") if e.strip()}
    return _norm(match.group(1)), extras, marker


def _installed_by_bench() -> set[str]:
    """Every distribution ``pip install '.[bench]'`` brings, as far as metadata says."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    own = _norm(project["name"])
    extras: dict[str, list[str]] = project["optional-dependencies"]
    todo = [*project["dependencies"], *extras["bench"]]
    seen_extras: set[str] = {"bench"}
    found: set[str] = set()
    while todo:
        name, wanted, marker = _requirement(todo.pop())
        if "extra ==" in marker:
            continue  # reached only through an extra, handled where it is named
        if name == own:
            for extra in wanted - seen_extras:
                seen_extras.add(extra)
                todo.extend(extras[extra])
            continue
        if name in found and not wanted:
            continue
        found.add(name)
        try:
            theirs = requires(name) or []
        except PackageNotFoundError:
            continue  # not installed here; the import check below then fails loudly
        for text in theirs:
            dep, dep_extras, dep_marker = _requirement(text)
            needed = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", dep_marker)
            if not needed or any(_norm(e) in wanted for e in needed):
                todo.append(dep + (f"[{','.join(dep_extras)}]" if dep_extras else ""))
    return found


def _imports(path: Path) -> set[str]:
    """The top-level names of every module a script imports, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_benchmark_import_comes_with_the_bench_extra() -> None:
    scripts = sorted(BENCHMARKS.glob("*.py"))
    assert scripts, "no benchmarks found"
    local = {p.stem for p in scripts}
    providers = packages_distributions()
    installed = _installed_by_bench()
    missing: dict[str, str] = {}
    for script in scripts:
        for module in _imports(script):
            if module in sys.stdlib_module_names or module in FIRST_PARTY | local:
                continue
            dists = {_norm(d) for d in providers.get(module, [])}
            if not dists & installed:
                missing[f"{script.name}: import {module}"] = ", ".join(sorted(dists)) or "?"
    assert not missing, (
        "benchmarks import modules that pip install '.[bench]' does not install "
        f"(add their distribution to the bench extra in pyproject.toml): {missing}"
    )


def _full_imports(path: Path) -> set[str]:
    """The dotted names a script imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_what_the_benchmarks_import_imports_comes_with_the_bench_extra() -> None:
    # One level deeper: eventsourcing.postgres imports psycopg_pool, which the bench extra
    # once lacked although no benchmark imports it itself. Import every module the scripts
    # name in a fresh interpreter and check where each module it loaded comes from.
    scripts = sorted(BENCHMARKS.glob("*.py"))
    local = {p.stem for p in scripts}
    wanted = sorted(
        name
        for script in scripts
        for name in _full_imports(script)
        if name.split(".")[0] not in local
    )
    probe = (
        "import importlib, json, sys\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass  # `from a import b` where b is a name, not a module\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )

    def loaded(names: list[str]) -> set[str]:
        out = subprocess.run(
            [sys.executable, "-c", probe, json.dumps(names)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        return set(json.loads(out))

    # What the interpreter loads before any import (site hooks such as setuptools') is
    # not the benchmarks' doing.
    modules = loaded(wanted) - loaded([])
    providers = packages_distributions()
    installed = _installed_by_bench()
    missing = {
        module: sorted(providers[module])
        for module in sorted(modules)
        if module in providers
        and module not in sys.stdlib_module_names
        and module not in FIRST_PARTY
        and not {_norm(d) for d in providers[module]} & installed
    }
    assert not missing, (
        "modules loaded by what the benchmarks import come from distributions that "
        f"pip install '.[bench]' does not install: {missing}"
    )


def test_the_check_sees_a_missing_distribution() -> None:
    # psycopg_pool is what the bench extra once lacked: it must come from the extra now,
    # and a module the extra does not ask for (mkdocs is the docs extra's) must not.
    installed = _installed_by_bench()
    providers = packages_distributions()
    assert {_norm(d) for d in providers["psycopg_pool"]} & installed
    assert {_norm(d) for d in providers["psycopg"]} & installed
    assert {_norm(d) for d in providers["jose"]} & installed
    assert not {_norm(d) for d in providers["mkdocs"]} & installed

"""The public surface is curated, complete and documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import barnekoordinator

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _public_modules() -> list[str]:
    names = ["barnekoordinator"]
    for info in pkgutil.walk_packages(barnekoordinator.__path__, "barnekoordinator."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return sorted(names)


def _isort_key(name: str) -> tuple[int, str]:
    if name.upper() == name:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", _public_modules())
def test_every_public_module_curates_its_all(name: str) -> None:
    """__all__ is sorted, every name in it exists, and every public definition is in it."""
    module = importlib.import_module(name)
    if name in ("barnekoordinator.schemas", "barnekoordinator.testing"):
        assert not getattr(module, "__all__", []), "data/namespace packages export nothing"
        return
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_key)
    for item in exported:
        assert hasattr(module, item), f"{name}.{item} is in __all__ but missing"
    defined = {
        n
        for n, o in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(o) or inspect.isfunction(o))
        and getattr(o, "__module__", None) == name
    }
    hooks = {"pytest_configure", "build_parser"}  # entry points, not API
    assert defined - hooks <= set(exported), f"not exported: {sorted(defined - set(exported))}"


def test_top_level_names_resolve_lazily() -> None:
    """Each top-level re-export resolves, and importing the package loads no concept module."""
    for item in barnekoordinator.__all__:
        assert getattr(barnekoordinator, item) is not None
    code = (
        "import sys, barnekoordinator; "
        "print(sorted(m for m in sys.modules if m.startswith('barnekoordinator')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "barnekoordinator.rights.eligibility" not in loaded
    assert "barnekoordinator.casebook" not in loaded


def test_every_public_module_is_in_the_api_reference() -> None:
    """docs/reference/api.md renders every public module, the plugins' and the store kit too."""
    import barnekoordinator_plugins

    page = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    plugins = [
        info.name
        for info in pkgutil.walk_packages(
            barnekoordinator_plugins.__path__, "barnekoordinator_plugins."
        )
        if not any(part.startswith("_") for part in info.name.split(".")[1:])
    ]
    assert "barnekoordinator_plugins.sqlite" in plugins
    for name in [*_public_modules(), *plugins, "barnekoordinator.history.storekit"]:
        if name in ("barnekoordinator", "barnekoordinator.schemas"):
            continue
        assert f"::: {name}\n" in page, name


def test_every_exception_is_in_the_error_reference() -> None:
    """Each error class is named on the errors page (drawn in the module docstring)."""
    from barnekoordinator import errors

    page = (DOCS / "reference" / "errors.md").read_text(encoding="utf-8")
    assert "::: barnekoordinator.errors" in page
    for item in errors.__all__:
        assert item in (errors.__doc__ or ""), item

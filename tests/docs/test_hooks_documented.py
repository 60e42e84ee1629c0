"""Every hook has a heading with its exact signature in docs/plugins/hooks.md."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from barnekoordinator import hookspecs

HOOKS_MD = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"
_HEADING = re.compile(r"^#{2,3} `(barnekoordinator_\w+)\((.*)\) -> (.+)`\s*$", re.MULTILINE)


def _specs() -> dict[str, str]:
    specs = {}
    for name in dir(hookspecs):
        if name.startswith("barnekoordinator_"):
            fn = getattr(hookspecs, name)
            signature = inspect.signature(fn)
            params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
            specs[name] = f"{name}({params}) -> {signature.return_annotation}"
    return specs


def _documented() -> dict[str, str]:
    text = HOOKS_MD.read_text(encoding="utf-8")
    return {m[1]: f"{m[1]}({m[2]}) -> {m[3]}" for m in _HEADING.finditer(text)}


@pytest.mark.parametrize("name", sorted(_specs()))
def test_hook_has_a_heading_with_its_exact_signature(name: str) -> None:
    """Each hook spec has a heading in hooks.md that repeats its signature exactly."""
    documented = _documented()
    assert name in documented, f"docs/plugins/hooks.md has no heading for {name}"
    assert documented[name] == _specs()[name]


def test_no_heading_for_a_hook_that_does_not_exist() -> None:
    """hooks.md documents no hook that the specs do not define."""
    assert set(_documented()) <= set(_specs())


def test_hook_list_is_not_empty() -> None:
    """The specs module defines the seven hooks of the plugin SDK."""
    assert len(_specs()) == 8

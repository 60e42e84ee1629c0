"""One public name, one thing: no two public modules export different objects under a name."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import barnekoordinator


def public_modules() -> list[str]:
    """Every module of the package with no private part in its name."""
    names = ["barnekoordinator"]
    for info in pkgutil.walk_packages(barnekoordinator.__path__, "barnekoordinator."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return sorted(names)


def exports() -> dict[str, list[tuple[str, object]]]:
    """Each exported name with the modules exporting it and the object each binds."""
    found: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for name in public_modules():
        module = importlib.import_module(name)
        for item in getattr(module, "__all__", ()):
            found[item].append((name, getattr(module, item)))
    return found


def test_every_public_name_is_unique_across_the_package() -> None:
    """A name in several ``__all__``s is a re-export of one object, never two concepts."""
    clashes = {
        item: sorted(module for module, _ in places)
        for item, places in exports().items()
        if len({id(obj) for _, obj in places}) > 1
    }
    assert clashes == {}


def test_re_exports_are_seen() -> None:
    """The check sees re-exports (the top-level names), so an empty result means something."""
    places = exports()["Casebook"]
    assert ("barnekoordinator", barnekoordinator.Casebook) in places
    assert len(places) >= 2

"""The hook specifications are typed, prefixed, and documented to one template."""

from __future__ import annotations

import inspect
import re

import pytest

from barnekoordinator import hookspecs

SPECS = sorted(name for name in dir(hookspecs) if name.startswith("barnekoordinator_"))
FIRSTRESULT = {"barnekoordinator_case_store", "barnekoordinator_person_registry"}
HISTORIC = {"barnekoordinator_configure"}


def test_project_and_group_share_one_name() -> None:
    """Marker project, hook prefix and entry-point group are all 'barnekoordinator'."""
    assert hookspecs.PROJECT == hookspecs.ENTRYPOINT_GROUP == "barnekoordinator"
    assert hookspecs.hookimpl.project_name == hookspecs.hookspec.project_name == "barnekoordinator"


def test_every_spec_is_exported() -> None:
    """__all__ lists every hook spec."""
    assert set(SPECS) <= set(hookspecs.__all__)
    assert sorted(hookspecs.__all__) == hookspecs.__all__


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_fully_annotated(name: str) -> None:
    """Every argument and the return value of a hook spec are annotated."""
    signature = inspect.signature(getattr(hookspecs, name))
    assert signature.return_annotation is not inspect.Signature.empty
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, parameter.name
        assert parameter.default is inspect.Parameter.empty, "defaults are never passed"


@pytest.mark.parametrize("name", SPECS)
def test_spec_kind(name: str) -> None:
    """firstresult and historic are set exactly on the hooks that need them."""
    opts = getattr(hookspecs, name).barnekoordinator_spec
    assert opts["firstresult"] is (name in FIRSTRESULT)
    assert opts["historic"] is (name in HISTORIC)


@pytest.mark.parametrize("name", SPECS)
def test_spec_docstring_follows_the_template(name: str) -> None:
    """Docstrings: a 'Called …' sentence, an Args: entry per argument, Returns:, and
    'Implemented by:' (Google style, which the reference renders as sections)."""
    fn = getattr(hookspecs, name)
    doc = inspect.getdoc(fn) or ""
    assert doc.startswith("Called "), doc.splitlines()[0]
    args = re.search(r"^Args:\n((?:    .*\n|\n)*?)(?=\S)", doc, re.MULTILINE)
    assert args is not None, "no Args: section"
    for parameter in inspect.signature(fn).parameters:
        assert re.search(rf"^    {parameter}: \S", args.group(1), re.MULTILINE), parameter
    assert re.search(r"^Returns:\n    \S", doc, re.MULTILINE)
    assert "Implemented by:" in doc
    assert ("Stops at the first non-``None`` result" in doc) is (name in FIRSTRESULT)

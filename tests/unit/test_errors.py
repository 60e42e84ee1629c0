"""The exception tree: one base, builtin bases where they help, messages without ids."""

from __future__ import annotations

import inspect

import pytest

from barnekoordinator import errors
from barnekoordinator.errors import (
    AccessDenied,
    BarnekoordinatorError,
    CaseNotFound,
    ChainBroken,
    ConcurrencyConflict,
    ConsentRequired,
    InvalidIdentifier,
    InvalidInput,
    MissingExtraError,
    PluginContractError,
    SchemaViolation,
    StorageUnavailable,
    UnknownEventType,
)


def _classes() -> list[type[BaseException]]:
    return [
        obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj)
        and issubclass(obj, Exception)
        and obj.__module__ == errors.__name__
        and not issubclass(obj, Warning)
    ]


def test_every_error_derives_from_the_base() -> None:
    """Every exception class in errors.py is a BarnekoordinatorError."""
    for cls in _classes():
        assert issubclass(cls, BarnekoordinatorError), cls


def test_tree_in_docstring_names_every_class() -> None:
    """The module docstring draws the whole tree (httpx style)."""
    doc = errors.__doc__ or ""
    for cls in _classes():
        assert cls.__name__ in doc, cls.__name__


def test_all_is_sorted_and_complete() -> None:
    """__all__ lists every public class, sorted."""
    public = sorted(
        n for n, o in vars(errors).items() if inspect.isclass(o) and o.__module__ == errors.__name__
    )
    assert errors.__all__ == sorted(errors.__all__)
    assert set(errors.__all__) == set(public)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (InvalidInput, ValueError),
        (InvalidIdentifier, ValueError),
        (CaseNotFound, LookupError),
        (StorageUnavailable, ConnectionError),
        (AccessDenied, PermissionError),
        (ConsentRequired, PermissionError),
        (UnknownEventType, LookupError),
        (MissingExtraError, ImportError),
    ],
)
def test_builtin_bases(cls: type[BaseException], builtin: type[BaseException]) -> None:
    """Errors derive from the closest builtin so plain except clauses work."""
    assert issubclass(cls, builtin)


def test_schema_violation_lists_every_problem_with_its_path() -> None:
    """SchemaViolation keeps (path, message) pairs and shows them all."""
    exc = SchemaViolation("facts", [("$.child.birth_date", "is not a valid date"), ("$", "x")])
    assert exc.problems == (("$.child.birth_date", "is not a valid date"), ("$", "x"))
    assert "2 problem(s)" in str(exc)
    assert "at $.child.birth_date: is not a valid date" in str(exc)


def test_structured_errors_keep_their_fields() -> None:
    """Structured errors expose their data as attributes and teach in the message."""
    conflict = ConcurrencyConflict("case-1", 3, 5)
    assert (conflict.case_id, conflict.expected, conflict.actual) == ("case-1", 3, 5)
    assert "reload the case" in str(conflict)
    broken = ChainBroken("case-1", 4, "record content edited")
    assert broken.position == 4
    assert "edited" in str(broken)
    missing = MissingExtraError("postgres", "The PostgreSQL store")
    assert "pip install 'barnekoordinator[postgres]'" in str(missing)
    assert PluginContractError("acme", "returned a str").plugin_name == "acme"

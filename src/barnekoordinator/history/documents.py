"""Public JSON documents: their schemas, and validation at the edge.

Every public document (events, case export, eligibility facts and result, decisions, consent,
agenda, principals) has a JSON Schema (draft 2020-12) in ``barnekoordinator/schemas/``
(``schemas/`` in the repository). Inbound JSON is validated with
[`validate_document()`][barnekoordinator.history.documents.validate_document]; an invalid
document raises [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing *every* problem
with its JSON path, before anything is structured or stored. JSON text is read with the strict
reader of [`barnekoordinator.edges`][barnekoordinator.edges], and every validated document first
meets its rules (depth, sizes, no NaN, no lone surrogate, dates in the supported range).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from barnekoordinator.edges import EARLIEST_DATE, LATEST_DATE, check_date, check_json
from barnekoordinator.errors import InvalidInput, SchemaViolation

__all__ = ["EVENT_SCHEMA", "schema", "schema_names", "validate_document"]

EVENT_SCHEMA = "case-event.v1"
"""Name of the schema of one case event document."""


def schema_names() -> list[str]:
    """Names of the shipped schemas (file names without ``.schema.json``)."""
    root = resources.files("barnekoordinator.schemas")
    return sorted(
        p.name.removesuffix(".schema.json")
        for p in root.iterdir()
        if p.name.endswith(".schema.json")
    )


@cache
def schema(name: str) -> Mapping[str, Any]:
    """The schema called ``name`` (e.g. ``"case-event.v1"``), loaded from the package."""
    resource = resources.files("barnekoordinator.schemas").joinpath(f"{name}.schema.json")
    if not resource.is_file():
        raise InvalidInput(f"no schema named {name!r}; known: {', '.join(schema_names())}")
    loaded: Mapping[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


@cache
def _registry() -> Any:
    """Every shipped schema, so one may ``$ref`` another by file name."""
    from referencing import Registry, Resource

    resources = [
        (f"{n}.schema.json", Resource.from_contents(dict(schema(n)))) for n in schema_names()
    ]
    return Registry().with_resources(resources)


_RFC3339_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
"""An RFC 3339 time with its offset (upper-case ``T`` and ``Z``, as ``format_time`` writes)."""


def _is_supported_date(instance: object) -> bool:
    if not isinstance(instance, str):
        return True  # the schema's "type" reports it
    day = date.fromisoformat(instance)  # ValueError: not a date (the pattern was checked first)
    check_date(day, "date")
    return True


def _is_supported_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _RFC3339_TIME.fullmatch(instance):
        return False
    check_date(datetime.fromisoformat(instance), "time")  # ValueError: no such day or hour
    return True


@cache
def _format_checker(cls: Any) -> Any:
    """The draft's format checker, with dates and times limited to the supported range.

    jsonschema checks ``date-time`` only when an optional package is installed; this checker
    always does (RFC 3339, offset required), so an instance that ``parse_time`` cannot turn into
    UTC never reaches it.
    """
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checkers.update(cls.FORMAT_CHECKER.checkers)
    date_check, date_raises = cls.FORMAT_CHECKER.checkers["date"]

    def is_date(instance: object) -> bool:
        return bool(date_check(instance)) and _is_supported_date(instance)

    checker.checks("date", raises=(ValueError, InvalidInput, *_tuple(date_raises)))(is_date)
    checker.checks("date-time", raises=(ValueError, InvalidInput))(_is_supported_time)
    return checker


def _tuple(raises: Any) -> tuple[type[BaseException], ...]:
    return tuple(raises) if isinstance(raises, tuple) else (raises,)


@cache
def _validator(name: str) -> Any:
    import jsonschema

    document = schema(name)
    cls = jsonschema.validators.validator_for(document)
    # Each schema is checked against its metaschema in the tests (tests/unit/test_schemas_meta.py),
    # not here: checking costs every process that validates a document.
    # The schemas' $ids share one base, so a relative $ref resolves in the registry.
    return cls(document, format_checker=_format_checker(cls), registry=_registry())


def _json_path(error: Any) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _safe_message(error: Any) -> str:
    """Describe a schema error without echoing the value (it may be a national id)."""
    kind, expected = error.validator, error.validator_value
    if kind in ("required", "additionalProperties", "unevaluatedProperties", "dependentRequired"):
        return str(error.message)  # names properties only, never values
    if kind == "type":
        return f"expected type {expected}"
    if kind == "enum":
        return "expected one of: " + ", ".join(json.dumps(v) for v in expected)
    if kind == "const":
        return f"expected {json.dumps(expected)}"
    if kind == "pattern":
        return f"does not match the pattern {expected}"
    if kind == "format" and expected in ("date", "date-time"):
        return f"is not a valid {expected} from {EARLIEST_DATE} to {LATEST_DATE}"
    if kind == "format":
        return f"is not a valid {expected}"
    if kind in ("oneOf", "anyOf"):
        return "does not match any of the allowed forms"
    return f"violates {kind}={json.dumps(expected, default=str)}"


def _leaves(error: Any) -> list[Any]:
    """For oneOf/anyOf failures, the most relevant error inside the branches."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        # The deepest error inside the branches is the most specific one
        # ("number does not match" rather than "expected null").
        deepest = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        return _leaves(deepest)
    return [error]


def validate_document(name: str, document: object) -> None:
    """Validate ``document`` against schema ``name``; raise
    [`SchemaViolation`][barnekoordinator.errors.SchemaViolation].

    Every problem is reported, each with the JSON path where it occurs
    (``$.child.age``). Messages describe what was expected and never repeat the
    offending value, which may be personal data. The document first meets the rules of
    [`check_json()`][barnekoordinator.edges.check_json] (nesting, sizes, NaN, lone surrogates),
    which keep the validator from recursing without end; dates and times must lie in the
    supported range ([`EARLIEST_DATE`][barnekoordinator.edges.EARLIEST_DATE] …
    [`LATEST_DATE`][barnekoordinator.edges.LATEST_DATE]).
    """
    check_json(document, name)
    errors = [leaf for e in _validator(name).iter_errors(document) for leaf in _leaves(e)]
    problems = sorted({(_json_path(e), _safe_message(e)) for e in errors})
    if problems:
        raise SchemaViolation(name, problems)

"""Public JSON documents: their schemas, and validation at the edge.

Every public document (events, case export, eligibility facts and result, decisions, consent,
agenda, principals) has a JSON Schema (draft 2020-12) in ``barnekoordinator/schemas/``
(``schemas/`` in the repository). Inbound JSON is validated with
[`validate_document()`][barnekoordinator.history.documents.validate_document]; an invalid
document raises [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing *every* problem
with its JSON path, before anything is structured or stored. JSON text is read with the strict
reader of [`barnekoordinator.edges`][barnekoordinator.edges], and every validated document first
meets its rules (depth, sizes, no NaN, no lone surrogate, dates in the supported range).

Speed: a valid document is recognised by a small checker of the keywords our schemas use
(``type``, ``enum``, ``properties`` …, local ``$ref``), without importing ``jsonschema``
(about 35 ms of a process's start). Only a document it does not accept, or one whose schema
uses a keyword it does not know, goes to ``jsonschema``, which decides and names every problem:
the checker may only ever say "valid" when ``jsonschema`` would (a property test compares
them), so errors are ``jsonschema``'s, unchanged.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from barnekoordinator.edges import EARLIEST_DATE, LATEST_DATE, check_date, check_json
from barnekoordinator.errors import InvalidInput, SchemaViolation

__all__ = ["EVENT_SCHEMA", "schema", "schema_names", "validate_document"]

EVENT_SCHEMA = "case-event.v1"
"""Name of the schema of one case event document."""


def schema_names() -> list[str]:
    """Names of the shipped schemas (file names without ``.schema.json``)."""
    from importlib import resources

    root = resources.files("barnekoordinator.schemas")
    return sorted(
        p.name.removesuffix(".schema.json")
        for p in root.iterdir()
        if p.name.endswith(".schema.json")
    )


def _schema_text(name: str) -> str | None:
    """The text of ``NAME.schema.json``, or ``None`` when the package has no such file.

    Read from the package's folder with ``open()`` when it is one (``importlib.resources``
    costs a command about 5 ms to import); from ``importlib.resources`` otherwise (a zip).
    """
    file_name = f"{name}.schema.json"
    spec = importlib.util.find_spec("barnekoordinator.schemas")  # found, not imported
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    folder = folders[0] if len(folders) == 1 else ""
    if os.path.isdir(folder):
        path = os.path.join(folder, file_name)
        if not os.path.isfile(path):
            return None
        with open(path, encoding="utf-8") as file:
            return file.read()
    from importlib import resources

    resource = resources.files("barnekoordinator.schemas").joinpath(file_name)
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


@cache
def schema(name: str) -> Mapping[str, Any]:
    """The schema called ``name`` (e.g. ``"case-event.v1"``), loaded from the package."""
    text = _schema_text(name) if "/" not in name and os.sep not in name else None
    if text is None:
        raise InvalidInput(f"no schema named {name!r}; known: {', '.join(schema_names())}")
    loaded: Mapping[str, Any] = json.loads(text)
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


# --- the quick check: valid or "ask jsonschema" --------------------------------------------

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description"})
_QUICK_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "format",
        "properties",
        "additionalProperties",
        "required",
        "items",
        "anyOf",
        "$ref",
    }
)
_JSON_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}
_RE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's own "date" pattern


def _is_date(instance: object) -> bool:
    try:
        return not isinstance(instance, str) or bool(
            _RE_DATE.fullmatch(instance) and _is_supported_date(instance)
        )
    except (ValueError, InvalidInput):
        return False


def _is_time(instance: object) -> bool:
    try:
        return _is_supported_time(instance)
    except (ValueError, InvalidInput):
        return False


_FORMATS: dict[str, Callable[[object], bool]] = {"date": _is_date, "date-time": _is_time}


def _quick_supported(root: Mapping[str, Any], node: object) -> bool:
    """Whether the quick check knows every keyword of ``node`` (recursively)."""
    if isinstance(node, bool):
        return True
    if not isinstance(node, Mapping):
        return False
    for key, value in node.items():
        if key in _ANNOTATIONS:
            continue
        if key not in _QUICK_KEYWORDS:
            return False
        ok = True
        if key == "type":
            types = [value] if isinstance(value, str) else value
            ok = isinstance(types, list) and all(t in _JSON_TYPES for t in types)
        elif key == "enum":
            ok = isinstance(value, list) and all(v is None or isinstance(v, str) for v in value)
        elif key == "format":
            ok = value in _FORMATS
        elif key == "additionalProperties":
            ok = value is False and "properties" in node
        elif key == "properties":
            ok = all(_quick_supported(root, sub) for sub in value.values())
        elif key in ("items",):
            ok = _quick_supported(root, value)
        elif key == "anyOf":
            ok = all(_quick_supported(root, sub) for sub in value)
        elif key == "$ref":
            ok = _local_ref(root, value) is not None
        elif key in ("minLength", "maxLength", "minimum", "maximum"):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif key == "pattern":
            ok = isinstance(value, str)
        if not ok:
            return False
    return all(_quick_supported(root, d) for d in node.get("$defs", {}).values())


def _local_ref(root: Mapping[str, Any], ref: object) -> object:
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return None
    return root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))


def _quick_valid(root: Mapping[str, Any], node: Any, instance: object) -> bool:
    """``True`` only if ``instance`` is valid against ``node`` (keywords as in draft 2020-12)."""
    if isinstance(node, bool):
        return node
    for key, value in node.items():
        if key == "type":
            types = [value] if isinstance(value, str) else value
            if not any(_JSON_TYPES[t](instance) for t in types):
                return False
        elif key == "enum":
            if not (instance is None or isinstance(instance, str)) or instance not in value:
                return False
        elif key == "$ref":
            if not _quick_valid(root, _local_ref(root, value), instance):
                return False
        elif key == "anyOf":
            if not any(_quick_valid(root, sub, instance) for sub in value):
                return False
        elif isinstance(instance, str):
            if (
                (key == "minLength" and len(instance) < value)
                or (key == "maxLength" and len(instance) > value)
                or (key == "pattern" and not re.search(value, instance))
                or (key == "format" and not _FORMATS[value](instance))
            ):
                return False
        elif isinstance(instance, dict):
            if key == "required" and any(k not in instance for k in value):
                return False
            if key == "additionalProperties" and any(k not in node["properties"] for k in instance):
                return False
            if key == "properties" and not all(
                _quick_valid(root, sub, instance[k]) for k, sub in value.items() if k in instance
            ):
                return False
        elif isinstance(instance, list):
            if key == "items" and not all(_quick_valid(root, value, item) for item in instance):
                return False
        elif (
            isinstance(instance, int | float)
            and not isinstance(instance, bool)
            and ((key == "minimum" and instance < value) or (key == "maximum" and instance > value))
        ):
            return False
    return True


@cache
def _quick_check(name: str) -> Callable[[object], bool] | None:
    """The quick validity check of schema ``name``, or ``None`` if it uses other keywords."""
    root = schema(name)
    if not _quick_supported(root, root):
        return None
    return lambda instance: _quick_valid(root, root, instance)


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
    quick = _quick_check(name)
    if quick is not None and quick(document):
        return
    errors = [leaf for e in _validator(name).iter_errors(document) for leaf in _leaves(e)]
    problems = sorted({(_json_path(e), _safe_message(e)) for e in errors})
    if problems:
        raise SchemaViolation(name, problems)

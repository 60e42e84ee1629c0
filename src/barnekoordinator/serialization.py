"""Wire formats: JSON Schemas, validation at the edge, and the private converters.

Every public document (events, case export, eligibility facts and result,
decisions, consent, agenda) has a JSON Schema (draft 2020-12) in
``barnekoordinator/schemas/`` (``schemas/`` in the repository). Inbound JSON is
validated with :func:`validate_document`; an invalid document raises
:class:`~barnekoordinator.errors.SchemaViolation` listing *every* problem with
its JSON path, before anything is structured or stored.

Models carry no serialization code: cattrs converters live here (and in the
private ``_wire`` helpers of each concept) and are not part of the public API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from barnekoordinator.errors import InvalidInput, SchemaViolation

__all__ = ["canonical_json", "schema", "schema_names", "validate_document"]


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
def _validator(name: str) -> Any:
    import jsonschema

    document = schema(name)
    cls = jsonschema.validators.validator_for(document)
    cls.check_schema(document)
    return cls(document, format_checker=cls.FORMAT_CHECKER)


def _json_path(error: Any) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate_document(name: str, document: object) -> None:
    """Validate ``document`` against schema ``name``; raise :class:`SchemaViolation`.

    Every problem is reported, each with the JSON path where it occurs (``$.child.age``).
    """
    errors = sorted(
        _validator(name).iter_errors(document), key=lambda e: (list(e.absolute_path), e.message)
    )
    if errors:
        raise SchemaViolation(name, [(_json_path(e), e.message) for e in errors])


def canonical_json(value: object) -> str:
    """The canonical JSON text used in stored records: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

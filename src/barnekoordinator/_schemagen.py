"""Generate the JSON Schemas of event payloads from the attrs event classes.

The schemas in ``schemas/`` are the reviewed wire contract and are shipped in
the wheel. The event schema is derived from the same classes the converter
serializes, so it cannot silently drift: ``tests/unit/test_schemas.py`` fails
when the committed file differs from what this module generates. Regenerate
with ``python -m barnekoordinator._schemagen`` after changing an event, and bump
the event's ``SCHEMA_VERSION`` (with an upcaster) if stored payloads change.
"""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from barnekoordinator._generating import write_or_check
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.people import Child, ExpectedChild

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_BASE = "https://barnekoordinator.invalid/schemas/"

EVENT_SCHEMA_NAME = "case-event.v1"
COMMAND_SCHEMA_NAME = "command.v1"


class _Builder:
    def __init__(self, *, defaults_required: bool = True) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        # A stored payload holds every field; a command document may leave a default out.
        self.defaults_required = defaults_required
        # Types a document holds as a whole document of another shipped schema.
        self.documents: Mapping[type, str] = {}

    def for_type(self, tp: Any) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is type(None):
            return {"type": "null"}
        if origin in (typing.Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            if set(members) == {Child, ExpectedChild}:
                schema = self._subject_union()
            elif len(members) == 1:
                schema = self.for_type(members[0])
            else:  # pragma: no cover - guarded by test_schemas
                raise TypeError(f"unsupported union {tp!r} in an event")
            if type(None) in args:
                return {"oneOf": [schema, {"type": "null"}]}
            return schema
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.for_type(args[0])}
        if origin is frozenset:
            return {"type": "array", "items": self.for_type(args[0]), "uniqueItems": True}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is str:
            return {"type": "string"}
        if tp is datetime:
            return {"type": "string", "format": "date-time"}
        if tp is date:
            return {"type": "string", "format": "date"}
        if tp is PersonId:
            return {"$ref": "#/$defs/PersonId"}
        if tp is Organisasjonsnummer:
            return {"type": "string", "pattern": "^[0-9]{9}$"}
        if tp is HprNummer:
            return {"type": "string", "pattern": "^[0-9]{9}$"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [m.value for m in tp]}
        if tp in self.documents:
            from barnekoordinator.history import documents

            return {"$ref": documents.schema(self.documents[tp])["$id"]}
        if isinstance(tp, type) and attrs.has(tp):
            return {"$ref": f"#/$defs/{self.define(tp)}"}
        raise TypeError(f"unsupported type {tp!r} in an event payload")

    def _subject_union(self) -> dict[str, Any]:
        # Discriminated on "kind" so a validation error names the right branch.
        born, expected = self.define(Child), self.define(ExpectedChild)
        return {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["born", "expected"]}},
            "if": {"properties": {"kind": {"const": "born"}}},
            "then": {"$ref": f"#/$defs/{born}"},
            "else": {"$ref": f"#/$defs/{expected}"},
        }

    def define(self, cls: type) -> str:
        name = cls.__name__
        if name in self.defs:
            return name
        self.defs[name] = {}  # placeholder against recursion
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        for field in attrs.fields(cls):
            properties[field.alias or field.name] = self.for_type(hints[field.name])
        if cls in (Child, ExpectedChild):
            # The tagged union adds a "kind" key; the union schema constrains it.
            properties["kind"] = {"type": "string"}
        doc = (cls.__doc__ or "").strip().splitlines()
        self.defs[name] = {
            "type": "object",
            "description": doc[0] if doc else name,
            "properties": properties,
            "required": sorted(
                f.alias or f.name
                for f in attrs.fields(cls)
                if self.defaults_required or f.default is attrs.NOTHING
            ),
            "additionalProperties": False,
        }
        return name


_CLEAR_PERSON_ID: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "pattern": "^[0-9]{11}$"},
        "synthetic": {"type": "boolean"},
    },
    "required": ["number", "synthetic"],
    "additionalProperties": False,
}
"""A person identifier in clear, as a command document or an unsealed history holds it."""


def event_schema() -> dict[str, Any]:
    """The schema of one stored case event (envelope + payload by type)."""
    from barnekoordinator.catalogue import CATALOGUE

    event_types = CATALOGUE.event_types

    builder = _Builder()
    builder.defs["PersonId"] = {
        "description": (
            "A person identifier (fødselsnummer, D-, H-, FH-nummer): sealed for its case "
            "(AES-GCM, see barnekoordinator.history.sealing) in every history the Casebook "
            "writes, or in clear in histories written around it."
        ),
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "sealed": {"type": "string", "pattern": "^v1\\.[A-Za-z0-9_-]{38,}$"},
                    "synthetic": {"type": "boolean"},
                },
                "required": ["sealed", "synthetic"],
                "additionalProperties": False,
            },
            _CLEAR_PERSON_ID,
        ],
    }
    branches = []
    for tag in sorted(event_types):
        cls = event_types[tag]
        name = builder.define(cls)
        branches.append(
            {
                "if": {"properties": {"type": {"const": tag}}},
                "then": {
                    "properties": {
                        "schema_version": {"const": cls.SCHEMA_VERSION},
                        "payload": {"$ref": f"#/$defs/{name}"},
                    }
                },
            }
        )
    return {
        "$schema": _DRAFT,
        "$id": _BASE + f"{EVENT_SCHEMA_NAME}.schema.json",
        "title": "barnekoordinator case event",
        "description": (
            "One event of a case history as exchanged in exports: the envelope "
            "(case, sequence, time, actor, legal basis, hash chain) and the payload of its type. "
            "Generated from the event classes by barnekoordinator._schemagen."
        ),
        "type": "object",
        "properties": {
            "case_id": {"type": "string", "minLength": 1},
            "sequence": {"type": "integer", "minimum": 1},
            "type": {"enum": sorted(event_types)},
            "schema_version": {"type": "integer", "minimum": 1},
            "recorded_at": {"type": "string", "format": "date-time"},
            "actor": {"type": "string", "minLength": 1},
            "legal_basis": {"type": "array", "items": {"type": "string"}},
            "subject_key": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
            "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "payload": {"type": "object"},
        },
        "required": [
            "actor",
            "case_id",
            "hash",
            "legal_basis",
            "payload",
            "prev_hash",
            "recorded_at",
            "schema_version",
            "sequence",
            "subject_key",
            "type",
        ],
        "additionalProperties": False,
        "allOf": branches,
        "$defs": dict(sorted(builder.defs.items())),
    }


def command_schema() -> dict[str, Any]:
    """The schema of one ``command.v1`` document, from the registry of
    [`barnekoordinator.commands`][barnekoordinator.commands]: one argument object per command,
    each built from the command function's signature."""
    from barnekoordinator.commands import DOCUMENT_ARGUMENTS, command_registry
    from barnekoordinator.coordination.meetings import MAX_HORIZON_DAYS

    # Integer arguments the command functions bound, so a document states the range too.
    bounds: dict[str, dict[str, Any]] = {
        "horizon_days": {"minimum": 0, "maximum": MAX_HORIZON_DAYS},
    }
    builder = _Builder(defaults_required=False)
    builder.documents = DOCUMENT_ARGUMENTS
    builder.defs["PersonId"] = {
        "description": "A person identifier (fødselsnummer, D-, H-, FH-nummer), in clear.",
        **_CLEAR_PERSON_ID,
    }
    branches = []
    for name, spec in sorted(command_registry().items()):
        fields = attrs.fields(spec.arguments)
        builder.defs[spec.arguments.__name__] = {
            "type": "object",
            "description": spec.summary,
            "properties": {
                f.alias: builder.for_type(f.type) | bounds.get(f.alias, {}) for f in fields
            },
            "required": sorted(f.alias for f in fields if f.default is attrs.NOTHING),
            "additionalProperties": False,
        }
        branches.append(
            {
                "if": {"properties": {"command": {"const": name}}, "required": ["command"]},
                "then": {
                    "properties": {"arguments": {"$ref": f"#/$defs/{spec.arguments.__name__}"}}
                },
            }
        )
    return {
        "$schema": _DRAFT,
        "$id": _BASE + f"{COMMAND_SCHEMA_NAME}.schema.json",
        "title": "barnekoordinator command",
        "description": (
            "One Casebook command as a document: its name, the case, the version the writer "
            "saw (optional) and the command's arguments ('by' and 'as_of' default to the "
            "principal's subject and today). Generated from the command functions' signatures "
            "by barnekoordinator._schemagen."
        ),
        "type": "object",
        "properties": {
            "command": {"enum": sorted(command_registry())},
            "case": {"type": "string", "minLength": 1, "maxLength": 200},
            "expected_version": {"type": "integer", "minimum": 0},
            "arguments": {"type": "object"},
        },
        "required": ["case", "command"],
        "additionalProperties": False,
        "allOf": branches,
        "$defs": dict(sorted(builder.defs.items())),
    }


def render(document: dict[str, Any]) -> str:
    """The committed text form of a schema (stable key order, trailing newline)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def schema_dir() -> Path:
    """The package's schema folder (``schemas/`` in the repository)."""
    return Path(__file__).parent / "schemas"


def main(argv: list[str] | None = None) -> int:
    """Write the generated schemas; with ``--check`` only report drift (exit 1)."""
    args = sys.argv[1:] if argv is None else argv
    files = {
        schema_dir() / f"{name}.schema.json": render(build())
        for name, build in (
            (EVENT_SCHEMA_NAME, event_schema),
            (COMMAND_SCHEMA_NAME, command_schema),
        )
    }
    return write_or_check(files, check="--check" in args, command="barnekoordinator._schemagen")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

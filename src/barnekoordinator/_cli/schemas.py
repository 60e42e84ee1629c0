"""``barnekoordinator schemas list|show NAME|validate NAME FILE``: the published JSON Schemas.

* ``list`` — the name of every shipped schema (``--json``: one JSON array);
* ``show NAME`` — the schema itself, as JSON (e.g. ``command.v1``, what ``record`` takes);
* ``validate NAME FILE`` — check a document (``-``: standard input) with the strict JSON reader
  and the schema, exactly as the library checks what it is given; every problem is listed with
  its JSON path, never with a value (``--json``: ``{"valid": …, "problems": [{"path",
  "message"}]}``).

Exit status: 0 listed, shown or valid; 1 the document is invalid (not JSON, or every problem
listed); 2 usage error (an unknown schema, an unreadable file).
"""

from __future__ import annotations

import argparse
import json

from barnekoordinator._cli import printable, read_source
from barnekoordinator.edges import read_json
from barnekoordinator.errors import InvalidInput, MalformedJson, SchemaViolation
from barnekoordinator.history.documents import schema, schema_names, validate_document
from barnekoordinator.texts import text

__all__ = ["register"]

_MAX_DOCUMENT = 16 << 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schemas`` subcommand with ``list``, ``show`` and ``validate``."""
    parser = subparsers.add_parser(
        "schemas",
        help="list, show or validate against the published JSON Schemas",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the names of the shipped schemas")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    listing.set_defaults(func=_list)
    show = actions.add_parser("show", help="print a schema")
    show.add_argument("name", metavar="NAME", help="e.g. command.v1")
    show.add_argument("--json", action="store_true", help="(the schema is JSON already)")
    show.set_defaults(func=_show)
    validate = actions.add_parser("validate", help="validate a document against a schema")
    validate.add_argument("name", metavar="NAME", help="e.g. command.v1")
    validate.add_argument("file", metavar="FILE", help="the document; '-' for standard input")
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.add_argument("--lang", choices=("nb", "nn", "en"), default="nb")
    validate.set_defaults(func=_validate)


def _list(args: argparse.Namespace) -> int:
    names = schema_names()
    if args.json:
        print(json.dumps(names))
    else:
        print("\n".join(names))
    return 0


def _known(name: str) -> str:
    if name not in schema_names():
        raise InvalidInput(f"no schema named {name!r}; see `barnekoordinator schemas list`")
    return name


def _show(args: argparse.Namespace) -> int:
    print(json.dumps(schema(_known(args.name)), ensure_ascii=False, indent=2))
    return 0


def _validate(args: argparse.Namespace) -> int:
    name = _known(args.name)
    data = read_source(args.file, _MAX_DOCUMENT)
    where = "standard input" if args.file == "-" else args.file
    problems: tuple[tuple[str, str], ...] = ()
    try:
        validate_document(name, read_json(data, where))
    except SchemaViolation as exc:
        problems = exc.problems
    except MalformedJson as exc:
        problems = (("$", exc.problem),)
    if args.json:
        listed = [{"path": path, "message": message} for path, message in problems]
        print(json.dumps({"schema": name, "valid": not problems, "problems": listed}))
    elif problems:
        print(text("cli.schema-invalid").format(args.lang, name=name, count=len(problems)))
        for path, message in problems:
            print("  " + printable(f"{path}: {message}"))  # a path names the document's keys
    else:
        print(text("cli.schema-valid").format(args.lang, name=name))
    return 1 if problems else 0

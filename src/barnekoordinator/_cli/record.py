"""``barnekoordinator record FILE|-``: run Casebook commands given as ``command.v1`` documents.

The file (``-``: standard input) holds one ``command.v1`` document, or several as JSON lines
(one document per line). Each names a command of the registry
([`barnekoordinator.commands`][barnekoordinator.commands]; ``barnekoordinator schemas show
command.v1`` prints the schema), the case, optionally the version the writer saw
(``expected_version``), and the command's arguments. Every document is validated before any
is run, so a bad line stores nothing; then each runs as the principal (``--token`` or ``--as``),
through the Casebook, in its own transaction, in order, stopping at the first refusal.

Output: per command one line saying what was recorded (``--lang``), or with ``--json`` one
``{"case_id", "version", "sequences", "types"}`` object per command (JSON lines).

Exit status: 0 every command recorded; 1 a command was refused (access, a rule, a stale version,
or — once a command before it was recorded — any check of the command's own; the commands before
it stay recorded, and the message says how many); 2 a document is invalid (every problem with its
JSON path), the first command is refused by its own checks, or a usage error: nothing stored; 3 the
store or a plugin failed (after a command was recorded, the message says how many).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from barnekoordinator._cli import json_text, one_line, printable, read_source
from barnekoordinator._cli._session import (
    NEGATIVE_ANSWERS,
    Session,
    add_case_arguments,
    negative_answers,
    open_session,
)
from barnekoordinator._redact import redact
from barnekoordinator.casebook import Recorded
from barnekoordinator.commands import (
    COMMAND_SCHEMA,
    ScriptedCommand,
    execute_command,
    parse_command,
)
from barnekoordinator.edges import read_json
from barnekoordinator.errors import (
    BarnekoordinatorError,
    InvalidInput,
    MalformedJson,
    SchemaViolation,
)
from barnekoordinator.texts import text

__all__ = [
    "add_command_options",
    "print_recorded",
    "read_commands",
    "record_options",
    "register",
    "run",
    "run_commands",
]

_MAX_INPUT = 16 << 20
"""At most 16 MiB of commands in one call."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``record`` subcommand."""
    parser = subparsers.add_parser(
        "record",
        help="run Casebook commands given as command.v1 JSON documents (file or stdin)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("file", metavar="FILE", help="the command document(s); '-' for stdin")
    add_case_arguments(parser)
    parser.set_defaults(func=negative_answers("record", run))


def read_commands(
    data: bytes, where: str, *, allow_synthetic: bool = False
) -> list[ScriptedCommand]:
    """Every command in ``data``: one document, or JSON lines; all validated before any runs.

    Raises:
        MalformedJson: the text is not JSON (nor JSON lines).
        SchemaViolation: a document does not match ``command.v1``; with JSON lines, the
            problems of every line, each path prefixed with its line (``line 3: $.case``).
    """
    try:
        documents: list[tuple[str, object]] = [(where, read_json(data, where))]
    except MalformedJson:
        lines = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        if len(lines) < 2:
            raise
        documents = [
            (f"{where} line {n}", read_json(line, f"{where} line {n}")) for n, line in lines
        ]
    commands: list[ScriptedCommand] = []
    problems: list[tuple[str, str]] = []
    for label, document in documents:
        try:
            commands.append(parse_command(document, allow_synthetic=allow_synthetic))
        except SchemaViolation as exc:
            prefix = "" if len(documents) == 1 else label.removeprefix(where).strip() + ": "
            problems += [(prefix + path, message) for path, message in exc.problems]
    if problems:
        raise SchemaViolation(COMMAND_SCHEMA, problems)
    return commands


def print_recorded(session: Session, recorded: Recorded) -> None:
    """One line for what a write recorded: JSON with ``--json``, else words in ``--lang``."""
    if session.as_json:
        document = {
            "case_id": recorded.case_id,
            "version": recorded.version,
            "sequences": list(recorded.sequences),
            "types": list(recorded.types),
        }
        print(json_text(document), flush=True)
    elif recorded.types:
        session.say(
            text("cli.recorded"),
            case=recorded.case_id,
            version=recorded.version,
            count=len(recorded.types),
            types=", ".join(recorded.types),
        )
    else:
        session.say(text("cli.nothing-recorded"), case=recorded.case_id, version=recorded.version)


def run_commands(args: argparse.Namespace, commands: Sequence[ScriptedCommand]) -> int:
    """Run parsed commands in order as the session's principal, printing each result.

    The first command refused (or failing) ends the run. When it is the first of them, nothing
    was stored and the error goes up as it is (a usage error is exit 2). After a command was
    recorded, a refusal by the command's own checks is no longer "nothing stored": it is a
    negative answer, exit 1, saying how many commands stay recorded (a failing store, exit 3,
    says so too).
    """
    done = 0
    with open_session(args, writes=True) as session:
        for number, command in enumerate(commands, 1):
            try:
                recorded = execute_command(session.book, session.principal, command)
            except BarnekoordinatorError as exc:
                if not done:
                    raise
                return _refused_after(args, number, len(commands), done, exc)
            print_recorded(session, recorded)
            done += 1
    return 0


def _refused_after(
    args: argparse.Namespace, number: int, total: int, done: int, error: BarnekoordinatorError
) -> int:
    """Say, in one line, which command ended the run and how many before it stay recorded;
    the exit status: 1 for a refusal, 3 for a failing store or plugin."""
    refused = isinstance(error, (InvalidInput, *NEGATIVE_ANSWERS))
    how = "refused" if refused else "failed"
    kept = "1 command before it stays" if done == 1 else f"{done} commands before it stay"
    line = f"command {number} of {total} {how}: {one_line(error)}; {kept} recorded"
    command = getattr(args, "command", None) or "record"
    print(f"barnekoordinator {command}: {printable(redact(line))}", file=sys.stderr)
    return 1 if refused else 3


def add_command_options(parser: argparse.ArgumentParser) -> None:
    """The options every front-end over the registry shares (``consent``, ``handover`` …)."""
    parser.add_argument("--case", required=True, metavar="ID", help="the case id")
    parser.add_argument(
        "--expected-version",
        type=int,
        metavar="N",
        help="the version you saw (refused, exit 1, if the case has moved on)",
    )
    parser.add_argument(
        "--by", metavar="REF", help="who acts, as the case knows them (default: your subject)"
    )
    parser.add_argument(
        "--as-of", metavar="DATE", help="the day it happened, not after today (default: today)"
    )
    add_case_arguments(parser)


def record_options(args: argparse.Namespace, name: str, arguments: dict[str, object]) -> int:
    """Run the registry's command ``name`` with ``arguments`` from a front-end's options: the
    same ``command.v1`` document ``record`` takes, validated and run the same way."""
    given = {k: v for k, v in arguments.items() if v is not None}
    for option in ("by", "as_of"):
        if getattr(args, option) is not None:
            given[option] = getattr(args, option)
    document: dict[str, object] = {"command": name, "case": args.case, "arguments": given}
    if args.expected_version is not None:
        document["expected_version"] = args.expected_version
    command = parse_command(document, allow_synthetic=args.allow_synthetic)
    return run_commands(args, [command])


def run(args: argparse.Namespace) -> int:
    """Read, validate and run the commands."""
    if args.file == "-" and args.token == "-":  # noqa: S105 - standard input, not a password
        raise InvalidInput("FILE and --token: only one of them can be read from standard input")
    where = "standard input" if args.file == "-" else str(Path(args.file))
    commands = read_commands(
        read_source(args.file, _MAX_INPUT), where, allow_synthetic=args.allow_synthetic
    )
    return run_commands(args, commands)

"""``barnekoordinator id``: check a fødselsnummer, D-, H- or FH-nummer.

Prints the kind, validity, synthetic flag and birth date (if any); the number
itself is only ever shown redacted (``311299*****``). Exit status 0 when the
number is valid, 1 when it is not (argparse exits with 2 on usage errors).

``NUMBER`` may be ``-`` to read the number from standard input, which keeps it
out of shell history and process listings. Standard input is read as bytes, one
line of at most 256: invalid UTF-8 makes the number invalid (exit 1), as the
same bytes given as an argument do; a longer line is a usage error (exit 2).

This is an edge, so it may read the real date: a number whose date lies after
today (UTC, from [`SystemClock`][barnekoordinator.clock.SystemClock]) is invalid.
"""

from __future__ import annotations

import argparse
import sys

from barnekoordinator._cli import add_json_option, add_lang_option, json_text, printable
from barnekoordinator.clock import SystemClock
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import (
    ChecksumRule,
    IdentifierPolicy,
    IdentifierReport,
    PersonId,
    inspect,
)
from barnekoordinator.texts import text as cli_text

__all__ = ["register", "run"]

_MAX_LINE = 256
"""An identifier is eleven digits; a line longer than this (in bytes) is not one."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``id`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "id",
        help="check a fødselsnummer, D-, H- or FH-nummer",
        description=(
            "Check a Norwegian person identifier. The number is shown only redacted. "
            "Exit status: 0 valid, 1 invalid, 2 usage error."
        ),
    )
    parser.add_argument(
        "number", metavar="NUMBER", help="the identifier; '-' reads it from standard input"
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept synthetic test identities (Tenor month+80; Dolly month+40 with --dolly)",
    )
    add_json_option(
        parser,
        '{"valid", "kind", "synthetic", "birth_date", "reason", ...} (the number itself is '
        "never in it)",
    )
    add_lang_option(parser)
    parser.add_argument(
        "--rule",
        choices=[rule.value for rule in ChecksumRule],
        default=ChecksumRule.PRE_2032.value,
        help="control-digit rule (default: pre-2032)",
    )
    parser.add_argument(
        "--dolly",
        action="store_true",
        help="read month+40 as NAV Dolly synthetic instead of H-nummer "
        "(needs --allow-synthetic to be accepted)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check ``args.number`` and print the result; return the exit status."""
    raw: str = _read_line() if args.number == "-" else args.number
    policy = IdentifierPolicy(
        allow_synthetic=args.allow_synthetic,
        dolly_as_synthetic=args.dolly,
        checksum_rule=ChecksumRule(args.rule),
        as_of=SystemClock().now().date(),
    )
    report = inspect(raw, policy=policy)
    if args.json:
        print(json_text(report.to_json()))
    else:
        redacted = PersonId.parse(raw, policy=policy).redacted() if report.valid else None
        print(_text(report, redacted, args.lang))
    return 0 if report.valid else 1


def _read_line() -> str:
    """One line of standard input, decoded here rather than by the text layer (which could
    raise on invalid UTF-8, or pass it on as lone surrogates, depending on the locale)."""
    # The line is what comes before the first newline, less one carriage return; reading two
    # bytes past the limit is enough to tell a line that fits (with its \r\n) from one that
    # does not, however long it is.
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a replaced, text-only sys.stdin (embedding, tests)
        text: str = sys.stdin.readline(_MAX_LINE + 2)
        line_text = text.removesuffix("\n").removesuffix("\r")
        too_long = len(line_text.encode("utf-8", errors="surrogatepass")) > _MAX_LINE
    else:
        data: bytes = buffer.readline(_MAX_LINE + 2)
        too_long = len(data.removesuffix(b"\n").removesuffix(b"\r")) > _MAX_LINE
        text = data.decode("utf-8", errors="replace")
    if too_long:
        raise InvalidInput(f"NUMBER from standard input: longer than {_MAX_LINE} bytes")
    return text


def _text(report: IdentifierReport, redacted: str | None, lang: str = "en") -> str:
    def word(key: str) -> str:
        return cli_text(f"cli.{key}").get(lang)

    def yes(value: bool | None) -> str:
        return word("yes" if value else "no")

    rows: list[tuple[str, str]] = []
    if redacted is not None:
        rows.append(("id.identifier", redacted))
    rows.append(("id.valid", yes(report.valid)))
    if report.valid:
        rows.append(("id.kind", report.kind.value if report.kind else "-"))
        rows.append(("id.synthetic", yes(report.synthetic)))
        birth = report.birth_date.isoformat() if report.birth_date else word("id.no-birth-date")
        rows.append(("id.birth-date", birth))
    else:
        rows.append(("id.reason", printable(str(report.reason))))
    labels = ("identifier", "valid", "kind", "synthetic", "birth-date", "reason")
    width = max(len(word(f"id.{label}")) for label in labels) + 2
    return "\n".join(f"{word(key) + ':':<{width}}{value}" for key, value in rows)

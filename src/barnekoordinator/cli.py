"""The ``barnekoordinator`` command.

Each subcommand lives in its own module under `barnekoordinator._cli` and
exposes ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable taking the parsed arguments and returning the exit status.

Exit status: 0 success, 1 a negative answer (invalid id, failed check), 2 usage
error (argparse's own convention, and any
[`InvalidInput`][barnekoordinator.errors.InvalidInput] a command raises about what
was typed: a store URL, a plugin option, dates out of range), 3 a runtime error
(storage, plugins). A library error is printed as one line on standard error,
never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from barnekoordinator._cli import printable
from barnekoordinator.errors import BarnekoordinatorError, InvalidInput

__all__ = ["main"]

# Subcommand modules, in the order they appear in --help.
_SUBCOMMANDS = (
    "demo",
    "id",
    "assess",
    "plugins",
    "verify",
    "agenda",
    "checkpoint",
    "whoami",
    "export",
    "import_history",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="barnekoordinator",
        description="Legally traceable coordination core: barnekoordinator, IP, stafettlogg.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _SUBCOMMANDS:
        try:
            module = importlib.import_module(f"barnekoordinator._cli.{name}")
        except ModuleNotFoundError as exc:
            # A subcommand whose module is not part of this build is simply absent.
            if exc.name == f"barnekoordinator._cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.func(args)
    except InvalidInput as exc:
        # What the user typed (an argument, an option, a store URL) is wrong: a usage error.
        print(f"barnekoordinator {args.command}: {printable(_one_line(exc))}", file=sys.stderr)
        return 2
    except BarnekoordinatorError as exc:
        print(f"barnekoordinator: {printable(_one_line(exc))}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        # The reader went away (`barnekoordinator plugins | head`): stop quietly,
        # and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


def _one_line(exc: BaseException) -> str:
    """The error's message on one line: a heading and its list of problems, joined."""
    line = ""
    for part in (p.strip() for p in str(exc).splitlines()):
        if part:
            line += part if not line else (" " if line.endswith(":") else "; ") + part
    return line


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

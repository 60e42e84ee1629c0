"""The ``barnekoordinator`` command.

Each subcommand lives in its own module under `barnekoordinator._cli` and
exposes ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable taking the parsed arguments and returning the exit status.

Exit status: 0 success, 1 a negative answer (invalid id, failed check), 2 usage
error (argparse's own convention, and any
[`InvalidInput`][barnekoordinator.errors.InvalidInput] a command raises about what
was typed: a store URL, a plugin option, dates out of range), 3 a runtime error
(storage, plugins). A library error is printed as one line on standard error,
never as a traceback (``--debug`` shows it). Every subcommand takes ``--block PLUGIN``
(also ``$BARNEKOORDINATOR_BLOCK_PLUGINS``) to leave a plugin out; an installed plugin that
cannot be loaded is named in one line, exit 3.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import os
import sys
import traceback
from collections.abc import Iterator, Sequence

from barnekoordinator._cli import printable
from barnekoordinator.errors import BarnekoordinatorError, InvalidInput

__all__ = ["EXIT_STATUS", "main"]

EXIT_STATUS = (
    "exit status: 0 ok; 1 a negative answer (rejected, invalid, a failed check); "
    "2 usage or bad input; 3 environment, store or plugin failure"
)
"""The exit-status convention every command follows, printed in every ``--help``."""

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
    "remind",
)


def _version() -> str:
    try:
        return importlib.metadata.version("barnekoordinator")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout, not installed
        return "unknown (not installed)"


def _common_options(parser: argparse.ArgumentParser) -> None:
    """``--block`` and ``--debug``, on every subcommand that does not define them itself."""
    if "--block" not in parser._option_string_actions:
        parser.add_argument(
            "--block",
            action="append",
            default=[],
            metavar="PLUGIN",
            help="do not load the plugin with this entry-point name (repeatable; also "
            "$BARNEKOORDINATOR_BLOCK_PLUGINS, comma-separated)",
        )
    if "--debug" not in parser._option_string_actions:
        parser.add_argument("--debug", action="store_true", help="show the traceback of an error")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="barnekoordinator",
        description="Legally traceable coordination core: barnekoordinator, IP, stafettlogg.",
        epilog=EXIT_STATUS,
    )
    parser.add_argument("--version", action="version", version=f"barnekoordinator {_version()}")
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
    for subparser in sub.choices.values():
        _common_options(subparser)
        if not subparser.epilog:
            subparser.epilog = EXIT_STATUS
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        with _blocking(getattr(args, "block", ())):
            status: int = args.func(args)
    except InvalidInput as exc:
        if debug:
            traceback.print_exc()
        # What the user typed (an argument, an option, a store URL) is wrong: a usage error.
        print(f"barnekoordinator {args.command}: {printable(_one_line(exc))}", file=sys.stderr)
        return 2
    except BarnekoordinatorError as exc:
        if debug:
            traceback.print_exc()
        print(f"barnekoordinator {args.command}: {printable(_one_line(exc))}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        # The reader went away (`barnekoordinator plugins | head`): stop quietly,
        # and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, or a failure no layer below named: still one line
        if debug:
            traceback.print_exc()
        print(
            f"barnekoordinator {args.command}: unexpected {type(exc).__name__} "
            "(run again with --debug to see the traceback)",
            file=sys.stderr,
        )
        return 3
    return status


@contextlib.contextmanager
def _blocking(names: Sequence[str]) -> Iterator[None]:
    """``--block`` for every plugin manager the command builds (through the environment)."""
    if not names:
        yield
        return
    from barnekoordinator.plugins import BLOCK_ENV, blocked_names  # only when asked

    before = os.environ.get(BLOCK_ENV)
    os.environ[BLOCK_ENV] = ",".join(blocked_names(names))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BLOCK_ENV, None)
        else:
            os.environ[BLOCK_ENV] = before


def _one_line(exc: BaseException) -> str:
    """The error's message on one line: a heading and its list of problems, joined."""
    line = ""
    for part in (p.strip() for p in str(exc).splitlines()):
        if part:
            line += part if not line else (" " if line.endswith(":") else "; ") + part
    return line


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

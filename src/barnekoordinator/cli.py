"""The ``barnekoordinator`` command.

Each subcommand lives in its own module under `barnekoordinator._cli` and
exposes ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable taking the parsed arguments and returning the exit status.

Exit status: 0 success, 1 a negative answer (invalid id, failed check), 2 usage
error (argparse's own convention, printed as one line naming ``--help``, and any
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
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn, cast

from barnekoordinator._cli import one_line as _one_line  # the message on one line
from barnekoordinator._cli import printable
from barnekoordinator._entry_points import FIRST_PARTY_PLUGINS
from barnekoordinator._redact import redact
from barnekoordinator.errors import BarnekoordinatorError, InvalidInput, PluginError

__all__ = ["EXIT_STATUS", "main"]

EXIT_STATUS = (
    "exit status: 0 ok; 1 a negative answer (rejected, invalid, a failed check); "
    "2 usage or bad input; 3 environment, store or plugin failure"
)
"""The exit-status convention every command follows, printed in every ``--help``."""

# The subcommands, in the order they appear in --help: one line each, (command, module under
# barnekoordinator._cli, the help line). Only the module of the command that runs is imported;
# --help lists the others from here (tests/plugins/test_cli_host.py checks each line matches
# the help its module registers).
_SUBCOMMANDS: tuple[tuple[str, str, str], ...] = (
    ("demo", "demo", "run the main job on a synthetic family (SQLite by default)"),
    ("id", "id", "check a fødselsnummer, D-, H- or FH-nummer"),
    ("assess", "assess", "assess barnekoordinator, koordinator, individuell plan and stafettlogg"),
    ("plugins", "plugins", "list loaded plugins and the hooks each implements"),
    ("verify", "verify", "verify hash chains, audit ranges, agenda rows and a signed checkpoint"),
    ("agenda", "agenda", "list what is due across all cases (from the store's projection)"),
    ("checkpoint", "checkpoint", "sign the store's Merkle roots (a checkpoint kept elsewhere)"),
    ("whoami", "whoami", "verify a login token and show the principal (identity number redacted)"),
    ("export", "export", "export one case as a principal may read it (FHIR R4, archive …)"),
    ("import", "import_history", "import a case history exported with --history (audited)"),
    ("case", "case", "open, show, log or close a case as a principal"),
    (
        "record",
        "record",
        "run Casebook commands given as command.v1 JSON documents (file or stdin)",
    ),
    ("consent", "consent", "record a consent given or withdrawn in a case"),
    ("handover", "handover", "propose, accept or decline handing the stafettlogg's baton over"),
    ("meeting", "meeting", "prepare a samarbeidsmøte from the case and call it"),
    ("remind", "remind", "send the e-mail reminders that are due (run daily from cron)"),
    (
        "overview",
        "overview",
        "Min oversikt: the case as one principal may read it, as an accessible HTML page",
    ),
    ("schemas", "schemas", "list, show or validate against the published JSON Schemas"),
)


def _version() -> str:
    import importlib.metadata  # only for --version: it costs more than the rest of --help

    try:
        return importlib.metadata.version("barnekoordinator")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout, not installed
        return "unknown (not installed)"


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, exit 2 (the
    usage itself is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        # argparse echoes the value it refused ("invalid choice: '…'"): never a person number.
        line = redact(" ".join(message.split()))
        self.exit(2, printable(f"{self.prog}: error: {line} (usage: {self.prog} --help)") + "\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every argument added (to check its metavar), and the
        # formatter imports shutil (with bz2, lzma …: 2 ms) for the terminal's width. The same
        # width, found as shutil.get_terminal_size() finds it, for argparse's own formatters.
        kind = self.formatter_class
        if not (isinstance(kind, type) and issubclass(kind, argparse.HelpFormatter)):
            return super()._get_formatter()
        return kind(prog=self.prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing ``shutil``: ``$COLUMNS`` when a
    positive number, else the width of the terminal on ``sys.__stdout__``, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


class _VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        parser.exit(message=f"barnekoordinator {_version()}\n")


def _common_options(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    """``--block`` and ``--debug``, on every subcommand (and every action of one, such as
    ``case show``) that does not define them itself."""
    # An action's parser must not reset what was given before the action (`case --debug show`):
    # its options leave the namespace alone unless they are given.
    unset: dict[str, object] = {"default": argparse.SUPPRESS} if nested else {}
    if "--block" not in parser._option_string_actions:
        parser.add_argument(
            "--block",
            action="append",
            metavar="PLUGIN",
            help="do not load the plugin with this entry-point name (repeatable; also "
            "$BARNEKOORDINATOR_BLOCK_PLUGINS, comma-separated)",
            **({"default": []} | unset),  # type: ignore[arg-type]
        )
    if "--debug" not in parser._option_string_actions:
        parser.add_argument(
            "--debug",
            action="store_true",
            help="show the traceback of an error",
            **unset,  # type: ignore[arg-type]
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for action_parser in action.choices.values():
                _common_options(action_parser, nested=True)
                if not action_parser.epilog:
                    action_parser.epilog = EXIT_STATUS


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named in ``argv``: its first word that is not an option (the top-level
    options, ``--help`` and ``--version``, take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


_Subparsers = argparse._SubParsersAction  # argparse's type of add_subparsers()' result


def build_parser(
    command: str | None = None, *, plugin_failures: dict[str, str] | None = None
) -> argparse.ArgumentParser:
    """Build the argument parser. For a built-in ``command`` it holds that command alone: its
    module is imported and adds its full parser. Otherwise (``--help``, a typo, a plugin's
    command) every built-in command is listed from ``_SUBCOMMANDS``, no module imported.

    When ``command`` is not a built-in one (``--help``, a typo, a plugin's command), installed
    third-party plugins add theirs through ``barnekoordinator_register_commands``; a plugin that
    cannot is left out and named in ``plugin_failures`` (plugin name → reason).
    """
    parser = _OneLineParser(
        prog="barnekoordinator",
        description="Legally traceable coordination core: barnekoordinator, IP, stafettlogg.",
        epilog=EXIT_STATUS,
    )
    parser.add_argument("--version", action=_VersionAction)
    # Every command's parser is a _OneLineParser too (argparse makes them of the parent's
    # class); the commands' modules are typed against the plain ArgumentParser.
    sub = cast(
        "_Subparsers[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", required=True),
    )
    built_in = any(name == command for name, _, _ in _SUBCOMMANDS)
    for name, module_name, help_line in _SUBCOMMANDS:
        if name == command:
            _register(sub, module_name)
        elif not built_in:
            # Listed for --help and a mistyped command; a built-in command's run needs only its
            # own parser (each parser costs argparse about 0.3 ms to make).
            sub.add_parser(name, help=help_line, description=help_line)
    if command is None or command not in sub.choices:
        failures = _plugin_commands(sub)
        if plugin_failures is not None:
            plugin_failures.update(failures)
    for subparser in sub.choices.values():
        _common_options(subparser)
        if not subparser.epilog:
            subparser.epilog = EXIT_STATUS
    return parser


def _register(sub: _Subparsers[argparse.ArgumentParser], module_name: str) -> None:
    """Import one subcommand's module and let it add its parser (absent if it is not built)."""
    try:
        module = importlib.import_module(f"barnekoordinator._cli.{module_name}")
    except ModuleNotFoundError as exc:
        # A subcommand whose module is not part of this build is simply absent.
        if exc.name == f"barnekoordinator._cli.{module_name}":
            return
        raise
    module.register(sub)


def _plugin_commands(sub: _Subparsers[argparse.ArgumentParser]) -> dict[str, str]:
    """Let installed third-party plugins add commands; plugin name → why one could not."""
    if not _vendor_entry_points():
        return {}  # the common case, decided without importlib.metadata or pluggy
    from barnekoordinator.plugins import get_plugin_manager, register_commands

    pm = get_plugin_manager(first_party=False, tolerate_broken=True)
    failures = dict(pm.broken)
    failures.update(register_commands(pm, sub))
    return failures


def _vendor_entry_points() -> bool:
    """True when a distribution on ``sys.path`` declares a ``barnekoordinator`` entry point other
    than the first-party ones: a scan of ``entry_points.txt`` files, cheaper than
    ``importlib.metadata``."""
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as f:
                        text = f.read()
                except (OSError, UnicodeDecodeError):
                    continue
                if _declares_vendor_plugin(text):
                    return True
    return False


def _declares_vendor_plugin(text: str) -> bool:
    """True when ``entry_points.txt`` text names a plugin not in ``FIRST_PARTY_PLUGINS``."""
    blocked = {n.strip() for n in os.environ.get("BARNEKOORDINATOR_BLOCK_PLUGINS", "").split(",")}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip()
        elif section == "barnekoordinator" and "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            name = name.strip()
            if FIRST_PARTY_PLUGINS.get(name) != value.strip() and name not in blocked:
                return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = _chosen(words)
    failures: dict[str, str] = {}
    parser = build_parser(command, plugin_failures=failures)
    for name, reason in sorted(failures.items()):
        print(
            f"barnekoordinator: plugin {name!r} could not add its commands: {printable(reason)}",
            file=sys.stderr,
        )
    args = parser.parse_args(words)
    debug = bool(getattr(args, "debug", False))
    func = getattr(args, "func", None)
    try:
        if func is None:
            raise PluginError(f"the command {args.command!r} sets no function to run")
        with _blocking(getattr(args, "block", ())):
            status: int = func(args)
    except InvalidInput as exc:
        if debug:
            _print_traceback()
        # What the user typed (an argument, an option, a store URL) is wrong: a usage error.
        print(f"barnekoordinator {args.command}: {printable(_one_line(exc))}", file=sys.stderr)
        return 2
    except BarnekoordinatorError as exc:
        if debug:
            _print_traceback()
        print(f"barnekoordinator {args.command}: {printable(_one_line(exc))}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        # The reader went away (`barnekoordinator plugins | head`): stop quietly,
        # and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, or a failure no layer below named: still one line
        if debug:
            _print_traceback()
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


def _print_traceback() -> None:
    """``--debug``: the traceback of the error being handled (``traceback`` only then)."""
    import traceback

    traceback.print_exc()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

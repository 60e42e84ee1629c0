"""``barnekoordinator export``: one case as one principal may read it, as a document.

The export is a read through the Casebook, decided and audited like any other
([`Casebook.export()`][barnekoordinator.casebook.Casebook.export]): ``--principal FILE`` (a
``principal.v1`` JSON document, as for ``agenda``) names who reads, and the document holds only
what that principal may read today. ``--for SERVICE`` narrows it to what the receiving service's
consent covers. ``--format`` names any installed exporter plugin (``fhir-r4``,
``fhir-r4-document``, and ``archive-html`` / ``archive-pdf`` when their plugin is installed).
``--identifiers`` puts identity numbers in where the principal may read them; ``--history`` adds
the whole recorded history (for ``barnekoordinator import``; only for one who may read all of it).

The document goes to ``--output FILE`` (created; an existing file is refused) or standard output.
Warnings for the receiver go to standard error. The sealing key is found as for ``agenda``.
``--json`` (which needs ``--output``: standard output holds the JSON) prints one document
describing what was written: format, case, version, bytes, output path and warnings.

Exit status: 0 exported; 1 refused (access denied, a rule of the law, an unknown case: a negative
answer, as for ``case``); 2 usage error (an unknown format or service, an unreadable principal
file, an existing output file, ``--json`` without ``--output``); 3 a runtime error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from barnekoordinator._cli import add_json_option, add_lang_option, json_text, new_output, printable
from barnekoordinator._cli._keys import load_sealing_key
from barnekoordinator._cli._wiring import configured
from barnekoordinator._cli.principal_file import read_principal
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import SystemClock
from barnekoordinator.errors import InvalidInput
from barnekoordinator.plugins import case_store
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import text as cli_text

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.plugins import PluginHost

__all__ = ["reading_casebook", "register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export",
        help="export one case as a principal may read it (FHIR R4, archive …)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    add_store_arguments(parser)
    parser.add_argument("--case", required=True, metavar="ID", help="the case id")
    parser.add_argument(
        "--format",
        required=True,
        metavar="FORMAT",
        help="fhir-r4, fhir-r4-document, archive-html, archive-pdf (any installed exporter)",
    )
    parser.add_argument(
        "--principal", required=True, metavar="FILE", help="a principal.v1 JSON file: who reads"
    )
    parser.add_argument(
        "--for",
        dest="for_service",
        choices=[s.value for s in ServiceKind],
        metavar="SERVICE",
        help="the receiving service: only what its consent covers",
    )
    parser.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    parser.add_argument(
        "--identifiers", action="store_true", help="include identity numbers (where allowed)"
    )
    parser.add_argument(
        "--history", action="store_true", help="include the whole history (for import)"
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept a synthetic national id (Tenor month+80) in the principal file",
    )
    add_json_option(
        parser,
        '{"format", "case_id", "version", "bytes", "output", "warnings": [...]}; needs --output, '
        "where the exported document itself goes",
    )
    add_lang_option(parser)
    parser.set_defaults(func=_guarded)


@contextlib.contextmanager
def reading_casebook(config: Config, pm: PluginHost) -> Iterator[Casebook]:
    """A Casebook for one audited read, on the store of ``config`` with the configured ``pm``
    (from [`configured(args, "audited")`][barnekoordinator._cli._wiring.configured]).

    The sealing key is found as for ``agenda``. Shared by ``export`` and ``overview``; the
    store is closed after.
    """
    opened = case_store(pm, config)
    try:
        sealing, _ = load_sealing_key(store_url=config.store, environ=os.environ, create=False)
        # A read opens no case, so the subject-key secret is never used: a random one
        # keeps a real one out of here.
        yield Casebook(
            opened,
            clock=SystemClock(),
            plugin_manager=pm,
            config=config,
            subject_secret=secrets.token_bytes(32),
            sealing=sealing,
        )
    finally:
        opened.close()


def _guarded(args: argparse.Namespace) -> int:
    """``run``, with a refusal as a negative answer (exit 1)."""
    from barnekoordinator._cli._session import negative_answers

    return negative_answers("export", run)(args)


def run(args: argparse.Namespace) -> int:
    """Export the case and write the document."""
    # The export is audited, so the store must take the audit record.
    config, pm = configured(args, "audited")
    principal = read_principal(
        args.principal, allow_synthetic=args.allow_synthetic, option="--principal"
    )
    output: str | None = args.output
    if args.json and output is None:
        raise InvalidInput("--json: give --output FILE too (standard output holds the JSON)")
    # The output file is made before the export is read and audited (and removed if it fails).
    target = new_output(output) if output is not None else contextlib.nullcontext(None)
    with target as write:
        with reading_casebook(config, pm) as book:
            result = book.export(
                principal,
                args.case,
                args.format,
                for_service=args.for_service,
                include_identifiers=args.identifiers,
                include_history=args.history,
            )
        lang = args.lang
        if not args.json:
            for warning in result.warnings:
                line = cli_text("cli.export.warning").format(lang, warning=printable(warning))
                print(f"barnekoordinator export: {line}", file=sys.stderr)
        if write is None:
            sys.stdout.buffer.write(result.content)
            sys.stdout.flush()
            return 0
        write(result.content)
    if args.json:
        document = {
            "format": result.format,
            "case_id": result.case_id,
            "version": result.version,
            "bytes": len(result.content),
            "output": str(output),
            "warnings": list(result.warnings),
        }
        print(json_text(document, indent=2))
        return 0
    written = cli_text("cli.export.written").format(
        lang,
        format=result.format,
        case=result.case_id,
        version=result.version,
        output=printable(str(output)),
    )
    print(f"barnekoordinator export: {written}", file=sys.stderr)
    return 0

"""``barnekoordinator import``: append an exported case history to a store (back office).

The file must be a document exported with the whole history (``export --history``), e.g. a FHIR
Bundle. Importing is a **trusted back-office** act, like ``verify``: whoever holds the store may
run it; there is no principal to decide for. It is still audited: the events and one audit record
(actor ``back-office``, action ``import``, ``--operator`` as its label) are stored in one
transaction ([`import_history()`][barnekoordinator.exchange.import_history]). The family is shown
that label, so it is a name or a job: one with six or more digits (an identity number, say) is
refused before anything is read or opened. Identity numbers are sealed with the store's sealing
key (found as for ``agenda``, created when missing), and the child's index is keyed with
``$BARNEKOORDINATOR_SUBJECT_SECRET``, which must be set (the same secret the application uses, or
the child's open case would not be found).

Exit status: 0 imported; 2 the file is not an importable history (every problem listed with its
JSON path; nothing stored), an unknown format, an ``--operator`` refused, or no subject secret;
3 a runtime error.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Final

from barnekoordinator._casebook_views import label_problem
from barnekoordinator._cli import (
    add_json_option,
    add_lang_option,
    json_text,
    printable,
    read_source,
)
from barnekoordinator._cli._keys import load_sealing_key
from barnekoordinator._cli._wiring import configured, store_url, subject_secret
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator._redact import redact
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import SystemClock
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
from barnekoordinator.exchange import import_history, named_importer
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.plugins import case_store
from barnekoordinator.texts import text as cli_text

__all__ = ["SECRET_ENV", "register", "run"]

SECRET_ENV = "BARNEKOORDINATOR_SUBJECT_SECRET"  # noqa: S105 - the variable's name, not a secret
"""The environment variable holding the subject-key secret."""

_MAX_HISTORY: Final = 64 << 20
"""The most bytes of a document read: a whole case's history, larger than ``record``'s input."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="import a case history exported with --history (audited)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("file", metavar="FILE", help="the exported document")
    add_store_arguments(parser)
    parser.add_argument(
        "--format", default="fhir-r4", help="the document's format (default fhir-r4)"
    )
    parser.add_argument(
        "--operator", metavar="LABEL", help="who runs the import, for the audit record"
    )
    add_json_option(parser, '{"case_id", "events"} (how many events were imported)')
    add_lang_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import the history in the file."""
    operator = args.operator or getpass.getuser()
    problem = label_problem(operator)
    if problem is not None:  # refused before anything is read, opened or made
        raise InvalidInput(f"--operator: expected a name or a job; this one {problem}")
    secret = subject_secret(os.environ)
    if not secret:
        raise InvalidConfiguration(f"${SECRET_ENV}: set the subject-key secret the store uses")
    config, pm = configured(args, "write", subject_key_secret=secret)
    content = read_source(args.file, _MAX_HISTORY, stdin=False)
    # Read and check the history before the store is opened (or made) and a key created, so a
    # refused file leaves nothing behind.
    reader = named_importer(pm, config, args.format)
    history = reader.read_history(content, CATALOGUE)
    url = store_url(args)
    store = case_store(pm, config)
    try:
        sealing, source = load_sealing_key(store_url=url, environ=os.environ, create=True)
        if source.kind == "created":
            said = printable(redact(source.text(args.lang)))
            print(f"barnekoordinator import: {said}", file=sys.stderr)
        book = Casebook(
            store, clock=SystemClock(), plugin_manager=pm, config=config, sealing=sealing
        )
        recorded = import_history(
            book,
            content,
            _Read(reader.format, history),
            operator=operator,
        )
    finally:
        store.close()
    if args.json:
        document = {"case_id": recorded.case_id, "events": len(recorded.sequences)}
        print(json_text(document))
    else:
        done = cli_text("cli.import.done").format(
            args.lang, case=recorded.case_id, count=len(recorded.sequences)
        )
        print(done)
    return 0


class _Read:
    """An importer whose history was already read and checked (the same bytes are passed)."""

    def __init__(self, format: str, history: tuple[str, tuple[RecordedEvent, ...]]) -> None:
        self.format = format
        self._history = history

    def read_history(
        self, content: bytes, catalogue: Catalogue
    ) -> tuple[str, tuple[RecordedEvent, ...]]:
        return self._history

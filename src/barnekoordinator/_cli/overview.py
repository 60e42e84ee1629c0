"""``barnekoordinator overview``: Min oversikt for one principal, as one HTML page.

The page is a read through the Casebook, decided and audited like any other
([`Casebook.overview()`][barnekoordinator.casebook.Casebook.overview]). Who reads is given as for
every command that acts on a case: ``--token FILE`` (``-`` for standard input), a login token
verified by the issuers configured with ``--option`` (``--option idporten.audience=CLIENT_ID`` …),
or ``--as FILE``, a ``principal.v1`` development principal, refused unless
``$BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS=1`` and the store is the embedded one.
``--lang`` picks nb, nn or en; ``--version`` asks for another version than the reader's own,
where the rule allows it (a professional's preview).

The page goes to ``--output FILE`` (created; an existing file is refused) or standard output;
with ``--json``, one JSON document (case, version, language, the entry ids shown, the page).

Exit status: 0 written; 1 refused (access denied, a rejected token, an unknown case); 2 usage
error (an unreadable file, an unknown language or version, an existing output file); 3 a
runtime error (store, plugins).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from barnekoordinator._cli import new_output, printable
from barnekoordinator._cli._session import add_case_arguments, negative_answers, open_session

__all__ = ["register", "run"]

_VERSIONS = ("child", "youth", "guardian")  # OverviewVersion's values (not imported for --help)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``overview`` subcommand."""
    parser = subparsers.add_parser(
        "overview",
        help="Min oversikt: the case as one principal may read it, as an accessible HTML page",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--case", required=True, metavar="ID", help="the case id")
    add_case_arguments(parser)
    parser.add_argument(
        "--version",
        dest="page_version",
        choices=_VERSIONS,
        help="another version than the reader's own (where allowed: a professional's preview)",
    )
    parser.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    parser.set_defaults(func=negative_answers("overview", run))


def run(args: argparse.Namespace) -> int:
    """Make the page and write it."""
    # The output file is made before the page is read and audited (and removed if it fails).
    target = new_output(args.output) if args.output else contextlib.nullcontext(None)
    with target as write:
        with open_session(args, writes=False) as session:
            page = session.book.overview(
                session.principal, args.case, lang=session.lang, version=args.page_version
            )
        content = page.html
        if args.json:
            content = json.dumps(
                {
                    "case": page.case_id,
                    "as_of": page.as_of.isoformat(),
                    "version": page.version.value,
                    "lang": page.lang.value,
                    "preview": page.preview,
                    "entry_ids": list(page.entry_ids),
                    "decision_ids": list(page.decision_ids),
                    "html": page.html,
                },
                ensure_ascii=False,
            )
        if write is None:
            sys.stdout.write(content)
            sys.stdout.flush()
        else:
            write(content.encode("utf-8"))
            print(
                f"barnekoordinator overview: the {page.version.value} version in "
                f"{page.lang.value} of case {page.case_id} written to {printable(args.output)}",
                file=sys.stderr,
            )
    return 0

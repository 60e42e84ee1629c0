"""``barnekoordinator overview``: Min oversikt for one principal, as one HTML page.

The page is a read through the Casebook, decided and audited like any other
([`Casebook.overview()`][barnekoordinator.casebook.Casebook.overview]). Who reads is given one of
two ways: ``--token FILE`` (``-`` for standard input), a login token verified by the configured
issuers as in ``whoami`` (``--option idporten.audience=CLIENT_ID`` …), or ``--as FILE``, a
``principal.v1`` JSON document as for ``export`` and ``agenda`` (for a back office that verified
the person itself). ``--lang`` picks nb, nn or en; ``--version`` asks for another version than the
reader's own, where the rule allows it (a professional's preview).

The page goes to ``--output FILE`` (created; an existing file is refused) or standard output.
The store and the sealing key are found as for ``export``.

Exit status: 0 written; 2 usage error (an unreadable file, an unknown language or version, an
existing output file); 3 refused (access denied, a rejected token) or a runtime error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from barnekoordinator._cli.export import reading_casebook
from barnekoordinator._cli.principal_file import read_principal
from barnekoordinator._cli.whoami import read_token
from barnekoordinator.access.login import GENERIC_KIND
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.errors import InvalidInput
from barnekoordinator.overview import OverviewVersion

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``overview`` subcommand."""
    parser = subparsers.add_parser(
        "overview",
        help="Min oversikt: the case as one principal may read it, as an accessible HTML page",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--store", metavar="URL", help="store URL (default: $BARNEKOORDINATOR_STORE)"
    )
    parser.add_argument("--case", required=True, metavar="ID", help="the case id")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--token", metavar="FILE", help="a login token ('-': standard input)")
    who.add_argument(
        "--as", dest="principal_file", metavar="FILE", help="a principal.v1 JSON file: who reads"
    )
    parser.add_argument("--lang", choices=["nb", "nn", "en"], default="nb")
    parser.add_argument(
        "--version",
        dest="page_version",
        choices=[v.value for v in OverviewVersion],
        help="another version than the reader's own (where allowed: a professional's preview)",
    )
    parser.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    parser.add_argument(
        "--kind", default=GENERIC_KIND, help="the token's credential kind (with --token)"
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept a synthetic national id (Tenor month+80) in the principal file",
    )
    parser.add_argument("--option", action="append", default=[], metavar="PLUGIN.KEY=VALUE")
    parser.set_defaults(func=run)


def _token(path: str) -> str:
    try:
        if path == "-":
            return read_token(sys.stdin.buffer)
        with open(path, "rb") as source:
            return read_token(source)
    except OSError as exc:
        raise InvalidInput(f"--token {path}: {exc.strerror or 'unreadable'}") from None


def _principal(book: Casebook, args: argparse.Namespace) -> Principal:
    if args.principal_file is not None:
        try:
            return read_principal(args.principal_file, allow_synthetic=args.allow_synthetic)
        except OSError as exc:
            raise InvalidInput(
                f"--as {args.principal_file}: {exc.strerror or 'unreadable'}"
            ) from None
    return book.login(Credential(kind=args.kind, token=_token(args.token)))


def run(args: argparse.Namespace) -> int:
    """Make the page and write it."""
    output = Path(args.output) if args.output else None
    if output is not None and output.exists():
        raise InvalidInput(f"--output {args.output}: the file exists; nothing written")
    with reading_casebook(args.store, args.option) as book:
        principal = _principal(book, args)
        page = book.overview(principal, args.case, lang=args.lang, version=args.page_version)
    if output is None:
        sys.stdout.write(page.html)
        sys.stdout.flush()
    else:
        with output.open("x", encoding="utf-8") as handle:
            handle.write(page.html)
        print(
            f"barnekoordinator overview: the {page.version.value} version in {page.lang.value} "
            f"of case {page.case_id} written to {output}",
            file=sys.stderr,
        )
    return 0

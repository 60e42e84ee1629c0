"""What the commands that act on a case share: the store, the Casebook, who acts, how it prints.

**Who acts.** A command that reads or changes a case acts as a principal, taken from

* ``--token FILE`` (``-``: standard input): a login token verified by the identity plugins
  configured with ``--option`` (e.g. ``--option idporten.audience=CLIENT``), through
  [`Casebook.login()`][barnekoordinator.casebook.Casebook.login]; or
* ``--as FILE``: a ``principal.v1`` document naming a **development principal**, for local
  scripting and tests on the embedded store (``sqlite:`` or ``memory:``). It is refused unless
  the configuration allows it
  ([`Config.allow_development_principals`][barnekoordinator.config.Config], read from
  ``$BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS=1``): nobody verified who wrote the file.

**The store** is ``--store URL``, else ``$BARNEKOORDINATOR_STORE``, else the default
(``sqlite:barnekoordinator.db``), opened for writing (every read is audited). The sealing key is
found as for ``agenda`` (``case open`` creates it when missing). A command that writes needs
``$BARNEKOORDINATOR_SUBJECT_SECRET``, the secret that keys the index of children's cases (the
same the application uses, or one child could get two cases).

**Family openings.** A guardian or the young adult opens a case only as Folkeregisteret confirms
it, through the registry a plugin provides (``barnekoordinator_person_registry``); with no such
plugin installed, ``case open`` refuses them (exit 1) and koordinerende enhet opens the case.

**Answers.** A refusal (access denied, a rule of the law, a stale version, a rejected token, an
unknown case) is a negative answer: one line on standard error, exit 1. What was typed is
exit 2, the environment exit 3 (``barnekoordinator.cli``).
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import os
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

import attrs

from barnekoordinator._cli import printable
from barnekoordinator._cli._keys import load_sealing_key
from barnekoordinator._cli._wiring import (
    SUBJECT_SECRET_ENV,
    configured_host,
    plugin_options,
    subject_secret,
)
from barnekoordinator._cli.principal_file import read_principal
from barnekoordinator._cli.verify import add_store_arguments, store_url
from barnekoordinator._cli.whoami import read_token_file
from barnekoordinator._redact import redact
from barnekoordinator.access.login import GENERIC_KIND
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import SystemClock
from barnekoordinator.config import Config
from barnekoordinator.errors import (
    AccessDenied,
    CaseNotFound,
    ConcurrencyConflict,
    InvalidConfiguration,
    InvalidInput,
    NotAuthenticated,
    RuleViolation,
    TokenRejected,
)
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.plugins import case_store, person_registry
from barnekoordinator.texts import Text

__all__ = [
    "ALLOW_DEVELOPMENT_ENV",
    "NEGATIVE_ANSWERS",
    "Session",
    "add_case_arguments",
    "cli_config",
    "negative_answers",
    "open_session",
    "plain",
]

ALLOW_DEVELOPMENT_ENV: Final = "BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS"
"""The environment variable that allows ``--as FILE`` (``1``, ``true`` or ``yes``)."""

_EMBEDDED: Final = ("sqlite", "memory")
NEGATIVE_ANSWERS: Final = (
    AccessDenied,
    RuleViolation,
    ConcurrencyConflict,
    CaseNotFound,
    TokenRejected,
    NotAuthenticated,
)
"""What a command may be refused with: a negative answer (exit 1), not a usage error."""


def add_case_arguments(parser: argparse.ArgumentParser, *, words: bool = True) -> None:
    """The options of every command that acts on a case: store, who acts, output."""
    add_store_arguments(parser)
    who = parser.add_argument_group("who acts (one of)")
    who.add_argument(
        "--token",
        metavar="FILE",
        help="a login token verified by the issuers configured with --option ('-': stdin)",
    )
    who.add_argument(
        "--as",
        dest="as_file",
        metavar="FILE",
        help=f"a principal.v1 file: a development principal (needs ${ALLOW_DEVELOPMENT_ENV}=1 "
        "and an embedded store)",
    )
    who.add_argument(
        "--kind",
        default=GENERIC_KIND,
        help="the token's credential kind (default: any configured issuer)",
    )
    who.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept synthetic national ids (Tenor month+80) in the principal file and arguments",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (see the command's help)")
    if words:
        parser.add_argument("--lang", choices=("nb", "nn", "en"), default="nb")


def _flag(environ: Mapping[str, str]) -> bool:
    value = environ.get(ALLOW_DEVELOPMENT_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise InvalidConfiguration(f"${ALLOW_DEVELOPMENT_ENV}: expected 1, true, yes, 0, false or no")


def cli_config(args: argparse.Namespace, *, writes: bool) -> Config:
    """The configuration of one command: store and options from the arguments, the subject
    secret and the development-principal flag from the environment."""
    secret = subject_secret(os.environ)
    if writes and not secret:
        raise InvalidConfiguration(
            f"${SUBJECT_SECRET_ENV}: set the subject-key secret the store uses (it keys the "
            "index of children's cases)"
        )
    return Config(
        store=store_url(args),
        # A write may create the embedded store; a read through the Casebook is audited, so
        # read-write, but never creates a missing file.
        plugin_options=plugin_options(args.option, "write" if writes else "audited"),
        # A command that opens no case never uses it: a random one keeps a real one out.
        subject_key_secret=secret or secrets.token_bytes(32),
        allow_development_principals=_flag(os.environ),
    )


def _development_principal(args: argparse.Namespace, config: Config) -> Principal:
    if not config.allow_development_principals:
        raise InvalidInput(
            f"--as: development principals are refused by the configuration; set "
            f"${ALLOW_DEVELOPMENT_ENV}=1 to allow them for local scripting on the embedded store"
        )
    if config.store_scheme not in _EMBEDDED:
        raise InvalidInput(
            "--as: a development principal acts only on the embedded store (sqlite: or memory:); "
            "use --token"
        )
    return read_principal(args.as_file, allow_synthetic=args.allow_synthetic, option="--as")


@attrs.frozen
class Session:
    """An open Casebook, the principal it acts for, and the command's output settings."""

    book: Casebook
    principal: Principal
    config: Config
    as_json: bool
    lang: str

    def say(self, text: Text, **values: object) -> None:
        """Print ``text`` in the command's language."""
        print(text.format(self.lang, **values))


@contextlib.contextmanager
def open_session(
    args: argparse.Namespace, *, writes: bool, creates_key: bool = False
) -> Iterator[Session]:
    """The store, the Casebook and the acting principal of one command; closed after."""
    if args.token is not None and args.as_file is not None:
        raise InvalidInput("--token and --as: give one of them, not both")
    if args.token is None and args.as_file is None:
        raise InvalidInput(
            "expected --token FILE (a login token) or --as FILE (a development principal)"
        )
    config = cli_config(args, writes=writes)
    # A development principal is checked before the store is touched.
    principal = _development_principal(args, config) if args.as_file is not None else None
    token = read_token_file(args.token) if args.token is not None else None
    pm = configured_host(config, args.option)
    registry = person_registry(pm, config)  # none: a family member opens no case (decision 46)
    store = case_store(pm, config)
    try:
        sealing, source = load_sealing_key(
            store_url=config.store, environ=os.environ, create=creates_key
        )
        if source.kind == "created":
            said = source.text(getattr(args, "lang", "nb"))
            print(f"barnekoordinator: {printable(redact(said))}", file=sys.stderr)
        book = Casebook(
            store,
            clock=SystemClock(),
            plugin_manager=pm,
            config=config,
            sealing=sealing,
            registry=registry,
        )
    except BaseException:
        store.close()
        raise
    try:
        if token is not None:
            principal = book.login(Credential(kind=args.kind, token=token))
        assert principal is not None
        yield Session(book, principal, config, bool(args.json), getattr(args, "lang", "nb"))
    finally:
        book.close()


def negative_answers(
    name: str, run: Callable[[argparse.Namespace], int]
) -> Callable[[argparse.Namespace], int]:
    """``run``, with a refusal printed as one line and exit status 1 (a negative answer)."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except NEGATIVE_ANSWERS as exc:
            line = " ".join(str(exc).split())
            print(f"barnekoordinator {name}: {printable(line)}", file=sys.stderr)
            return 1

    return guarded


def plain(value: object) -> Any:
    """``value`` as JSON-able data for output: attrs values as objects, enums by value, dates
    ISO, and identity numbers **redacted** (``311299*****``) — never in clear."""
    if isinstance(value, PersonId):
        return value.redacted()
    if isinstance(value, Organisasjonsnummer | HprNummer):
        return str(value)
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {
            f.name: plain(getattr(value, f.name))
            for f in attrs.fields(type(value))  # type: ignore[arg-type]
            if not f.name.startswith("_")
        }
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted((plain(v) for v in value), key=str)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)

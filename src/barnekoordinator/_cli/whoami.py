"""``barnekoordinator whoami``: verify a token with the configured issuers and show who it is.

The token is read from ``--token FILE`` (``-`` for standard input, which keeps it out of
shell history), as strict UTF-8 of at most 64 KiB; surrounding white space is
ignored. Issuers are configured the way the library is, in ``Config.plugin_options`` —
the same sections an embedding application gives
[`Casebook.login()`][barnekoordinator.casebook.Casebook.login] — here as ``--option
PLUGIN.KEY=VALUE`` (e.g. ``--option idporten.audience=my-client``);
``docs/plugins/login.md`` lists the options. The same
[`LoginChain`][barnekoordinator.access.login.LoginChain] asks every configured identity plugin
in turn; the one whose issuer the token names verifies it.

The principal is printed with the identity number redacted (``311299*****``), never
the token. The time is the real time (this is an edge: a
[`SystemClock`][barnekoordinator.clock.SystemClock]).

Exit status: 0 the token is accepted; 1 it is rejected (the reason is printed); 2 usage
error (no such file, no issuer configured, invalid options); 3 an issuer could not be
reached.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, BinaryIO

from barnekoordinator._cli import add_json_option, add_lang_option, file_name, json_text, printable
from barnekoordinator._cli._wiring import configured_host, plugin_options
from barnekoordinator.access.login import GENERIC_KIND, MAX_TOKEN_BYTES, NO_ISSUER
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidInput, NotAuthenticated, TokenRejected
from barnekoordinator.plugins import login_chain
from barnekoordinator.texts import text as cli_text

__all__ = ["principal_to_json", "read_token", "read_token_file", "register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``whoami`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "whoami",
        help="verify a login token and show the principal (identity number redacted)",
        description=(
            "Verify an id_token or access token with the configured issuers and print the "
            "principal it stands for, with the identity number redacted. "
            "Exit status: 0 accepted, 1 rejected, 2 usage error, 3 issuer unreachable."
        ),
    )
    parser.add_argument(
        "--token",
        dest="source",
        required=True,
        metavar="FILE",
        help="a file holding the token; '-' reads it from standard input",
    )
    add_json_option(
        parser,
        '{"accepted": true, "identity_provider", "subject", "national_id" (redacted), ...} or '
        '{"accepted": false, "code", "reason"}',
    )
    add_lang_option(parser)
    parser.add_argument(
        "--kind",
        default=GENERIC_KIND,
        help=f"the credential kind, e.g. idporten-id-token (default: {GENERIC_KIND}, "
        "any configured issuer)",
    )
    parser.add_argument("--nonce", help="the nonce of the login request; the token must carry it")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="PLUGIN.KEY=VALUE",
        help="an identity plugin option, e.g. idporten.audience=my-client (repeatable)",
    )
    parser.set_defaults(func=run)


def read_token(source: BinaryIO) -> str:
    """Read a token: at most 64 KiB of strict UTF-8, surrounding white space removed.

    Raises:
        TokenRejected: ``too-large`` or ``malformed`` (not UTF-8).
    """
    raw = source.read(MAX_TOKEN_BYTES + 1)
    if len(raw) > MAX_TOKEN_BYTES:
        raise TokenRejected(
            f"too-large: the token file is longer than {MAX_TOKEN_BYTES} bytes", code="too-large"
        )
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise TokenRejected("malformed: the token file is not UTF-8", code="malformed") from None


def read_token_file(source: str, option: str = "--token") -> str:
    """The token in file ``source`` (``-``: standard input), read as
    [`read_token()`][barnekoordinator._cli.whoami.read_token] reads it: the one reader of every
    command's ``--token FILE``.

    Raises:
        InvalidInput: ``--token FILE: …`` — no file name, or the file cannot be read (the name
            is redacted, as every error's message is).
        TokenRejected: ``too-large`` or ``malformed`` (not UTF-8).
    """
    if source == "-":
        return read_token(sys.stdin.buffer)
    if not source:
        raise InvalidInput(f"{option}: expected a file name ('-' reads standard input)")
    where = f"{option} {source}"
    try:
        with open(file_name(source, where), "rb") as handle:
            return read_token(handle)
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot read ({exc.strerror or 'unreadable'})") from None


def principal_to_json(principal: Principal) -> dict[str, Any]:
    """The principal as JSON, the identity number redacted."""
    person = principal.national_id
    return {
        "identity_provider": principal.identity_provider,
        "subject": principal.subject,
        "display_label": principal.display_label,
        "assurance": principal.assurance.value,
        "national_id": person.redacted() if person is not None else None,
        "national_id_kind": person.kind.value if person is not None else None,
        "synthetic": person.synthetic if person is not None else None,
        "hpr": str(principal.hpr) if principal.hpr is not None else None,
        "organisation": str(principal.organisation) if principal.organisation else None,
        "amr": list(principal.amr),
    }


_FIELDS = (
    "identity_provider",
    "subject",
    "display_label",
    "assurance",
    "national_id",
    "hpr",
    "organisation",
)
"""The principal's fields printed one a line, in this order (then ``amr``)."""
_LABELS = ("accepted", *_FIELDS, "amr", "reason")


def _label(key: str, lang: str) -> str:
    """``key``'s label and its colon, padded so that the values line up in every language."""
    width = max(len(cli_text(f"cli.whoami.{k}").get(lang)) for k in _LABELS) + 2
    return f"{cli_text(f'cli.whoami.{key}').get(lang) + ':':<{width}}"


def _print_accepted(principal: Principal, as_json: bool, lang: str = "en") -> None:
    data = principal_to_json(principal)
    if as_json:
        print(json_text({"accepted": True, **data}))
        return
    print(_label("accepted", lang) + cli_text("cli.yes").get(lang))
    for key in _FIELDS:
        value = data[key]
        # The values come from the token's claims: no control character reaches the terminal.
        print(_label(key, lang) + (printable(str(value)) if value is not None else "-"))
    print(_label("amr", lang) + (printable(", ".join(data["amr"])) or "-"))


def _print_rejected(code: str, reason: str, as_json: bool, lang: str = "en") -> None:
    if as_json:
        print(json_text({"accepted": False, "code": code, "reason": reason}))
    else:
        print(_label("accepted", lang) + cli_text("cli.no").get(lang))
        print(_label("reason", lang) + printable(reason))


def run(args: argparse.Namespace) -> int:
    """Verify the token and print the principal or the reason; return the exit status."""
    try:
        # The reader every --token shares: an unreadable file is InvalidInput (exit 2, cli.main),
        # its name redacted like any error's message.
        token = read_token_file(args.source)
    except TokenRejected as exc:
        _print_rejected(exc.code, exc.reason, args.json, args.lang)
        return 1
    config = Config(store="memory:", plugin_options=plugin_options(args.option))
    # An invalid option is InvalidConfiguration: one line, exit 2 (cli.main).
    chain = login_chain(configured_host(config, args.option), config)
    if not chain:
        print(
            "barnekoordinator whoami: no issuer is configured; pass e.g. "
            "--option idporten.audience=CLIENT_ID (see docs/plugins/login.md)",
            file=sys.stderr,
        )
        return 2
    credential = Credential(kind=args.kind, token=token, nonce=args.nonce)
    try:
        principal = chain.login(credential)
    except TokenRejected as exc:
        _print_rejected(exc.code, exc.reason, args.json, args.lang)
        return 1
    except NotAuthenticated as exc:
        _print_rejected(NO_ISSUER, str(exc), args.json, args.lang)
        return 1
    finally:
        chain.close()
    _print_accepted(principal, args.json, args.lang)
    return 0

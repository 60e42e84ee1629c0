"""``barnekoordinator consent give|withdraw``: record a consent, or its withdrawal, in a case.

A thin front-end over the command registry: the options become the ``command.v1`` document of
``give_consent`` or ``withdraw_consent`` (as ``record`` would take it), validated and run the
same way through the Casebook as the principal (``--token`` or ``--as``). Who may consent for
whom is the law's (``barnekoordinator.access.consent``); a consent the law does not accept is
refused with its reason.

Output and exit status as for ``record``: 0 recorded, 1 refused, 2 usage or invalid arguments,
3 the store or a plugin failed.
"""

from __future__ import annotations

import argparse

from barnekoordinator._cli._session import negative_answers
from barnekoordinator._cli.record import add_command_options, record_options
from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.people import Section
from barnekoordinator.services import ServiceKind

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``consent`` subcommand with ``give`` and ``withdraw``."""
    parser = subparsers.add_parser(
        "consent",
        help="record a consent given or withdrawn in a case",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    give = actions.add_parser("give", help="record a consent (give_consent)")
    give.add_argument("--id", required=True, dest="consent_id", help="the consent's id")
    give.add_argument("--purpose", required=True, choices=[p.value for p in ConsentPurpose])
    give.add_argument(
        "--given-by",
        action="append",
        required=True,
        metavar="REF",
        help="who consents, as the case knows them (repeatable: both parents)",
    )
    give.add_argument(
        "--service",
        action="append",
        required=True,
        choices=[s.value for s in ServiceKind],
        metavar="SERVICE",
        help="a service the consent covers (repeatable)",
    )
    give.add_argument(
        "--section",
        action="append",
        choices=[s.value for s in Section],
        metavar="SECTION",
        help="a section the consent covers (repeatable; default: all)",
    )
    give.add_argument("--valid-to", metavar="DATE", help="the last day the consent holds")
    give.add_argument("--note", help="a note kept with the consent")
    add_command_options(give)
    give.set_defaults(func=negative_answers("consent give", _give))
    withdraw = actions.add_parser("withdraw", help="record that a consent was withdrawn")
    withdraw.add_argument("--id", required=True, dest="consent_id", help="the consent's id")
    add_command_options(withdraw)
    withdraw.set_defaults(func=negative_answers("consent withdraw", _withdraw))


def _give(args: argparse.Namespace) -> int:
    return record_options(
        args,
        "give_consent",
        {
            "consent_id": args.consent_id,
            "purpose": args.purpose,
            "given_by": args.given_by,
            "services": args.service,
            "sections": args.section,
            "valid_to": args.valid_to,
            "note": args.note,
        },
    )


def _withdraw(args: argparse.Namespace) -> int:
    return record_options(args, "withdraw_consent", {"consent_id": args.consent_id})

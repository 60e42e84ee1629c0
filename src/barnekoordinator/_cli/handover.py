"""``barnekoordinator handover propose|accept|decline``: hand the stafettlogg's baton over.

A thin front-end over the command registry (``propose_handover``, ``accept_handover``,
``decline_handover``; see ``barnekoordinator.coordination.handover``): the stafettholder
proposes, the receiving participant accepts or declines, and until then the holder keeps the
baton. The options become the ``command.v1`` document ``record`` would take, validated and run
the same way through the Casebook as the principal (``--token`` or ``--as``).

Output and exit status as for ``record``: 0 recorded, 1 refused (no consent covers the
receiver, no pending handover …), 2 usage or invalid arguments, 3 the store or a plugin failed.
"""

from __future__ import annotations

import argparse

from barnekoordinator._cli._session import negative_answers
from barnekoordinator._cli.record import add_command_options, record_options

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``handover`` subcommand with ``propose``, ``accept`` and ``decline``."""
    parser = subparsers.add_parser(
        "handover",
        help="propose, accept or decline handing the stafettlogg's baton over",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    propose = actions.add_parser("propose", help="propose a handover (propose_handover)")
    propose.add_argument("--to", required=True, metavar="REF", help="the receiving participant")
    propose.add_argument("--reason", help="why the baton moves")
    add_command_options(propose)
    propose.set_defaults(func=negative_answers("handover propose", _propose))
    accept = actions.add_parser("accept", help="accept the pending handover (accept_handover)")
    add_command_options(accept)
    accept.set_defaults(func=negative_answers("handover accept", _accept))
    decline = actions.add_parser("decline", help="decline the pending handover")
    decline.add_argument("--reason", help="why it is declined")
    add_command_options(decline)
    decline.set_defaults(func=negative_answers("handover decline", _decline))


def _propose(args: argparse.Namespace) -> int:
    return record_options(args, "propose_handover", {"to_ref": args.to, "reason": args.reason})


def _accept(args: argparse.Namespace) -> int:
    return record_options(args, "accept_handover", {})


def _decline(args: argparse.Namespace) -> int:
    return record_options(args, "decline_handover", {"reason": args.reason})

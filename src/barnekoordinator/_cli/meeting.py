"""``barnekoordinator meeting prepare``: build a samarbeidsmøte's agenda from the case, call it.

A thin front-end over the command registry's ``call_prepared_meeting``
([`call_prepared_meeting()`][barnekoordinator.coordination.meetings.call_prepared_meeting]):
the agenda is your own points (``--point``, repeatable) followed by what the case says must be
on it — the child's voice first, tiltak due for evaluation, new concerns, open decisions, a
pending handover, the plan — and who must bring what. The meeting is called by the
stafettholder (or a leader) as ``record`` would call it, through the Casebook as the principal.
Read the agenda back with ``case show`` or ``case log``.

Output and exit status as for ``record``: 0 recorded, 1 refused, 2 usage or invalid arguments,
3 the store or a plugin failed.
"""

from __future__ import annotations

import argparse

from barnekoordinator._cli._session import negative_answers
from barnekoordinator._cli.record import add_command_options, record_options

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``meeting`` subcommand with ``prepare``."""
    parser = subparsers.add_parser(
        "meeting",
        help="prepare a samarbeidsmøte from the case and call it",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    prepare = actions.add_parser("prepare", help="build the agenda and call the meeting")
    prepare.add_argument("--id", required=True, dest="meeting_id", help="the meeting's id")
    prepare.add_argument("--on", required=True, metavar="DATE", help="the day of the meeting")
    prepare.add_argument(
        "--invite", action="append", required=True, metavar="REF", help="an invitee (repeatable)"
    )
    prepare.add_argument(
        "--point", action="append", metavar="TEXT", help="an agenda point of your own (repeatable)"
    )
    prepare.add_argument(
        "--horizon-days",
        type=int,
        metavar="N",
        help="evaluations due within N days of the meeting count (default 7)",
    )
    add_command_options(prepare)
    prepare.set_defaults(func=negative_answers("meeting prepare", _prepare))


def _prepare(args: argparse.Namespace) -> int:
    return record_options(
        args,
        "call_prepared_meeting",
        {
            "meeting_id": args.meeting_id,
            "meeting_on": args.on,
            "invited": args.invite,
            "agenda": args.point,
            "horizon_days": args.horizon_days,
        },
    )

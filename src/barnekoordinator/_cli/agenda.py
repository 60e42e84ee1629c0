"""``barnekoordinator agenda``: what is due across every case in the store.

Reads the agenda projection the store keeps with each append (evaluations due,
handovers pending, cases missing a stafettholder, 18th birthdays ahead,
decisions and plan revisions due) — no case is replayed. The store is opened
read-only.

Exit status: 0 success; 2 usage error (including ``--as-of`` outside the supported
dates, ``--days`` or ``--limit`` out of range, or a bad store URL or option); 3 the
store could not be opened.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from datetime import date, timedelta

from barnekoordinator._cli.verify import STORE_ENV, _options
from barnekoordinator.clock import SystemClock
from barnekoordinator.config import Config
from barnekoordinator.edges import LATEST_DATE, parse_date
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.plugins import case_store, get_plugin_manager

__all__ = ["register", "run"]

_MAX_DAYS = 36_525
"""``--days``: at most a hundred years ahead (the rows a case can have lie within a lifetime)."""
_MAX_LIMIT = 10_000_000
"""``--limit``: more rows than a national store's agenda holds, and far inside a 64-bit integer."""


def _as_of(value: str) -> date:
    try:
        return parse_date(value, "--as-of")
    except InvalidInput as exc:
        # argparse names the option and shows the value (as a repr: safe to print).
        raise argparse.ArgumentTypeError(
            f"{str(exc).removeprefix('--as-of: ')}, got {_shown(value)}"
        ) from None


def _shown(value: str) -> str:
    """The typed value for a message: a repr (escapes control characters and lone surrogates),
    shortened, so a pasted megabyte does not come back as one line."""
    return repr(value) if len(value) <= 40 else repr(value[:40]) + "…"


def _count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` in ASCII digits only.

    ``int()`` would also take ``1_000``, ``+5``, `` 7 `` and digits of other scripts.
    """

    def read(value: str) -> int:
        if value.isascii() and value.isdigit() and len(value) <= len(str(high)):
            number = int(value)
            if low <= number <= high:
                return number
        raise argparse.ArgumentTypeError(
            f"expected a whole number from {low} to {high}, got {_shown(value)}"
        )

    return read


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``agenda`` subcommand."""
    parser = subparsers.add_parser(
        "agenda",
        help="list what is due across all cases (from the store's projection)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--store", metavar="URL", help=f"store URL (default: ${STORE_ENV})")
    parser.add_argument("--as-of", type=_as_of, metavar="DATE", help="the day to look from (today)")
    parser.add_argument(
        "--days",
        type=_count(0, _MAX_DAYS),
        default=14,
        help=f"how far ahead, 0 to {_MAX_DAYS} (default 14)",
    )
    parser.add_argument(
        "--kind",
        action="append",
        choices=[k.value for k in AgendaKind],
        help="only these kinds (repeatable)",
    )
    parser.add_argument(
        "--limit", type=_count(1, _MAX_LIMIT), help=f"at most this many rows (1 to {_MAX_LIMIT})"
    )
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--option", action="append", default=[], metavar="PLUGIN.KEY=VALUE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the agenda rows due on or before as-of + days."""
    as_of: date = args.as_of or SystemClock().now().date()
    if (LATEST_DATE - as_of).days < args.days:
        # The last day must be a supported date too (and far from datetime's year 9999).
        raise InvalidInput(f"--as-of + --days: the last day must be on or before {LATEST_DATE}")
    url = args.store or os.environ.get(STORE_ENV) or Config().store
    store = case_store(
        get_plugin_manager(), Config(store=url, plugin_options=_options(args.option))
    )
    kinds = {AgendaKind(k) for k in args.kind} if args.kind else None
    try:
        rows = store.agenda(until=as_of + timedelta(days=args.days), kinds=kinds, limit=args.limit)
    finally:
        store.close()
    for row in rows:
        overdue = row.due < as_of
        if args.json:
            print(
                json.dumps(
                    {
                        "case_id": row.case_id,
                        "kind": row.kind.value,
                        "key": row.key,
                        "due": row.due.isoformat(),
                        "overdue": overdue,
                        "detail": row.detail,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            flag = "OVERDUE" if overdue else "due    "
            print(f"{flag} {row.due.isoformat()} {row.kind.value:<17} {row.case_id} {row.detail}")
    if not args.json:
        print(f"{len(rows)} item(s) due by {(as_of + timedelta(days=args.days)).isoformat()}")
    return 0

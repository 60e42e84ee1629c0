"""``barnekoordinator agenda``: what is due across every case in the store.

Reads the agenda projection the store keeps with each append (evaluations due,
handovers pending, cases missing a stafettholder, 18th birthdays ahead,
decisions and plan revisions due) — no case is replayed. The store is opened
read-only.

Exit status: 0 success; 2 usage error; 3 the store could not be opened.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date, timedelta

from barnekoordinator._cli.verify import STORE_ENV, _options
from barnekoordinator.clock import SystemClock
from barnekoordinator.config import Config
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.plugins import case_store, get_plugin_manager

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``agenda`` subcommand."""
    parser = subparsers.add_parser(
        "agenda",
        help="list what is due across all cases (from the store's projection)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--store", metavar="URL", help=f"store URL (default: ${STORE_ENV})")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, metavar="DATE", help="the day to look from (today)"
    )
    parser.add_argument("--days", type=int, default=14, help="how far ahead (default 14)")
    parser.add_argument(
        "--kind",
        action="append",
        choices=[k.value for k in AgendaKind],
        help="only these kinds (repeatable)",
    )
    parser.add_argument("--limit", type=int, help="at most this many rows")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--option", action="append", default=[], metavar="PLUGIN.KEY=VALUE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the agenda rows due on or before as-of + days."""
    if args.days < 0:
        raise SystemExit("barnekoordinator agenda: --days must be 0 or more")
    as_of: date = args.as_of or SystemClock().now().date()
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

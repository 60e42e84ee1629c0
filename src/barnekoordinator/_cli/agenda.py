"""``barnekoordinator agenda``: what is due across every case in the store.

Reads the agenda projection the store keeps with each append (evaluations due,
handovers pending, cases missing a stafettholder, 18th birthdays ahead,
decisions and plan revisions due).

**Without** ``--principal`` nobody is named, so nothing of a case is shown:
only case ids, kinds and how many rows of each kind are due (``--json``: one
``agenda-count.v1`` object per line). Due dates are left out because they are
case data: a ``turns-18`` row's date *is* the child's birth date (the first six
digits of the fødselsnummer), and the others tell when a tiltak is evaluated,
a handover was proposed or a holder left. ``turns-18`` rows are left out too,
whatever ``--as-of``, ``--days`` and ``--limit`` say: whether one is counted
within a horizon moved a day at a time would give the birth date away (as would
which case comes first under ``--limit``). The text output says so above its
total; ``--kind turns-18`` without ``--principal`` is a usage error. The store is
opened read-only and no case is replayed.

**With** ``--principal FILE`` (a ``principal.v1`` JSON document) the rows are
those of the cases that principal may read today, decided by the access policy
through the Casebook: a row about one entry (a tiltak's evaluation, a meeting's
minutes) only when the principal may read that entry. Who may see what is
decided on today's date (``--as-of`` sets only the horizon and what counts as
overdue). Each case shown is audited as a read by that principal at the real
time, so the store is opened for writing.
``--json`` prints one ``agenda-item.v1`` object per line, as before.

**Pages.** With ``--principal``, ``--limit N`` prints at most N rows; when it printed N, it
also prints the cursor of the next page (text: a last line ``--after CURSOR``; ``--json``: a
last ``agenda-page.v1`` object ``{"next_after": CURSOR}``), and ``--after CURSOR`` with the same
``--days``, ``--kind`` and ``--as-of`` prints that page. The cursor names the last row shown
(its due date, case id, kind and key) and is opaque; a full page may be followed by an empty
one. Without ``--principal`` there is no ``--after``: a cursor holds a due date.

As text, kinds and headings are printed in ``--lang nb|nn|en`` (default nb); ``--json`` keeps
the kinds' codes (``evaluation-due`` …).

Exit status: 0 success; 2 usage error (including an unreadable or invalid
principal file, ``--as-of`` outside the supported dates, ``--days`` or ``--limit``
out of range, an ``--after`` that is not a cursor or comes without ``--principal``, a
``--kind turns-18`` without ``--principal``, or a bad store URL or option); 3 the store could
not be opened.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from barnekoordinator._cli import add_json_option, add_lang_option, json_text, printable
from barnekoordinator._cli._keys import load_sealing_key
from barnekoordinator._cli._wiring import configured, open_store, store_url
from barnekoordinator._cli.principal_file import read_principal
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import SystemClock
from barnekoordinator.edges import LATEST_DATE, parse_date
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.paging import AgendaCursor
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.plugins import case_store
from barnekoordinator.texts import text as cli_text

__all__ = ["register", "run"]


_MAX_DAYS = 36_525
"""``--days``: at most a hundred years ahead (the rows a case can have lie within a lifetime)."""
_MAX_LIMIT = 10_000_000
"""``--limit``: more rows than a national store's agenda holds, and far inside a 64-bit integer."""
_BIRTH_DATE_KINDS = frozenset({AgendaKind.TURNS_18})
"""The kinds whose due date is computed from a person's birth date (the ``turns-18`` row the
transitions projector makes from the child's): never read without a principal, or a horizon moved
a day at a time would tell the date."""


def _as_of(value: str) -> date:
    try:
        return parse_date(value, "--as-of")
    except InvalidInput as exc:
        # argparse names the option and shows the value (as a repr: safe to print).
        raise argparse.ArgumentTypeError(
            f"{str(exc).removeprefix('--as-of: ')}, got {_shown(value)}"
        ) from None


def _cursor(value: str) -> AgendaCursor:
    try:
        return AgendaCursor.parse(value, where="--after")
    except InvalidInput as exc:
        # The reason only: a cursor is not echoed back.
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--after: ")) from None


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
    add_store_arguments(parser)
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
        help="only these kinds (repeatable); turns-18 only with --principal",
    )
    parser.add_argument(
        "--limit",
        type=_count(1, _MAX_LIMIT),
        help=f"at most this many rows (1 to {_MAX_LIMIT}); with --principal a full page ends "
        "with the --after cursor of the next",
    )
    parser.add_argument(
        "--after",
        type=_cursor,
        metavar="CURSOR",
        help="with --principal: the page after the one that printed this cursor (same --days, "
        "--kind, --as-of)",
    )
    add_json_option(
        parser,
        'agenda-count.v1 {"case_id", "kind", "count"} without --principal; agenda-item.v1 '
        '{"case_id", "kind", "key", "due", "overdue", "detail"} with it, and after a full '
        '--limit page agenda-page.v1 {"next_after"}',
        lines=True,
    )
    add_lang_option(parser)
    parser.add_argument(
        "--principal",
        metavar="FILE",
        help="a principal.v1 JSON file: show the rows of the cases it may read (audited); "
        "without it only case ids, kinds and counts are shown, and no turns-18 rows (their "
        "date is a birth date)",
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="accept a synthetic national id (Tenor month+80) in the principal file",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the agenda rows due on or before as-of + days."""
    as_of: date = args.as_of or SystemClock().now().date()
    if (LATEST_DATE - as_of).days < args.days:
        # The last day must be a supported date too (and far from datetime's year 9999).
        raise InvalidInput(f"--as-of + --days: the last day must be on or before {LATEST_DATE}")
    url = store_url(args)
    kinds = {AgendaKind(k) for k in args.kind} if args.kind else None
    until = as_of + timedelta(days=args.days)
    if args.principal is not None:
        return _for_principal(args, url, as_of, until, kinds)
    if args.after is not None:
        raise InvalidInput("--after: pages are read with --principal (a cursor holds a due date)")
    if kinds is not None and kinds & _BIRTH_DATE_KINDS:
        raise InvalidInput(
            "--kind turns-18: shown only with --principal (its due date is a birth date)"
        )
    # Asked of the store, so that --limit is not spent on (nor ordered by) those rows either.
    kinds = (kinds or set(AgendaKind)) - _BIRTH_DATE_KINDS
    _, _, store = open_store(args, "read")
    try:
        rows = store.agenda(until=until, kinds=kinds, limit=args.limit)
    finally:
        store.close()
    _print_counts(rows, as_json=args.json, lang=args.lang)
    if not args.json:
        print(cli_text("cli.agenda.no-turns-18").get(args.lang))
        _print_total(len(rows), until, args.lang)
    return 0


def _kind(kind: AgendaKind, lang: str) -> str:
    """The kind's name in ``lang``, padded so that the columns line up."""
    width = max(len(cli_text(f"cli.agenda.kind.{k.value}").get(lang)) for k in AgendaKind)
    return f"{cli_text(f'cli.agenda.kind.{kind.value}').get(lang):<{width}}"


def _print_total(count: int, until: date, lang: str) -> None:
    print(cli_text("cli.agenda.total").format(lang, count=count, until=until.isoformat()))


def _print_counts(rows: Sequence[AgendaItem], *, as_json: bool, lang: str = "en") -> None:
    """Case ids, kinds and counts: what may be shown without a principal."""
    counts = Counter((row.case_id, row.kind) for row in rows)
    for (case_id, kind), count in sorted(counts.items(), key=lambda c: (c[0][0], c[0][1].value)):
        if as_json:
            line = {"case_id": case_id, "kind": kind.value, "count": count}
            print(json_text(line))
        else:
            print(printable(f"{case_id} {_kind(kind, lang)} {count}"))


def _for_principal(
    args: argparse.Namespace,
    url: str,
    as_of: date,
    until: date,
    kinds: set[AgendaKind] | None,
) -> int:
    """The rows the principal may see, read and audited through the Casebook."""
    # Every read is audited, so the store must take the audit records.
    config, pm = configured(args, "audited")
    # InvalidInput naming --principal and the file (line, column, JSON path; never a value):
    # one line, exit 2 (cli.main).
    principal = read_principal(
        args.principal, allow_synthetic=args.allow_synthetic, option="--principal"
    )
    store = case_store(pm, config)
    # Access is decided on today's date and audited at the real time; --as-of only
    # sets the horizon and what counts as overdue. Deciding reads each case, so the key
    # that sealed it is needed; the agenda opens no case, so the subject-key secret is
    # never used: a random one keeps a real one out of here.
    try:
        sealing, _ = load_sealing_key(store_url=url, environ=os.environ, create=False)
        book = Casebook(
            store,
            clock=SystemClock(),
            plugin_manager=pm,
            subject_secret=secrets.token_bytes(32),
            sealing=sealing,
        )
    except BaseException:
        store.close()
        raise
    try:
        rows = book.agenda(principal, until=until, kinds=kinds, limit=args.limit, after=args.after)
    finally:
        store.close()
    for row in rows:
        overdue = row.due < as_of
        if args.json:
            print(
                json_text(
                    {
                        "case_id": row.case_id,
                        "kind": row.kind.value,
                        "key": row.key,
                        "due": row.due.isoformat(),
                        "overdue": overdue,
                        "detail": row.detail,
                    }
                )
            )
        else:
            flags = (cli_text("cli.agenda.overdue").get(args.lang), cli_text("cli.agenda.due"))
            width = max(len(flags[0]), len(flags[1].get(args.lang)))
            flag = flags[0] if overdue else flags[1].get(args.lang)
            line = (
                f"{flag:<{width}} {row.due.isoformat()} {_kind(row.kind, args.lang)} "
                f"{row.case_id} {row.detail}"
            )
            print(printable(line))  # the detail is text written in the case
    if not args.json:
        _print_total(len(rows), until, args.lang)
    _print_next(rows, args.limit, as_json=args.json, lang=args.lang)
    return 0


def _print_next(rows: Sequence[AgendaItem], limit: int | None, *, as_json: bool, lang: str) -> None:
    """After a full page, the cursor of the next (a following page may be empty)."""
    if limit is None or len(rows) < limit or not rows:
        return
    cursor = AgendaCursor.of(rows[-1]).token()
    if as_json:
        print(json.dumps({"next_after": cursor}))
    else:
        print(cli_text("cli.agenda.next").format(lang, cursor=cursor))

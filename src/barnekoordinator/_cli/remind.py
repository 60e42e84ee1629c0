"""``barnekoordinator remind``: send the reminders that are due, once (for cron).

Sends every message of the store's notification outbox that is due today — stored with the
events that caused them (a handover proposed, a meeting called, minutes recorded, a decision
made) or falling due now (a handover still unanswered, an evaluation due soon or overdue, a
complaint deadline approaching) — through the ``smtp`` plugin's settings
(``--option smtp.KEY=VALUE``, see ``docs/plugins/notify.md``), or as ``.eml`` files in
``--outbox-dir`` (no mail server needed; the folder is created if missing, but never its
parent). Each message is sent once; a refused one is retried
on a later run after its backoff. ``--dry-run`` only lists what is due. ``--as-of`` after today
is refused unless with ``--dry-run`` (it would send letters before they are due).

Messages say only that something is waiting and where to log in; this command takes no principal,
so it prints kinds, case ids and outcomes, never an address, and never what a message's key or
dates would tell of the case (an item's id, the recipient's ref, an evaluation date, a meeting
day): a message is named by ``ref``, a digest of its idempotency key that whoever holds the store
can match (``sha256(key)``, its first 16 hex digits).

Exit status: 0 done (or nothing due); 1 a message could not be delivered (no address, refused
for good); 2 usage error (options, dates, the address book); 3 the store or the mail server could
not be used (the messages wait for the next run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from barnekoordinator._cli import (
    add_json_option,
    add_lang_option,
    file_name,
    json_text,
    printable,
    terminal_progress,
)
from barnekoordinator._cli._wiring import configured_host, plugin_options, store_url
from barnekoordinator._cli.agenda import _as_of
from barnekoordinator._cli.verify import add_store_arguments
from barnekoordinator.clock import SystemClock
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
from barnekoordinator.history.outbox import OutboxEntry, OutboxStatus
from barnekoordinator.plugins import case_store
from barnekoordinator.texts import text as cli_text

__all__ = ["message_ref", "register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``remind`` subcommand."""
    parser = subparsers.add_parser(
        "remind",
        help="send the e-mail reminders that are due (run daily from cron)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    add_store_arguments(parser)
    parser.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="act as at noon UTC on this day (today); a later day only with --dry-run",
    )
    add_json_option(
        parser,
        '{"ref", "kind", "case_id", "status", "note"} per message sent; with --dry-run '
        '{"ref", "kind", "case_id", "attempts"} per message due (ref: a digest of its key)',
        lines=True,
    )
    add_lang_option(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="list what is due; send and change nothing"
    )
    parser.add_argument(
        "--outbox-dir",
        metavar="DIR",
        help="write each message as an .eml file in DIR instead of sending it by SMTP",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Send (or list) what is due."""
    from barnekoordinator_plugins.notify import (
        AddressFile,
        EmlFolder,
        SmtpSender,
        dispatch,
        due_now,
        settings_of,
    )

    # Sending records each outcome, so the store is opened for writing; a missing file is
    # "not found", never a new empty store.
    options = plugin_options(args.option, "audited")
    if args.outbox_dir is not None or args.dry_run:
        options.setdefault("smtp", {})  # no mail server needed: .eml files, or nothing sent
    config = Config(store=store_url(args), plugin_options=options)
    settings = settings_of(config)
    if settings is None:
        raise InvalidConfiguration(
            "remind: the smtp plugin is not configured; give --option smtp.host=… (and "
            "smtp.addresses=FILE), or --outbox-dir DIR"
        )
    real = SystemClock().now()
    if args.as_of is not None and args.as_of > real.date() and not args.dry_run:
        # Sending as of a later day would send letters before they are due (and, before leases
        # were judged in real time, took over another run's claims): only --dry-run looks ahead.
        raise InvalidInput(
            "remind: --as-of after today (UTC) only lists what will be due; give it with "
            "--dry-run, or send as of today or an earlier day"
        )
    now = datetime.combine(args.as_of, time(12), tzinfo=UTC) if args.as_of is not None else real
    pm = configured_host(config, args.option)
    store = case_store(pm, config)
    try:
        if args.dry_run:
            return _list(due_now(store, now), now, as_json=args.json, lang=args.lang)
        folder = None if args.outbox_dir is None else _outbox_folder(args.outbox_dir)
        if not settings.addresses:
            raise InvalidConfiguration(
                "remind: expected the address book, --option smtp.addresses=FILE"
            )
        book = AddressFile(settings.addresses)
        sender = EmlFolder(folder) if folder is not None else SmtpSender(settings)
        with terminal_progress("remind", "message") as progress:
            report = dispatch(
                store,
                sender=sender,
                book=book,
                settings=settings,
                now=now,
                progress=progress,
                clock=SystemClock(),  # leases in real time, whatever --as-of says
            )
    finally:
        store.close()
    for outcome in report.outcomes:
        if args.json:
            line = {
                "ref": message_ref(outcome.key),
                "kind": outcome.kind,
                "case_id": outcome.case_id,
                "status": outcome.status.value,
                "note": outcome.note,
            }
            print(json_text(line))
        else:
            width = max(len(_status(s, args.lang)) for s in OutboxStatus)
            status = _status(outcome.status, args.lang)
            print(
                printable(f"{status:<{width}} {outcome.kind:<19} {outcome.case_id} {outcome.note}")
            )
    if not args.json:
        counts = ", ".join(f"{report.count(s)} {_status(s, args.lang)}" for s in OutboxStatus)
        print(
            cli_text("cli.remind.total").format(
                args.lang, count=len(report.outcomes), counts=counts
            )
        )
    # The server could not be used: no session, or it took none of the letters it was given
    # (each refused for now, or the connection lost): exit 3, as cron should hear of it.
    refused = report.count(OutboxStatus.PENDING) and not report.count(OutboxStatus.SENT)
    if report.unavailable or refused:
        reason = report.unavailable or "the mail server took none of the letters"
        print(printable(f"barnekoordinator remind: {reason}; retried later"), file=sys.stderr)
        return 3
    return 1 if report.count(OutboxStatus.UNDELIVERABLE) else 0


def _outbox_folder(name: str) -> str:
    """``--outbox-dir``'s folder, checked before anything is claimed: an existing folder, or a
    missing one whose parent folder exists (only the last folder is created, when the first
    letter is written, so a mistyped path never grows a tree of folders)."""
    where = f"--outbox-dir {name!r}"
    if not name:
        raise InvalidInput("--outbox-dir: expected a folder's name")
    path = Path(file_name(name, where))
    try:
        if path.is_dir():
            return name
        if path.exists() or path.is_symlink():
            raise InvalidInput(f"{where}: expected a folder; it is a file")
        if not path.parent.is_dir():
            raise InvalidInput(
                f"{where}: expected an existing folder, or a new one in an existing folder; "
                f"{str(path.parent)!r} is no folder"
            )
    except OSError as exc:
        raise InvalidInput(f"{where}: cannot be used ({exc.strerror})") from None
    return name


def _status(status: OutboxStatus, lang: str) -> str:
    return cli_text(f"cli.remind.status.{status.value}").get(lang)


def message_ref(key: str) -> str:
    """What this command prints for a message's idempotency key, which holds case content (an
    item's id, the recipient's ref, a due date): its SHA-256, the first 16 hex digits."""
    import hashlib  # here, not when the command line starts (every command is registered)

    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _list(entries: Sequence[OutboxEntry], now: datetime, *, as_json: bool, lang: str = "en") -> int:
    # Every message listed is due by the run's day; its own first day (a meeting's or an
    # evaluation's date less the reminder window) is case content, and is not printed.
    by = now.date().isoformat()
    for entry in entries:
        m = entry.message
        if as_json:
            line = {
                "ref": message_ref(m.key),
                "kind": m.kind.value,
                "case_id": m.case_id,
                "attempts": entry.attempts,
            }
            print(json_text(line))
        else:
            due = cli_text("cli.remind.due").format(lang, date=by)
            print(f"{due} {m.kind.value:<19} {m.case_id}")
    if not as_json:
        print(cli_text("cli.remind.due-total").format(lang, count=len(entries)))
    return 0

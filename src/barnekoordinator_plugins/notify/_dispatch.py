"""Sending what is due: claim, check, render, send, settle."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from email.errors import MessageError
from typing import Final

import attrs

from barnekoordinator.access.audit import local_date
from barnekoordinator.clock import Clock, FixedClock
from barnekoordinator.errors import (
    BarnekoordinatorError,
    DeliveryFailed,
    InvalidConfiguration,
    MailServerUnavailable,
)
from barnekoordinator.history.outbox import OutboxEntry, OutboxStatus, OutboxStore, Settlement
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import outbox_due, skipped_outbox_rows
from barnekoordinator_plugins.notify._addresses import AddressBook
from barnekoordinator_plugins.notify._letters import letter
from barnekoordinator_plugins.notify._messages import (
    LEGACY_GUARDS,
    NOT_ASKED,
    Standing,
    asked_for,
    obsolete,
    standing,
)
from barnekoordinator_plugins.notify._senders import MailSender
from barnekoordinator_plugins.notify._settings import NotifySettings

_MAX_BACKOFF: Final = 86_400.0
_BATCH: Final = 100
_SEND_WAITS: Final = 5
"""The waits for the server, each at most ``settings.timeout``, in sending one letter on an open
session: MAIL, RCPT, DATA, the letter, the reply."""
_OPEN_WAITS: Final = 8
"""The waits in opening a session: connect, greeting, EHLO, STARTTLS, the TLS handshake, EHLO,
two AUTH steps. ``NotifySettings`` requires a lease of at least ``LEASE_TIMEOUTS`` (15)
timeouts, more than the 13 of a session opened and a letter sent."""

_UNBUILDABLE: Final = (ValueError, UnicodeError, IndexError, AttributeError, MessageError)
"""What the ``email`` package raises on a letter it cannot build or encode (a malformed header
value). Such a message will never be sent, so it is settled as *undeliverable* with the error's
type as the reason (the run goes on; ``remind`` then exits 1). Any other exception ends the run:
the claimed messages not yet settled are released for the next run (see ``_Run.release``)."""

logger: Final = logging.getLogger("barnekoordinator.outbox")


def _unbuildable(exc: BaseException) -> str:
    return f"the e-mail cannot be built ({type(exc).__name__})"


@attrs.frozen(kw_only=True)
class Outcome:
    """What happened to one message in a run: its key, kind, case and new status."""

    key: str
    kind: str
    case_id: str
    status: OutboxStatus
    note: str = ""


@attrs.frozen(kw_only=True)
class DispatchReport:
    """The outcomes of one run, and why the mail server could not be used, if it could not.

    ``unreadable`` counts the stored messages that could not be read (edited or damaged outside
    the store): skipped and left as they are, and named in one warning of the
    ``barnekoordinator.outbox`` logger.
    """

    outcomes: tuple[Outcome, ...] = ()
    unavailable: str = ""
    unreadable: int = 0

    def count(self, status: OutboxStatus) -> int:
        """How many messages ended the run in ``status`` (``PENDING``: to be retried)."""
        return sum(1 for o in self.outcomes if o.status is status)


def backoff(settings: NotifySettings, attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones (doubling, at most a
    day)."""
    seconds = settings.backoff_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, _MAX_BACKOFF))


def due_now(store: CaseStore, now: datetime) -> list[OutboxEntry]:
    """The messages a run at ``now`` would claim (for ``--dry-run``; nothing is changed)."""
    pending = outbox_of(store).outbox(status=OutboxStatus.PENDING)
    return [e for e in pending if outbox_due(e, now)]


class _Run:
    def __init__(
        self,
        store: CaseStore,
        sender: MailSender,
        book: AddressBook,
        settings: NotifySettings,
        now: datetime,
        clock: Clock,
    ) -> None:
        self.cases = store
        self.store = outbox_of(store)
        self.sender, self.book, self.settings, self.now = sender, book, settings, now
        self.clock = clock
        self.lease_until = now
        """When the current batch's lease ends, in real time (the clock's)."""
        self.claimant = secrets.token_hex(16)
        self.outcomes: list[Outcome] = []
        self.unavailable = ""
        self.open = False
        self.standings: dict[str, Standing] = {}
        self.unasked = 0
        """How many messages the history did not ask for (settled *obsolete*)."""
        self.claimed: set[str] = set()
        """The keys of the messages claimed and not yet settled."""
        self.sending: str | None = None
        """The key of the message handed to the sender and not yet settled."""

    def settle(
        self,
        entry: OutboxEntry,
        status: OutboxStatus,
        note: str = "",
        *,
        attempted: bool = True,
        wait: timedelta | None = None,
    ) -> None:
        """Record ``entry``'s outcome. ``attempted`` false: the server was never given it (no
        address, no session, no lease left), so no attempt counts, and a ``PENDING`` one waits
        ``wait`` (``None``: claimable at once)."""
        next_attempt = None
        if status is OutboxStatus.PENDING and not attempted:
            next_attempt = None if wait is None else self.now + wait
        elif status is OutboxStatus.PENDING:
            if entry.attempts + 1 >= self.settings.max_attempts:
                status, note = (
                    OutboxStatus.UNDELIVERABLE,
                    f"gave up after {entry.attempts + 1} attempts: {note}",
                )
            else:
                next_attempt = self.now + backoff(self.settings, entry.attempts + 1)
        m = entry.message
        settled = self.store.settle_outbox(
            m.key,
            self.claimant,
            Settlement(status=status, next_attempt=next_attempt, note=note, attempted=attempted),
        )
        self.claimed.discard(m.key)
        if self.sending == m.key:
            self.sending = None
        if settled:
            self.outcomes.append(
                Outcome(key=m.key, kind=m.kind.value, case_id=m.case_id, status=status, note=note)
            )

    def still_true(self, entry: OutboxEntry) -> bool:
        guard = entry.message.guard
        if guard is None:
            return True
        kind, key, due = guard
        key = LEGACY_GUARDS.get((kind, key), key)
        rows = self.cases.agenda(until=due, kinds={kind}, case_id=entry.message.case_id)
        return any(row.key == key and row.due == due for row in rows)

    def standing(self, case_id: str) -> Standing:
        """The case's standing, read once per run (the store's records of the case)."""
        found = self.standings.get(case_id)
        if found is None:
            found = self.standings[case_id] = standing(case_id, self.cases.read(case_id))
        return found

    def covers(self, waits: int) -> bool:
        """Whether the lease, in real time, outlasts ``waits`` waits for the server."""
        budget = timedelta(seconds=waits * self.settings.timeout)
        return self.clock.now() + budget <= self.lease_until

    def deliver(self, entry: OutboxEntry) -> bool:
        """Handle one claimed message; False (nothing done, still claimed) when what is left of
        the lease could not cover its sending: it must be handed back, never sent on a lease
        that may run out (another run may claim it then)."""
        m = entry.message
        case = self.standing(m.case_id)
        if not asked_for(m, case):
            # Edited or made outside the library: never sent, whatever its guard says.
            self.unasked += 1
            self.settle(entry, OutboxStatus.OBSOLETE, NOT_ASKED)
            return True
        if not self.still_true(entry):
            self.settle(entry, OutboxStatus.OBSOLETE, "answered or done before it was due")
            return True
        reason = obsolete(m, case, local_date(self.now))
        if reason is not None:
            self.settle(entry, OutboxStatus.OBSOLETE, reason)
            return True
        address = self.book.address(m.recipient)
        if address is None:
            self.settle(
                entry, OutboxStatus.UNDELIVERABLE, "no address for the recipient", attempted=False
            )
            return True
        if self.unavailable:
            self.postpone(entry)
            return True
        if not self.open:
            if not self.covers(_OPEN_WAITS + _SEND_WAITS):
                return False
            try:
                self.sender.open()
            except MailServerUnavailable as exc:
                self.unavailable = str(exc)
                self.postpone(entry)
                return True
            self.open = True
        try:
            mail = letter(
                m, to=address.email, lang=address.lang, settings=self.settings, now=self.now
            )
        except BarnekoordinatorError:
            raise
        except _UNBUILDABLE as exc:
            self.settle(entry, OutboxStatus.UNDELIVERABLE, _unbuildable(exc), attempted=False)
            return True
        if not self.covers(_SEND_WAITS):
            return False
        self.sending = m.key
        try:
            self.sender.send(mail, address.email)
        except DeliveryFailed as exc:
            if exc.connection_lost:
                self.sender.close()
                self.open = False
            status = OutboxStatus.UNDELIVERABLE if exc.permanent else OutboxStatus.PENDING
            self.settle(entry, status, str(exc))
            return True
        except BarnekoordinatorError:
            raise
        except _UNBUILDABLE as exc:
            # Raised while the letter was encoded (as_bytes, send_message): the session's state
            # is unknown, so it is ended and the next message opens a new one.
            self.sender.close()
            self.open = False
            self.settle(entry, OutboxStatus.UNDELIVERABLE, _unbuildable(exc))
            return True
        self.settle(entry, OutboxStatus.SENT)
        return True

    def postpone(self, entry: OutboxEntry) -> None:
        """No session could be had: the message was not tried, so no attempt counts (an outage
        never uses up ``max_attempts``); the whole run backs off ``backoff_seconds``."""
        wait = timedelta(seconds=min(self.settings.backoff_seconds, _MAX_BACKOFF))
        self.settle(entry, OutboxStatus.PENDING, self.unavailable, attempted=False, wait=wait)

    def hand_back(self, entries: list[OutboxEntry]) -> None:
        """Release claimed messages that were not tried, without counting an attempt."""
        for entry in entries:
            key = entry.message.key
            self.claimed.discard(key)
            self.store.settle_outbox(
                key,
                self.claimant,
                Settlement(
                    status=OutboxStatus.PENDING,
                    note="handed back untried before its lease ran out",
                    attempted=False,
                ),
            )

    def release(self, reason: BaseException) -> None:
        """Release every message claimed and not settled when the run ends early (a bug in a
        vendor's sender or address book, a store failing, an interrupt), so the next run claims
        it at once rather than after the lease. Only the message that was being sent counts an
        attempt (it may have reached the server); the others were not tried, and keep their count
        (it is never given up here). A release the store refuses (it is failing itself) leaves the
        lease to run out: the message is claimed again then."""
        note = f"the run ended early ({type(reason).__name__}); retried on the next run"
        while self.claimed:
            key = self.claimed.pop()
            release = Settlement(
                status=OutboxStatus.PENDING, note=note, attempted=key == self.sending
            )
            with contextlib.suppress(Exception):
                self.store.settle_outbox(key, self.claimant, release)


def outbox_of(store: CaseStore) -> OutboxStore:
    """``store`` as an [`OutboxStore`][barnekoordinator.history.outbox.OutboxStore].

    Raises:
        InvalidConfiguration: the store keeps no outbox.
    """
    if not isinstance(store, OutboxStore):
        raise InvalidConfiguration(
            f"the store ({type(store).__name__}) keeps no notification outbox; use the "
            "memory:, sqlite: or postgresql: store"
        )
    return store


def dispatch(
    store: CaseStore,
    *,
    sender: MailSender,
    book: AddressBook,
    settings: NotifySettings,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    clock: Clock | None = None,
) -> DispatchReport:
    """Send every message due at ``now``, once, and record each outcome in the store.

    ``progress``, if given, is called with ``1`` after each message is handled (the command line
    shows a counter at a terminal).

    Messages are claimed in batches of 100, each under a lease of ``settings.lease_seconds``.
    Give ``clock`` (the real time: ``SystemClock()``, as ``barnekoordinator remind`` does)
    whenever another run may overlap this one. Each batch is then leased from the time it is
    claimed, and every lease is judged against the clock (``claim_outbox(lease_now=…)``), never
    against ``now``: a run that outlasts the lease keeps what it holds, and a run ``as of``
    another day, earlier or later, takes nothing another run holds; ``now`` moves on with the
    run. A message is sent only while what is left of the lease covers its sending (five waits of
    ``settings.timeout``, eight more to open a session); otherwise it is handed back untried
    and claimed anew. Without ``clock`` every lease counts from ``now``, and a second run may
    take what a run longer than the lease, or one dated another day, still holds (found in
    review, 2026-12-07). A message its case's
    history does not ask for (edited or written outside the library: another recipient, an
    invented item or date, a guard removed; see ``asked_for``) is *obsolete*, noted "does not
    match the case's history", and never sent. A stored row that cannot be read is skipped and
    left as it is, and reported once per run (``DispatchReport.unreadable``, a warning of the
    ``barnekoordinator.outbox`` logger). A message whose
    guard row is gone is *obsolete*; one without an address *undeliverable*; a refusal or a lost
    connection is retried after [`backoff()`][barnekoordinator_plugins.notify.backoff] (a 5xx reply,
    or ``max_attempts`` reached, gives up). A letter the ``email`` package cannot build is
    *undeliverable*. When no session can be had, nothing is sent and every
    claimed message waits ``settings.backoff_seconds`` without counting an attempt: none was
    tried, so an outage, however long, never gives a message up (only the server's answer to a
    message counts towards ``max_attempts``). When the run ends early with an exception (which
    is raised again), the messages it claimed and did not settle are released (only the one being
    sent counts an attempt), so the next run sends them.
    """
    lease_for = timedelta(seconds=settings.lease_seconds)
    if clock is None:  # a clock that stands at ``now``: every lease counts from it
        clock = FixedClock(now)
    run = _Run(store, sender, book, settings, now, clock)
    started = clock.now()
    stalled = False
    with skipped_outbox_rows() as skipped:
        try:
            while True:
                real = clock.now()
                at = now + max(real - started, timedelta(0))
                # Due by the run's date (``at``), leased in real time: a run dated later than
                # today never takes what another run holds.
                run.lease_until = real + lease_for
                batch = run.store.claim_outbox(
                    now=at,
                    until=run.lease_until,
                    claimant=run.claimant,
                    limit=_BATCH,
                    lease_now=real,
                )
                if not batch:
                    break
                run.claimed.update(entry.message.key for entry in batch)
                for index, entry in enumerate(batch):
                    # Half the lease gone, or too little left to send this message: what is
                    # left goes back and is claimed anew, so nothing is sent on a lease about
                    # to run out (another run may take it).
                    late = index and clock.now() - real >= lease_for / 2
                    if late or not run.deliver(entry):
                        run.hand_back(batch[index:])
                        if not index:  # a lease just taken is too short: try on the next run
                            stalled = True
                        break
                    if progress is not None:
                        progress(1)
                if stalled:
                    logger.warning(
                        "remind: the lease (%g s) ran short before a message could be sent; "
                        "the rest is left for the next run",
                        settings.lease_seconds,
                    )
                    break
        except BaseException as exc:
            run.release(exc)
            raise
        finally:
            sender.close()
    if run.unasked:
        logger.warning(
            "remind: %d message(s) do not match their case's history and were not sent "
            "(settled obsolete): the outbox was edited or written outside the library",
            run.unasked,
        )
    return DispatchReport(
        outcomes=tuple(run.outcomes), unavailable=run.unavailable, unreadable=len(skipped)
    )

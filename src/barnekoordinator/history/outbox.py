"""The notification outbox: messages a store keeps with the events that caused them.

A message in the outbox says *that* something is waiting for someone, never *what*: its
[`OutboxKind`][barnekoordinator.history.outbox.OutboxKind], the case id (an opaque random id), the
recipient's reference in the case (a participant or principal ref, never an address or a national
id), the day it may be sent and, for some kinds, the one date it names (a meeting day, a complaint
deadline). A notifier turns it into a letter at sending time (see
``barnekoordinator_plugins.notify``).

The contract of an [`OutboxStore`][barnekoordinator.history.outbox.OutboxStore] (checked by
``barnekoordinator.testing.conformance``):

* **With the events.** ``append(…, outbox=messages)`` stores the messages in the same transaction
  as the events: a conflicting or broken append stores none, a committed one all.
* **Once per key.** The idempotency ``key`` is unique: storing a message whose key is stored
  already (through ``append`` or [`add_outbox()`][barnekoordinator.history.outbox.OutboxStore])
  keeps the stored one, so a reminder computed twice is kept once.
* **One dispatcher per message.** [`claim_outbox()`][barnekoordinator.history.outbox.OutboxStore]
  hands a due, pending, unclaimed message to one caller only, under a lease that ends at
  ``until``; [`settle_outbox()`][barnekoordinator.history.outbox.OutboxStore] with the same claimant
  records the outcome. A lease that runs out (the dispatcher crashed) makes the message claimable
  again: delivery is *at least once*, and the ``Message-ID`` derived from the key lets receivers
  drop a second copy (decision 22). Leases are judged against the real time (``lease_now``),
  never a run's ``--as-of`` date.
* **Persistence.** A persistent store keeps messages and their state across reopening.

Times are the caller's (its injected clock); a store never reads the wall clock.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

import attrs

from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import AuditRecord, EventRecord

__all__ = [
    "OutboxEntry",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "OutboxStore",
    "Settlement",
]


class OutboxKind(enum.Enum):
    """What a message tells its recipient is waiting."""

    PROPOSED_AS_HOLDER = "proposed-as-holder"
    """The recipient was proposed as stafettholder and is asked to accept or decline."""
    HANDOVER_UNANSWERED = "handover-unanswered"
    """A handover proposed some days ago is still not answered."""
    EVALUATION_DUE = "evaluation-due"
    """A tiltak the recipient is responsible for is to be evaluated soon."""
    EVALUATION_OVERDUE = "evaluation-overdue"
    """A tiltak's evaluation date has passed without an evaluation."""
    MEETING_CALLED = "meeting-called"
    """The recipient is invited to a meeting; its prepared agenda is behind the login."""
    MINUTES_READY = "minutes-ready"
    """The minutes of a meeting the recipient attended are recorded."""
    DECISION_MADE = "decision-made"
    """A decision was made in a case where the recipient is a party; it names the deadline."""
    COMPLAINT_DEADLINE = "complaint-deadline"
    """The complaint deadline of a decision is approaching."""


class OutboxStatus(enum.Enum):
    """Where a message is on its way."""

    PENDING = "pending"
    """Not sent yet (maybe claimed, maybe waiting for its next attempt)."""
    SENT = "sent"
    """Handed to the mail server, which accepted it."""
    UNDELIVERABLE = "undeliverable"
    """Given up: no address for the recipient, or every attempt failed."""
    OBSOLETE = "obsolete"
    """No longer true when it was due (the handover was answered, the tiltak evaluated)."""


@attrs.frozen(kw_only=True)
class OutboxMessage:
    """One message to send, as the events (or ``remind``) computed it.

    ``key`` is the idempotency key (at most 200 characters): the same key is stored once.
    ``not_before`` is the first day it may be sent. ``on`` is the one date the message names,
    if any. ``guard`` names an agenda row ``(kind, key, due)`` that must still exist with that
    due date when the message is sent, else the message is obsolete.
    """

    key: str
    case_id: str
    kind: OutboxKind
    recipient: str
    not_before: date
    on: date | None = None
    guard: tuple[AgendaKind, str, date] | None = None


@attrs.frozen(kw_only=True)
class OutboxEntry:
    """A stored message with its delivery state.

    ``attempts`` counts failed attempts; ``next_attempt`` is when a retry may run (``None``: at
    once); ``claimed_until`` is the end of the current claim's lease (``None``: unclaimed);
    ``note`` is the last outcome's reason (a server reply code, never a message's content).
    """

    message: OutboxMessage
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt: datetime | None = None
    claimed_until: datetime | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class Settlement:
    """The outcome of one claimed message, for
    [`settle_outbox()`][barnekoordinator.history.outbox.OutboxStore].

    ``status`` ``PENDING`` means *try again* at ``next_attempt`` (one more failed attempt);
    with ``attempted`` false it only ends the claim of a message that was not tried (a run that
    ended before reaching it), and the number of attempts stays as it was.
    """

    status: OutboxStatus
    next_attempt: datetime | None = None
    note: str = ""
    attempted: bool = True


@runtime_checkable
class OutboxStore(Protocol):
    """A case store that keeps a notification outbox (the first-party memory, SQLite and
    PostgreSQL stores).

    A trusted back-office API, like [`CaseStore`][barnekoordinator.history.store.CaseStore].
    """

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
        outbox: Sequence[OutboxMessage] = (),
    ) -> int:
        """``CaseStore.append``, storing ``outbox`` in the same transaction as the events."""
        ...

    def add_outbox(self, messages: Sequence[OutboxMessage]) -> int:
        """Store the messages whose keys are new, in one transaction; return how many were new."""
        ...

    def claim_outbox(
        self,
        *,
        now: datetime,
        until: datetime,
        claimant: str,
        limit: int = 100,
        lease_now: datetime | None = None,
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` pending messages due at ``now`` for the caller ``claimant``.

        Due: ``not_before`` on or before ``now``'s UTC date, ``next_attempt`` unset or not after
        ``now``, and no lease running past ``lease_now`` (``now`` if not given). Each claimed
        message is leased to ``claimant`` until ``until``; order: ``(not_before, key)``.

        ``now`` is the run's date, which may be another day's (``remind --as-of``); a lease is
        about the real time between concurrent runs, so a dispatcher gives the real time as
        ``lease_now`` (and ``until`` counted from it): a run dated later than today never takes
        a message another run still holds.
        """
        ...

    def settle_outbox(self, key: str, claimant: str, settlement: Settlement) -> bool:
        """Record the outcome of a message claimed by ``claimant``; False if the claim was lost.

        A ``PENDING`` settlement releases the claim and counts one more attempt, unless its
        ``attempted`` is false
        ([`storekit.settled()`][barnekoordinator.history.storekit.settled]).
        """
        ...

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """Stored messages (of one status), ordered by ``(not_before, key)``."""
        ...

"""The store kit: what every case store builds on, first-party or a vendor's.

A store plugin (see ``docs/plugins/writing-plugins.md``) persists sealed
[EventRecord][barnekoordinator.history.records.EventRecord]s and
[AuditRecord][barnekoordinator.history.records.AuditRecord]s and keeps the agenda
projection. This module holds the parts whose semantics must be the same in
every store, so no store copies them and no plugin imports another plugin:

* [AppendCheck][barnekoordinator.history.storekit.AppendCheck], the validation
  of one append:

  * a stale (or future) ``expected_version`` raises
    [ConcurrencyConflict][barnekoordinator.errors.ConcurrencyConflict] and
    nothing is written;
  * with the right version, records that do not continue the case raise
    [ChainBroken][barnekoordinator.errors.ChainBroken]: another case's record, a
    sequence that is not ``expected_version + 1, + 2 …``, a ``prev_hash`` that
    is not the stored last hash (or the previous record's hash), or a ``hash``
    that does not match the record's content. These are not races (history is
    append-only, so the version fixes the last hash) but a caller that built
    records against another history, or tampering;
  * an ``audit`` record of another case, or one naming other events than the batch, raises
    [InvalidInput][barnekoordinator.errors.InvalidInput] before anything is
    looked at; an audit record without a range gets the batch's
    ([AppendCheck.audit][barnekoordinator.history.storekit.AppendCheck] is the record to seal);

* [lone_audit][barnekoordinator.history.storekit.lone_audit], the check of an audit record stored
  on its own (``append_audit``): it names no events;

* the agenda's order ([agenda_sort_key][barnekoordinator.history.storekit.agenda_sort_key])
  and a fast constructor for rows read back
  ([agenda_row][barnekoordinator.history.storekit.agenda_row]);
* the checks of what a read is asked: ``agenda``'s ``until``, ``kinds`` and ``limit``
  ([agenda_filters][barnekoordinator.history.storekit.agenda_filters]) and every position,
  version and limit ([checked_integer][barnekoordinator.history.storekit.checked_integer]), so a
  store refuses the same arguments with the same
  [InvalidInput][barnekoordinator.errors.InvalidInput] and never passes a database an integer
  it cannot hold;
* a fast constructor for event records read back
  ([stored_record][barnekoordinator.history.storekit.stored_record]);
* the notification outbox's shared semantics
  ([outbox_batch][barnekoordinator.history.storekit.outbox_batch],
  [outbox_due][barnekoordinator.history.storekit.outbox_due],
  [outbox_values][barnekoordinator.history.storekit.outbox_values],
  [outbox_entry][barnekoordinator.history.storekit.outbox_entry],
  [settled][barnekoordinator.history.storekit.settled]) and the reading of stored rows, one
  by one, a row that cannot be read skipped and reported
  ([readable_outbox][barnekoordinator.history.storekit.readable_outbox],
  [skipped_outbox_rows][barnekoordinator.history.storekit.skipped_outbox_rows]);
* the bulk load of whole histories of new cases
  ([NewCase][barnekoordinator.history.storekit.NewCase],
  [prepare_load][barnekoordinator.history.storekit.prepare_load]): the same checks as an append
  from version 0, the agenda rows the projectors leave, and the sealed audit record of each case,
  for a store to write in one transaction with its fastest path (``executemany``, ``COPY``).

The projection operations themselves come from the catalogue
([Catalogue.project][barnekoordinator.history.catalogue.Catalogue.project]) and
are applied with the reference semantics of
[apply_ops][barnekoordinator.history.projections.apply_ops].
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from barnekoordinator._redact import number_shaped
from barnekoordinator.errors import ChainBroken, ConcurrencyConflict, InvalidInput, StorageError
from barnekoordinator.history.outbox import (
    OutboxEntry,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Settlement,
)
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
    _event_stamp,
    _field_problem,
)
from barnekoordinator.people import holds_number

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.sealing import WrappedDataKey

__all__ = [
    "MAX_INTEGER",
    "UNREADABLE",
    "AppendCheck",
    "LoadBatch",
    "NewCase",
    "agenda_filters",
    "agenda_row",
    "agenda_sort_key",
    "checked_integer",
    "lone_audit",
    "outbox_batch",
    "outbox_due",
    "outbox_entry",
    "outbox_values",
    "prepare_load",
    "readable_outbox",
    "settled",
    "skipped_outbox_rows",
    "stored_record",
    "unreadable_rows",
]

_new_object: Final = object.__new__


def agenda_sort_key(item: AgendaItem) -> tuple[date, str, str, str]:
    """The agenda order every store uses: (due, case_id, kind value, key)."""
    return (item.due, item.case_id, item.kind.value, item.key)


_AGENDA_FIELDS: Final = ("case_id", "kind", "key", "due", "detail")
if tuple(a.name for a in attrs.fields(AgendaItem)) != _AGENDA_FIELDS:  # pragma: no cover
    raise RuntimeError("storekit._AGENDA_FIELDS must list AgendaItem's fields in order")
_AGENDA_SETTERS: Final[tuple[Callable[[AgendaItem, Any], None], ...]] = tuple(
    AgendaItem.__dict__[name].__set__ for name in _AGENDA_FIELDS
)


def agenda_row(case_id: str, kind: AgendaKind, key: str, due: date, detail: str) -> AgendaItem:
    """``AgendaItem(...)`` for a row read back from a store's agenda table, built directly.

    AgendaItem has no converters or validators, so setting its slots is all its
    ``__init__`` does; skipping the keyword call matters when an agenda query
    returns tens of thousands of rows. Used by the SQLite and PostgreSQL stores.
    """
    item: AgendaItem = _new_object(AgendaItem)
    set_case, set_kind, set_key, set_due, set_detail = _AGENDA_SETTERS
    set_case(item, case_id)
    set_kind(item, kind)
    set_key(item, key)
    set_due(item, due)
    set_detail(item, detail)
    return item


UNREADABLE: Final = (KeyError, ValueError, TypeError, AttributeError, OverflowError)
"""What reading back a row a store did not write raises (an unknown kind, a nested list, a time
without its zone, a date in another form): caught by the stores' row readers."""


def unreadable_rows(table: str, exc: Exception) -> StorageError:
    """The error for rows of ``table`` a store cannot read back: they were edited or damaged
    outside the store. The exception's type is named, never its message (which may quote the
    row)."""
    return StorageError(
        f"{table}: a stored row cannot be read ({type(exc).__name__}); it was edited or damaged "
        "outside the store (barnekoordinator verify names what else was)"
    )


MAX_INTEGER: Final = 2**63 - 1
"""The largest position, version or row count a store is asked about: SQLite's ``INTEGER`` and
PostgreSQL's ``bigint`` are signed 64-bit, and no store holds more records than that."""


def checked_integer(value: object, what: str) -> int:
    """``value`` as a store's read takes a position, version or limit: a whole number (not a
    ``bool``) from ``-MAX_INTEGER - 1`` to
    [`MAX_INTEGER`][barnekoordinator.history.storekit.MAX_INTEGER].

    Negative numbers keep their meaning (a limit below 1 reads nothing, a position below 0 reads
    from the start); what is checked is only what a database can compare with.

    Raises:
        InvalidInput: naming ``what`` and the range (never the value).
    """
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -MAX_INTEGER - 1 <= value <= MAX_INTEGER
    ):
        return value
    raise InvalidInput(f"{what}: expected a whole number that fits in 64 bits (at most 2**63 - 1)")


def agenda_filters(
    until: object, kinds: object, limit: object
) -> tuple[frozenset[AgendaKind] | None, int | None]:
    """The ``until``, ``kinds`` and ``limit`` of a store's ``agenda``, checked the same way by
    every store (and by the Casebook before it asks one): ``kinds`` as a frozenset (or None).

    Raises:
        InvalidInput: ``until`` is not a date (a ``datetime`` is not one); ``kinds`` is not
            None or a collection of
            [`AgendaKind`][barnekoordinator.history.projections.AgendaKind] members (a text such
            as ``"turns-18"`` is not one); ``limit`` is not None or a whole number that fits in
            64 bits. The message names the argument, never its value.
    """
    if not isinstance(until, date) or isinstance(until, datetime):
        raise InvalidInput(f"until: expected a date, got {type(until).__name__}")
    checked: frozenset[AgendaKind] | None = None
    if kinds is not None:
        if not isinstance(kinds, Collection) or isinstance(kinds, str | bytes | bytearray):
            raise InvalidInput(
                f"kinds: expected a collection of AgendaKind members, got {type(kinds).__name__}"
            )
        for kind in kinds:
            if not isinstance(kind, AgendaKind):
                raise InvalidInput(
                    f"kinds: expected AgendaKind members (AgendaKind.TURNS_18, not "
                    f"'turns-18'), got {type(kind).__name__}"
                )
        checked = frozenset(kinds)
    return checked, None if limit is None else checked_integer(limit, "limit")


@attrs.frozen
class AppendCheck:
    """The validation of one append, split so that stores hash outside their lock.

    `prepare()` checks what does not depend on the stored state (hashes,
    sequence numbers, links inside the batch); `check()` then runs inside
    the write transaction with the stored version and last hash.

    ``times`` holds each record's canonical time text
    ([`format_time()`][barnekoordinator.history.records.format_time]), computed while hashing, for
    stores that keep the time as text. After a problem it may be short.

    ``audit`` is the audit record the store seals and stores with the batch: the caller's, with
    the batch's range of sequences filled in when the batch stores events.
    """

    case_id: str
    expected_version: int
    first_prev_hash: str | None
    problem: ChainBroken | None
    times: tuple[str, ...] = ()
    audit: AuditRecord | None = None

    @classmethod
    def prepare(
        cls,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
    ) -> AppendCheck:
        """Check the batch on its own; the verdict is given by `check()`.

        Raises:
            InvalidInput: ``audit`` is the audit record of another case, or names a range of
                events that is not the batch's.
        """
        for offset, record in enumerate(records, start=1):
            wrong = _field_problem(record)
            if wrong is not None:
                raise InvalidInput(f"append to case {case_id}: record {offset} {wrong}")
        if audit is not None:
            wrong = _field_problem(audit)
            if wrong is not None:
                raise InvalidInput(f"append to case {case_id}: the audit record {wrong}")
            audit = _audit_of_batch(case_id, expected_version, len(records), audit)
        problem: ChainBroken | None = None
        prev: str | None = None
        times: list[str] = []
        for offset, record in enumerate(records, start=1):
            want = expected_version + offset
            if record.case_id != case_id:
                problem = ChainBroken(case_id, want, "record of another case in the batch")
            elif record.sequence != want:
                problem = ChainBroken(
                    case_id, record.sequence, f"expected sequence {want} to continue the case"
                )
            elif prev is not None and record.prev_hash != prev:
                problem = ChainBroken(case_id, want, "prev_hash is not the previous record's hash")
            else:
                # The content hash, once per record (the costliest check of an append).
                try:
                    expected, text = _event_stamp(record)
                except UnicodeEncodeError:  # a lone surrogate: no UTF-8 form to hash or store
                    raise InvalidInput(
                        f"append to case {case_id}: record {offset}: expected Unicode text; a "
                        "field holds a lone surrogate (invalid UTF-8?)"
                    ) from None
                times.append(text)
                if record.hash != expected:
                    problem = ChainBroken(
                        case_id,
                        want,
                        "hash does not match the content; seal with EventRecord.sealed",
                    )
            if problem is not None:
                break
            prev = record.hash
        first = records[0].prev_hash if records else None
        return cls(case_id, expected_version, first, problem, tuple(times), audit)

    def check(self, version: int, last_hash: str) -> None:
        """Raise unless the batch continues a case at ``version`` ending in ``last_hash``."""
        if version != self.expected_version:
            raise ConcurrencyConflict(self.case_id, self.expected_version, version)
        if self.problem is not None:
            raise self.problem
        if self.first_prev_hash is not None and self.first_prev_hash != last_hash:
            raise ChainBroken(
                self.case_id,
                self.expected_version + 1,
                "prev_hash is not the hash of the stored last record",
            )


def _audit_of_batch(
    case_id: str, expected_version: int, count: int, audit: AuditRecord
) -> AuditRecord:
    if audit.case_id != case_id:
        raise InvalidInput(
            f"append to case {case_id}: the audit record is of case {audit.case_id}; "
            "an append stores the audit record of its own case"
        )
    stored = (expected_version + 1, expected_version + count) if count else None
    given = (audit.first_sequence, audit.last_sequence)
    if given == (None, None):
        if stored is None:
            return audit
        return attrs.evolve(audit, first_sequence=stored[0], last_sequence=stored[1])
    if given != stored:
        want = f"sequences {stored[0]}–{stored[1]}" if stored else "no range (nothing is stored)"
        raise InvalidInput(
            f"append to case {case_id}: the audit record names sequences "
            f"{given[0]}–{given[1]}; expected {want}"
        )
    return audit


def lone_audit(record: AuditRecord) -> AuditRecord:
    """Check an audit record stored on its own (``append_audit``) and return it.

    Raises:
        InvalidInput: the record names a range of events; only an append stores events, so
            only its audit record may name them.
    """
    if record.first_sequence is not None or record.last_sequence is not None:
        raise InvalidInput(
            f"audit record of case {record.case_id}: names sequences {record.first_sequence}–"
            f"{record.last_sequence}, but append_audit stores no events; pass it to append()"
        )
    return record


_EVENT_FIELDS: Final = (
    "case_id",
    "sequence",
    "type",
    "schema_version",
    "recorded_at",
    "actor",
    "payload",
    "legal_basis",
    "subject_key",
    "prev_hash",
    "hash",
    "position",
)
if tuple(a.name for a in attrs.fields(EventRecord)) != _EVENT_FIELDS:  # pragma: no cover
    raise RuntimeError("storekit._EVENT_FIELDS must list EventRecord's fields in order")
# The slot descriptors' setters: what attrs' own __init__ ends up calling.
_SLOT_SETTERS: Final[tuple[Callable[[EventRecord, Any], None], ...]] = tuple(
    EventRecord.__dict__[name].__set__ for name in _EVENT_FIELDS
)


def stored_record(
    position: int,
    case_id: str,
    sequence: int,
    event_type: str,
    schema_version: int,
    recorded_at: datetime,
    actor: str,
    payload: str,
    legal_basis: tuple[str, ...],
    subject_key: str | None,
    prev_hash: str,
    record_hash: str,
) -> EventRecord:
    """An [`EventRecord`][barnekoordinator.history.records.EventRecord] read back from a store,
    built without the attrs converters.

    Equal to ``EventRecord(...)`` with the same values. The converters only make
    ``recorded_at`` UTC and ``legal_basis`` a tuple; values that are already so
    (every row a first-party store wrote) skip them, anything else goes through
    the public constructor, which converts it or refuses it.
    """
    if recorded_at.tzinfo is not UTC or type(legal_basis) is not tuple:
        return EventRecord(
            case_id=case_id,
            sequence=sequence,
            type=event_type,
            schema_version=schema_version,
            recorded_at=recorded_at,
            actor=actor,
            payload=payload,
            legal_basis=legal_basis,
            subject_key=subject_key,
            prev_hash=prev_hash,
            hash=record_hash,
            position=position,
        )
    record: EventRecord = _new_object(EventRecord)
    (
        s_case,
        s_seq,
        s_type,
        s_schema,
        s_at,
        s_actor,
        s_payload,
        s_basis,
        s_key,
        s_prev,
        s_hash,
        s_pos,
    ) = _SLOT_SETTERS
    s_case(record, case_id)
    s_seq(record, sequence)
    s_type(record, event_type)
    s_schema(record, schema_version)
    s_at(record, recorded_at)
    s_actor(record, actor)
    s_payload(record, payload)
    s_basis(record, legal_basis)
    s_key(record, subject_key)
    s_prev(record, prev_hash)
    s_hash(record, record_hash)
    s_pos(record, position)
    return record


@attrs.frozen
class NewCase:
    """The whole history of a case a store does not hold yet, for a bulk load.

    ``records`` start at sequence 1 (sealed after ``GENESIS``); ``audit`` is the audit record
    of the write that stores them (the store seals it as the case's first audit record and fills
    in the range ``1 … len(records)`` when it names none); ``data_key`` is the case's wrapped data
    key when its identifiers are sealed.
    """

    records: tuple[EventRecord, ...]
    audit: AuditRecord
    data_key: WrappedDataKey | None = None

    @property
    def case_id(self) -> str:
        """The case's id (that of its records)."""
        return self.audit.case_id


@attrs.frozen
class LoadBatch:
    """What a store writes for one bulk load, checked: see
    [`prepare_load()`][barnekoordinator.history.storekit.prepare_load].

    ``events`` pairs each record with its canonical time text; ``audits`` are sealed (sequence 1,
    with their range); ``agenda`` holds the rows the projectors leave for each case.
    """

    case_ids: tuple[str, ...]
    events: tuple[tuple[EventRecord, str], ...]
    audits: tuple[AuditRecord, ...]
    agenda: tuple[AgendaItem, ...]
    keys: tuple[tuple[str, WrappedDataKey], ...]


def prepare_load(cases: Iterable[NewCase], catalogue: Catalogue) -> LoadBatch:
    """Check whole histories of new cases for a bulk load, as ``append(case, 0, records,
    audit=…)`` checks each, and compute what the store writes.

    The store still checks, inside its write transaction, that none of ``case_ids`` exists
    ([`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict], nothing written).

    Raises:
        ChainBroken: a history does not start at sequence 1 after ``GENESIS`` or does not chain.
        InvalidInput: a case without records, a case twice in the batch, or an audit record of
            another case or naming another range.
    """
    case_ids: list[str] = []
    events: list[tuple[EventRecord, str]] = []
    audits: list[AuditRecord] = []
    agenda: list[AgendaItem] = []
    keys: list[tuple[str, WrappedDataKey]] = []
    seen: set[str] = set()
    for case in cases:
        case_id = case.case_id
        if not case.records:
            raise InvalidInput(f"bulk load of case {case_id}: expected its records, got none")
        if case_id in seen:
            raise InvalidInput(f"bulk load: case {case_id} is in the batch twice")
        seen.add(case_id)
        check = AppendCheck.prepare(case_id, 0, case.records, audit=case.audit)
        check.check(0, GENESIS)
        case_ids.append(case_id)
        events += zip(case.records, check.times, strict=True)
        audit = case.audit if check.audit is None else check.audit  # never None: it was given
        audits.append(audit.sealed(1, GENESIS))
        rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        apply_ops(rows, catalogue.project(case.records))
        agenda += rows.values()
        if case.data_key is not None:
            keys.append((case_id, case.data_key))
    return LoadBatch(tuple(case_ids), tuple(events), tuple(audits), tuple(agenda), tuple(keys))


_MAX_OUTBOX_KEY: Final = 200


def outbox_batch(messages: Iterable[OutboxMessage]) -> tuple[OutboxMessage, ...]:
    """Check messages for the outbox and drop repeated keys (the first one stays).

    Raises:
        InvalidInput: something that is not an
            [`OutboxMessage`][barnekoordinator.history.outbox.OutboxMessage], a key that is
            empty or longer than 200 characters, or a recipient, case id or key holding an
            eleven-digit number in any form a fødselsnummer is written, outside a UUID
            ([`holds_number()`][barnekoordinator.people.holds_number]): a message names a
            recipient by the ref, never by a national id. Nothing is stored; the error names
            the field, never its value.
    """
    kept: dict[str, OutboxMessage] = {}
    for message in messages:
        if not isinstance(message, OutboxMessage):
            raise InvalidInput(
                f"outbox: expected OutboxMessage values, got {type(message).__name__}"
            )
        for field, value in (
            ("recipient", message.recipient),
            ("case_id", message.case_id),
            ("key", message.key),
        ):
            if isinstance(value, str) and holds_number(value):
                raise InvalidInput(
                    f"outbox message: its {field} holds a national identity number (or a "
                    "number written as one); name the recipient by the ref, never by the "
                    "number"
                )
        if not message.key or len(message.key) > _MAX_OUTBOX_KEY:
            raise InvalidInput(
                f"outbox message of case {message.case_id}: expected a key of 1 to "
                f"{_MAX_OUTBOX_KEY} characters, got {len(message.key)}"
            )
        kept.setdefault(message.key, message)
    return tuple(kept.values())


def outbox_due(entry: OutboxEntry, now: datetime, lease_now: datetime | None = None) -> bool:
    """True when a dispatcher may claim ``entry`` at ``now`` (the reference semantics): due by
    ``now`` (the run's date, which ``--as-of`` may set), with no lease running past
    ``lease_now`` (the real time; ``now`` if not given)."""
    lease_now = now if lease_now is None else lease_now
    return (
        entry.status is OutboxStatus.PENDING
        and entry.message.not_before <= now.astimezone(UTC).date()
        and (entry.next_attempt is None or entry.next_attempt <= now)
        and (entry.claimed_until is None or entry.claimed_until <= lease_now)
    )


def settled(entry: OutboxEntry, settlement: Settlement) -> OutboxEntry:
    """``entry`` after its claim ended with ``settlement`` (released; a retry counts an attempt,
    and so does giving up on an attempt, so that ``attempts`` agrees with "gave up after N
    attempts"; a release of a message not tried does not)."""
    retry = settlement.status is OutboxStatus.PENDING
    failed = retry or settlement.status is OutboxStatus.UNDELIVERABLE
    return attrs.evolve(
        entry,
        status=settlement.status,
        attempts=entry.attempts + 1 if failed and settlement.attempted else entry.attempts,
        next_attempt=settlement.next_attempt if retry else None,
        claimed_until=None,
        note=settlement.note,
    )


def outbox_values(message: OutboxMessage) -> tuple[object, ...]:
    """A message as the columns of an outbox table: key, case id, kind, recipient, not-before,
    on, guard kind, guard key, guard due (dates as ``date``; ``None`` where absent)."""
    guard = message.guard
    return (
        message.key,
        message.case_id,
        message.kind.value,
        message.recipient,
        message.not_before,
        message.on,
        None if guard is None else guard[0].value,
        None if guard is None else guard[1],
        None if guard is None else guard[2],
    )


_KINDS: Final = {kind.value: kind for kind in AgendaKind}
_OUTBOX_KINDS: Final = {kind.value: kind for kind in OutboxKind}
_OUTBOX_STATUSES: Final = {status.value: status for status in OutboxStatus}


def outbox_entry(
    row: Sequence[Any],
    *,
    day: Callable[[Any], date] | None = None,
    time: Callable[[Any], datetime] | None = None,
) -> OutboxEntry:
    """An outbox entry from a row of ``outbox_values()`` columns followed by status, attempts,
    next attempt, claimed until and note (dates as ``date``, times as aware ``datetime``).

    ``day`` and ``time``, if given, first turn each date and each time column that is not
    ``None`` into a ``date`` and an aware ``datetime`` (for a store that keeps them as text).

    Raises:
        StorageError: the row cannot be read: an unknown kind, status or guard kind, half a
            guard, a date or time that does not parse, a column of another type. It was edited or
            damaged outside the store; the message names the column, never its value.
    """
    try:
        key, case, kind, who, not_before, on, g_kind, g_key, g_due, *state = row
        status, tries, nxt, lease, note = state
    except (TypeError, ValueError):
        raise _UnreadableOutbox("columns") from None
    guard: tuple[AgendaKind, str, date] | None = None
    if g_kind is not None or g_key is not None or g_due is not None:
        guard = (
            _known(_KINDS, g_kind, "guard_kind"),
            _outbox_text(g_key, "guard_key"),
            _outbox_when(g_due, "guard_due", day, required=True),
        )
    message = OutboxMessage(
        key=_outbox_text(key, "key"),
        case_id=_outbox_text(case, "case_id"),
        kind=_known(_OUTBOX_KINDS, kind, "kind"),
        recipient=_outbox_text(who, "recipient"),
        not_before=_outbox_when(not_before, "not_before", day, required=True),
        on=_outbox_when(on, "on_date", day),
        guard=guard,
    )
    if not isinstance(tries, int) or isinstance(tries, bool):
        raise _UnreadableOutbox("attempts")
    return OutboxEntry(
        message=message,
        status=_known(_OUTBOX_STATUSES, status, "status"),
        attempts=tries,
        next_attempt=_outbox_when(nxt, "next_attempt", time, time=True),
        claimed_until=_outbox_when(lease, "claimed_until", time, time=True),
        note=_outbox_text(note, "note"),
    )


class _UnreadableOutbox(StorageError):
    """A stored outbox row that cannot be read; ``column`` names where (never the value)."""

    def __init__(self, column: str) -> None:
        super().__init__(
            f"outbox: a stored row cannot be read (its {column}); it was edited or damaged "
            "outside the store"
        )
        self.column = column


def _known(values: dict[str, Any], value: object, column: str) -> Any:
    found = values.get(value) if isinstance(value, str) else None
    if found is None:
        raise _UnreadableOutbox(column)
    return found


def _outbox_text(value: object, column: str) -> str:
    if not isinstance(value, str):
        raise _UnreadableOutbox(column)
    return value


def _outbox_when(
    value: Any,
    column: str,
    convert: Callable[[Any], Any] | None,
    *,
    time: bool = False,
    required: bool = False,
) -> Any:
    """A date column's ``date`` (a time column's aware ``datetime`` with ``time``), or ``None``."""
    if value is None:
        if required:
            raise _UnreadableOutbox(column)
        return None
    try:
        value = value if convert is None else convert(value)
    except (ValueError, TypeError, OverflowError):
        raise _UnreadableOutbox(column) from None
    if time:
        readable = isinstance(value, datetime) and value.utcoffset() is not None
    else:
        readable = isinstance(value, date) and not isinstance(value, datetime)
    if not readable:
        raise _UnreadableOutbox(column)
    return value


logger: Final = logging.getLogger("barnekoordinator.outbox")

_SHOWN_KEY: Final = re.compile(r"[A-Za-z0-9._:-]{1,200}")
"""A key a report may name: plain and short, as the library writes them (kind, case id, item,
ref, date). Any other (one holding an address, free text or a control character), and one
holding a number written as a fødselsnummer (``number_shaped``), is counted, never shown."""
_SHOWN_KEYS: Final = 20

_SKIPPED: ContextVar[dict[str, str] | None] = ContextVar(
    "barnekoordinator_skipped_outbox_rows", default=None
)


def readable_outbox(
    rows: Iterable[Sequence[Any]],
    *,
    day: Callable[[Any], date] | None = None,
    time: Callable[[Any], datetime] | None = None,
) -> list[OutboxEntry]:
    """The entries of the outbox ``rows`` that can be read, in order
    ([`outbox_entry()`][barnekoordinator.history.storekit.outbox_entry], with ``day`` and
    ``time``): what a store's outbox reads return.

    A row that cannot be read (see ``outbox_entry``) is skipped and left as it is, since one
    edited row must not stop every other message. The skipped rows are reported in one warning
    of the ``barnekoordinator.outbox`` logger per call, naming each row's key only when it is
    plain and short (never an address or other content); within
    [`skipped_outbox_rows()`][barnekoordinator.history.storekit.skipped_outbox_rows] they are
    collected instead, each once.
    """
    found: list[OutboxEntry] = []
    skipped: dict[str, str] = {}
    for row in rows:
        try:
            found.append(outbox_entry(row, day=day, time=time))
        except _UnreadableOutbox as exc:
            first = row[0] if isinstance(row, (tuple, list)) and row else None
            skipped.setdefault(first if isinstance(first, str) else "", exc.column)
    if skipped:
        collecting = _SKIPPED.get()
        if collecting is None:
            _report_skipped(skipped)
        else:
            for key, column in skipped.items():
                collecting.setdefault(key, column)
    return found


@contextlib.contextmanager
def skipped_outbox_rows() -> Iterator[dict[str, str]]:
    """Collect the outbox rows that
    [`readable_outbox()`][barnekoordinator.history.storekit.readable_outbox] skips within the
    block (in this thread), each once, and report them in one warning when it ends: a caller
    that reads the outbox many times (a dispatcher's batches) reports each row once per run.
    Yields the collection (key → the column that cannot be read), to count.
    """
    found: dict[str, str] = {}
    token = _SKIPPED.set(found)
    try:
        yield found
    finally:
        _SKIPPED.reset(token)
        if found:
            _report_skipped(found)


def _report_skipped(skipped: dict[str, str]) -> None:
    shown = [
        f"{key} ({column})"
        for key, column in skipped.items()
        if _SHOWN_KEY.fullmatch(key) and not number_shaped(key)
    ]
    hidden = f"; {len(skipped) - len(shown)} not shown" if len(shown) < len(skipped) else ""
    logger.warning(
        "outbox: %d stored message(s) cannot be read and were skipped, left as they are (edited "
        "or damaged outside the store): %s%s",
        len(skipped),
        ", ".join(shown[:_SHOWN_KEYS]) + (" …" if len(shown) > _SHOWN_KEYS else ""),
        hidden,
    )

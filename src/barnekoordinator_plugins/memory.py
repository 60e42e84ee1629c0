"""The in-memory case store (``memory:``): the reference implementation and test fake.

Everything lives in Python dicts guarded by one lock, so it is thread-safe and fast, and forgotten
when the process ends. Its semantics are the contract the other stores are tested against
([`barnekoordinator.testing.conformance`][barnekoordinator.testing.conformance]).

Every append is validated by the store kit's
[`AppendCheck`][barnekoordinator.history.storekit.AppendCheck] (the same check every
first-party store runs), and its agenda operations come from the catalogue the
store was made with.

When ``append`` is given an ``audit`` record, the store seals and stores it under the same lock as
the events (see [`barnekoordinator.history.store`][barnekoordinator.history.store]).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from barnekoordinator.config import Config
from barnekoordinator.errors import (
    InvalidInput,
    StorageUnavailable,
    SubjectConflict,
)
from barnekoordinator.history.outbox import (
    OutboxEntry,
    OutboxMessage,
    OutboxStatus,
    Settlement,
)
from barnekoordinator.history.paging import AgendaCursor, checked_after
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord
from barnekoordinator.history.store import CaseStore, SubjectCases
from barnekoordinator.history.storekit import (
    AppendCheck,
    agenda_filters,
    agenda_sort_key,
    checked_integer,
    lone_audit,
    outbox_batch,
    outbox_due,
    settled,
)
from barnekoordinator.hookspecs import hookimpl

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.sealing import WrappedDataKey

__all__ = [
    "InMemoryCaseStore",
    "barnekoordinator_case_store",
]


class InMemoryCaseStore:
    """A thread-safe [`CaseStore`][barnekoordinator.history.store.CaseStore] in process memory.

    ``catalogue`` holds the projectors of the agenda (default: the library's).
    """

    def __init__(self, *, catalogue: Catalogue | None = None) -> None:
        self._catalogue = catalogue if catalogue is not None else _library_catalogue()
        self._lock = threading.Lock()
        self._cases: dict[str, list[EventRecord]] = {}
        self._log: list[EventRecord] = []
        self._subjects: dict[str, set[str]] = {}
        self._agenda: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        self._audit: dict[str, list[AuditRecord]] = {}
        self._audit_log: list[AuditRecord] = []
        self._data_keys: dict[str, WrappedDataKey] = {}
        self._outbox: dict[str, OutboxEntry] = {}
        self._claims: dict[str, str] = {}
        self._closed = False

    def __enter__(self) -> InMemoryCaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StorageUnavailable("the in-memory case store is closed")

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
        outbox: Sequence[OutboxMessage] = (),
        subject: SubjectCases | None = None,
        data_key: WrappedDataKey | None = None,
        sealed_with: WrappedDataKey | None = None,
    ) -> int:
        """Append ``records`` (and ``audit`` and ``outbox``, atomically); return the new version.

        ``subject`` is checked under the same lock (one open case per child), and ``data_key`` (a
        new case's wrapped data key) is stored with the events (decision 31). ``sealed_with``, the
        wrapped key the records' data key came from, must be the case's stored wrapped key, or
        ``SealingError`` and nothing stored (decision 51)."""
        records = list(records)
        check = AppendCheck.prepare(case_id, expected_version, records, audit=audit)
        messages = outbox_batch(outbox)
        ops = self._catalogue.project(records)
        with self._lock:
            self._check_open()
            history = self._cases.get(case_id, [])
            check.check(len(history), history[-1].hash if history else GENESIS)
            if subject is not None and subject.differs(
                case_id, self._subjects.get(subject.key, ())
            ):
                raise SubjectConflict(case_id)
            if sealed_with is not None:
                from barnekoordinator.history.sealing import confirm_sealed_with

                confirm_sealed_with(case_id, self._data_keys.get(case_id), sealed_with)
            if data_key is not None:
                self._data_keys[case_id] = data_key
            if check.audit is not None:
                # Sealing cannot fail, so under the lock events and audit land together.
                self._seal_audit(check.audit)
            for message in messages:
                self._outbox.setdefault(message.key, OutboxEntry(message=message))
            if not records:
                return len(history)
            stored = [
                attrs.evolve(record, position=len(self._log) + i)
                for i, record in enumerate(records, start=1)
            ]
            self._cases.setdefault(case_id, []).extend(stored)
            self._log.extend(stored)
            for record in stored:
                if record.subject_key is not None:
                    self._subjects.setdefault(record.subject_key, set()).add(case_id)
            apply_ops(self._agenda, ops)
            return len(self._cases[case_id])

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        with self._lock:
            self._check_open()
            return len(self._cases.get(case_id, ()))

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order.

        Raises:
            InvalidInput: ``after_version`` is not a whole number that fits in 64 bits.
        """
        after_version = checked_integer(after_version, "after_version")
        with self._lock:
            self._check_open()
            return list(self._cases.get(case_id, [])[max(after_version, 0) :])

    def read_with_data_key(
        self, case_id: str, *, after_version: int = 0
    ) -> tuple[list[EventRecord], WrappedDataKey | None]:
        """``read(case_id, after_version=…)`` and ``get_data_key(case_id)``, read together."""
        after_version = checked_integer(after_version, "after_version")
        with self._lock:
            self._check_open()
            records = list(self._cases.get(case_id, [])[max(after_version, 0) :])
            return records, self._data_keys.get(case_id)

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with position > ``after_position``, in commit order.

        Raises:
            InvalidInput: ``after_position`` or ``limit`` is not a whole number that fits in
                64 bits.
        """
        after_position = checked_integer(after_position, "after_position")
        limit = checked_integer(limit, "limit")
        with self._lock:
            self._check_open()
            # Positions are 1-based list indexes, so a slice is exact.
            start = max(after_position, 0)
            return list(self._log[start : start + max(limit, 0)])

    def find_cases(self, subject_key: str) -> list[str]:
        """Ids of the cases whose records carry this keyed hash, sorted."""
        with self._lock:
            self._check_open()
            return sorted(self._subjects.get(subject_key, ()))

    def agenda(
        self,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
        after: AgendaCursor | None = None,
    ) -> list[AgendaItem]:
        """Agenda rows due on or before ``until``, ordered by (due, case_id, kind, key).

        Raises:
            InvalidInput: An argument is not what the store takes (see
                [`agenda_filters()`][barnekoordinator.history.storekit.agenda_filters] and
                [`checked_after()`][barnekoordinator.history.paging.checked_after]).
        """
        cursor = checked_after(after)
        kinds, limit = agenda_filters(until, kinds, limit)
        with self._lock:
            self._check_open()
            rows = [
                item
                for item in self._agenda.values()
                if item.due <= until
                and (kinds is None or item.kind in kinds)
                and (case_id is None or item.case_id == case_id)
                and (cursor is None or cursor.precedes(item))
            ]
        rows.sort(key=agenda_sort_key)
        return rows if limit is None else rows[: max(limit, 0)]

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed."""
        lone_audit(record)
        with self._lock:
            self._check_open()
            return self._seal_audit(record)

    def _seal_audit(self, record: AuditRecord) -> AuditRecord:
        # Caller holds the lock.
        trail = self._audit.setdefault(record.case_id, [])
        sealed = attrs.evolve(
            record.sealed(len(trail) + 1, trail[-1].hash if trail else GENESIS),
            position=len(self._audit_log) + 1,
        )
        trail.append(sealed)
        self._audit_log.append(sealed)
        return sealed

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order."""
        with self._lock:
            self._check_open()
            return list(self._audit.get(case_id, ()))

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Audit records of all cases with position > ``after_position``, in commit order.

        Raises:
            InvalidInput: ``after_position`` or ``limit`` is not a whole number that fits in
                64 bits.
        """
        after_position = checked_integer(after_position, "after_position")
        limit = checked_integer(limit, "limit")
        with self._lock:
            self._check_open()
            start = max(after_position, 0)
            return list(self._audit_log[start : start + max(limit, 0)])

    def case_ids(self) -> list[str]:
        """Every case id with events or audit records, sorted."""
        with self._lock:
            self._check_open()
            return sorted(set(self._cases) | set(self._audit))

    # -- OutboxStore: the notification outbox (see history.outbox) ----------------------

    def add_outbox(self, messages: Sequence[OutboxMessage]) -> int:
        """Store the messages whose keys are new; return how many were new."""
        checked = outbox_batch(messages)
        with self._lock:
            self._check_open()
            new = [m for m in checked if m.key not in self._outbox]
            for message in new:
                self._outbox[message.key] = OutboxEntry(message=message)
            return len(new)

    def claim_outbox(
        self,
        *,
        now: datetime,
        until: datetime,
        claimant: str,
        limit: int = 100,
        lease_now: datetime | None = None,
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` due pending messages for ``claimant`` until ``until`` (leases
        judged against ``lease_now``, ``now`` if not given)."""
        with self._lock:
            self._check_open()
            due = sorted(
                (e for e in self._outbox.values() if outbox_due(e, now, lease_now)),
                key=lambda e: (e.message.not_before, e.message.key),
            )[: max(limit, 0)]
            claimed = [attrs.evolve(e, claimed_until=until) for e in due]
            for entry in claimed:
                self._outbox[entry.message.key] = entry
                self._claims[entry.message.key] = claimant
            return claimed

    def settle_outbox(self, key: str, claimant: str, settlement: Settlement) -> bool:
        """Record the outcome of a message claimed by ``claimant``; False if the claim was lost."""
        with self._lock:
            self._check_open()
            entry = self._outbox.get(key)
            if (
                entry is None
                or self._claims.get(key) != claimant
                or entry.status is not OutboxStatus.PENDING
            ):
                return False
            self._outbox[key] = settled(entry, settlement)
            del self._claims[key]
            return True

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """Stored messages (of one status), ordered by ``(not_before, key)``."""
        with self._lock:
            self._check_open()
            found = [e for e in self._outbox.values() if status is None or e.status is status]
        return sorted(found, key=lambda e: (e.message.not_before, e.message.key))

    # -- DataKeyStore: the cases' wrapped data keys (see history.sealing) ----------------

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        """The case's wrapped data key, or ``None``."""
        with self._lock:
            self._check_open()
            return self._data_keys.get(case_id)

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        """Store or replace the case's wrapped data key."""
        with self._lock:
            self._check_open()
            self._data_keys[case_id] = key

    def destroy_data_key(self, case_id: str, *, audit: AuditRecord | None = None) -> None:
        """Forget the case's wrapped data key (crypto-shredding); ``audit``, the shred's audit
        record of the case, is stored with it (under the same lock: both or neither)."""
        if audit is not None and lone_audit(audit).case_id != case_id:
            raise InvalidInput(f"audit record of case {audit.case_id}: not of case {case_id}")
        with self._lock:
            self._check_open()
            self._data_keys.pop(case_id, None)
            if audit is not None:
                self._seal_audit(audit)

    def data_key_cases(self) -> list[str]:
        """The ids of every case with a wrapped data key, sorted."""
        with self._lock:
            self._check_open()
            return sorted(self._data_keys)

    def close(self) -> None:
        """Refuse further calls (the data goes with the object)."""
        self._closed = True


def _library_catalogue() -> Catalogue:
    # Imported when a store is made, not when the plugin module is loaded: every
    # command loads every plugin, and the catalogue imports all concept modules.
    from barnekoordinator.catalogue import CATALOGUE

    return CATALOGUE


@hookimpl(trylast=True)
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Provide an [`InMemoryCaseStore`][barnekoordinator_plugins.memory.InMemoryCaseStore] for
    ``store="memory:"``.
    """
    if config.store_scheme != "memory":
        return None
    return InMemoryCaseStore(catalogue=catalogue)

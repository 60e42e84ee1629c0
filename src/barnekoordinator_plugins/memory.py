"""The in-memory case store (``memory:``): the reference implementation and test fake.

Everything lives in Python dicts guarded by one lock, so it is thread-safe and
fast, and forgotten when the process ends. Its semantics are the contract the
other stores are tested against (:mod:`barnekoordinator.testing.conformance`).

This module also holds :class:`AppendCheck`, the append validation every
first-party store uses and a vendor store may reuse:

* a stale (or future) ``expected_version`` raises
  :class:`~barnekoordinator.errors.ConcurrencyConflict` and nothing is written;
* with the right version, records that do not continue the case raise
  :class:`~barnekoordinator.errors.ChainBroken`: another case's record, a
  sequence that is not ``expected_version + 1, + 2 …``, a ``prev_hash`` that is
  not the stored last hash (or the previous record's hash), or a ``hash`` that
  does not match the record's content. These are not races (history is
  append-only, so the version fixes the last hash) but a caller that built
  records against another history, or tampering;
* an ``audit`` record of another case raises
  :class:`~barnekoordinator.errors.InvalidInput` before anything is looked at.

When ``append`` is given an ``audit`` record, the store seals and stores it
under the same lock as the events (see :mod:`barnekoordinator.history.store`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any, Final

import attrs

from barnekoordinator.config import Config
from barnekoordinator.errors import (
    ChainBroken,
    ConcurrencyConflict,
    InvalidInput,
    StorageUnavailable,
)
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops, project
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord, _event_stamp
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl

__all__ = [
    "AppendCheck",
    "InMemoryCaseStore",
    "agenda_sort_key",
    "barnekoordinator_case_store",
]


def agenda_sort_key(item: AgendaItem) -> tuple[date, str, str, str]:
    """The agenda order every store uses: (due, case_id, kind value, key)."""
    return (item.due, item.case_id, item.kind.value, item.key)


_AGENDA_FIELDS: Final = ("case_id", "kind", "key", "due", "detail")
if tuple(a.name for a in attrs.fields(AgendaItem)) != _AGENDA_FIELDS:  # pragma: no cover
    raise RuntimeError("memory._AGENDA_FIELDS must list AgendaItem's fields in order")
_AGENDA_SETTERS: Final[tuple[Callable[[AgendaItem, Any], None], ...]] = tuple(
    AgendaItem.__dict__[name].__set__ for name in _AGENDA_FIELDS
)
_new_object: Final = object.__new__


def _agenda_item(case_id: str, kind: AgendaKind, key: str, due: date, detail: str) -> AgendaItem:
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


@attrs.frozen
class AppendCheck:
    """The validation of one append, split so that stores hash outside their lock.

    :meth:`prepare` checks what does not depend on the stored state (hashes,
    sequence numbers, links inside the batch); :meth:`check` then runs inside
    the write transaction with the stored version and last hash.

    ``times`` holds each record's canonical time text
    (:func:`~barnekoordinator.history.records.format_time`), computed while hashing, for
    stores that keep the time as text. After a problem it may be short.
    """

    case_id: str
    expected_version: int
    first_prev_hash: str | None
    problem: ChainBroken | None
    times: tuple[str, ...] = ()

    @classmethod
    def prepare(
        cls,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
    ) -> AppendCheck:
        """Check the batch on its own; the verdict is given by :meth:`check`.

        Raises:
            InvalidInput: ``audit`` is the audit record of another case.
        """
        if audit is not None and audit.case_id != case_id:
            raise InvalidInput(
                f"append to case {case_id}: the audit record is of case {audit.case_id}; "
                "an append stores the audit record of its own case"
            )
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
                expected, text = _event_stamp(record)
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
        return cls(case_id, expected_version, first, problem, tuple(times))

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


class InMemoryCaseStore:
    """A thread-safe :class:`~barnekoordinator.history.store.CaseStore` in process memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cases: dict[str, list[EventRecord]] = {}
        self._log: list[EventRecord] = []
        self._subjects: dict[str, set[str]] = {}
        self._agenda: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        self._audit: dict[str, list[AuditRecord]] = {}
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
    ) -> int:
        """Append ``records`` (and ``audit``, atomically); return the new version."""
        records = list(records)
        check = AppendCheck.prepare(case_id, expected_version, records, audit=audit)
        ops = project(records)
        with self._lock:
            self._check_open()
            history = self._cases.get(case_id, [])
            check.check(len(history), history[-1].hash if history else GENESIS)
            if audit is not None:
                # Sealing cannot fail, so under the lock events and audit land together.
                self._seal_audit(audit)
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
        """The case's records with sequence > ``after_version``, in order."""
        with self._lock:
            self._check_open()
            return list(self._cases.get(case_id, [])[max(after_version, 0) :])

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with position > ``after_position``, in commit order."""
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
    ) -> list[AgendaItem]:
        """Agenda rows due on or before ``until``, ordered by (due, case_id, kind, key)."""
        with self._lock:
            self._check_open()
            rows = [
                item
                for item in self._agenda.values()
                if item.due <= until
                and (kinds is None or item.kind in kinds)
                and (case_id is None or item.case_id == case_id)
            ]
        rows.sort(key=agenda_sort_key)
        return rows if limit is None else rows[: max(limit, 0)]

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed."""
        with self._lock:
            self._check_open()
            return self._seal_audit(record)

    def _seal_audit(self, record: AuditRecord) -> AuditRecord:
        # Caller holds the lock.
        trail = self._audit.setdefault(record.case_id, [])
        sealed = record.sealed(len(trail) + 1, trail[-1].hash if trail else GENESIS)
        trail.append(sealed)
        return sealed

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order."""
        with self._lock:
            self._check_open()
            return list(self._audit.get(case_id, ()))

    def case_ids(self) -> list[str]:
        """Every case id with events or audit records, sorted."""
        with self._lock:
            self._check_open()
            return sorted(set(self._cases) | set(self._audit))

    def close(self) -> None:
        """Refuse further calls (the data goes with the object)."""
        self._closed = True


@hookimpl(trylast=True)
def barnekoordinator_case_store(config: Config) -> CaseStore | None:
    """Provide an :class:`InMemoryCaseStore` for ``store="memory:"``."""
    if config.store_scheme != "memory":
        return None
    return InMemoryCaseStore()

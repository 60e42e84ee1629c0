"""The :class:`CaseStore` protocol every storage plugin implements.

A store persists :class:`~barnekoordinator.records.EventRecord` and
:class:`~barnekoordinator.records.AuditRecord` values; it never sees domain
classes. Its contract (checked by ``barnekoordinator.testing.conformance``):

* ``append`` is all or nothing. A stale ``expected_version`` raises
  :class:`~barnekoordinator.errors.ConcurrencyConflict` and writes nothing.
  Records must continue the case's sequence and hash chain.
* History is append-only: no method updates or deletes a record.
* Within the append transaction the store applies
  :func:`barnekoordinator.projections.project` to keep the agenda rows.
* An unusable store (read-only, full, unreachable) raises
  :class:`~barnekoordinator.errors.StorageUnavailable`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from barnekoordinator.projections import AgendaItem, AgendaKind
from barnekoordinator.records import AuditRecord, EventRecord

__all__ = ["CaseStore"]


@runtime_checkable
class CaseStore(Protocol):
    """Append-only, hash-chained storage of case histories and audit trails."""

    def append(self, case_id: str, expected_version: int, records: Sequence[EventRecord]) -> int:
        """Append ``records`` (sequences ``expected_version + 1 …``); return the new version."""
        ...

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        ...

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order ([] if unknown)."""
        ...

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with global position > ``after_position``, in commit order."""
        ...

    def find_cases(self, subject_key: str) -> list[str]:
        """Ids of the cases whose records carry this keyed hash of a child's id."""
        ...

    def agenda(
        self,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
    ) -> list[AgendaItem]:
        """Agenda rows due on or before ``until``, ordered by (due, case_id, kind, key)."""
        ...

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed.

        The store seals it with ``record.sealed(sequence, prev_hash)`` inside its
        write transaction so concurrent auditors never fork the chain.
        """
        ...

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

"""AcmeStore: a vendor's case store for ``acme:PATH``.

It wraps the first-party SQLite store and counts calls per method — the place a
vendor would add metrics, tenancy or encryption at rest. Anything that honours
the :class:`~barnekoordinator.history.store.CaseStore` protocol works; the
conformance suite in ``tests/test_acme.py`` proves this one does.

A store that backs a ``Casebook`` must also keep the cases' wrapped data keys
(:class:`~barnekoordinator.history.sealing.DataKeyStore`: the Casebook seals every
national identity number with a per-case key) and, for notifications, an outbox
(:class:`~barnekoordinator.history.outbox.OutboxStore`). A wrapper forwards all of
them, and every keyword of ``append``: dropping one silently splits what must be
written in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.outbox import OutboxEntry, OutboxMessage, OutboxStatus, Settlement
from barnekoordinator.history.paging import AgendaCursor
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.store import SubjectCases
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from barnekoordinator.history.sealing import WrappedDataKey

__all__ = ["AcmeStore"]


class AcmeStore:
    """A CaseStore that delegates to SQLite and counts every call in ``calls``."""

    def __init__(self, path: str | Path, *, catalogue: Catalogue | None = None) -> None:
        # The catalogue's projectors keep the agenda (None: the library's own).
        self._inner = SQLiteCaseStore(path, catalogue=catalogue)
        self.calls: Counter[str] = Counter()

    @property
    def path(self) -> str:
        """The database file, as given (open a second ``AcmeStore`` on it to reopen)."""
        return self._inner.path

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
    ) -> int:
        # Forward every keyword: the inner store writes them all in the same
        # transaction as the events. ``audit``: writing it here with a second call
        # would reopen the gap. ``outbox``: the notifications the events cause.
        # ``subject``: the inner store re-checks the child's cases inside that
        # transaction, so two openings for one child cannot both land; ``data_key``:
        # a new case's wrapped key, stored with its first events (decision 31).
        self.calls["append"] += 1
        return self._inner.append(
            case_id,
            expected_version,
            records,
            audit=audit,
            outbox=outbox,
            subject=subject,
            data_key=data_key,
        )

    def version(self, case_id: str) -> int:
        self.calls["version"] += 1
        return self._inner.version(case_id)

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        self.calls["read"] += 1
        return self._inner.read(case_id, after_version=after_version)

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        self.calls["read_all"] += 1
        return self._inner.read_all(after_position=after_position, limit=limit)

    def find_cases(self, subject_key: str) -> list[str]:
        self.calls["find_cases"] += 1
        return self._inner.find_cases(subject_key)

    def agenda(
        self,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
        after: AgendaCursor | None = None,
    ) -> list[AgendaItem]:
        # ``after``: the next page starts after this cursor (decision 30); forward it so the
        # inner store seeks its index instead of reading the pages before.
        self.calls["agenda"] += 1
        return self._inner.agenda(
            until=until, kinds=kinds, case_id=case_id, limit=limit, after=after
        )

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        self.calls["append_audit"] += 1
        return self._inner.append_audit(record)

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        self.calls["read_audit"] += 1
        return self._inner.read_audit(case_id)

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[AuditRecord]:
        self.calls["read_all_audit"] += 1
        return self._inner.read_all_audit(after_position=after_position, limit=limit)

    def case_ids(self) -> list[str]:
        self.calls["case_ids"] += 1
        return self._inner.case_ids()

    # -- DataKeyStore: the Casebook seals national ids with a per-case data key ------

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        self.calls["get_data_key"] += 1
        return self._inner.get_data_key(case_id)

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        self.calls["put_data_key"] += 1
        self._inner.put_data_key(case_id, key)

    def destroy_data_key(self, case_id: str, *, audit: AuditRecord | None = None) -> None:
        # ``audit``: the shred's audit record, stored in the same transaction as the
        # key's deletion (crypto-shredding leaves a trail, never a silent gap).
        self.calls["destroy_data_key"] += 1
        self._inner.destroy_data_key(case_id, audit=audit)

    def data_key_cases(self) -> list[str]:
        self.calls["data_key_cases"] += 1
        return self._inner.data_key_cases()

    # -- OutboxStore: notifications, committed with the events that cause them ------

    def add_outbox(self, messages: Sequence[OutboxMessage]) -> int:
        self.calls["add_outbox"] += 1
        return self._inner.add_outbox(messages)

    def claim_outbox(
        self,
        *,
        now: datetime,
        until: datetime,
        claimant: str,
        limit: int = 100,
        lease_now: datetime | None = None,
    ) -> list[OutboxEntry]:
        self.calls["claim_outbox"] += 1
        return self._inner.claim_outbox(
            now=now, until=until, claimant=claimant, limit=limit, lease_now=lease_now
        )

    def settle_outbox(self, key: str, claimant: str, settlement: Settlement) -> bool:
        self.calls["settle_outbox"] += 1
        return self._inner.settle_outbox(key, claimant, settlement)

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        self.calls["outbox"] += 1
        return self._inner.outbox(status=status)

    def close(self) -> None:
        self._inner.close()

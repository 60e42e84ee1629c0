"""AcmeStore: a vendor's case store for ``acme:PATH``.

It wraps the first-party SQLite store and counts calls per method — the place a
vendor would add metrics, tenancy or encryption at rest. Anything that honours
the :class:`~barnekoordinator.history.store.CaseStore` protocol works; the
conformance suite in ``tests/test_acme.py`` proves this one does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.paging import AgendaCursor
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.store import SubjectCases
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

__all__ = ["AcmeStore"]


class AcmeStore:
    """A CaseStore that delegates to SQLite and counts every call in ``calls``."""

    def __init__(self, path: str | Path, *, catalogue: Catalogue | None = None) -> None:
        # The catalogue's projectors keep the agenda (None: the library's own).
        self._inner = SQLiteCaseStore(path, catalogue=catalogue)
        self.calls: Counter[str] = Counter()

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
        subject: SubjectCases | None = None,
    ) -> int:
        # Forward ``audit``: the inner store writes it in the same transaction as
        # the events. Writing it here with a second call would reopen the gap.
        # Forward ``subject`` too: the inner store re-checks the child's cases
        # inside that transaction, so two openings for one child cannot both land
        # (decision 31).
        self.calls["append"] += 1
        return self._inner.append(case_id, expected_version, records, audit=audit, subject=subject)

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

    def close(self) -> None:
        self._inner.close()

"""The [`CaseStore`][barnekoordinator.history.store.CaseStore] protocol every storage plugin
implements.

A store persists [`EventRecord`][barnekoordinator.history.records.EventRecord] and
[`AuditRecord`][barnekoordinator.history.records.AuditRecord] values; it never sees domain
classes. Its contract (checked by ``barnekoordinator.testing.conformance``):

* **Versions.** ``append(case_id, expected_version, records)`` succeeds only
  when ``expected_version`` is the case's stored version (its number of events;
  0 for a new case). A stale *or future* version raises
  [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] (with ``expected`` and
  the stored ``actual``). An empty ``records`` only checks the version and
  returns it.
* **The chain.** With the right version, records that do not continue the case
  raise [`ChainBroken`][barnekoordinator.errors.ChainBroken]: a record of another case,
  sequences that are not ``expected_version + 1, + 2 …``, a ``prev_hash`` that
  is not the stored last hash (or the previous record's hash in the batch), or a
  ``hash`` that does not match the record's content.
* **All or nothing.** A conflict, a broken chain or any failure writes nothing:
  no event, no agenda row, no audit record.
* **Events and their audit record commit together.** ``append(…, audit=record)`` seals the audit
  record (``record.sealed(next_audit_sequence, last_audit_hash)``) and stores it in the same
  transaction as the events, so a crash can never leave a committed write without its audit record,
  or an audit record of a write that did not happen.
  [`CaseStore.append_audit()`][barnekoordinator.history.store.CaseStore.append_audit] stores an
  audit record on its own (reads, refusals and failures, where nothing else is written).
* **The audit record names what the write stored.** The audit record of an append that stores
  events carries their range (``first_sequence``/``last_sequence``): the store fills it in when the
  caller left it out and refuses one that names other events
  ([`InvalidInput`][barnekoordinator.errors.InvalidInput]); a lone audit record, or the audit record
  of an empty append, names none. ``verify`` checks that every event is covered by exactly one
  range, which is how an append made around the Casebook is found.
* History is append-only: no method updates or deletes a record.
* Within the append transaction the store applies the projectors of the catalogue it was
  made with ([`Catalogue.project()`][barnekoordinator.history.catalogue.Catalogue.project])
  to keep the agenda rows.
* **Positions.** Records returned by ``read`` and ``read_all`` carry their
  global ``position`` (strictly increasing in commit order; ``read_all`` never
  skips one that a later page would reveal). Audit records have positions of their own, with the
  same promise, returned by ``read_audit``, ``read_all_audit`` and ``append_audit``: a signed
  checkpoint is a Merkle tree over each kind of record in this order
  ([`barnekoordinator.history.checkpoint`][barnekoordinator.history.checkpoint]), so the order
  must never change and a later commit must never appear before an earlier one.
* **One open case per child: the subject check.** ``append(…, subject=SubjectCases(key, cases))``
  stores nothing and raises [`SubjectConflict`][barnekoordinator.errors.SubjectConflict] unless the
  cases other than ``case_id`` whose records carry ``key`` are exactly ``cases`` — checked inside
  the append's write transaction, serialised with every other append that could add a case for
  that key. The Casebook passes the cases it saw when it found no open case for the child, so two
  concurrent openings for one child cannot both be stored (decision 31). A store whose ``append``
  has no ``subject`` parameter still works, without that guarantee.
* **The key checked where it is used** (decision 51, optional). ``append(…, sealed_with=key)``
  stores nothing and raises [`SealingError`][barnekoordinator.errors.SealingError] unless the
  case's stored wrapped data key is ``key`` — checked inside the append's write transaction
  ([`confirm_sealed_with`][barnekoordinator.history.sealing.confirm_sealed_with]), so a shred by
  any process refuses the write. ``read_with_data_key(case_id, *, after_version=0)`` returns
  ``(read(…), get_data_key(case_id))`` read together. The Casebook uses them only where the
  store has them; otherwise its key ring reads the key before each use.
* An unusable store (read-only, full, unreachable, or closed with
  [`CaseStore.close()`][barnekoordinator.history.store.CaseStore.close]) raises
  [`StorageUnavailable`][barnekoordinator.errors.StorageUnavailable].
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol, runtime_checkable

import attrs

from barnekoordinator.history.paging import AgendaCursor
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import AuditRecord, EventRecord

__all__ = ["CaseStore", "SubjectCases"]


@attrs.frozen
class SubjectCases:
    """What an append expects of the subject index: the cases (other than the one appended to)
    whose records carry the keyed hash ``key`` of a child's id.

    The Casebook's guard against two open cases for one child (decision 31): the store compares
    ``cases`` with what it holds inside its write transaction and raises
    [`SubjectConflict`][barnekoordinator.errors.SubjectConflict] on any difference.
    """

    key: str
    cases: frozenset[str]

    def differs(self, case_id: str, stored: Collection[str]) -> bool:
        """True when ``stored`` (the store's cases for ``key``) is not what was expected."""
        return frozenset(stored) - {case_id} != self.cases


@runtime_checkable
class CaseStore(Protocol):
    """Append-only, hash-chained storage of case histories and audit trails.

    A **trusted back-office** API: a store answers without a principal, an access decision
    or an audit record, so it is for the Casebook and for code the operator trusts
    (verification, backups, migrations) — never for a request made on someone's behalf,
    which goes through [`Casebook`][barnekoordinator.casebook.Casebook].
    """

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        """Append ``records`` (sequences ``expected_version + 1 …``); return the new version.

        Raises [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] for a stale
        or future ``expected_version`` and
        [`ChainBroken`][barnekoordinator.errors.ChainBroken] for records that do not
        continue the case; either way nothing is written. ``records`` may be
        empty: then only the version is checked.

        ``audit``, when given, is the audit record of this write (of the same
        case, else [`InvalidInput`][barnekoordinator.errors.InvalidInput]). The store
        seals it with ``audit.sealed(next_audit_sequence, last_audit_hash)`` and
        stores it **in the same transaction** as the events: both are stored or
        neither is (a conflict or broken chain stores no audit record either).
        With empty ``records`` it is stored when the version matches.

        The audit record's range is the sequences of ``records``: filled in when ``audit`` has
        none; ``audit`` naming another range, or a range with empty ``records``, raises
        [`InvalidInput`][barnekoordinator.errors.InvalidInput] and nothing is written.

        A store that keeps the one-open-case-per-child promise also takes a keyword
        ``subject: SubjectCases | None = None`` (optional, so a store written before it still
        fits this protocol): when given, it is checked in the same transaction — if the cases
        other than ``case_id`` that carry ``subject.key`` are not ``subject.cases``, nothing is
        written and [`SubjectConflict`][barnekoordinator.errors.SubjectConflict] is raised (after
        the version check). Appends that could add a case for the key must be serialised with
        this check. The Casebook passes it only to a store whose ``append`` has that parameter.
        Likewise ``sealed_with: WrappedDataKey | None = None`` (decision 51): when given and not
        the case's stored wrapped data key, nothing is written and ``SealingError`` is raised.
        """
        ...

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        ...

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order ([] if unknown).

        Each record carries its global ``position``. An ``after_version`` that is not a whole
        number fitting in 64 bits raises [`InvalidInput`][barnekoordinator.errors.InvalidInput]
        (check it with
        [`checked_integer()`][barnekoordinator.history.storekit.checked_integer]).
        """
        ...

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with global position > ``after_position``, in commit order.

        ``after_position`` or ``limit`` that is not a whole number fitting in 64 bits raises
        [`InvalidInput`][barnekoordinator.errors.InvalidInput] (check them with
        [`checked_integer()`][barnekoordinator.history.storekit.checked_integer]).
        """
        ...

    def find_cases(self, subject_key: str) -> list[str]:
        """Ids of the cases whose records carry this keyed hash of a child's id, sorted."""
        ...

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

        ``kinds``, ``case_id`` and ``limit`` narrow the rows; ``after`` (the
        [`AgendaCursor`][barnekoordinator.history.paging.AgendaCursor] of the last row of the
        previous page) keeps only the rows that sort after it, so pages of ``limit`` rows
        concatenated are the unpaged answer. A store should read only the rows it returns
        (decisions 20 and 30). ``after`` of another type raises
        [`InvalidInput`][barnekoordinator.errors.InvalidInput], and so do an ``until`` that is
        not a date, ``kinds`` that are not
        [`AgendaKind`][barnekoordinator.history.projections.AgendaKind] members and a ``limit``
        that does not fit in 64 bits (check them with
        [`agenda_filters()`][barnekoordinator.history.storekit.agenda_filters]). A store
        written before ``after`` existed is still served, page by page, through
        [`paged_agenda()`][barnekoordinator.history.paging.paged_agenda].
        """
        ...

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record on its own; return it sealed.

        The store seals it with ``record.sealed(sequence, prev_hash)`` inside its
        write transaction so concurrent auditors never fork the chain. Use
        ``append(…, audit=record)`` for the audit record of a write. The returned record carries
        its ``position``. A record naming a range of events raises
        [`InvalidInput`][barnekoordinator.errors.InvalidInput]: only an append stores events.
        """
        ...

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order, each record with its ``position``."""
        ...

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Audit records of all cases with position > ``after_position``, in commit order.

        Arguments are checked as ``read_all`` checks them.
        """
        ...

    def case_ids(self) -> list[str]:
        """Every case id with events or audit records, sorted (``verify`` walks them)."""
        ...

    def close(self) -> None:
        """Release connections and files; later calls raise ``StorageUnavailable``."""
        ...

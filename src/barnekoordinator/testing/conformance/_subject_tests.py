"""The contract's tests of one open case per child and of a new case's data key (decision 31).

Both rest on keywords of ``append`` that a store written before decision 31 lacks; for such a
store these tests skip (the Casebook still works with it, without the guarantee).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import (
    CaseAlreadyOpen,
    ChainBroken,
    ConcurrencyConflict,
    SubjectConflict,
)
from barnekoordinator.history.case import open_case
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.sealing import DataKeyStore, InMemoryDataKeys, KeyRing, WrappedDataKey
from barnekoordinator.history.store import CaseStore, SubjectCases
from barnekoordinator.testing.builders import TEST_SEALING_KEY, child_aged, mother
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import make_audit, make_records

_KEY = WrappedDataKey("kek-1", b"\x01" * 60)
_SECRET = b"conformance-subject-secret-32-b."
_CASEWORKER = Principal(
    subject="cw-1",
    display_label="Koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.CASEWORKER}),
    municipality_number="0301",
)


def _takes(store: CaseStore, keyword: str) -> None:
    if keyword not in inspect.signature(type(store).append).parameters:
        pytest.skip(f"the store's append has no {keyword!r} (written before decision 31)")


def _append(store: CaseStore, *args: object, **kwargs: object) -> int:
    append: Any = store.append
    return int(append(*args, **kwargs))


class _RacingStore:
    """A store that holds every thread's first ``find_cases`` until all threads have made it,
    so every opening checks before any of them appends: the race, every time."""

    def __init__(self, inner: CaseStore, barrier: threading.Barrier) -> None:
        self.inner = inner
        self._barrier = barrier
        self._waited = threading.local()

    def find_cases(self, subject_key: str) -> list[str]:
        found = self.inner.find_cases(subject_key)
        if not getattr(self._waited, "done", False):
            self._waited.done = True
            self._barrier.wait(timeout=60)
        return found

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
        subject: SubjectCases | None = None,
        data_key: WrappedDataKey | None = None,
    ) -> int:
        extra = {k: v for k, v in (("subject", subject), ("data_key", data_key)) if v is not None}
        return _append(self.inner, case_id, expected_version, records, audit=audit, **extra)

    def version(self, case_id: str) -> int:
        return self.inner.version(case_id)

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        return self.inner.read(case_id, after_version=after_version)

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        return self.inner.read_all(after_position=after_position, limit=limit)

    def agenda(self, **kwargs: Any) -> Any:
        return self.inner.agenda(**kwargs)

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        return self.inner.append_audit(record)

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        return self.inner.read_audit(case_id)

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[AuditRecord]:
        return self.inner.read_all_audit(after_position=after_position, limit=limit)

    def case_ids(self) -> list[str]:
        return self.inner.case_ids()

    def close(self) -> None:
        self.inner.close()

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        return _keys(self.inner).get_data_key(case_id)

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        _keys(self.inner).put_data_key(case_id, key)

    def destroy_data_key(self, case_id: str) -> None:
        _keys(self.inner).destroy_data_key(case_id)

    def data_key_cases(self) -> list[str]:
        return _keys(self.inner).data_key_cases()


def _keys(store: CaseStore) -> DataKeyStore:
    if not isinstance(store, DataKeyStore):
        pytest.skip("the store keeps no data keys")
    return store


def _stored_cases(store: CaseStore) -> list[str]:
    return [case for case in store.case_ids() if store.version(case) > 0]


class _SubjectTests:
    """append(…, subject=…): the check that keeps one open case per child."""

    def test_an_append_expecting_other_cases_for_the_child_stores_nothing(
        self, store: CaseStore
    ) -> None:
        """A stale expectation of the child's cases raises SubjectConflict and stores nothing:
        no event, no audit record, no data key; the right expectation stores the case."""
        _takes(store, "subject")
        store.append("case-1", 0, make_records("case-1", 1, subject_key="child-1"))
        records = make_records("case-2", 2, subject_key="child-1")
        audit = make_audit("case-2", action="open", stored=records)
        extra: dict[str, object] = {}
        if "data_key" in inspect.signature(type(store).append).parameters:
            extra["data_key"] = _KEY
        for stale in ([], ["case-1", "case-9"]):
            with pytest.raises(SubjectConflict) as raised:
                _append(
                    store,
                    "case-2",
                    0,
                    records,
                    audit=audit,
                    subject=SubjectCases("child-1", frozenset[str](stale)),
                    **extra,
                )
            assert "child-1" not in str(raised.value)
            assert store.version("case-2") == 0
            assert store.read_audit("case-2") == []
            if isinstance(store, DataKeyStore):
                assert store.get_data_key("case-2") is None
        _append(
            store,
            "case-2",
            0,
            records,
            audit=audit,
            subject=SubjectCases("child-1", frozenset[str]({"case-1"})),
            **extra,
        )
        assert store.find_cases("child-1") == ["case-1", "case-2"]
        # A case appending to itself does not count itself; another child's cases do not count.
        more = make_records("case-2", 1, after_version=2, prev_hash=records[-1].hash)
        only_one = SubjectCases("child-1", frozenset[str]({"case-1"}))
        _append(store, "case-2", 2, more, subject=only_one)
        _append(
            store,
            "case-3",
            0,
            make_records("case-3", 1, subject_key="child-2"),
            subject=SubjectCases("child-2", frozenset()),
        )

    def test_concurrent_openings_for_one_child_store_one_case(
        self: _ContractHooks, store: CaseStore
    ) -> None:
        """Threads (on connections, and stores, of their own where the store allows) open a
        case for the same child at once, each having checked before any stored: one case is
        stored, every other opener gets CaseAlreadyOpen naming it (never the child), and no
        loser leaves an event, a data key or a case of its own behind."""
        _takes(store, "subject")
        threads = max(2, min(self.concurrent_threads, 4))
        barrier = threading.Barrier(threads)
        child = child_aged(10)
        assert child.person_id is not None
        clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        stores: list[CaseStore] = []
        for _ in range(threads):
            again = self.reopen_store(store)
            stores.append(again if again is not None else store)
        won: list[str] = []
        referred: list[CaseAlreadyOpen] = []
        errors: list[BaseException] = []
        # A store that keeps no data keys is run as a deployment runs it: every Casebook seals
        # with one key ring over a key store of its own (there, a loser may leave a key behind;
        # decision 31).
        sealing = (
            TEST_SEALING_KEY
            if isinstance(store, DataKeyStore)
            else KeyRing(InMemoryDataKeys(), TEST_SEALING_KEY)
        )

        def opener(own: CaseStore) -> None:
            book = Casebook(
                _RacingStore(own, barrier),
                clock=clock,
                sealing=sealing,
                subject_secret=_SECRET,
            )
            event = open_case(municipality_number="0301", subject=child, guardians=(mother(),))
            try:
                won.append(book.open_case(_CASEWORKER, event))
            except CaseAlreadyOpen as exc:
                referred.append(exc)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        workers = [threading.Thread(target=opener, args=(own,)) for own in stores]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            for own in stores:
                if own is not store:
                    own.close()
        assert errors == []
        assert len(won) == 1
        assert len(referred) == threads - 1
        (winner,) = won
        for exc in referred:
            assert exc.case_id == winner
            assert child.person_id.reveal() not in str(exc)
        assert _stored_cases(store) == [winner]
        if isinstance(store, DataKeyStore):
            assert store.data_key_cases() == [winner]


class _AtomicKeyTests:
    """append(…, data_key=…): a new case's key commits with its first events, or neither does."""

    def test_a_data_key_is_stored_with_the_events(self, store: CaseStore) -> None:
        """The key given to the first append is read back after it, with the events."""
        _takes(store, "data_key")
        keys = _keys(store)
        records = make_records("case-1", 2)
        audit = make_audit("case-1", action="open", stored=records)
        _append(store, "case-1", 0, records, audit=audit, data_key=_KEY)
        assert keys.get_data_key("case-1") == _KEY
        assert store.read("case-1") == records
        assert keys.data_key_cases() == ["case-1"]

    def test_a_failed_append_stores_no_data_key(self, store: CaseStore) -> None:
        """A conflict or a broken chain rolls the key back with the events."""
        _takes(store, "data_key")
        keys = _keys(store)
        store.append("case-1", 0, make_records("case-1", 1))
        with pytest.raises(ConcurrencyConflict):
            _append(store, "case-2", 1, make_records("case-2", 1), data_key=_KEY)
        broken = make_records("case-2", 2)
        broken[1] = make_records("case-2", 1, after_version=1, prev_hash="0" * 64)[0]
        with pytest.raises(ChainBroken):
            _append(store, "case-2", 0, broken, data_key=_KEY)
        assert keys.get_data_key("case-2") is None
        assert keys.data_key_cases() == []
        assert store.version("case-2") == 0

    def test_a_data_key_survives_reopening(self: _ContractHooks, store: CaseStore) -> None:
        """A key stored with the events is durable like them (a persistent store reopened)."""
        _takes(store, "data_key")
        _append(store, "case-1", 0, make_records("case-1", 1), data_key=_KEY)
        again = self.reopen_store(store)
        if again is None:
            pytest.skip("the store is not persistent")
        try:
            assert _keys(again).get_data_key("case-1") == _KEY
            assert again.version("case-1") == 1
        finally:
            again.close()

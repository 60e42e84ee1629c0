"""The contract's tests of history: versions, chains, read_all, find_cases, lifecycle."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from barnekoordinator.errors import (
    ChainBroken,
    ConcurrencyConflict,
    InvalidInput,
    StorageUnavailable,
)
from barnekoordinator.history.records import GENESIS, verify_audit, verify_events
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import (
    _all,
    _snapshot,
    agenda_payload,
    make_audit,
    make_records,
    reference_agenda,
)


class _BasicTests:
    """Basics: the protocol, an empty store, round trips and versions."""

    def test_is_a_case_store(self, store: CaseStore) -> None:
        """The store implements the runtime-checkable CaseStore protocol."""
        assert isinstance(store, CaseStore)

    def test_empty_store_answers_empty(self, store: CaseStore) -> None:
        """An empty store has version 0 and no records, cases, agenda rows or audit."""
        assert store.version("case-1") == 0
        assert store.read("case-1") == []
        assert store.read_all() == []
        assert store.find_cases("subject-key-1") == []
        assert store.agenda(until=date.max) == []
        assert store.read_audit("case-1") == []

    def test_round_trip_keeps_every_field(self, store: CaseStore) -> None:
        """Records read back equal to what was appended, times in UTC to the microsecond."""
        payloads = ['{"tekst":"Bekymring for trivsel – æøå ÆØÅ § 2-5 c","n":1}', "{}"]
        records = make_records(
            "case-1",
            payloads,
            subject_key="a" * 64,
            legal_basis=("pbrl-2-5-c", "hol-7-2-a"),
            at=datetime(2026, 3, 29, 3, 4, 5, 678901, tzinfo=UTC),
        )
        store.append("case-1", 0, records)
        stored = store.read("case-1")
        assert stored == records
        for got, want in zip(stored, records, strict=True):
            assert got.recorded_at == want.recorded_at
            assert got.recorded_at.utcoffset() == timedelta(0)
            assert got.legal_basis == want.legal_basis
            assert got.payload == want.payload
            assert got.position is not None
        verify_events("case-1", stored, expected_version=2)

    def test_records_without_subject_or_basis_round_trip(self, store: CaseStore) -> None:
        """A record with no subject key and no legal basis reads back the same."""
        records = make_records("case-1", 1, legal_basis=(), subject_key=None)
        store.append("case-1", 0, records)
        assert store.read("case-1") == records
        assert store.read("case-1")[0].subject_key is None

    def test_append_returns_the_new_version(self, store: CaseStore) -> None:
        """append returns the case's version after the records."""
        first = make_records("case-1", 3)
        assert store.append("case-1", 0, first) == 3
        more = make_records("case-1", 2, after_version=3, prev_hash=first[-1].hash)
        assert store.append("case-1", 3, more) == 5
        assert store.version("case-1") == 5
        assert store.version("case-2") == 0

    def test_read_after_version(self, store: CaseStore) -> None:
        """read(after_version=n) returns the records with sequence > n, in order."""
        records = make_records("case-1", 5)
        store.append("case-1", 0, records)
        assert store.read("case-1", after_version=3) == records[3:]
        assert store.read("case-1", after_version=5) == []

    def test_cases_are_independent(self, store: CaseStore) -> None:
        """Each case has its own versions and chain."""
        store.append("case-1", 0, make_records("case-1", 2))
        store.append("case-2", 0, make_records("case-2", 1))
        assert (store.version("case-1"), store.version("case-2")) == (2, 1)
        verify_events("case-2", store.read("case-2"), expected_version=1)


class _ChainTests:
    """Concurrency and chain: stale versions conflict, broken chains write nothing."""

    def test_stale_version_conflicts_and_writes_nothing(self, store: CaseStore) -> None:
        """A stale expected version raises ConcurrencyConflict; nothing is written."""
        first = make_records("case-1", [agenda_payload("upsert", due=date(2026, 2, 1))])
        store.append("case-1", 0, first)
        before = _snapshot(store, ["case-1"])
        stale = make_records("case-1", [agenda_payload("clear"), "{}"])
        with pytest.raises(ConcurrencyConflict) as info:
            store.append("case-1", 0, stale)
        assert (info.value.case_id, info.value.expected, info.value.actual) == ("case-1", 0, 1)
        assert _snapshot(store, ["case-1"]) == before

    def test_future_version_conflicts(self, store: CaseStore) -> None:
        """An expected version beyond the stored one raises ConcurrencyConflict."""
        with pytest.raises(ConcurrencyConflict) as info:
            store.append("case-1", 2, make_records("case-1", 1, after_version=2))
        assert (info.value.expected, info.value.actual) == (2, 0)
        assert store.version("case-1") == 0

    def test_empty_append_checks_the_version_only(self, store: CaseStore) -> None:
        """Appending no records returns the version, and a stale one still conflicts."""
        store.append("case-1", 0, make_records("case-1", 2))
        assert store.append("case-1", 2, []) == 2
        with pytest.raises(ConcurrencyConflict):
            store.append("case-1", 1, [])
        assert store.version("case-1") == 2

    def test_wrong_sequence_breaks_the_chain(self, store: CaseStore) -> None:
        """Sequences that do not continue the case raise ChainBroken; nothing is written."""
        records = make_records("case-1", 2, after_version=1)  # sequences 2, 3
        with pytest.raises(ChainBroken):
            store.append("case-1", 0, records)
        assert store.version("case-1") == 0

    def test_foreign_prev_hash_breaks_the_chain(self, store: CaseStore) -> None:
        """A first record not linked to the stored last hash raises ChainBroken."""
        store.append("case-1", 0, make_records("case-1", 1))
        records = make_records("case-1", 1, after_version=1, prev_hash="0" * 64)
        with pytest.raises(ChainBroken):
            store.append("case-1", 1, records)
        assert store.version("case-1") == 1

    def test_edited_record_breaks_the_chain(self, store: CaseStore) -> None:
        """A record whose hash does not match its content fails the whole batch (ChainBroken)."""
        records = make_records("case-1", 3)
        records[2] = attrs.evolve(records[2], payload='{"edited":true}')
        with pytest.raises(ChainBroken):
            store.append("case-1", 0, records)
        assert store.read("case-1") == []
        assert store.read_all() == []

    def test_broken_link_inside_batch_breaks_the_chain(self, store: CaseStore) -> None:
        """A batch whose records are not linked to each other raises ChainBroken."""
        first = make_records("case-1", 1)
        second = make_records("case-1", 1, after_version=1, prev_hash="1" * 64)
        with pytest.raises(ChainBroken):
            store.append("case-1", 0, first + second)
        assert store.version("case-1") == 0

    def test_record_of_another_case_breaks_the_chain(self, store: CaseStore) -> None:
        """A record of another case in the batch raises ChainBroken; nothing is written."""
        with pytest.raises(ChainBroken):
            store.append("case-1", 0, make_records("case-2", 1))
        assert store.version("case-1") == store.version("case-2") == 0

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("subject_key", ["x"]),
            ("type", ["x"]),
            ("actor", 7),
            ("payload", None),
            ("schema_version", "1"),
            ("prev_hash", None),
        ],
    )
    def test_a_record_made_by_hand_with_a_wrong_type_is_refused(
        self, store: CaseStore, field: str, value: object
    ) -> None:
        """A record whose field is not of its type (made by hand; the class converts only its
        time and legal basis) raises InvalidInput naming the field, sealed or not, and nothing
        is stored: not a raw TypeError, not a driver's error, not half a batch."""
        good = make_records("case-1", 1)[0]
        # Set past the class (frozen), as a hand-made or decoded object would hold it, and
        # sealed with it where the hash can be made, so that only the type is wrong.
        made = attrs.evolve(good, hash="")
        object.__setattr__(made, field, value)
        try:
            made = made.sealed(GENESIS)
        except (InvalidInput, TypeError):
            object.__setattr__(made, "hash", good.hash)  # a hash that cannot be made
        object.__setattr__(made, field, value)  # sealing sets the links: set it again
        before = _snapshot(store, ["case-1"])
        with pytest.raises(InvalidInput) as caught:
            store.append("case-1", 0, [made], audit=make_audit("case-1"))
        assert field in str(caught.value)
        assert _snapshot(store, ["case-1"]) == before
        assert store.read_audit("case-1") == []

    def test_an_audit_record_made_by_hand_with_a_wrong_type_is_refused(
        self, store: CaseStore
    ) -> None:
        """``allowed=""`` on the batch's audit record: InvalidInput naming it, nothing stored."""
        audit = make_audit("case-1")
        object.__setattr__(audit, "allowed", "")
        with pytest.raises(InvalidInput, match="allowed"):
            store.append("case-1", 0, make_records("case-1", 1), audit=audit)
        assert store.read("case-1") == []
        assert store.read_audit("case-1") == []

    def test_concurrent_threads_lose_nothing(self: _ContractHooks, store: CaseStore) -> None:
        """Racing threads: every success is stored once, every loss is a conflict."""
        cases = ["case-1", "case-2"]
        per_thread = 15
        results: list[tuple[int, int]] = []
        errors: list[BaseException] = []
        reported: list[tuple[int, int, int]] = []

        def writer() -> None:
            successes = conflicts = 0
            try:
                while successes < per_thread:
                    case = cases[(successes + conflicts) % 2]
                    version = store.version(case)
                    prev = (
                        store.read(case, after_version=version - 1)[-1].hash if version else GENESIS
                    )
                    try:
                        store.append(
                            case,
                            version,
                            make_records(case, 1, after_version=version, prev_hash=prev),
                        )
                        successes += 1
                    except ConcurrencyConflict as exc:
                        reported.append((version, exc.expected, exc.actual))
                        conflicts += 1
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            results.append((successes, conflicts))

        threads = [threading.Thread(target=writer) for _ in range(self.concurrent_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert all(seen == expected < actual for seen, expected, actual in reported)
        assert len(reported) == sum(c for _, c in results)
        total = sum(s for s, _ in results)
        assert total == per_thread * self.concurrent_threads
        assert sum(store.version(case) for case in cases) == total
        for case in cases:
            verify_events(case, store.read(case), expected_version=store.version(case))
        assert len(_all(store)) == total


class _ReadAllTests:
    """read_all: every record once, in commit order."""

    def test_read_all_pages_in_commit_order(self, store: CaseStore) -> None:
        """read_all returns every record once, in commit order, with increasing positions."""
        a = make_records("case-a", 2)
        b = make_records("case-b", 3)
        store.append("case-a", 0, a)
        store.append("case-b", 0, b)
        a2 = make_records("case-a", 1, after_version=2, prev_hash=a[-1].hash)
        store.append("case-a", 2, a2)
        everything = store.read_all()
        assert everything == a + b + a2
        positions = [r.position for r in everything]
        assert positions == sorted(set(positions))  # type: ignore[type-var]
        assert store.read_all(limit=2) == everything[:2]
        middle = everything[2].position
        assert middle is not None
        assert store.read_all(after_position=middle, limit=2) == everything[3:5]
        assert store.read_all(after_position=everything[-1].position or 0) == []
        assert _all(store, page=1) == everything

    def test_read_positions_match_read_all(self, store: CaseStore) -> None:
        """read() carries the same positions as read_all()."""
        store.append("case-a", 0, make_records("case-a", 2))
        store.append("case-b", 0, make_records("case-b", 2))
        by_key = {(r.case_id, r.sequence): r.position for r in store.read_all()}
        for record in store.read("case-b"):
            assert record.position == by_key[(record.case_id, record.sequence)]


class _FindCasesTests:
    """find_cases: the cases carrying a subject key."""

    def test_find_cases_by_subject_key(self, store: CaseStore) -> None:
        """find_cases returns the sorted ids of the cases carrying the keyed hash."""
        store.append("case-b", 0, make_records("case-b", 1, subject_key="subject-key-1"))
        store.append("case-a", 0, make_records("case-a", 1, subject_key="subject-key-1"))
        store.append("case-c", 0, make_records("case-c", 1, subject_key="subject-key-2"))
        store.append("case-d", 0, make_records("case-d", 1))
        prev = store.read("case-a")[-1].hash
        more = make_records(
            "case-a", 1, after_version=1, prev_hash=prev, subject_key="subject-key-1"
        )
        store.append("case-a", 1, more)
        assert store.find_cases("subject-key-1") == ["case-a", "case-b"]
        assert store.find_cases("subject-key-2") == ["case-c"]
        assert store.find_cases("subject-key-3") == []


class _LifecycleTests:
    """Lifecycle: a persistent store reopens; a closed store is unavailable."""

    def test_reopen_keeps_everything(self: _ContractHooks, store: CaseStore) -> None:
        """A persistent store opened again sees the same records, agenda and audit."""
        records = make_records("case-1", [agenda_payload("upsert", due=date(2026, 1, 9)), "{}"])
        store.append("case-1", 0, records)
        store.append_audit(make_audit("case-1"))
        again = self.reopen_store(store)
        if again is None:
            pytest.skip("the store is not persistent")
        try:
            assert again.read("case-1") == records
            assert again.read_all() == records
            assert again.agenda(until=date.max) == reference_agenda(records)
            verify_audit("case-1", again.read_audit("case-1"))
        finally:
            again.close()

    def test_closed_store_is_unavailable(self: _ContractHooks) -> None:
        """After close(), reads and writes raise StorageUnavailable."""
        store = self.make_store()
        first = make_records("case-1", 1)
        store.append("case-1", 0, first)
        self.dispose_store(store)
        with pytest.raises(StorageUnavailable):
            store.version("case-1")
        with pytest.raises(StorageUnavailable):
            store.read("case-1")
        more = make_records("case-1", 1, after_version=1, prev_hash=first[0].hash)
        with pytest.raises(StorageUnavailable):
            store.append("case-1", 1, more, audit=make_audit("case-1", action="write"))
        with pytest.raises(StorageUnavailable):
            store.append_audit(make_audit("case-1"))

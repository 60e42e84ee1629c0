"""The contract's tests of the audit trail, alone and stored with an append's events."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import date

import attrs
import pytest

from barnekoordinator.errors import ChainBroken, ConcurrencyConflict, InvalidInput
from barnekoordinator.history.records import GENESIS, verify_audit
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._records import (
    _all_audit,
    _snapshot,
    agenda_payload,
    make_audit,
    make_records,
)


class _AuditTests:
    """Audit: numbered and chained per case, resealed by the store."""

    def test_audit_is_numbered_and_chained_per_case(self, store: CaseStore) -> None:
        """append_audit numbers and chains records per case; the trail verifies."""
        first = store.append_audit(make_audit("case-1"))
        second = store.append_audit(make_audit("case-1", action="write", allowed=False))
        other = store.append_audit(make_audit("case-2"))
        assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
        assert first.prev_hash == GENESIS
        assert second.prev_hash == first.hash
        trail = store.read_audit("case-1")
        assert trail == [first, second]
        verify_audit("case-1", trail)
        assert trail[1].allowed is False

    def test_audit_reseals_what_the_caller_sent(self, store: CaseStore) -> None:
        """The store ignores a caller's sequence and hashes and seals the record itself."""
        forged = attrs.evolve(make_audit("case-1"), sequence=7, prev_hash="9" * 64, hash="x")
        sealed = store.append_audit(forged)
        assert (sealed.sequence, sealed.prev_hash) == (1, GENESIS)
        assert sealed.hash == sealed.expected_hash()

    def test_concurrent_audit_never_forks_the_chain(self, store: CaseStore) -> None:
        """Threads auditing the same case produce one unbroken chain."""

        def audit() -> None:
            for _ in range(10):
                store.append_audit(make_audit("case-1"))

        threads = [threading.Thread(target=audit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        trail = store.read_audit("case-1")
        assert len(trail) == 40
        verify_audit("case-1", trail)


class _AuditedAppendTests:
    """Events and their audit record together: stored exactly when the events are."""

    def test_audit_is_stored_with_the_events(self, store: CaseStore) -> None:
        """append(audit=…) stores the events and the sealed audit record, chained per case."""
        looked = store.append_audit(make_audit("case-1"))
        records = make_records("case-1", 2)
        forged = attrs.evolve(
            make_audit("case-1", action="write"), sequence=9, prev_hash="9" * 64, hash="x"
        )
        assert store.append("case-1", 0, records, audit=forged) == 2
        assert store.read("case-1") == records
        trail = store.read_audit("case-1")
        assert [(r.sequence, r.action) for r in trail] == [(1, "read"), (2, "write")]
        assert trail[1].prev_hash == looked.hash
        assert trail[1].hash == trail[1].expected_hash()
        verify_audit("case-1", trail)
        more = make_records("case-1", 1, after_version=2, prev_hash=records[-1].hash)
        store.append("case-1", 2, more, audit=make_audit("case-1", action="write"))
        store.append_audit(make_audit("case-1"))
        trail = store.read_audit("case-1")
        assert [r.sequence for r in trail] == [1, 2, 3, 4]
        verify_audit("case-1", trail)
        assert store.read_audit("case-2") == []

    def test_conflicting_append_stores_no_audit(self, store: CaseStore) -> None:
        """A stale or future version with an audit record stores neither events nor audit."""
        first = make_records("case-1", [agenda_payload("upsert", due=date(2026, 2, 1))])
        store.append("case-1", 0, first, audit=make_audit("case-1", action="write"))
        before = (_snapshot(store, ["case-1"]), store.read_audit("case-1"))
        stale = make_records("case-1", [agenda_payload("clear"), "{}"])
        with pytest.raises(ConcurrencyConflict):
            store.append("case-1", 0, stale, audit=make_audit("case-1", action="write"))
        ahead = make_records("case-1", 1, after_version=3, prev_hash="f" * 64)
        with pytest.raises(ConcurrencyConflict):
            store.append("case-1", 3, ahead, audit=make_audit("case-1", action="write"))
        with pytest.raises(ConcurrencyConflict):
            store.append("case-1", 0, [], audit=make_audit("case-1", action="write"))
        assert (_snapshot(store, ["case-1"]), store.read_audit("case-1")) == before
        assert len(before[1]) == 1

    def test_broken_chain_stores_no_audit(self, store: CaseStore) -> None:
        """The right version with records that do not continue the case stores no audit."""
        store.append("case-1", 0, make_records("case-1", 1))
        unlinked = make_records("case-1", 1, after_version=1, prev_hash="0" * 64)
        edited = make_records("case-1", 2, after_version=1, prev_hash=store.read("case-1")[0].hash)
        edited[1] = attrs.evolve(edited[1], payload='{"edited":true}')
        for records in (unlinked, edited, make_records("case-2", 1, after_version=1)):
            with pytest.raises(ChainBroken):
                store.append("case-1", 1, records, audit=make_audit("case-1", action="write"))
        assert store.version("case-1") == 1
        assert store.read_audit("case-1") == []
        assert store.read_audit("case-2") == []

    def test_empty_append_with_audit_stores_the_audit_only(self, store: CaseStore) -> None:
        """An empty append with the right version stores just its audit record."""
        store.append("case-1", 0, make_records("case-1", 2))
        assert store.append("case-1", 2, [], audit=make_audit("case-1", action="write")) == 2
        assert store.version("case-1") == 2
        assert [r.action for r in store.read_audit("case-1")] == ["write"]

    def test_audit_of_another_case_is_refused(self, store: CaseStore) -> None:
        """An audit record of another case raises InvalidInput; nothing is written."""
        with pytest.raises(InvalidInput):
            store.append("case-1", 0, make_records("case-1", 1), audit=make_audit("case-2"))
        assert store.version("case-1") == 0
        assert store.read_audit("case-1") == store.read_audit("case-2") == []

    def test_audited_appends_and_lone_audits_share_one_chain(self, store: CaseStore) -> None:
        """Threads appending with audit records and threads auditing reads never fork the trail."""
        per_writer, per_reader = 8, 10
        errors: list[BaseException] = []

        def writer(n: int) -> None:
            stored = 0
            try:
                while stored < per_writer:
                    version = store.version("case-1")
                    prev = (
                        store.read("case-1", after_version=version - 1)[-1].hash
                        if version
                        else GENESIS
                    )
                    records = make_records(
                        "case-1",
                        [json.dumps({"w": n, "i": stored}, separators=(",", ":"))],
                        after_version=version,
                        prev_hash=prev,
                    )
                    try:
                        store.append(
                            "case-1", version, records, audit=make_audit("case-1", action="write")
                        )
                    except ConcurrencyConflict:
                        continue
                    stored += 1
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        def reader() -> None:
            try:
                for _ in range(per_reader):
                    store.append_audit(make_audit("case-1"))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        trail = store.read_audit("case-1")
        verify_audit("case-1", trail)
        actions = [r.action for r in trail]
        assert actions.count("write") == store.version("case-1") == 3 * per_writer
        assert actions.count("read") == 2 * per_reader
        # One global order with the commit order of the case's trail, and every event named once.
        everything = _all_audit(store, page=7)
        assert [r.sequence for r in everything] == [r.sequence for r in trail]
        covered = sorted(
            n
            for r in trail
            if r.stored_range
            for n in range(r.stored_range[0], r.stored_range[1] + 1)
        )
        assert covered == list(range(1, store.version("case-1") + 1))


class _AuditOrderTests:
    """Audit records in one global order, and the range of events a write's record names."""

    def test_read_all_audit_lists_every_record_once_in_commit_order(self, store: CaseStore) -> None:
        """read_all_audit pages through all cases' audit records in commit order."""
        assert store.read_all_audit() == []
        first = store.append_audit(make_audit("case-b"))
        records = make_records("case-a", 2)
        store.append("case-a", 0, records, audit=make_audit("case-a", action="write"))
        third = store.append_audit(make_audit("case-b", allowed=False))
        store.append("case-c", 0, [], audit=make_audit("case-c", action="write"))
        everything = store.read_all_audit()
        assert [(r.case_id, r.sequence) for r in everything] == [
            ("case-b", 1),
            ("case-a", 1),
            ("case-b", 2),
            ("case-c", 1),
        ]
        positions = [r.position for r in everything]
        assert None not in positions
        assert all(a < b for a, b in itertools.pairwise(positions))  # type: ignore[operator]
        assert (first.position, third.position) == (positions[0], positions[2])
        assert everything[0] == first
        assert everything[2] == third
        assert store.read_all_audit(limit=2) == everything[:2]
        assert store.read_all_audit(after_position=positions[1] or 0, limit=1) == everything[2:3]
        assert store.read_all_audit(after_position=positions[-1] or 0) == []
        assert _all_audit(store, page=1) == everything
        by_key = {(r.case_id, r.sequence): r.position for r in everything}
        for case in ("case-a", "case-b", "case-c"):
            for record in store.read_audit(case):
                assert record.position == by_key[(record.case_id, record.sequence)]

    def test_an_appends_audit_record_names_the_events_it_stored(self, store: CaseStore) -> None:
        """The range is filled in when left out, kept when right, and hashed with the record."""
        first = make_records("case-1", 2)
        store.append("case-1", 0, first, audit=make_audit("case-1", action="write"))
        more = make_records("case-1", 3, after_version=2, prev_hash=first[-1].hash)
        store.append("case-1", 2, more, audit=make_audit("case-1", action="write", stored=more))
        store.append("case-1", 5, [], audit=make_audit("case-1", action="write"))
        store.append_audit(make_audit("case-1"))
        trail = store.read_audit("case-1")
        assert [r.stored_range for r in trail] == [(1, 2), (3, 5), None, None]
        verify_audit("case-1", trail)

    def test_an_audit_record_naming_other_events_is_refused(self, store: CaseStore) -> None:
        """A range that is not the batch's, or a range without events, stores nothing."""
        first = make_records("case-1", 2)
        store.append("case-1", 0, first, audit=make_audit("case-1", action="write"))
        before = (_snapshot(store, ["case-1"]), store.read_audit("case-1"))
        more = make_records("case-1", 2, after_version=2, prev_hash=first[-1].hash)
        wrong = [
            make_audit("case-1", action="write", stored=first),
            make_audit("case-1", action="write", stored=more[:1]),
            attrs.evolve(make_audit("case-1", action="write"), first_sequence=3),
        ]
        for audit in wrong:
            with pytest.raises(InvalidInput, match="sequences"):
                store.append("case-1", 2, more, audit=audit)
        with pytest.raises(InvalidInput, match="no range"):
            store.append("case-1", 2, [], audit=make_audit("case-1", stored=more))
        with pytest.raises(InvalidInput, match="append_audit stores no events"):
            store.append_audit(make_audit("case-1", stored=more))
        assert (_snapshot(store, ["case-1"]), store.read_audit("case-1")) == before
        assert store.read_all_audit() == before[1]

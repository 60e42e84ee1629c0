"""The Hypothesis state machine of several writers, and the contract test that runs it."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from barnekoordinator.errors import ChainBroken, ConcurrencyConflict
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.records import GENESIS, EventRecord, verify_audit, verify_events
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import (
    BASE_TIME,
    CONFORMANCE_CATALOGUE,
    _agenda_key,
    _all,
    _all_audit,
    agenda_payload,
    make_audit,
    make_records,
)

_DUES = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 31))
_OPS = st.one_of(
    st.builds(
        lambda kind, key, due, detail: agenda_payload(
            "upsert", kind=kind, key=key, due=due, detail=detail
        ),
        st.sampled_from(list(AgendaKind)),
        st.sampled_from(["k1", "k2"]),
        _DUES,
        st.sampled_from(["", "evaluering av tiltak", "søknad æøå"]),
    ),
    st.builds(
        lambda kind, key: agenda_payload("remove", kind=kind, key=key),
        st.sampled_from([AgendaKind.EVALUATION_DUE, AgendaKind.TURNS_18]),
        st.sampled_from(["k1", "k2"]),
    ),
    st.just(agenda_payload("clear")),
    st.integers(0, 99).map(lambda n: json.dumps({"note": n}, separators=(",", ":"))),
)


class CaseStoreStateMachine(RuleBasedStateMachine):
    """Several writers append to a few cases with possibly stale versions.

    Each writer remembers the version it last saw of each case and builds its records on that view;
    when another writer got there first, the store must raise
    [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] with the right versions and
    write nothing. A model of the true history checks every step. Subclass and implement
    `make_store()` (the contract does this for you), giving the store `catalogue`.
    """

    catalogue: ClassVar[Catalogue] = CONFORMANCE_CATALOGUE
    """The catalogue the store must project with (it knows `TEST_AGENDA_TYPE`)."""
    CASES: ClassVar[tuple[str, ...]] = ("case-a", "case-b", "case-c")
    WRITERS: ClassVar[int] = 3

    def __init__(self) -> None:
        super().__init__()
        self.store = self.make_store()
        self.history: dict[str, list[EventRecord]] = {case: [] for case in self.CASES}
        self.order: list[tuple[str, int]] = []
        self.views: dict[tuple[int, str], int] = {}
        self.agenda_rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        self.subjects: dict[str, set[str]] = {}
        self.audit_counts: dict[str, int] = dict.fromkeys(self.CASES, 0)
        self.audit_order: list[tuple[str, int, tuple[int, int] | None]] = []
        self.clock = BASE_TIME

    def make_store(self) -> CaseStore:
        """Return a new, empty store (the vendor's subclass overrides this)."""
        raise NotImplementedError("subclasses implement make_store()")

    def dispose_store(self, store: CaseStore) -> None:
        """Release the store (and its data, if it lives elsewhere)."""
        store.close()

    def teardown(self) -> None:
        """Dispose of the store."""
        self.dispose_store(self.store)

    def _build(
        self, case: str, version: int, payloads: Sequence[str], subject: str | None
    ) -> list[EventRecord]:
        history = self.history[case]
        prev = history[version - 1].hash if version else GENESIS
        self.clock += timedelta(seconds=1, microseconds=7)
        return make_records(
            case,
            payloads,
            after_version=version,
            prev_hash=prev,
            subject_key=subject,
            at=self.clock,
        )

    @rule(
        writer=st.integers(0, WRITERS - 1),
        case=st.sampled_from(CASES),
        payloads=st.lists(_OPS, min_size=1, max_size=3),
        subject=st.sampled_from([None, "subject-key-1", "subject-key-2"]),
        audited=st.booleans(),
    )
    def append(
        self, writer: int, case: str, payloads: list[str], subject: str | None, audited: bool
    ) -> None:
        """A writer appends on the version it last saw, with or without its audit record."""
        seen = self.views.get((writer, case), 0)
        actual = len(self.history[case])
        records = self._build(case, seen, payloads, subject)
        audit = make_audit(case, action="write", at=self.clock) if audited else None
        if seen == actual:
            assert self.store.append(case, seen, records, audit=audit) == actual + len(records)
            if audited:
                self.audit_counts[case] += 1
                stored = (records[0].sequence, records[-1].sequence)
                self.audit_order.append((case, self.audit_counts[case], stored))
            self.history[case].extend(records)
            self.order.extend((case, r.sequence) for r in records)
            apply_ops(self.agenda_rows, CONFORMANCE_CATALOGUE.project(records))
            if subject is not None:
                self.subjects.setdefault(subject, set()).add(case)
            self.views[(writer, case)] = actual + len(records)
        else:
            with pytest.raises(ConcurrencyConflict) as info:
                self.store.append(case, seen, records, audit=audit)
            assert (info.value.case_id, info.value.expected, info.value.actual) == (
                case,
                seen,
                actual,
            )

    @rule(writer=st.integers(0, WRITERS - 1), case=st.sampled_from(CASES))
    def refresh(self, writer: int, case: str) -> None:
        """A writer reloads the case's version."""
        self.views[(writer, case)] = self.store.version(case)

    @rule(case=st.sampled_from(CASES), ahead=st.integers(1, 3))
    def append_ahead(self, case: str, ahead: int) -> None:
        """An expected version beyond the stored one conflicts too."""
        actual = len(self.history[case])
        records = make_records(case, 1, after_version=actual + ahead, prev_hash="f" * 64)
        with pytest.raises(ConcurrencyConflict):
            self.store.append(case, actual + ahead, records)

    @precondition(lambda self: any(self.history.values()))
    @rule(case=st.sampled_from(CASES))
    def append_unlinked(self, case: str) -> None:
        """The right version with a foreign prev_hash breaks the chain and writes nothing."""
        actual = len(self.history[case])
        records = make_records(case, 2, after_version=actual, prev_hash="e" * 64)
        with pytest.raises(ChainBroken):
            self.store.append(case, actual, records, audit=make_audit(case, action="write"))

    @rule(case=st.sampled_from(CASES), allowed=st.booleans())
    def audit(self, case: str, allowed: bool) -> None:
        """An audited access is numbered after the case's last audit record."""
        sealed = self.store.append_audit(make_audit(case, allowed=allowed, at=self.clock))
        self.audit_counts[case] += 1
        assert sealed.sequence == self.audit_counts[case]
        self.audit_order.append((case, sealed.sequence, None))

    @rule(
        until=_DUES,
        kinds=st.none() | st.sets(st.sampled_from(list(AgendaKind)), min_size=1),
        case=st.none() | st.sampled_from(CASES),
        limit=st.none() | st.integers(1, 5),
    )
    def query_agenda(
        self, until: date, kinds: set[AgendaKind] | None, case: str | None, limit: int | None
    ) -> None:
        """Filtered agenda queries equal the filtered reference."""
        expected = sorted(
            (
                item
                for item in self.agenda_rows.values()
                if item.due <= until
                and (kinds is None or item.kind in kinds)
                and (case is None or item.case_id == case)
            ),
            key=_agenda_key,
        )
        if limit is not None:
            expected = expected[:limit]
        got = self.store.agenda(until=until, kinds=kinds, case_id=case, limit=limit)
        assert got == expected

    @invariant()
    def versions_are_exact(self) -> None:
        """Every case's version is the number of its committed records."""
        for case, history in self.history.items():
            assert self.store.version(case) == len(history)

    @invariant()
    def histories_match_and_verify(self) -> None:
        """Every case reads back exactly its committed records, and its chain verifies."""
        for case, history in self.history.items():
            stored = self.store.read(case)
            assert stored == history
            verify_events(case, stored, expected_version=len(history))

    @invariant()
    def read_all_is_complete_and_ordered(self) -> None:
        """read_all pages through every record once, in commit order, positions increasing."""
        records = _all(self.store, page=4)
        positions = [r.position for r in records]
        assert all(p is not None for p in positions)
        assert all(a < b for a, b in itertools.pairwise(positions))  # type: ignore[operator]
        assert [(r.case_id, r.sequence) for r in records] == self.order

    @invariant()
    def agenda_equals_reference(self) -> None:
        """The agenda projection equals apply_ops over the committed records."""
        expected = sorted(self.agenda_rows.values(), key=_agenda_key)
        assert self.store.agenda(until=date.max) == expected

    @invariant()
    def subjects_and_audit_match(self) -> None:
        """find_cases and the audit trails match the model."""
        for subject in ("subject-key-1", "subject-key-2"):
            assert self.store.find_cases(subject) == sorted(self.subjects.get(subject, ()))
        for case, count in self.audit_counts.items():
            trail = self.store.read_audit(case)
            assert len(trail) == count
            verify_audit(case, trail)

    @invariant()
    def read_all_audit_is_complete_and_ordered(self) -> None:
        """read_all_audit pages through every audit record once, in commit order, with ranges."""
        records = _all_audit(self.store, page=3)
        positions = [r.position for r in records]
        assert all(p is not None for p in positions)
        assert all(a < b for a, b in itertools.pairwise(positions))  # type: ignore[operator]
        assert [(r.case_id, r.sequence, r.stored_range) for r in records] == self.audit_order


class _StateMachineTests:
    """The state machine, run against the vendor's store."""

    def test_state_machine(self: _ContractHooks) -> None:
        """Random interleavings of stale and fresh appends keep every invariant."""
        contract = self

        class Machine(CaseStoreStateMachine):
            def make_store(self) -> CaseStore:
                return contract.make_store()

            def dispose_store(self, store: CaseStore) -> None:
                contract.dispose_store(store)

        # A typed alias: older hypothesis releases leave this function unannotated.
        run: Callable[..., None] = run_state_machine_as_test
        run(
            Machine,
            settings=settings(
                max_examples=self.state_machine_examples,
                stateful_step_count=self.state_machine_steps,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                database=None,
            ),
        )

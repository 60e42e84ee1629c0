"""Conformance suites: prove a store honours the :class:`CaseStore` contract.

A vendor subclasses one class and says how to make a store::

    from barnekoordinator.testing.conformance import CaseStoreContract

    class TestAcmeStore(CaseStoreContract):
        def make_store(self):
            return AcmeStore(self.tmp_path / "acme.db", catalogue=self.catalogue)

Every test of :class:`CaseStoreContract` then runs against it, including a
Hypothesis state machine (:class:`CaseStoreStateMachine`) of interleaved
appends by several writers holding stale versions. It checks that no event is
ever duplicated or lost, that versions are exact, that hash chains verify, that
``read_all`` positions strictly increase with nothing missing, that the agenda
equals :func:`~barnekoordinator.history.projections.apply_ops` over the same events,
and that an append's audit record (``append(…, audit=…)``) is stored exactly
when its events are.

The suite exercises the agenda tables through a projector of the test-only
event type :data:`TEST_AGENDA_TYPE`, whose payload says which operation to
project (see :func:`agenda_payload`). That projector is in
:data:`CONFORMANCE_CATALOGUE` (the library's catalogue and one test concept):
``make_store`` must give the store this catalogue, which the contract offers as
``self.catalogue``. Build test records with :func:`make_records` and
:func:`make_audit`.

This module needs the ``testing`` extra (pytest, Hypothesis).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Final

import attrs
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

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import (
    ChainBroken,
    ConcurrencyConflict,
    InvalidInput,
    StorageUnavailable,
)
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
    apply_ops,
)
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
    verify_audit,
    verify_events,
)
from barnekoordinator.history.store import CaseStore

__all__ = [
    "BASE_TIME",
    "CONFORMANCE_CATALOGUE",
    "TEST_AGENDA_TYPE",
    "TEST_NOTE_TYPE",
    "CaseStoreContract",
    "CaseStoreStateMachine",
    "agenda_payload",
    "make_audit",
    "make_records",
    "reference_agenda",
]

TEST_AGENDA_TYPE = "test.due"
"""Event type whose payload names one agenda operation (see :func:`agenda_payload`)."""

TEST_NOTE_TYPE = "test.note"
"""Event type with no projector: an event that does not touch the agenda."""

BASE_TIME = datetime(2026, 1, 5, 9, 30, 0, 123456, tzinfo=UTC)
"""The time of the first record :func:`make_records` builds (microseconds on purpose)."""


def agenda_payload(
    op: str,
    *,
    kind: AgendaKind = AgendaKind.EVALUATION_DUE,
    key: str = "k1",
    due: date | None = None,
    detail: str = "",
) -> str:
    """Canonical JSON payload of a :data:`TEST_AGENDA_TYPE` event.

    ``op`` is ``"upsert"`` (needs ``due``), ``"remove"`` or ``"clear"``.
    """
    body: dict[str, str] = {"op": op, "kind": kind.value, "key": key, "detail": detail}
    if due is not None:
        body["due"] = due.isoformat()
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _project_test_agenda(record: EventRecord) -> Sequence[ProjectionOp]:
    body = json.loads(record.payload)
    kind = AgendaKind(body["kind"])
    if body["op"] == "upsert":
        item = AgendaItem(
            case_id=record.case_id,
            kind=kind,
            key=body["key"],
            due=date.fromisoformat(body["due"]),
            detail=body["detail"],
        )
        return [Upsert(item)]
    if body["op"] == "remove":
        return [Remove(record.case_id, kind, body["key"])]
    return [ClearCase(record.case_id)]


CONFORMANCE_CATALOGUE: Final[Catalogue] = CATALOGUE.extended(
    Concept(name="conformance", projectors={TEST_AGENDA_TYPE: (_project_test_agenda,)})
)
"""The library's catalogue plus the projector of :data:`TEST_AGENDA_TYPE`."""


def make_records(
    case_id: str,
    payloads: Sequence[str] | int = 1,
    *,
    after_version: int = 0,
    prev_hash: str = GENESIS,
    type: str | None = None,
    subject_key: str | None = None,
    actor: str = "actor-test-1",
    legal_basis: Sequence[str] = ("pbrl-2-5-c",),
    at: datetime | None = None,
) -> list[EventRecord]:
    """A sealed chain of records continuing a case at ``after_version``/``prev_hash``.

    ``payloads`` is a list of payload texts (type :data:`TEST_AGENDA_TYPE` for
    :func:`agenda_payload` output, a JSON object with an ``"op"`` key, else
    :data:`TEST_NOTE_TYPE`) or a count of note events.
    """
    texts = (
        [json.dumps({"n": i}, separators=(",", ":")) for i in range(payloads)]
        if isinstance(payloads, int)
        else list(payloads)
    )
    start = at or BASE_TIME + timedelta(seconds=after_version)
    records: list[EventRecord] = []
    prev = prev_hash
    for offset, payload in enumerate(texts, start=1):
        record_type = type or _type_of(payload)
        record = EventRecord(
            case_id=case_id,
            sequence=after_version + offset,
            type=record_type,
            schema_version=1,
            recorded_at=start + timedelta(seconds=offset - 1),
            actor=actor,
            payload=payload,
            legal_basis=tuple(legal_basis),
            subject_key=subject_key,
        ).sealed(prev)
        records.append(record)
        prev = record.hash
    return records


def _type_of(payload: str) -> str:
    body = json.loads(payload)
    return TEST_AGENDA_TYPE if isinstance(body, dict) and "op" in body else TEST_NOTE_TYPE


def make_audit(
    case_id: str,
    *,
    action: str = "read",
    allowed: bool = True,
    at: datetime = BASE_TIME,
    actor: str = "actor-test-1",
) -> AuditRecord:
    """An unsealed audit record (the store numbers and chains it)."""
    return AuditRecord(
        case_id=case_id,
        sequence=0,
        at=at,
        actor=actor,
        actor_label="Helsesykepleier, Eksempel kommune",
        action=action,
        target="case",
        allowed=allowed,
        reason="test",
        basis=("pbrl-2-5-c",),
    )


def reference_agenda(records: Sequence[EventRecord]) -> list[AgendaItem]:
    """The agenda :func:`apply_ops` derives from ``records``, in agenda order."""
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CONFORMANCE_CATALOGUE.project(records))
    return sorted(rows.values(), key=_agenda_key)


def _agenda_key(item: AgendaItem) -> tuple[date, str, str, str]:
    return (item.due, item.case_id, item.kind.value, item.key)


def _all(store: CaseStore, page: int = 1000) -> list[EventRecord]:
    out: list[EventRecord] = []
    after = 0
    while True:
        batch = store.read_all(after_position=after, limit=page)
        if not batch:
            return out
        out.extend(batch)
        last = batch[-1].position
        assert last is not None, "read_all must set positions"
        after = last


def _snapshot(store: CaseStore, case_ids: Sequence[str]) -> Any:
    return (
        [store.read(case_id) for case_id in case_ids],
        [r.position for r in _all(store)],
        store.agenda(until=date.max),
    )


# ---------------------------------------------------------------------------
# The state machine
# ---------------------------------------------------------------------------

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

    Each writer remembers the version it last saw of each case and builds its
    records on that view; when another writer got there first, the store must
    raise :class:`ConcurrencyConflict` with the right versions and write nothing.
    A model of the true history checks every step. Subclass and implement
    :meth:`make_store` (the contract does this for you), giving the store
    :attr:`catalogue`.
    """

    catalogue: ClassVar[Catalogue] = CONFORMANCE_CATALOGUE
    """The catalogue the store must project with (it knows :data:`TEST_AGENDA_TYPE`)."""
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


# ---------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------


class CaseStoreContract:
    """Abstract pytest class: subclass it (name the subclass ``Test…``) and implement
    :meth:`make_store`.

    ``self.tmp_path`` is a fresh directory for each test. Override
    :meth:`reopen_store` for a persistent store (the data must survive), and
    :meth:`dispose_store` when closing is not enough to clean up. Tune the
    state machine with :attr:`state_machine_examples` / :attr:`state_machine_steps`.

    The store must project its agenda with :attr:`catalogue` (pass it to the
    store's constructor, or to ``plugins.case_store(..., catalogue=...)``).
    """

    catalogue: ClassVar[Catalogue] = CONFORMANCE_CATALOGUE
    """The catalogue the store must project with (it knows :data:`TEST_AGENDA_TYPE`)."""

    state_machine_examples: ClassVar[int] = 30
    state_machine_steps: ClassVar[int] = 30
    concurrent_threads: ClassVar[int] = 6
    tmp_path: Any

    def make_store(self) -> CaseStore:
        """Return a new, empty store (called several times per test by the state machine)."""
        raise NotImplementedError("subclasses implement make_store()")

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        """Return a second store on the same data, or ``None`` for a non-persistent store."""
        return None

    def dispose_store(self, store: CaseStore) -> None:
        """Close the store and remove what it created."""
        store.close()

    @pytest.fixture(autouse=True)
    def _contract_tmp_path(self, tmp_path: Any) -> None:
        self.tmp_path = tmp_path

    @pytest.fixture
    def store(self) -> Iterator[CaseStore]:
        """A new, empty store, disposed of after the test."""
        store = self.make_store()
        try:
            yield store
        finally:
            self.dispose_store(store)

    # -- basics ---------------------------------------------------------------

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

    # -- concurrency and chain ------------------------------------------------

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

    def test_concurrent_threads_lose_nothing(self, store: CaseStore) -> None:
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

    # -- read_all -------------------------------------------------------------

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

    # -- find_cases -----------------------------------------------------------

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

    # -- agenda ---------------------------------------------------------------

    def _agenda_fixture(self, store: CaseStore) -> list[EventRecord]:
        jan, feb, mar = date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)
        a = make_records(
            "case-a",
            [
                agenda_payload("upsert", key="t1", due=feb, detail="evaluering"),
                agenda_payload("upsert", key="t2", due=jan),
                agenda_payload("upsert", kind=AgendaKind.TURNS_18, key="child", due=mar),
                agenda_payload("upsert", key="t1", due=jan, detail="flyttet"),
            ],
        )
        b = make_records(
            "case-b",
            [
                agenda_payload("upsert", kind=AgendaKind.HANDOVER_PENDING, key="h1", due=jan),
                agenda_payload("upsert", key="t1", due=jan),
            ],
        )
        store.append("case-a", 0, a)
        store.append("case-b", 0, b)
        return a + b

    def test_agenda_is_ordered_by_due_case_kind_key(self, store: CaseStore) -> None:
        """The agenda lists rows by (due, case id, kind, key); an upsert replaces its row."""
        records = self._agenda_fixture(store)
        got = store.agenda(until=date.max)
        assert got == reference_agenda(records)
        assert [(i.due.month, i.case_id, i.kind.value, i.key) for i in got] == [
            (1, "case-a", "evaluation-due", "t1"),
            (1, "case-a", "evaluation-due", "t2"),
            (1, "case-b", "evaluation-due", "t1"),
            (1, "case-b", "handover-pending", "h1"),
            (3, "case-a", "turns-18", "child"),
        ]
        assert got[0].detail == "flyttet"

    def test_agenda_filters(self, store: CaseStore) -> None:
        """until, kinds, case_id and limit narrow the agenda."""
        self._agenda_fixture(store)
        assert len(store.agenda(until=date(2026, 1, 14))) == 0
        assert len(store.agenda(until=date(2026, 1, 15))) == 4
        only = store.agenda(until=date.max, kinds={AgendaKind.TURNS_18})
        assert [i.key for i in only] == ["child"]
        assert store.agenda(until=date.max, kinds=()) == []
        assert [i.key for i in store.agenda(until=date.max, case_id="case-b")] == ["t1", "h1"]
        assert len(store.agenda(until=date.max, limit=2)) == 2
        both = {AgendaKind.TURNS_18, AgendaKind.HANDOVER_PENDING}
        assert len(store.agenda(until=date.max, kinds=both, case_id="case-a")) == 1

    def test_agenda_remove_and_clear(self, store: CaseStore) -> None:
        """Remove deletes one row and ClearCase every row of the case, in the same append."""
        records = self._agenda_fixture(store)
        last = store.read("case-a")[-1]
        more = make_records(
            "case-a",
            [agenda_payload("remove", key="t2"), agenda_payload("remove", key="absent")],
            after_version=last.sequence,
            prev_hash=last.hash,
        )
        store.append("case-a", last.sequence, more)
        assert [i.key for i in store.agenda(until=date.max, case_id="case-a")] == ["t1", "child"]
        last = more[-1]
        clear = make_records(
            "case-a", [agenda_payload("clear")], after_version=last.sequence, prev_hash=last.hash
        )
        store.append("case-a", last.sequence, clear)
        assert store.agenda(until=date.max, case_id="case-a") == []
        assert store.agenda(until=date.max) == reference_agenda(records + more + clear)

    # -- audit ----------------------------------------------------------------

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

    # -- events and their audit record together ------------------------------

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

    # -- lifecycle ------------------------------------------------------------

    def test_reopen_keeps_everything(self, store: CaseStore) -> None:
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

    def test_closed_store_is_unavailable(self) -> None:
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

    # -- the state machine ----------------------------------------------------

    def test_state_machine(self) -> None:
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

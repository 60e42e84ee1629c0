"""The contract's tests of the agenda projection."""

from __future__ import annotations

from datetime import date

from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._records import (
    agenda_payload,
    make_records,
    reference_agenda,
)


class _AgendaTests:
    """Agenda: order, filters, remove and clear."""

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

    def test_agenda_ops_apply_in_order_within_one_append(self, store: CaseStore) -> None:
        """Upserts, removes and a clear in one append apply in their order (a store may
        batch runs of upserts, never reorder them across a remove or a clear)."""
        jan, feb = date(2026, 1, 15), date(2026, 2, 15)
        records = make_records(
            "case-o",
            [
                agenda_payload("upsert", key="t1", due=jan),
                agenda_payload("upsert", key="t2", due=jan),
                agenda_payload("upsert", key="t1", due=feb, detail="flyttet"),
                agenda_payload("remove", key="t2"),
                agenda_payload("upsert", key="t2", due=feb, detail="igjen"),
                agenda_payload("clear"),
                agenda_payload("upsert", key="t3", due=jan),
                agenda_payload("upsert", key="t3", due=feb, detail="sist"),
                agenda_payload("remove", key="t1"),
            ],
        )
        store.append("case-o", 0, records)
        got = store.agenda(until=date.max, case_id="case-o")
        assert got == reference_agenda(records)
        assert [(i.key, i.due, i.detail) for i in got] == [("t3", feb, "sist")]

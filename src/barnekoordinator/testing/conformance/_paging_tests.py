"""The contract's tests of the agenda's keyset pages (``agenda(…, after=cursor)``, decision 30)."""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Collection
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.paging import AgendaCursor, pages_itself
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import (
    agenda_payload,
    make_records,
    reference_agenda,
)

_DAY = date(2026, 1, 15)
_SYNTHETIC_FNR = "41057100261"
"""A synthetic national id (Tenor, day + 40) a careless caller might pass as a cursor."""

# Few cases, kinds, keys and dates, so that rows tie on (due, case_id) across kinds and keys.
_ROW = st.tuples(
    st.sampled_from(AgendaKind),
    st.sampled_from(["", "a", "a:1", "b", "plan:p0", "ø"]),
    st.integers(0, 3).map(lambda n: _DAY + timedelta(days=7 * n)),
)
_POPULATION = st.dictionaries(
    st.sampled_from(["case-a", "case-b", "case-c", "case-å"]),
    st.lists(_ROW, min_size=1, max_size=8),
    min_size=1,
)
_KINDS = st.none() | st.frozensets(st.sampled_from(AgendaKind))


def _walk(
    store: CaseStore,
    size: int,
    *,
    until: date,
    kinds: Collection[AgendaKind] | None,
    case_id: str | None,
) -> list[AgendaItem]:
    """Every page of ``size`` rows from the start, concatenated."""
    rows: list[AgendaItem] = []
    after: AgendaCursor | None = None
    while True:
        page = store.agenda(until=until, kinds=kinds, case_id=case_id, limit=size, after=after)
        assert len(page) <= size, "a page longer than its limit"
        rows += page
        if len(page) < size:
            return rows
        after = AgendaCursor.of(page[-1])


def _expected(
    rows: list[AgendaItem],
    until: date,
    kinds: Collection[AgendaKind] | None,
    case_id: str | None,
    after: AgendaCursor | None = None,
) -> list[AgendaItem]:
    return [
        r
        for r in rows
        if r.due <= until
        and (kinds is None or r.kind in kinds)
        and (case_id is None or r.case_id == case_id)
        and (after is None or after.precedes(r))
    ]


def _text(values: object) -> str:
    """A cursor text in the documented form (``ac1.`` and base64url JSON) holding ``values``."""
    raw = json.dumps(values).encode()
    return "ac1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _fill(
    store: CaseStore, population: dict[str, list[tuple[AgendaKind, str, date]]]
) -> list[EventRecord]:
    records: list[EventRecord] = []
    for case_id, rows in population.items():
        payloads = [agenda_payload("upsert", kind=k, key=key, due=due) for k, key, due in rows]
        chain = make_records(case_id, payloads)
        store.append(case_id, 0, chain)
        records += chain
    return records


def _pages_itself(store: CaseStore) -> None:
    if not pages_itself(store):
        pytest.skip(
            f"{type(store).__name__}.agenda takes no 'after': it predates keyset pages "
            "(decision 30); the Casebook pages it by reading every row up to 'until'"
        )


class _AgendaPagingTests:
    """Agenda pages: concatenated they are the agenda; after any cursor exactly the rows after it;
    a bad cursor is refused with a typed error that repeats nothing."""

    def test_agenda_pages_add_up_to_the_agenda(self: _ContractHooks) -> None:
        """For random populations, filters and page sizes, the pages walked with
        ``AgendaCursor.of(last row)`` are the unpaged agenda, and a page after any cursor (at a
        row or between rows) is the rows after it."""
        probe = self.make_store()
        try:
            _pages_itself(probe)
        finally:
            self.dispose_store(probe)

        @settings(
            max_examples=self.paging_examples,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(population=_POPULATION, data=st.data())
        def pages(
            population: dict[str, list[tuple[AgendaKind, str, date]]], data: st.DataObject
        ) -> None:
            store = self.make_store()
            try:
                everything = reference_agenda(_fill(store, population))
                for _ in range(3):
                    until = data.draw(st.sampled_from([_DAY - timedelta(days=1), _DAY, date.max]))
                    until = data.draw(st.just(until) | st.just(_DAY + timedelta(days=14)))
                    kinds = data.draw(_KINDS)
                    case_id = data.draw(st.none() | st.sampled_from(sorted(population)))
                    size = data.draw(st.integers(1, 6))
                    want = _expected(everything, until, kinds, case_id)
                    assert _walk(store, size, until=until, kinds=kinds, case_id=case_id) == want
                    row = data.draw(st.sampled_from(everything))
                    cursor = AgendaCursor(
                        data.draw(st.sampled_from([row.due, row.due + timedelta(days=1)])),
                        data.draw(st.sampled_from([row.case_id, row.case_id + "-"])),
                        data.draw(st.sampled_from(AgendaKind)),
                        data.draw(st.sampled_from([row.key, "", row.key + "~"])),
                    )
                    limit = data.draw(st.none() | st.integers(1, 4))
                    after = _expected(everything, until, kinds, case_id, cursor)
                    got = store.agenda(
                        until=until, kinds=kinds, case_id=case_id, limit=limit, after=cursor
                    )
                    assert got == (after if limit is None else after[:limit])
            finally:
                self.dispose_store(store)

        pages()

    def test_agenda_after_every_cursor_of_a_small_agenda(self, store: CaseStore) -> None:
        """Exhaustively: rows tied on (due, case) across kinds and keys, every cursor at or next
        to a row with every kind, every kind filter, with and without a case and a limit."""
        _pages_itself(store)
        jan = _DAY
        kinds_used = [AgendaKind.EVALUATION_DUE, AgendaKind.HANDOVER_PENDING, AgendaKind.TURNS_18]
        a = make_records(
            "case-a",
            [
                agenda_payload("upsert", kind=k, key=key, due=jan)
                for k in kinds_used
                for key in "xy"
            ],
        )
        b = make_records(
            "case-b",
            [agenda_payload("upsert", kind=k, key="x", due=jan) for k in kinds_used[:2]],
        )
        store.append("case-a", 0, a)
        store.append("case-b", 0, b)
        everything = reference_agenda(a + b)
        cursors = {
            AgendaCursor(row.due, case_id, kind, key)
            for row in everything
            for case_id in (row.case_id, "case-a-")
            for kind in AgendaKind
            for key in (row.key, "", "z")
        }
        filters: list[frozenset[AgendaKind] | None] = [None]
        for n in range(1, len(kinds_used) + 1):
            filters += [frozenset(c) for c in itertools.combinations(kinds_used, n)]
        for cursor, kinds, case_id, limit in itertools.product(
            sorted(cursors, key=AgendaCursor.sort_key), filters, (None, "case-a"), (None, 2)
        ):
            want = _expected(everything, date.max, kinds, case_id, cursor)
            got = store.agenda(
                until=date.max, kinds=kinds, case_id=case_id, limit=limit, after=cursor
            )
            assert got == (want if limit is None else want[:limit]), (cursor, kinds, case_id)

    def test_agenda_refuses_a_bad_cursor(self, store: CaseStore) -> None:
        """``after`` that is not an AgendaCursor raises InvalidInput naming ``after``; a cursor
        text that is not one is refused without repeating it."""
        _pages_itself(store)
        store.append("case-a", 0, make_records("case-a", [agenda_payload("upsert", due=_DAY)]))
        for bad in ("ac1.eyJ9", _SYNTHETIC_FNR, 17, ("2026-01-15", "case-a", "x", "k1")):
            with pytest.raises(InvalidInput, match=r"^after: ") as caught:
                store.agenda(until=date.max, after=bad)  # type: ignore[arg-type]
            assert _SYNTHETIC_FNR not in str(caught.value)
        for text in (
            _SYNTHETIC_FNR,
            "ac1." + _SYNTHETIC_FNR,
            _text(["2026-01-15", "case-a", "no-kind", "k1"]),
            _text([_SYNTHETIC_FNR, "case-a", "turns-18", "k1"]),
            _text(["2026-01-15", "case-a", "turns-18"]),
            _text({"due": "2026-01-15"}),
            _text(["2026-01-15", "case-a", "turns-18", 1]),
            "ac1." + base64.urlsafe_b64encode(b"\xff\xfe[").decode(),
            "ac1.####",
            "",
        ):
            with pytest.raises(InvalidInput, match=r"^--after: not an agenda cursor") as caught:
                AgendaCursor.parse(text, where="--after")
            assert _SYNTHETIC_FNR not in str(caught.value)
        with pytest.raises(InvalidInput, match=r"^after\.due: "):
            AgendaCursor(_SYNTHETIC_FNR, "case-a", AgendaKind.TURNS_18, "k1")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput, match=r"^after\.kind: "):
            AgendaCursor(_DAY, "case-a", "turns-18", "k1")  # type: ignore[arg-type]
        # A cursor read back from its text is the same cursor and pages the same.
        row = store.agenda(until=date.max)[0]
        cursor = AgendaCursor.parse(AgendaCursor.of(row).token())
        assert cursor == AgendaCursor.of(row)
        assert store.agenda(until=date.max, after=cursor) == []

    def test_agenda_refuses_kinds_and_limits_it_cannot_use(self, store: CaseStore) -> None:
        """``kinds`` that are not AgendaKind members (a text such as ``"turns-18"`` included) and
        a ``limit`` beyond 64 bits raise InvalidInput naming the argument (see
        [`agenda_filters()`][barnekoordinator.history.storekit.agenda_filters]); nothing is
        written."""
        store.append("case-a", 0, make_records("case-a", [agenda_payload("upsert", due=_DAY)]))
        rows = store.agenda(until=date.max)
        for kinds in (["turns-18"], "evaluation-due", [None], 5):
            for case_id in (None, "case-a"):
                with pytest.raises(InvalidInput, match=r"^kinds: "):
                    store.agenda(until=date.max, kinds=kinds, case_id=case_id)  # type: ignore[arg-type]
        for limit in (2**63, 2**70, -(2**70), 1.5, "1"):
            with pytest.raises(InvalidInput, match=r"^limit: "):
                store.agenda(until=date.max, limit=limit)  # type: ignore[arg-type]
        assert store.agenda(until=date.max, limit=2**63 - 1) == rows
        assert store.version("case-a") == 1

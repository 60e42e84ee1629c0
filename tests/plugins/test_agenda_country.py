"""The agenda for the whole country (decision 20), the synthetic population and the bulk load.

* The agenda's new query shapes (one walk of ``(kind, due, …)`` per kind, merged) give exactly the
  rows a brute-force filter of the table gives, in agenda order, for any ``until``, kinds, case
  and limit (Hypothesis, SQLite and PostgreSQL against the reference in
  ``storekit.agenda_sort_key``).
* A version 3 store (no kind index) answers the same read-only and is upgraded to version 4.
* The population is deterministic by seed; its bulk load passes ``verify`` and is all or nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator._cli.verify import verify_store
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import ChainBroken, ConcurrencyConflict, InvalidInput
from barnekoordinator.history.paging import AgendaCursor
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import NewCase, agenda_sort_key
from barnekoordinator.testing.builders import DEFAULT_AS_OF
from barnekoordinator.testing.population import population, synthetic_case
from barnekoordinator_plugins.sqlite import SCHEMA_VERSION, SQLiteCaseStore

CASES = 60
_POPULATION = list(population(11, CASES))


def _rows(cases: list[NewCase]) -> list[AgendaItem]:
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    for case in cases:
        apply_ops(rows, CATALOGUE.project(case.records))
    return sorted(rows.values(), key=agenda_sort_key)


ALL_ROWS = _rows(_POPULATION)


def brute_force(
    until: date, kinds: frozenset[AgendaKind] | None, case_id: str | None, limit: int | None
) -> list[AgendaItem]:
    """The agenda's meaning: filter every row, keep agenda order, cut at the limit."""
    rows = [
        r
        for r in ALL_ROWS
        if r.due <= until
        and (kinds is None or r.kind in kinds)
        and (case_id is None or r.case_id == case_id)
    ]
    if limit is not None and limit < 1:
        return []
    return rows if limit is None else rows[:limit]


Query = tuple[date, frozenset[AgendaKind] | None, str | None, int | None]
queries = st.tuples(
    st.dates(DEFAULT_AS_OF - timedelta(days=60), DEFAULT_AS_OF + timedelta(days=19 * 365)),
    st.none() | st.frozensets(st.sampled_from(AgendaKind)),
    st.none() | st.sampled_from([c.case_id for c in _POPULATION[:10]] + ["case-absent"]),
    st.none() | st.integers(0, 40),
)


def cursors() -> st.SearchStrategy[AgendaCursor]:
    """Cursors at rows of the population and between them (any due, case, kind and key)."""
    near = st.sampled_from(ALL_ROWS).flatmap(
        lambda row: st.builds(
            AgendaCursor,
            st.sampled_from([row.due, row.due - timedelta(days=1), row.due + timedelta(days=1)]),
            st.sampled_from([row.case_id, row.case_id + "0", row.case_id[:-1], ""]),
            st.sampled_from(AgendaKind),
            st.sampled_from([row.key, "", row.key + "~", row.key[:-1]]),
        )
    )
    return st.sampled_from(ALL_ROWS).map(AgendaCursor.of) | near


def _check_pages(store: CaseStore) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(queries, st.integers(1, 25), cursors())
    def pages_add_up(query: Query, size: int, cursor: AgendaCursor) -> None:
        until, kinds, case_id, limit = query
        # After any cursor: the rows of the unpaged answer that sort after it.
        want = [r for r in brute_force(until, kinds, case_id, None) if cursor.precedes(r)]
        got = store.agenda(until=until, kinds=kinds, case_id=case_id, limit=limit, after=cursor)
        assert got == (want if limit is None else want[:limit])
        # Walking pages of ``size`` rows from the start gives the unpaged answer.
        pages: list[AgendaItem] = []
        after: AgendaCursor | None = None
        while True:
            page = store.agenda(until=until, kinds=kinds, case_id=case_id, limit=size, after=after)
            assert len(page) <= size
            pages += page
            if len(page) < size:
                break
            after = AgendaCursor.of(page[-1])
        assert pages == brute_force(until, kinds, case_id, None)

    pages_add_up()


def _check_queries(store: CaseStore) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(queries)
    def same_answer(
        query: tuple[date, frozenset[AgendaKind] | None, str | None, int | None],
    ) -> None:
        until, kinds, case_id, limit = query
        assert store.agenda(until=until, kinds=kinds, case_id=case_id, limit=limit) == brute_force(
            until, kinds, case_id, limit
        )

    same_answer()
    _check_pages(store)


def test_the_population_has_every_kind_of_row_the_queries_filter() -> None:
    """Not a vacuous test: the small population holds the kinds and dates the queries pick."""
    kinds = {r.kind for r in ALL_ROWS}
    assert {AgendaKind.TURNS_18, AgendaKind.EVALUATION_DUE, AgendaKind.REVISION_DUE} <= kinds
    assert min(r.due for r in ALL_ROWS) < DEFAULT_AS_OF < max(r.due for r in ALL_ROWS)


@pytest.fixture(scope="module")
def sqlite_country(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteCaseStore]:
    path = tmp_path_factory.mktemp("country") / "country.db"
    with SQLiteCaseStore(path) as store:
        store.load(_POPULATION[:30])
        store.load(_POPULATION[30:])
        yield store


def test_sqlite_agenda_answers_as_the_brute_force_filter(sqlite_country: SQLiteCaseStore) -> None:
    """Every query shape on SQLite gives the reference answer."""
    _check_queries(sqlite_country)


@pytest.mark.postgres
def test_postgres_agenda_answers_as_the_brute_force_filter(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    """Every query shape on PostgreSQL gives the reference answer."""
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    with PostgresCaseStore(postgres_dsn, schema=pg_schema()) as store:
        store.load(_POPULATION)
        _check_queries(store)
        _postgres_pages_seek(store)


def _postgres_pages_seek(store: CaseStore) -> None:
    """A page after a cursor is an index condition on the agenda index of its shape."""
    from barnekoordinator_plugins.postgres._sql import AGENDA_ALL_AFTER, AGENDA_BY_KIND_AFTER

    connection = store._connection()  # type: ignore[attr-defined]
    day, case, until = date(2026, 1, 1), "case-0000001", date(2040, 1, 1)
    for sql, params, index, condition in (
        (AGENDA_ALL_AFTER, (until, day, case, "turns-18", "k", 5), "case_agenda_due_idx",
         "ROW(due, case_id, kind, key) >"),
        (AGENDA_BY_KIND_AFTER, (["turns-18", "decision-due"], until, day, case, day, case,
         "turns-18", "turns-18", "k", 5, 5), "case_agenda_kind_due_idx", "ROW(due, case_id) >="),
    ):  # fmt: skip
        plan = [str(r[0]) for r in connection.execute("EXPLAIN " + sql, params).fetchall()]
        conditions = [line for line in plan if "Index Cond" in line]
        assert any(index in line for line in plan), plan
        assert any(condition in line for line in conditions), plan


def test_a_version_3_sqlite_file_answers_the_same_and_is_upgraded(tmp_path: Path) -> None:
    """Without the kind index (version 3) the answers are the same; writing adds it (version 4)."""
    path = tmp_path / "v3.db"
    with SQLiteCaseStore(path) as store:
        store.load(_POPULATION[:20])
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("DROP INDEX case_agenda_kind_due")
        raw.execute("PRAGMA user_version=3")
    finally:
        raw.close()
    want = [r for r in ALL_ROWS if r.case_id <= _POPULATION[19].case_id]
    turning = [r for r in want if r.kind is AgendaKind.TURNS_18]
    with SQLiteCaseStore(path, read_only=True) as old:
        assert old.agenda(until=date.max) == want
        assert old.agenda(until=date.max, kinds={AgendaKind.TURNS_18}) == turning
    with SQLiteCaseStore(path) as upgraded:
        assert upgraded.agenda(until=date.max, kinds={AgendaKind.TURNS_18}) == turning
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 4
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "case_agenda_kind_due" in names
        plan = raw.execute(
            "EXPLAIN QUERY PLAN SELECT case_id FROM case_agenda WHERE kind = ? AND due <= ? "
            "ORDER BY due, case_id, key LIMIT 5",
            ("turns-18", "2030-01-01"),
        ).fetchall()
        assert "case_agenda_kind_due" in str(plan)
    finally:
        raw.close()


@pytest.mark.postgres
def test_a_version_3_postgres_schema_answers_the_same_and_is_upgraded(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    """The same for PostgreSQL: read-only without the index, upgraded when opened for writing."""
    import psycopg

    from barnekoordinator_plugins.postgres import SCHEMA_VERSION as PG_VERSION
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    schema = pg_schema()
    with PostgresCaseStore(postgres_dsn, schema=schema) as store:
        store.load(_POPULATION[:20])
    with psycopg.connect(postgres_dsn, autocommit=True) as connection:
        connection.execute(f"DROP INDEX {schema}.case_agenda_kind_due_idx")
        connection.execute(f"UPDATE {schema}.case_store_meta SET value = '3'")  # noqa: S608
    turning = [
        r
        for r in ALL_ROWS
        if r.case_id <= _POPULATION[19].case_id and r.kind is AgendaKind.TURNS_18
    ]
    with PostgresCaseStore(postgres_dsn, schema=schema, read_only=True) as old:
        assert old.agenda(until=date.max, kinds={AgendaKind.TURNS_18}) == turning
    with PostgresCaseStore(postgres_dsn, schema=schema) as upgraded:
        assert upgraded.agenda(until=date.max, kinds={AgendaKind.TURNS_18}) == turning
    with psycopg.connect(postgres_dsn, autocommit=True) as connection:
        meta = connection.execute(
            f"SELECT value FROM {schema}.case_store_meta WHERE key = 'schema_version'"  # noqa: S608
        ).fetchone()
        index = connection.execute(
            "SELECT to_regclass(%s)", (f"{schema}.case_agenda_kind_due_idx",)
        ).fetchone()
    assert meta is not None
    assert int(meta[0]) == PG_VERSION >= 4
    assert index is not None
    assert index[0] is not None


def test_memory_agenda_pages_as_the_brute_force_filter() -> None:
    """The reference store pages the same way (its agenda filters and sorts in Python)."""
    from barnekoordinator_plugins.memory import InMemoryCaseStore

    store = InMemoryCaseStore()
    for case in _POPULATION:
        store.append(case.case_id, 0, case.records, audit=case.audit)
    _check_queries(store)


def test_the_population_is_deterministic_by_seed() -> None:
    """Case i of a seed is the same case whatever else is made (its sealed tokens and data key
    are random, as in production; everything else is fixed)."""
    again = synthetic_case(11, 7)
    first = _POPULATION[7]
    assert [r.type for r in again.records] == [r.type for r in first.records]
    assert _rows([again]) == _rows([first])
    assert synthetic_case(12, 7).records[0].payload != first.records[0].payload
    # Sealed identities: no fødselsnummer in clear in any payload.
    assert all('"number"' not in r.payload for c in _POPULATION for r in c.records)


def _bulk_loaded_store_verifies(store: CaseStore) -> None:
    assert store.load(_POPULATION[:25]) == sum(len(c.records) for c in _POPULATION[:25])  # type: ignore[attr-defined]
    report = verify_store(store)
    assert report.ok, report.problems
    assert report.cases == 25
    # A case the store holds: the whole batch is refused, nothing of it is written.
    with pytest.raises(ConcurrencyConflict):
        store.load([_POPULATION[30], _POPULATION[3]])  # type: ignore[attr-defined]
    assert store.version(_POPULATION[30].case_id) == 0
    # A history that does not chain: refused before anything is written.
    case = _POPULATION[31]
    broken = attrs.evolve(case, records=case.records[1:])
    with pytest.raises(ChainBroken):
        store.load([_POPULATION[32], broken])  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput):
        store.load([_POPULATION[33], _POPULATION[33]])  # type: ignore[attr-defined]
    assert store.version(_POPULATION[32].case_id) == 0
    assert verify_store(store).ok


def test_sqlite_bulk_load_verifies_and_is_all_or_nothing(tmp_path: Path) -> None:
    """SQLite's bulk path: chains, audit ranges, agenda rows and data keys verify."""
    with SQLiteCaseStore(tmp_path / "bulk.db", read_only=False) as store:
        _bulk_loaded_store_verifies(store)
        assert store.get_data_key(_POPULATION[0].case_id) == _POPULATION[0].data_key


@pytest.mark.postgres
def test_postgres_bulk_load_verifies_and_is_all_or_nothing(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    """PostgreSQL's bulk path (COPY) likewise."""
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    with PostgresCaseStore(postgres_dsn, schema=pg_schema()) as store:
        _bulk_loaded_store_verifies(store)
        assert store.get_data_key(_POPULATION[0].case_id) == _POPULATION[0].data_key


def test_sqlite_pages_seek_the_agenda_indexes(sqlite_country: SQLiteCaseStore) -> None:
    """Each page after a cursor is a row-value range on the index of its shape (decision 30):
    no shape scans the table or sorts more than its capped walks."""
    from barnekoordinator_plugins.sqlite._sql import agenda_sql

    connection = sqlite_country._connection()
    day, case = "2026-01-01", "case-0000001"
    shapes: list[tuple[tuple[int, bool, str], list[object], list[str]]] = [
        (
            (0, False, "*"),
            ["2040-01-01", day, case, "turns-18", "k", 5],
            ["case_agenda_due ((due,"],
        ),
        ((1, False, "<"), ["turns-18", "2040-01-01", day, case, 5], ["(kind=? AND (due,case_id)>"]),
        ((1, False, "="), ["turns-18", "2040-01-01", day, case, "k", 5], ["(due,case_id,key)>"]),
        ((1, False, ">"), ["turns-18", "2040-01-01", day, case, 5], ["(due,case_id)>"]),
        (
            (2, False, "<>"),
            ["decision-due", "2040-01-01", day, case, 5, "turns-18", "2040-01-01", day, case, 5, 5],
            ["(kind=? AND (due,case_id)>", "(kind=? AND (due,case_id)>"],
        ),
    ]
    for shape, params, wanted in shapes:
        plan = " ".join(
            str(row[3])
            for row in connection.execute("EXPLAIN QUERY PLAN " + agenda_sql(*shape), params)
        )
        assert "SCAN case_agenda" not in plan, (shape, plan)
        for part in wanted:
            assert part in plan, (shape, plan)

"""The PostgreSQL store passes the conformance suite on a real server; its schema keeps promises."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date

import psycopg
import pytest

from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    CaseStoreContract,
    agenda_payload,
    make_audit,
    make_records,
)
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.postgres import PostgresCaseStore, options_from_config

pytestmark = pytest.mark.postgres


class TestPostgresCaseStore(CaseStoreContract):
    """Conformance of PostgresCaseStore (hash-partitioned events) on a throwaway server."""

    state_machine_examples = 15
    dsn: str

    @pytest.fixture(autouse=True)
    def _server(self, postgres_dsn: str) -> None:
        self.dsn = postgres_dsn

    def make_store(self) -> CaseStore:
        return PostgresCaseStore(
            self.dsn,
            schema=f"t_{uuid.uuid4().hex[:16]}",
            partitions=4,
            catalogue=self.catalogue,
        )

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        assert isinstance(store, PostgresCaseStore)
        return PostgresCaseStore(self.dsn, schema=store.schema, partitions=4)

    def dispose_store(self, store: CaseStore) -> None:
        assert isinstance(store, PostgresCaseStore)
        store.close()
        assert store.schema is not None
        drop_schema(self.dsn, store.schema)


class TestPostgresCaseStorePlainTable(TestPostgresCaseStore):
    """Conformance of PostgresCaseStore in its default layout (one events table)."""

    def make_store(self) -> CaseStore:
        return PostgresCaseStore(
            self.dsn, schema=f"t_{uuid.uuid4().hex[:16]}", catalogue=self.catalogue
        )

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        assert isinstance(store, PostgresCaseStore)
        return PostgresCaseStore(self.dsn, schema=store.schema)


# -- PostgreSQL specifics -----------------------------------------------------


@pytest.fixture
def pg_store(postgres_dsn: str, pg_schema: Callable[[], str]) -> Iterator[PostgresCaseStore]:
    """A store in a fresh schema holding two events and one audit record."""
    store = PostgresCaseStore(
        postgres_dsn, schema=pg_schema(), partitions=4, catalogue=CONFORMANCE_CATALOGUE
    )
    store.append("case-1", 0, make_records("case-1", 2))
    store.append_audit(make_audit("case-1"))
    yield store
    store.close()


def _raw(dsn: str, schema: str | None) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}")


def test_events_are_hash_partitioned(postgres_dsn: str, pg_store: PostgresCaseStore) -> None:
    """case_events is partitioned by hash of case_id into the configured number of parts."""
    with _raw(postgres_dsn, pg_store.schema) as raw:
        strategy = raw.execute(
            "SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'case_events'::regclass"
        ).fetchone()
        parts = raw.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'case_events'::regclass"
        ).fetchone()
    assert strategy == ("h",)
    assert parts == (4,)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE case_events SET actor = 'x'", "DELETE FROM case_events", "TRUNCATE case_events"],
)
def test_default_layout_is_one_append_only_table(
    postgres_dsn: str, pg_schema: Callable[[], str], statement: str
) -> None:
    """Without the partitions option case_events is one table, append-only like the parts."""
    with PostgresCaseStore(postgres_dsn, schema=pg_schema()) as store:
        store.append("case-1", 0, make_records("case-1", 2))
        with _raw(postgres_dsn, store.schema) as raw:
            kind = raw.execute(
                "SELECT relkind FROM pg_class WHERE oid = 'case_events'::regclass"
            ).fetchone()
            assert kind == ("r",)
            with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                raw.execute(statement)
        assert store.version("case-1") == 2


def test_unique_case_sequence_is_the_arbiter(
    postgres_dsn: str, pg_store: PostgresCaseStore
) -> None:
    """A second row with the same (case_id, sequence) is refused by the database itself."""
    with _raw(postgres_dsn, pg_store.schema) as raw, pytest.raises(psycopg.errors.UniqueViolation):
        raw.execute(
            "INSERT INTO case_events (case_id, sequence, type, schema_version, recorded_at, "
            "actor, payload, legal_basis, prev_hash, hash) "
            "SELECT case_id, sequence, type, schema_version, recorded_at, actor, payload, "
            "legal_basis, prev_hash, hash FROM case_events WHERE sequence = 2"
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE case_events SET actor = 'x'",
        "DELETE FROM case_events",
        "TRUNCATE case_events",
        "UPDATE {partition} SET actor = 'x'",
        "DELETE FROM {partition}",
        "TRUNCATE {partition}",
        "UPDATE case_audit SET reason = 'x'",
        "DELETE FROM case_audit",
        "TRUNCATE case_audit",
    ],
)
def test_history_is_append_only(
    postgres_dsn: str, pg_store: PostgresCaseStore, statement: str
) -> None:
    """UPDATE, DELETE and TRUNCATE on events, their partitions and audit are aborted."""
    with _raw(postgres_dsn, pg_store.schema) as raw:
        row = raw.execute("SELECT tableoid::regclass::text FROM case_events LIMIT 1").fetchone()
        assert row is not None
        with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
            raw.execute(statement.format(partition=row[0]))
    assert pg_store.version("case-1") == 2
    assert len(pg_store.read_audit("case-1")) == 1


def test_recorded_at_has_no_default(postgres_dsn: str, pg_store: PostgresCaseStore) -> None:
    """PostgreSQL never invents a time: recorded_at and at have no DEFAULT."""
    with _raw(postgres_dsn, pg_store.schema) as raw:
        rows = raw.execute(
            "SELECT table_name, column_default FROM information_schema.columns "
            "WHERE table_schema = %s AND column_name IN ('recorded_at', 'at')",
            (pg_store.schema,),
        ).fetchall()
    assert rows
    assert all(default is None for _, default in rows)


def test_read_all_never_skips_under_concurrent_appends(pg_store: PostgresCaseStore) -> None:
    """A reader tailing read_all while threads append sees every record exactly once."""
    done = threading.Event()
    seen: list[int] = []

    def tail() -> None:
        after = 0
        while True:
            finished = done.is_set()
            page = pg_store.read_all(after_position=after, limit=100)
            seen.extend(r.position or 0 for r in page)
            after = page[-1].position or after if page else after
            if finished and not page:
                return

    def write(case: str) -> None:
        prev = "0" * 64
        for version in range(40):
            (record,) = make_records(case, 1, after_version=version, prev_hash=prev)
            pg_store.append(case, version, [record])
            prev = record.hash

    reader = threading.Thread(target=tail)
    reader.start()
    writers = [threading.Thread(target=write, args=(f"w-{i}",)) for i in range(6)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    everything = [r.position for r in pg_store.read_all(limit=10_000)]
    assert seen == everything
    assert len(seen) == 2 + 6 * 40


def test_agenda_orders_by_code_point(pg_store: PostgresCaseStore) -> None:
    """Case ids and keys sort by code point (COLLATE "C"), as in SQLite and Python."""
    due = date(2026, 1, 1)
    for case in ["case-b", "Case-Z", "case-a", "case-æ"]:
        pg_store.append(case, 0, make_records(case, [agenda_payload("upsert", key="k", due=due)]))
    assert [i.case_id for i in pg_store.agenda(until=due)] == sorted(
        ["case-b", "Case-Z", "case-a", "case-æ"]
    )


def test_options_from_config() -> None:
    """Plugin options are parsed, and every bad one is listed at once."""
    assert options_from_config(
        {"schema": "bk", "partitions": "8", "lock_timeout": "5", "read_only": "false"}
    ) == {"schema": "bk", "partitions": 8, "lock_timeout": 5.0, "read_only": False}
    with pytest.raises(InvalidConfiguration) as info:
        options_from_config({"partitions": "many", "colour": "blue"})
    assert "partitions" in str(info.value)
    assert "colour" in str(info.value)


def test_bad_schema_name_is_refused() -> None:
    """A schema option that is not a plain identifier is refused before connecting."""
    with pytest.raises(InvalidConfiguration, match="schema"):
        PostgresCaseStore("postgresql://127.0.0.1:9/x", schema="bk; DROP TABLE x")


def test_hook_builds_store_for_postgresql_urls(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    """A postgresql:// store URL with plugin options yields a PostgresCaseStore in that schema."""
    schema = pg_schema()
    config = Config(store=postgres_dsn, plugin_options={"postgres": {"schema": schema}})
    store = case_store(get_plugin_manager(), config)
    try:
        assert isinstance(store, PostgresCaseStore)
        assert store.schema == schema
        assert store.version("case-1") == 0
    finally:
        store.close()

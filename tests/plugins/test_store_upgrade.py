"""Stores written before audit records had positions and ranges (schema version 1) stay readable.

A version 1 store is made the way it was laid out: a current store with the three audit columns
dropped and the schema version set back to 1, holding events and lone audit records (whose hashes
are the same in both versions). Opened read-only it is read as it is, its audit records numbered
by time, case and sequence; opened for writing it is upgraded to the same numbering and goes on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from barnekoordinator.history.records import verify_audit
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance import (
    BASE_TIME,
    CONFORMANCE_CATALOGUE,
    make_audit,
    make_records,
)
from barnekoordinator_plugins.sqlite import SCHEMA_VERSION, SQLiteCaseStore

# Audit records appended in this order, at these minutes: their version 1 numbering is by time.
AUDITS = [("case-b", 5), ("case-a", 1), ("case-a", 9), ("case-b", 7)]
EXPECTED = [("case-a", 1), ("case-b", 1), ("case-b", 2), ("case-a", 2)]  # (at, case, sequence)


def _fill(store: CaseStore) -> None:
    store.append("case-a", 0, make_records("case-a", 2))
    for case, minute in AUDITS:
        store.append_audit(make_audit(case, at=BASE_TIME + timedelta(minutes=minute)))


def _check(make: Callable[[bool], CaseStore]) -> None:
    with _closing(make(True)) as old:
        trail = old.read_all_audit()
        assert [(r.case_id, r.sequence) for r in trail] == EXPECTED
        assert [r.position for r in trail] == [1, 2, 3, 4]
        assert all(r.stored_range is None for r in trail)
        assert [r.position for r in old.read_audit("case-b")] == [2, 3]
        verify_audit("case-a", old.read_audit("case-a"))
        assert old.read_all_audit(after_position=2, limit=1) == trail[2:3]
    with _closing(make(False)) as upgraded:
        assert upgraded.read_all_audit() == trail
        assert [r.position for r in upgraded.read_all_audit()] == [1, 2, 3, 4]
        records = make_records(
            "case-a", 1, after_version=2, prev_hash=upgraded.read("case-a")[-1].hash
        )
        upgraded.append("case-a", 2, records, audit=make_audit("case-a", action="write"))
        last = upgraded.read_all_audit()[-1]
        assert (last.case_id, last.position, last.stored_range) == ("case-a", 5, (3, 3))
        verify_audit("case-a", upgraded.read_audit("case-a"))


class _closing:
    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def __enter__(self) -> CaseStore:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def test_a_version_1_sqlite_file_is_read_and_upgraded(tmp_path: Path) -> None:
    """Read-only: numbered on the fly; for writing: upgraded to the same numbers, then on."""
    path = tmp_path / "old.db"
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        _fill(store)
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("DROP INDEX case_audit_position")
        for column in ("position", "first_sequence", "last_sequence"):
            raw.execute(f"ALTER TABLE case_audit DROP COLUMN {column}")
        raw.execute("PRAGMA user_version=1")
    finally:
        raw.close()

    def make(read_only: bool) -> CaseStore:
        return SQLiteCaseStore(path, read_only=read_only, catalogue=CONFORMANCE_CATALOGUE)

    _check(make)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()


@pytest.fixture
def pg_old_schema(postgres_dsn: str, pg_schema: Callable[[], str]) -> str:
    """A PostgreSQL schema laid out as version 1."""
    import psycopg

    from barnekoordinator_plugins.postgres import PostgresCaseStore

    schema = pg_schema()
    with PostgresCaseStore(postgres_dsn, schema=schema, catalogue=CONFORMANCE_CATALOGUE) as store:
        _fill(store)
    with psycopg.connect(postgres_dsn, autocommit=True) as connection:
        for column in ("position", "first_sequence", "last_sequence"):
            connection.execute(f"ALTER TABLE {schema}.case_audit DROP COLUMN {column}")
        connection.execute(f"DROP SEQUENCE {schema}.case_audit_position")
        connection.execute(f"UPDATE {schema}.case_store_meta SET value = '1'")  # noqa: S608
    return schema


@pytest.mark.postgres
def test_a_version_1_postgres_schema_is_read_and_upgraded(
    postgres_dsn: str, pg_old_schema: str
) -> None:
    """The same for PostgreSQL: read as it is read-only, upgraded when opened for writing."""
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    def make(read_only: bool) -> CaseStore:
        return PostgresCaseStore(
            postgres_dsn, schema=pg_old_schema, read_only=read_only, catalogue=CONFORMANCE_CATALOGUE
        )

    _check(make)

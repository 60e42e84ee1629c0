"""A store from before the outbox (schema 4) opens as it is and upgrades to 5."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest

from barnekoordinator.history.outbox import OutboxKind, OutboxMessage
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit, make_records
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.sqlite import SCHEMA_VERSION, SQLiteCaseStore

MESSAGE = OutboxMessage(
    key="k1",
    case_id="case-1",
    kind=OutboxKind.MINUTES_READY,
    recipient="ref",
    not_before=date(2026, 1, 5),
)


def test_a_version_4_file_is_read_and_upgraded(tmp_path: Path) -> None:
    """Read-only, a version 4 file has an empty outbox; opened for writing it gains one and
    its history is untouched."""
    path = tmp_path / "v4.db"
    records = make_records("case-1", 2)
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        store.append("case-1", 0, records, audit=make_audit("case-1", action="write"))
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("DROP TABLE case_outbox")
        raw.execute("PRAGMA user_version=4")
    finally:
        raw.close()
    with SQLiteCaseStore(path, read_only=True, catalogue=CONFORMANCE_CATALOGUE) as old:
        assert old.outbox() == []
        assert [r.hash for r in old.read("case-1")] == [r.hash for r in records]
    message = MESSAGE
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as upgraded:
        assert upgraded.add_outbox([message]) == 1
        assert [e.message for e in upgraded.outbox()] == [message]
        assert len(upgraded.read("case-1")) == 2
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    finally:
        raw.close()


@pytest.mark.postgres
def test_a_version_4_postgres_schema_is_read_and_upgraded(bk_postgres_dsn: str) -> None:
    """The same for PostgreSQL: no outbox read-only, the table made when opened for writing."""
    import psycopg

    from barnekoordinator_plugins.postgres import SCHEMA_VERSION as PG_VERSION
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        records = make_records("case-1", 2)
        with PostgresCaseStore(
            bk_postgres_dsn, schema=schema, catalogue=CONFORMANCE_CATALOGUE
        ) as s:
            s.append("case-1", 0, records, audit=make_audit("case-1", action="write"))
        with psycopg.connect(bk_postgres_dsn, autocommit=True) as connection:
            connection.execute(f"DROP TABLE {schema}.case_outbox")
            connection.execute(f"UPDATE {schema}.case_store_meta SET value = '4'")  # noqa: S608
        with PostgresCaseStore(
            bk_postgres_dsn, schema=schema, read_only=True, catalogue=CONFORMANCE_CATALOGUE
        ) as old:
            assert old.outbox() == []
            assert len(old.read("case-1")) == 2
        with PostgresCaseStore(
            bk_postgres_dsn, schema=schema, catalogue=CONFORMANCE_CATALOGUE
        ) as upgraded:
            assert upgraded.add_outbox([MESSAGE]) == 1
            assert [e.message for e in upgraded.outbox()] == [MESSAGE]
        with psycopg.connect(bk_postgres_dsn, autocommit=True) as connection:
            row = connection.execute(
                f"SELECT value FROM {schema}.case_store_meta"  # noqa: S608
            ).fetchone()
        assert row is not None
        assert int(row[0]) == PG_VERSION == 5
    finally:
        drop_schema(bk_postgres_dsn, schema)

"""Read-only, full, missing and unreachable stores raise StorageUnavailable, write nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import attrs
import pytest

from barnekoordinator._cli.verify import verify_store
from barnekoordinator.config import Config
from barnekoordinator.errors import StorageUnavailable, StoreLocked, StoreNotFound
from barnekoordinator.history.records import verify_events
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    agenda_payload,
    make_audit,
    make_records,
    reference_agenda,
)
from barnekoordinator.testing.postgres import throwaway_postgres
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

# -- SQLite -------------------------------------------------------------------


def _seed(path: Path) -> list[object]:
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        records = make_records("case-1", [agenda_payload("upsert", due=date(2026, 2, 1)), "{}"])
        store.append("case-1", 0, records)
        store.append_audit(make_audit("case-1"))
        return [store.read("case-1"), store.agenda(until=date.max), store.read_audit("case-1")]


def _state(path: Path) -> list[object]:
    with SQLiteCaseStore(path) as store:
        return [store.read("case-1"), store.agenda(until=date.max), store.read_audit("case-1")]


def test_sqlite_read_only_file_refuses_writes(tmp_path: Path) -> None:
    """A store opened read-only reads; every write raises StorageUnavailable (SQLITE_READONLY)."""
    path = tmp_path / "ro.db"
    before = _seed(path)
    config = Config(store=f"sqlite:{path}", plugin_options={"sqlite": {"read_only": "true"}})
    store = case_store(get_plugin_manager(), config)
    try:
        assert store.read("case-1") == before[0]
        last = store.read("case-1")[-1]
        more = make_records(
            "case-1", [agenda_payload("clear")], after_version=2, prev_hash=last.hash
        )
        with pytest.raises(StorageUnavailable, match="SQLITE_READONLY"):
            store.append("case-1", 2, more)
        with pytest.raises(StorageUnavailable, match="SQLITE_READONLY"):
            store.append_audit(make_audit("case-1"))
        assert store.version("case-1") == 2
    finally:
        store.close()
    assert _state(path) == before


def test_sqlite_read_only_never_creates_a_file(tmp_path: Path) -> None:
    """Opening a missing file read-only says it is not found and creates nothing."""
    path = tmp_path / "absent.db"
    with pytest.raises(StoreNotFound, match="store not found"):
        SQLiteCaseStore(path, read_only=True)
    assert not path.exists()


def test_sqlite_full_database_is_all_or_nothing(tmp_path: Path) -> None:
    """At max_page_count an append with its audit raises StorageUnavailable and writes neither."""
    path = tmp_path / "full.db"
    SQLiteCaseStore(path).close()
    raw = sqlite3.connect(path)
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.close()
    batch = 20
    store = SQLiteCaseStore(path, max_page_count=pages + 60, catalogue=CONFORMANCE_CATALOGUE)
    committed = 0

    def fill_with_events() -> None:
        nonlocal committed
        while True:
            prev = store.read("case-1")[-1].hash if committed else "0" * 64
            payloads = [
                agenda_payload(
                    "upsert", key=f"k{committed + i}", due=date(2026, 3, 1), detail="x" * 300
                )
                for i in range(batch)
            ]
            records = make_records("case-1", payloads, after_version=committed, prev_hash=prev)
            audit = attrs.evolve(
                make_audit("case-1", action="write"),
                reason=f"stored {committed + 1}-{committed + batch}",
            )
            store.append("case-1", committed, records, audit=audit)
            committed += batch

    def fill_with_audit() -> None:
        while True:  # audit records fill the rest and then fail cleanly too
            store.append_audit(make_audit("case-1"))

    with pytest.raises(StorageUnavailable, match="SQLITE_FULL") as info:
        fill_with_events()
    assert "disk is full" in str(info.value)
    with pytest.raises(StorageUnavailable, match="SQLITE_FULL"):
        fill_with_audit()
    store.close()
    with SQLiteCaseStore(path) as reopened:
        records = reopened.read("case-1")
        assert len(records) == committed >= 2 * batch
        verify_events("case-1", records, expected_version=committed)
        assert reopened.agenda(until=date.max) == reference_agenda(records)
        assert verify_store(reopened, catalogue=CONFORMANCE_CATALOGUE).ok
        writes = [r.reason for r in reopened.read_audit("case-1") if r.action == "write"]
        assert writes == [f"stored {v + 1}-{v + batch}" for v in range(0, committed, batch)]


def test_sqlite_unopenable_paths(tmp_path: Path) -> None:
    """A missing directory, a directory and a non-database file raise StorageUnavailable."""
    with pytest.raises(StorageUnavailable, match="SQLITE_CANTOPEN"):
        SQLiteCaseStore(tmp_path / "no" / "such" / "dir.db")
    with pytest.raises(StorageUnavailable):
        SQLiteCaseStore(tmp_path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database, it is a shopping list" * 100)
    with pytest.raises(StorageUnavailable, match="SQLITE_NOTADB"):
        SQLiteCaseStore(garbage)


def test_sqlite_locked_past_busy_timeout(tmp_path: Path) -> None:
    """A writer that cannot get the lock within busy_timeout gets StorageUnavailable."""
    path = tmp_path / "locked.db"
    SQLiteCaseStore(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with (
            SQLiteCaseStore(path, busy_timeout=0.05) as store,
            pytest.raises(StoreLocked, match="locked by another process"),
        ):
            store.append("case-1", 0, make_records("case-1", 1))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert _state_count(path) == 0


def _state_count(path: Path) -> int:
    with SQLiteCaseStore(path) as store:
        return store.version("case-1")


# -- PostgreSQL ---------------------------------------------------------------


def test_postgres_unreachable_server_hides_the_password() -> None:
    """An unreachable server raises StorageUnavailable without echoing the DSN's password."""
    with pytest.raises(StorageUnavailable) as info:
        PostgresCaseStore("postgresql://bk:hunter2-secret@127.0.0.1:9/bk?connect_timeout=2")
    assert "hunter2" not in str(info.value)
    assert "OperationalError" in str(info.value)


@pytest.mark.postgres
def test_postgres_read_only_refuses_writes(postgres_dsn: str, pg_schema: str) -> None:
    """A read-only session (like a hot standby) raises StorageUnavailable on every write."""
    with PostgresCaseStore(postgres_dsn, schema=pg_schema, partitions=2) as store:
        store.append("case-1", 0, make_records("case-1", 2))
    with PostgresCaseStore(postgres_dsn, schema=pg_schema, read_only=True) as store:
        assert store.version("case-1") == 2
        last = store.read("case-1")[-1]
        with pytest.raises(StorageUnavailable, match="25006"):
            store.append(
                "case-1", 2, make_records("case-1", 1, after_version=2, prev_hash=last.hash)
            )
        with pytest.raises(StorageUnavailable, match="25006"):
            store.append_audit(make_audit("case-1"))
        assert store.version("case-1") == 2
        assert store.read_audit("case-1") == []


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_server_restart(postgres_dsn: str) -> None:
    """A store whose server goes away raises StorageUnavailable, then reconnects when it is back."""
    with throwaway_postgres(durable=True) as server:
        store = PostgresCaseStore(server.dsn, partitions=2)
        try:
            first = make_records("case-1", 3)
            store.append("case-1", 0, first)
            server.stop("immediate")
            more = make_records("case-1", 2, after_version=3, prev_hash=first[-1].hash)
            with pytest.raises(StorageUnavailable):
                store.append("case-1", 3, more)
            with pytest.raises(StorageUnavailable):
                store.version("case-1")
            server.start()
            assert store.version("case-1") == 3
            assert store.append("case-1", 3, more) == 5
            verify_events("case-1", store.read("case-1"), expected_version=5)
        finally:
            store.close()

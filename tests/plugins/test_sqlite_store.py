"""The SQLite store passes the CaseStore conformance suite, and its schema keeps its promises."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import date
from pathlib import Path

import pytest

from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration, StorageUnavailable
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    CaseStoreContract,
    agenda_payload,
    make_audit,
    make_records,
)
from barnekoordinator_plugins.sqlite import (
    SCHEMA,
    SCHEMA_VERSION,
    SQLiteCaseStore,
    options_from_config,
)


class TestSQLiteCaseStore(CaseStoreContract):
    """Conformance of SQLiteCaseStore on a real file."""

    def make_store(self) -> CaseStore:
        return SQLiteCaseStore(self.tmp_path / f"{uuid.uuid4().hex}.db", catalogue=self.catalogue)

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        assert isinstance(store, SQLiteCaseStore)
        return SQLiteCaseStore(store.path)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A file holding a store with two events (one agenda row) and one audit record."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        store.append(
            "case-1",
            0,
            make_records("case-1", [agenda_payload("upsert", due=date(2026, 2, 1)), "{}"]),
        )
        store.append_audit(make_audit("case-1"))
    return path


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_file_uses_wal_and_strict_tables(db: Path) -> None:
    """The file is in WAL mode and every table is STRICT."""
    raw = _raw(db)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'case_%'"
        ).fetchall()
        assert {name for name, _ in tables} == {
            "case_events",
            "case_audit",
            "case_agenda",
            "case_keys",
            "case_outbox",
        }
        assert all("STRICT" in sql for _, sql in tables)
        with pytest.raises(sqlite3.IntegrityError, match="cannot store TEXT"):  # STRICT
            raw.execute(
                "INSERT INTO case_events (case_id, sequence, type, schema_version, recorded_at, "
                "actor, payload, legal_basis, prev_hash, hash) "
                "VALUES ('case-9', 'one', 't', 1, 'x', 'a', '{}', '[]', 'p', 'h')"
            )
    finally:
        raw.close()


@pytest.mark.parametrize("table", ["case_events", "case_audit"])
def test_triggers_block_update_and_delete(db: Path, table: str) -> None:
    """UPDATE and DELETE on events and audit records abort: history is append-only."""
    raw = _raw(db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(f"UPDATE {table} SET actor = 'someone-else'")  # noqa: S608
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(f"DELETE FROM {table}")  # noqa: S608
    finally:
        raw.close()
    with SQLiteCaseStore(db) as store:
        assert store.version("case-1") == 2
        assert len(store.read_audit("case-1")) == 1


def test_recorded_at_has_no_default(db: Path) -> None:
    """SQLite never invents a time: recorded_at has no DEFAULT and must be given."""
    raw = _raw(db)
    try:
        columns = {row[1]: row[4] for row in raw.execute("PRAGMA table_info(case_events)")}
        assert columns["recorded_at"] is None
        audit = {row[1]: row[4] for row in raw.execute("PRAGMA table_info(case_audit)")}
        assert audit["at"] is None
    finally:
        raw.close()


def test_agenda_query_uses_the_due_index(db: Path) -> None:
    """The agenda query is answered from the index on due, without a sort or table scan."""
    raw = _raw(db)
    try:
        plan = " ".join(
            str(row[3])
            for row in raw.execute(
                "EXPLAIN QUERY PLAN SELECT case_id, kind, key, due, detail FROM case_agenda "
                "WHERE due <= ? ORDER BY due, case_id, kind, key LIMIT 50",
                ("2026-06-01",),
            )
        )
        assert "case_agenda_due" in plan
        assert "TEMP B-TREE" not in plan
    finally:
        raw.close()


def test_subject_index_holds_no_identifier_in_clear(db: Path) -> None:
    """find_cases works from an index on the keyed hash column only."""
    raw = _raw(db)
    try:
        indexes = {row[1] for row in raw.execute("PRAGMA index_list(case_events)")}
        assert "case_events_subject" in indexes
    finally:
        raw.close()


def test_each_thread_has_its_own_connection(db: Path) -> None:
    """Threads share one store object; each uses its own connection, all closed by close()."""
    store = SQLiteCaseStore(db)
    seen: list[int] = []

    def work() -> None:
        seen.append(id(store._connection()))
        store.version("case-1")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 3
    store.close()
    with pytest.raises(StorageUnavailable):
        store.read("case-1")


def test_positions_are_row_ids_given_in_commit_order(tmp_path: Path) -> None:
    """Positions are plain row ids (no AUTOINCREMENT page per commit), rising with each commit."""
    with SQLiteCaseStore(tmp_path / "p.db") as store:
        for case in ("case-1", "case-2", "case-1"):
            stored = store.read(case)
            prev = stored[-1].hash if stored else GENESIS
            more = make_records(case, ["{}", "{}"], after_version=len(stored), prev_hash=prev)
            store.append(case, len(stored), more)
        positions = [r.position for r in store.read_all()]
    assert positions == list(range(1, 7))
    raw = _raw(tmp_path / "p.db")
    try:
        (sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'case_events'").fetchone()
        assert "AUTOINCREMENT" not in sql.upper()
    finally:
        raw.close()


def test_a_file_made_with_autoincrement_positions_still_works(tmp_path: Path) -> None:
    """Files from before the row-id positions (AUTOINCREMENT) are read and appended alike."""
    path = tmp_path / "old.db"
    raw = _raw(path)
    try:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.executescript(
            SCHEMA.replace(
                "position       INTEGER PRIMARY KEY,",
                "position       INTEGER PRIMARY KEY AUTOINCREMENT,",
            )
        )
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        (sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'case_events'").fetchone()
        assert "AUTOINCREMENT" in sql
    finally:
        raw.close()
    with SQLiteCaseStore(path) as store:
        store.append("case-1", 0, make_records("case-1", ["{}", "{}"]))
        store.append("case-2", 0, make_records("case-2", ["{}"]))
        assert [r.position for r in store.read_all()] == [1, 2, 3]
        assert len(store.read("case-1")) == 2


def test_newer_schema_is_refused(db: Path) -> None:
    """A file written by a newer schema version is refused rather than misread."""
    raw = _raw(db)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StorageUnavailable, match="schema version 99"):
        SQLiteCaseStore(db)


def test_options_from_config() -> None:
    """Plugin options are parsed, and every bad one is listed at once."""
    assert options_from_config(
        {
            "synchronous": "normal",
            "busy_timeout": "2.5",
            "max_page_count": "100",
            "read_only": "yes",
        }
    ) == {"synchronous": "NORMAL", "busy_timeout": 2.5, "max_page_count": 100, "read_only": True}
    with pytest.raises(InvalidConfiguration) as info:
        options_from_config({"synchronous": "fast", "max_page_count": "-1", "colour": "blue"})
    message = str(info.value)
    for key in ("synchronous", "max_page_count", "colour"):
        assert key in message


def test_hook_builds_store_with_options(tmp_path: Path) -> None:
    """sqlite:PATH with plugin options yields a store configured accordingly."""
    config = Config(
        store=f"sqlite:{tmp_path / 'x.db'}",
        plugin_options={"sqlite": {"synchronous": "NORMAL"}},
    )
    store = case_store(get_plugin_manager(), config)
    try:
        assert isinstance(store, SQLiteCaseStore)
        assert store.synchronous == "NORMAL"
    finally:
        store.close()


def test_hook_rejects_an_empty_path() -> None:
    """'sqlite:' without a path is a configuration error."""
    with pytest.raises(InvalidConfiguration, match="needs a file path"):
        case_store(get_plugin_manager(), Config(store="sqlite:"))

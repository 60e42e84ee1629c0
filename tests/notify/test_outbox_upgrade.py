"""A SQLite file from before the outbox (schema 4) opens as it is and upgrades to 5."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from barnekoordinator.history.outbox import OutboxKind, OutboxMessage
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit, make_records
from barnekoordinator_plugins.sqlite import SCHEMA_VERSION, SQLiteCaseStore


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
    message = OutboxMessage(
        key="k1",
        case_id="case-1",
        kind=OutboxKind.MINUTES_READY,
        recipient="ref",
        not_before=date(2026, 1, 5),
    )
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as upgraded:
        assert upgraded.add_outbox([message]) == 1
        assert [e.message for e in upgraded.outbox()] == [message]
        assert len(upgraded.read("case-1")) == 2
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    finally:
        raw.close()

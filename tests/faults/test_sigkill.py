"""A writer killed with SIGKILL mid-transaction leaves no partial append behind.

Every batch goes with its audit record in one ``append`` call, so after each
kill every committed batch has exactly its audit record and every audit record
its batch."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from subprocess import Popen

import pytest

from barnekoordinator._cli.verify import verify_store
from barnekoordinator.history.records import verify_audit, verify_events
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, reference_agenda
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

KILLS = 20
BATCH = 50
CASES = [f"case-{i}" for i in range(3)]


def _check(store: CaseStore) -> int:
    """Whole batches only, each with its audit record; chains verify; agenda consistent."""
    versions = [store.version(case) for case in CASES]
    assert all(v % BATCH == 0 for v in versions), f"a partial batch was stored: {versions}"
    report = verify_store(store, catalogue=CONFORMANCE_CATALOGUE)  # chains, counts, ranges, agenda
    assert report.ok, report.problems
    assert report.events == sum(versions)
    last = CASES[-1]
    verify_events(last, store.read(last), expected_version=versions[-1])
    for case, version in zip(CASES, versions, strict=True):
        trail = store.read_audit(case)
        verify_audit(case, trail)
        audited = [record.reason for record in trail]
        committed = [f"stored {v + 1}-{v + BATCH}" for v in range(0, version, BATCH)]
        assert audited == committed, f"{case}: events and audit records disagree"
    assert store.agenda(until=date.max) == reference_agenda(store.read_all(limit=10**9))
    return sum(versions)


def _kill_loop(
    open_store: Callable[[], CaseStore],
    spec: dict[str, object],
    start_writer: Callable[..., Popen[str]],
) -> None:
    rng = random.Random(20260105)
    total = 0
    for kill in range(KILLS):
        process = start_writer("batches", {**spec, "seed": kill})
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.005, 0.08))
        assert process.poll() is None, "the writer stopped before it was killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        store = open_store()
        try:
            now = _check(store)
        finally:
            store.close()
        assert now >= total
        total = now
    assert total > 0, "no batch was ever committed"


@pytest.mark.slow
def test_sqlite_survives_sigkill(tmp_path: Path, start_writer: Callable[..., Popen[str]]) -> None:
    """SQLite: 20 SIGKILLs mid-append; whole batches only, each with its audit record."""
    path = tmp_path / "killed.db"
    SQLiteCaseStore(path).close()
    spec = {"store": f"sqlite:{path}", "cases": CASES, "batch": BATCH}
    _kill_loop(lambda: SQLiteCaseStore(path), spec, start_writer)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_survives_sigkill(
    postgres_dsn: str, pg_schema: str, start_writer: Callable[..., Popen[str]]
) -> None:
    """PostgreSQL: 20 client SIGKILLs mid-append; whole batches, each with its audit record."""
    PostgresCaseStore(postgres_dsn, schema=pg_schema, partitions=4).close()
    spec = {
        "store": postgres_dsn,
        "options": {"postgres": {"schema": pg_schema, "partitions": "4"}},
        "cases": CASES,
        "batch": BATCH,
    }
    _kill_loop(
        lambda: PostgresCaseStore(postgres_dsn, schema=pg_schema, partitions=4), spec, start_writer
    )

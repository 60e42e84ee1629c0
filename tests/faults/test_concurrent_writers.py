"""Eight writer processes racing with stale versions lose and duplicate nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

import pytest

from barnekoordinator.history.records import EventRecord, verify_events
from barnekoordinator.history.store import CaseStore
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

WORKERS = 8
APPENDS = 500
CASES = [f"case-{i}" for i in range(4)]


def _race(
    store: CaseStore,
    url: str,
    options: dict[str, dict[str, str]],
    start_writer: Callable[..., Popen[str]],
) -> None:
    """Run the race, tail read_all while it runs, and check every count."""
    tailed: list[EventRecord] = []
    done = threading.Event()

    def tail() -> None:
        # A reader following read_all must see every record exactly once, even
        # while appends commit concurrently (positions never skip).
        after = 0
        while True:
            finished = done.is_set()
            page = store.read_all(after_position=after, limit=500)
            tailed.extend(page)
            if page:
                after = page[-1].position or after
            elif finished:
                return
            else:
                time.sleep(0.005)

    tailer = threading.Thread(target=tail)
    tailer.start()
    writers = [
        start_writer(
            "race",
            {
                "store": url,
                "options": options,
                "worker": worker,
                "cases": CASES,
                "appends": APPENDS,
                "seed": worker,
            },
        )
        for worker in range(WORKERS)
    ]
    for process in writers:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.stderr
    for process in writers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    reports = []
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        reports.append(json.loads(out))
    done.set()
    tailer.join()

    stored: list[EventRecord] = []
    for case in CASES:
        records = store.read(case)
        verify_events(case, records, expected_version=store.version(case))
        stored.extend(records)
    origins = [(json.loads(r.payload)["w"], json.loads(r.payload)["a"]) for r in stored]
    conflicts_total = 0
    for report in reports:
        assert report["bad_reports"] == []
        assert len(report["successes"]) == APPENDS
        assert report["attempts"] == len(report["successes"]) + len(report["conflicts"])
        conflicts_total += len(report["conflicts"])
        mine = {a for w, a in origins if w == report["worker"]}
        assert mine == set(report["successes"]), "a success is missing or a conflict was written"
    assert len(origins) == len(set(origins)) == WORKERS * APPENDS
    print(f"conflicts: {conflicts_total}")
    assert conflicts_total > 0, "the race produced no stale versions; the test proves nothing"
    positions = [r.position for r in tailed]
    assert len(tailed) == WORKERS * APPENDS
    assert positions == sorted(set(positions))  # type: ignore[type-var]
    assert sorted(positions) == sorted(r.position for r in stored)  # type: ignore[type-var]


@pytest.mark.slow
def test_sqlite_eight_processes_race(
    tmp_path: Path, start_writer: Callable[..., Popen[str]]
) -> None:
    """SQLite: 8 processes x 500 appends on stale versions; exact counts, all conflicts reported."""
    path = tmp_path / "race.db"
    with SQLiteCaseStore(path) as store:
        _race(store, f"sqlite:{path}", {}, start_writer)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_eight_processes_race(
    postgres_dsn: str, pg_schema: str, start_writer: Callable[..., Popen[str]]
) -> None:
    """PostgreSQL: 8 processes x 500 stale-version appends; exact counts, no position skipped."""
    options = {"postgres": {"schema": pg_schema, "partitions": "4"}}
    with PostgresCaseStore(postgres_dsn, schema=pg_schema, partitions=4) as store:
        _race(store, postgres_dsn, options, start_writer)

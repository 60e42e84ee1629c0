"""Storage benchmark: our stores side by side with eventsourcing's recorders.

Run from the repository root (``pip install -e '.[bench,postgres]'`` first)::

    python benchmarks/bench_storage.py --runs 5        # full run (a few minutes)
    python benchmarks/bench_storage.py --quick         # smoke run (seconds)
    python benchmarks/bench_storage.py --no-postgres   # SQLite only
    python benchmarks/bench_storage.py --agenda-only   # the agenda queries only

What is compared, like with like:

* **append** — the same events (same count, same payload), in the same
  transactions (``--batch`` events per transaction), to the same number of
  cases, on the same machine and disk. SQLite: both in WAL mode with
  ``synchronous=FULL`` (each commit fsynced; the value is read back from both
  connections and printed). PostgreSQL: one throwaway server with durable
  defaults (``fsync=on``, ``synchronous_commit=on``, printed) for both;
  eventsourcing's ``PostgresApplicationRecorder`` serialises inserts with
  ``LOCK TABLE … IN EXCLUSIVE MODE``, ours with an advisory lock, and both keep
  a global order for projections. Our appends additionally check the expected
  version and the links of the hash chain, and run the projectors (the
  benchmark's event type has none, so no agenda rows are written);
  eventsourcing relies on its primary key alone. The records are sealed
  before the clock starts, as the Casebook seals them just before it appends,
  so their SHA-256 was computed once, by ``EventRecord.sealed``, and the store
  does not compute it again; a record not sealed in this process (built by
  hand, imported) is hashed in full on append, and the cost of that check is
  printed after the table. Our store runs in its default layout
  (``--partitions N`` tries another).
* **read a case** — every case read back whole (``read`` vs ``select_events``).
* **read all** — the global feed in pages of 1,000 (``read_all`` vs
  ``select_notifications``).

Figures are events per second, the median of ``--runs`` runs taken
alternately (ours, theirs, ours, …) so that load from other processes hits
both alike; the ratio is ours / theirs (target >= 1.0).

The agenda benchmark fills a SQLite store with the agenda rows the real
projectors derive from 100,000 synthetic open cases (a handful of rows each,
due dates from months overdue to 18 years ahead) and times the municipality's
queries (median of 15; target <= 50 ms). The unpaged "every row due within 7
days" query is printed apart as a stress case.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import GENESIS, EventRecord
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

PAYLOAD = (
    '{"by":"actor-17","kind":"tiltak","text":"Foreldreveiledning (ICDP), 6 samlinger, '
    'evaluering etter 8 uker","tiltak_id":"t-0042"}'
)


def _records(cases: list[str], per_case: int) -> dict[str, list[EventRecord]]:
    """Sealed chains, built before any clock starts."""
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    out: dict[str, list[EventRecord]] = {}
    for case in cases:
        prev = GENESIS
        chain = []
        for sequence in range(1, per_case + 1):
            record = EventRecord(
                case_id=case,
                sequence=sequence,
                type="stafettlogg.tiltak_recorded",
                schema_version=1,
                recorded_at=at + timedelta(seconds=sequence),
                actor="actor-17",
                payload=PAYLOAD,
                legal_basis=("hol-7-1",),
            ).sealed(prev)
            chain.append(record)
            prev = record.hash
        out[case] = chain
    return out


def _rate(fn: Callable[[], int], setup: Callable[[], None] | None = None) -> float:
    """Events per second of one call of ``fn`` (which returns the number of events)."""
    if setup is not None:
        setup()
    start = time.perf_counter()
    count = fn()
    return count / (time.perf_counter() - start)


def _interleaved(
    mine: Callable[[], float], other: Callable[[], float], runs: int
) -> tuple[float, float]:
    """Medians of ``runs`` alternating measurements (the machine's drift hits both alike)."""
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(mine())
        theirs.append(other())
    return statistics.median(ours), statistics.median(theirs)


class Ours:
    """Drives one of our stores."""

    def __init__(self, make: Callable[[], Any], data: dict[str, list[EventRecord]], batch: int):
        self.make = make
        self.data = data
        self.batch = batch
        self.store: Any = None

    def reset(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store = self.make()

    def append(self) -> int:
        count = 0
        per_case = len(next(iter(self.data.values())))
        for start in range(0, per_case, self.batch):
            for case, chain in self.data.items():
                chunk = chain[start : start + self.batch]
                self.store.append(case, start, chunk)
                count += len(chunk)
        return count

    def read_cases(self) -> int:
        return sum(len(self.store.read(case)) for case in self.data)

    def read_all(self) -> int:
        count, after = 0, 0
        while page := self.store.read_all(after_position=after, limit=1000):
            count += len(page)
            after = page[-1].position
        return count


class Theirs:
    """Drives an eventsourcing application recorder with the same events."""

    def __init__(self, make: Callable[[], Any], data: dict[str, list[EventRecord]], batch: int):
        from eventsourcing.persistence import StoredEvent

        self.make = make
        self.batch = batch
        self.recorder: Any = None
        self.ids = {case: uuid.uuid5(uuid.NAMESPACE_URL, case) for case in data}
        self.data = {
            case: [
                StoredEvent(
                    originator_id=self.ids[case],
                    originator_version=r.sequence,
                    topic=r.type,
                    state=r.payload.encode(),
                )
                for r in chain
            ]
            for case, chain in data.items()
        }

    def reset(self) -> None:
        if self.recorder is not None:
            self.recorder.datastore.close()
        self.recorder = self.make()

    def append(self) -> int:
        count = 0
        per_case = len(next(iter(self.data.values())))
        for start in range(0, per_case, self.batch):
            for chain in self.data.values():
                chunk = chain[start : start + self.batch]
                self.recorder.insert_events(chunk)
                count += len(chunk)
        return count

    def read_cases(self) -> int:
        return sum(len(self.recorder.select_events(self.ids[case])) for case in self.data)

    def read_all(self) -> int:
        count, start = 0, 1
        while page := self.recorder.select_notifications(start=start, limit=1000):
            count += len(page)
            start = page[-1].id + 1
        return count


def _compare(label: str, ours: Ours, theirs: Theirs, runs: int) -> list[tuple[str, float, float]]:
    rows = []
    mine, other = _interleaved(
        lambda: _rate(ours.append, ours.reset), lambda: _rate(theirs.append, theirs.reset), runs
    )
    rows.append((f"{label} append", mine, other))
    for name in ("read_cases", "read_all"):
        mine, other = _interleaved(
            functools.partial(_rate, getattr(ours, name)),
            functools.partial(_rate, getattr(theirs, name)),
            runs,
        )
        rows.append((f"{label} {name}", mine, other))
    return rows


def _print(rows: list[tuple[str, float, float]]) -> None:
    print(f"{'':34} {'ours ev/s':>12} {'eventsourcing':>14} {'ratio':>7}  per event (ours)")
    for name, mine, other in rows:
        print(f"{name:34} {mine:12,.0f} {other:14,.0f} {mine / other:7.2f}  {1e6 / mine:8.1f} µs")


def _print_hash_check() -> None:
    """What an append's hash check costs per record, sealed here or built elsewhere."""
    from barnekoordinator.history.storekit import AppendCheck

    chain = _records(["case-00000"], 10)["case-00000"]
    # Equal records that EventRecord.sealed did not make (as if imported): hashed in full.
    copies = [attrs.evolve(r) for r in chain]

    def per_record(records: list[EventRecord]) -> float:
        best = min(
            timeit.repeat(lambda: AppendCheck.prepare("case-00000", 0, records), number=2000)
        )
        return best / 2000 / len(records) * 1e6

    print(
        f"# hash check on append, per record: {per_record(chain):.2f} µs sealed in this "
        f"process, {per_record(copies):.2f} µs built elsewhere (SHA-256 recomputed)"
    )


def bench_sqlite(args: argparse.Namespace, tmp: Path) -> list[tuple[str, float, float]]:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    cases = [f"case-{i:05d}" for i in range(args.cases)]
    data = _records(cases, args.per_case)
    rows = []
    counter = iter(range(10**6))
    for batch in args.batch:

        def ours_make() -> SQLiteCaseStore:
            return SQLiteCaseStore(tmp / f"ours-{next(counter)}.db", synchronous="FULL")

        def theirs_make() -> Any:
            datastore = SQLiteDatastore(str(tmp / f"theirs-{next(counter)}.db"))
            recorder = SQLiteApplicationRecorder(datastore)
            recorder.create_table()
            return recorder

        ours, theirs = Ours(ours_make, data, batch), Theirs(theirs_make, data, batch)
        ours.reset()
        theirs.reset()
        sync_ours = ours.store._connection().execute("PRAGMA synchronous").fetchone()[0]
        with theirs.recorder.datastore.get_connection(commit=False) as conn:
            cursor = conn.cursor()
            cursor.execute("PRAGMA synchronous")
            sync_theirs = cursor.fetchone()[0]
        print(
            f"# SQLite {sqlite3.sqlite_version}, batch={batch}: synchronous ours={sync_ours} "
            f"theirs={sync_theirs} (2 = FULL), journal_mode=wal both"
        )
        rows += _compare(f"sqlite batch={batch}", ours, theirs, args.runs)
        ours.store.close()
        theirs.recorder.datastore.close()
    return rows


def bench_postgres(args: argparse.Namespace) -> list[tuple[str, float, float]]:
    import psycopg
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    from barnekoordinator.testing.postgres import throwaway_postgres
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    cases = [f"case-{i:05d}" for i in range(args.cases)]
    data = _records(cases, args.per_case)
    rows = []
    with throwaway_postgres(durable=True) as server:
        with psycopg.connect(server.dsn, autocommit=True) as conn:
            settings = conn.execute(
                "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings "
                "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')"
            ).fetchone()
            version = conn.execute("SHOW server_version").fetchone()
        print(f"# PostgreSQL {version[0] if version else '?'}: {settings[0] if settings else ''}")
        counter = iter(range(10**6))
        layout: dict[str, Any] = {} if args.partitions is None else {"partitions": args.partitions}
        for batch in args.batch:

            def ours_make() -> PostgresCaseStore:
                return PostgresCaseStore(server.dsn, schema=f"ours_{next(counter)}", **layout)

            def theirs_make() -> Any:
                schema = f"theirs_{next(counter)}"
                with psycopg.connect(server.dsn, autocommit=True) as conn:
                    conn.execute(f"CREATE SCHEMA {schema}")
                datastore = PostgresDatastore(
                    dbname="postgres",
                    host="127.0.0.1",
                    port=server.port,
                    user="postgres",
                    password="",
                    schema=schema,
                    lock_timeout=30,
                )
                recorder = PostgresApplicationRecorder(datastore)
                recorder.create_table()
                return recorder

            ours, theirs = Ours(ours_make, data, batch), Theirs(theirs_make, data, batch)
            rows += _compare(f"postgres batch={batch}", ours, theirs, args.runs)
            ours.store.close()
            theirs.recorder.datastore.close()
    return rows


@contextmanager
def _agenda_store(tmp: Path, cases: int) -> Iterator[tuple[SQLiteCaseStore, date]]:
    """A SQLite store whose agenda holds what the real projectors make of ``cases`` open cases.

    Each synthetic case is a handful of events of the real types — opened (the
    child's 18th birthday), undringer awaiting a nivå-0 decision, open tiltak with
    evaluation dates, meetings awaiting minutes, decisions with a follow-up date,
    for some an individuell plan with a revision date and measures, a few pending
    handovers or holders who left — and their agenda rows are computed by
    ``CATALOGUE.project``, exactly as an append does. Due
    dates spread from months in the past (overdue work) to 18 years ahead. The
    rows then go straight into the agenda table in one transaction: the queries
    only read that table, and 100,000 histories through ``append()`` would only
    make the benchmark slower to set up.
    """
    from barnekoordinator.coordination import handover, plan, stafettlogg
    from barnekoordinator.history.projections import apply_ops

    store = SQLiteCaseStore(tmp / "agenda.db")
    today = date(2026, 1, 5)
    rng = random.Random(5)
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

    def day(low: int, high: int) -> str:
        return (today + timedelta(days=rng.randint(low, high))).isoformat()

    rows: list[tuple[str, str, str, str, str]] = []
    for i in range(cases):
        case = f"case-{i:06d}"
        payloads: list[tuple[str, dict[str, Any]]] = []
        if rng.random() < 0.95:  # else an expected child: no birthday yet
            born = today - timedelta(days=rng.randint(0, 18 * 365 - 1))
            payloads.append(("case.opened", {"subject": {"birth_date": born.isoformat()}}))
        for n in range(rng.choice((0, 0, 1))):  # undring awaiting a nivå-0 decision
            payloads.append(
                (
                    stafettlogg.UndringRegistered.TYPE,
                    {"undring_id": f"u{n}", "decision_due": day(-14, 30)},
                )
            )
        for n in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):  # open tiltak, some overdue
            due = day(-45, 0) if rng.random() < 0.15 else day(1, 120)
            payloads.append(
                (stafettlogg.LogMeasureAdded.TYPE, {"tiltak_id": f"t{n}", "evaluation_date": due})
            )
        if rng.random() < 0.15:  # a meeting whose minutes are not yet recorded
            payloads.append(
                (
                    stafettlogg.MeetingScheduled.TYPE,
                    {"meeting_id": "m1", "meeting_on": day(-30, 60)},
                )
            )
        if rng.random() < 0.10:  # a decision with a follow-up date
            payloads.append(
                (
                    stafettlogg.DecisionRecorded.TYPE,
                    {"decision_id": "d1", "follow_up_on": day(30, 365)},
                )
            )
        if rng.random() < 0.20:  # an individuell plan: revision date and measures
            payloads.append((plan.PlanPeriodSet.TYPE, {"next_revision": day(30, 365)}))
            for n in range(rng.randint(1, 4)):
                payloads.append(
                    (
                        plan.PlanMeasureAdded.TYPE,
                        {"measure_id": f"p{n}", "evaluation_date": day(7, 180)},
                    )
                )
        if rng.random() < 0.04:  # a handover proposed and not yet accepted
            payloads.append((handover.HandoverProposed.TYPE, {"on": day(-60, 0)}))
        elif rng.random() < 0.01:  # the holder left without a handover
            payloads.append((handover.StafettholderLeft.TYPE, {"on": day(-90, 0)}))
        records = [
            EventRecord(
                case_id=case,
                sequence=n,
                type=kind,
                schema_version=1,
                recorded_at=at,
                actor="actor-17",
                payload=json.dumps(body, separators=(",", ":")),
            )
            for n, (kind, body) in enumerate(payloads, start=1)
        ]
        agenda: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        apply_ops(agenda, CATALOGUE.project(records))
        rows += [
            (a.case_id, a.kind.value, a.key, a.due.isoformat(), a.detail) for a in agenda.values()
        ]
    connection = store._connection()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO case_agenda VALUES (?,?,?,?,?)", rows)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    print(f"# agenda: {cases:,} open cases, {len(rows):,} agenda rows in {store.path}")
    del rows  # do not keep the tuples alive (and scanned by the GC) while timing
    try:
        yield store, today
    finally:
        store.close()


def bench_agenda(args: argparse.Namespace, tmp: Path) -> list[tuple[str, float, int]]:
    """Median milliseconds of the municipality's agenda queries (and the stress query)."""
    results = []
    work = {
        AgendaKind.EVALUATION_DUE,
        AgendaKind.DECISION_DUE,
        AgendaKind.REVISION_DUE,
        AgendaKind.OBLIGATION_DUE,
    }
    with _agenda_store(tmp, args.agenda_cases) as (store, today):
        week = today + timedelta(days=7)
        queries: list[tuple[str, Callable[[], list[Any]]]] = [
            ("due within 7 days, first 100", lambda: store.agenda(until=week, limit=100)),
            (
                "evaluations etc. due in 7 days, 100",
                lambda: store.agenda(until=week, kinds=work, limit=100),
            ),
            (
                "handovers pending > 14 days",
                lambda: store.agenda(
                    until=today - timedelta(days=14), kinds={AgendaKind.HANDOVER_PENDING}
                ),
            ),
            (
                "turning 18 within 180 days",
                lambda: store.agenda(
                    until=today + timedelta(days=180), kinds={AgendaKind.TURNS_18}
                ),
            ),
            (
                "holders missing",
                lambda: store.agenda(until=today, kinds={AgendaKind.HOLDER_MISSING}),
            ),
            ("one case", lambda: store.agenda(until=date.max, case_id="case-050000")),
            ("STRESS: all due within 7 days*", lambda: store.agenda(until=week)),
        ]
        for name, query in queries:
            query()  # warm the page cache
            times = []
            for _ in range(15):
                start = time.perf_counter()
                rows = query()
                times.append((time.perf_counter() - start) * 1000)
            results.append((name, statistics.median(times), len(rows)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="cases per append run")
    parser.add_argument("--per-case", type=int, default=20, help="events per case")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 10], help="events per txn")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="PostgreSQL event partitions (default: the store's default)",
    )
    parser.add_argument("--agenda-cases", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--agenda-only", action="store_true", help="only the agenda queries")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.per_case, args.runs, args.agenda_cases = 20, 10, 1, 5_000
    print(
        f"# {args.cases} cases x {args.per_case} events; median of {args.runs} run(s); "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        if not args.agenda_only:
            rows = bench_sqlite(args, Path(tmp))
            if not args.no_postgres:
                rows += bench_postgres(args)
            _print(rows)
            _print_hash_check()
            print()
        print(f"{'agenda query (SQLite)':34} {'median ms':>12} {'rows':>14} {'target':>7}")
        for name, ms, count in bench_agenda(args, Path(tmp)):
            verdict = "ok" if ms <= 50 else "SLOW"
            if name.startswith("STRESS"):
                verdict = "-"
            print(f"{name:34} {ms:12.2f} {count:14,} {verdict:>7}")
        print(
            "* stress case, not a view anyone opens: every overdue and due row of every "
            "kind at once, unpaged; its time is mostly building one AgendaItem per row. "
            "Interactive views page with limit= or filter by kind."
        )


if __name__ == "__main__":
    main()

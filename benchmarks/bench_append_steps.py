"""Where one SQLite append transaction's time goes, step by step, beside eventsourcing's.

Run from the repository root (``pip install -e '.[bench]'``)::

    python benchmarks/bench_append_steps.py                 # tiltak and mix, 10 per transaction
    python benchmarks/bench_append_steps.py --batch 1

Both sides run with ``synchronous=OFF`` (no fsync: what is left is CPU and the pages each commit
writes to the WAL). Our side does the steps of ``SQLiteCaseStore.append`` one at a time, each
timed on its own: the hash and sequence check (``AppendCheck.prepare``), the agenda projection
(``Catalogue.project``), the rows, ``BEGIN IMMEDIATE``, the version and chain read, the events'
INSERT, the agenda upserts, ``COMMIT``. It mirrors that method (private helpers of the store,
this file's only use of them) and must follow it when it changes. Their side is eventsourcing's
``insert_events`` of the same payload bytes, timed whole. Microseconds per transaction, medians
of ``--runs`` runs (decision 35).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_storage import Theirs, _pragmas, histories, sealed_records

from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.storekit import AppendCheck
from barnekoordinator_plugins.sqlite import SQLiteCaseStore
from barnekoordinator_plugins.sqlite._sql import _LAST, _apply_ops, _event_row, _insert_events_sql

STEPS = ("check", "project", "rows", "begin", "last", "insert", "agenda", "commit")


def ours(store: SQLiteCaseStore, records: dict[str, list[EventRecord]], batch: int) -> list[float]:
    """Seconds per step, summed over every transaction."""
    connection, clock = store._connection(), time.perf_counter
    spent = [0.0] * len(STEPS)
    per_case = len(next(iter(records.values())))
    for start in range(0, per_case, batch):
        for case, chain in records.items():
            chunk = chain[start : start + batch]
            t = [clock()]
            check = AppendCheck.prepare(case, start, chunk)
            t.append(clock())
            ops = store._catalogue.project(chunk)
            t.append(clock())
            rows = list(map(_event_row, chunk, check.times))
            t.append(clock())
            connection.execute("BEGIN IMMEDIATE")
            t.append(clock())
            connection.execute(_LAST, (case,)).fetchone()
            t.append(clock())
            connection.execute(_insert_events_sql(len(rows)), list(itertools.chain(*rows)))
            t.append(clock())
            _apply_ops(connection, ops)
            t.append(clock())
            connection.execute("COMMIT")
            t.append(clock())
            for i in range(len(STEPS)):
                spent[i] += t[i + 1] - t[i]
    return spent


def theirs(side: Theirs, cases: list[str], per_case: int) -> float:
    clock = time.perf_counter
    t0 = clock()
    for start in range(0, per_case, side.batch):
        for case in cases:
            side.append(case, start)
    return clock() - t0


def main() -> None:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--per-case", type=int, default=30)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    commits = args.cases * -(-args.per_case // args.batch)
    print(
        f"# {args.cases} cases x {args.per_case} events, {args.batch} per transaction, "
        f"{args.runs} runs; synchronous=OFF on both sides; µs per transaction, medians"
    )
    print(f"{'':8} " + " ".join(f"{s:>7}" for s in STEPS) + f" {'ours':>7} {'theirs':>7}")
    with tempfile.TemporaryDirectory(prefix="bk-steps-") as tmp:
        for workload in ("tiltak", "mix"):
            records = sealed_records(histories(workload, args.cases, args.per_case))
            runs: list[tuple[list[float], float]] = []
            for run in range(args.runs):
                store = SQLiteCaseStore(Path(tmp) / f"o-{workload}-{run}.db", synchronous="OFF")
                datastore = SQLiteDatastore(str(Path(tmp) / f"t-{workload}-{run}.db"))
                _pragmas(datastore, ("synchronous=OFF",))
                recorder = SQLiteApplicationRecorder(datastore)
                recorder.create_table()
                side = Theirs(recorder, args.batch, records=records)
                # Theirs first in even runs, ours first in odd ones.
                if run % 2:
                    mine = ours(store, records, args.batch)
                    other = theirs(side, list(records), args.per_case)
                else:
                    other = theirs(side, list(records), args.per_case)
                    mine = ours(store, records, args.batch)
                runs.append((mine, other))
                store.close()
                datastore.close()
            steps = [
                statistics.median(r[0][i] for r in runs) / commits * 1e6 for i in range(len(STEPS))
            ]
            whole = statistics.median(sum(r[0]) for r in runs) / commits * 1e6
            other = statistics.median(r[1] for r in runs) / commits * 1e6
            print(
                f"{workload:8} "
                + " ".join(f"{v:7.0f}" for v in steps)
                + f" {whole:7.0f} {other:7.0f}"
            )


if __name__ == "__main__":
    main()

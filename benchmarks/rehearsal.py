"""A nationwide rehearsal on PostgreSQL (run by hand; not part of the test run).

    nice -n 19 python benchmarks/rehearsal.py              # 1,100,000 cases, ≈ 11.8 M events
    nice -n 19 python benchmarks/rehearsal.py --scale 0.1  # a tenth

In a private durable PostgreSQL cluster (``barnekoordinator.testing.postgres``, ``fsync=on``):

1. **Load** ``1,100,000 × scale`` synthetic cases (``barnekoordinator.testing.population``: real
   commands, sealed synthetic identities, ≈ 10.7 events a case, so ≥ 10,000,000 events at scale 1)
   through the bulk path (``PostgresCaseStore.load``: ``COPY`` in one transaction per chunk).
2. **read_all** over the whole history in pages of 1,000: events/s.
3. **The agenda**: every query, median and maximum of ``--repeat`` runs.
4. **Verify a sample** of ``--sample`` random cases (each chain, its audit trail and ranges, its
   agenda rows against its projection) and **one whole checkpoint**: a ``Checkpointer``'s first
   checkpoint (everything read once), then ``verify_store(…, checkpoint=…)`` (every chain, range
   and agenda row, and the consistency proof).
5. **Concurrent writers**: ``--writers`` processes for ``--seconds`` each, on a hot set of
   ``--hot`` cases: read the case's version, append an observation with its audit record (as the
   Casebook does), read the case back; a stale version counts as a conflict and is retried.
   Prints appends/s, reads/s and the conflict rate. Then **a checkpoint after another**: the same
   ``Checkpointer`` reads only the writers' records (decision 32).

Stops before loading when less than 20 GB is free where the cluster lives.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _country import Loader, time_queries

from barnekoordinator._cli.verify import verify_store
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import ConcurrencyConflict
from barnekoordinator.history.checkpoint import Checkpointer
from barnekoordinator.history.projections import apply_ops
from barnekoordinator.history.records import (
    AuditRecord,
    EventRecord,
    verify_audit,
    verify_events,
)

COUNTRY = 1_100_000


def _sample_verify(store: Any, case_ids: list[str]) -> int:
    """Verify each case on its own; return the number of problems."""
    problems = 0
    for case_id in case_ids:
        records = store.read(case_id)
        verify_events(case_id, records, expected_version=store.version(case_id))
        trail = store.read_audit(case_id)
        verify_audit(case_id, trail)
        covered = sorted(r.stored_range for r in trail if r.stored_range is not None)
        expected: list[tuple[int, int]] = []
        if records:
            expected = [(1, len(records))]
        problems += covered != expected
        rows: dict[Any, Any] = {}
        apply_ops(rows, CATALOGUE.project(records))
        stored = store.agenda(until=date.max, case_id=case_id)
        problems += sorted(rows.values(), key=lambda a: (a.due, a.kind.value, a.key)) != stored
    return problems


def _writer(job: tuple[str, str, list[str], float, int]) -> tuple[int, int, int]:
    dsn, schema, hot, seconds, seed = job
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    rng = random.Random(seed)
    appends = conflicts = reads = 0
    at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    with PostgresCaseStore(dsn, schema=schema) as store:
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            case_id = rng.choice(hot)
            version = store.version(case_id)
            last = store.read(case_id, after_version=version - 1)[-1]
            payload = json.dumps(
                {"observation_id": f"w{seed}-{appends}-{conflicts}", "text": "Observasjon"},
                separators=(",", ":"),
            )
            record = EventRecord(
                case_id=case_id,
                sequence=version + 1,
                type="stafettlogg.observation-recorded",
                schema_version=1,
                recorded_at=at,
                actor="writer",
                payload=payload,
            ).sealed(last.hash)
            audit = AuditRecord(
                case_id=case_id,
                sequence=0,
                at=at,
                actor="writer",
                actor_label="Rehearsal writer",
                action="write",
                target="case",
                allowed=True,
                reason="rehearsal",
            )
            try:
                store.append(case_id, version, [record], audit=audit)
                appends += 1
            except ConcurrencyConflict:
                conflicts += 1
            store.read(case_id)
            reads += 1
    return appends, conflicts, reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--hot", type=int, default=1000, help="cases the writers share")
    parser.add_argument("--skip-checkpoint", action="store_true")
    args = parser.parse_args()
    cases = int(COUNTRY * args.scale)
    free = shutil.disk_usage(tempfile.gettempdir()).free / 1e9
    print(f"# {cases:,} cases (scale {args.scale}); free disk {free:.0f} GB")
    if free < 20:
        sys.exit("fewer than 20 GB free: not loading (see the brief)")
    from barnekoordinator.testing.postgres import throwaway_postgres
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    with (
        throwaway_postgres(durable=True) as server,
        PostgresCaseStore(server.dsn, schema="country") as store,
    ):
        began = time.perf_counter()
        loader = Loader({"pg": store})
        loader.load(0, cases, workers=args.workers)
        wall = time.perf_counter() - began
        store._connection().execute("ANALYZE")
        size = store._connection().execute("SELECT pg_database_size('postgres')").fetchone()[0]
        print(
            f"load: {loader.cases:,} cases, {loader.events:,} events in {wall:,.0f} s wall "
            f"(generation included); in load(): {loader.events / loader.seconds['pg']:,.0f} "
            f"events/s, {loader.cases / loader.seconds['pg']:,.0f} cases/s; database "
            f"{size / 1e9:.2f} GB, {size / loader.cases:,.0f} bytes per case"
        )
        sys.stdout.flush()

        began, after, count = time.perf_counter(), 0, 0
        while page := store.read_all(after_position=after, limit=1000):
            count += len(page)
            after = page[-1].position
        seconds = time.perf_counter() - began
        print(f"read_all: {count:,} events in {seconds:.1f} s = {count / seconds:,.0f} events/s")
        sys.stdout.flush()

        print(f"{'agenda query':42} {'median ms':>10} {'max ms':>8} {'rows':>8}")
        for name, median, worst, rows in time_queries(store, "case-0000500", args.repeat):
            print(f"{name:42} {median:10.2f} {worst:8.2f} {rows:8,}")
        sys.stdout.flush()

        rng = random.Random(1)
        sample = [f"case-{rng.randrange(cases):07d}" for _ in range(args.sample)]
        began = time.perf_counter()
        problems = _sample_verify(store, sample)
        seconds = time.perf_counter() - began
        print(
            f"verify a sample of {len(sample):,} cases: {problems} problem(s), {seconds:.1f} s "
            f"({seconds / len(sample) * 1000:.2f} ms per case)"
        )
        sys.stdout.flush()

        checkpointer: Checkpointer | None = None
        if not args.skip_checkpoint:
            checkpointer = Checkpointer(store, "rehearsal.example/country")
            began = time.perf_counter()
            checkpoint = checkpointer.checkpoint()
            made = time.perf_counter() - began
            began = time.perf_counter()
            report = verify_store(store, checkpoint=checkpoint)
            checked = time.perf_counter() - began
            print(
                f"checkpoint of {checkpoint.events.size:,} events and "
                f"{checkpoint.audit.size if checkpoint.audit else 0:,} audit records: made in "
                f"{made:.0f} s; verify of everything against it: {checked:.0f} s, "
                f"{len(report.problems)} problem(s)"
            )
            sys.stdout.flush()

        hot = [f"case-{i:07d}" for i in random.Random(2).sample(range(cases), args.hot)]
        jobs = [(server.dsn, "country", hot, args.seconds, n) for n in range(args.writers)]
        began = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(args.writers) as pool:
            results = pool.map(_writer, jobs)
        wall = time.perf_counter() - began
        appends = sum(r[0] for r in results)
        conflicts = sum(r[1] for r in results)
        reads = sum(r[2] for r in results)
        per = [r[0] / args.seconds for r in results]
        print(
            f"{args.writers} writers × {args.seconds:.0f} s on {args.hot:,} hot cases: "
            f"{appends / args.seconds:,.0f} audited appends/s, {reads / args.seconds:,.0f} case "
            f"reads/s, conflict rate {conflicts / max(1, appends + conflicts):.2%} "
            f"({conflicts:,} of {appends + conflicts:,}); per writer median "
            f"{statistics.median(per):,.0f}/s; wall {wall:.0f} s"
        )
        if checkpointer is not None:
            began = time.perf_counter()
            after = checkpointer.checkpoint()
            made = time.perf_counter() - began
            print(
                f"the next checkpoint ({after.events.size - checkpoint.events.size:,} new events): "
                f"{made:.2f} s with the same Checkpointer"
            )


if __name__ == "__main__":
    main()

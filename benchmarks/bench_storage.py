"""Storage benchmark: our stores and eventsourcing's recorders, transaction by transaction.

Run from the repository root (``pip install -e '.[bench]'`` first; the PostgreSQL half also
needs the PostgreSQL server binaries, which the tests use too)::

    python benchmarks/bench_storage.py --runs 7        # full run (a few minutes)
    python benchmarks/bench_storage.py --quick         # smoke run (seconds)
    python benchmarks/bench_storage.py --no-postgres   # SQLite only
    python benchmarks/bench_storage.py --agenda-only   # the agenda queries only
    python benchmarks/bench_storage.py --events-only   # also our store without its agenda

What is compared, like with like:

* **the events** are real ones of this library, written by its own commands: a stafettlogg
  case (``mix``: the case opened, participants, roles, consent, tiltak added and evaluated,
  observations, meetings and minutes, decisions — a third of them write agenda rows) and a
  case of tiltak only (``tiltak``: every event writes an agenda row, the worst case for our
  appends). Each of ``--cases`` cases gets the same history under its own id.
* **store rows** (``store``): our [EventRecord]s against eventsourcing ``StoredEvent``s with
  the *same payload bytes* (identifiers sealed, as the Casebook writes them), both built before
  any clock starts. Our append also checks the expected version and the hash chain and writes
  the agenda rows the real projectors derive, in the same transaction; eventsourcing stores the
  event and relies on its primary key.
* **sealed rows** (``sealed``): from event objects to the database and back, each library's
  own way of keeping data unreadable at rest. Ours: ``to_records`` with the case's
  ``CaseCipher`` (AES-GCM, a data key per case made and stored wrapped on the case's first
  write, identifiers sealed), hashing, the append; reading: ``read`` and ``from_records``
  (identifiers opened, payloads structured into typed events). Theirs: a ``Mapper`` with
  ``JSONTranscoder`` and ``eventsourcing.cryptography.AESCipher`` (``CIPHER_KEY``; AES-GCM
  over the whole state) and ``insert_events``; reading: ``select_events`` /
  ``select_notifications`` and ``to_domain_event`` (decrypted, decoded into a dict). Both use
  the same AES-GCM of the ``cryptography`` package.
* **interleaved transaction by transaction**: each transaction (each case read, each page of
  the global feed) is done on our store and then on theirs, or the other way round (the order
  alternates), each timed on its own. Load from the other processes of this shared machine
  then lands on both sides alike; a whole run of one side and then of the other does not
  (measured: whole-run ratios swung from 0.46 to 1.05, these stay within a few per cent).
* **equal durability**: SQLite in WAL mode with ``synchronous=FULL`` on both (each commit
  fsyncs the WAL; read back from both sides' connections and printed); PostgreSQL: one
  throwaway server with ``fsync=on``, ``synchronous_commit=on`` (read back from both sides'
  connections and printed).

Two figures say where an append's time goes (decision 35): the pages each commit writes to
SQLite's WAL, printed for both sides (a run of appends with automatic checkpoints off), and,
with ``--events-only``, each ``store`` row run again with our agenda projection switched off,
so that our store writes what theirs writes. Those rows are marked diagnostic and do not count
towards the target.

Each run starts from empty stores; a run's ratio is the other's time ÷ ours for the same
work (> 1.0: ours is faster). Printed: the median events/s of each side, and the ratio's
minimum, median and maximum over ``--runs`` runs; ``noise`` is the spread of each side's
own rate over the runs (max ÷ min − 1), which the interleaving keeps out of the ratio.

The agenda benchmark fills a SQLite store with the agenda rows the real projectors derive
from 100,000 synthetic open cases (a handful of rows each, due dates from months overdue to
18 years ahead) and times the municipality's queries (median of 15; target <= 50 ms). The
unpaged "every row due within 7 days" query is printed apart as a stress case.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
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
from functools import partial
from pathlib import Path
from typing import Any, Final

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wal_pages import page_size, pages_per_commit
from bench_core import build_bti_history

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.stafettlogg import add_log_measure, open_stafettlogg
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import GENESIS, EventRecord
from barnekoordinator.history.sealing import InMemoryDataKeys, KeyRing, SealingKey
from barnekoordinator.history.serialization import event_to_json, from_records, to_records
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

Step = Callable[[], int]
Row = tuple[str, list[tuple[float, float]]]
"""A row's label and, per run, (our seconds, their seconds) for ``count`` events."""

# -- the workloads ------------------------------------------------------------------------


def _tiltak_history(count: int) -> list[RecordedEvent]:
    """``count`` tiltak added to one stafettlogg, numbered from 1 (each writes an agenda row)."""
    from barnekoordinator.access.consent import ConsentPurpose
    from barnekoordinator.coordination.stafettlogg import BtiLevel
    from barnekoordinator.services import ServiceKind
    from barnekoordinator.testing.builders import consent_all, standard_case

    day = date(2020, 1, 6)
    run = standard_case(age=3, as_of=day)
    consent_all(
        run, ConsentPurpose.STAFETTLOGG, [ServiceKind.BARNEHAGE], as_of=day, consent_id="k-0"
    )
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=day)
    start = len(run.history)
    for i in range(count):
        run.run(
            add_log_measure,
            tiltak_id=f"t{i}",
            by="pl",
            description=f"Tiltak {i}: foreldreveiledning (ICDP), 6 samlinger",
            responsible_ref="pl",
            evaluation_date=day + timedelta(days=30 + i),
            as_of=day,
        )
    return [attrs.evolve(r, sequence=n) for n, r in enumerate(run.history[start:], start=1)]


def histories(workload: str, cases: int, per_case: int) -> dict[str, list[RecordedEvent]]:
    """The same real history under ``cases`` case ids."""
    if workload == "mix":
        base = from_records(build_bti_history(per_case), CATALOGUE)
    else:
        base = _tiltak_history(per_case)
    ids = [f"case-{i:05d}" for i in range(cases)]
    return {case: [attrs.evolve(r, case_id=case) for r in base] for case in ids}


def sealed_records(data: dict[str, list[RecordedEvent]]) -> dict[str, list[EventRecord]]:
    """The records the Casebook would append (identifiers sealed), built before any clock."""
    ring = KeyRing(InMemoryDataKeys(), SealingKey.generate("bench"))
    return {
        case: to_records(tuple(h), GENESIS, cipher=ring.cipher(case, create=True))
        for case, h in data.items()
    }


# -- interleaving -------------------------------------------------------------------------


def alternate(steps: list[tuple[Step, Step]]) -> tuple[float, float]:
    """Run each pair of steps back to back, ours first on even steps; each side's seconds."""
    clock = time.perf_counter
    ours = theirs = 0.0
    for i, (mine, other) in enumerate(steps):
        if i % 2:
            t0 = clock()
            other()
            t1 = clock()
            mine()
            t2 = clock()
            theirs += t1 - t0
            ours += t2 - t1
        else:
            t0 = clock()
            mine()
            t1 = clock()
            other()
            t2 = clock()
            ours += t1 - t0
            theirs += t2 - t1
    return ours, theirs


def _pages(read_page: Callable[[int], tuple[int, int]], first: int) -> Step:
    """A step reading the next page of a global feed each time it is called."""
    after = [first]

    def step() -> int:
        count, after[0] = read_page(after[0])
        return count

    return step


# -- the two sides ------------------------------------------------------------------------


class Ours:
    """Our store: pre-built records (``store`` rows) or events through the cipher (``sealed``)."""

    def __init__(
        self,
        store: Any,
        batch: int,
        records: dict[str, list[EventRecord]] | None = None,
        events: dict[str, list[RecordedEvent]] | None = None,
    ) -> None:
        self.store, self.batch, self.records, self.events = store, batch, records, events
        self.ring = KeyRing(store, SealingKey.generate("bench"))
        self.confirms = "sealed_with" in inspect.signature(type(store).append).parameters
        self.prev: dict[str, str] = {}

    def append(self, case: str, start: int) -> int:
        if self.records is not None:
            chunk = self.records[case][start : start + self.batch]
        else:
            assert self.events is not None
            # As the Casebook does (decision 31): a new case's data key is stored by the
            # append of its first events, in the same transaction; and (decision 51) a cached
            # key is confirmed by the append (sealed_with) where the store takes it.
            sealed_with = None
            if self.confirms:
                cipher, data_key, sealed_with = self.ring.for_append(case)
            else:
                cipher, data_key = self.ring.for_write(case)
            chunk = to_records(
                tuple(self.events[case][start : start + self.batch]),
                self.prev.get(case, GENESIS),
                cipher=cipher,
            )
            self.prev[case] = chunk[-1].hash
            if data_key is not None:
                self.store.append(case, start, chunk, data_key=data_key)
                self.ring.stored(cipher)
                return len(chunk)
            if sealed_with is not None:
                self.store.append(case, start, chunk, sealed_with=sealed_with)
                return len(chunk)
        self.store.append(case, start, chunk)
        return len(chunk)

    def read(self, case: str) -> int:
        if self.events is None:
            return len(self.store.read(case))
        records, cipher = self.ring.read_case(self.store, case)  # one round trip (decision 51)
        from_records(records, CATALOGUE, cipher=cipher)
        return len(records)

    def page(self, after: int) -> tuple[int, int]:
        records = self.store.read_all(after_position=after, limit=1000)
        if not records:
            return 0, after
        if self.events is not None:
            for case, group in itertools.groupby(records, key=lambda r: r.case_id):
                from_records(list(group), CATALOGUE, cipher=self.ring.existing(case))
        return len(records), records[-1].position or 0


class TheirEvent:
    """An event as eventsourcing's mapper takes it: the envelope and the payload as a dict."""

    originator_id: uuid.UUID  # how the mapper learns the id's type on the way back

    def __init__(self, originator_id: uuid.UUID, record: RecordedEvent) -> None:
        self.originator_id = originator_id
        self.originator_version = record.sequence
        self.timestamp = record.recorded_at
        self.type = record.type
        self.actor = record.actor
        self.legal_basis = list(record.legal_basis)
        self.state = json.loads(event_to_json(record.event))  # identifiers in clear


class Theirs:
    """An eventsourcing application recorder, with pre-built stored events or its mapper."""

    def __init__(
        self,
        recorder: Any,
        batch: int,
        records: dict[str, list[EventRecord]] | None = None,
        events: dict[str, list[RecordedEvent]] | None = None,
    ) -> None:
        from eventsourcing.cryptography import AESCipher
        from eventsourcing.persistence import (
            DatetimeAsISO,
            JSONTranscoder,
            Mapper,
            StoredEvent,
            UUIDAsHex,
        )
        from eventsourcing.utils import Environment

        self.recorder, self.batch = recorder, batch
        names = records if records is not None else events
        assert names is not None
        self.ids = {case: uuid.uuid5(uuid.NAMESPACE_URL, case) for case in names}
        self.stored: dict[str, list[Any]] | None = None
        self.events: dict[str, list[TheirEvent]] | None = None
        if records is not None:
            self.stored = {
                case: [
                    StoredEvent(self.ids[case], r.sequence, r.type, r.payload.encode())
                    for r in chain
                ]
                for case, chain in records.items()
            }
        else:
            assert events is not None
            self.events = {
                case: [TheirEvent(self.ids[case], r) for r in chain]
                for case, chain in events.items()
            }
        transcoder = JSONTranscoder()
        transcoder.register(UUIDAsHex())
        transcoder.register(DatetimeAsISO())
        key = AESCipher.create_key(32)
        self.mapper = Mapper(transcoder, cipher=AESCipher(Environment(env={"CIPHER_KEY": key})))

    def append(self, case: str, start: int) -> int:
        if self.stored is not None:
            chunk = self.stored[case][start : start + self.batch]
        else:
            assert self.events is not None
            to_stored = self.mapper.to_stored_event
            chunk = [to_stored(e) for e in self.events[case][start : start + self.batch]]
        self.recorder.insert_events(chunk)
        return len(chunk)

    def read(self, case: str) -> int:
        stored = self.recorder.select_events(self.ids[case])
        if self.events is not None:
            to_domain = self.mapper.to_domain_event
            [to_domain(s) for s in stored]
        return len(stored)

    def page(self, start: int) -> tuple[int, int]:
        page = self.recorder.select_notifications(start=start, limit=1000)
        if not page:
            return 0, start
        if self.events is not None:
            to_domain = self.mapper.to_domain_event
            [to_domain(s) for s in page]
        return len(page), page[-1].id + 1


def one_run(
    make_ours: Callable[[], Ours],
    make_theirs: Callable[[], Theirs],
    cases: list[str],
    per_case: int,
) -> dict[str, tuple[float, float]]:
    """Append everything into new stores, then read it back, interleaved; seconds per side."""
    ours, theirs = make_ours(), make_theirs()
    try:
        batch = ours.batch
        appends = [
            (
                lambda case=case, start=start: ours.append(case, start),
                lambda case=case, start=start: theirs.append(case, start),
            )
            for start in range(0, per_case, batch)
            for case in cases
        ]
        reads = [
            (lambda case=case: ours.read(case), lambda case=case: theirs.read(case))
            for case in cases
        ]
        pages = len(cases) * per_case // 1000 + 2
        mine, other = _pages(ours.page, 0), _pages(theirs.page, 1)
        return {
            "append": alternate(appends),
            "read a case": alternate(reads),
            "read_all": alternate([(mine, other)] * pages),
        }
    finally:
        ours.store.close()
        theirs.recorder.datastore.close()


def compare(
    label: str,
    make_ours: Callable[[], Ours],
    make_theirs: Callable[[], Theirs],
    args: argparse.Namespace,
) -> list[Row]:
    """``args.runs`` runs of one comparison; a row per operation."""
    cases = [f"case-{i:05d}" for i in range(args.cases)]
    runs = [one_run(make_ours, make_theirs, cases, args.per_case) for _ in range(args.runs)]
    return [(f"{label} {op}", [run[op] for run in runs]) for op in runs[0]]


def print_rows(rows: list[Row], events: int) -> bool:
    """The table; True when every row's median ratio is at least 1.0."""
    print(
        f"{'':50} {'ours ev/s':>10} {'theirs ev/s':>11}  {'ratio min':>9} {'median':>6} "
        f"{'max':>5}  {'noise ours/theirs':>17}"
    )
    ok = True
    for name, runs in rows:
        if DIAGNOSTIC in name and not name.endswith(" append"):
            continue  # the projection is written on append only: its reads are the store rows'
        ratios = [theirs / ours for ours, theirs in runs]
        ours_rates = [events / ours for ours, _ in runs]
        theirs_rates = [events / theirs for _, theirs in runs]
        median = statistics.median(ratios)
        diagnostic = DIAGNOSTIC in name
        ok = ok and (median >= 1.0 or diagnostic)
        noise = (
            f"{max(ours_rates) / min(ours_rates) - 1:6.0%} /"
            f"{max(theirs_rates) / min(theirs_rates) - 1:5.0%}"
        )
        flag = "" if min(ratios) >= 1.0 else "  (min < 1.0)" if median >= 1.0 else "  BELOW 1.0"
        flag += "  (diagnostic)" if diagnostic else ""
        print(
            f"{name:50} {statistics.median(ours_rates):10,.0f} "
            f"{statistics.median(theirs_rates):11,.0f}  {min(ratios):9.2f} {median:6.2f} "
            f"{max(ratios):5.2f}  {noise:>17}{flag}"
        )
    return ok


def _print_hash_check() -> None:
    """What an append's hash check costs per record, sealed here or built elsewhere."""
    from barnekoordinator.history.storekit import AppendCheck

    chain = sealed_records(histories("mix", 1, 10))["case-00000"]
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


# -- SQLite and PostgreSQL ----------------------------------------------------------------


DIAGNOSTIC: Final = "no agenda"
"""Label of the ``--events-only`` rows: our store with the agenda projection switched off."""


def _workloads(args: argparse.Namespace) -> list[tuple[str, dict[str, Any], Catalogue | None]]:
    """(label, keyword arguments of Ours/Theirs, our store's catalogue) for every workload and
    mode asked for. ``None``: the library's catalogue; with ``--events-only`` a ``store`` row
    also runs with a catalogue without projectors, so that our store writes what theirs
    writes (the events and nothing else): a diagnostic, not a target row."""
    out: list[tuple[str, dict[str, Any], Catalogue | None]] = []
    for workload in args.workload:
        events = histories(workload, args.cases, args.per_case)
        if "store" in args.mode:
            records = sealed_records(events)
            out.append((f"{workload} store", {"records": records}, None))
            if args.events_only:
                no_agenda = attrs.evolve(CATALOGUE, projectors={})
                out.append((f"{workload} store, {DIAGNOSTIC}", {"records": records}, no_agenda))
        if "sealed" in args.mode:
            out.append((f"{workload} sealed", {"events": events}, None))
    return out


def bench_sqlite(args: argparse.Namespace, tmp: Path) -> list[Row]:
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    counter = itertools.count()

    def store(catalogue: Catalogue | None = None) -> SQLiteCaseStore:
        return SQLiteCaseStore(
            tmp / f"ours-{next(counter)}.db", synchronous=args.synchronous, catalogue=catalogue
        )

    def recorder(*pragmas: str) -> Any:
        datastore = SQLiteDatastore(str(tmp / f"theirs-{next(counter)}.db"))
        if args.synchronous != "FULL":
            pragmas = (*pragmas, f"synchronous={args.synchronous}")
        _pragmas(datastore, pragmas)
        made = SQLiteApplicationRecorder(datastore)
        made.create_table()
        return made

    # Durability, read back from each side's own connection.
    ours, theirs = store(), recorder()
    mine = ours._connection()
    ours_settings = [
        mine.execute(f"PRAGMA {p}").fetchone()[0] for p in ("synchronous", "journal_mode")
    ]
    with theirs.datastore.get_connection(commit=False) as conn:
        cursor = conn.cursor()
        theirs_settings = []
        for p in ("synchronous", "journal_mode"):
            cursor.execute(f"PRAGMA {p}")
            theirs_settings.append(cursor.fetchone()[0])
    ours.close()
    theirs.datastore.close()
    print(
        f"# SQLite {sqlite3.sqlite_version}: ours synchronous={ours_settings[0]} "
        f"journal_mode={ours_settings[1]}; eventsourcing synchronous={theirs_settings[0]} "
        f"journal_mode={theirs_settings[1]} (2 = FULL: every commit fsyncs the WAL; "
        "0 = OFF: no fsync, CPU and page writes only)"
    )
    if ours_settings != theirs_settings:
        raise SystemExit("durability differs between the two sides; not comparing")
    rows: list[Row] = []
    pages: list[tuple[str, float, float]] = []
    for label, data, catalogue in _workloads(args):
        for batch in args.batch:
            make_ours = partial(lambda c, b, d: Ours(store(c), b, **d), catalogue, batch, data)
            make_theirs = partial(lambda b, d: Theirs(recorder(), b, **d), batch, data)
            rows += compare(f"sqlite {label} batch={batch}", make_ours, make_theirs, args)
            logging = partial(
                lambda b, d: Theirs(recorder("wal_autocheckpoint=0"), b, **d), batch, data
            )
            pages.append((f"sqlite {label} batch={batch}", *_wal_pages(make_ours, logging)))
    print("# WAL pages written per commit, ours / theirs (schema, not code; decision 35):")
    for name, mine, other in pages:
        print(f"#   {name:46} {mine:6.1f} / {other:4.1f}")
    return rows


def _wal_pages(
    make_ours: Callable[[], Ours], make_theirs: Callable[[], Theirs]
) -> tuple[float, float]:
    """Pages each commit of one run of appends writes to the WAL, ours and theirs
    (``make_theirs`` turns their automatic checkpoints off; ours are turned off here)."""
    ours, theirs = make_ours(), make_theirs()
    try:
        mine = ours.store._connection()
        mine.execute("PRAGMA wal_autocheckpoint=0")
        cases = sorted((ours.records or ours.events or {}).keys())
        per_case = len((ours.records or ours.events or {})[cases[0]])
        starts = range(0, per_case, ours.batch)
        commits = len(cases) * len(starts)
        size = page_size(mine)

        def run(side: Ours | Theirs) -> Callable[[], int]:
            return lambda: sum(side.append(case, start) for start in starts for case in cases)

        return (
            pages_per_commit(Path(ours.store.path), run(ours), commits, size),
            pages_per_commit(
                Path(theirs.recorder.datastore.pool.db_name), run(theirs), commits, size
            ),
        )
    finally:
        ours.store.close()
        theirs.recorder.datastore.close()


def _pragmas(datastore: Any, pragmas: tuple[str, ...]) -> None:
    """Run ``PRAGMA …`` for each of ``pragmas`` on every connection eventsourcing's pool makes."""
    if not pragmas:
        return
    pool = datastore.pool
    make = pool._create_connection

    def create() -> Any:
        made = make()
        for pragma in pragmas:
            made._sqlite_conn.execute(f"PRAGMA {pragma}")
        return made

    pool._create_connection = create


_PG_SETTINGS = ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")


def bench_postgres(args: argparse.Namespace) -> list[Row]:
    import psycopg
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    from barnekoordinator.testing.postgres import throwaway_postgres
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    counter = itertools.count()
    rows: list[Row] = []
    with throwaway_postgres(durable=True) as server:
        layout: dict[str, Any] = {} if args.partitions is None else {"partitions": args.partitions}

        def store(catalogue: Catalogue | None = None) -> PostgresCaseStore:
            return PostgresCaseStore(
                server.dsn, schema=f"ours_{next(counter)}", catalogue=catalogue, **layout
            )

        def recorder() -> Any:
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
            made = PostgresApplicationRecorder(datastore)
            made.create_table()
            return made

        # Durability, read back from each side's own connection.
        ours, theirs = store(), recorder()
        query = "SELECT " + ", ".join(f"current_setting('{s}') AS {s}" for s in _PG_SETTINGS)
        ours_settings = tuple(ours._connection().execute(query).fetchone())
        with theirs.datastore.get_connection() as conn:
            row = conn.execute(query).fetchone()
            theirs_settings = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        version = ours._connection().execute("SHOW server_version").fetchone()[0]
        ours.close()
        theirs.datastore.close()
        shown = ", ".join(f"{k}={v}" for k, v in zip(_PG_SETTINGS, ours_settings, strict=True))
        print(f"# PostgreSQL {version}: ours {shown}")
        shown = ", ".join(f"{k}={v}" for k, v in zip(_PG_SETTINGS, theirs_settings, strict=True))
        print(f"# PostgreSQL {version}: eventsourcing {shown}")
        if ours_settings != theirs_settings:
            raise SystemExit("durability differs between the two sides; not comparing")
        for label, data, catalogue in _workloads(args):
            for batch in args.batch:
                rows += compare(
                    f"postgres {label} batch={batch}",
                    partial(lambda c, b, d: Ours(store(c), b, **d), catalogue, batch, data),
                    partial(lambda b, d: Theirs(recorder(), b, **d), batch, data),
                    args,
                )
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
    parser.add_argument("--cases", type=int, default=100, help="cases per run")
    parser.add_argument("--per-case", type=int, default=30, help="events per case")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 10], help="events per txn")
    parser.add_argument(
        "--workload", nargs="+", choices=("mix", "tiltak"), default=["mix", "tiltak"]
    )
    parser.add_argument(
        "--mode", nargs="+", choices=("store", "sealed"), default=["store", "sealed"]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="PostgreSQL event partitions (default: the store's default)",
    )
    parser.add_argument("--agenda-cases", type=int, default=100_000)
    parser.add_argument(
        "--synchronous",
        choices=("FULL", "OFF"),
        default="FULL",
        help="SQLite PRAGMA synchronous on both sides (OFF: no fsync, to separate CPU from it)",
    )
    parser.add_argument(
        "--events-only",
        action="store_true",
        help="also run each store row with our agenda projection off (a diagnostic row: then "
        "our store writes what theirs writes)",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-agenda", action="store_true")
    parser.add_argument("--agenda-only", action="store_true", help="only the agenda queries")
    parser.add_argument("--quick", action="store_true", help="small sizes, three runs")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.per_case, args.runs, args.agenda_cases = 10, 20, 3, 5_000
    print(
        f"# {args.cases} cases x {args.per_case} events per run, {args.runs} runs; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
        f"SQLite synchronous={args.synchronous} (both sides)"
    )
    events = args.cases * args.per_case
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        if not args.agenda_only:
            rows = bench_sqlite(args, Path(tmp))
            if not args.no_postgres:
                rows += bench_postgres(args)
            ok = print_rows(rows, events)
            print(f"# every row's median ratio >= 1.0: {'yes' if ok else 'NO'}")
            _print_hash_check()
            print()
        if args.no_agenda:
            return
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

"""What the one door costs (issue 11): the agenda through the Casebook, and a write then a read.

1. The agenda of every case in a SQLite store: the trusted back-office query
   (``store.agenda``, no decision) against ``Casebook.agenda`` for a principal,
   which loads, verifies and replays each case with rows due, decides its
   overview and the entry of each row, and audits each case it shows — for a
   leader of the municipality (every case, no entry) and for a professional who
   takes part in every case (every case and entry).
2. One case's agenda (``Casebook.agenda(…, case_id=…)``).
3. A write (``execute``, which now returns ``Recorded``) against a write
   followed by the ``read`` a caller makes to show the result.

Run: ``PYTHONPATH=src python benchmarks/bench_door.py [--cases N] [--tiltak T]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    consent_all,
    standard_case,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

D = DEFAULT_AS_OF
SECRET = b"bench-door-secret-0123456789abcd"


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def fill(store: SQLiteCaseStore, cases: int, tiltak: int) -> None:
    """``cases`` standard cases, each with a stafettlogg and ``tiltak`` tiltak due soon."""
    for n in range(cases):
        run = standard_case(age=5 + n % 10, case_id=f"case-{n:05d}")
        consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON), consent_id="k")
        run.run(
            stafettlogg.open_stafettlogg,
            by="pl",
            holder_ref="pl",
            level=stafettlogg.BtiLevel.NIVAA_1,
            as_of=D,
        )
        for t in range(tiltak):
            run.run(
                stafettlogg.add_log_measure,
                tiltak_id=f"t{t}",
                by="pl",
                description=f"Tiltak {t}",
                responsible_ref="pl",
                evaluation_date=D + timedelta(days=10 + t),
                as_of=D,
            )
        store.append(run.case.id, 0, run.records())


def main() -> None:
    """Build the store, time the calls, print milliseconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--tiltak", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    leader = Principal(
        subject="boss",
        display_label="Leder",
        assurance=AssuranceLevel.HIGH,
        roles=frozenset({SystemRole.LEADER}),
        municipality_number="0301",
    )
    holder = Principal(
        subject="pl", display_label="Pedagogisk leder", assurance=AssuranceLevel.HIGH
    )
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteCaseStore(Path(folder) / "door.db")
        start = time.perf_counter()
        fill(store, args.cases, args.tiltak)
        print(f"filled {args.cases} cases in {time.perf_counter() - start:.1f} s")
        clock = FixedClock(datetime.combine(D, clock_time(9), tzinfo=UTC))
        book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
        until = date(2045, 1, 1)
        rows = len(store.agenda(until=until))
        print(f"{rows} agenda rows due by {until}")
        for label, fn in (
            ("store.agenda (back office, no decision)", lambda: store.agenda(until=until)),
            ("Casebook.agenda search as a leader", lambda: book.agenda(leader, until=until)),
            ("Casebook.agenda search as the holder", lambda: book.agenda(holder, until=until)),
            (
                "Casebook.agenda of one case (holder)",
                lambda: book.agenda(holder, case_id="case-00000", until=until),
            ),
        ):
            times = _time(fn, args.repeat)
            best = min(times) * 1000
            per_case = best / args.cases if "search" in label else best
            print(
                f"{label:<42} {best:9.1f} ms (median {statistics.median(times) * 1000:.1f})"
                + (f"; {per_case:.2f} ms per case" if "search" in label else "")
            )

        def write() -> object:
            return book.execute(
                holder,
                "case-00001",
                lambda c: stafettlogg.record_observation(
                    c,
                    observation_id=f"o{time.perf_counter_ns()}",
                    by="pl",
                    kind=stafettlogg.ObservationKind.OPPMERKSOMHET,
                    text="Notat",
                    as_of=D,
                ),
            )

        writes = _time(write, args.repeat * 4)
        both = _time(lambda: (write(), book.read(holder, "case-00001")), args.repeat * 4)
        print(f"{'execute (returns Recorded)':<42} {min(writes) * 1000:9.2f} ms")
        print(f"{'execute, then read to show the result':<42} {min(both) * 1000:9.2f} ms")
        store.close()


if __name__ == "__main__":
    main()

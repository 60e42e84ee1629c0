"""Replay of one long case from stored JSON, at 10,000, 100,000 and 1,000,000 events.

Target (issue 15, item 2): >= 150,000 events/s at every size, for a stafettlogg case and an
individuell plan case, linear in the history's length (the rate at each size is printed
as a ratio to the rate at the smallest), with the peak memory per event, and no change to
the caller's garbage-collector settings after the call (checked on every call).

The histories are written with the library's own commands (``bench_core``'s builders),
folding after every command: a write costs the same on a long case since the item fields
became persistent vectors (decision 29), so no batched fold is needed.

Each size is replayed once cold (its rate printed on its own), then ``--repeat`` times; the
figure is the median of those (best in brackets).
Peak memory is measured in a separate replay under ``tracemalloc`` (which slows it), as
the peak of memory allocated during the replay divided by the number of events: the
decoded events and the case they fold into.

Writing 1,000,000 events through the commands takes minutes; ``--cache DIR`` keeps each history
written (pickled, one file per case and size) and reads it back on the next run, so that the code
before and after a change (``PYTHONPATH``) can be replayed alternately on the same records.

Run: ``python benchmarks/bench_replay.py [--sizes 10000,100000,1000000] [--repeat 5] [--cache DIR]``
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.history.records import EventRecord
from barnekoordinator.testing.builders import CaseRun

sys.path.insert(0, str(Path(__file__).parent))
from bench_core import bti_run, plan_run

TARGET = 150_000


def _gc_settings() -> tuple[object, ...]:
    return (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())


def _records(build: Callable[..., CaseRun], n: int, cache: Path | None) -> list[EventRecord]:
    kept = cache / f"{build.__name__}-{n}.pickle" if cache is not None else None
    if kept is not None and kept.exists():
        with kept.open("rb") as file:
            records: list[EventRecord] = pickle.load(file)  # noqa: S301 - our own file
        print(f"  read {n:,} events written earlier from {kept}")
        return records
    start = time.perf_counter()
    records = build(n).records()[:n]
    print(f"  wrote {n:,} events with the commands in {time.perf_counter() - start:.1f} s")
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with kept.open("wb") as file:
            pickle.dump(records, file, protocol=pickle.HIGHEST_PROTOCOL)
    return records


def measure(records: list[EventRecord], repeat: int) -> tuple[float, float, float, float]:
    """The first (cold) replay's rate, the median and best of ``repeat`` replays after it
    (events/s), and the peak bytes per event.

    The first replay of a process fills what later ones reuse (hook lookups, the bounded
    tables of dates and organisation numbers): a server that has replayed one case replays
    the next warm. It is printed on its own rather than mixed into the median, where it
    pulled the smallest size down and made the larger ones look faster than linear.
    """
    n = len(records)
    case_id = records[0].case_id
    times = []
    for _ in range(repeat + 1):
        before = _gc_settings()
        start = time.perf_counter()
        case = CATALOGUE.load(case_id, records)
        times.append(time.perf_counter() - start)
        assert _gc_settings() == before, "replay changed the caller's gc settings"
        assert case.version == n
        del case
    cold, warm = times[0], times[1:]
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    case = CATALOGUE.load(case_id, records)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del case
    return n / cold, n / statistics.median(warm), n / min(warm), peak / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="keep the written histories in this folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"python {sys.version.split()[0]}; gc thresholds {gc.get_threshold()}; "
        f"median of {args.repeat} replays per size after a first one (best and first in "
        "brackets), one core"
    )
    for label, build in (("stafettlogg case", bti_run), ("individuell plan case", plan_run)):
        print(f"{label}:")
        rates: dict[int, float] = {}
        for n in sizes:
            records = _records(build, n, args.cache)
            cold, rate, best, per_event = measure(records, args.repeat)
            rates[n] = rate
            del records
            print(
                f"  {n:>9,} events: {rate:>9,.0f} events/s ({best:,.0f}; first {cold:,.0f})"
                f"  ratio to {sizes[0]:,}: {rate / rates[sizes[0]]:4.2f}"
                f"  peak {per_event / 1024:5.2f} KiB/event"
                f"  {'OK' if rate >= TARGET else f'BELOW TARGET ({TARGET:,})'}"
            )
            gc.collect()
    print("gc settings after every replay: unchanged (checked)")


if __name__ == "__main__":
    main()

"""Export benchmark: FHIR R4 Bundles from a case history (issue 13 item 8).

1. A case of about 200 FHIR resources (``rich_case`` with enough rounds), exported as the live
   Bundle: the **default path** (JSON-ready dicts, ``json.dumps``) and the **validated path**
   (the finished Bundle through the ``fhir.resources.R4B`` models), each as a ratio to the
   **floor**: ``json.dumps`` of the same dict. Target: default ≤ 3 × the floor.
2. **Bulk**: ``--cases`` cases (default 10,000) stored in a real SQLite file, each exported through
   the Casebook (load, decide every entry, audit, encode) by koordinerende enhet; progress on
   standard error, the rate printed at the end.

Run: ``PYTHONPATH=src python benchmarks/bench_export.py [--cases N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.sealing import KeyRing
from barnekoordinator.history.serialization import to_records
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.exporters import (
    RecordingExporter,
    into_casebook,
    rich_case,
    staff_principal,
)
from barnekoordinator_plugins.fhir import FhirExporter, _bundle
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

KE = staff_principal("ke", "Siri, koordinerende enhet")


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def single(repeat: int) -> None:
    """One ~200-resource case: default and validated path against the json.dumps floor."""
    run = rich_case(rounds=13)
    book = into_casebook(InMemoryCaseStore(), run)
    recorder = RecordingExporter(FhirExporter())
    book.export(KE, run.case.id, recorder, include_identifiers=True)
    view = recorder.views[0]
    bundle, _ = _bundle.live_bundle(view)
    count = len(bundle["entry"])
    fast = FhirExporter()
    slow = FhirExporter(validate=True)
    floor = _best(lambda: json.dumps(bundle, ensure_ascii=False, separators=(",", ":")), repeat)
    default = _best(lambda: fast.export(view), repeat)
    validated = _best(lambda: slow.export(view), max(3, repeat // 5))
    size = len(fast.export(view).content)
    print(f"case: {count} resources, {size / 1024:.0f} KiB")
    print(f"floor (json.dumps of the dict):   {floor * 1000:7.2f} ms")
    for name, took in (("default path (build + encode)", default), ("validated path", validated)):
        print(f"{name + ':':34}{took * 1000:7.2f} ms  {took / floor:5.1f}x floor")


def bulk(cases: int) -> None:
    """``cases`` cases in SQLite, each exported through the Casebook."""
    template = rich_case(rounds=1)
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteCaseStore(Path(folder) / "bulk.db")
        ring = KeyRing(store, TEST_SEALING_KEY)
        start = time.perf_counter()
        ids = []
        for n in range(cases):
            case_id = f"case-{n:05d}"
            history = tuple(attrs.evolve(r, case_id=case_id) for r in template.history)
            store.append(
                case_id, 0, to_records(history, GENESIS, cipher=ring.cipher(case_id, create=True))
            )
            ids.append(case_id)
        print(f"stored {cases} cases in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        book = into_casebook(store)
        exporter = FhirExporter()
        total = 0
        start = time.perf_counter()
        for n, case_id in enumerate(ids, start=1):
            total += len(book.export(KE, case_id, exporter).content)
            if n % 500 == 0 or n == cases:
                rate = n / (time.perf_counter() - start)
                print(f"\rexported {n}/{cases} ({rate:,.0f}/s)", end="", file=sys.stderr)
        elapsed = time.perf_counter() - start
        print(file=sys.stderr)
        store.close()
    print(
        f"bulk: {cases} cases from SQLite in {elapsed:.1f} s = {cases / elapsed:,.0f} cases/s "
        f"({total / cases / 1024:.0f} KiB each, audited through the Casebook)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    single(args.repeat)
    bulk(args.cases)


if __name__ == "__main__":
    main()

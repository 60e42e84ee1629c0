"""Writer process for the fault tests (run as a script, not collected by pytest).

``python _writer.py race SPEC`` prints ``ready``, waits for a line on stdin
(so all writers start together), appends single records with whatever version
it just read until it has ``appends`` successes, and prints a JSON report.
``python _writer.py batches SPEC`` appends batches forever (until killed),
each with its audit record in the same ``append`` call (reason
``stored FIRST-LAST``), printing ``ready`` once the store is open.

SPEC is a JSON object: ``store`` (URL), ``options`` (plugin options),
``worker``, ``cases``, ``appends``, ``batch``, ``seed``.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from typing import Any

import attrs

from barnekoordinator.config import Config
from barnekoordinator.errors import ConcurrencyConflict
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    agenda_payload,
    make_audit,
    make_records,
)


def _store(spec: dict[str, Any]) -> CaseStore:
    options = spec.get("options") or {}
    config = Config(store=str(spec["store"]), plugin_options=options)
    # The test records' projector is in the conformance kit's catalogue.
    return case_store(get_plugin_manager(), config, catalogue=CONFORMANCE_CATALOGUE)


def race(spec: dict[str, Any]) -> None:
    """Append one record at a time on a freshly read (often stale) version."""
    store = _store(spec)
    worker = int(spec["worker"])
    cases = [str(c) for c in spec["cases"]]
    rng = random.Random(int(spec["seed"]))
    successes: list[int] = []
    conflicts: list[int] = []
    bad_reports: list[str] = []
    attempt = 0
    print("ready", flush=True)
    sys.stdin.readline()  # start together with the other writers
    while len(successes) < int(spec["appends"]):
        attempt += 1
        case = rng.choice(cases)
        version = store.version(case)
        prev = store.read(case, after_version=version - 1)[-1].hash if version else GENESIS
        payload = json.dumps({"a": attempt, "w": worker}, separators=(",", ":"))
        records = make_records(case, [payload], after_version=version, prev_hash=prev)
        try:
            store.append(case, version, records)
        except ConcurrencyConflict as exc:
            conflicts.append(attempt)
            if not (exc.case_id == case and exc.expected == version and exc.actual > version):
                bad_reports.append(f"{exc.case_id} {exc.expected} {exc.actual}")
        else:
            successes.append(attempt)
    store.close()
    report = {
        "worker": worker,
        "attempts": attempt,
        "successes": successes,
        "conflicts": conflicts,
        "bad_reports": bad_reports,
    }
    print(json.dumps(report), flush=True)


def batches(spec: dict[str, Any]) -> None:
    """Append batches of ``batch`` records (with agenda rows) until killed."""
    store = _store(spec)
    cases = [str(c) for c in spec["cases"]]
    size = int(spec["batch"])
    rng = random.Random(int(spec["seed"]))
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        case = cases[n % len(cases)]
        version = store.version(case)
        prev = store.read(case, after_version=version - 1)[-1].hash if version else GENESIS
        payloads = [
            agenda_payload(
                "upsert",
                key=f"k{rng.randrange(20)}",
                due=date(2026, 1, 1) + timedelta(days=rng.randrange(365)),
            )
            if i % 3
            else agenda_payload("remove", key=f"k{rng.randrange(20)}")
            for i in range(size)
        ]
        audit = attrs.evolve(
            make_audit(case, action="write"), reason=f"stored {version + 1}-{version + size}"
        )
        store.append(
            case,
            version,
            make_records(case, payloads, after_version=version, prev_hash=prev),
            audit=audit,
        )


if __name__ == "__main__":
    {"race": race, "batches": batches}[sys.argv[1]](json.loads(sys.argv[2]))

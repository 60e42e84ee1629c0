"""The catalogue and what it lists never depend on what a process imported first.

Twenty fresh interpreters each import every module of the package in their own
random order, then print the catalogue (event tags, evolvers, run evolvers,
projectors, upcasters, sources, all in order) and what ``roles()``,
``entries()`` and ``obligations()`` answer for one busy case. The twenty
printouts must be identical. (Before the catalogue, the public event registry
held 8, 28 or 60 types depending on the first import.)
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from barnekoordinator.catalogue import CATALOGUE

SRC = Path(__file__).resolve().parents[2] / "src"
ORDERS = 20

# Runs in a fresh interpreter: argv[1] is a JSON list of module names to import first.
_PROBE = r"""
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)

from datetime import date
from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.entries import entries
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.roles import obligations, roles
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel, add_log_measure, open_stafettlogg, schedule_meeting,
)
from barnekoordinator.coordination.plan import start_plan
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import DEFAULT_AS_OF as D, consent_all, standard_case

def name(fn):
    return f"{fn.__module__}.{fn.__qualname__}"

run = standard_case(age=9)
consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON, S.PPT])
run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
run.run(add_log_measure, tiltak_id="t1", by="pl", description="Språkgruppe",
        responsible_ref="pl", evaluation_date=date(2026, 2, 1), as_of=D)
run.run(schedule_meeting, meeting_id="m1", by="pl", meeting_on=date(2026, 1, 20),
        agenda=("Språk",), invited=("pl", "hs", "mor"), as_of=D)
consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.BARNEHAGE, S.KOORDINERENDE_ENHET])
run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
case = run.case
c = CATALOGUE
print(json.dumps({
    "modules_loaded": len([m for m in sys.modules if m.startswith("barnekoordinator")]),
    "concepts": [x.name for x in c.concepts],
    "event_types": list(c.event_types),
    "evolvers": [[k.TYPE, name(v)] for k, v in c.evolvers.items()],
    "run_evolvers": [[k.TYPE, name(v)] for k, v in c.run_evolvers.items()],
    "projectors": [[t, [name(f) for f in fs]] for t, fs in c.projectors.items()],
    "upcasters": [[list(k), name(v)] for k, v in c.upcasters.items()],
    "sources": [
        [name(f) for f in s] for s in (c.entry_sources, c.role_sources, c.obligation_sources)
    ],
    "roles": [repr(a) for a in roles(case, D)],
    "entries": [repr(e.meta) for e in entries(case)],
    "obligations": [repr(o) for o in obligations(case, date(2026, 3, 1))],
}))
"""


def _modules() -> list[str]:
    """Every importable module of the package (the CLI entry ``__main__`` aside)."""
    names = []
    for path in sorted((SRC / "barnekoordinator").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


@pytest.mark.slow
def test_twenty_import_orders_give_one_catalogue_and_one_answer() -> None:
    """In 20 fresh interpreters with random import orders, the registry and the answers agree."""
    names = _modules()
    rng = random.Random(20261204)
    orders = []
    for _ in range(ORDERS):
        order = names[:]
        rng.shuffle(order)
        orders.append(order)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _PROBE, json.dumps(order)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in orders
    ]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
    first = outputs[0]
    # Not vacuous: the probe saw the whole catalogue and a case with something in it.
    assert first["modules_loaded"] >= len(names) - 1
    assert len(first["event_types"]) == len(CATALOGUE.event_types)
    assert first["roles"]
    assert first["entries"]
    assert first["obligations"]
    assert {o["event_types"][0] for o in outputs} == {"case.opened"}
    for other in outputs[1:]:
        assert other == first


def test_the_catalogue_lists_concepts_in_the_declared_order() -> None:
    """The catalogue's order is the order barnekoordinator.catalogue declares, case first."""
    names = [c.name for c in CATALOGUE.concepts]
    assert names[0] == "case"
    assert len(set(names)) == len(names)
    tags = list(CATALOGUE.event_types)
    assert tags[0] == "case.opened"
    assert all(
        tags.index(cls.TYPE) < tags.index(nxt.TYPE)
        for concept in CATALOGUE.concepts
        for cls, nxt in zip(concept.events, concept.events[1:], strict=False)
    )

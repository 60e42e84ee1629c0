"""Commands on a long case: does one write cost the same at 1,000 and at 100,000 events?

Targets (issue 15, item 1): an item-creating command on a 100,000-event case costs
≤ 2× the same command on a 1,000-event case, and building a case through commands is
linear (cost per event at 40,000 events ≈ the cost at 5,000).

Two costs are measured per command, on a stafettlogg case and an individuell plan case
written with the library's own commands (``bench_core``'s builders):

* **command**: the command function alone (checks and the event it decides): what the
  issue measured (0.04 ms at 1,000 events, 14.3 ms at 100,000 before decision 19);
* **write**: the command, recording its event and folding it into the case: what a
  caller pays per write.

Each repetition measures every size in turn (so the machine's load touches them alike);
the figure is the median over repetitions of each size's median, and the ratio the median
of per-repetition ratios.

Run: ``python benchmarks/bench_commands.py [--sizes 1000,10000,100000] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from barnekoordinator.coordination.plan import (
    SubPlanKind,
    add_contribution,
    add_cooperation,
    add_plan_measure,
    link_sub_plan,
)
from barnekoordinator.coordination.stafettlogg import (
    ObservationKind,
    add_log_measure,
    record_decision,
    record_observation,
    register_undring,
    schedule_meeting,
    set_goal,
)
from barnekoordinator.history.case import Case, DomainEvent
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun

sys.path.insert(0, str(Path(__file__).parent))
from bench_core import bti_run, plan_run

Command = Callable[[Case, str], Any]


def _today(run: CaseRun) -> date:
    """The latest day the case's recent events happened on (the commands write on it)."""
    days = [getattr(r.event, "on", None) for r in run.history[-50:]]
    return max(d for d in days if isinstance(d, date))


def bti_commands(run: CaseRun) -> dict[str, Command]:
    """The stafettlogg's item-creating commands, each with a fresh id per call."""
    today = _today(run)
    return {
        "record_observation": lambda c, i: record_observation(
            c, observation_id=i, by="hs", kind=ObservationKind.OPPMERKSOMHET, text="x", as_of=today
        ),
        "add_tiltak (add_log_measure)": lambda c, i: add_log_measure(
            c,
            tiltak_id=i,
            by="pl",
            description="Tilrettelegging",
            responsible_ref="pl",
            evaluation_date=today + timedelta(days=30),
            as_of=today,
        ),
        "schedule_meeting": lambda c, i: schedule_meeting(
            c,
            meeting_id=i,
            by="pl",
            meeting_on=today,
            agenda=("Status",),
            invited=("hs",),
            as_of=today,
        ),
        "record_decision": lambda c, i: record_decision(
            c, decision_id=i, by="pl", text="Beslutning", as_of=today
        ),
        "add_goal (set_goal)": lambda c, i: set_goal(
            c, goal_id=i, by="pl", text="Trives i barnehagen", as_of=today
        ),
        "register_undring": lambda c, i: register_undring(
            c, undring_id=i, by="pl", description="Sliten", as_of=today
        ),
    }


def plan_commands(run: CaseRun) -> dict[str, Command]:
    """The individuell plan's item-creating commands, each with a fresh id per call."""
    today = _today(run)
    return {
        "add_plan_measure": lambda c, i: add_plan_measure(
            c,
            measure_id=i,
            by="ke",
            description="Fysioterapi",
            scope="1 t/uke",
            responsible_ref="fysio",
            implementation="I barnehagen",
            service=ServiceKind.FYSIOTERAPI,
            as_of=today,
        ),
        "add_contribution": lambda c, i: add_contribution(
            c, contribution_id=i, by="ke", contributor_ref="fysio", what="Bidrag", as_of=today
        ),
        "add_cooperation": lambda c, i: add_cooperation(
            c,
            cooperation_id=i,
            by="ke",
            with_service=ServiceKind.SKOLE,
            description="Samarbeid",
            as_of=today,
        ),
        "link_sub_plan": lambda c, i: link_sub_plan(
            c,
            sub_plan_id=i,
            by="ke",
            kind=SubPlanKind.IOP,
            reference="iop-1",
            title="IOP",
            as_of=today,
        ),
    }


def _median_call(fn: Callable[[int], object], calls: int) -> float:
    times = []
    for k in range(calls):
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _costs(run: CaseRun, command: Command, calls: int, tag: str) -> tuple[float, float]:
    """Median seconds per call: the command alone, and command + record + fold."""
    case, clock = run.case, run.clock

    def decide(k: int) -> object:
        return command(case, f"{tag}-c{k}")

    def write(k: int) -> Case:
        result = command(case, f"{tag}-w{k}")
        events: tuple[DomainEvent, ...] = (
            (result,) if isinstance(result, DomainEvent) else tuple(result)
        )
        return case.apply_all(case.record(events, actor="bench", clock=clock))

    return _median_call(decide, calls), _median_call(write, calls)


def per_command(label: str, runs: dict[int, CaseRun], make: Any, repeat: int, calls: int) -> None:
    """Print each command's cost per size, and the ratio of the largest size to the smallest."""
    sizes = sorted(runs)
    commands = {n: make(runs[n]) for n in sizes}
    names = list(commands[sizes[0]])
    print(f"{label}: per-command cost, median of {repeat} repetitions x {calls} calls")
    print(
        "  " + f"{'command':40}" + "".join(f"{n:>14,}" for n in sizes) + "   ratio "
        f"{sizes[-1]:,}/{sizes[0]:,}"
    )
    worst = {"command": 0.0, "write": 0.0}
    for name in names:
        decide: dict[int, list[float]] = {n: [] for n in sizes}
        write: dict[int, list[float]] = {n: [] for n in sizes}
        for rep in range(repeat):
            for n in sizes:
                d, w = _costs(runs[n], commands[n][name], calls, f"r{rep}")
                decide[n].append(d)
                write[n].append(w)
        for kind, found in (("command", decide), ("write", write)):
            ratio = statistics.median(
                a / b for a, b in zip(found[sizes[-1]], found[sizes[0]], strict=True)
            )
            worst[kind] = max(worst[kind], ratio)
            print(
                f"  {name + ' ' + kind:40}"
                + "".join(f"{statistics.median(found[n]) * 1e6:11.1f} µs" for n in sizes)
                + f"   {ratio:5.2f}x  {'OK' if ratio <= 2.0 else 'ABOVE TARGET'}"
            )
    for kind, ratio in worst.items():
        print(
            f"  worst {kind} ratio: {ratio:.2f}x (target <= 2.0x)"
            f"  {'OK' if ratio <= 2.0 else 'ABOVE TARGET'}"
        )


def build_cost(label: str, build: Callable[[int], CaseRun], sizes: list[int], repeat: int) -> None:
    """Print the cost per event of building a case through commands, and the ratio."""
    per_event: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(repeat):
        for n in sizes:
            start = time.perf_counter()
            run = build(n)
            per_event[n].append((time.perf_counter() - start) / len(run.history))
    ratio = statistics.median(
        a / b for a, b in zip(per_event[sizes[-1]], per_event[sizes[0]], strict=True)
    )
    figures = ", ".join(
        f"{statistics.median(per_event[n]) * 1e6:.1f} µs/event at {n:,}" for n in sizes
    )
    print(
        f"{label}: build through commands, median of {repeat}: {figures}; "
        f"ratio {ratio:.2f}x  {'OK (linear)' if ratio <= 1.25 else 'NOT LINEAR'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--build-sizes", default="5000,40000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--build-repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    build_sizes = [int(s) for s in args.build_sizes.split(",")]
    print(f"python {sys.version.split()[0]}; one process, sizes interleaved per repetition")
    build_cost("stafettlogg case", bti_run, build_sizes, args.build_repeat)
    build_cost("individuell plan case", plan_run, build_sizes, args.build_repeat)
    per_command(
        "stafettlogg case", {n: bti_run(n) for n in sizes}, bti_commands, args.repeat, args.calls
    )
    per_command(
        "individuell plan case",
        {n: plan_run(n) for n in sizes},
        plan_commands,
        args.repeat,
        args.calls,
    )


if __name__ == "__main__":
    main()

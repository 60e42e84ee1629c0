"""Obligations and agenda projection benchmark (issue 4).

1. ``obligations(case, as_of)`` for one case with 1,000 tiltak and 200 meetings
   (plus a plan, a barnekoordinator and decisions): milliseconds per call.
2. The projector cost per stored event (``Catalogue.project``), per event
   type and for a typical case history, and what keeping the agenda of
   100,000 cases costs at append time. The agenda *query* itself is the
   store's (issue 3 sets <= 50 ms); this is the per-event work it relies on.
3. For comparison: replaying that large case, and ``prepare_meeting``.

Run: ``PYTHONPATH=src python benchmarks/bench_obligations.py [--tiltak N] [--meetings M]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination import handover, meetings, plan, roles, stafettlogg
from barnekoordinator.coordination.appointments import StatutoryOffer, offer_statutory_coordination
from barnekoordinator.history import projections
from barnekoordinator.history.records import EventRecord
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds per call, ``repeat`` times."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def build_large_case(n_tiltak: int, n_meetings: int) -> CaseRun:
    """A stafettlogg with ``n_tiltak`` tiltak and ``n_meetings`` meetings over about two years."""
    run = standard_case(age=8)
    services = (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE, S.PPT, S.KOORDINERENDE_ENHET)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, services, consent_id="ip")
    run.run(
        stafettlogg.open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=stafettlogg.BtiLevel.NIVAA_3,
        as_of=D,
    )
    owners = ("pl", "hs", "kl", "ppt")
    for i in range(n_tiltak):
        day = D + timedelta(days=i % 700)
        run.run(
            stafettlogg.add_log_measure,
            tiltak_id=f"t{i}",
            by="pl",
            description=f"Tiltak {i}",
            responsible_ref=owners[i % len(owners)],
            evaluation_date=day + timedelta(days=30 + i % 60),
            as_of=D,
        )
    for i in range(n_meetings):
        day = D + timedelta(days=3 * i)
        run.run(
            stafettlogg.schedule_meeting,
            meeting_id=f"m{i}",
            by="pl",
            meeting_on=day,
            agenda=["Evaluering", "Veien videre"],
            invited=["pl", "hs", "mor", "far"],
            as_of=D,
        )
        if i % 4:  # a quarter of the meetings never get minutes
            run.run(
                stafettlogg.record_minutes,
                meeting_id=f"m{i}",
                by="pl",
                text="Referat",
                attended=["pl", "hs"],
                as_of=day,
            )
        if i % 10 == 0:
            run.run(
                stafettlogg.record_decision,
                decision_id=f"d{i}",
                by="pl",
                text="Oppfølging",
                as_of=D,
                meeting_id=f"m{i}",
                follow_up_by="hs",
                follow_up_on=day + timedelta(days=14),
            )
    run.run(handover.propose_handover, to_ref="hs", by="pl", as_of=D)
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.INDIVIDUAL_PLAN],
        reason="x",
        by="pl",
        as_of=D,
    )
    run.run(plan.start_plan, plan_id="ip-1", by="ke", as_of=D)
    run.run(plan.set_plan_period, by="ke", start=D, next_revision=D + timedelta(days=180), as_of=D)
    return run


def typical_case() -> CaseRun:
    """A typical case: a year of a nivå-2 log (~40 events)."""
    run = standard_case(age=6)
    consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON), consent_id="log")
    run.run(stafettlogg.register_undring, undring_id="u1", by="pl", description="x", as_of=D)
    run.run(
        stafettlogg.decide_nivaa0,
        undring_id="u1",
        outcome=stafettlogg.Nivaa0Outcome.NIVAA_2,
        by="pl",
        as_of=D,
        reason="x",
    )
    run.run(
        stafettlogg.open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=stafettlogg.BtiLevel.NIVAA_2,
        as_of=D,
    )
    for i in range(6):
        run.run(
            stafettlogg.add_log_measure,
            tiltak_id=f"t{i}",
            by="pl",
            description="x",
            responsible_ref="hs" if i % 2 else "pl",
            evaluation_date=D + timedelta(days=30 * (i + 1)),
            as_of=D,
        )
    for i in range(4):
        day = D + timedelta(days=60 * i)
        run.run(
            stafettlogg.schedule_meeting,
            meeting_id=f"m{i}",
            by="pl",
            meeting_on=day,
            agenda=["a"],
            invited=["pl"],
            as_of=day,
        )
        run.run(
            stafettlogg.record_minutes,
            meeting_id=f"m{i}",
            by="pl",
            text="r",
            attended=["pl"],
            as_of=day,
        )
        run.run(
            stafettlogg.evaluate_log_measure,
            tiltak_id=f"t{i}",
            by="pl",
            effect=stafettlogg.EffectAssessment.IMPROVED,
            next_step=stafettlogg.MeasureNext.CONTINUE,
            as_of=day,
            next_evaluation_date=day + timedelta(days=90),
        )
    run.run(handover.propose_handover, to_ref="hs", by="pl", as_of=D)
    run.run(handover.accept_handover, by="hs", as_of=D)
    return run


def main() -> None:
    """Build the cases, time the calls and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiltak", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    big = build_large_case(args.tiltak, args.meetings)
    built = time.perf_counter() - start
    as_of = D + timedelta(days=400)
    found = roles.obligations(big.case, as_of)
    per_call = _time(lambda: roles.obligations(big.case, as_of), args.repeat)
    print(
        f"large case: {args.tiltak} tiltak, {args.meetings} meetings, "
        f"{len(big.history)} events (built in {built:.1f} s)"
    )
    print(
        f"obligations(case, as_of): median {statistics.median(per_call) * 1e3:.2f} ms/call, "
        f"min {min(per_call) * 1e3:.2f} ms ({len(found)} obligations: "
        f"{dict(Counter(o.status.value for o in found))})"
    )
    meeting = _time(lambda: meetings.prepare_meeting(big.case, as_of), args.repeat)
    print(f"prepare_meeting(case, as_of): median {statistics.median(meeting) * 1e3:.2f} ms/call")
    replay = _time(big.replay, max(3, args.repeat // 5))
    print(
        f"Case.replay of the large case: median {statistics.median(replay) * 1e3:.1f} ms "
        f"({len(big.history) / statistics.median(replay):,.0f} events/s)"
    )

    # -- projection cost per stored event --------------------------------------------
    records: list[EventRecord] = big.records() + typical_case().records()
    rounds = max(3, args.repeat // 4)
    by_type: dict[str, list[float]] = {}
    for _ in range(rounds):
        for record in records:
            t0 = time.perf_counter()
            CATALOGUE.project((record,))
            by_type.setdefault(record.type, []).append(time.perf_counter() - t0)
    all_times = [t for ts in by_type.values() for t in ts]
    print(
        f"projector cost: mean {statistics.fmean(all_times) * 1e6:.1f} µs/event over "
        f"{len(records)} stored events x {rounds}"
    )
    projected = sorted(
        ((statistics.median(ts) * 1e6, tag) for tag, ts in by_type.items()), reverse=True
    )
    for micros, tag in projected[:8]:
        print(f"    {tag:<36} median {micros:6.1f} µs")
    small = typical_case()
    typical = small.records()
    small_replay = _time(small.replay, args.repeat * 5)
    print(
        f"Case.replay of a typical case ({len(small.history)} events): "
        f"{len(small.history) / statistics.median(small_replay):,.0f} events/s"
    )
    per_case = _time(lambda: CATALOGUE.project(typical), args.repeat)
    per_case_ms = statistics.median(per_case) * 1e3
    print(
        f"typical case ({len(typical)} events): {per_case_ms:.3f} ms to project its whole history; "
        f"100,000 such cases: {per_case_ms * 100_000 / 1e3:.1f} s of projector work in total "
        f"(spread over their appends), i.e. {per_case_ms / len(typical) * 1e3:.1f} µs per append"
    )
    rows: dict[tuple[str, projections.AgendaKind, str], projections.AgendaItem] = {}
    projections.apply_ops(rows, CATALOGUE.project(typical))
    print(f"agenda rows kept per typical case: {len(rows)} (the store indexes them by due date)")


if __name__ == "__main__":
    main()

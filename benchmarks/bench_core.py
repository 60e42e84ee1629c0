"""Core benchmark: replay one case of 10,000 events from stored JSON.

Targets (issue 2): replay >= 100,000 events/s; and the serialization round
trip (record → event → record) reported as a ratio to the floor, plain
``json.loads`` + ``json.dumps`` of the same payloads.

Two realistic long cases are measured, each written with the library's own
commands: years of BTI work in a stafettlogg, and years of an individuell plan
(the barnekoordinator family's case).

Run: ``python benchmarks/bench_core.py [--events N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.plan import (
    add_contribution,
    add_cooperation,
    add_plan_measure,
    add_plan_participant,
    evaluate_plan_measure,
    reference_plan_consent,
    revise_plan,
    set_overview,
    set_plan_period,
    set_plan_responsible,
    start_plan,
)
from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    EffectAssessment,
    MeasureNext,
    ObservationKind,
    add_log_measure,
    evaluate_log_measure,
    open_stafettlogg,
    record_decision,
    record_minutes,
    record_observation,
    schedule_meeting,
)
from barnekoordinator.history import serialization
from barnekoordinator.history.case import Case, ParticipantJoined
from barnekoordinator.history.records import EventRecord
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun, consent_all, professional, standard_case

_START = date(2020, 1, 6)
STANDARD_SERVICES = (
    ServiceKind.BARNEHAGE,
    ServiceKind.HELSESTASJON,
    ServiceKind.SKOLE,
    ServiceKind.PPT,
    ServiceKind.FYSIOTERAPI,
    ServiceKind.KOORDINERENDE_ENHET,
)


def build_bti_history(n: int) -> list[EventRecord]:
    """The stored records of ``bti_run()`` cut at ``n`` events."""
    return bti_run(n).records()[:n]


def bti_run(n: int) -> CaseRun:
    """A long, realistic case of ``n`` events (or a few more), written with the library's own
    commands.

    Years of BTI work: tiltak added, evaluated and ended (a handful active at a
    time), observations, meetings with minutes, decisions, staff turnover and a
    yearly renewal of consent. Every event passed the rules when it was made.
    """
    run = standard_case(age=3, as_of=_START)
    services = list(STANDARD_SERVICES)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=_START, consent_id="k-0")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=_START)
    active: list[str] = []
    i = 0
    # The case spans a few years whatever its length (the child must not come of age
    # for consent): a longer history is denser daily work, while staff changes and
    # consent renewals keep their pace in the calendar (``scale``). Each of those ends a
    # run of item events (decision 10), and a run copies the item tuples once.
    scale = max(1, n // 10_000)
    while len(run.history) < n:
        i += 1
        today = _START + timedelta(days=i * 2_500 // max(n, 10_000))
        step = i % 10
        if step in (0, 5) or not active:
            tid = f"t{i}"
            run.run(
                add_log_measure,
                tiltak_id=tid,
                by="pl",
                description=f"Tiltak {i}: tilrettelegging",
                responsible_ref="pl",
                evaluation_date=today + timedelta(days=30),
                as_of=today,
            )
            active.append(tid)
        elif step in (1, 6):
            tid = active.pop(0) if len(active) > 6 else active[0]
            done = tid not in active
            run.run(
                evaluate_log_measure,
                tiltak_id=tid,
                by="pl",
                effect=EffectAssessment.IMPROVED,
                next_step=MeasureNext.END if done else MeasureNext.CONTINUE,
                next_evaluation_date=None if done else today + timedelta(days=30),
                note="Evaluert i samarbeidsmøte",
                as_of=today,
            )
        elif step in (2, 7):
            run.run(
                record_observation,
                observation_id=f"o{i}",
                by="hs",
                kind=ObservationKind.OPPMERKSOMHET,
                text=f"Observasjon {i}",
                as_of=today,
            )
        elif step == 3:
            run.run(
                schedule_meeting,
                meeting_id=f"m{i}",
                by="pl",
                meeting_on=today,
                agenda=("Status", "Barnets stemme"),
                invited=("hs", "fysio"),
                as_of=today,
            )
            run.run(
                record_minutes,
                meeting_id=f"m{i}",
                by="pl",
                text=f"Referat {i}",
                attended=("pl", "hs"),
                as_of=today,
            )
        elif step == 4:
            run.run(
                record_decision, decision_id=f"d{i}", by="pl", text=f"Beslutning {i}", as_of=today
            )
        elif step == 8 and i % (200 * scale) == 8:
            run.do(ParticipantJoined(participant=professional(f"p{i}", ServiceKind.SKOLE)))
        elif step == 9 and i % (365 * scale) == 9:
            consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=today, consent_id=f"k-{i}")
    return run


PLAN_SERVICES = (
    ServiceKind.KOORDINERENDE_ENHET,
    ServiceKind.HELSESTASJON,
    ServiceKind.SKOLE,
    ServiceKind.FYSIOTERAPI,
    ServiceKind.BARNEHAGE,
)


def build_plan_history(n: int) -> list[EventRecord]:
    """The stored records of ``plan_run()`` cut at ``n`` events."""
    return plan_run(n).records()[:n]


def plan_run(n: int) -> CaseRun:
    """A long individuell plan case of ``n`` events (or a few more), written with the library's
    own commands.

    The plan is started and completed (overview, participants, responsible,
    period, consent), then years of work: measures added and evaluated (a
    handful active at a time), contributions, cooperation, half-yearly
    revisions and a renewal of consent now and then.
    """
    run = standard_case(age=3, as_of=_START)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES, as_of=_START, consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=_START)
    run.run(
        set_overview,
        by="ke",
        goals=["Delta i lek"],
        resources=["Glad i musikk"],
        needs=["Fysioterapi"],
        as_of=_START,
    )
    run.run(add_plan_participant, by="ke", participant_ref="mor", role=Role.GUARDIAN, as_of=_START)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=_START)
    run.run(
        set_plan_period,
        by="ke",
        start=_START,
        end=_START + timedelta(days=18 * 365),
        next_revision=_START + timedelta(days=180),
        as_of=_START,
    )
    run.run(reference_plan_consent, by="ke", consent_id="ip", as_of=_START)
    active: list[str] = []
    i = 0
    # The case spans a few years whatever its length (the child must not come of age
    # for consent): a longer history is denser daily work, while staff changes and
    # consent renewals keep their pace in the calendar (``scale``). Each of those ends a
    # run of item events (decision 10), and a run copies the item tuples once.
    scale = max(1, n // 10_000)
    while len(run.history) < n:
        i += 1
        today = _START + timedelta(days=i * 2_500 // max(n, 15_000))
        step = i % 6
        if step in (0, 3) or not active:
            mid = f"m{i}"
            run.run(
                add_plan_measure,
                measure_id=mid,
                by="ke",
                description=f"Tiltak {i}",
                scope="1 t/uke",
                responsible_ref="fysio",
                implementation="I barnehagen",
                service=ServiceKind.FYSIOTERAPI,
                evaluation_date=today + timedelta(days=30),
                as_of=today,
            )
            active.append(mid)
        elif step in (1, 4):
            mid = active.pop(0) if len(active) > 6 else active[0]
            done = mid not in active
            run.run(
                evaluate_plan_measure,
                measure_id=mid,
                by="ke",
                note="Evaluert i ansvarsgruppen",
                next_evaluation_date=None if done else today + timedelta(days=30),
                end=done,
                as_of=today,
            )
        elif step == 2:
            run.run(
                add_contribution,
                contribution_id=f"c{i}",
                by="ke",
                contributor_ref="fysio",
                what=f"Bidrag {i}",
                as_of=today,
            )
        elif i % 60 == 5:
            run.run(
                revise_plan,
                by="ke",
                summary=f"Revisjon {i}",
                next_revision=today + timedelta(days=180),
                as_of=today,
            )
        else:
            run.run(
                add_cooperation,
                cooperation_id=f"co{i}",
                by="ke",
                with_service=ServiceKind.SKOLE,
                description=f"Samarbeid {i}",
                as_of=today,
            )
        if i % (1400 * scale) == 0:
            consent_all(
                run, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES, as_of=today, consent_id=f"ip{i}"
            )
    return run


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, records: list[EventRecord], repeat: int) -> float:
    """Print the figures for one history; return its replay rate (events/s)."""
    n = len(records)
    case_id = records[0].case_id
    payloads = [r.payload for r in records]

    def replay() -> Case:
        return CATALOGUE.load(case_id, records)

    def decode_only() -> None:
        serialization.from_records(records, CATALOGUE)

    recorded = [serialization.from_record(r, CATALOGUE) for r in records]

    def fold_only() -> Case:
        return CATALOGUE.replay(case_id, recorded)

    def round_trip() -> None:
        for r in records:
            event = serialization.from_record(r, CATALOGUE)
            serialization.event_to_json(event.event)

    def json_floor() -> None:
        for p in payloads:
            json.dumps(json.loads(p), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    t_replay = _best(replay, repeat)
    t_decode = _best(decode_only, repeat)
    t_fold = _best(fold_only, repeat)
    t_round = _best(round_trip, repeat)
    t_floor = _best(json_floor, repeat)
    assert replay().version == n

    rate = n / t_replay
    print(f"{label}: one case, {n} events, best of {repeat} (one core)")
    print(
        f"  replay from stored JSON : {t_replay * 1e3:8.1f} ms  {rate:>10,.0f} events/s"
        f"  (target >= 100,000)  {'OK' if rate >= 100_000 else 'BELOW TARGET'}"
    )
    print(f"    of which decode        : {t_decode * 1e3:8.1f} ms")
    print(f"    of which fold          : {t_fold * 1e3:8.1f} ms")
    print(
        f"  round trip record->event->json : {t_round * 1e3:8.1f} ms"
        f"  {n / t_round:>10,.0f} events/s"
    )
    print(
        f"  floor json.loads+dumps         : {t_floor * 1e3:8.1f} ms"
        f"  {n / t_floor:>10,.0f} events/s"
    )
    print(f"  ratio round trip / floor       : {t_round / t_floor:8.1f}x slower than plain json")
    print(f"  median payload size            : {statistics.median(len(p) for p in payloads)} bytes")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    measure("bench_core, stafettlogg case", build_bti_history(args.events), args.repeat)
    measure("bench_core, individuell plan case", build_plan_history(args.events), args.repeat)


if __name__ == "__main__":
    main()

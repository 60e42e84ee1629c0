"""Core benchmark: replay one case of 10,000 events from stored JSON.

Targets (issue 2): replay >= 100,000 events/s; and the serialization round
trip (record → event → record) reported as a ratio to the floor, plain
``json.loads`` + ``json.dumps`` of the same payloads.

Run: ``python benchmarks/bench_core.py [--events N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from barnekoordinator import serialization
from barnekoordinator.case import (
    Case,
    CaseMode,
    DomainEvent,
    GuardianUpdated,
    ModeChanged,
    ParticipantJoined,
    ParticipantLeft,
    open_case,
)
from barnekoordinator.clock import TickingClock
from barnekoordinator.consent import ConsentPurpose, give_consent, withdraw_consent
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.records import GENESIS, EventRecord
from barnekoordinator.services import ServiceKind


def build_history(n: int) -> list[EventRecord]:
    """A realistic mixed history of ``n`` events for one synthetic case."""
    clock = TickingClock(datetime(2024, 1, 1, tzinfo=UTC), step=timedelta(minutes=7))
    pid = PersonId.parse(synthetic_fodselsnummer(date(2016, 3, 9)), policy=IdentifierPolicy.testing())
    mother = Guardian(ref="mor", relation=GuardianRelation.MOTHER, parental_responsibility=True)
    father = Guardian(ref="far", relation=GuardianRelation.FATHER, parental_responsibility=True)
    case = Case(id="case-bench")
    recorded = case.record(
        open_case(
            municipality_number="0301",
            subject=Child(ref="child", birth_date=date(2016, 3, 9), person_id=pid),
            guardians=(mother, father),
        ),
        actor="ke-1",
        clock=clock,
    )
    case = case.apply_all(recorded)
    history = list(recorded)
    org = Organisasjonsnummer.parse("974760673")
    services = list(ServiceKind)
    i = 0
    while len(history) < n:
        i += 1
        today = clock.current.date()
        step = i % 5
        event: DomainEvent
        if step == 0:
            event = ParticipantJoined(
                participant=Professional(ref=f"p{i}", service=services[i % len(services)],
                                         organisation=org, title="kontaktlærer")
            )
        elif step == 1 and case.participants:
            event = ParticipantLeft(participant_ref=case.participants[0].ref, reason="ny jobb")
        elif step == 2:
            event = give_consent(
                case, consent_id=f"k{i}", purpose=ConsentPurpose.SHARE_INFORMATION,
                given_by=("mor", "far"), services=services[i % 7: i % 7 + 3], as_of=today,
            )
        elif step == 3 and i > 10:
            event = withdraw_consent(case, consent_id=f"k{i - 6}", by="mor", as_of=today) if (
                i - 6) % 5 == 2 else ModeChanged(mode=CaseMode.STAFETTLOGG, reason="nivå 2")
        else:
            event = GuardianUpdated(guardian=father if i % 2 else mother)
        recorded = case.record(event, actor=f"p{i % 50}", clock=clock)
        case = case.apply_all(recorded)
        history.extend(recorded)
    return serialization.to_records(tuple(history[:n]), GENESIS)


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    records = build_history(args.events)
    n = len(records)
    payloads = [r.payload for r in records]

    def replay() -> Case:
        return Case.replay("case-bench", [serialization.from_record(r) for r in records])

    def decode_only() -> None:
        for r in records:
            serialization.from_record(r)

    recorded = [serialization.from_record(r) for r in records]

    def fold_only() -> Case:
        return Case.replay("case-bench", recorded)

    def round_trip() -> None:
        for r in records:
            event = serialization.from_record(r)
            serialization.event_to_json(event.event)

    def json_floor() -> None:
        for p in payloads:
            json.dumps(json.loads(p), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    t_replay = _best(replay, args.repeat)
    t_decode = _best(decode_only, args.repeat)
    t_fold = _best(fold_only, args.repeat)
    t_round = _best(round_trip, args.repeat)
    t_floor = _best(json_floor, args.repeat)
    assert replay().version == n

    rate = n / t_replay
    print(f"bench_core: one case, {n} events, best of {args.repeat} (one core)")
    print(f"  replay from stored JSON : {t_replay * 1e3:8.1f} ms  {rate:>10,.0f} events/s"
          f"  (target >= 100,000)  {'OK' if rate >= 100_000 else 'BELOW TARGET'}")
    print(f"    of which decode        : {t_decode * 1e3:8.1f} ms")
    print(f"    of which fold          : {t_fold * 1e3:8.1f} ms")
    print(f"  round trip record->event->json : {t_round * 1e3:8.1f} ms"
          f"  {n / t_round:>10,.0f} events/s")
    print(f"  floor json.loads+dumps         : {t_floor * 1e3:8.1f} ms"
          f"  {n / t_floor:>10,.0f} events/s")
    print(f"  ratio round trip / floor       : {t_round / t_floor:8.1f}x slower than plain json")
    print(f"  median payload size            : {statistics.median(len(p) for p in payloads)} bytes")


if __name__ == "__main__":
    main()

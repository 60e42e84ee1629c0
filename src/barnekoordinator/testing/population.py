"""A synthetic population of cases for scale tests: a whole country's agenda, deterministic by seed.

Each case is written with the library's own commands (so every event passed the rules when it was
made) for a synthetic child (a Tenor fødselsnummer from
[`synthetic_fodselsnummer`][barnekoordinator.identifiers.synthetic_fodselsnummer], sealed with the
case's own data key as the Casebook seals it), with a mix drawn to resemble the agenda of a
municipality:

* every child's 18th birthday (ages 0–17, spread over the year); 3 % are expected children;
* 85 % have a stafettlogg: consent, the log opened, 0–4 open tiltak with evaluation dates (15 % of
  them overdue), for some a meeting awaiting minutes, a decision with a follow-up date, an
  undring awaiting a nivå-0 decision, a pending handover (4 %) or a holder who left (1 %);
* 20 % have an individuell plan: consent, the plan started with a revision date and 1–4 measures;
* ``extra_events`` pads cases that have a log with observations, so a rehearsal reaches a target
  number of events.

Case ``i`` of seed ``s`` is always the same case, whatever else is generated, so a population
can be made in chunks (or in several processes) and loaded in any order. Load it with a store's
bulk path (``store.load(chunk)``; see
[`prepare_load()`][barnekoordinator.history.storekit.prepare_load]).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination import handover
from barnekoordinator.coordination.plan import add_plan_measure, set_plan_period, start_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ObservationKind,
    add_log_measure,
    open_stafettlogg,
    record_decision,
    record_observation,
    register_undring,
    schedule_meeting,
)
from barnekoordinator.history.records import GENESIS, AuditRecord
from barnekoordinator.history.sealing import InMemoryDataKeys, KeyRing, SealingKey
from barnekoordinator.history.serialization import to_records
from barnekoordinator.history.storekit import NewCase
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    CaseRun,
    child_aged,
    consent_all,
    expected_child,
    father,
    mother,
    new_case,
    professional,
)

__all__ = ["population", "synthetic_case"]

_TEAM = (
    ("pl", ServiceKind.BARNEHAGE, "pedagogisk leder"),
    ("hs", ServiceKind.HELSESTASJON, "helsesykepleier"),
    ("kl", ServiceKind.SKOLE, "kontaktlærer"),
    ("ppt", ServiceKind.PPT, "PP-rådgiver"),
    ("ke", ServiceKind.KOORDINERENDE_ENHET, "koordinerende enhet"),
    ("fysio", ServiceKind.FYSIOTERAPI, "fysioterapeut"),
)


def synthetic_case(
    seed: int,
    index: int,
    *,
    as_of: date = DEFAULT_AS_OF,
    extra_events: int = 0,
    key: SealingKey = TEST_SEALING_KEY,
) -> NewCase:
    """Case ``index`` of the population of ``seed``: its sealed records, the audit record of the
    write that stores them, and its wrapped data key.

    ``as_of`` is "today": the case was opened up to two years before, and its dates fall around
    it. ``extra_events`` observations are added at the end (to size a rehearsal).
    """
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 - synthetic data, not security
    case_id = f"case-{index:07d}"
    opened = as_of - timedelta(days=rng.randint(0, 730))

    def day(low: int, high: int) -> date:
        return max(opened, as_of + timedelta(days=rng.randint(low, high)))

    team = rng.sample(_TEAM, rng.randint(2, 4))
    subject = (
        expected_child(due=as_of + timedelta(days=rng.randint(1, 200)))
        if rng.random() < 0.03
        else child_aged(rng.randint(0, 17), as_of=opened, days_past_birthday=rng.randint(0, 364))
    )
    run = new_case(
        subject=subject,
        guardians=(mother(), father()),
        professionals=[professional(r, s, title=t) for r, s, t in team],
        leaders=(team[0][0],),
        case_id=case_id,
        as_of=opened,
    )
    holder = team[0][0]
    has_log = rng.random() < 0.85
    if has_log:
        holder, has_log = _stafettlogg(run, rng, team, opened, day)
    if rng.random() < 0.20:
        _plan(run, rng, holder, [s for _, s, _ in team], opened, day)
    for n in range(extra_events if has_log else 0):
        run.run(
            record_observation,
            observation_id=f"o{n}",
            by=holder,
            kind=ObservationKind.OPPMERKSOMHET,
            text="Observasjon",
            as_of=opened,
        )
    keys = InMemoryDataKeys()
    records = tuple(
        to_records(
            tuple(run.history), GENESIS, cipher=KeyRing(keys, key).cipher(case_id, create=True)
        )
    )
    wrapped = keys.get_data_key(case_id)
    audit = AuditRecord(
        case_id=case_id,
        sequence=0,
        at=datetime.combine(opened, time(9, 0), tzinfo=UTC),
        actor="bulk-load",
        actor_label="Bulk load (synthetic population)",
        action="write",
        target="case",
        allowed=True,
        reason="synthetic population",
    )
    return NewCase(records, audit, wrapped)


def _stafettlogg(
    run: CaseRun,
    rng: random.Random,
    team: list[tuple[str, ServiceKind, str]],
    opened: date,
    day: Callable[[int, int], date],
) -> tuple[str, bool]:
    """Consent, the log opened and its work; return the holder and whether the log has one."""
    services = [s for _, s, _ in team]
    holder = team[0][0]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=opened, consent_id="k")
    run.run(open_stafettlogg, by=holder, holder_ref=holder, level=BtiLevel.NIVAA_1, as_of=opened)
    for n in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        due = day(-45, 0) if rng.random() < 0.15 else day(1, 120)
        run.run(
            add_log_measure,
            tiltak_id=f"t{n}",
            by=holder,
            description="Tiltak",
            responsible_ref=holder,
            evaluation_date=due,
            as_of=opened,
        )
    if rng.random() < 0.15:
        run.run(
            schedule_meeting,
            meeting_id="m1",
            by=holder,
            meeting_on=day(-30, 60),
            agenda=["Status"],
            invited=[r for r, _, _ in team],
            as_of=opened,
        )
    if rng.random() < 0.10:
        run.run(
            record_decision,
            decision_id="d1",
            by=holder,
            text="Vedtak",
            follow_up_by=holder,
            follow_up_on=day(30, 365),
            as_of=opened,
        )
    if rng.random() < 0.05:
        run.run(register_undring, undring_id="u1", by=holder, description="Undring", as_of=opened)
    if rng.random() < 0.04:
        run.run(handover.propose_handover, to_ref=team[1][0], by=holder, as_of=opened)
    elif rng.random() < 0.01:
        run.run(handover.participant_leaves, participant_ref=holder, as_of=opened)
        return team[1][0], False  # the log has no holder now: no more entries
    return holder, True


def _plan(
    run: CaseRun,
    rng: random.Random,
    holder: str,
    services: list[ServiceKind],
    opened: date,
    day: Callable[[int, int], date],
) -> None:
    """Consent, the individuell plan started with a revision date, and its measures."""
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, services, as_of=opened, consent_id="ip")
    run.run(start_plan, plan_id="ip", by=holder, as_of=opened)
    run.run(
        set_plan_period,
        by=holder,
        start=opened,
        next_revision=day(30, 365),
        as_of=opened,
    )
    for n in range(rng.randint(1, 4)):
        run.run(
            add_plan_measure,
            measure_id=f"p{n}",
            by=holder,
            description="Tiltak",
            scope="1 t/uke",
            responsible_ref=holder,
            implementation="I barnehagen",
            evaluation_date=day(7, 180),
            as_of=opened,
        )


def population(
    seed: int,
    count: int,
    *,
    start: int = 0,
    as_of: date = DEFAULT_AS_OF,
    extra_events: int = 0,
) -> Iterator[NewCase]:
    """Cases ``start … start + count - 1`` of the population of ``seed``, one at a time.

    ``extra_events`` observations are added to each case (to size a rehearsal's events).
    """
    for index in range(start, start + count):
        yield synthetic_case(seed, index, as_of=as_of, extra_events=extra_events)

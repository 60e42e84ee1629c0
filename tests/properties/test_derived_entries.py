"""Derived entries keep their readers (decision 44), for random consents and withholdings.

A family with a child of any age from newborn to 19; a stafettlogg whose observations, tiltak,
decisions, undringer, the child's voice and plan measures are written by random services;
random withholding decisions (at the child's request, for weighty reasons, necessary for
foreldreansvaret, as the age allows); the consent the entries were written under withdrawn and
replaced by random stafettlogg and sharing consents for random services and sections; for an
adult, random grants to the mother. Then:

* a meeting called with ``call_prepared_meeting`` by the stafettholder: nobody — a professional
  of any service (one of each joins *after* the meeting was called), koordinerende enhet, each
  guardian, the child — reads in the meeting the words of an entry ``decide`` refuses them
  (taushetsplikt, hpl § 22 and pbrl § 4-4; withholding, pbrl § 3-4);
* a proposal adopted with ``adopt_proposed_measure``: no guardian and not the child reads in the
  tiltak the words of the proposal ``decide`` refuses them (pbrl § 3-4; vergemålsloven § 2), and
  under 18 the adoption is never refused.

The oracle is ``decide`` on real principals, as in ``test_one_door``.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import event, given
from hypothesis import strategies as st

from barnekoordinator.access.consent import (
    ConsentPurpose,
    Section,
    entitled_consenters,
    give_consent,
    ledger,
    section_of,
    withdraw_consent,
)
from barnekoordinator.access.entries import GuardianVisibility, change_visibility, entries
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.coordination.meetings import call_prepared_meeting
from barnekoordinator.coordination.participation import adopt_proposed_measure, propose_measure
from barnekoordinator.coordination.plan import add_plan_measure, start_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ObservationKind,
    add_log_measure,
    current_log,
    open_stafettlogg,
    record_decision,
    record_observation,
    register_undring,
)
from barnekoordinator.coordination.voice import record_child_voice
from barnekoordinator.errors import RuleViolation
from barnekoordinator.history.case import Case, ParticipantJoined
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    father,
    mother,
    new_case,
    professional,
)

DAY = DEFAULT_AS_OF
TESTING = IdentifierPolicy.testing()
MOR_ID = PersonId.parse(synthetic_fodselsnummer(date(1970, 5, 6)), policy=TESTING)
FAR_ID = PersonId.parse(synthetic_fodselsnummer(date(1969, 7, 8)), policy=TESTING)
WRITERS = ("pl", "hs", "kl", "ppt", "ke", "fysio", "lege")
"""Participants of the standard case who write entries (barnehage, helsestasjon, skole, PPT,
koordinerende enhet, fysioterapi, sykehus)."""
KINDS = ("observation", "tiltak", "decision", "undring", "voice", "plan")

services = st.sets(st.sampled_from(list(ServiceKind)), max_size=6)
sections = st.sets(st.sampled_from(list(Section)), min_size=1)


def family(age: int) -> CaseRun:
    """A child of ``age``, both parents with foreldreansvar, the standard professionals."""
    return new_case(
        subject=child_aged(age),
        guardians=(
            attrs.evolve(mother(), person_id=MOR_ID),
            attrs.evolve(father(), person_id=FAR_ID),
        ),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )


def consent(
    run: CaseRun,
    consent_id: str,
    purpose: ConsentPurpose,
    to: set[ServiceKind] | list[ServiceKind],
    within: set[Section] | tuple[Section, ...] = tuple(Section),
) -> None:
    """A consent of ``purpose`` from everyone entitled to give it today, if anyone is."""
    givers = entitled_consenters(run.case, purpose, within, as_of=DAY, settings=run.settings)
    if givers and to:
        run.run(
            give_consent,
            consent_id=consent_id,
            purpose=purpose,
            given_by=sorted(givers),
            services=sorted(to, key=lambda s: s.value),
            sections=sorted(within, key=lambda s: s.value),
            as_of=DAY,
            settings=run.settings,
        )


def withholdings(age: int) -> list[GuardianVisibility]:
    """The visibility decisions a professional may make at the child's ``age``."""
    allowed = [GuardianVisibility.DEFAULT]
    if 12 <= age < 16:
        allowed.append(GuardianVisibility.WITHHELD_BY_CHILD_REQUEST)
    if age < 16:
        allowed.append(GuardianVisibility.WITHHELD_WEIGHTY_REASONS)
    if age < 18:
        allowed.append(GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY)
    return allowed


def everyone(case: Case) -> dict[str, Principal]:
    """Every principal the case knows: each participant, koordinerende enhet, the family."""
    found = {
        p.ref: Principal(subject=p.ref, display_label="Fagperson", assurance=AssuranceLevel.HIGH)
        for p in case.participants
    }
    found["ke-kontor"] = Principal(
        subject="ke-kontor",
        display_label="Koordinerende enhet",
        assurance=AssuranceLevel.HIGH,
        roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
        municipality_number=case.municipality_number,
    )
    child = case.subject
    assert isinstance(child, Child)
    for name, person in (("mor", MOR_ID), ("far", FAR_ID), ("child", child.person_id)):
        found[name] = Principal(
            subject=f"idp-{name}",
            display_label=name,
            assurance=AssuranceLevel.HIGH,
            national_id=person,
        )
    return found


def write(run: CaseRun, n: int, kind: str, by: str, words: str, holder: str) -> str:
    """Write entry number ``n`` of ``kind`` by ``by`` holding ``words`` (a decision: by the
    stafettholder ``holder``, followed up by ``by``); return its entry id."""
    due = DAY + timedelta(days=2)
    if kind == "observation":
        run.run(
            record_observation,
            observation_id=f"o{n}",
            by=by,
            kind=ObservationKind.OPPMERKSOMHET,
            text=words,
            as_of=DAY,
        )
        return f"stafettlogg:o{n}"
    if kind == "tiltak":
        run.run(
            add_log_measure,
            tiltak_id=f"t{n}",
            by=by,
            description=words,
            responsible_ref=by,
            evaluation_date=due,
            as_of=DAY,
        )
        return f"stafettlogg:t{n}"
    if kind == "decision":
        run.run(
            record_decision,
            decision_id=f"d{n}",
            by=holder,
            text=words,
            follow_up_by=by,
            follow_up_on=due,
            as_of=DAY,
        )
        return f"stafettlogg:d{n}"
    if kind == "undring":
        run.run(register_undring, undring_id=f"u{n}", by=by, description=words, as_of=DAY)
        return f"undring:u{n}"
    if kind == "voice":
        run.run(record_child_voice, voice_id=f"v{n}", by=by, what_matters=[words], as_of=DAY)
        return f"child-voice:v{n}"
    if not any(
        e.meta.kind == "plan-item" or e.meta.id.startswith("plan:") for e in entries(run.case)
    ):
        run.run(start_plan, plan_id="ip-1", by="ke", as_of=DAY)
    run.run(
        add_plan_measure,
        measure_id=f"pm{n}",
        by=by,
        description=words,
        scope="x",
        responsible_ref=by,
        implementation="x",
        as_of=DAY,
        evaluation_date=due,
    )
    return f"plan:ip-1:pm{n}"


def reconsent(run: CaseRun, data: st.DataObject, holder_service: ServiceKind) -> None:
    """Withdraw the consent everything was written under; give random ones instead."""
    base = ledger(run.case).get("k-base")
    assert base is not None
    run.run(withdraw_consent, consent_id="k-base", by=sorted(base.given_by)[0], as_of=DAY)
    consent(
        run,
        "k-log",
        ConsentPurpose.STAFETTLOGG,
        data.draw(services) | {holder_service},
        data.draw(sections) | {section_of(holder_service)},  # the holder calls meetings
    )
    if data.draw(st.booleans()):
        consent(
            run, "k-del", ConsentPurpose.SHARE_INFORMATION, data.draw(services), data.draw(sections)
        )


def grants(run: CaseRun, data: st.DataObject, age: int) -> None:
    """For an adult, random grants of chosen sections to the mother."""
    if age >= 18 and data.draw(st.booleans()):
        run.run(
            grant_guardian_access,
            grant_id="g1",
            guardian_ref="mor",
            as_of=DAY,
            sections=sorted(data.draw(sections), key=lambda s: s.value),
        )


def refused_nothing_decide_refuses(case: Case, derived: str, sources: dict[str, str]) -> int:
    """For each source (words → entry id) whose words ``derived`` holds, every principal who
    may read ``derived`` may read the source; returns how many sources were copied."""
    metas = {e.meta.id: e for e in entries(case)}
    copied = [
        entry_id for words, entry_id in sources.items() if words in repr(metas[derived].content)
    ]
    for who, principal in everyone(case).items():
        if decide(principal, case, AccessAction.READ, metas[derived].meta, DAY).allowed:
            for entry_id in copied:
                source = metas[entry_id].meta
                decision = decide(principal, case, AccessAction.READ, source, DAY)
                assert decision.allowed, (who, derived, entry_id, decision.reason)
    return len(copied)


@given(
    age=st.integers(0, 19),
    holder=st.sampled_from(WRITERS),
    items=st.lists(
        st.tuples(st.sampled_from(KINDS), st.sampled_from(WRITERS)), min_size=1, max_size=5
    ),
    data=st.data(),
)
def test_a_called_meeting_quotes_nothing_a_reader_of_it_may_not_read(
    age: int, holder: str, items: list[tuple[str, str]], data: st.DataObject
) -> None:
    """Taushetsplikt (hpl § 22, pbrl § 4-4) and pbrl § 3-4, for random cases."""
    run = family(age)
    everything = list(ServiceKind)
    consent(run, "k-base", ConsentPurpose.STAFETTLOGG, everything)
    consent(run, "k-ip", ConsentPurpose.INDIVIDUAL_PLAN, everything)
    run.run(open_stafettlogg, by=holder, holder_ref=holder, level=BtiLevel.NIVAA_1, as_of=DAY)
    written: dict[str, str] = {}
    for n, (kind, by) in enumerate(items):
        words = f"ord-{n}-som-bare-noen-leser"
        entry_id = write(run, n, kind, by, words, holder)
        written[words] = entry_id
        visibility = data.draw(st.sampled_from(withholdings(age)))
        if visibility is not GuardianVisibility.DEFAULT:
            run.run(
                change_visibility,
                entry_id=entry_id,
                visibility=visibility,
                decided_by="hs",
                reason="vurdert",
                as_of=DAY,
            )
    holder_service = run.case.participant(holder).service  # type: ignore[union-attr]
    reconsent(run, data, holder_service)
    grants(run, data, age)
    run.run(
        call_prepared_meeting,
        meeting_id="m9",
        by=holder,
        meeting_on=DAY + timedelta(days=3),
        invited=(holder,),
        as_of=DAY,
        agenda=("Velkommen",),  # a meeting needs one point, even if nothing may be quoted
        settings=run.settings,
    )
    log = current_log(run.case)
    assert log is not None
    assert log.get_meeting("m9") is not None
    # One professional of every service joins after the meeting was called.
    present = {p.service for p in run.case.participants}
    run.do(
        [
            ParticipantJoined(participant=professional(f"ny-{kind.value}", kind))
            for kind in ServiceKind
            if kind not in present
        ]
    )
    copied = refused_nothing_decide_refuses(run.case, "stafettlogg:m9", written)
    event(f"quoted {min(copied, 2)}{' or more' if copied >= 2 else ''} of the case's entries")


@given(
    age=st.integers(0, 19),
    proposer=st.sampled_from(("child", "mor")),
    adopter=st.sampled_from(WRITERS),
    data=st.data(),
)
def test_an_adopted_proposal_is_read_by_no_family_member_it_was_refused(
    age: int, proposer: str, adopter: str, data: st.DataObject
) -> None:
    """pbrl § 3-4 (withholding carries to the tiltak) and vergemålsloven § 2 (an adult's grants),
    for random cases; under 18 a proposal is always adopted."""
    run = family(age)
    consent(run, "k-base", ConsentPurpose.STAFETTLOGG, list(ServiceKind))
    run.run(open_stafettlogg, by="hs", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=DAY)
    words = "forslag-som-bare-noen-leser"
    run.run(propose_measure, proposal_id="p1", by=proposer, description=words, as_of=DAY)
    visibility = data.draw(st.sampled_from(withholdings(age)))
    if visibility is not GuardianVisibility.DEFAULT:
        run.run(
            change_visibility,
            entry_id="measure-proposal:p1",
            visibility=visibility,
            decided_by="hs",
            reason="vurdert",
            as_of=DAY,
        )
    grants(run, data, age)
    try:
        run.run(
            adopt_proposed_measure,
            proposal_id="p1",
            tiltak_id="t1",
            by=adopter,
            evaluation_date=DAY + timedelta(days=30),
            as_of=DAY,
        )
    except RuleViolation:
        assert age >= 18, "under 18 the withholding carries; the adoption is not refused"
        event("refused")
        return
    metas = {e.meta.id: e for e in entries(run.case)}
    tiltak, proposal = metas["stafettlogg:t1"], metas["measure-proposal:p1"]
    assert words in repr(tiltak.content)
    people = everyone(run.case)
    for who in ("mor", "far", "child"):
        if decide(people[who], run.case, AccessAction.READ, tiltak.meta, DAY).allowed:
            assert decide(people[who], run.case, AccessAction.READ, proposal.meta, DAY).allowed, who
    event(f"adopted as {tiltak.meta.visibility.value}")

"""Transitions (domain.md §2.7, §7.4, §7.7): level change, school, moving, 18, birth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.access.entries import entries
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    active_appointments,
    appoint_barnekoordinator,
    coordination,
    coordination_holder,
)
from barnekoordinator.coordination.baton import BatonChangeKind
from barnekoordinator.coordination.handover import (
    HandoverProposed,
    accept_handover,
    pending_handover,
)
from barnekoordinator.coordination.plan import PlanStatus, check_plan, current_plan, start_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    HolderDecision,
    LevelChanged,
    LogStatus,
    current_log,
    open_log,
    open_stafettlogg,
    stafettholder,
)
from barnekoordinator.coordination.transitions import (
    TransitionKind,
    change_level,
    child_born,
    continue_as_adult,
    lapsing_consents,
    move_municipality,
    start_school,
    transitions,
    turn_eighteen,
)
from barnekoordinator.errors import (
    ConsentRequired,
    HandoverError,
    InvalidInput,
    NotResponsible,
    RuleViolation,
    StafettloggError,
)
from barnekoordinator.history.case import CaseClosedEvent, CaseMode
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    child_aged,
    consent_all,
    expected_child,
    father,
    mother,
    new_case,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF
S = ServiceKind
HS = professional("hs", S.HELSESTASJON)


def _log(
    run: CaseRun | None = None, services: tuple[ServiceKind, ...] = (S.BARNEHAGE, S.HELSESTASJON)
) -> CaseRun:
    run = run or standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    return run


def _decision(holder: str = "pl", **kw: Any) -> HolderDecision:
    values: dict[str, object] = {
        "holder_ref": holder,
        "family_wishes": "foreldrene ønsker at barnehagen fortsatt koordinerer",
        "measure_scope": "tiltak i barnehage og helsestasjon",
        "coordination_need": "to tjenester, jevnlige møter",
        "decided_with": ("mor", "far"),
    }
    values.update(kw)
    return HolderDecision(**values)  # type: ignore[arg-type]


# --- level change ------------------------------------------------------------------------


def test_level_change_confirming_the_holder() -> None:
    """A level change records the holder decision; confirming the holder keeps the baton."""
    run = _log()
    events = change_level(
        run.case, to_level=BtiLevel.NIVAA_2, decision=_decision(), by="pl", as_of=D
    )
    assert [type(e) for e in events] == [LevelChanged]
    run.do(events, actor="pl")
    log = open_log(run.case)
    assert log is not None
    assert log.level is BtiLevel.NIVAA_2
    assert log.level_changes[0].decision.family_wishes.startswith("foreldrene")
    assert log.baton.history[-1].kind is BatonChangeKind.CONFIRMED
    (entry,) = [e for e in entries(run.case) if e.meta.id == "stafettlogg:log1:level:1"]
    assert entry.meta.kind == "decision"
    assert entry.meta.author_ref == "pl"


def test_level_change_to_a_new_holder_needs_acceptance() -> None:
    """A newly decided holder must still accept; until then the current holder keeps it."""
    run = _log()
    events = change_level(
        run.case, to_level=BtiLevel.NIVAA_3, decision=_decision("hs"), by="pl", as_of=D
    )
    assert [type(e) for e in events] == [LevelChanged, HandoverProposed]
    run.do(events, actor="pl")
    assert stafettholder(run.case) == "pl"
    run.run(accept_handover, by="hs", as_of=D)
    assert stafettholder(run.case) == "hs"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_wishes", "", "family wishes"),
        ("measure_scope", " ", "measure scope"),
        ("coordination_need", "", "coordination need"),
        ("decided_with", (), "with the family"),
        ("decided_with", ("pl",), "with the family"),
    ],
)
def test_level_change_needs_every_consideration(field: str, value: Any, message: str) -> None:
    """BTI-16 in unit form: wishes, scope and coordination need, decided with the family."""
    run = _log()
    with pytest.raises(StafettloggError, match=message):
        change_level(
            run.case,
            to_level=BtiLevel.NIVAA_3,
            decision=_decision(**{field: value}),
            by="pl",
            as_of=D,
        )


def test_level_change_rules() -> None:
    """Only the holder or a leader changes level, between nivå 1–3, to another level."""
    run = _log()
    with pytest.raises(NotResponsible):
        change_level(run.case, to_level=BtiLevel.NIVAA_2, decision=_decision(), by="hs", as_of=D)
    with pytest.raises(StafettloggError, match="nivå 1, 2 and 3"):
        change_level(run.case, to_level=BtiLevel.NIVAA_1, decision=_decision(), by="pl", as_of=D)
    with pytest.raises(StafettloggError, match="nivå 1, 2 and 3"):
        change_level(run.case, to_level=BtiLevel.NIVAA_0, decision=_decision(), by="pl", as_of=D)
    run.run(change_level, to_level=BtiLevel.NIVAA_2, decision=_decision(), by="styrer", as_of=D)


def test_level_change_to_uncovered_service_needs_consent() -> None:
    """The new holder's service must be covered by consent (the handover checks it)."""
    run = _log()
    with pytest.raises(ConsentRequired, match="ppt"):
        change_level(
            run.case, to_level=BtiLevel.NIVAA_3, decision=_decision("ppt"), by="pl", as_of=D
        )


def test_level_change_while_a_handover_is_pending() -> None:
    """A second proposal cannot start while one is pending."""
    run = _log()
    run.run(change_level, to_level=BtiLevel.NIVAA_3, decision=_decision("hs"), by="pl", as_of=D)
    with pytest.raises(HandoverError, match="pending"):
        change_level(
            run.case, to_level=BtiLevel.NIVAA_2, decision=_decision("hs"), by="pl", as_of=D
        )


# --- barnehage → skole -----------------------------------------------------------------


def test_school_start_needs_consent_for_the_school() -> None:
    """No handover to the kontaktlærer without consent covering the school."""
    run = _log()
    with pytest.raises(ConsentRequired, match="skole"):
        start_school(
            run.case, receiving_ref="kl", school_start=D + timedelta(days=200), by="pl", as_of=D
        )


def test_school_start_proposes_a_handover_and_the_holder_keeps_it() -> None:
    """The pedagogisk leder keeps the baton after school starts until the teacher accepts."""
    run = _log(services=(S.BARNEHAGE, S.SKOLE))
    start = D + timedelta(days=200)
    run.run(start_school, receiving_ref="kl", school_start=start, by="pl", as_of=D)
    (t,) = transitions(run.case)
    assert t.kind is TransitionKind.BARNEHAGE_TO_SKOLE
    assert t.effective_on == start
    assert t.receiving_service is S.SKOLE
    assert stafettholder(run.case) == "pl"
    pending = pending_handover(run.case)
    assert pending is not None
    assert pending.to_ref == "kl"


def test_school_start_receiver_is_a_school_professional() -> None:
    """The receiving professional must work in school, SFO or a friskole."""
    run = _log()
    with pytest.raises(InvalidInput, match="school professional"):
        start_school(run.case, receiving_ref="hs", school_start=D, by="pl", as_of=D)


def test_school_start_without_a_log_needs_sharing_consent() -> None:
    """Without a stafettlogg, the statutory transition still needs consent to share with school."""
    run = standard_case(age=5)
    with pytest.raises(ConsentRequired, match="share-information for skole"):
        start_school(run.case, receiving_ref="kl", school_start=D, by="pl", as_of=D)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.SKOLE])
    run.run(start_school, receiving_ref="kl", school_start=D, by="pl", as_of=D)
    assert transitions(run.case)[0].kind is TransitionKind.BARNEHAGE_TO_SKOLE


# --- moving municipality ----------------------------------------------------------------


def _bk_and_plan(age: int = 6) -> CaseRun:
    run = standard_case(age=age)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON], consent_id="bk")
    consent_all(
        run,
        ConsentPurpose.INDIVIDUAL_PLAN,
        [S.HELSESTASJON, S.KOORDINERENDE_ENHET],
        consent_id="ip",
    )
    run.run(appoint_barnekoordinator, coordinator=HS, by="ke", as_of=D, family_wishes="x")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    return run


def test_moving_ends_appointments_and_suspends_the_plan_without_consent() -> None:
    """BK-19 in unit form: appointments end; the plan waits for consent."""
    run = _bk_and_plan()
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=D)
    assert run.case.municipality_number == "4601"
    assert not active_appointments(run.case, D)
    ended = coordination(run.case).appointments[0]
    assert ended.end_reason is AppointmentEndReason.MOVED_MUNICIPALITY
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.status is PlanStatus.SUSPENDED


def test_moving_with_consent_continues_the_same_plan() -> None:
    """With a covering consent the individual plan continues as one plan."""
    run = _bk_and_plan()
    run.run(
        move_municipality, to_municipality="4601", by="ke", as_of=D, plan_transfer_consent_id="ip"
    )
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.status is PlanStatus.ACTIVE
    assert plan.id == "ip-1"
    assert "ip" in plan.consent_ids


def test_moving_with_a_non_covering_consent_is_refused() -> None:
    """Naming a consent that does not cover the plan is refused."""
    run = _bk_and_plan()
    with pytest.raises(RuleViolation, match="does not cover"):
        move_municipality(
            run.case, to_municipality="4601", by="ke", as_of=D, plan_transfer_consent_id="bk"
        )


def test_moving_closes_the_stafettlogg() -> None:
    """The receiving municipality's services start with their own consent."""
    run = _log()
    run.run(move_municipality, to_municipality="1103", by="pl", as_of=D)
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.CLOSED
    assert log.closing_reason is ClosingReason.MOVED_MUNICIPALITY


def test_moving_input_is_checked() -> None:
    """Four digits, another municipality, a participant."""
    run = standard_case()
    with pytest.raises(InvalidInput, match="four digits"):
        move_municipality(run.case, to_municipality="46", by="ke", as_of=D)
    with pytest.raises(InvalidInput, match="already belongs"):
        move_municipality(run.case, to_municipality="0301", by="ke", as_of=D)
    with pytest.raises(NotResponsible):
        move_municipality(run.case, to_municipality="4601", by="stranger", as_of=D)


# --- turning 18 --------------------------------------------------------------------------


def test_turning_18_ends_the_barnekoordinator_on_the_birthday() -> None:
    """BK-13 in unit form: recorded on or after the birthday; BK ends; mode ADULT."""
    run = _bk_and_plan(age=17)
    child = run.case.child
    assert child is not None
    birthday = child.turns(18)
    with pytest.raises(RuleViolation, match="not before"):
        turn_eighteen(run.case, by="ke", as_of=birthday - timedelta(days=1))
    run.run(turn_eighteen, by="ke", as_of=birthday)
    (t,) = transitions(run.case)
    assert t.kind is TransitionKind.TURNING_18
    assert t.effective_on == birthday
    assert ConsentPurpose.INDIVIDUAL_PLAN not in t.reconsent  # given by the 17-year-old
    ended = [
        a
        for a in coordination(run.case).appointments
        if a.end_reason is AppointmentEndReason.TURNED_18
    ]
    assert len(ended) == 1
    assert ended[0].ended_on == birthday
    assert run.case.mode is CaseMode.ADULT
    with pytest.raises(RuleViolation, match="already recorded"):
        turn_eighteen(run.case, by="ke", as_of=birthday)


def test_turning_18_lists_consents_given_by_guardians_as_lapsed() -> None:
    """A consent the guardians gave alone lapses at 18 and is listed for re-consent."""
    run = standard_case(age=15)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])  # guardians alone at 15
    child = run.case.child
    assert child is not None
    birthday = child.turns(18)
    before = birthday - timedelta(days=1)
    assert lapsing_consents(run.case, run.case, before_on=D, after_on=birthday) == {
        ConsentPurpose.BARNEKOORDINATOR
    }
    assert lapsing_consents(run.case, run.case, before_on=before, after_on=birthday) == frozenset()


def test_young_adult_continues_plan_and_koordinator_only_with_own_consent() -> None:
    """IP-10 in unit form: the adult's own consent, referenced in item 8; koordinator by consent."""
    run = _bk_and_plan(age=15)  # consents given by the guardians
    child = run.case.child
    assert child is not None
    adult_day = child.turns(18)
    run.run(turn_eighteen, by="ke", as_of=adult_day)
    with pytest.raises(ConsentRequired, match="young person"):
        continue_as_adult(run.case, by="ke", as_of=adult_day, keep_plan=True)
    run.run(
        give_consent,
        consent_id="adult-ip",
        purpose=ConsentPurpose.INDIVIDUAL_PLAN,
        given_by=["child"],
        services=[S.HELSESTASJON, S.KOORDINERENDE_ENHET],
        as_of=adult_day,
    )
    run.run(
        give_consent,
        consent_id="adult-share",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child"],
        services=[S.HELSESTASJON],
        as_of=adult_day,
    )
    run.run(continue_as_adult, by="ke", as_of=adult_day, keep_plan=True, koordinator=HS)
    plan = current_plan(run.case)
    assert plan is not None
    assert "adult-ip" in plan.consent_ids
    holder = coordination_holder(run.case, adult_day)
    assert holder is not None
    assert holder.kind.value == "koordinator"
    assert holder.ref == "hs"
    assert 8 not in check_plan(run.case, adult_day).missing_items


def test_young_adult_may_end_the_plan() -> None:
    """Not keeping the plan ends it."""
    run = _bk_and_plan(age=17)
    child = run.case.child
    assert child is not None
    day = child.turns(18)
    run.run(turn_eighteen, by="ke", as_of=day)
    run.run(continue_as_adult, by="ke", as_of=day, keep_plan=False)
    assert current_plan(run.case) is None
    with pytest.raises(RuleViolation, match="no individual plan"):
        continue_as_adult(run.case, by="ke", as_of=day, keep_plan=True)
    with pytest.raises(RuleViolation, match="not yet 18"):
        continue_as_adult(standard_case(age=17).case, by="ke", as_of=D, keep_plan=False)


# --- birth -------------------------------------------------------------------------------


def test_birth_lists_consents_to_renew() -> None:
    """A log begun in pregnancy: after birth the stafettlogg consent must be renewed."""
    run = new_case(
        subject=expected_child(),
        guardians=(mother(), father()),
        professionals=[professional("jm", S.JORDMOR)],
    )
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.JORDMOR])
    run.run(open_stafettlogg, by="jm", holder_ref="jm", level=BtiLevel.NIVAA_1, as_of=D)
    born = child_aged(0, as_of=D + timedelta(days=40), days_past_birthday=0)
    run.run(child_born, child=born, by="jm", as_of=born.birth_date)
    (t,) = transitions(run.case)
    assert t.kind is TransitionKind.BIRTH
    assert t.reconsent == {ConsentPurpose.STAFETTLOGG}
    assert run.case.child == born


# --- projections and replay --------------------------------------------------------------


def test_turns_18_row_is_projected_and_cleared() -> None:
    """TURNS_18 is due on the 18th birthday; it goes when recorded, and everything on closing."""
    run = _bk_and_plan(age=17)
    child = run.case.child
    assert child is not None
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert rows[("case-1", AgendaKind.TURNS_18, "turns-18")].due == child.turns(18)
    run.run(turn_eighteen, by="ke", as_of=child.turns(18))
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert ("case-1", AgendaKind.TURNS_18, "turns-18") not in rows
    run.do(CaseClosedEvent(reason="x"))
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert rows == {}


def test_transitions_replay() -> None:
    """Replaying the history gives the same case after transitions."""
    run = _bk_and_plan(age=17)
    child = run.case.child
    assert child is not None
    run.run(turn_eighteen, by="ke", as_of=child.turns(18))
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=child.turns(18))
    assert run.replay() == run.case

"""Samordning (domain.md §2.3, §2.5, §5.2, §7.8): one coordination holder, statutory roles first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    HolderKind,
    StatutoryOffer,
    active_appointments,
    appoint_barnekoordinator,
    appoint_koordinator,
    barnekoordinator_ends_on,
    coordination,
    coordination_claims,
    coordination_holder,
    decline_statutory_offer,
    designate_coordinating_service,
    end_appointment,
    offer_statutory_coordination,
)
from barnekoordinator.coordination.roles import ObligationStatus, Role, obligations, roles_of
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    add_log_measure,
    current_log,
    evaluate_log_measure,
    open_stafettlogg,
    stafettholder,
)
from barnekoordinator.errors import (
    ConsentRequired,
    HandoverError,
    InvalidInput,
    NotResponsible,
    RuleViolation,
)
from barnekoordinator.history.case import CaseMode, ParticipantJoined, ParticipantLeft
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF
S = ServiceKind
HS = professional("hs", S.HELSESTASJON)
FYSIO = professional("fysio", S.FYSIOTERAPI)


def _with_bk_consent(age: int = 5, settings: MunicipalSettings | None = None) -> CaseRun:
    run = standard_case(age=age, settings=settings)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON], consent_id="bk")
    return run


def _appoint_bk(run: CaseRun, coordinator: object = HS) -> None:
    run.run(
        appoint_barnekoordinator,
        coordinator=coordinator,
        by="ke",
        as_of=D,
        family_wishes="familien ønsket helsesykepleieren de kjenner",
        settings=run.settings,
    )


def test_barnekoordinator_is_appointed_by_koordinerende_enhet() -> None:
    """Only koordinerende enhet appoints (hotl § 7-3)."""
    run = _with_bk_consent()
    with pytest.raises(NotResponsible, match="koordinerende enhet"):
        appoint_barnekoordinator(run.case, coordinator=HS, by="pl", as_of=D, family_wishes="x")


def test_barnekoordinator_must_be_a_municipal_service_provider() -> None:
    """A hospital doctor cannot be barnekoordinator (hotl § 7-2 a)."""
    run = _with_bk_consent()
    with pytest.raises(RuleViolation, match="municipality's own"):
        appoint_barnekoordinator(
            run.case,
            coordinator=professional("lege", S.SYKEHUS),
            by="ke",
            as_of=D,
            family_wishes="x",
        )


def test_barnekoordinator_needs_the_familys_wish() -> None:
    """Without the BARNEKOORDINATOR consent of both guardians no appointment (C6, BK-12)."""
    run = standard_case(age=5)
    with pytest.raises(ConsentRequired, match="barnekoordinator"):
        appoint_barnekoordinator(run.case, coordinator=HS, by="ke", as_of=D, family_wishes="x")


def test_family_wishes_are_recorded() -> None:
    """The family's and child's wishes must be stated when choosing the barnekoordinator."""
    run = _with_bk_consent()
    with pytest.raises(InvalidInput, match="family_wishes"):
        appoint_barnekoordinator(run.case, coordinator=HS, by="ke", as_of=D, family_wishes=" ")
    _appoint_bk(run)
    (a,) = active_appointments(run.case, D)
    assert a.family_wishes.startswith("familien")


def test_appointment_brings_a_new_coordinator_into_the_case() -> None:
    """A coordinator not yet taking part joins the case in the same batch."""
    run = _with_bk_consent()
    newcomer = professional("bk", S.KOORDINERENDE_ENHET)
    events = appoint_barnekoordinator(
        run.case, coordinator=newcomer, by="ke", as_of=D, family_wishes="x"
    )
    assert isinstance(events[0], ParticipantJoined)
    run.do(events, actor="ke")
    assert run.case.participant("bk") is not None
    assert coordination_holder(run.case, D) is not None


def test_appointment_links_the_log_and_moves_coordination() -> None:
    """BTI-14 in unit form: log linked, baton ended, mode STATUTORY, nothing lost."""
    run = _with_bk_consent()
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON])
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_3, as_of=D)
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="x",
        responsible_ref="pl",
        evaluation_date=D + timedelta(days=10),
        as_of=D,
    )
    before = coordination_holder(run.case, D)
    assert before is not None
    assert before.kind is HolderKind.STAFETTHOLDER
    _appoint_bk(run)
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.LINKED
    assert log.linked_to is Role.BARNEKOORDINATOR
    assert stafettholder(run.case) is None
    assert run.case.mode is CaseMode.STATUTORY
    holder = coordination_holder(run.case, D)
    assert holder is not None
    assert holder.kind is HolderKind.BARNEKOORDINATOR
    assert holder.ref == "hs"
    assert len(coordination_claims(run.case, D)) == 1
    assert log.tiltak[0].active
    late = [o for o in obligations(run.case, D + timedelta(days=11)) if o.subject == "t1"]
    assert {(o.code, o.actor_ref) for o in late} == {
        ("stafettlogg.evaluation", "pl"),
        ("stafettlogg.evaluation-follow-up", "hs"),
    }
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="hs",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.END,
        as_of=D + timedelta(days=11),
    )


def test_barnekoordinator_takes_over_the_koordinator_role_by_default() -> None:
    """BK-27: an existing koordinator is replaced; the barnekoordinator holds both roles."""
    run = _with_bk_consent()
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.FYSIOTERAPI], consent_id="share")
    run.run(appoint_koordinator, coordinator=FYSIO, by="ke", as_of=D)
    _appoint_bk(run)
    ended = [a for a in coordination(run.case).appointments if not a.active]
    assert [(a.role, a.end_reason) for a in ended] == [
        (Role.KOORDINATOR, AppointmentEndReason.REPLACED)
    ]
    assert {Role.BARNEKOORDINATOR, Role.KOORDINATOR} <= roles_of(run.case, "hs", D)
    assert Role.KOORDINATOR not in roles_of(run.case, "fysio", D)
    with pytest.raises(RuleViolation, match="BK-27"):
        appoint_koordinator(run.case, coordinator=FYSIO, by="ke", as_of=D)


def test_separate_koordinator_when_the_municipality_keeps_roles_apart() -> None:
    """With the setting off the koordinator stays, but the barnekoordinator coordinates."""
    settings = MunicipalSettings(barnekoordinator_fills_koordinator_role=False)
    run = _with_bk_consent(settings=settings)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.FYSIOTERAPI])
    run.run(appoint_koordinator, coordinator=FYSIO, by="ke", as_of=D, settings=settings)
    _appoint_bk(run)
    assert {a.role for a in active_appointments(run.case, D)} == {
        Role.BARNEKOORDINATOR,
        Role.KOORDINATOR,
    }
    claims = coordination_claims(run.case, D)
    assert [(c.kind, c.ref) for c in claims] == [(HolderKind.BARNEKOORDINATOR, "hs")]


def test_koordinator_needs_consent_covering_its_service() -> None:
    """Appointing a koordinator needs consent to share with the koordinator's service."""
    run = standard_case(age=5)
    with pytest.raises(ConsentRequired, match="share-information for fysioterapi"):
        appoint_koordinator(run.case, coordinator=FYSIO, by="ke", as_of=D)


def test_specialist_koordinator_is_allowed() -> None:
    """A hospital may provide the koordinator (sphl § 2-5 a)."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.SYKEHUS])
    run.run(appoint_koordinator, coordinator=professional("lege", S.SYKEHUS), by="ke", as_of=D)
    holder = coordination_holder(run.case, D)
    assert holder is not None
    assert holder.kind is HolderKind.KOORDINATOR


def test_no_two_appointments_of_the_same_role() -> None:
    """A second barnekoordinator or koordinator needs the first to end."""
    run = _with_bk_consent()
    _appoint_bk(run)
    with pytest.raises(RuleViolation, match="already appointed"):
        appoint_barnekoordinator(run.case, coordinator=FYSIO, by="ke", as_of=D, family_wishes="x")
    run.run(
        end_appointment,
        role=Role.BARNEKOORDINATOR,
        by="hs",
        as_of=D,
        reason=AppointmentEndReason.REPLACED,
    )
    run.run(appoint_barnekoordinator, coordinator=FYSIO, by="ke", as_of=D, family_wishes="bytte")
    holder = coordination_holder(run.case, D)
    assert holder is not None
    assert holder.ref == "fysio"


def test_end_appointment_rules() -> None:
    """Only koordinerende enhet or the coordinator ends an active appointment."""
    run = _with_bk_consent()
    with pytest.raises(RuleViolation, match="no active"):
        end_appointment(
            run.case, role=Role.KOORDINATOR, by="ke", as_of=D, reason=AppointmentEndReason.REPLACED
        )
    _appoint_bk(run)
    with pytest.raises(NotResponsible):
        end_appointment(
            run.case,
            role=Role.BARNEKOORDINATOR,
            by="pl",
            as_of=D,
            reason=AppointmentEndReason.REPLACED,
        )
    with pytest.raises(InvalidInput):
        end_appointment(
            run.case, role=Role.LEADER, by="ke", as_of=D, reason=AppointmentEndReason.REPLACED
        )


def test_barnekoordinator_lapses_on_the_18th_birthday() -> None:
    """The barnekoordinator is in force the day before the 18th birthday, not on it (BK-13)."""
    run = _with_bk_consent(age=17)
    _appoint_bk(run)
    ends = barnekoordinator_ends_on(run.case)
    assert ends is not None
    assert active_appointments(run.case, ends - timedelta(days=1))
    assert not active_appointments(run.case, ends)
    assert coordination_holder(run.case, ends) is None
    codes = {o.code: o for o in obligations(run.case, ends)}
    assert codes["coordination.barnekoordinator-ended"].status is ObligationStatus.UNMET
    soon = {o.code: o for o in obligations(run.case, ends - timedelta(days=100))}
    assert soon["coordination.turns-18"].due == ends
    assert soon["coordination.turns-18"].actor_ref == "hs"


def test_barnekoordinator_cannot_be_appointed_at_18() -> None:
    """The right ends at 18; no appointment on or after the birthday."""
    run = standard_case(age=18)
    with pytest.raises(RuleViolation, match="18th birthday"):
        appoint_barnekoordinator(run.case, coordinator=HS, by="ke", as_of=D, family_wishes="x")


def test_coordinator_who_left_is_flagged() -> None:
    """An appointed coordinator leaving the case is an unmet duty of koordinerende enhet."""
    run = _with_bk_consent()
    _appoint_bk(run)
    run.do(ParticipantLeft(participant_ref="hs"))
    found = [o for o in obligations(run.case, D) if o.code == "coordination.coordinator-left"]
    assert found
    assert found[0].actor_ref == "ke"
    assert found[0].status is ObligationStatus.UNMET


def test_offer_of_statutory_coordination() -> None:
    """OfferStatutoryCoordination records what is offered; the family may decline parts."""
    run = standard_case(age=5)
    with pytest.raises(InvalidInput, match="offers"):
        offer_statutory_coordination(
            run.case, offer_id="o1", offers=[], reason="x", by="pl", as_of=D
        )
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.INDIVIDUAL_PLAN, StatutoryOffer.KOORDINATOR],
        reason="langvarige og koordinerte helsetjenester",
        by="pl",
        as_of=D,
    )
    with pytest.raises(NotResponsible, match="family"):
        decline_statutory_offer(
            run.case, offer_id="o1", declined=[StatutoryOffer.KOORDINATOR], by="pl", as_of=D
        )
    with pytest.raises(InvalidInput):
        decline_statutory_offer(
            run.case, offer_id="o1", declined=[StatutoryOffer.BARNEKOORDINATOR], by="mor", as_of=D
        )
    run.run(
        decline_statutory_offer,
        offer_id="o1",
        declined=[StatutoryOffer.KOORDINATOR],
        by="mor",
        as_of=D,
    )
    assert coordination(run.case).offers[0].declined == {StatutoryOffer.KOORDINATOR}


def test_open_offer_is_a_duty_of_koordinerende_enhet() -> None:
    """An offered koordinator not appointed nor declined is due within decision_sla_days."""
    settings = MunicipalSettings(decision_sla_days=30)
    run = standard_case(age=5, settings=settings)
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.KOORDINATOR],
        reason="x",
        by="pl",
        as_of=D,
    )
    late = [
        o
        for o in obligations(run.case, D + timedelta(days=31), settings)
        if o.code == "coordination.offer-answer"
    ]
    assert late
    assert late[0].actor_ref == "ke"
    assert late[0].status is ObligationStatus.OVERDUE
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.FYSIOTERAPI])
    run.run(appoint_koordinator, coordinator=FYSIO, by="ke", as_of=D, offer_id="o1")
    assert not [
        o
        for o in obligations(run.case, D + timedelta(days=31), settings)
        if o.code == "coordination.offer-answer"
    ]


def test_barnekoordinator_offer_only_under_18() -> None:
    """A barnekoordinator cannot be offered to an adult."""
    run = standard_case(age=18)
    with pytest.raises(RuleViolation, match="under 18"):
        offer_statutory_coordination(
            run.case,
            offer_id="o1",
            offers=[StatutoryOffer.BARNEKOORDINATOR],
            reason="x",
            by="pl",
            as_of=D,
        )


def test_designated_service_coordinates_when_nothing_else_does() -> None:
    """Samordning by a designated service applies without log or statutory coordinator."""
    run = standard_case(age=5)
    assert coordination_holder(run.case, D) is None
    with pytest.raises(NotResponsible):
        designate_coordinating_service(
            run.case, service=S.SKOLE, contact_ref="kl", by="pl", as_of=D, reason="x"
        )
    with pytest.raises(InvalidInput, match="professional of"):
        designate_coordinating_service(
            run.case, service=S.SKOLE, contact_ref="pl", by="ke", as_of=D, reason="x"
        )
    run.run(
        designate_coordinating_service,
        service=S.SKOLE,
        contact_ref="kl",
        by="ke",
        as_of=D,
        reason="skolen er mest involvert; barnet ønsket kontaktlæreren",
    )
    holder = coordination_holder(run.case, D)
    assert holder is not None
    assert holder.kind is HolderKind.DESIGNATED_SERVICE
    assert holder.ref == "kl"


def test_designation_while_a_log_is_open_must_name_the_holder() -> None:
    """While a log is open the stafettholder coordinates; hand over first."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE])
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    with pytest.raises(HandoverError, match="hand the baton"):
        designate_coordinating_service(
            run.case, service=S.SKOLE, contact_ref="kl", by="ke", as_of=D, reason="x"
        )
    run.run(
        designate_coordinating_service,
        service=S.BARNEHAGE,
        contact_ref="pl",
        by="ke",
        as_of=D,
        reason="barnehagen koordinerer",
    )
    assert [c.kind for c in coordination_claims(run.case, D)] == [HolderKind.STAFETTHOLDER]


def test_no_designation_beside_a_statutory_coordinator() -> None:
    """The barnekoordinator coordinates; the municipality designates no other service."""
    run = _with_bk_consent()
    _appoint_bk(run)
    with pytest.raises(RuleViolation, match="statutory coordinator"):
        designate_coordinating_service(
            run.case, service=S.SKOLE, contact_ref="kl", by="ke", as_of=D, reason="x"
        )


def test_coordination_replays() -> None:
    """Offers, appointments and endings fold back to the same case."""
    run = _with_bk_consent()
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.BARNEKOORDINATOR],
        reason="x",
        by="hs",
        as_of=D,
    )
    _appoint_bk(run)
    assert run.replay() == run.case

"""Handover of coordination without gaps: someone is always told to act when nobody coordinates.

Families' main complaint is that nobody knows who coordinates (domain.md §5.2: the municipality's
samordningsplikt). Each test names the paragraph it checks and shows that an obligation appears
where coordination would otherwise lapse silently, and that it goes away when the gap is closed.
"""

from __future__ import annotations

from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    StatutoryOffer,
    appoint_barnekoordinator,
    appoint_koordinator,
    coordination_holder,
    decline_statutory_offer,
    designate_coordinating_service,
    end_appointment,
    offer_statutory_coordination,
)
from barnekoordinator.coordination.roles import (
    Obligation,
    ObligationStatus,
    Role,
    grant_role,
    obligations,
)
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    LogStatus,
    add_log_measure,
    current_log,
    open_stafettlogg,
    service_may_read,
)
from barnekoordinator.coordination.transitions import (
    continue_as_adult,
    move_municipality,
    turn_eighteen,
)
from barnekoordinator.history.case import join_participant
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


def _coordination(run: CaseRun, day: date, code: str) -> list[Obligation]:
    return [o for o in obligations(run.case, day, run.settings) if o.code == code]


def _logged(services: tuple[ServiceKind, ...]) -> CaseRun:
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    run.run(
        open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=BtiLevel.NIVAA_2,
        as_of=D,
        settings=run.settings,
    )
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="Språkgruppe",
        responsible_ref="pl",
        evaluation_date=D + timedelta(days=10),
        as_of=D,
        settings=run.settings,
    )
    return run


def test_d1a_coordinator_taking_over_the_log_needs_a_log_consent_domain_7_5_and_7_7() -> None:
    """domain.md §7.5 [V:S51] («Det same gjeld når ein annan teneste overtar ansvaret for
    stafettloggen») and §7.7 [V:S52b]: a barnekoordinator from a service no stafettlogg consent
    covers is still appointed (a statutory duty), but is told to obtain a consent covering their
    service while the linked log is unreadable to them; the obligation goes when one is given."""
    code = "coordination.log-consent-for-coordinator"
    run = _logged((S.BARNEHAGE, S.HELSESTASJON))
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.KOORDINERENDE_ENHET])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("ke", S.KOORDINERENDE_ENHET),
        by="ke",
        as_of=D,
        family_wishes="ønsker barnekoordinator",
        settings=run.settings,
    )
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.LINKED
    late = D + timedelta(days=20)
    assert not service_may_read(run.case, S.KOORDINERENDE_ENHET, late, run.settings)
    (o,) = _coordination(run, late, code)
    assert (o.actor_ref, o.role, o.status) == ("ke", Role.BARNEKOORDINATOR, ObligationStatus.UNMET)
    assert "koordinerende-enhet" in o.text("nn")
    assert o.text("en")

    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.KOORDINERENDE_ENHET], consent_id="log-ke")
    assert service_may_read(run.case, S.KOORDINERENDE_ENHET, late, run.settings)
    assert _coordination(run, late, code) == []


def _koordinator_case() -> CaseRun:
    run = standard_case(age=8)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.HELSESTASJON, S.FYSIOTERAPI])
    run.run(appoint_koordinator, coordinator=professional("hs", S.HELSESTASJON), by="ke", as_of=D)
    return run


def test_d1b_appointment_ended_without_successor_domain_5_2_and_7_4() -> None:
    """domain.md §5.2 (the municipality must see that one service coordinates) and §7.4
    [V:S56][V:S48] (coordination lasts until «vi er trygge på at det ikke er behov lengre»): the
    koordinator ends her own appointment (LEFT_CASE); koordinerende enhet is told that nobody has
    taken over until it appoints a successor."""
    code = "coordination.no-successor"
    run = _koordinator_case()
    assert _coordination(run, D, code) == []
    left = D + timedelta(days=5)
    run.run(
        end_appointment,
        role=Role.KOORDINATOR,
        by="hs",
        as_of=left,
        reason=AppointmentEndReason.LEFT_CASE,
    )
    assert coordination_holder(run.case, left) is None
    (o,) = _coordination(run, left + timedelta(days=30), code)
    assert (o.actor_ref, o.role, o.subject, o.status) == (
        "ke",
        Role.KOORDINERENDE_ENHET,
        "koordinator",
        ObligationStatus.UNMET,
    )
    assert o.text("nn")
    assert o.text("en")

    later = left + timedelta(days=7)
    run.run(
        appoint_koordinator, coordinator=professional("fysio", S.FYSIOTERAPI), by="ke", as_of=later
    )
    assert _coordination(run, later + timedelta(days=30), code) == []


def test_d1b_a_designated_service_closes_the_gap_and_a_ended_need_opens_none_domain_5_2() -> None:
    """domain.md §5.2: the municipality's recorded decision on which service coordinates closes
    the gap; an appointment ended because the need is over (NO_LONGER_NEEDED) opens none."""
    code = "coordination.no-successor"
    run = _koordinator_case()
    left = D + timedelta(days=5)
    run.run(
        end_appointment,
        role=Role.KOORDINATOR,
        by="ke",
        as_of=left,
        reason=AppointmentEndReason.REPLACED,
    )
    assert len(_coordination(run, left, code)) == 1
    run.run(
        designate_coordinating_service,
        service=S.HELSESTASJON,
        contact_ref="hs",
        by="ke",
        as_of=left + timedelta(days=1),
        reason="helsestasjonen følger familien tettest; barnet ble spurt",
    )
    assert _coordination(run, left + timedelta(days=2), code) == []

    run = _koordinator_case()
    run.run(
        end_appointment,
        role=Role.KOORDINATOR,
        by="ke",
        as_of=left,
        reason=AppointmentEndReason.NO_LONGER_NEEDED,
    )
    assert _coordination(run, left + timedelta(days=30), code) == []


def test_d1c_bk_19_the_new_municipality_must_assess_and_appoint() -> None:
    """domain.md §10.1 BK-19 [PRACTICE] («A's appointment ends; B must assess and appoint»; hotl
    § 7-2 a, the duty is each municipality's): after the move nothing is appointed, so the new
    municipality's koordinerende enhet (nobody until it joins) is told to assess and appoint."""
    code = "coordination.assess-after-move"
    run = standard_case(age=6)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.KOORDINERENDE_ENHET])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("ke", S.KOORDINERENDE_ENHET),
        by="ke",
        as_of=D,
        family_wishes="ønsker barnekoordinator",
        settings=run.settings,
    )
    moved = D + timedelta(days=20)
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=moved, settings=run.settings)
    assert coordination_holder(run.case, moved) is None
    for day in (moved, moved + timedelta(days=365)):
        (o,) = _coordination(run, day, code)
        assert (o.actor_ref, o.role, o.subject, o.status) == (
            None,
            Role.KOORDINERENDE_ENHET,
            "barnekoordinator",
            ObligationStatus.UNMET,
        )
    assert _coordination(run, moved, "coordination.no-successor") == []

    run.do(join_participant(run.case, participant=professional("ke-b", S.KOORDINERENDE_ENHET)))
    run.run(grant_role, ref="ke-b", role=Role.KOORDINERENDE_ENHET, by="ke-b", as_of=moved)
    (o,) = _coordination(run, moved, code)
    assert o.actor_ref == "ke-b"
    assert o.text("nn")
    assert o.text("en")

    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.KOORDINERENDE_ENHET], as_of=moved)
    appointed = moved + timedelta(days=10)
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("ke-b", S.KOORDINERENDE_ENHET),
        by="ke-b",
        as_of=appointed,
        family_wishes="ønsker fortsatt barnekoordinator",
        settings=run.settings,
    )
    assert _coordination(run, appointed, code) == []


def test_d1c_bk_19_a_recorded_decline_in_the_new_municipality_ends_it() -> None:
    """BK-19 and BK-10 (the family may decline): an offer in the new municipality that the
    family declines answers the assessment."""
    code = "coordination.assess-after-move"
    run = standard_case(age=6)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.KOORDINERENDE_ENHET])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("ke", S.KOORDINERENDE_ENHET),
        by="ke",
        as_of=D,
        family_wishes="ønsker barnekoordinator",
        settings=run.settings,
    )
    moved = D + timedelta(days=20)
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=moved, settings=run.settings)
    run.do(join_participant(run.case, participant=professional("ke-b", S.KOORDINERENDE_ENHET)))
    run.run(grant_role, ref="ke-b", role=Role.KOORDINERENDE_ENHET, by="ke-b", as_of=moved)
    run.run(
        offer_statutory_coordination,
        offer_id="o-b",
        offers=[StatutoryOffer.BARNEKOORDINATOR],
        reason="vurdert etter flytting",
        by="ke-b",
        as_of=moved,
    )
    assert len(_coordination(run, moved, code)) == 1
    run.run(
        decline_statutory_offer,
        offer_id="o-b",
        declined=[StatutoryOffer.BARNEKOORDINATOR],
        by="mor",
        as_of=moved,
    )
    assert _coordination(run, moved, code) == []


def _turns_18() -> tuple[CaseRun, date]:
    run = standard_case(age=17)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.KOORDINERENDE_ENHET])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("ke", S.KOORDINERENDE_ENHET),
        by="ke",
        as_of=D,
        family_wishes="ønsker barnekoordinator",
        settings=run.settings,
    )
    child = run.case.child
    assert child is not None
    birthday = child.turns(18)
    run.run(turn_eighteen, by="ke", as_of=birthday)
    return run, birthday


def test_d1d_bk_13_recording_the_birthday_keeps_the_koordinator_offer_due() -> None:
    """domain.md §10.1 BK-13 [V:S6][V:S15]: the barnekoordinator ends on the 18th birthday and a
    koordinator (hotl § 7-2) is to be offered with the young adult's consent. Recording the
    birthday (``turn_eighteen``) offers nothing, so the obligation stays until
    ``continue_as_adult`` appoints a koordinator."""
    code = "coordination.barnekoordinator-ended"
    run, birthday = _turns_18()
    later = birthday + timedelta(days=30)
    (o,) = _coordination(run, later, code)
    assert (o.actor_ref, o.status) == ("ke", ObligationStatus.UNMET)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.HELSESTASJON], as_of=later)
    run.run(
        continue_as_adult,
        by="ke",
        as_of=later,
        keep_plan=False,
        koordinator=professional("hs", S.HELSESTASJON),
        settings=run.settings,
    )
    assert _coordination(run, later, code) == []


def test_d1d_bk_13_the_young_adults_recorded_decline_ends_it() -> None:
    """domain.md §10.1 BK-13 [V:S6][V:S15] (and BK-10: an offer may be declined): a koordinator
    offered after the birthday and declined by the young adult answers the obligation."""
    code = "coordination.barnekoordinator-ended"
    run, birthday = _turns_18()
    later = birthday + timedelta(days=3)
    run.run(
        offer_statutory_coordination,
        offer_id="adult",
        offers=[StatutoryOffer.KOORDINATOR, StatutoryOffer.INDIVIDUAL_PLAN],
        reason="overgang til voksen",
        by="ke",
        as_of=later,
    )
    assert len(_coordination(run, later, code)) == 1
    run.run(
        decline_statutory_offer,
        offer_id="adult",
        declined=[StatutoryOffer.KOORDINATOR, StatutoryOffer.INDIVIDUAL_PLAN],
        by="child",
        as_of=later,
    )
    assert _coordination(run, later, code) == []

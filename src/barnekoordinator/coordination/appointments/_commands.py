"""Commands of samordning: offer, decline, appoint, end and designate."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments._state import (
    _STATUTORY,
    AppointmentEnded,
    AppointmentEndReason,
    CoordinatingServiceDesignated,
    CoordinatorAppointed,
    OfferStatutoryCoordination,
    StatutoryOffer,
    StatutoryOfferDeclined,
    _in_force,
    active_appointments,
    barnekoordinator_ends_on,
    coordination,
)
from barnekoordinator.coordination.roles import (
    Role,
    granted,
    is_leader,
)
from barnekoordinator.coordination.stafettlogg import (
    StafettloggLinked,
    open_log,
    stafettholder,
)
from barnekoordinator.errors import (
    CoordinationError,
    HandoverError,
    InvalidInput,
    NotResponsible,
)
from barnekoordinator.history.case import (
    Case,
    CaseMode,
    DomainEvent,
    ModeChanged,
    ParticipantJoined,
)
from barnekoordinator.people import Professional, check_item_id, may_be_barnekoordinator
from barnekoordinator.services import ServiceKind

# --- commands ------------------------------------------------------------------------


def _family(case: Case) -> set[str]:
    refs_ = {g.ref for g in case.with_responsibility()}
    if case.subject is not None:
        refs_.add(case.subject.ref)
    return refs_


def _require_ke(case: Case, by: str) -> None:
    if by not in granted(case, Role.KOORDINERENDE_ENHET):
        raise NotResponsible(
            f"case {case.id}: koordinerende enhet appoints coordinators (hotl § 7-3)"
        )


def offer_statutory_coordination(
    case: Case,
    *,
    offer_id: str,
    offers: Collection[StatutoryOffer],
    reason: str,
    by: str,
    as_of: date,
) -> OfferStatutoryCoordination:
    """Command: raise the need for statutory coordination (BTI-14, domain.md §7.8).

    Offering
    `StatutoryOffer.INDIVIDUAL_PLAN`
    is asking for consent to an individual plan. A barnekoordinator is offered only for a child
    under 18.
    """
    case.require_open()
    if case.participant(by) is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    check_item_id(offer_id, "offer_id")
    if coordination(case).get_offer(offer_id) is not None:
        raise InvalidInput(f"offer_id: expected a new, non-empty id in case {case.id}")
    if not offers:
        raise InvalidInput("offers: name what is offered")
    if not reason.strip():
        raise InvalidInput("reason: state why statutory coordination is needed")
    ends = barnekoordinator_ends_on(case)
    if StatutoryOffer.BARNEKOORDINATOR in offers and ends is not None and as_of >= ends:
        raise CoordinationError("a barnekoordinator is offered only for a child under 18")
    return OfferStatutoryCoordination(
        offer_id=offer_id, offers=frozenset(offers), reason=reason, by=by, on=as_of
    )


def decline_statutory_offer(
    case: Case,
    *,
    offer_id: str,
    declined: Collection[StatutoryOffer],
    by: str,
    as_of: date,
) -> StatutoryOfferDeclined:
    """Command: the family (a guardian with foreldreansvar, or the young person) declines."""
    case.require_open()
    offer = coordination(case).get_offer(offer_id)
    if offer is None:
        raise InvalidInput(f"case {case.id}: no offer {offer_id!r}")
    if by not in _family(case):
        raise NotResponsible(f"case {case.id}: only the family declines an offer")
    if not declined or not set(declined) <= offer.offers:
        raise InvalidInput("declined: name what was offered and is declined")
    return StatutoryOfferDeclined(offer_id=offer_id, declined=frozenset(declined), by=by, on=as_of)


def _takes_over(
    case: Case, role: Role, coordinator: Professional, by: str, as_of: date
) -> list[DomainEvent]:
    """Link an open log and move the case to statutory mode."""
    events: list[DomainEvent] = []
    log = open_log(case)
    if log is not None:
        events.append(
            StafettloggLinked(
                coordinator_role=role,
                coordinator_ref=coordinator.ref,
                by=by,
                on=as_of,
                pending_handover_to=log.baton.pending.to_ref if log.baton.pending else None,
                holder_was_missing=stafettholder(case) is None,
                # Only meetings called for after the link lapse with the baton: the minutes of
                # one held by then are still owed (the log is the minutes), so their agenda
                # rows stay.
                unminuted_meetings=tuple(
                    m.id for m in log.meetings if m.minutes is None and m.on > as_of
                ),
            )
        )
    if case.mode in (CaseMode.UNDRING, CaseMode.STAFETTLOGG):
        events.append(ModeChanged(mode=CaseMode.STATUTORY, reason=f"{role.value} appointed"))
    return events


def _joined(case: Case, coordinator: Professional) -> list[DomainEvent]:
    known = case.participant(coordinator.ref)
    if known is None:
        return [ParticipantJoined(participant=coordinator)]
    if known.service is not coordinator.service:
        raise InvalidInput(f"coordinator: {coordinator.ref} takes part for another service")
    return []


def _check_offer(case: Case, offer_id: str | None) -> None:
    if offer_id is not None and coordination(case).get_offer(offer_id) is None:
        raise InvalidInput(f"case {case.id}: no offer {offer_id!r}")


def appoint_barnekoordinator(
    case: Case,
    *,
    coordinator: Professional,
    by: str,
    as_of: date,
    family_wishes: str,
    offer_id: str | None = None,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: koordinerende enhet appoints a barnekoordinator (hotl § 7-2 a).

    Needs the family's wish (a ``BARNEKOORDINATOR`` consent from those entitled),
    a child under 18 (or an expected child), and one of the municipality's service
    providers ([`may_be_barnekoordinator()`][barnekoordinator.people.may_be_barnekoordinator]:
    never a privately engaged professional; a private provider acting on the
    municipality's behalf only where the municipality's setting allows it).
    ``family_wishes`` records how the family's and child's wishes were weighed.
    With ``barnekoordinator_fills_koordinator_role`` (default) an existing
    koordinator appointment ends and the barnekoordinator holds both roles (BK-27).
    An open stafettlogg is linked: the baton ends and coordination moves (BTI-14). A coordinator
    whose service no stafettlogg consent covers is still appointed (appointing is a statutory
    duty), and has the obligation ``coordination.log-consent-for-coordinator`` until a consent
    covers that service (domain.md §7.5 [V:S51]).
    """
    settings = settings or MunicipalSettings()
    case.require_open()
    _require_ke(case, by)
    ends = barnekoordinator_ends_on(case)
    if ends is not None and as_of >= ends:
        raise CoordinationError(
            f"case {case.id}: the barnekoordinator right ends on the child's 18th birthday"
        )
    why_not = may_be_barnekoordinator(coordinator, settings)
    if why_not is not None:
        raise CoordinationError(
            f"the barnekoordinator must be one of the municipality's own service providers: "
            f"{why_not}"
        )
    if not family_wishes.strip():
        raise InvalidInput("family_wishes: record how the family's and child's wishes were weighed")
    if _in_force(case, Role.BARNEKOORDINATOR, as_of) is not None:
        raise CoordinationError(
            f"case {case.id}: a barnekoordinator is already appointed; end that appointment first"
        )
    _check_offer(case, offer_id)
    ledger(case).require(case, ConsentPurpose.BARNEKOORDINATOR, as_of=as_of, settings=settings)
    events = _joined(case, coordinator)
    fills = settings.barnekoordinator_fills_koordinator_role
    k = _in_force(case, Role.KOORDINATOR, as_of)
    if fills and k is not None:
        events.append(
            AppointmentEnded(
                role=Role.KOORDINATOR,
                coordinator_ref=k.coordinator_ref,
                reason=AppointmentEndReason.REPLACED,
                by=by,
                on=as_of,
            )
        )
    events.append(
        CoordinatorAppointed(
            role=Role.BARNEKOORDINATOR,
            coordinator_ref=coordinator.ref,
            service=coordinator.service,
            also_koordinator=fills,
            family_wishes=family_wishes,
            by=by,
            on=as_of,
            offer_id=offer_id,
            overview_due=as_of + timedelta(days=settings.barnekoordinator_overview_days),
            information_due=as_of + timedelta(days=settings.barnekoordinator_information_days),
        )
    )
    events += _takes_over(case, Role.BARNEKOORDINATOR, coordinator, by, as_of)
    return tuple(events)


def appoint_koordinator(
    case: Case,
    *,
    coordinator: Professional,
    by: str,
    as_of: date,
    family_wishes: str = "",
    offer_id: str | None = None,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: koordinerende enhet appoints a koordinator (hotl § 7-2).

    Needs consent to share information with the koordinator's service from those
    entitled on ``as_of`` (the young adult alone from 18). Rejected while a
    barnekoordinator already holds the koordinator role. An open stafettlogg is
    linked (coordination moves).
    """
    settings = settings or MunicipalSettings()
    case.require_open()
    _require_ke(case, by)
    bk = _in_force(case, Role.BARNEKOORDINATOR, as_of)
    if bk is not None and bk.also_koordinator:
        raise CoordinationError(
            f"case {case.id}: the barnekoordinator also holds the koordinator role (BK-27)"
        )
    if _in_force(case, Role.KOORDINATOR, as_of) is not None:
        raise CoordinationError(
            f"case {case.id}: a koordinator is already appointed; end that appointment first"
        )
    _check_offer(case, offer_id)
    ledger(case).require(
        case,
        ConsentPurpose.SHARE_INFORMATION,
        as_of=as_of,
        service=coordinator.service,
        settings=settings,
    )
    events = _joined(case, coordinator)
    events.append(
        CoordinatorAppointed(
            role=Role.KOORDINATOR,
            coordinator_ref=coordinator.ref,
            service=coordinator.service,
            also_koordinator=False,
            family_wishes=family_wishes,
            by=by,
            on=as_of,
            offer_id=offer_id,
        )
    )
    if bk is None:
        events += _takes_over(case, Role.KOORDINATOR, coordinator, by, as_of)
    return tuple(events)


def end_appointment(
    case: Case,
    *,
    role: Role,
    by: str,
    as_of: date,
    reason: AppointmentEndReason,
) -> AppointmentEnded:
    """Command: end the active ``role`` appointment (by koordinerende enhet or the coordinator).

    Ended because the coordinator left the case (``LEFT_CASE``) or is to be replaced
    (``REPLACED``), the need goes on: until a successor is appointed, a coordinating service is
    designated or the family declines a new offer, koordinerende enhet has the obligation
    ``coordination.no-successor`` (domain.md §5.2, §7.4). ``NO_LONGER_NEEDED`` and
    ``FAMILY_WITHDREW`` record that the need is over.
    """
    case.require_open()
    if role not in _STATUTORY:
        raise InvalidInput("role: expected barnekoordinator or koordinator")
    current = next(
        (a for a in coordination(case).appointments if a.active and a.role is role), None
    )
    if current is None:
        raise CoordinationError(f"case {case.id}: no active {role.value} appointment")
    if by != current.coordinator_ref and by not in granted(case, Role.KOORDINERENDE_ENHET):
        raise NotResponsible(
            f"case {case.id}: koordinerende enhet or the coordinator ends an appointment"
        )
    return AppointmentEnded(
        role=role, coordinator_ref=current.coordinator_ref, reason=reason, by=by, on=as_of
    )


def designate_coordinating_service(
    case: Case,
    *,
    service: ServiceKind,
    contact_ref: str,
    by: str,
    as_of: date,
    reason: str,
    municipal_decision: bool = True,
) -> CoordinatingServiceDesignated:
    """Command: record which service coordinates when no statutory coordinator does.

    The municipality decides this only when the services do not agree; the
    child shall be able to express a view (``reason`` says how). While a
    stafettlogg is open its stafettholder coordinates, so the designated contact
    must hold the baton (hand it over first).
    """
    case.require_open()
    if by not in granted(case, Role.KOORDINERENDE_ENHET) and not is_leader(case, by):
        raise NotResponsible(
            f"case {case.id}: koordinerende enhet or a leader records the coordinating service"
        )
    contact = case.participant(contact_ref)
    if contact is None or contact.service is not service:
        raise InvalidInput(f"contact_ref: expected a professional of {service.value} in the case")
    if active_appointments(case, as_of):
        raise CoordinationError(
            f"case {case.id}: a statutory coordinator coordinates the service offer"
        )
    if open_log(case) is not None and stafettholder(case) != contact_ref:
        raise HandoverError(
            f"case {case.id}: the stafettholder coordinates; hand the baton to the designated "
            "contact first"
        )
    if not reason.strip():
        raise InvalidInput("reason: record why this service coordinates")
    return CoordinatingServiceDesignated(
        service=service,
        contact_ref=contact_ref,
        municipal_decision=municipal_decision,
        reason=reason,
        by=by,
        on=as_of,
    )

"""Samordning: exactly one holder of coordination responsibility, statutory roles first.

The municipality must see that one service coordinates (samordningsplikt,
domain.md §5.2). Who holds it, by precedence:

1. a **barnekoordinator** (hotl § 7-2 a) — for a child under 18 and the family;
   it must be one of the municipality's own service providers, and by default
   (``barnekoordinator_fills_koordinator_role``, BK-27) also holds the
   koordinator role;
2. a **koordinator** (hotl § 7-2; sphl § 2-5 a in specialist care);
3. while a stafettlogg is open, its **stafettholder** (BTI practice);
4. otherwise a **coordinating service designated** by the municipality.

When a case shows a need for statutory coordination, raise
:class:`OfferStatutoryCoordination` (BTI-14, domain.md §7.8). Appointing a
statutory coordinator moves the case to individuell plan / koordinator in the
same history (``ModeChanged`` to ``STATUTORY``) and *links* the open stafettlogg:
the baton ends, coordination moves to the coordinator, and the log's tiltak go
on being evaluated — nothing is lost and there are never two coordinators.
The barnekoordinator ends on the child's 18th birthday (BK-13,
:mod:`barnekoordinator.coordination.transitions`).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator
from datetime import date, timedelta

import attrs

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    RoleAssignment,
    granted,
    is_leader,
)
from barnekoordinator.coordination.stafettlogg import (
    StafettloggLinked,
    open_log,
    stafettholder,
    unminuted_meetings,
)
from barnekoordinator.errors import (
    CoordinationError,
    HandoverError,
    HistoryError,
    InvalidInput,
    NotResponsible,
)
from barnekoordinator.history.case import (
    Case,
    CaseMode,
    DomainEvent,
    ModeChanged,
    ParticipantJoined,
    RecordedEvent,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.legal_basis import LegalReference, parameter, refs
from barnekoordinator.people import Child, Professional
from barnekoordinator.services import ServiceKind

__all__ = [
    "CONCEPT",
    "Appointment",
    "AppointmentEndReason",
    "AppointmentEnded",
    "CoordinatingServiceDesignated",
    "Coordination",
    "CoordinationHolder",
    "CoordinatorAppointed",
    "Designation",
    "HolderKind",
    "Offer",
    "OfferStatutoryCoordination",
    "StatutoryOffer",
    "StatutoryOfferDeclined",
    "active_appointments",
    "appoint_barnekoordinator",
    "appoint_koordinator",
    "barnekoordinator_ends_on",
    "coordination",
    "coordination_claims",
    "coordination_holder",
    "decline_statutory_offer",
    "designate_coordinating_service",
    "end_appointment",
    "offer_statutory_coordination",
]

_KEY = "coordination"
_STATUTORY = (Role.BARNEKOORDINATOR, Role.KOORDINATOR)


class StatutoryOffer(enum.Enum):
    """What can be offered when statutory coordination is needed."""

    INDIVIDUAL_PLAN = "individual-plan"
    KOORDINATOR = "koordinator"
    BARNEKOORDINATOR = "barnekoordinator"


class AppointmentEndReason(enum.Enum):
    """Why a koordinator or barnekoordinator appointment ended."""

    TURNED_18 = "turned-18"
    MOVED_MUNICIPALITY = "moved-municipality"
    REPLACED = "replaced"
    LEFT_CASE = "left-case"
    FAMILY_WITHDREW = "family-withdrew"
    NO_LONGER_NEEDED = "no-longer-needed"


class HolderKind(enum.Enum):
    """On what footing someone holds coordination responsibility (precedence order)."""

    BARNEKOORDINATOR = "barnekoordinator"
    KOORDINATOR = "koordinator"
    STAFETTHOLDER = "stafettholder"
    DESIGNATED_SERVICE = "designated-service"


@attrs.frozen(kw_only=True)
class Appointment:
    """A koordinator or barnekoordinator appointment."""

    role: Role
    coordinator_ref: str
    service: ServiceKind
    since: date
    appointed_by: str
    also_koordinator: bool = False
    """A barnekoordinator who also holds the koordinator role (BK-27)."""
    family_wishes: str = ""
    ended_on: date | None = None
    end_reason: AppointmentEndReason | None = None

    @property
    def active(self) -> bool:
        """True until the appointment ended."""
        return self.ended_on is None


@attrs.frozen(kw_only=True)
class Offer:
    """An :class:`OfferStatutoryCoordination` and what the family declined of it."""

    id: str
    offers: frozenset[StatutoryOffer]
    reason: str
    raised_on: date
    raised_by: str
    declined: frozenset[StatutoryOffer] = frozenset()


@attrs.frozen(kw_only=True)
class Designation:
    """The municipality's decision on which service coordinates (samordning)."""

    service: ServiceKind
    contact_ref: str
    on: date
    by: str
    municipal_decision: bool
    reason: str


@attrs.frozen(kw_only=True)
class Coordination:
    """Offers, appointments and designation of a case."""

    offers: tuple[Offer, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    designation: Designation | None = None

    def get_offer(self, offer_id: str) -> Offer | None:
        """The offer with this id."""
        return next((o for o in self.offers if o.id == offer_id), None)


@attrs.frozen(kw_only=True)
class CoordinationHolder:
    """Who holds coordination responsibility, on what footing, since when, and why."""

    kind: HolderKind
    ref: str | None
    service: ServiceKind | None
    since: date | None
    basis: tuple[str, ...]

    @property
    def references(self) -> tuple[LegalReference, ...]:
        """The legal references of :attr:`basis`."""
        return refs(*self.basis)


# --- events --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OfferStatutoryCoordination(DomainEvent):
    """The case needs statutory coordination: IP / koordinator / barnekoordinator is offered."""

    TYPE = "coordination.statutory-offered"
    LEGAL_BASIS = ("pbrl-2-5", "pbrl-2-5-b", "pbrl-2-5-c")
    offer_id: str
    offers: frozenset[StatutoryOffer]
    reason: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class StatutoryOfferDeclined(DomainEvent):
    """The family (or young person) declined part or all of an offer."""

    TYPE = "coordination.offer-declined"
    LEGAL_BASIS = ("pbrl-2-5",)
    offer_id: str
    declined: frozenset[StatutoryOffer]
    by: str
    on: date


@attrs.frozen(kw_only=True)
class CoordinatorAppointed(DomainEvent):
    """A koordinator or barnekoordinator was appointed; coordination moves to them."""

    TYPE = "coordination.appointed"
    LEGAL_BASIS = ("hotl-7-2", "hotl-7-2-a", "hotl-7-3", "veileder-samordningsplikt")
    role: Role
    coordinator_ref: str
    service: ServiceKind
    also_koordinator: bool
    family_wishes: str
    by: str
    on: date
    offer_id: str | None = None


@attrs.frozen(kw_only=True)
class AppointmentEnded(DomainEvent):
    """A koordinator or barnekoordinator appointment ended."""

    TYPE = "coordination.appointment-ended"
    LEGAL_BASIS = ("hotl-7-2", "hotl-7-2-a")
    role: Role
    coordinator_ref: str
    reason: AppointmentEndReason
    by: str
    on: date


@attrs.frozen(kw_only=True)
class CoordinatingServiceDesignated(DomainEvent):
    """The municipality decided (or the services agreed) which service coordinates."""

    TYPE = "coordination.service-designated"
    LEGAL_BASIS = ("veileder-samordningsplikt", "hotl-3-4")
    service: ServiceKind
    contact_ref: str
    municipal_decision: bool
    reason: str
    by: str
    on: date


_EMPTY_COORDINATION = Coordination()
"""The state of a case that has none yet (built once, shared: it is immutable)."""


def coordination(case: Case) -> Coordination:
    """The coordination state of a case."""
    return case.part(_KEY, _EMPTY_COORDINATION)


def _offered(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, OfferStatutoryCoordination)
    state = coordination(case)
    offer = Offer(id=e.offer_id, offers=e.offers, reason=e.reason, raised_on=e.on, raised_by=e.by)
    return case.with_part(_KEY, attrs.evolve(state, offers=(*state.offers, offer)))


def _declined(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StatutoryOfferDeclined)
    state = coordination(case)
    offers = tuple(
        attrs.evolve(o, declined=o.declined | e.declined) if o.id == e.offer_id else o
        for o in state.offers
    )
    return case.with_part(_KEY, attrs.evolve(state, offers=offers))


def _appointed(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, CoordinatorAppointed)
    state = coordination(case)
    if any(a.active and a.role is e.role for a in state.appointments):
        raise HistoryError(f"case {case.id}: two active {e.role.value} appointments")
    a = Appointment(
        role=e.role,
        coordinator_ref=e.coordinator_ref,
        service=e.service,
        since=e.on,
        appointed_by=e.by,
        also_koordinator=e.also_koordinator,
        family_wishes=e.family_wishes,
    )
    return case.with_part(_KEY, attrs.evolve(state, appointments=(*state.appointments, a)))


def _ended(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, AppointmentEnded)
    state = coordination(case)
    appointments = tuple(
        attrs.evolve(a, ended_on=e.on, end_reason=e.reason)
        if a.active and a.role is e.role and a.coordinator_ref == e.coordinator_ref
        else a
        for a in state.appointments
    )
    return case.with_part(_KEY, attrs.evolve(state, appointments=appointments))


def _designated(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, CoordinatingServiceDesignated)
    d = Designation(
        service=e.service,
        contact_ref=e.contact_ref,
        on=e.on,
        by=e.by,
        municipal_decision=e.municipal_decision,
        reason=e.reason,
    )
    return case.with_part(_KEY, attrs.evolve(coordination(case), designation=d))


# --- queries -------------------------------------------------------------------------


def barnekoordinator_ends_on(case: Case) -> date | None:
    """The child's 18th birthday, when the barnekoordinator ends (``None`` before birth)."""
    child = case.child
    if child is None:
        return None
    return child.turns(parameter("barnekoordinator_age_limit").values[-1][1])


def _bk_in_force(case: Case, a: Appointment, as_of: date) -> bool:
    if a.role is not Role.BARNEKOORDINATOR:
        return True
    ends = barnekoordinator_ends_on(case)
    return ends is None or as_of < ends


def active_appointments(case: Case, as_of: date) -> tuple[Appointment, ...]:
    """Appointments in force on ``as_of`` (a barnekoordinator lapses on the 18th birthday)."""
    return tuple(
        a for a in coordination(case).appointments if a.active and _bk_in_force(case, a, as_of)
    )


def _active(case: Case, role: Role, as_of: date) -> Appointment | None:
    return next((a for a in active_appointments(case, as_of) if a.role is role), None)


def coordination_claims(case: Case, as_of: date) -> tuple[CoordinationHolder, ...]:
    """Everyone who holds coordination responsibility on ``as_of`` — never more than one.

    A koordinator beside an active barnekoordinator (when the municipality keeps
    the roles apart) does not coordinate the service offer; the barnekoordinator
    does. An empty result while a stafettlogg is open means its holder left.
    """
    found: list[CoordinationHolder] = []
    bk = _active(case, Role.BARNEKOORDINATOR, as_of)
    k = _active(case, Role.KOORDINATOR, as_of)
    if bk is not None:
        found.append(
            CoordinationHolder(
                kind=HolderKind.BARNEKOORDINATOR,
                ref=bk.coordinator_ref,
                service=bk.service,
                since=bk.since,
                basis=("hotl-7-2-a", "veileder-samordningsplikt"),
            )
        )
    elif k is not None:
        found.append(
            CoordinationHolder(
                kind=HolderKind.KOORDINATOR,
                ref=k.coordinator_ref,
                service=k.service,
                since=k.since,
                basis=("hotl-7-2",),
            )
        )
    log = open_log(case)
    holder = stafettholder(case)
    if log is not None and holder is not None:
        participant = case.participant(holder)
        found.append(
            CoordinationHolder(
                kind=HolderKind.STAFETTHOLDER,
                ref=holder,
                service=participant.service if participant else None,
                since=log.baton.since,
                basis=("bti-stafettholder",),
            )
        )
    d = coordination(case).designation
    if not found and log is None and d is not None and case.participant(d.contact_ref):
        found.append(
            CoordinationHolder(
                kind=HolderKind.DESIGNATED_SERVICE,
                ref=d.contact_ref,
                service=d.service,
                since=d.on,
                basis=("veileder-samordningsplikt",),
            )
        )
    return tuple(found)


def coordination_holder(case: Case, as_of: date) -> CoordinationHolder | None:
    """The one holder of coordination responsibility on ``as_of``, or ``None``."""
    claims = coordination_claims(case, as_of)
    if len(claims) > 1:  # pragma: no cover - prevented by the commands
        raise HistoryError(f"case {case.id}: {len(claims)} holders of coordination")
    return claims[0] if claims else None


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

    Offering :attr:`StatutoryOffer.INDIVIDUAL_PLAN` is asking for consent to an
    individual plan. A barnekoordinator is offered only for a child under 18.
    """
    case.require_open()
    if case.participant(by) is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    if not offer_id.strip() or coordination(case).get_offer(offer_id) is not None:
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
                unminuted_meetings=unminuted_meetings(log),
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
    a child under 18 (or an expected child), and a municipal service provider.
    ``family_wishes`` records how the family's and child's wishes were weighed.
    With ``barnekoordinator_fills_koordinator_role`` (default) an existing
    koordinator appointment ends and the barnekoordinator holds both roles (BK-27).
    An open stafettlogg is linked: the baton ends and coordination moves (BTI-14).
    """
    settings = settings or MunicipalSettings()
    case.require_open()
    _require_ke(case, by)
    ends = barnekoordinator_ends_on(case)
    if ends is not None and as_of >= ends:
        raise CoordinationError(
            f"case {case.id}: the barnekoordinator right ends on the child's 18th birthday"
        )
    if not coordinator.is_municipal:
        raise CoordinationError(
            "the barnekoordinator must be one of the municipality's own service providers "
            "(hotl § 7-2 a)"
        )
    if not family_wishes.strip():
        raise InvalidInput("family_wishes: record how the family's and child's wishes were weighed")
    if _active(case, Role.BARNEKOORDINATOR, as_of) is not None:
        raise CoordinationError(
            f"case {case.id}: a barnekoordinator is already appointed; end that appointment first"
        )
    _check_offer(case, offer_id)
    ledger(case).require(case, ConsentPurpose.BARNEKOORDINATOR, as_of=as_of, settings=settings)
    events = _joined(case, coordinator)
    fills = settings.barnekoordinator_fills_koordinator_role
    k = _active(case, Role.KOORDINATOR, as_of)
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
    bk = _active(case, Role.BARNEKOORDINATOR, as_of)
    if bk is not None and bk.also_koordinator:
        raise CoordinationError(
            f"case {case.id}: the barnekoordinator also holds the koordinator role (BK-27)"
        )
    if _active(case, Role.KOORDINATOR, as_of) is not None:
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
    """Command: end the active ``role`` appointment (by koordinerende enhet or the coordinator)."""
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


# --- roles and obligations ------------------------------------------------------------


def _coordinator_roles(case: Case, as_of: date) -> Iterator[RoleAssignment]:
    for a in active_appointments(case, as_of):
        yield RoleAssignment(
            role=a.role,
            ref=a.coordinator_ref,
            since=a.since,
            basis=("hotl-7-2-a",) if a.role is Role.BARNEKOORDINATOR else ("hotl-7-2",),
        )
        if a.also_koordinator:
            yield RoleAssignment(
                role=Role.KOORDINATOR, ref=a.coordinator_ref, since=a.since, basis=("hotl-7-2",)
            )


def _offer_open(case: Case, offer: Offer) -> frozenset[StatutoryOffer]:
    """The coordinator parts of an offer neither appointed nor declined."""
    since = [a for a in coordination(case).appointments if a.since >= offer.raised_on]
    answered = set(offer.declined)
    for a in since:
        answered.add(StatutoryOffer(a.role.value))
        if a.also_koordinator:
            answered.add(StatutoryOffer.KOORDINATOR)
    return frozenset(offer.offers - answered - {StatutoryOffer.INDIVIDUAL_PLAN})


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    state = coordination(case)
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    for offer in state.offers:
        pending = _offer_open(case, offer)
        if not pending:
            continue
        due = offer.raised_on + timedelta(days=ctx.settings.decision_sla_days)
        what = ", ".join(sorted(p.value for p in pending))
        for unit in ke:
            o = ctx.dated(
                code="coordination.offer-answer",
                duty_code="ke.appoint",
                actor_ref=unit,
                subject=offer.id,
                due=due,
                text_nb=f"Tilbudet om {what} venter på avklaring og eventuell oppnevning.",
                text_en=f"The offer of {what} awaits the family's answer and an appointment.",
            )
            if o is not None:
                yield o
    ends = barnekoordinator_ends_on(case)
    for a in state.appointments:
        if not a.active:
            continue
        if case.participant(a.coordinator_ref) is None:
            for unit in ke:
                yield ctx.make(
                    code="coordination.coordinator-left",
                    duty_code="ke.appoint",
                    actor_ref=unit,
                    subject=a.role.value,
                    due=None,
                    status=ObligationStatus.UNMET,
                    text_nb=f"Den oppnevnte {a.role.value} har sluttet: oppnevn en ny.",
                    text_en=f"The appointed {a.role.value} has left: appoint a new one.",
                )
        if a.role is Role.BARNEKOORDINATOR and ends is not None:
            if ctx.as_of >= ends:
                for unit in ke:
                    yield ctx.make(
                        code="coordination.barnekoordinator-ended",
                        duty_code="ke.appoint",
                        actor_ref=unit,
                        subject=a.role.value,
                        due=ends,
                        status=ObligationStatus.UNMET,
                        text_nb="Barnekoordinatoren opphørte på 18-årsdagen: registrer overgangen "
                        "og tilby koordinator og videre individuell plan med den unges samtykke.",
                        text_en="The barnekoordinator ended on the 18th birthday: record the "
                        "transition and offer koordinator and continued IP with the young "
                        "adult's consent.",
                        extra_basis=("vergeml-2",),
                    )
            elif (ends - ctx.as_of).days <= ctx.settings.turning_18_lead_days:
                yield ctx.make(
                    code="coordination.turns-18",
                    duty_code="barnekoordinator.e",
                    actor_ref=a.coordinator_ref,
                    subject="turns-18",
                    due=ends,
                    status=ObligationStatus.DUE,
                    text_nb=f"Barnet fyller 18 år {ends.isoformat()}: planlegg overgangen til "
                    "voksen (koordinator og individuell plan med den unges eget samtykke).",
                    text_en=f"The child turns 18 on {ends.isoformat()}: plan the transition to "
                    "adulthood (koordinator and IP with the young adult's own consent).",
                )
    child = case.child
    adult_age = parameter("age_of_majority").at(ctx.as_of)
    if (
        isinstance(child, Child)
        and ctx.as_of >= child.birth_date
        and child.age_on(ctx.as_of) >= adult_age
    ):
        for a in active_appointments(case, ctx.as_of):
            if a.role is Role.KOORDINATOR and not ledger(case).covers(
                case,
                ConsentPurpose.SHARE_INFORMATION,
                as_of=ctx.as_of,
                service=a.service,
                settings=ctx.settings,
            ):
                yield ctx.make(
                    code="coordination.adult-consent",
                    duty_code="koordinator.follow-up",
                    actor_ref=a.coordinator_ref,
                    subject=a.role.value,
                    due=None,
                    status=ObligationStatus.UNMET,
                    text_nb="Koordinator fortsetter bare med den unge voksnes eget samtykke.",
                    text_en="The koordinator continues only with the young adult's own consent.",
                    extra_basis=("vergeml-2",),
                )


CONCEPT = Concept(
    name="appointments",
    events=(
        OfferStatutoryCoordination,
        StatutoryOfferDeclined,
        CoordinatorAppointed,
        AppointmentEnded,
        CoordinatingServiceDesignated,
    ),
    evolvers={
        OfferStatutoryCoordination: _offered,
        StatutoryOfferDeclined: _declined,
        CoordinatorAppointed: _appointed,
        AppointmentEnded: _ended,
        CoordinatingServiceDesignated: _designated,
    },
    role_sources=(_coordinator_roles,),
    obligation_sources=(_obligations,),
)

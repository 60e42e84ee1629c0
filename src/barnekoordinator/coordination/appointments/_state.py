"""The state of samordning: offers, appointments, designations, and who holds coordination."""

from __future__ import annotations

import enum
from datetime import date

import attrs

from barnekoordinator.coordination.roles import (
    Role,
)
from barnekoordinator.coordination.stafettlogg import (
    open_log,
    stafettholder,
)
from barnekoordinator.errors import (
    HistoryError,
)
from barnekoordinator.history.case import (
    Case,
    DomainEvent,
    RecordedEvent,
)
from barnekoordinator.legal_basis import LegalReference, parameter, refs
from barnekoordinator.services import ServiceKind

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
    overview_due: date | None = None
    """Barnekoordinator duty b: the first overview of the follow-up is due (from the settings
    when appointed; ``None`` for a koordinator or an appointment recorded before issue 14)."""
    information_due: date | None = None
    """Barnekoordinator duties c and d: information and guidance are due."""

    @property
    def active(self) -> bool:
        """True until the appointment ended."""
        return self.ended_on is None


@attrs.frozen(kw_only=True)
class Offer:
    """An
    [`OfferStatutoryCoordination`][barnekoordinator.coordination.appointments.OfferStatutoryCoordination]
    and what the family declined of it.
    """

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
        """The legal references of `basis`."""
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
    ADMINISTERED_BY = ("koordinerende-enhet",)  # hotl § 7-3: as appoint_barnekoordinator checks
    role: Role
    coordinator_ref: str
    service: ServiceKind
    also_koordinator: bool
    family_wishes: str
    by: str
    on: date
    offer_id: str | None = None
    overview_due: date | None = None
    """Barnekoordinator: when the overview of the follow-up is due (duty b; the settings)."""
    information_due: date | None = None
    """Barnekoordinator: when information and guidance are due (duties c and d)."""


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
        overview_due=e.overview_due,
        information_due=e.information_due,
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


def _in_force(case: Case, role: Role, as_of: date) -> Appointment | None:
    return next((a for a in active_appointments(case, as_of) if a.role is role), None)


def coordination_claims(case: Case, as_of: date) -> tuple[CoordinationHolder, ...]:
    """Everyone who holds coordination responsibility on ``as_of`` — never more than one.

    A koordinator beside an active barnekoordinator (when the municipality keeps
    the roles apart) does not coordinate the service offer; the barnekoordinator
    does. An empty result while a stafettlogg is open means its holder left.
    """
    found: list[CoordinationHolder] = []
    bk = _in_force(case, Role.BARNEKOORDINATOR, as_of)
    k = _in_force(case, Role.KOORDINATOR, as_of)
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
    if len(claims) > 1:  # pragma: no cover - prevented by the commands and _one_holder
        raise HistoryError(f"case {case.id}: {len(claims)} holders of coordination")
    return claims[0] if claims else None


def _one_holder(before: Case, after: Case, as_of: date) -> str | None:
    """Write check: a write leaves no more than one holder of coordination (samordningsplikt;
    hotl § 7-2, § 7-2 a; BTI-14).

    ``appoint_barnekoordinator`` and ``appoint_koordinator`` link an open stafettlogg in the
    batch that appoints, and ``open_stafettlogg`` refuses while a statutory coordinator holds
    coordination. A ``CoordinatorAppointed`` made by hand without the link left the appointee
    and the stafettholder both holding it, and every read asking for the one holder
    (``coordination_holder``: obligations, the plan check, meetings) failed on the case from
    then on. A case stored with more holders before this check existed is not made unwritable:
    a write there may only not add one.
    """
    claims = len(coordination_claims(after, as_of))
    if claims > 1 and claims > len(coordination_claims(before, as_of)):
        return (
            f"coordination would have {claims} holders (hotl § 7-2, § 7-2 a: one coordinates); "
            "appoint through appoint_barnekoordinator or appoint_koordinator, which link the "
            "open stafettlogg (BTI-14)"
        )
    if _log_beside_appointment(after, as_of) and not _log_beside_appointment(before, as_of):
        # Its holder may have left (no claim now), but a leader's assign_holder would make one.
        return (
            "a stafettlogg would stay open beside a statutory coordinator (BTI-14: the "
            "appointment links the open log); appoint through appoint_barnekoordinator or "
            "appoint_koordinator"
        )
    return None


def _log_beside_appointment(case: Case, as_of: date) -> bool:
    """An open stafettlogg and an appointment in force: what ``open_stafettlogg`` refuses and
    every appointing command ends (by linking the log)."""
    return open_log(case) is not None and bool(active_appointments(case, as_of))

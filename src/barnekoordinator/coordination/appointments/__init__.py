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
[`OfferStatutoryCoordination`][barnekoordinator.coordination.appointments.OfferStatutoryCoordination]
(BTI-14, domain.md §7.8). Appointing a statutory coordinator moves the case to individuell plan /
koordinator in the same history (``ModeChanged`` to ``STATUTORY``) and *links* the open stafettlogg:
the baton ends, coordination moves to the coordinator, and the log's tiltak go on being evaluated —
nothing is lost and there are never two coordinators. The barnekoordinator ends on the child's 18th
birthday (BK-13,
[`barnekoordinator.coordination.transitions`][barnekoordinator.coordination.transitions]).

Handover without gaps: whenever nobody would coordinate, someone is told to act — koordinerende
enhet after an appointment ended with no successor (``coordination.no-successor``), after a move
(``coordination.assess-after-move``, BK-19) and from the 18th birthday until a koordinator is
appointed or declined (``coordination.barnekoordinator-ended``, BK-13); and a coordinator who
cannot read the linked stafettlogg for want of consent
(``coordination.log-consent-for-coordinator``).
"""

from __future__ import annotations

from barnekoordinator.coordination.appointments._commands import (
    appoint_barnekoordinator,
    appoint_koordinator,
    decline_statutory_offer,
    designate_coordinating_service,
    end_appointment,
    offer_statutory_coordination,
)
from barnekoordinator.coordination.appointments._concept import (
    APPOINTMENTS_CONCEPT,
)
from barnekoordinator.coordination.appointments._state import (
    Appointment,
    AppointmentEnded,
    AppointmentEndReason,
    CoordinatingServiceDesignated,
    Coordination,
    CoordinationHolder,
    CoordinatorAppointed,
    Designation,
    HolderKind,
    Offer,
    OfferStatutoryCoordination,
    StatutoryOffer,
    StatutoryOfferDeclined,
    active_appointments,
    barnekoordinator_ends_on,
    coordination,
    coordination_claims,
    coordination_holder,
)

__all__ = [
    "APPOINTMENTS_CONCEPT",
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

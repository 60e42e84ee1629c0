"""What samordning contributes to the catalogue."""

from __future__ import annotations

from barnekoordinator.coordination.appointments._duties import (
    _coordinator_roles,
    _obligations,
)
from barnekoordinator.coordination.appointments._state import (
    AppointmentEnded,
    CoordinatingServiceDesignated,
    CoordinatorAppointed,
    OfferStatutoryCoordination,
    StatutoryOfferDeclined,
    _appointed,
    _declined,
    _designated,
    _ended,
    _offered,
    _one_holder,
)
from barnekoordinator.history.concept import Concept

APPOINTMENTS_CONCEPT = Concept(
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
    write_checks=(_one_holder,),
)

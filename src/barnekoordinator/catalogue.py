"""The library's catalogue: every concept module, listed once, in a fixed order.

[CATALOGUE][barnekoordinator.catalogue.CATALOGUE] is the one immutable registry
of event types, evolvers, projectors, upcasters and the entry, role and
obligation sources of the first-party concepts. It is built from each concept
module's one ``…_CONCEPT`` value (``STAFETTLOGG_CONCEPT``, ``PLAN_CONCEPT`` …)
when this module is imported, never by a side effect of importing a concept
module, so every interpreter sees the same catalogue whatever it imported first.

The order below is the order entries, role holders and obligations are listed
in: the case itself first, then access (consent, entries, guardian grants),
then coordination from roles outward, then what was appended later (decisions
and complaints recorded in the case, the barnekoordinator's follow-up).
"""

from __future__ import annotations

from barnekoordinator.access import consent, entries, grants
from barnekoordinator.coordination import (
    appointments,
    follow_up,
    handover,
    meetings,
    participation,
    plan,
    roles,
    stafettlogg,
    transitions,
)
from barnekoordinator.history import case
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.rights import complaint_records, decision_records

__all__ = ["CATALOGUE"]

CATALOGUE: Catalogue = Catalogue.build(
    case.CASE_CONCEPT,
    consent.CONSENT_CONCEPT,
    entries.ENTRIES_CONCEPT,
    grants.GUARDIAN_GRANTS_CONCEPT,
    roles.ROLES_CONCEPT,
    appointments.APPOINTMENTS_CONCEPT,
    stafettlogg.STAFETTLOGG_CONCEPT,
    handover.HANDOVER_CONCEPT,
    plan.PLAN_CONCEPT,
    transitions.TRANSITIONS_CONCEPT,
    meetings.MEETINGS_CONCEPT,
    # Appended (issue 14): the order of the entries, roles and obligations above is unchanged.
    decision_records.DECISION_RECORDS_CONCEPT,
    complaint_records.COMPLAINT_RECORDS_CONCEPT,
    follow_up.FOLLOW_UP_CONCEPT,
    # Appended (issue 16): the child and the guardians act as themselves.
    participation.PARTICIPATION_CONCEPT,
)
"""Every first-party concept's contribution, in the order above."""

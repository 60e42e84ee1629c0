"""Who may record the municipality's decisions and the stages of a complaint (issue 14 item 8).

The access wing does not import the rights wing, so these events are recognised by their
stable type tag, and the complainant by the ``complainant_ref`` their payload carries:

* ``individual-decision.recorded`` and the municipality's complaint steps (``complaint.reviewed``,
  ``complaint.statsforvalter-decided``, ``complaint.fulfilled``) — koordinerende enhet only
  (hotl § 7-3: it appoints and decides for the municipality);
* ``complaint.received`` and ``complaint.form-corrected`` — the complainant themselves (a
  guardian with foreldreansvar, the young person; who may complain at all is the command's
  rule, pbrl § 7-2), or koordinerende enhet registering a complaint that reached it.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator.access.policy._context import _allow, _Ctx, _deny
from barnekoordinator.access.policy._standing import _index, _standing
from barnekoordinator.access.policy._values import (
    AccessAction,
    AccessDecision,
    CaseRole,
    insufficient_assurance,
    needed_assurance,
)
from barnekoordinator.access.principal import Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.history.case import Case, DomainEvent

MUNICIPAL_STEPS: Final = frozenset(
    {
        "individual-decision.recorded",
        "complaint.reviewed",
        "complaint.statsforvalter-decided",
        "complaint.fulfilled",
    }
)
"""Tags only koordinerende enhet records."""
LODGED: Final = frozenset({"complaint.received", "complaint.form-corrected"})
"""Tags the complainant records themselves (or koordinerende enhet for them)."""


def record_decision(
    principal: Principal,
    case: Case,
    event: DomainEvent,
    as_of: date,
    settings: MunicipalSettings,
    own_refs: frozenset[str],
) -> AccessDecision | None:
    """The decision on a decision or complaint event, or ``None`` for any other event.

    ``own_refs`` are the consenter refs the principal speaks for (their guardian
    ref, the child's ref).
    """
    tag = type(event).TYPE
    if tag not in MUNICIPAL_STEPS and tag not in LODGED:
        return None
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, AccessAction.WRITE, as_of, settings, None, standing)
    role = standing.roles[0] if standing.roles else None
    needed = needed_assurance(AccessAction.WRITE, None, settings)
    if not principal.assurance.at_least(needed):
        return insufficient_assurance(principal, AccessAction.WRITE, needed)
    if CaseRole.KOORDINERENDE_ENHET in standing.roles:
        return _allow(
            ctx,
            CaseRole.KOORDINERENDE_ENHET,
            "koordinerende enhet records the municipality's decisions and complaint steps",
            "hotl-7-3",
            "pbrl-7-2",
        )
    if tag in MUNICIPAL_STEPS:
        return _deny(
            ctx,
            role,
            "only koordinerende enhet records the municipality's decisions and its steps in a "
            "complaint",
            "hotl-7-3",
            "pbrl-7-2",
        )
    complainant = getattr(event, "complainant_ref", None)
    family = {CaseRole.GUARDIAN, CaseRole.CHILD}
    if family.isdisjoint(standing.roles) or complainant not in own_refs:
        return _deny(
            ctx,
            role,
            "a complaint is lodged by the complainant on their own behalf, or registered by "
            "koordinerende enhet",
            "pbrl-7-2",
        )
    return _allow(ctx, role, "the complainant lodges their own complaint", "pbrl-7-2")

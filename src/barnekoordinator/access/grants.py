"""The young adult's grant of access to a former guardian (vergemålsloven § 2).

From the 18th birthday the case is the adult's own: guardians no longer see it by foreldreansvar
(see [`barnekoordinator.access.policy`][barnekoordinator.access.policy]). The young adult may let a
former guardian read chosen sections of the case again, for a period or until withdrawn; a
withdrawal acts the same day.
[`grant_guardian_access()`][barnekoordinator.access.grants.grant_guardian_access] and
[`withdraw_guardian_access()`][barnekoordinator.access.grants.withdraw_guardian_access] are the
commands, [`guardian_access_grants()`][barnekoordinator.access.grants.guardian_access_grants] lists
every grant given in a case, and the access policy reads the active ones when a former guardian asks
to read. Who may record a grant (the young adult, or a professional recording the adult's signed
consent) is checked by
[`barnekoordinator.access.policy.authorise_events()`][barnekoordinator.access.policy.authorise_events].
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from barnekoordinator.access.consent import Section
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import check_item_id

__all__ = [
    "GUARDIAN_GRANTS_CONCEPT",
    "GuardianAccessGrant",
    "GuardianAccessGranted",
    "GuardianAccessWithdrawn",
    "grant_guardian_access",
    "guardian_access_grants",
    "withdraw_guardian_access",
]

# The case part holding the grants, in the order they were given.
_GRANTS_KEY = "access.guardian-grants"


@attrs.frozen(kw_only=True)
class GuardianAccessGrant:
    """A young adult (18+) lets a former guardian read sections of the case again."""

    id: str
    guardian_ref: str
    sections: frozenset[Section]
    valid_from: date
    valid_to: date | None = None
    withdrawn_on: date | None = None

    def active_on(self, as_of: date) -> bool:
        """In its period and not withdrawn on ``as_of`` (a withdrawal acts the same day)."""
        if as_of < self.valid_from:
            return False
        if self.valid_to is not None and as_of > self.valid_to:
            return False
        return self.withdrawn_on is None or as_of < self.withdrawn_on


@attrs.frozen(kw_only=True)
class GuardianAccessGranted(DomainEvent):
    """The young adult consented that a (former) guardian may read parts of the case."""

    TYPE = "access.guardian-access-granted"
    LEGAL_BASIS = ("vergeml-2",)
    grant: GuardianAccessGrant


@attrs.frozen(kw_only=True)
class GuardianAccessWithdrawn(DomainEvent):
    """The young adult withdrew a guardian's access; it stops on ``on``."""

    TYPE = "access.guardian-access-withdrawn"
    LEGAL_BASIS = ("vergeml-2",)
    grant_id: str
    on: date


def guardian_access_grants(case: Case) -> tuple[GuardianAccessGrant, ...]:
    """Every grant the young adult has given in this case (active or not)."""
    return case.part(_GRANTS_KEY, ())


def _granted(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, GuardianAccessGranted)
    return case.with_part(_GRANTS_KEY, (*guardian_access_grants(case), e.grant))


def _grant_withdrawn(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, GuardianAccessWithdrawn)
    grants = tuple(
        attrs.evolve(g, withdrawn_on=e.on) if g.id == e.grant_id else g
        for g in guardian_access_grants(case)
    )
    return case.with_part(_GRANTS_KEY, grants)


def grant_guardian_access(
    case: Case,
    *,
    grant_id: str,
    guardian_ref: str,
    as_of: date,
    sections: Iterable[Section] = tuple(Section),
    valid_to: date | None = None,
) -> GuardianAccessGranted:
    """Command: the young adult lets a former guardian read the given sections.

    Only meaningful from the 18th birthday: before that, guardians' access
    follows foreldreansvar and the age rules, not a grant.
    """
    case.require_open()
    child = case.child
    if child is None or as_of < child.birth_date:
        raise RuleViolation(f"case {case.id}: only a born child can grant access")
    if child.age_on(as_of) < parameter("age_of_majority").at(as_of):
        raise RuleViolation(
            f"case {case.id}: before 18 guardians' access follows foreldreansvar; "
            "a grant is given by the young adult (vergemålsloven § 2)"
        )
    if case.guardian(guardian_ref) is None:
        raise InvalidInput(f"guardian_ref: no guardian with this ref in case {case.id}")
    check_item_id(grant_id, "grant_id")
    if any(g.id == grant_id for g in guardian_access_grants(case)):
        raise InvalidInput(f"grant_id {grant_id!r} is already used in case {case.id}")
    chosen = frozenset(sections)
    if not chosen:
        raise InvalidInput("sections: a grant must name at least one section")
    if valid_to is not None and valid_to < as_of:
        raise InvalidInput("valid_to: must not be before the day the grant is given")
    return GuardianAccessGranted(
        grant=GuardianAccessGrant(
            id=grant_id,
            guardian_ref=guardian_ref,
            sections=chosen,
            valid_from=as_of,
            valid_to=valid_to,
        )
    )


def withdraw_guardian_access(case: Case, *, grant_id: str, as_of: date) -> GuardianAccessWithdrawn:
    """Command: the young adult withdraws a grant; it stops covering anything from ``as_of``."""
    case.require_open()
    grant = next((g for g in guardian_access_grants(case) if g.id == grant_id), None)
    if grant is None:
        raise InvalidInput(f"no guardian access grant {grant_id!r} in case {case.id}")
    if grant.withdrawn_on is not None:
        raise RuleViolation(f"grant {grant_id!r} is already withdrawn")
    return GuardianAccessWithdrawn(grant_id=grant_id, on=as_of)


GUARDIAN_GRANTS_CONCEPT = Concept(
    name="guardian-grants",
    events=(
        GuardianAccessGranted,
        GuardianAccessWithdrawn,
    ),
    evolvers={
        GuardianAccessGranted: _granted,
        GuardianAccessWithdrawn: _grant_withdrawn,
    },
)
"""The grant events and how they change the case's list of grants."""

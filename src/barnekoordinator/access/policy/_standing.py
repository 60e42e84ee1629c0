"""How a principal stands in one case: the case roles, derived from the case value.

A per-case index (built once per case value, released with it) keeps each
decision from scanning the whole case.
"""

from __future__ import annotations

import weakref
from typing import Final

from barnekoordinator.access.policy._values import CaseRole
from barnekoordinator.access.principal import Principal, SystemRole
from barnekoordinator.history.case import Case
from barnekoordinator.identifiers import PersonId
from barnekoordinator.people import ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind


class _CaseIndex:
    """Lookups derived from one case value, so a decision never scans the whole case.

    Only facts of the case are indexed — never anything that depends on the day
    or on a principal — so reusing it for the same case value is always exact.
    """

    __slots__ = ("by_hpr", "by_person", "by_ref", "child_person", "former")

    def __init__(self, case: Case) -> None:
        self.by_ref: dict[str, Professional] = {p.ref: p for p in case.participants}
        by_hpr: dict[int, list[Professional]] = {}
        for p in case.participants:
            if p.hpr is not None:
                by_hpr.setdefault(p.hpr.value, []).append(p)
        self.by_hpr: dict[int, tuple[Professional, ...]] = {k: tuple(v) for k, v in by_hpr.items()}
        self.by_person: dict[PersonId, Guardian] = {
            g.person_id: g for g in case.guardians if g.person_id is not None
        }
        child = case.child
        self.child_person: PersonId | None = child.person_id if child is not None else None
        self.former: frozenset[str] = frozenset(case.former_participants)


_INDEXES: dict[int, tuple[weakref.ref[Case], _CaseIndex]] = {}


def _index(case: Case) -> _CaseIndex:
    key = id(case)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is case:
        return hit[1]
    built = _CaseIndex(case)

    def forget(dead: weakref.ref[Case], key: int = key) -> None:
        current = _INDEXES.get(key)
        if current is not None and current[0] is dead:
            del _INDEXES[key]

    _INDEXES[key] = (weakref.ref(case, forget), built)
    return built


class _Standing:
    """The case roles of one principal in one case, with the matching people."""

    __slots__ = ("guardian", "professional", "roles")

    def __init__(
        self,
        roles: tuple[CaseRole, ...],
        guardian: Guardian | None,
        professional: Professional | None,
    ) -> None:
        self.roles = roles
        self.guardian = guardian
        self.professional = professional


_ROLE_ORDER: Final = tuple(CaseRole)


def _standing(principal: Principal, case: Case, index: _CaseIndex) -> _Standing:
    found: set[CaseRole] = set()
    guardian: Guardian | None = None
    professional: Professional | None = None
    person = principal.national_id
    if person is not None:
        if index.child_person is not None and person == index.child_person:
            found.add(CaseRole.CHILD)
        guardian = index.by_person.get(person)
        if guardian is not None:
            expecting_mother = (
                isinstance(case.subject, ExpectedChild)
                and guardian.relation is GuardianRelation.MOTHER
            )
            if guardian.parental_responsibility or expecting_mother:
                found.add(CaseRole.GUARDIAN)
            else:
                found.add(CaseRole.PARENT_WITHOUT_RESPONSIBILITY)
    professional = index.by_ref.get(principal.subject)
    if professional is None and principal.hpr is not None:
        for candidate in index.by_hpr.get(principal.hpr.value, ()):
            # Acting for another organisation is not acting in this case.
            if principal.organisation is None or principal.organisation == candidate.organisation:
                professional = candidate
                break
    if professional is not None:
        found.add(CaseRole.PARTICIPANT)
        if professional.service is ServiceKind.BARNEVERN:
            found.add(CaseRole.BARNEVERN)
    roles = principal.roles
    if roles and principal.acts_for(case.municipality_number):
        if SystemRole.BARNEVERN in roles:
            found.add(CaseRole.BARNEVERN)
        if SystemRole.KOORDINERENDE_ENHET in roles:
            found.add(CaseRole.KOORDINERENDE_ENHET)
        if SystemRole.LEADER in roles:
            found.add(CaseRole.LEADER)
    ordered = tuple(r for r in _ROLE_ORDER if r in found) if len(found) > 1 else tuple(found)
    return _Standing(ordered, guardian, professional)


def case_roles(principal: Principal, case: Case) -> tuple[CaseRole, ...]:
    """The principal's roles in ``case``, most specific first (empty: no part in it)."""
    return _standing(principal, case, _index(case)).roles


def case_professional(principal: Principal, case: Case) -> Professional | None:
    """The participant ``case`` knows ``principal`` as (by subject, or by HPR number within the
    principal's organisation), or None."""
    return _standing(principal, case, _index(case)).professional

"""What one decision knows: the principal's standing, the child's age and the day's thresholds."""

from __future__ import annotations

import functools
from datetime import date

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.policy._standing import _Standing
from barnekoordinator.access.policy._values import AccessAction, AccessDecision, CaseRole
from barnekoordinator.access.principal import Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.history.case import Case
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import Child


@functools.lru_cache(maxsize=64)
def _thresholds(as_of: date) -> tuple[int, int, int]:
    """(withhold-from age 12, health majority 16, majority 18) in force on ``as_of``."""
    return (
        parameter("withhold_from_guardians_from_age").at(as_of),
        parameter("health_majority_age").at(as_of),
        parameter("age_of_majority").at(as_of),
    )


class _Ctx:
    """Everything one decision needs, computed once per call."""

    __slots__ = ("act", "age", "as_of", "case", "principal", "purpose", "settings", "standing")

    def __init__(
        self,
        principal: Principal,
        case: Case,
        act: AccessAction,
        as_of: date,
        settings: MunicipalSettings,
        purpose: ConsentPurpose | None,
        standing: _Standing,
    ) -> None:
        self.principal = principal
        self.case = case
        self.act = act
        self.as_of = as_of
        self.settings = settings
        self.purpose = purpose
        self.standing = standing
        subject = case.subject
        # None: an expected child (no age yet). Before the birth date counts as 0.
        self.age: int | None = (
            (subject.age_on(as_of) if as_of >= subject.birth_date else 0)
            if isinstance(subject, Child)
            else None
        )


def _allow(ctx: _Ctx, role: CaseRole | None, reason: str, *basis: str) -> AccessDecision:
    return AccessDecision(allowed=True, action=ctx.act, reason=reason, basis=basis, role=role)


def _deny(ctx: _Ctx, role: CaseRole | None, reason: str, *basis: str) -> AccessDecision:
    return AccessDecision(allowed=False, action=ctx.act, reason=reason, basis=basis, role=role)

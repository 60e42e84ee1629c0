"""The rules from helse- og omsorgstjenesteloven (1 January 2012) until the reform.

No barnekoordinator (pbrl § 2-5 c and hotl § 7-2 a are not in force), no
patient right to koordinator in pbrl § 2-5 b (only the municipality's duty in
hotl § 7-2), no samordningsplikt or sector cooperation duties.

Dates before 1 January 2012 are not encoded. This module is never edited to
follow a change in the law: a new regime module with its own date is added
instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from _eligibility_reference._evaluator import (
    BarnekoordinatorVerdicts,
    Evaluated,
    Params,
    Regime,
)
from _eligibility_reference._tables import Tables, build_tables
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.rights.eligibility._facts import EligibilityFacts
from barnekoordinator.rights.eligibility._results import FollowUp
from barnekoordinator.rights.eligibility._vocabulary import Condition, NextStep, Outcome, Right

__all__: list[str] = []

IN_FORCE: Final = date(2012, 1, 1)
VERSION: Final = IN_FORCE.isoformat()

RIGHT_BASIS: Final = MappingProxyType(
    {
        # Cited only to say that it is not yet in force.
        Right.BARNEKOORDINATOR: ("pbrl-2-5-c", "hotl-7-2-a"),
        Right.KOORDINATOR: ("hotl-7-2",),
        # Every law that gave the right (issue 14): barnevern by the 1992 act then.
        Right.INDIVIDUAL_PLAN: ("pbrl-2-5", "hotl-7-1", "bvl-1992-3-2-a", "navl-15", "sostjl-28"),
        Right.STAFETTLOGG: ("bti-stafettlogg",),
    }
)
"""The reference keys each right rests on."""

PLAN_CONSENT_BASIS: Final = ("pbrl-2-5",)
"""Consent to an individuell plan (before the common IP regulation of the reform)."""


def barnekoordinator_not_in_force(
    T: Tables,
    facts: EligibilityFacts,
    settings: MunicipalSettings,
    p: Params,
    born: bool,
    age: int,
    ends_on: date | None,
    verdicts: BarnekoordinatorVerdicts,
    koordinator: Evaluated,
    plan: Evaluated,
) -> Evaluated:
    """The barnekoordinator is *not met* with the single condition ``IN_FORCE``; nothing follows."""
    not_in_force = T.conditions[(Right.BARNEKOORDINATOR, Condition.IN_FORCE, "not-in-force")]
    return (not_in_force,), Outcome.NOT_MET, NextStep.NONE, []


def no_cooperation_duty(T: Tables, facts: EligibilityFacts, case: list[FollowUp]) -> None:
    """No sector cooperation duty before the reform: a service declining has nothing to answer."""


REGIME: Final = Regime(
    in_force=IN_FORCE,
    tables=build_tables(VERSION, RIGHT_BASIS, PLAN_CONSENT_BASIS, on=IN_FORCE),
    barnekoordinator=barnekoordinator_not_in_force,
    cooperation=no_cooperation_duty,
)
"""The rule set ``"2012-01-01"``."""

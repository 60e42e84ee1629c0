"""The rules from the 2022 reform (Prop. 100 L (2020–2021)), in force 1 August 2022.

Adds the family's right to barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a), the
patient's right to koordinator (pbrl § 2-5 b), the common IP regulation and the
samarbeids- and samordningsplikt of the welfare laws.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style). Its rules are reused by the
regimes that only changed a citation (``_regime_2023_01_01``, ``_regime_2024_08_01``).

Corrected by decision 48: until 31 December 2022 barnevern's part of the individuell
plan rested on barnevernloven 1992 § 3-2 a (the 2021 act's § 15-9 came into force on
1 January 2023), and barnevern's cooperation duty was the 1992 act's § 3-2.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from barnekoordinator.rights.eligibility._evaluator import Regime
from barnekoordinator.rights.eligibility._facts import EligibilityFacts
from barnekoordinator.rights.eligibility._results import FollowUp
from barnekoordinator.rights.eligibility._rights import (
    BarnekoordinatorVerdicts,
    Evaluated,
    evaluate_right,
)
from barnekoordinator.rights.eligibility._tables import Tables, build_tables
from barnekoordinator.rights.eligibility._vocabulary import (
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    Right,
)

__all__: list[str] = []

IN_FORCE: Final = date(2022, 8, 1)
VERSION: Final = IN_FORCE.isoformat()

RIGHT_BASIS: Final = MappingProxyType(
    {
        Right.BARNEKOORDINATOR: ("pbrl-2-5-c", "hotl-7-2-a"),
        Right.KOORDINATOR: ("pbrl-2-5-b", "hotl-7-2"),
        # Every law that gives the right (issue 14); one plan under the common regulation.
        # Barnevern by the 1992 act until barnevernsloven 2021 (decision 48).
        Right.INDIVIDUAL_PLAN: (
            "pbrl-2-5",
            "hotl-7-1",
            "bvl-1992-3-2-a",
            "navl-15",
            "sostjl-28",
            "ip-forskriften",
        ),
        Right.STAFETTLOGG: ("bti-stafettlogg",),
    }
)
"""The reference keys each right rests on."""

PLAN_CONSENT_BASIS: Final = ("pbrl-2-5", "ip-forskriften")
"""Consent to an individuell plan, under the common IP regulation."""

_BK, _KO = Right.BARNEKOORDINATOR, Right.KOORDINATOR
_NOT = Outcome.NOT_MET
_K = FollowUpKind
_NO_APPOINTMENT: Final = (NextStep.NONE, NextStep.DECLINED)
_COVERS_KOORDINATOR: Final = (NextStep.APPOINT, NextStep.OFFER)


def assess_barnekoordinator(T: Tables, v: BarnekoordinatorVerdicts) -> tuple[Evaluated, bool]:
    """pbrl § 2-5 c / hotl § 7-2 a: conditions C1–C7 of domain.md §2.2, and what follows.

    Returns the evaluated right, and whether the barnekoordinator covers the koordinator role.
    """
    c1, c5, c7 = v.c1, v.c5, v.c7
    cond = T.conditions
    wish = cond[(_BK, Condition.WISH, v.wish)]
    conditions = (
        cond[(_BK, Condition.HAS_OR_EXPECTS_CHILD, c1)],
        cond[(_BK, Condition.SERIOUS_CONDITION, v.serious)],
        cond[(_BK, Condition.LONG_TERM_NEED, v.long_term)],
        cond[(_BK, Condition.COMPOSITE_OR_COORDINATED, v.c4)],
        cond[(_BK, Condition.HEALTH_AND_WELFARE_SERVICES, c5)],
        wish,
        cond[(_BK, Condition.UNDER_AGE_LIMIT, c7)],
    )
    bk = evaluate_right(T, _BK, conditions, wish)
    _, outcome, action, follow = bk
    fus = T.follow_ups
    if action is NextStep.APPOINT:
        _on_appointment(T, follow, v)
    if action in _NO_APPOINTMENT:
        follow.append(fus[(_BK, _K.SAMORDNINGSPLIKT)])
    alternative = v.koordinator_outcome is not _NOT or v.plan_outcome is not _NOT
    if c5 in ("no-welfare", "neither") and alternative:
        follow.append(fus[(_BK, _K.ALTERNATIVES)])
    if c7 == "reached-limit":
        follow.append(fus[(_BK, _K.TRANSITION_AT_18)])
    elif v.ends and outcome is not _NOT:
        # The shared follow-up without its date: the evaluator dates it (the child's 18th
        # birthday), so that this result is shared by every child with the same verdicts.
        follow.append(fus[(_BK, _K.ENDS_AT_18)])
    if c1 == "adoption":
        follow.append(fus[(_BK, _K.GUIDANCE_BASED)])
    if v.previous_municipality_barnekoordinator:
        follow.append(fus[(_BK, _K.MOVED_MUNICIPALITY)])
    return bk, action in _COVERS_KOORDINATOR and v.fills_koordinator_role


def _on_appointment(T: Tables, follow: list[FollowUp], v: BarnekoordinatorVerdicts) -> None:
    """What follows when the municipality shall appoint: the koordinator, the family, the plan."""
    fus = T.follow_ups
    if v.existing_koordinator:
        kind = _K.FILLS_KOORDINATOR_ROLE if v.fills_koordinator_role else _K.SEPARATE_KOORDINATOR
        follow.append(fus[(_BK, kind)])
    if v.family_barnekoordinator and v.one_per_family:
        follow.append(fus[(_BK, _K.LINK_FAMILY_BARNEKOORDINATOR)])
    if v.plan_action is NextStep.DECLINED:
        follow.append(fus[(_BK, _K.PLAN_PROGRESS_DORMANT)])


def escalate_declined_cooperation(T: Tables, facts: EligibilityFacts, case: list[FollowUp]) -> None:
    """A service declining to cooperate is escalated, citing its own cooperation duty (BK-26) in
    force on the rule set's date (the tables' escalations are dated)."""
    for kind in facts.services_declining_cooperation:
        case.append(T.escalations[kind])


REGIME: Final = Regime(
    in_force=IN_FORCE,
    tables=build_tables(IN_FORCE, RIGHT_BASIS, PLAN_CONSENT_BASIS),
    barnekoordinator=assess_barnekoordinator,
    cooperation=escalate_declined_cooperation,
)
"""The rule set ``"2022-08-01"``."""

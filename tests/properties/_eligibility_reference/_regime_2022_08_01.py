"""The rules from the 2022 reform (Prop. 100 L (2020–2021)), in force 1 August 2022.

Adds the family's right to barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a), the
patient's right to koordinator (pbrl § 2-5 b), the common IP regulation and the
samarbeids- and samordningsplikt of the welfare laws.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from _eligibility_reference._evaluator import (
    ACTION,
    FOLLOW_UPS,
    OUTCOME,
    BarnekoordinatorVerdicts,
    Evaluated,
    Params,
    Regime,
    consent_rule,
    evaluate_right,
    wish_reason,
)
from _eligibility_reference._tables import Tables, build_tables
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.people import age_on
from barnekoordinator.rights.eligibility._facts import EligibilityFacts
from barnekoordinator.rights.eligibility._results import FollowUp
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
        # Re-frozen 2026-12-07: barnevern by the 1992 act until 2023.
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


def assess_barnekoordinator(
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
    """pbrl § 2-5 c / hotl § 7-2 a: conditions C1–C7 of domain.md §2.2, and what follows."""
    serious, long_term, c4, c5 = verdicts
    c1, c7 = _child(facts, p, born, age)
    rule = consent_rule(facts, _BK, settings, p, born, age)
    cond = T.conditions
    wish = cond[(_BK, Condition.WISH, wish_reason(facts, _BK, rule))]
    conditions = (
        cond[(_BK, Condition.HAS_OR_EXPECTS_CHILD, c1)],
        cond[(_BK, Condition.SERIOUS_CONDITION, serious)],
        cond[(_BK, Condition.LONG_TERM_NEED, long_term)],
        cond[(_BK, Condition.COMPOSITE_OR_COORDINATED, c4)],
        cond[(_BK, Condition.HEALTH_AND_WELFARE_SERVICES, c5)],
        wish,
        cond[(_BK, Condition.UNDER_AGE_LIMIT, c7)],
    )
    bk = evaluate_right(T, _BK, conditions, wish)
    _, outcome, action, follow = bk
    fus = T.follow_ups
    if action is NextStep.APPOINT:
        _on_appointment(T, follow, facts, settings, plan[ACTION])
    if action in _NO_APPOINTMENT:
        follow.append(fus[(_BK, _K.SAMORDNINGSPLIKT)])
    alternative = koordinator[OUTCOME] is not _NOT or plan[OUTCOME] is not _NOT
    if c5 in ("no-welfare", "neither") and alternative:
        follow.append(fus[(_BK, _K.ALTERNATIVES)])
    if c7 == "reached-limit":
        follow.append(fus[(_BK, _K.TRANSITION_AT_18)])
    elif ends_on is not None and outcome is not _NOT:
        ends = fus[(_BK, _K.ENDS_AT_18)]
        follow.append(FollowUp(kind=_K.ENDS_AT_18, basis=ends.basis, text=ends.text, due=ends_on))
    if c1 == "adoption":
        follow.append(fus[(_BK, _K.GUIDANCE_BASED)])
    if facts.existing.previous_municipality_barnekoordinator:
        follow.append(fus[(_BK, _K.MOVED_MUNICIPALITY)])
    if action in _COVERS_KOORDINATOR and settings.barnekoordinator_fills_koordinator_role:
        koordinator[FOLLOW_UPS].append(fus[(_KO, _K.COVERED_BY_BARNEKOORDINATOR)])
    return bk


def _child(facts: EligibilityFacts, p: Params, born: bool, age: int) -> tuple[str, str]:
    """The reasons of C1 and C7 (who consents is ``consent_rule``'s, shared with the case)."""
    if not born:
        expected = facts.expected_child
        assert expected is not None  # guaranteed by EligibilityFacts
        c1 = "adoption" if expected.adoption else "pregnancy"
        # Re-frozen 2026-12-07: the child to be adopted, by its birth date when given.
        if expected.birth_date is None:
            return c1, "expected"
        limit = p.age_limit
        assert limit is not None  # in force with the reform
        under = age_on(expected.birth_date, p.as_of) < limit
        return c1, "adoptee-under-limit" if under else "adoptee-reached-limit"
    limit = p.age_limit
    assert limit is not None  # in force with the reform
    return "born", ("under-limit" if age < limit else "reached-limit")


def _on_appointment(
    T: Tables,
    follow: list[FollowUp],
    facts: EligibilityFacts,
    settings: MunicipalSettings,
    plan_action: NextStep,
) -> None:
    """What follows when the municipality shall appoint: the koordinator, the family, the plan."""
    existing = facts.existing
    fus = T.follow_ups
    if existing.koordinator:
        fills = settings.barnekoordinator_fills_koordinator_role
        kind = _K.FILLS_KOORDINATOR_ROLE if fills else _K.SEPARATE_KOORDINATOR
        follow.append(fus[(_BK, kind)])
    if existing.family_barnekoordinator and settings.one_barnekoordinator_per_family:
        follow.append(fus[(_BK, _K.LINK_FAMILY_BARNEKOORDINATOR)])
    if plan_action is NextStep.DECLINED:
        follow.append(fus[(_BK, _K.PLAN_PROGRESS_DORMANT)])


def escalate_declined_cooperation(T: Tables, facts: EligibilityFacts, case: list[FollowUp]) -> None:
    """A service declining to cooperate is escalated, citing its own cooperation duty (BK-26)."""
    for kind in facts.services_declining_cooperation:
        case.append(T.escalations[kind])


REGIME: Final = Regime(
    in_force=IN_FORCE,
    tables=build_tables(VERSION, RIGHT_BASIS, PLAN_CONSENT_BASIS, on=IN_FORCE),
    barnekoordinator=assess_barnekoordinator,
    cooperation=escalate_declined_cooperation,
)
"""The rule set ``"2022-08-01"``."""

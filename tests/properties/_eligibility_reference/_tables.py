"""The condition tables: every shared result value of one rule set, built once at import.

An assessment never builds a
[`ConditionResult`][barnekoordinator.rights.eligibility.ConditionResult] or a plain
[`FollowUp`][barnekoordinator.rights.eligibility.FollowUp]: it looks the interned value up by key,
e.g. ``(Right.BARNEKOORDINATOR, Condition.SERIOUS_CONDITION, "judged-met")``. The values are
immutable, so every result shares them, and an assessment allocates only the handful of objects that
hold the answer (``benchmarks/bench_eligibility.py``).

A rule set's tables differ only by the legal basis its regime declares (see the
``_regime_*`` modules). Every rule set interns the same keys, so a result
document is read back against one uniform table; a regime's evaluator uses only
the keys it needs.

Everything here is internal to the eligibility package.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Final, NamedTuple

from barnekoordinator.legal_basis import LegalReference, parameter, ref, refs
from barnekoordinator.rights.eligibility._results import ConditionResult, FollowUp, PlanGround
from barnekoordinator.rights.eligibility._vocabulary import (
    WISH_FIELD,
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    PlanLaw,
    Right,
)
from barnekoordinator.services import SERVICES, ServiceKind
from barnekoordinator.texts import Text, text

__all__: list[str] = []

_MET, _NOT, _NA = Outcome.MET, Outcome.NOT_MET, Outcome.NEEDS_ASSESSMENT
_BK, _KO, _IP, _SL = (
    Right.BARNEKOORDINATOR,
    Right.KOORDINATOR,
    Right.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG,
)
_K = FollowUpKind

CASE: Final = "case"
"""The scope of follow-ups about the child and the case rather than one right."""

# Judgement verdicts (shared by every judgement-based condition).
J_MET, J_NOT, J_NONE = "judged-met", "judged-not-met", "not-assessed"
_J_OUTCOME: Final = {J_MET: _MET, J_NOT: _NOT, J_NONE: _NA}
J_NOT_BY_OTHER: Final = "judged-not-met-not-ke"  # re-frozen 2026-12-07: C2 by KE only

_PARTIES: Final = (
    "guardians",
    "expecting",
    "barnevern",
    "youth-and-guardians",
    "guardians-and-youth",
    "youth",
    "adult",
    "pregnant-woman",
)
_VERDICTS: Final = (
    "wants",
    "declines",
    "unknown",
    "partial",
    "conflict",
    "youth-disagrees",
    "no-party",
)
_VERDICT_OUTCOME: Final = {"wants": _MET, "declines": _NOT}
_PARTY_BASIS: Final = {
    "guardians": ("pbrl-4-4",),
    "expecting": (),
    "barnevern": ("pbrl-4-5",),
    "youth-and-guardians": ("pbrl-4-3", "pbrl-4-4"),
    "guardians-and-youth": ("pbrl-4-4",),
    "youth": ("pbrl-4-3",),
    "adult": ("pbrl-4-3",),
    "pregnant-woman": ("pbrl-4-3",),
}
_GUIDE: Final = ("veileder-barnekoordinator",)

RightBasis = Mapping[Right, tuple[str, ...]]
"""The reference keys each right rests on in one regime."""

_ConditionTable = dict[tuple[Right, Condition, str], ConditionResult]
_FollowUpTable = dict[tuple[object, FollowUpKind], FollowUp]


class Tables(NamedTuple):
    """Every shared result value of one rule set, keyed for the evaluator and the wire format."""

    version: str
    conditions: Mapping[tuple[Right, Condition, str], ConditionResult]
    """``(right, condition, reason)`` → the condition's result."""
    follow_ups: Mapping[tuple[object, FollowUpKind], FollowUp]
    """``(right or CASE, kind)`` → the follow-up."""
    escalations: Mapping[ServiceKind, FollowUp]
    """The ``escalate-cooperation`` follow-up for each service, citing its own duty."""
    explanations: Mapping[tuple[Right, Outcome, NextStep], Text]
    basis: Mapping[Right, tuple[LegalReference, ...]]
    plan_grounds: Mapping[PlanLaw, PlanGround]
    """Each law that gives the right to an individuell plan, with its reference and service."""


# Re-frozen 2026-12-07 (decision 48): the dates the law changed, written out by hand.
_REFORM: Final = date(2022, 8, 1)
_BVL_2021: Final = date(2023, 1, 1)
_OPPL_2023: Final = date(2024, 8, 1)


def build_tables(
    version: str, right_basis: RightBasis, plan_consent_basis: tuple[str, ...], *, on: date
) -> Tables:
    """Build every shared result value of the rule set ``version``, in force from ``on``.

    Args:
        version: The rule set's name, the date its regime came into force.
        right_basis: The reference keys each right rests on in the regime.
        plan_consent_basis: The reference keys of consent to an individuell plan.
        on: The date the regime came into force: only what is in force then is cited.

    Returns:
        The interned tables, read-only.
    """
    conditions: _ConditionTable = {}
    _barnekoordinator_conditions(conditions, right_basis[_BK])
    for right in (_KO, _IP):
        _health_right_conditions(conditions, right, right_basis[right])
    _stafettlogg_conditions(conditions, right_basis[_SL], on)
    _plan_law_conditions(conditions, on)
    _wish_conditions(conditions, plan_consent_basis)
    follow_ups = _follow_ups(right_basis, plan_consent_basis, on)
    return Tables(
        version=version,
        conditions=MappingProxyType(conditions),
        follow_ups=MappingProxyType(follow_ups),
        escalations=MappingProxyType(_escalations(follow_ups[(CASE, _K.ESCALATE_COOPERATION)], on)),
        explanations=MappingProxyType(_explanations()),
        basis=MappingProxyType({r: refs(*b) for r, b in right_basis.items()}),
        plan_grounds=MappingProxyType(PLAN_GROUNDS),
    )


def _add(
    table: _ConditionTable,
    right: Right,
    condition: Condition,
    reason: str,
    outcome: Outcome,
    basis: Iterable[str],
    facts: tuple[str, ...],
    explanation: Text,
) -> None:
    table[(right, condition, reason)] = ConditionResult(
        right=right,
        condition=condition,
        outcome=outcome,
        reason=reason,
        basis=refs(*dict.fromkeys(basis)),
        facts=facts,
        explanation=explanation,
    )


_Row = tuple[Condition, str, str, Outcome, tuple[str, ...], tuple[str, ...]]
"""``(condition, text key, reason, outcome, basis, facts)``: one interned condition result."""


def _add_rows(table: _ConditionTable, right: Right, rows: Iterable[_Row]) -> None:
    for condition, key, reason, outcome, basis, facts in rows:
        _add(table, right, condition, reason, outcome, basis, facts, text(f"reason.{key}.{reason}"))


def _barnekoordinator_conditions(table: _ConditionTable, bk: tuple[str, ...]) -> None:
    """C1–C7 of domain.md §2.2, and ``IN_FORCE`` for the dates before the reform."""
    c = Condition
    guided = bk + _GUIDE
    age_basis = tuple(r.key for r in parameter("barnekoordinator_age_limit").basis) + _GUIDE
    needs = ("needs.services", "needs.health_and_care", "needs.other_welfare")
    born_and_date = ("child.birth_date", "as_of")
    either = ("judgements.composite", "judgements.coordinated")
    rows: tuple[_Row, ...] = (
        (c.IN_FORCE, "in-force", "not-in-force", _NOT, bk, ("as_of",)),
        (c.HAS_OR_EXPECTS_CHILD, "c1", "born", _MET, bk, ("child.birth_date",)),
        (c.HAS_OR_EXPECTS_CHILD, "c1", "pregnancy", _MET, bk, ("expected_child",)),
        (c.HAS_OR_EXPECTS_CHILD, "c1", "adoption", _MET, guided, ("expected_child.adoption",)),
        *(
            (condition, key, verdict, outcome, basis, facts)
            for condition, key, basis, facts in (
                (c.SERIOUS_CONDITION, "c2", guided, ("judgements.serious",)),
                (c.LONG_TERM_NEED, "c3", bk, ("judgements.long_term",)),
                (c.COMPOSITE_OR_COORDINATED, "c4", bk, either),
            )
            for verdict, outcome in _J_OUTCOME.items()
        ),
        (c.HEALTH_AND_WELFARE_SERVICES, "c5", "both", _MET, guided, needs),
        (c.HEALTH_AND_WELFARE_SERVICES, "c5", "no-welfare", _NOT, guided, needs),
        (c.HEALTH_AND_WELFARE_SERVICES, "c5", "no-health", _NOT, guided, needs),
        (c.HEALTH_AND_WELFARE_SERVICES, "c5", "neither", _NOT, guided, needs),
        (c.HEALTH_AND_WELFARE_SERVICES, "c5", "not-mapped", _NA, guided, needs),
        (c.UNDER_AGE_LIMIT, "c7", "expected", _MET, age_basis, ("expected_child",)),
        (c.UNDER_AGE_LIMIT, "c7", "under-limit", _MET, age_basis, born_and_date),
        (c.UNDER_AGE_LIMIT, "c7", "reached-limit", _NOT, age_basis, born_and_date),
    )
    _add_rows(table, _BK, rows)
    # Re-frozen 2026-12-07: the child to be adopted by its birth date (hotl § 7-2 a «barn»).
    for reason, outcome, key in (
        ("adoptee-under-limit", _MET, "reason.c7.under-limit"),
        ("adoptee-reached-limit", _NOT, "reason.c7.reached-limit"),
    ):
        _add(
            table,
            _BK,
            c.UNDER_AGE_LIMIT,
            reason,
            outcome,
            age_basis,
            ("expected_child.birth_date", "as_of"),
            text(key),
        )
    # Re-frozen 2026-12-07 (BK-08, domain.md §2.2): a negative «alvorlig» judgement not made
    # by koordinerende enhet needs assessment; the professional's view, then the referral.
    # Re-frozen again (domain.md §2.2 «Engine implication»): «langvarige» (C3) and C4 too.
    for condition, key, basis, facts in (
        (c.SERIOUS_CONDITION, "c2", guided, ("judgements.serious", "judgements.serious.author")),
        (c.LONG_TERM_NEED, "c3", bk, ("judgements.long_term", "judgements.long_term.author")),
        (
            c.COMPOSITE_OR_COORDINATED,
            "c4",
            bk,
            (*either, "judgements.composite.author", "judgements.coordinated.author"),
        ),
    ):
        _add(
            table,
            _BK,
            condition,
            J_NOT_BY_OTHER,
            _NA,
            (*basis, "hotl-7-3"),
            facts,
            text(f"reason.{key}.judged-not-met").join(
                text("follow-up.professional-assessment"), " "
            ),
        )


def _health_right_conditions(table: _ConditionTable, right: Right, basis: tuple[str, ...]) -> None:
    """Koordinator and individuell plan share their conditions, not their basis."""
    c = Condition
    health = ("needs.services", "needs.health_and_care")
    long_term, coordinated = ("judgements.long_term",), ("judgements.coordinated",)
    rows: tuple[_Row, ...] = (
        (c.RIGHT_HOLDER, "right-holder", "born", _MET, basis, ("child",)),
        (c.RIGHT_HOLDER, "right-holder", "expected", _NOT, basis, ("expected_child",)),
        *(
            row
            for verdict, outcome in _J_OUTCOME.items()
            for row in (
                (c.LONG_TERM_NEED, "c3", verdict, outcome, basis, long_term),
                (c.COORDINATED_NEED, "coordinated", verdict, outcome, basis, coordinated),
            )
        ),
        (c.HEALTH_AND_CARE_SERVICES, "health", "yes", _MET, basis, health),
        (c.HEALTH_AND_CARE_SERVICES, "health", "no", _NOT, basis, health),
        (c.HEALTH_AND_CARE_SERVICES, "health", "not-mapped", _NA, basis, health),
    )
    _add_rows(table, right, rows)
    # Re-frozen (domain.md §2.2 «Engine implication», hotl § 7-3): a negative «langvarige» or
    # «koordinerte» judgement not made by koordinerende enhet needs assessment.
    for condition, key, facts in (
        (c.LONG_TERM_NEED, "c3", (*long_term, "judgements.long_term.author")),
        (c.COORDINATED_NEED, "coordinated", (*coordinated, "judgements.coordinated.author")),
    ):
        _add(
            table,
            right,
            condition,
            J_NOT_BY_OTHER,
            _NA,
            (*basis, "hotl-7-3"),
            facts,
            text(f"reason.{key}.judged-not-met").join(
                text("follow-up.professional-assessment"), " "
            ),
        )


def _stafettlogg_conditions(table: _ConditionTable, sl: tuple[str, ...], on: date) -> None:
    """S1–S4: municipal practice, BTI level, target group, no statutory coordinator in place."""
    c = Condition
    s1 = ("settings.offers_stafettlogg",)
    s2 = ("bti_level", "settings.stafettlogg_from_level")
    s3 = ("child.birth_date", "settings.stafettlogg_age_limit")
    s4 = ("existing.barnekoordinator", "existing.koordinator", "existing.family_barnekoordinator")
    # Re-frozen 2026-12-07: no hotl § 7-2 a before the reform.
    statutory = (*sl, "hotl-7-2", "hotl-7-2-a") if on >= _REFORM else (*sl, "hotl-7-2")
    rows: tuple[_Row, ...] = (
        (c.MUNICIPAL_PRACTICE, "s1", "offered", _MET, sl, s1),
        (c.MUNICIPAL_PRACTICE, "s1", "not-offered", _NOT, sl, s1),
        (c.BTI_LEVEL, "s2", "at-or-above", _MET, sl, s2),
        (c.BTI_LEVEL, "s2", "below", _NOT, sl, s2),
        (c.BTI_LEVEL, "s2", "not-decided", _NA, sl, s2),
        (c.TARGET_GROUP, "s3", "expected", _MET, sl, s3),
        (c.TARGET_GROUP, "s3", "within", _MET, sl, s3),
        (c.TARGET_GROUP, "s3", "above", _NOT, sl, s3),
        (c.NO_STATUTORY_COORDINATOR, "s4", "none", _MET, sl, s4),
        (c.NO_STATUTORY_COORDINATOR, "s4", "statutory", _NOT, statutory, s4),
    )
    _add_rows(table, _SL, rows)


_PLAN_LAWS: Final = {
    PlanLaw.HEALTH: (("pbrl-2-5", "hotl-7-1"), ServiceKind.KOORDINERENDE_ENHET, "health"),
    PlanLaw.BARNEVERN: (("bvl-15-9",), ServiceKind.BARNEVERN, "barnevern"),
    PlanLaw.BARNEVERN_1992: (("bvl-1992-3-2-a",), ServiceKind.BARNEVERN, "barnevern"),
    PlanLaw.NAV: (("navl-15",), ServiceKind.NAV_STAT, "nav"),
    PlanLaw.SOCIAL_SERVICES: (("sostjl-28",), ServiceKind.NAV_KOMMUNE, "social-services"),
}
"""Each plan law: its reference keys, the service it makes responsible, its text key."""

PLAN_GROUNDS: Final = {
    law: PlanGround(
        law=law, basis=refs(*keys), responsible=service, explanation=text(f"plan-law.{key}")
    )
    for law, (keys, service, key) in _PLAN_LAWS.items()
}
"""The interned ground of each law (the same in every rule set: the law names its own act)."""


def plan_law_reason(laws: Iterable[PlanLaw]) -> str:
    """The ``ip-plan-law`` reason naming ``laws``: their wire names, sorted, joined by ``+``."""
    return "+".join(sorted(law.value for law in laws))


def _plan_law_conditions(table: _ConditionTable, on: date) -> None:
    """``ip-plan-law``: every combination of the laws that give the right, and none of them."""
    facts = ("needs.services", "needs.health_and_care", "needs.other_welfare")
    # Re-frozen 2026-12-07: barnevern's act in force on the regime's date.
    barnevern = "bvl-15-9" if on >= _BVL_2021 else "bvl-1992-3-2-a"
    every = ("pbrl-2-5", "hotl-7-1", barnevern, "navl-15", "sostjl-28")
    others = (PlanLaw.HEALTH, PlanLaw.NAV, PlanLaw.SOCIAL_SERVICES)
    end = Text(nb=".", nn=".", en=".")
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            for child_welfare in (None, PlanLaw.BARNEVERN, PlanLaw.BARNEVERN_1992):
                laws = (*chosen, *((child_welfare,) if child_welfare else ()))
                if not laws:
                    continue
                explanation = text("reason.ip-plan-law.met")
                for i, law in enumerate(sorted(laws, key=lambda x: x.value)):
                    explanation = explanation.join(
                        PLAN_GROUNDS[law].explanation, "; " if i else " "
                    )
                basis = tuple(r.key for law in laws for r in PLAN_GROUNDS[law].basis)
                _add(
                    table,
                    _IP,
                    Condition.PLAN_LAW,
                    plan_law_reason(laws),
                    _MET,
                    basis,
                    facts,
                    explanation.join(end, ""),
                )
    for reason, outcome in (("none", _NOT), ("not-mapped", _NA)):
        explanation = text(f"reason.ip-plan-law.{reason}")
        _add(table, _IP, Condition.PLAN_LAW, reason, outcome, every, facts, explanation)


def _party_facts(party: str, field: str) -> tuple[str, ...]:
    wish = f"wishes.{field}"
    return {
        "guardians": ("guardians[].parental_responsibility", f"guardians[].{wish}"),
        "expecting": ("expected_child", f"guardians[].{wish}"),
        "barnevern": ("barnevern_has_care", f"barnevern_{wish}"),
        "youth-and-guardians": ("child.birth_date", f"guardians[].{wish}", f"child_{wish}"),
        "guardians-and-youth": (
            "child.birth_date",
            "settings.stafettlogg_consent_age",
            "guardians[].parental_responsibility",
            f"guardians[].{wish}",
            f"child_{wish}",
        ),
        "youth": ("child.birth_date", f"child_{wish}"),
        "adult": ("child.birth_date", f"child_{wish}"),
        "pregnant-woman": ("expected_child", "guardians[].relation", f"guardians[].{wish}"),
    }[party]


def _wish_conditions(table: _ConditionTable, plan_consent_basis: tuple[str, ...]) -> None:
    """The wish / consent condition (C6) for every right, party and verdict."""
    wish_basis = {
        _BK: ("hotl-7-2-a",),
        _KO: ("hotl-7-2",),
        _IP: plan_consent_basis,
        _SL: ("bti-stafettlogg",),
    }
    for right in Right:
        for party in _PARTIES:
            for verdict in _VERDICTS:
                explanation = text(f"party.{party}").join(text(f"verdict.{verdict}"), ": ")
                party_basis = () if right is _SL else _PARTY_BASIS[party]
                _add(
                    table,
                    right,
                    Condition.WISH,
                    f"{party}/{verdict}",
                    _VERDICT_OUTCOME.get(verdict, _NA),
                    wish_basis[right] + party_basis,
                    _party_facts(party, WISH_FIELD[right]),
                    explanation,
                )


def _fu(
    table: _FollowUpTable, scope: object, kind: FollowUpKind, basis: Iterable[str], key: str = ""
) -> None:
    table[(scope, kind)] = FollowUp(
        kind=kind,
        basis=refs(*dict.fromkeys(basis)),
        text=text(key or f"follow-up.{kind.value}"),
    )


def _follow_ups(
    right_basis: RightBasis, plan_consent_basis: tuple[str, ...], on: date
) -> _FollowUpTable:
    """Every follow-up of the rule set: those of each right's next step, then the specific ones."""
    table: _FollowUpTable = {}
    duty_basis = {
        _BK: ("hotl-7-2-a", "hotl-7-3"),
        _KO: (*right_basis[_KO], "hotl-7-3"),
        _IP: right_basis[_IP],
        _SL: ("bti-stafettlogg", "bti-stafettholder"),
    }
    for right in Right:
        rb = right_basis[right]
        key = f"follow-up.{right.value}.duty-to-appoint"
        _fu(table, right, _K.DUTY_TO_APPOINT, duty_basis[right], key)
        _fu(table, right, _K.OFFER, rb)
        _fu(table, right, _K.RECORD_DECLINE, rb)
        if right is _SL:
            key = "follow-up.stafettlogg.professional-assessment"
            _fu(table, right, _K.PROFESSIONAL_ASSESSMENT, (*rb, "bti-niva-0"), key)
        else:
            _fu(table, right, _K.PROFESSIONAL_ASSESSMENT, (*rb, "hotl-7-3"))
        # The stafettlogg's disagreement may be the young person's against the guardians
        # (decision 47): its own words, not those of parents sharing foreldreansvar.
        conflict = "follow-up.stafettlogg.consent-conflict" if right is _SL else ""
        _fu(table, right, _K.CONSENT_CONFLICT, ("pbrl-4-4", *rb), conflict)
    for scope, kind, basis in _specific_follow_ups(right_basis, plan_consent_basis, on):
        _fu(table, scope, kind, basis)
    return table


def _specific_follow_ups(
    right_basis: RightBasis, plan_consent_basis: tuple[str, ...], on: date
) -> tuple[tuple[object, FollowUpKind, tuple[str, ...]], ...]:
    """``(scope, kind, basis)`` of the follow-ups that belong to one situation."""
    ip_consent = plan_consent_basis
    # Re-frozen 2026-12-07: before the reform no hotl § 7-2 a, and no pbrl § 2-5 c for an
    # expected child (its case is BTI's).
    reform = on >= _REFORM
    precedence = ("bti-stafettlogg", "hotl-7-2", *(("hotl-7-2-a",) if reform else ()), "pbrl-2-5")
    rekey = ("pbrl-2-5-c",) if reform else ("bti-stafettlogg",)
    return (
        (_BK, _K.YOUTH_OWN_SAY, ("pbrl-4-3", "pbrl-3-4", "hotl-7-2-a")),
        (_BK, _K.SAMORDNINGSPLIKT, ("hotl-3-4", "veileder-samordningsplikt")),
        (_BK, _K.ALTERNATIVES, ("pbrl-2-5-b", "hotl-7-2", "pbrl-2-5", "hotl-7-1")),
        (_BK, _K.ENDS_AT_18, right_basis[_BK]),
        (_BK, _K.TRANSITION_AT_18, ("hotl-7-2", "pbrl-2-5", "pbrl-4-3")),
        (_BK, _K.GUIDANCE_BASED, ("veileder-barnekoordinator", "pbrl-2-5-c")),
        (_BK, _K.FILLS_KOORDINATOR_ROLE, ("hotl-7-2-a", "hotl-7-2")),
        (_BK, _K.SEPARATE_KOORDINATOR, ("hotl-7-2-a", "hotl-7-2")),
        (_BK, _K.LINK_FAMILY_BARNEKOORDINATOR, ("pbrl-2-5-c", "hotl-7-2-a")),
        (_BK, _K.MOVED_MUNICIPALITY, ("hotl-7-2-a", "pbrl-2-5")),
        (_BK, _K.PLAN_PROGRESS_DORMANT, ("hotl-7-2-a", *ip_consent)),
        (_KO, _K.COVERED_BY_BARNEKOORDINATOR, ("hotl-7-2-a", "hotl-7-2")),
        (_KO, _K.KOORDINATOR_WITHOUT_PLAN, right_basis[_KO]),
        (_IP, _K.NO_PLAN_WITHOUT_CONSENT, ip_consent),
        (_SL, _K.STATUTORY_TAKES_PRECEDENCE, precedence),
        (CASE, _K.REKEY_AFTER_BIRTH, rekey),
        (CASE, _K.ORDINARY_FOLLOW_UP, ("bti-stafettlogg",)),
        (CASE, _K.BARNEVERN_CONSENTS, ("pbrl-4-5",)),
        (CASE, _K.CHILD_MUST_BE_HEARD, ("pbrl-4-4", "pbrl-3-1", "bk-art-12")),
        (CASE, _K.CHILD_MUST_BE_HEARD_GREAT_WEIGHT, ("pbrl-4-4", "bk-art-12")),
        (CASE, _K.YOUTH_CONSENTS, ("pbrl-4-3", "pbrl-3-4")),
        (CASE, _K.NO_HEALTH_INFO_WITHOUT_YOUTH_CONSENT, ("pbrl-4-3", "pbrl-3-4")),
        (CASE, _K.GUARDIAN_ACCESS_ENDS, ("vergeml-2", "pbrl-4-3")),
        (CASE, _K.ESCALATE_COOPERATION, ("hotl-3-4",)),
    )


def _duty(kind: ServiceKind, on: date) -> LegalReference:
    """Re-frozen 2026-12-07: barnevern under the 1992 act until 2023, school, SFO and PPT under
    the 1998 act until 1 August 2024; every other service's duty is the catalogue's."""
    if kind is ServiceKind.BARNEVERN:
        return ref("bvl-15-8" if on >= _BVL_2021 else "bvl-1992-3-2")
    if kind in (ServiceKind.SKOLE, ServiceKind.SFO, ServiceKind.PPT):
        return ref("oppl-2023-samarbeid" if on >= _OPPL_2023 else "oppl-1998-15-8")
    return SERVICES[kind].cooperation_duty


def _escalations(escalate: FollowUp, on: date) -> dict[ServiceKind, FollowUp]:
    """One ``escalate-cooperation`` per service, citing that service's own cooperation duty."""
    return {
        kind: FollowUp(
            kind=_K.ESCALATE_COOPERATION,
            basis=(_duty(kind, on), *escalate.basis),
            text=escalate.text,
            service=kind,
        )
        for kind in SERVICES
    }


def _explanations() -> dict[tuple[Right, Outcome, NextStep], Text]:
    """«<right>: <outcome>. <next step>.» for every combination, in nb, nn and en."""
    return {
        (right, outcome, action): right.label.join(outcome.label, ": ").join(
            text(
                f"action.{right.value}.appoint"
                if action is NextStep.APPOINT
                else f"action.{action.value}"
            ),
            ". ",
        )
        for right in Right
        for outcome in Outcome
        for action in NextStep
    }

"""The evaluator: the rules every regime shares, and one assessment against a rule set.

[`evaluate()`][_eligibility_reference._evaluator.evaluate] is the hot path of
``assess``. It reads the facts once, derives the verdicts the conditions share (judgements,
services, who consents), and looks each condition's result up in the rule set's interned tables.
What changed with the law is the regime's
([`Regime`][_eligibility_reference._evaluator.Regime]): how the barnekoordinator is
assessed, and what follows when a service declines to cooperate.

Speed: the steps pass plain values and tuples, never a per-assessment object
beyond the result itself, and the tables' keys hash by identity.

Everything here is internal to the eligibility package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Final, NamedTuple

from _eligibility_reference._tables import (
    CASE,
    J_MET,
    J_NONE,
    J_NOT,
    J_NOT_BY_OTHER,
    Tables,
    plan_law_reason,
)
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import parameter, ref
from barnekoordinator.people import (
    BARNEVERN,
    ConsentingParty,
    ConsentPurpose,
    ConsentRule,
    age_on,
    birthday,
    who_consents,
)
from barnekoordinator.rights.eligibility._facts import (
    HEALTH_KINDS,
    WELFARE_KINDS,
    EligibilityFacts,
    Judgement,
    Judgements,
    Needs,
)
from barnekoordinator.rights.eligibility._results import (
    ConditionResult,
    EligibilityResult,
    FollowUp,
    PlanGround,
    RightResult,
)
from barnekoordinator.rights.eligibility._vocabulary import (
    WISH_FIELD,
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    PlanLaw,
    Right,
    Wish,
)
from barnekoordinator.services import ServiceKind

__all__: list[str] = []

_MET, _NOT, _NA = Outcome.MET, Outcome.NOT_MET, Outcome.NEEDS_ASSESSMENT
_BK, _KO, _IP, _SL = (
    Right.BARNEKOORDINATOR,
    Right.KOORDINATOR,
    Right.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG,
)
_W, _D = Wish.WANTS, Wish.DECLINES
_K = FollowUpKind
_WISH = Condition.WISH

Evaluated = tuple[tuple[ConditionResult, ...], Outcome, NextStep, list[FollowUp]]
"""A right evaluated but not yet wrapped: its conditions, outcome, next step and follow-ups.

The follow-ups are a list because the rules of other rights may still add to it. A
plain tuple, not a named one: one is built for every right of every assessment.
"""

# Positions in an Evaluated tuple that other rules read (Final: the type checker knows each
# item's type).
OUTCOME: Final = 1
ACTION: Final = 2
FOLLOW_UPS: Final = 3

BarnekoordinatorVerdicts = tuple[str, str, str, str]
"""The reasons of C2, C3, C4 and C5: serious, long-term, composite or coordinated, services."""


class Params(NamedTuple):
    """The legal parameters in force on one date (``None``: not in force)."""

    as_of: date
    age_limit: int | None
    health_majority: int
    majority: int
    heard_from: int | None
    great_weight_from: int | None


BarnekoordinatorRule = Callable[
    [
        Tables,
        EligibilityFacts,
        MunicipalSettings,
        Params,
        bool,
        int,
        date | None,
        BarnekoordinatorVerdicts,
        Evaluated,
        Evaluated,
    ],
    Evaluated,
]
"""``(tables, facts, settings, params, born, age, ends_on, verdicts, koordinator, plan)``.

Assesses the barnekoordinator once koordinator and individuell plan are known
(its follow-ups depend on them, and it may add to the koordinator's).
"""

CooperationRule = Callable[[Tables, EligibilityFacts, list[FollowUp]], None]
"""``(tables, facts, case_follow_ups)``: appends what follows when services decline to cooperate."""


class Regime(NamedTuple):
    """What one dated rule set says: its date, its tables, the rules that changed with the law."""

    in_force: date
    tables: Tables
    barnekoordinator: BarnekoordinatorRule
    cooperation: CooperationRule

    @property
    def version(self) -> str:
        """The rule set's name: its date of entry into force, e.g. ``"2022-08-01"``."""
        return self.tables.version


def evaluate(
    regime: Regime, facts: EligibilityFacts, as_of: date, settings: MunicipalSettings
) -> EligibilityResult:
    """Assess every right for ``facts`` on ``as_of`` under ``regime`` and ``settings``.

    Raises:
        InvalidInput: The child's birth date is after ``as_of``.
    """
    T = regime.tables
    p = params(as_of)
    subject_ref, born, age, ends_on = subject(facts, as_of, p)
    serious, long_term, coordinated, c4 = judgement_verdicts(facts.judgements, as_of)
    c5, k4 = needs_verdicts(facts.needs)
    plan_reason, laws = plan_laws(facts.needs, k4, as_of)
    ko, ip = koordinator_and_plan(
        T, facts, settings, p, born, age, long_term, coordinated, k4, plan_reason
    )
    bk = regime.barnekoordinator(
        T, facts, settings, p, born, age, ends_on, (serious, long_term, c4, c5), ko, ip
    )
    a_right_is_met = _MET in (bk[OUTCOME], ko[OUTCOME], ip[OUTCOME])
    sl = stafettlogg(T, facts, settings, p, born, age, a_right_is_met)
    case = case_follow_ups(T, facts, p, born, age)
    regime.cooperation(T, facts, case)
    return EligibilityResult(
        as_of=as_of,
        rules_version=T.version,
        subject_ref=subject_ref,
        barnekoordinator=_right_result(T, _BK, bk, ends_on),
        koordinator=_right_result(T, _KO, ko, None),
        individual_plan=_right_result(T, _IP, ip, None, tuple(T.plan_grounds[law] for law in laws)),
        stafettlogg=_right_result(T, _SL, sl, None),
        follow_ups=tuple(case),
    )


def _right_result(
    T: Tables,
    right: Right,
    evaluated: Evaluated,
    ends_on: date | None,
    grounds: tuple[PlanGround, ...] = (),
) -> RightResult:
    conditions, outcome, action, follow_ups = evaluated
    return RightResult(
        right=right,
        outcome=outcome,
        action=action,
        basis=T.basis[right],
        conditions=conditions,
        follow_ups=tuple(follow_ups),
        explanation=T.explanations[(right, outcome, action)],
        ends_on=ends_on,
        grounds=grounds,
    )


# --- the shared verdicts -------------------------------------------------------------------


def _maybe(name: str, as_of: date) -> int | None:
    history = parameter(name)
    return history.at(as_of) if history.in_force(as_of) else None


@functools.lru_cache(maxsize=256)
def params(as_of: date) -> Params:
    """The legal parameters in force on ``as_of`` (cached: they change only with the law)."""
    return Params(
        as_of=as_of,
        age_limit=_maybe("barnekoordinator_age_limit", as_of),
        health_majority=parameter("health_majority_age").at(as_of),
        majority=parameter("age_of_majority").at(as_of),
        heard_from=_maybe("child_heard_from_age", as_of),
        great_weight_from=_maybe("child_great_weight_from_age", as_of),
    )


def subject(facts: EligibilityFacts, as_of: date, p: Params) -> tuple[str, bool, int, date | None]:
    """Who the facts are about on ``as_of``.

    Returns:
        The subject's reference, whether the child is born, its age (``-1`` before
        birth) and the day the barnekoordinator right ends (its 18th birthday, or
        ``None`` for an expected child or before the reform).

    Raises:
        InvalidInput: The child's birth date is after ``as_of``.
    """
    child = facts.child
    if child is None:
        expected = facts.expected_child
        assert expected is not None  # guaranteed by EligibilityFacts
        # Re-frozen 2026-12-07: a child to be adopted has a birth date, and an 18th birthday.
        if expected.birth_date is None:
            # Re-frozen again (domain.md §2.6): a pregnancy's due date is at most 300 days
            # ahead, and at most 28 days passed (then the child is born).
            if not expected.adoption:
                if (expected.expected_date - as_of).days > 300:
                    raise InvalidInput("expected_child.expected_date: too far ahead")
                if (as_of - expected.expected_date).days > 28:
                    raise InvalidInput("expected_child.expected_date: passed; record the birth")
            return expected.ref, False, -1, None
        if expected.birth_date > as_of:
            raise InvalidInput(
                "expected_child.birth_date is after as_of: the child to be adopted must be born"
            )
        # Re-frozen again (BK-16, pbrl § 4-3, § 4-4): the adoptee's age decides who consents
        # from 16 and whether it is heard.
        years = age_on(expected.birth_date, as_of)
        if p.age_limit is None:
            return expected.ref, False, years, None
        return expected.ref, False, years, birthday(expected.birth_date, p.age_limit)
    if child.birth_date > as_of:
        raise InvalidInput(
            "child.birth_date is after as_of: a child not yet born is an expected_child"
        )
    age = age_on(child.birth_date, as_of)
    ends_on = birthday(child.birth_date, p.age_limit) if p.age_limit is not None else None
    return child.ref, True, age, ends_on


def _judged(judgement: Judgement | None, as_of: date) -> str:
    if judgement is None or judgement.assessed_on > as_of:
        return J_NONE
    return J_MET if judgement.conclusion else J_NOT


_KE_ROLES: Final = frozenset({"koordinerende enhet", "koordinerende-enhet", "ke"})


_KE_ROLES_: Final = frozenset({"koordinerende enhet", "koordinerende-enhet", "ke"})


def _by_other(verdict: str, judgement: Judgement | None) -> str:
    """Re-frozen: a negative judgement counts only from koordinerende enhet (BK-08, domain.md
    §2.2 «Engine implication»); anyone else's is ``judged-not-met-not-ke``."""
    if verdict != J_NOT or judgement is None:
        return verdict
    author = judgement.author
    by_ke = (
        author.service is ServiceKind.KOORDINERENDE_ENHET
        if author.service is not None
        else author.role.strip().casefold() in _KE_ROLES_
    )
    return verdict if by_ke else J_NOT_BY_OTHER


def judgement_verdicts(j: Judgements, as_of: date) -> tuple[str, str, str, str]:
    """The verdicts on «alvorlig», «langvarige», «koordinerte», and C4.

    C4 is «sammensatte *eller* koordinerte»: one judged present is enough, both judged absent
    by koordinerende enhet fail it, both judged absent otherwise is ``judged-not-met-not-ke``,
    anything else needs assessment.
    """
    composite = _by_other(_judged(j.composite, as_of), j.composite)
    coordinated = _by_other(_judged(j.coordinated, as_of), j.coordinated)
    if composite == J_MET or coordinated == J_MET:
        c4 = J_MET
    elif composite == J_NOT and coordinated == J_NOT:
        c4 = J_NOT
    elif composite != J_NONE and coordinated != J_NONE:
        c4 = J_NOT_BY_OTHER
    else:
        c4 = J_NONE
    serious = _by_other(_judged(j.serious, as_of), j.serious)
    long_term = _by_other(_judged(j.long_term, as_of), j.long_term)
    return serious, long_term, coordinated, c4


def needs_verdicts(needs: Needs) -> tuple[str, str]:
    """The reasons of C5 (health *and* other welfare services) and of health and care alone."""
    listed = needs.services
    health = needs.health_and_care
    if health is None and not HEALTH_KINDS.isdisjoint(listed):
        health = True
    welfare = needs.other_welfare
    if welfare is None and not WELFARE_KINDS.isdisjoint(listed):
        welfare = True
    if health is False or welfare is False:
        c5 = (
            "neither"
            if health is False and welfare is False
            else ("no-health" if health is False else "no-welfare")
        )
    elif health and welfare:
        c5 = "both"
    else:
        c5 = "not-mapped"
    return c5, "yes" if health else "no" if health is False else "not-mapped"


_BVL_2021: Final = ref("bvl-15-9").in_force_from
_SECTOR_PLAN_LAWS: Final = (
    (ServiceKind.NAV_STAT, PlanLaw.NAV),
    (ServiceKind.NAV_KOMMUNE, PlanLaw.SOCIAL_SERVICES),
)


def plan_laws(needs: Needs, health: str, as_of: date) -> tuple[str, tuple[PlanLaw, ...]]:
    """The laws under which the child needs services that give the right to an individuell plan.

    Health and care services (pbrl § 2-5, hotl § 7-1), barnevern's measures
    (barnevernsloven § 15-9, before 2023 the 1992 act's § 3-2 a), NAV's services
    (NAV-loven § 15) and social services in NAV (sosialtjenesteloven § 28) each
    give the right (domain.md §3.1). School, PPT and kindergarten take part in a
    plan but give no right to one. Returns the ``ip-plan-law`` reason and the laws.
    """
    listed = needs.services
    laws: list[PlanLaw] = []
    if health == "yes":
        laws.append(PlanLaw.HEALTH)
    if ServiceKind.BARNEVERN in listed:
        assert _BVL_2021 is not None  # the reference carries its date in force
        laws.append(PlanLaw.BARNEVERN if as_of >= _BVL_2021 else PlanLaw.BARNEVERN_1992)
    laws.extend(law for kind, law in _SECTOR_PLAN_LAWS if kind in listed)
    if laws:
        return plan_law_reason(laws), tuple(laws)
    if health == "not-mapped":
        return "not-mapped", ()
    return "none", ()


# --- who consents ---------------------------------------------------------------------------

_PURPOSE: Final = {
    Right.BARNEKOORDINATOR: ConsentPurpose.BARNEKOORDINATOR,
    Right.KOORDINATOR: ConsentPurpose.KOORDINATOR,
    Right.INDIVIDUAL_PLAN: ConsentPurpose.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG: ConsentPurpose.STAFETTLOGG,
}
"""The consent purpose that decides each right's wish condition (C6)."""


def consent_rule(
    facts: EligibilityFacts,
    right: Right,
    settings: MunicipalSettings,
    p: Params,
    born: bool,
    age: int,
) -> ConsentRule:
    """Whose wish counts for ``right``: the library's one rule,
    [`who_consents()`][barnekoordinator.people.who_consents], which the case uses too.
    """
    expected = facts.expected_child
    return who_consents(
        _PURPOSE[right],
        subject_ref=facts.subject_ref,
        born=born,
        age=age,
        guardians=facts.guardians,
        as_of=p.as_of,
        settings=settings,
        care_taken_over=facts.barnevern_has_care,
        adoption=expected is not None and expected.adoption,
    )


def _combine(wishes: list[Wish]) -> str:
    """All of them must want it: wants, declines, unknown, partial, conflict or no-party."""
    wants = declines = unknown = False
    for w in wishes:
        if w is _W:
            wants = True
        elif w is _D:
            declines = True
        else:
            unknown = True
    if wants and declines:
        return "conflict"
    if unknown:
        return "partial" if (wants or declines) else "unknown"
    if wants:
        return "wants"
    return "declines" if declines else "no-party"


def _youth_and_guardians(parents: str, youth: Wish) -> str:
    """The guardians and the young person must all want it; the youth's own «no» or «yes»
    against the guardians goes to legal review (BK-16)."""
    if parents == "conflict":
        return parents
    if parents == "no-party":
        return _combine([youth])
    if youth is _D:
        return "youth-disagrees" if parents in ("wants", "partial") else "declines"
    if youth is _W:
        if parents == "declines":
            return "youth-disagrees"
        return "wants" if parents == "wants" else "partial"
    return "partial" if parents == "wants" else parents


def wish_reason(facts: EligibilityFacts, right: Right, rule: ConsentRule) -> str:
    """The wish condition's reason for ``right``: ``"<party>/<verdict>"``.

    The verdict combines the wishes of exactly the refs in ``rule`` (the same
    refs the case's consent ledger requires): guardians by their ref, the
    child by the subject's ref, barnevernstjenesten by ``BARNEVERN``.
    """
    field = WISH_FIELD[right]
    needed = rule.consenters
    # A family has a handful of guardians: a scan beats building a lookup per right.
    parents = [getattr(g.wishes, field) for g in facts.guardians if g.ref in needed]
    if BARNEVERN in needed:
        parents.append(getattr(facts.barnevern_wishes, field))
    youth: Wish | None = getattr(facts.child_wishes, field) if facts.subject_ref in needed else None
    party = rule.party
    if party is ConsentingParty.YOUTH_AND_GUARDIANS:
        verdict = _youth_and_guardians(_combine(parents), youth or Wish.UNKNOWN)
    elif youth is not None:
        parents.append(youth)
        verdict = _combine(parents)
    else:
        verdict = _combine(parents)
    return f"{_PARTY_NAME[party]}/{verdict}"


_PARTY_NAME: Final = {party: party.value for party in ConsentingParty}
"""Wire names by party (a dict lookup is cheaper than ``Enum.value`` on the hot path)."""


# --- one right ------------------------------------------------------------------------------

_VERDICT_ACTION: Final = {
    "wants": NextStep.APPOINT,
    "declines": NextStep.DECLINED,
    "unknown": NextStep.OFFER,
    "partial": NextStep.OFFER,
    "no-party": NextStep.OFFER,
    "conflict": NextStep.LEGAL_REVIEW,
    "youth-disagrees": NextStep.LEGAL_REVIEW,
}
_SIMPLE_ACTION_FOLLOW_UP: Final = {
    NextStep.APPOINT: _K.DUTY_TO_APPOINT,
    NextStep.OFFER: _K.OFFER,
    NextStep.DECLINED: _K.RECORD_DECLINE,
    NextStep.ASSESS: _K.PROFESSIONAL_ASSESSMENT,
}


def evaluate_right(
    T: Tables, right: Right, conditions: tuple[ConditionResult, ...], wish: ConditionResult
) -> Evaluated:
    """The outcome of a right from its conditions, and the next step from the wish.

    The right is *not met* when any condition is not met, otherwise *needs
    assessment* when any needs one, otherwise *met*. The wish condition is left
    out: it conditions the duty to act (the next step), not the right.
    """
    outcome = _MET
    for result in conditions:
        if result.condition is _WISH:
            continue
        if result.outcome is _NOT:
            outcome = _NOT
            break
        if result.outcome is _NA:
            outcome = _NA
    if outcome is _NOT:
        action = NextStep.NONE
    elif outcome is _NA:
        action = NextStep.ASSESS
    else:
        action = _VERDICT_ACTION[wish.reason.partition("/")[2]]
    return conditions, outcome, action, _action_follow_ups(T, right, action, wish.reason)


def _action_follow_ups(
    T: Tables, right: Right, action: NextStep, wish_reason: str
) -> list[FollowUp]:
    kind = _SIMPLE_ACTION_FOLLOW_UP.get(action)
    if kind is not None:
        return [T.follow_ups[(right, kind)]]
    if action is NextStep.LEGAL_REVIEW:
        if wish_reason.endswith("/youth-disagrees"):
            return [T.follow_ups[(_BK, _K.YOUTH_OWN_SAY)]]
        return [T.follow_ups[(right, _K.CONSENT_CONFLICT)]]
    return []


# --- the rights every regime shares ---------------------------------------------------------

_NO_PLAN_YET: Final = (NextStep.OFFER, NextStep.DECLINED, NextStep.LEGAL_REVIEW)


def koordinator_and_plan(
    T: Tables,
    facts: EligibilityFacts,
    settings: MunicipalSettings,
    p: Params,
    born: bool,
    age: int,
    long_term: str,
    coordinated: str,
    health: str,
    plan_reason: str,
) -> tuple[Evaluated, Evaluated]:
    """Koordinator (pbrl § 2-5 b / hotl § 7-2) and individuell plan (pbrl § 2-5 / hotl § 7-1
    and the sector laws).

    They share most conditions, not their basis: the child is born, the needs are
    long-term *and* coordinated, and the consenting party wants it. A koordinator
    needs health and care services; an individuell plan needs services under any
    law that gives the right (``plan_reason``, see
    [`plan_laws()`][_eligibility_reference._evaluator.plan_laws]).
    """
    holder = "born" if born else "expected"
    # who_consents answers koordinator and individuell plan alike (both are health matters and
    # coordination); ask once.
    ip_rule = consent_rule(facts, _IP, settings, p, born, age)
    ko_rule = ip_rule
    health_need = (Condition.HEALTH_AND_CARE_SERVICES, health)
    plan_need = (Condition.PLAN_LAW, plan_reason)
    ko = _health_right(T, _KO, facts, ko_rule, holder, long_term, coordinated, health_need)
    ip = _health_right(T, _IP, facts, ip_rule, holder, long_term, coordinated, plan_need)
    fus = T.follow_ups
    ip_action = ip[ACTION]
    if ip_action in _NO_PLAN_YET:
        ip[FOLLOW_UPS].append(fus[(_IP, _K.NO_PLAN_WITHOUT_CONSENT)])
    if ko[OUTCOME] is _MET and ip_action is NextStep.DECLINED:
        ko[FOLLOW_UPS].append(fus[(_KO, _K.KOORDINATOR_WITHOUT_PLAN)])
    return ko, ip


def _health_right(
    T: Tables,
    right: Right,
    facts: EligibilityFacts,
    rule: ConsentRule,
    holder: str,
    long_term: str,
    coordinated: str,
    need: tuple[Condition, str],
) -> Evaluated:
    cond = T.conditions
    wish = cond[(right, _WISH, wish_reason(facts, right, rule))]
    conditions = (
        cond[(right, Condition.RIGHT_HOLDER, holder)],
        cond[(right, Condition.LONG_TERM_NEED, long_term)],
        cond[(right, Condition.COORDINATED_NEED, coordinated)],
        cond[(right, *need)],
        wish,
    )
    return evaluate_right(T, right, conditions, wish)


def stafettlogg(
    T: Tables,
    facts: EligibilityFacts,
    settings: MunicipalSettings,
    p: Params,
    born: bool,
    age: int,
    a_right_is_met: bool,
) -> Evaluated:
    """The BTI stafettlogg offer: municipal practice (S1–S4 and consent), not law.

    ``a_right_is_met`` says whether barnekoordinator, koordinator or individuell
    plan is met; then, as with a statutory coordinator in place, the statutory
    right takes precedence (BTI-14).
    """
    bti_age_limit: int = getattr(settings, "stafettlogg_age_limit", 18)
    offers: bool = getattr(settings, "offers_stafettlogg", True)
    rule = consent_rule(facts, _SL, settings, p, born, age)
    target = "expected" if not born else "within" if age < bti_age_limit else "above"
    level = facts.bti_level
    if level is None:
        bti_level = "not-decided"
    else:
        bti_level = "at-or-above" if level >= settings.stafettlogg_from_level else "below"
    existing = facts.existing
    statutory = (
        existing.barnekoordinator or existing.koordinator or existing.family_barnekoordinator
    )
    cond = T.conditions
    wish = cond[(_SL, _WISH, wish_reason(facts, _SL, rule))]
    conditions = (
        cond[(_SL, Condition.MUNICIPAL_PRACTICE, "offered" if offers else "not-offered")],
        cond[(_SL, Condition.BTI_LEVEL, bti_level)],
        cond[(_SL, Condition.TARGET_GROUP, target)],
        cond[(_SL, Condition.NO_STATUTORY_COORDINATOR, "statutory" if statutory else "none")],
        wish,
    )
    sl = evaluate_right(T, _SL, conditions, wish)
    if statutory or a_right_is_met:
        sl[FOLLOW_UPS].append(T.follow_ups[(_SL, _K.STATUTORY_TAKES_PRECEDENCE)])
    return sl


def case_follow_ups(
    T: Tables, facts: EligibilityFacts, p: Params, born: bool, age: int
) -> list[FollowUp]:
    """What follows for the child and the case as a whole: birth, consent, being heard, age."""
    fus = T.follow_ups
    case: list[FollowUp] = []
    if not born:
        case.append(fus[(CASE, _K.REKEY_AFTER_BIRTH)])
    if facts.parental_risk_factors:
        case.append(fus[(CASE, _K.ORDINARY_FOLLOW_UP)])
    if not born and age < 0:  # re-frozen: a child to be adopted of known age is heard
        return case
    hm = p.health_majority
    if born and facts.barnevern_has_care and age < hm:
        case.append(fus[(CASE, _K.BARNEVERN_CONSENTS)])
    if not facts.child_heard and p.heard_from is not None and p.heard_from <= age < hm:
        great = p.great_weight_from is not None and age >= p.great_weight_from
        kind = _K.CHILD_MUST_BE_HEARD_GREAT_WEIGHT if great else _K.CHILD_MUST_BE_HEARD
        case.append(fus[(CASE, kind)])
    if hm <= age < p.majority:
        case.append(fus[(CASE, _K.YOUTH_CONSENTS)])
        cw = facts.child_wishes
        if _D in (cw.barnekoordinator, cw.koordinator, cw.individual_plan, cw.stafettlogg):
            case.append(fus[(CASE, _K.NO_HEALTH_INFO_WITHOUT_YOUTH_CONSENT)])
    if age >= p.majority:
        case.append(fus[(CASE, _K.GUARDIAN_ACCESS_ENDS)])
    return case

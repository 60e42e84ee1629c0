"""The rules of each right: from reason codes to a shared
[`RightResult`][barnekoordinator.rights.eligibility.RightResult].

Each right's result is a pure function of a handful of reason codes (``"judged-met"``,
``"guardians/wants"``, ``"born"`` …), the rule set's version and a setting or two, never of
the facts themselves: the evaluator reads the facts into those codes. The codes take few values
(they are bounded by the law, not by the data), so each function is memoised with
``functools.lru_cache`` and every family with the same codes shares one immutable result
(decision 0027). Only the barnekoordinator's end date is the child's own: the evaluator dates the
shared result (``dated()``).

The rules read each other only through outcomes and next steps, passed in as arguments:
individuell plan first, then the koordinator's conditions, then the barnekoordinator (which reads
both and may add to the koordinator's follow-ups), then the koordinator's follow-ups, then the
stafettlogg (which reads whether any statutory right is met).

Everything here is internal to the eligibility package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Final, NamedTuple

from barnekoordinator.rights.eligibility._results import (
    ConditionResult,
    FollowUp,
    PlanGround,
    RightResult,
    unchecked_right_result,
)
from barnekoordinator.rights.eligibility._tables import Tables, tables
from barnekoordinator.rights.eligibility._vocabulary import (
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    PlanLaw,
    Right,
)

__all__: list[str] = []

_MET, _NOT, _NA = Outcome.MET, Outcome.NOT_MET, Outcome.NEEDS_ASSESSMENT
_BK, _KO, _IP, _SL = (
    Right.BARNEKOORDINATOR,
    Right.KOORDINATOR,
    Right.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG,
)
_K = FollowUpKind
_WISH = Condition.WISH

SHARED: Final = 1 << 15
"""Most results each memoised rule keeps (least recently used go first): far above the few
thousand combinations a municipality's families produce, and bounded whatever the input."""

Evaluated = tuple[tuple[ConditionResult, ...], Outcome, NextStep, list[FollowUp]]
"""A right evaluated but not yet wrapped: its conditions, outcome, next step and follow-ups.

The follow-ups are a list because the rules that wrap it may still add to it.
"""

# Positions in an Evaluated tuple that other rules read (Final: the type checker knows each
# item's type).
OUTCOME: Final = 1
ACTION: Final = 2
FOLLOW_UPS: Final = 3


class BarnekoordinatorVerdicts(NamedTuple):
    """What the barnekoordinator rules read: its reason codes, and what they depend on."""

    c1: str
    """``born``, ``pregnancy`` or ``adoption`` (C1)."""
    serious: str
    long_term: str
    c4: str
    """The judgement verdicts of C2, C3 and C4 (``judged-met`` …)."""
    c5: str
    wish: str
    """The wish reason, ``"<party>/<verdict>"`` (C6)."""
    c7: str
    """``expected``, ``under-limit`` or ``reached-limit`` (``adoptee-…`` for a child to be
    adopted whose birth date is given); ``""`` before the reform (C7)."""
    ends: bool
    """The right has an end date (a born child, from the reform): ``ends-at-18`` may follow."""
    existing_koordinator: bool
    family_barnekoordinator: bool
    previous_municipality_barnekoordinator: bool
    koordinator_outcome: Outcome
    plan_outcome: Outcome
    plan_action: NextStep
    fills_koordinator_role: bool
    one_per_family: bool
    """The settings ``barnekoordinator_fills_koordinator_role`` and
    ``one_barnekoordinator_per_family``."""


BarnekoordinatorRule = Callable[[Tables, BarnekoordinatorVerdicts], tuple[Evaluated, bool]]
"""Assesses the barnekoordinator from its verdicts: the evaluated right, and whether the
barnekoordinator covers the koordinator role (``covered-by-barnekoordinator`` follows for the
koordinator). An ``ends-at-18`` follow-up is the shared one, without its date (see ``dated``)."""


class Shared(NamedTuple):
    """A shared barnekoordinator result, and whether it covers the koordinator role.

    When an ``ends-at-18`` follow-up is among its follow-ups, ``before`` and ``after`` are the
    follow-ups either side of it (``dated`` puts the child's own in between); otherwise
    ``before`` is ``None``.
    """

    result: RightResult
    covers_koordinator: bool
    before: tuple[FollowUp, ...] | None
    after: tuple[FollowUp, ...]


@functools.lru_cache(maxsize=SHARED)
def barnekoordinator_result(version: str, rule: BarnekoordinatorRule, *verdicts: object) -> Shared:
    """The barnekoordinator by the regime's ``rule`` from the fields of
    [`BarnekoordinatorVerdicts`][barnekoordinator.rights.eligibility._rights.BarnekoordinatorVerdicts]
    (passed one by one: the memo's key is then built in C, and the named tuple only when new)."""
    T = tables(version)
    evaluated, covers = rule(T, BarnekoordinatorVerdicts._make(verdicts))
    result = right_result(T, _BK, evaluated)
    ends = T.follow_ups[(_BK, _K.ENDS_AT_18)]
    follow_ups = result.follow_ups
    # Identity: the shared follow-up without a date is the one to date.
    at = next((i for i, f in enumerate(follow_ups) if f is ends), None)
    if at is None:
        return Shared(result, covers, None, ())
    return Shared(result, covers, follow_ups[:at], follow_ups[at + 1 :])


@functools.lru_cache(maxsize=SHARED)
def ends_at_18(version: str, ends_on: date) -> FollowUp:
    """The ``ends-at-18`` follow-up due on ``ends_on`` (shared by children born the same day)."""
    ends = tables(version).follow_ups[(_BK, _K.ENDS_AT_18)]
    return FollowUp(kind=ends.kind, basis=ends.basis, text=ends.text, due=ends_on)


def dated(version: str, shared: Shared, ends_on: date) -> RightResult:
    """The shared barnekoordinator result with this child's end date (and due date)."""
    bk = shared.result
    before = shared.before
    if before is None:
        follow_ups = bk.follow_ups
    else:
        follow_ups = (*before, ends_at_18(version, ends_on), *shared.after)
    return unchecked_right_result(
        bk.right,
        bk.outcome,
        bk.action,
        bk.basis,
        bk.conditions,
        follow_ups,
        bk.explanation,
        ends_on,
        bk.grounds,
    )


def right_result(
    T: Tables, right: Right, evaluated: Evaluated, grounds: tuple[PlanGround, ...] = ()
) -> RightResult:
    """Wrap an evaluated right with its basis and explanation."""
    conditions, outcome, action, follow_ups = evaluated
    return RightResult(
        right=right,
        outcome=outcome,
        action=action,
        basis=T.basis[right],
        conditions=conditions,
        follow_ups=tuple(follow_ups),
        explanation=T.explanations[(right, outcome, action)],
        grounds=grounds,
    )


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


@functools.lru_cache(maxsize=SHARED)
def health_right(
    version: str,
    right: Right,
    born: bool,
    long_term: str,
    coordinated: str,
    need: Condition,
    need_reason: str,
    wish_reason: str,
) -> tuple[tuple[ConditionResult, ...], Outcome, NextStep, tuple[FollowUp, ...]]:
    """Koordinator (pbrl § 2-5 b / hotl § 7-2) or individuell plan (pbrl § 2-5 / hotl § 7-1
    and the sector laws), before what the other rights add.

    They share most conditions, not their basis: the child is born, the needs are
    long-term *and* coordinated, and the consenting party wants it. A koordinator
    needs health and care services (``need`` ``HEALTH_AND_CARE_SERVICES``); an individuell
    plan needs services under any law that gives the right (``PLAN_LAW``, see
    [`plan_laws()`][barnekoordinator.rights.eligibility._evaluator.plan_laws]).
    """
    T = tables(version)
    cond = T.conditions
    wish = cond[(right, _WISH, wish_reason)]
    conditions = (
        cond[(right, Condition.RIGHT_HOLDER, "born" if born else "expected")],
        cond[(right, Condition.LONG_TERM_NEED, long_term)],
        cond[(right, Condition.COORDINATED_NEED, coordinated)],
        cond[(right, need, need_reason)],
        wish,
    )
    _, outcome, action, follow_ups = evaluate_right(T, right, conditions, wish)
    return conditions, outcome, action, tuple(follow_ups)


@functools.lru_cache(maxsize=SHARED)
def plan_result(
    version: str,
    born: bool,
    long_term: str,
    coordinated: str,
    plan_reason: str,
    laws: tuple[PlanLaw, ...],
    wish_reason: str,
) -> RightResult:
    """Individuell plan: no plan is made without consent (IP-01); ``laws`` give its grounds."""
    T = tables(version)
    conditions, outcome, action, follow_ups = health_right(
        version, _IP, born, long_term, coordinated, Condition.PLAN_LAW, plan_reason, wish_reason
    )
    if action in _NO_PLAN_YET:
        follow_ups = (*follow_ups, T.follow_ups[(_IP, _K.NO_PLAN_WITHOUT_CONSENT)])
    grounds = tuple(T.plan_grounds[law] for law in laws)
    return right_result(T, _IP, (conditions, outcome, action, list(follow_ups)), grounds)


@functools.lru_cache(maxsize=SHARED)
def koordinator_result(
    version: str,
    born: bool,
    long_term: str,
    coordinated: str,
    health: str,
    wish_reason: str,
    plan_declined: bool,
    covered: bool,
) -> RightResult:
    """Koordinator: offered even when the plan is declined; the barnekoordinator may cover it."""
    T = tables(version)
    conditions, outcome, action, follow_ups = health_right(
        version,
        _KO,
        born,
        long_term,
        coordinated,
        Condition.HEALTH_AND_CARE_SERVICES,
        health,
        wish_reason,
    )
    fus = list(follow_ups)
    if outcome is _MET and plan_declined:
        fus.append(T.follow_ups[(_KO, _K.KOORDINATOR_WITHOUT_PLAN)])
    if covered:
        fus.append(T.follow_ups[(_KO, _K.COVERED_BY_BARNEKOORDINATOR)])
    return right_result(T, _KO, (conditions, outcome, action, fus))


@functools.lru_cache(maxsize=SHARED)
def stafettlogg_result(
    version: str,
    offers: bool,
    bti_level: str,
    target: str,
    statutory: bool,
    wish_reason: str,
    a_right_is_met: bool,
) -> RightResult:
    """The BTI stafettlogg offer: municipal practice (S1–S4 and consent), not law.

    ``a_right_is_met`` says whether barnekoordinator, koordinator or individuell
    plan is met; then, as with a statutory coordinator in place (``statutory``), the
    statutory right takes precedence (BTI-14).
    """
    T = tables(version)
    cond = T.conditions
    wish = cond[(_SL, _WISH, wish_reason)]
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
    return right_result(T, _SL, sl)

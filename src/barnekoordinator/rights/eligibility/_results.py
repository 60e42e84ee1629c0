"""The results of an assessment: per condition, per right, and for the whole case.

Condition results and most follow-ups are shared, interned values (made once
per rule set, on first use); a result holds references to them, so equal results compare
equal and cost almost nothing to build.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from attrs import frozen
else:
    from barnekoordinator._classes import frozen

from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import LegalReference
from barnekoordinator.rights.eligibility._vocabulary import (
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    PlanLaw,
    Right,
)
from barnekoordinator.services import SERVICES, ServiceKind
from barnekoordinator.texts import Language, Text, language, text

__all__ = ["ConditionResult", "EligibilityResult", "FollowUp", "PlanGround", "RightResult"]


@frozen(kw_only=True)
class ConditionResult:
    """One condition's outcome, the reason code, its legal basis, the facts relied on, texts."""

    right: Right
    condition: Condition
    outcome: Outcome
    reason: str
    """Stable reason code, e.g. ``"not-assessed"`` or ``"guardians/conflict"``."""
    basis: tuple[LegalReference, ...]
    facts: tuple[str, ...]
    """Paths of the facts (and settings) the outcome rests on, e.g. ``judgements.serious``."""
    explanation: Text

    @property
    def conditions_duty(self) -> bool:
        """True when this condition conditions the duty to act rather than the right."""
        return self.condition is Condition.WISH

    @property
    def outcome_label(self) -> Text:
        """The outcome in words; for the wish condition «samtykke foreligger» / «ikke avklart» …"""
        if self.condition is Condition.WISH:
            return text(f"outcome.wish.{self.outcome.value}")
        return self.outcome.label


@frozen(kw_only=True)
class FollowUp:
    """A typed consequence of an assessment, with its legal basis and text.

    ``service`` and ``due`` fill the ``{service}`` and ``{date}`` placeholders.
    """

    kind: FollowUpKind
    basis: tuple[LegalReference, ...]
    text: Text
    service: ServiceKind | None = None
    due: date | None = None

    def explain(self, lang: Language | str = Language.NB) -> str:
        """The text in ``lang`` with ``{date}``/``{service}`` filled in."""
        lang = language(lang)
        values: dict[str, object] = {}
        if self.due is not None:
            values["date"] = self.due.isoformat()
        if self.service is not None:
            values["service"] = SERVICES[self.service].name_nb
        return self.text.format(lang, **values)


@frozen(kw_only=True)
class PlanGround:
    """One law under which the child needs services that give the right to an individuell plan.

    ``basis`` is that law's own reference; ``responsible`` the service that law
    makes responsible for the plan. The plan is one plan, with the same nine
    content items, whichever laws give the right.
    """

    law: PlanLaw
    basis: tuple[LegalReference, ...]
    responsible: ServiceKind
    explanation: Text


@frozen(kw_only=True)
class RightResult:
    """The assessment of one right: outcome, action, conditions and follow-ups."""

    right: Right
    outcome: Outcome
    action: NextStep
    basis: tuple[LegalReference, ...]
    conditions: tuple[ConditionResult, ...]
    follow_ups: tuple[FollowUp, ...]
    explanation: Text
    ends_on: date | None = None
    """For barnekoordinator: the child's 18th birthday, when the right ends."""
    grounds: tuple[PlanGround, ...] = ()
    """For individuell plan: every law under which the child needs services that give the
    right, each with its own reference and responsible service (empty for the other rights)."""

    def condition(self, condition: Condition) -> ConditionResult:
        """The result of ``condition``; [`InvalidInput`][barnekoordinator.errors.InvalidInput] if
        the right has no such one.
        """
        for result in self.conditions:
            if result.condition is condition:
                return result
        raise InvalidInput(f"{self.right.value} has no condition {condition.value!r}")

    @property
    def follow_up_kinds(self) -> frozenset[FollowUpKind]:
        """The kinds of this right's follow-ups."""
        return frozenset(f.kind for f in self.follow_ups)


@frozen(kw_only=True)
class EligibilityResult:
    """The result of `assess()`: one
    [`RightResult`][barnekoordinator.rights.eligibility.RightResult] per right, plus case
    follow-ups.
    """

    as_of: date
    rules_version: str
    """The dated rule set applied, e.g. ``"2022-08-01"``."""
    subject_ref: str
    barnekoordinator: RightResult
    koordinator: RightResult
    individual_plan: RightResult
    stafettlogg: RightResult
    follow_ups: tuple[FollowUp, ...] = ()
    """Follow-ups about the child and the case rather than one right (consent, age, birth)."""

    @property
    def rights(self) -> tuple[RightResult, RightResult, RightResult, RightResult]:
        """The four right results in a fixed order."""
        return (self.barnekoordinator, self.koordinator, self.individual_plan, self.stafettlogg)

    def __getitem__(self, right: Right) -> RightResult:
        """The result for ``right``."""
        if right is Right.BARNEKOORDINATOR:
            return self.barnekoordinator
        if right is Right.KOORDINATOR:
            return self.koordinator
        if right is Right.INDIVIDUAL_PLAN:
            return self.individual_plan
        if right is Right.STAFETTLOGG:
            return self.stafettlogg
        raise InvalidInput(f"unknown right {right!r}")

    @property
    def follow_up_kinds(self) -> frozenset[FollowUpKind]:
        """The kinds of the case-level follow-ups."""
        return frozenset(f.kind for f in self.follow_ups)


# --- unchecked constructors for the evaluator's hot path -------------------------------------
#
# attrs' __init__ of a frozen class sets each field through object.__setattr__ and takes keyword
# arguments: about 1 µs for the result, as much as the rest of a shared assessment's own work.
# The evaluator builds two objects per assessment from parts that are already valid (shared
# results, a validated date and ref), so it sets the slots directly, positionally. These classes
# have no validators or converters to skip; ``tests/unit/test_classes.py`` keeps the field order
# honest (checked there, not here, so that importing this module does not import attrs).

_ELIGIBILITY_FIELDS: Final = (
    "as_of",
    "rules_version",
    "subject_ref",
    "barnekoordinator",
    "koordinator",
    "individual_plan",
    "stafettlogg",
    "follow_ups",
)
_RIGHT_FIELDS: Final = (
    "right",
    "outcome",
    "action",
    "basis",
    "conditions",
    "follow_ups",
    "explanation",
    "ends_on",
    "grounds",
)

_new = object.__new__
_e0, _e1, _e2, _e3, _e4, _e5, _e6, _e7 = (
    EligibilityResult.__dict__[name].__set__ for name in _ELIGIBILITY_FIELDS
)
_r0, _r1, _r2, _r3, _r4, _r5, _r6, _r7, _r8 = (
    RightResult.__dict__[name].__set__ for name in _RIGHT_FIELDS
)


def unchecked_eligibility_result(
    as_of: date,
    rules_version: str,
    subject_ref: str,
    barnekoordinator: RightResult,
    koordinator: RightResult,
    individual_plan: RightResult,
    stafettlogg: RightResult,
    follow_ups: tuple[FollowUp, ...],
) -> EligibilityResult:
    """An `EligibilityResult` from valid parts, built without attrs' ``__init__``."""
    result: EligibilityResult = _new(EligibilityResult)
    _e0(result, as_of)
    _e1(result, rules_version)
    _e2(result, subject_ref)
    _e3(result, barnekoordinator)
    _e4(result, koordinator)
    _e5(result, individual_plan)
    _e6(result, stafettlogg)
    _e7(result, follow_ups)
    return result


def unchecked_right_result(
    right: Right,
    outcome: Outcome,
    action: NextStep,
    basis: tuple[LegalReference, ...],
    conditions: tuple[ConditionResult, ...],
    follow_ups: tuple[FollowUp, ...],
    explanation: Text,
    ends_on: date | None,
    grounds: tuple[PlanGround, ...],
) -> RightResult:
    """A `RightResult` from valid parts, built without attrs' ``__init__``."""
    result: RightResult = _new(RightResult)
    _r0(result, right)
    _r1(result, outcome)
    _r2(result, action)
    _r3(result, basis)
    _r4(result, conditions)
    _r5(result, follow_ups)
    _r6(result, explanation)
    _r7(result, ends_on)
    _r8(result, grounds)
    return result

"""The results of an assessment: per condition, per right, and for the whole case.

Condition results and most follow-ups are shared, interned values (built once
per rule set); a result holds references to them, so equal results compare
equal and cost almost nothing to build.
"""

from __future__ import annotations

from datetime import date

import attrs

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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
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

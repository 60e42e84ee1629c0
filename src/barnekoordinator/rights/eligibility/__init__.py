"""Eligibility: barnekoordinator, koordinator, individuell plan and the stafettlogg offer.

[`assess()`][barnekoordinator.rights.eligibility.assess] is a pure function of the facts, an
explicit ``as_of`` date and the municipality's settings. It returns one
[`RightResult`][barnekoordinator.rights.eligibility.RightResult] per right:

* **barnekoordinator**: pbrl § 2-5 c and hotl § 7-2 a, conditions C1–C7 of
  domain.md §2.2;
* **koordinator**: pbrl § 2-5 b and hotl § 7-2;
* **individuell plan**: pbrl § 2-5 and hotl § 7-1;
* **the offer of a BTI stafettlogg**: municipal practice, configurable.

Every condition evaluates to [`Outcome`][barnekoordinator.rights.eligibility.Outcome] ``MET``,
``NOT_MET`` or ``NEEDS_ASSESSMENT`` and carries its legal references, the facts it relied on and an
explanation in nb, nn and en. A right is *not met* when any of its conditions is not met, otherwise
*needs assessment* when any condition needs one, otherwise *met*. The family's wish (C6) conditions
the municipality's *duty*, not the right
([`Condition.conditions_duty`][barnekoordinator.rights.eligibility.Condition.conditions_duty]); what
follows is the [`NextStep`][barnekoordinator.rights.eligibility.NextStep] and the typed
[`FollowUp`][barnekoordinator.rights.eligibility.FollowUp] values.

Professional judgements («alvorlig», «langvarig», «sammensatte», «koordinerte») are inputs
([`Judgement`][barnekoordinator.rights.eligibility.Judgement]) with an author and a date. The engine
never infers them, and never reads ``description`` or ``diagnoses``: a missing judgement gives
``NEEDS_ASSESSMENT``, never a refusal.

Rules change with the law, so the rule set is chosen by ``as_of``
(OpenFisca-style dated rule sets): one private module per regime, named by its
date of entry into force. ``_regime_2022_08_01`` applies from the 2022 reform,
``_regime_2012_01_01`` before it (no barnekoordinator, no samordningsplikt);
``_regime_2023_01_01`` (barnevernsloven 2021) and ``_regime_2024_08_01``
(opplæringslova 2023) reuse the reform's rules with the citations of their date: a
result cites only the law in force on ``as_of`` (decision 48).
Dates before 1 January 2012 are not encoded.

Speed: condition results, follow-ups and explanations are interned, each made
once, on its first use (decision 33), and each right's result is a pure function
of a few reason codes read from the facts, memoised and shared by every family
with the same codes (decision 27);
an assessment builds only what is the child's own (subject, date, the
barnekoordinator's end date, the case's follow-ups).

The JSON documents (``eligibility-facts.v1``, ``eligibility-result.v1``) are
read and written by [`barnekoordinator.rights.wire`][barnekoordinator.rights.wire].
"""

from barnekoordinator.rights.eligibility._facts import (
    Author,
    ChildFacts,
    EligibilityFacts,
    ExistingCoordination,
    ExpectedChildFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wishes,
)
from barnekoordinator.rights.eligibility._results import (
    ConditionResult,
    EligibilityResult,
    FollowUp,
    PlanGround,
    RightResult,
)
from barnekoordinator.rights.eligibility._rule_sets import RULES_VERSIONS, assess, rules_version
from barnekoordinator.rights.eligibility._vocabulary import (
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    PlanLaw,
    Right,
    Wish,
)

__all__ = [
    "RULES_VERSIONS",
    "Author",
    "ChildFacts",
    "Condition",
    "ConditionResult",
    "EligibilityFacts",
    "EligibilityResult",
    "ExistingCoordination",
    "ExpectedChildFacts",
    "FollowUp",
    "FollowUpKind",
    "GuardianFacts",
    "Judgement",
    "Judgements",
    "Needs",
    "NextStep",
    "Outcome",
    "PlanGround",
    "PlanLaw",
    "Right",
    "RightResult",
    "Wish",
    "Wishes",
    "assess",
    "rules_version",
]

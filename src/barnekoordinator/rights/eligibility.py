"""Eligibility: barnekoordinator, koordinator, individuell plan and the stafettlogg offer.

:func:`assess` is a pure function of the facts, an explicit ``as_of`` date and
the municipality's settings. It returns one :class:`RightResult` per right:

* **barnekoordinator**: pbrl § 2-5 c and hotl § 7-2 a, conditions C1–C7 of
  domain.md §2.2;
* **koordinator**: pbrl § 2-5 b and hotl § 7-2;
* **individuell plan**: pbrl § 2-5 and hotl § 7-1;
* **the offer of a BTI stafettlogg**: municipal practice, configurable.

Every condition evaluates to :class:`Outcome` ``MET``, ``NOT_MET`` or
``NEEDS_ASSESSMENT`` and carries its legal references, the facts it relied on
and an explanation in nb, nn and en. A right is *not met* when any of its
conditions is not met, otherwise *needs assessment* when any condition needs
one, otherwise *met*. The family's wish (C6) conditions the municipality's
*duty*, not the right (:attr:`Condition.conditions_duty`); what follows is the
:class:`NextStep` and the typed :class:`FollowUp` values.

Professional judgements («alvorlig», «langvarig», «sammensatte», «koordinerte»)
are inputs (:class:`Judgement`) with an author and a date. The engine never
infers them, and never reads ``description`` or ``diagnoses``: a missing
judgement gives ``NEEDS_ASSESSMENT``, never a refusal.

Rules change with the law, so the rule set is chosen by ``as_of``
(OpenFisca-style dated functions): :func:`_rules_2022_08_01` from the 2022
reform, :func:`_rules_2012_01_01` before it (no barnekoordinator, no
samordningsplikt). Dates before 1 January 2012 are not encoded.

Speed: condition results, follow-ups and explanations are built once at import
and shared by every result (they are immutable), so an assessment allocates
only the handful of objects that hold the answer.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput, SchemaViolation
from barnekoordinator.legal_basis import LegalReference, parameter, refs
from barnekoordinator.people import age_on, birthday
from barnekoordinator.services import SERVICES, Sector, ServiceKind
from barnekoordinator.texts import Language, Text, language, text

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
    "Language",
    "Needs",
    "NextStep",
    "Outcome",
    "Right",
    "RightResult",
    "Text",
    "Wish",
    "Wishes",
    "assess",
    "facts_from_json",
    "facts_to_json",
    "result_from_json",
    "result_to_json",
    "rules_version",
]


# --- vocabulary ------------------------------------------------------------------------


class Right(enum.Enum):
    """A right (or offer) the engine assesses; the value is the stable wire name."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # interned-table lookups on the hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    BARNEKOORDINATOR = "barnekoordinator"
    """pbrl § 2-5 c / hotl § 7-2 a: the family's right to a barnekoordinator."""
    KOORDINATOR = "koordinator"
    """pbrl § 2-5 b / hotl § 7-2: the patient's or user's right to a koordinator."""
    INDIVIDUAL_PLAN = "individuell-plan"
    """pbrl § 2-5 / hotl § 7-1: the right to an individuell plan."""
    STAFETTLOGG = "stafettlogg"
    """BTI practice: whether a stafettlogg should be offered."""

    @property
    def label(self) -> Text:
        """The right's name in nb, nn and en."""
        return text(f"right.{self.value}")

    @property
    def wish_field(self) -> str:
        """The :class:`Wishes` attribute that holds the wish for this right."""
        return _WISH_FIELD[self]


_WISH_FIELD: Final = {
    Right.BARNEKOORDINATOR: "barnekoordinator",
    Right.KOORDINATOR: "koordinator",
    Right.INDIVIDUAL_PLAN: "individual_plan",
    Right.STAFETTLOGG: "stafettlogg",
}


class Outcome(enum.Enum):
    """The three-valued result of a condition or a right."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # interned-table lookups on the hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    MET = "met"
    NOT_MET = "not-met"
    NEEDS_ASSESSMENT = "needs-assessment"

    @property
    def label(self) -> Text:
        """``oppfylt`` / ``ikke oppfylt`` / ``krever faglig vurdering`` (and nn, en)."""
        return text(f"outcome.{self.value}")


class NextStep(enum.Enum):
    """What the municipality does next for one right."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # interned-table lookups on the hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    APPOINT = "appoint"
    """Conditions and wish met: appoint (coordinators), prepare (IP) or open (log)."""
    OFFER = "offer"
    """Conditions met, wish not (fully) known: offer it and record the answer."""
    DECLINED = "declined"
    """Conditions met, declined: record the decline; no appointment."""
    LEGAL_REVIEW = "legal-review"
    """Conditions met, consent conflict or the youth's own say: legal review, never automatic."""
    ASSESS = "assess"
    """A condition needs professional assessment: route it, do not refuse."""
    NONE = "none"
    """A condition is not met."""


class Condition(enum.Enum):
    """A decomposed condition (domain.md §2.2 C1–C7, plus those of the other rights)."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # interned-table lookups on the hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    IN_FORCE = "in-force"
    HAS_OR_EXPECTS_CHILD = "c1-has-or-expects-child"
    RIGHT_HOLDER = "right-holder"
    SERIOUS_CONDITION = "c2-serious-condition"
    LONG_TERM_NEED = "c3-long-term-need"
    COMPOSITE_OR_COORDINATED = "c4-composite-or-coordinated"
    COORDINATED_NEED = "coordinated-need"
    HEALTH_AND_WELFARE_SERVICES = "c5-health-and-welfare-services"
    HEALTH_AND_CARE_SERVICES = "health-and-care-services"
    WISH = "c6-wish"
    UNDER_AGE_LIMIT = "c7-under-age-limit"
    MUNICIPAL_PRACTICE = "s1-municipal-practice"
    BTI_LEVEL = "s2-bti-level"
    TARGET_GROUP = "s3-target-group"
    NO_STATUTORY_COORDINATOR = "s4-no-statutory-coordinator"

    @property
    def label(self) -> Text:
        """The condition's heading in nb, nn and en."""
        return text(f"condition.{self.value}")

    @property
    def conditions_duty(self) -> bool:
        """True for the wish/consent condition: it conditions the duty to act, not the right."""
        return self is Condition.WISH

    @property
    def judgements(self) -> tuple[str, ...]:
        """The :class:`Judgements` fields this condition reads (empty for pure facts)."""
        return _JUDGEMENT_INPUTS.get(self, ())


_JUDGEMENT_INPUTS: Final[Mapping[Condition, tuple[str, ...]]] = MappingProxyType(
    {
        Condition.SERIOUS_CONDITION: ("serious",),
        Condition.LONG_TERM_NEED: ("long_term",),
        Condition.COMPOSITE_OR_COORDINATED: ("composite", "coordinated"),
        Condition.COORDINATED_NEED: ("coordinated",),
    }
)


class FollowUpKind(enum.Enum):
    """What follows from an assessment; the value is the stable wire name."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # interned-table lookups on the hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    DUTY_TO_APPOINT = "duty-to-appoint"
    OFFER = "offer"
    RECORD_DECLINE = "record-decline"
    PROFESSIONAL_ASSESSMENT = "professional-assessment"
    CONSENT_CONFLICT = "consent-conflict"
    YOUTH_OWN_SAY = "youth-own-say"
    SAMORDNINGSPLIKT = "samordningsplikt"
    ALTERNATIVES = "alternatives"
    ENDS_AT_18 = "ends-at-18"
    TRANSITION_AT_18 = "transition-at-18"
    GUIDANCE_BASED = "guidance-based"
    FILLS_KOORDINATOR_ROLE = "fills-koordinator-role"
    SEPARATE_KOORDINATOR = "separate-koordinator"
    COVERED_BY_BARNEKOORDINATOR = "covered-by-barnekoordinator"
    LINK_FAMILY_BARNEKOORDINATOR = "link-family-barnekoordinator"
    MOVED_MUNICIPALITY = "moved-municipality"
    PLAN_PROGRESS_DORMANT = "plan-progress-dormant"
    NO_PLAN_WITHOUT_CONSENT = "no-plan-without-consent"
    KOORDINATOR_WITHOUT_PLAN = "koordinator-without-plan"
    STATUTORY_TAKES_PRECEDENCE = "statutory-takes-precedence"
    REKEY_AFTER_BIRTH = "rekey-after-birth"
    ORDINARY_FOLLOW_UP = "ordinary-follow-up"
    BARNEVERN_CONSENTS = "barnevern-consents"
    CHILD_MUST_BE_HEARD = "child-must-be-heard"
    CHILD_MUST_BE_HEARD_GREAT_WEIGHT = "child-must-be-heard-great-weight"
    YOUTH_CONSENTS = "youth-consents"
    NO_HEALTH_INFO_WITHOUT_YOUTH_CONSENT = "no-health-info-without-youth-consent"
    GUARDIAN_ACCESS_ENDS = "guardian-access-ends"
    ESCALATE_COOPERATION = "escalate-cooperation"


class Wish(enum.Enum):
    """A party's answer to an offer."""

    WANTS = "wants"
    DECLINES = "declines"
    UNKNOWN = "unknown"
    """Not asked or not answered yet."""


# --- facts -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Wishes:
    """One party's wish for each right (unknown until asked)."""

    barnekoordinator: Wish = Wish.UNKNOWN
    koordinator: Wish = Wish.UNKNOWN
    individual_plan: Wish = Wish.UNKNOWN
    stafettlogg: Wish = Wish.UNKNOWN

    def for_right(self, right: Right) -> Wish:
        """The wish recorded for ``right``."""
        wish: Wish = getattr(self, _WISH_FIELD[right])
        return wish


_NO_WISHES: Final = Wishes()


@attrs.frozen(kw_only=True)
class Author:
    """Who made a professional judgement: an opaque actor reference, never a national id."""

    ref: str
    role: str
    """The author's role, e.g. ``"helsesykepleier"`` or ``"koordinerende enhet"``."""
    service: ServiceKind | None = None


@attrs.frozen(kw_only=True)
class Judgement:
    """A professional's conclusion on one open legal term, with author and date.

    A judgement dated after ``as_of`` did not exist yet on that date and is ignored.
    """

    conclusion: bool
    author: Author
    assessed_on: date
    note: str = ""


@attrs.frozen(kw_only=True)
class Judgements:
    """The professional judgements the conditions need (``None`` = not yet made)."""

    serious: Judgement | None = None
    """«alvorlig sykdom, skade eller nedsatt funksjonsevne» (C2)."""
    long_term: Judgement | None = None
    """«langvarige» (C3)."""
    composite: Judgement | None = None
    """«sammensatte» (C4, either this or ``coordinated``)."""
    coordinated: Judgement | None = None
    """«koordinerte» (C4; alone for koordinator and individuell plan)."""


@attrs.frozen(kw_only=True)
class Needs:
    """The services the family needs; the sector of each comes from :mod:`services`.

    ``health_and_care`` / ``other_welfare`` record a need not covered by a listed
    service (``True``, e.g. NAV benefits) or a finding of *no* need (``False``).
    ``None`` means: derive it from ``services``; with no such service listed the
    need counts as not yet mapped.
    """

    services: tuple[ServiceKind, ...] = ()
    health_and_care: bool | None = None
    other_welfare: bool | None = None


@attrs.frozen(kw_only=True)
class ChildFacts:
    """A born child: a case-local reference and the registered birth date."""

    ref: str
    birth_date: date


@attrs.frozen(kw_only=True)
class ExpectedChildFacts:
    """A child not yet born, or an approved adoption in progress (``adoption=True``)."""

    ref: str
    expected_date: date
    adoption: bool = False


@attrs.frozen(kw_only=True)
class GuardianFacts:
    """A parent or carer: whether they hold foreldreansvar, and their wishes."""

    ref: str
    parental_responsibility: bool
    wishes: Wishes = _NO_WISHES


@attrs.frozen(kw_only=True)
class ExistingCoordination:
    """Coordination already in place for this child or family."""

    barnekoordinator: bool = False
    koordinator: bool = False
    individual_plan: bool = False
    stafettlogg: bool = False
    family_barnekoordinator: bool = False
    """The family already has a barnekoordinator, appointed for a sibling (BK-20)."""
    previous_municipality_barnekoordinator: bool = False
    """A barnekoordinator was appointed in the municipality the family moved from (BK-19)."""


_NO_EXISTING: Final = ExistingCoordination()
_NO_NEEDS: Final = Needs()
_NO_JUDGEMENTS: Final = Judgements()

_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}[ .]?\d{5}(?!\d)")


def _ref_problem(path: str, value: str) -> list[tuple[str, str]]:
    if not value.strip():
        return [(path, "must be a non-empty reference")]
    if _NATIONAL_ID.search(value):
        return [(path, "must be an opaque reference, never a national identity number")]
    return []


def _fact_problems(facts: EligibilityFacts) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if (facts.child is None) == (facts.expected_child is None):
        problems.append(("$", "give exactly one of 'child' and 'expected_child'"))
    if facts.child is not None:
        problems += _ref_problem("$.child.ref", facts.child.ref)
    if facts.expected_child is not None:
        problems += _ref_problem("$.expected_child.ref", facts.expected_child.ref)
    seen: set[str] = set()
    for i, g in enumerate(facts.guardians):
        problems += _ref_problem(f"$.guardians[{i}].ref", g.ref)
        if g.ref in seen:
            problems.append((f"$.guardians[{i}].ref", f"duplicate guardian reference {g.ref!r}"))
        seen.add(g.ref)
    for name in ("serious", "long_term", "composite", "coordinated"):
        judgement: Judgement | None = getattr(facts.judgements, name)
        if judgement is not None:
            problems += _ref_problem(f"$.judgements.{name}.author.ref", judgement.author.ref)
            if not judgement.author.role.strip():
                problems.append((f"$.judgements.{name}.author.role", "must name the author's role"))
    needs = facts.needs
    for flag, kinds, label in (
        ("health_and_care", _HEALTH_KINDS, "a health and care service"),
        ("other_welfare", _WELFARE_KINDS, "an other welfare service"),
    ):
        listed = sorted(k.value for k in needs.services if k in kinds)
        if getattr(needs, flag) is False and listed:
            problems.append(
                (
                    f"$.needs.{flag}",
                    f"false contradicts needs.services, which lists {listed[0]} ({label})",
                )
            )
    if facts.bti_level is not None and not 0 <= facts.bti_level <= 3:
        problems.append(("$.bti_level", "expected a BTI level from 0 to 3"))
    return problems


@attrs.frozen(kw_only=True)
class EligibilityFacts:
    """Everything :func:`assess` may rely on about one child (born or expected) and family.

    Exactly one of ``child`` and ``expected_child`` is given. ``description`` and
    ``diagnoses`` are kept for the caseworker and are **ignored** by the engine:
    a diagnosis is not a condition, and judgements are never inferred from it.
    Construction checks the whole tree and raises
    :class:`~barnekoordinator.errors.SchemaViolation` listing every problem.
    """

    child: ChildFacts | None = None
    expected_child: ExpectedChildFacts | None = None
    needs: Needs = _NO_NEEDS
    judgements: Judgements = _NO_JUDGEMENTS
    guardians: tuple[GuardianFacts, ...] = ()
    child_wishes: Wishes = _NO_WISHES
    """The child's or young person's own say (decisive from 16 for health matters)."""
    child_heard: bool = False
    """The child has been informed and heard (pbrl § 4-4; latest from 7 years)."""
    barnevern_has_care: bool = False
    """Barnevernstjenesten has taken over care: it consents for the child (pbrl § 4-5)."""
    barnevern_wishes: Wishes = _NO_WISHES
    bti_level: int | None = None
    parental_risk_factors: bool = False
    """Risk factors in the parent(s) only; never read as a condition in the child (BK-03)."""
    existing: ExistingCoordination = _NO_EXISTING
    services_declining_cooperation: tuple[ServiceKind, ...] = ()
    description: str = ""
    diagnoses: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = _fact_problems(self)
        if problems:
            raise SchemaViolation("eligibility-facts.v1", problems)

    @property
    def subject_ref(self) -> str:
        """The reference of the child or expected child the facts are about."""
        if self.child is not None:
            return self.child.ref
        assert self.expected_child is not None  # guaranteed by construction
        return self.expected_child.ref


# --- results -----------------------------------------------------------------------------


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

    def condition(self, condition: Condition) -> ConditionResult:
        """The result of ``condition``; :class:`InvalidInput` if the right has no such one."""
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
    """The result of :func:`assess`: one :class:`RightResult` per right, plus case follow-ups."""

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


# --- interned tables ----------------------------------------------------------------------

_HEALTH_KINDS: Final = frozenset(
    k for k, s in SERVICES.items() if s.sector is Sector.HEALTH_AND_CARE
)
_WELFARE_KINDS: Final = frozenset(
    k for k, s in SERVICES.items() if s.sector is Sector.OTHER_WELFARE
)

_MET, _NOT, _NA = Outcome.MET, Outcome.NOT_MET, Outcome.NEEDS_ASSESSMENT
_BK, _KO, _IP, _SL = (
    Right.BARNEKOORDINATOR,
    Right.KOORDINATOR,
    Right.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG,
)
_CASE: Final = "case"

# Judgement verdicts (shared by every judgement-based condition).
_J_MET, _J_NOT, _J_NONE = "judged-met", "judged-not-met", "not-assessed"
_J_OUTCOME: Final = {_J_MET: _MET, _J_NOT: _NOT, _J_NONE: _NA}

_PARTIES: Final = ("guardians", "expecting", "barnevern", "youth-and-guardians", "youth", "adult")
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
_VERDICT_ACTION: Final = {
    "wants": NextStep.APPOINT,
    "declines": NextStep.DECLINED,
    "unknown": NextStep.OFFER,
    "partial": NextStep.OFFER,
    "no-party": NextStep.OFFER,
    "conflict": NextStep.LEGAL_REVIEW,
    "youth-disagrees": NextStep.LEGAL_REVIEW,
}
_PARTY_BASIS: Final = {
    "guardians": ("pbrl-4-4",),
    "expecting": (),
    "barnevern": ("pbrl-4-5",),
    "youth-and-guardians": ("pbrl-4-3", "pbrl-4-4"),
    "youth": ("pbrl-4-3",),
    "adult": ("pbrl-4-3",),
}


def _party_facts(party: str, field: str) -> tuple[str, ...]:
    wish = f"wishes.{field}"
    return {
        "guardians": ("guardians[].parental_responsibility", f"guardians[].{wish}"),
        "expecting": ("expected_child", f"guardians[].{wish}"),
        "barnevern": ("barnevern_has_care", f"barnevern_{wish}"),
        "youth-and-guardians": ("child.birth_date", f"guardians[].{wish}", f"child_{wish}"),
        "youth": ("child.birth_date", f"child_{wish}"),
        "adult": ("child.birth_date", f"child_{wish}"),
    }[party]


class _Tables(NamedTuple):
    version: str
    conditions: Mapping[tuple[Right, Condition, str], ConditionResult]
    follow_ups: Mapping[tuple[object, FollowUpKind], FollowUp]
    escalations: Mapping[ServiceKind, FollowUp]
    explanations: Mapping[tuple[Right, Outcome, NextStep], Text]
    basis: Mapping[Right, tuple[LegalReference, ...]]


def _build_tables(version: str, *, reform: bool) -> _Tables:
    """Build every shared result value of one rule set (run twice at import)."""
    conditions: dict[tuple[Right, Condition, str], ConditionResult] = {}

    def add(
        right: Right,
        condition: Condition,
        reason: str,
        outcome: Outcome,
        basis: Iterable[str],
        facts: tuple[str, ...],
        explanation: Text,
    ) -> None:
        conditions[(right, condition, reason)] = ConditionResult(
            right=right,
            condition=condition,
            outcome=outcome,
            reason=reason,
            basis=refs(*dict.fromkeys(basis)),
            facts=facts,
            explanation=explanation,
        )

    right_basis: dict[Right, tuple[str, ...]] = {
        _BK: ("pbrl-2-5-c", "hotl-7-2-a"),
        _KO: ("pbrl-2-5-b", "hotl-7-2") if reform else ("hotl-7-2",),
        _IP: ("pbrl-2-5", "hotl-7-1", "ip-forskriften") if reform else ("pbrl-2-5", "hotl-7-1"),
        _SL: ("bti-stafettlogg",),
    }
    bk = right_basis[_BK]
    guide = ("veileder-barnekoordinator",)

    # barnekoordinator ----------------------------------------------------------------
    add(
        _BK,
        Condition.IN_FORCE,
        "not-in-force",
        _NOT,
        bk,
        ("as_of",),
        text("reason.in-force.not-in-force"),
    )
    add(
        _BK,
        Condition.HAS_OR_EXPECTS_CHILD,
        "born",
        _MET,
        bk,
        ("child.birth_date",),
        text("reason.c1.born"),
    )
    add(
        _BK,
        Condition.HAS_OR_EXPECTS_CHILD,
        "pregnancy",
        _MET,
        bk,
        ("expected_child",),
        text("reason.c1.pregnancy"),
    )
    add(
        _BK,
        Condition.HAS_OR_EXPECTS_CHILD,
        "adoption",
        _MET,
        bk + guide,
        ("expected_child.adoption",),
        text("reason.c1.adoption"),
    )
    for cond, key, basis, path in (
        (Condition.SERIOUS_CONDITION, "c2", bk + guide, ("judgements.serious",)),
        (Condition.LONG_TERM_NEED, "c3", bk, ("judgements.long_term",)),
        (
            Condition.COMPOSITE_OR_COORDINATED,
            "c4",
            bk,
            ("judgements.composite", "judgements.coordinated"),
        ),
    ):
        for verdict, outcome in _J_OUTCOME.items():
            add(_BK, cond, verdict, outcome, basis, path, text(f"reason.{key}.{verdict}"))
    c5_facts = ("needs.services", "needs.health_and_care", "needs.other_welfare")
    for reason, outcome in (
        ("both", _MET),
        ("no-welfare", _NOT),
        ("no-health", _NOT),
        ("neither", _NOT),
        ("not-mapped", _NA),
    ):
        add(
            _BK,
            Condition.HEALTH_AND_WELFARE_SERVICES,
            reason,
            outcome,
            bk + guide,
            c5_facts,
            text(f"reason.c5.{reason}"),
        )
    age_basis = tuple(r.key for r in parameter("barnekoordinator_age_limit").basis) + guide
    add(
        _BK,
        Condition.UNDER_AGE_LIMIT,
        "expected",
        _MET,
        age_basis,
        ("expected_child",),
        text("reason.c7.expected"),
    )
    for reason, outcome in (("under-limit", _MET), ("reached-limit", _NOT)):
        add(
            _BK,
            Condition.UNDER_AGE_LIMIT,
            reason,
            outcome,
            age_basis,
            ("child.birth_date", "as_of"),
            text(f"reason.c7.{reason}"),
        )

    # koordinator and individuell plan share their conditions, not their basis -------------
    for right in (_KO, _IP):
        basis = right_basis[right]
        add(
            right,
            Condition.RIGHT_HOLDER,
            "born",
            _MET,
            basis,
            ("child",),
            text("reason.right-holder.born"),
        )
        add(
            right,
            Condition.RIGHT_HOLDER,
            "expected",
            _NOT,
            basis,
            ("expected_child",),
            text("reason.right-holder.expected"),
        )
        for verdict, outcome in _J_OUTCOME.items():
            add(
                right,
                Condition.LONG_TERM_NEED,
                verdict,
                outcome,
                basis,
                ("judgements.long_term",),
                text(f"reason.c3.{verdict}"),
            )
            add(
                right,
                Condition.COORDINATED_NEED,
                verdict,
                outcome,
                basis,
                ("judgements.coordinated",),
                text(f"reason.coordinated.{verdict}"),
            )
        for reason, outcome in (("yes", _MET), ("no", _NOT), ("not-mapped", _NA)):
            add(
                right,
                Condition.HEALTH_AND_CARE_SERVICES,
                reason,
                outcome,
                basis,
                ("needs.services", "needs.health_and_care"),
                text(f"reason.health.{reason}"),
            )

    # stafettlogg ----------------------------------------------------------------------
    sl = right_basis[_SL]
    for cond, key, reasons, facts_ in (
        (
            Condition.MUNICIPAL_PRACTICE,
            "s1",
            (("offered", _MET), ("not-offered", _NOT)),
            ("settings.offers_stafettlogg",),
        ),
        (
            Condition.BTI_LEVEL,
            "s2",
            (("at-or-above", _MET), ("below", _NOT), ("not-decided", _NA)),
            ("bti_level", "settings.stafettlogg_from_level"),
        ),
        (
            Condition.TARGET_GROUP,
            "s3",
            (("expected", _MET), ("within", _MET), ("above", _NOT)),
            ("child.birth_date", "settings.stafettlogg_age_limit"),
        ),
    ):
        for reason, outcome in reasons:
            add(_SL, cond, reason, outcome, sl, facts_, text(f"reason.{key}.{reason}"))
    s4_facts = (
        "existing.barnekoordinator",
        "existing.koordinator",
        "existing.family_barnekoordinator",
    )
    add(_SL, Condition.NO_STATUTORY_COORDINATOR, "none", _MET, sl, s4_facts, text("reason.s4.none"))
    add(
        _SL,
        Condition.NO_STATUTORY_COORDINATOR,
        "statutory",
        _NOT,
        (*sl, "hotl-7-2", "hotl-7-2-a"),
        s4_facts,
        text("reason.s4.statutory"),
    )

    # the wish / consent condition (C6) for every right, party and verdict ------------------
    wish_basis = {
        _BK: ("hotl-7-2-a",),
        _KO: ("hotl-7-2",),
        _IP: ("pbrl-2-5", "ip-forskriften") if reform else ("pbrl-2-5",),
        _SL: ("bti-stafettlogg",),
    }
    for right in Right:
        for party in _PARTIES:
            for verdict in _VERDICTS:
                explanation = text(f"party.{party}").join(text(f"verdict.{verdict}"), ": ")
                party_basis = () if right is _SL else _PARTY_BASIS[party]
                add(
                    right,
                    Condition.WISH,
                    f"{party}/{verdict}",
                    _VERDICT_OUTCOME.get(verdict, _NA),
                    wish_basis[right] + party_basis,
                    _party_facts(party, _WISH_FIELD[right]),
                    explanation,
                )

    # follow-ups ------------------------------------------------------------------------
    follow_ups: dict[tuple[object, FollowUpKind], FollowUp] = {}

    def fu(scope: object, kind: FollowUpKind, basis: Iterable[str], key: str | None = None) -> None:
        follow_ups[(scope, kind)] = FollowUp(
            kind=kind,
            basis=refs(*dict.fromkeys(basis)),
            text=text(key or f"follow-up.{kind.value}"),
        )

    K = FollowUpKind
    duty_basis = {
        _BK: ("hotl-7-2-a", "hotl-7-3"),
        _KO: (*right_basis[_KO], "hotl-7-3"),
        _IP: right_basis[_IP],
        _SL: ("bti-stafettlogg", "bti-stafettholder"),
    }
    for right in Right:
        rb = right_basis[right]
        fu(right, K.DUTY_TO_APPOINT, duty_basis[right], f"follow-up.{right.value}.duty-to-appoint")
        fu(right, K.OFFER, rb)
        fu(right, K.RECORD_DECLINE, rb)
        if right is _SL:
            fu(
                right,
                K.PROFESSIONAL_ASSESSMENT,
                (*rb, "bti-niva-0"),
                "follow-up.stafettlogg.professional-assessment",
            )
        else:
            fu(right, K.PROFESSIONAL_ASSESSMENT, (*rb, "hotl-7-3"))
        fu(right, K.CONSENT_CONFLICT, ("pbrl-4-4", *rb))
    ip_consent = ("pbrl-2-5", "ip-forskriften") if reform else ("pbrl-2-5",)
    fu(_BK, K.YOUTH_OWN_SAY, ("pbrl-4-3", "pbrl-3-4", "hotl-7-2-a"))
    fu(_BK, K.SAMORDNINGSPLIKT, ("hotl-3-4", "veileder-samordningsplikt"))
    fu(_BK, K.ALTERNATIVES, ("pbrl-2-5-b", "hotl-7-2", "pbrl-2-5", "hotl-7-1"))
    fu(_BK, K.ENDS_AT_18, bk)
    fu(_BK, K.TRANSITION_AT_18, ("hotl-7-2", "pbrl-2-5", "pbrl-4-3"))
    fu(_BK, K.GUIDANCE_BASED, ("veileder-barnekoordinator", "pbrl-2-5-c"))
    fu(_BK, K.FILLS_KOORDINATOR_ROLE, ("hotl-7-2-a", "hotl-7-2"))
    fu(_BK, K.SEPARATE_KOORDINATOR, ("hotl-7-2-a", "hotl-7-2"))
    fu(_BK, K.LINK_FAMILY_BARNEKOORDINATOR, ("pbrl-2-5-c", "hotl-7-2-a"))
    fu(_BK, K.MOVED_MUNICIPALITY, ("hotl-7-2-a", "pbrl-2-5"))
    fu(_BK, K.PLAN_PROGRESS_DORMANT, ("hotl-7-2-a", *ip_consent))
    fu(_KO, K.COVERED_BY_BARNEKOORDINATOR, ("hotl-7-2-a", "hotl-7-2"))
    fu(_KO, K.KOORDINATOR_WITHOUT_PLAN, right_basis[_KO])
    fu(_IP, K.NO_PLAN_WITHOUT_CONSENT, ip_consent)
    fu(_SL, K.STATUTORY_TAKES_PRECEDENCE, ("bti-stafettlogg", "hotl-7-2", "hotl-7-2-a", "pbrl-2-5"))
    fu(_CASE, K.REKEY_AFTER_BIRTH, ("pbrl-2-5-c",))
    fu(_CASE, K.ORDINARY_FOLLOW_UP, ("bti-stafettlogg",))
    fu(_CASE, K.BARNEVERN_CONSENTS, ("pbrl-4-5",))
    fu(_CASE, K.CHILD_MUST_BE_HEARD, ("pbrl-4-4", "pbrl-3-1", "bk-art-12"))
    fu(_CASE, K.CHILD_MUST_BE_HEARD_GREAT_WEIGHT, ("pbrl-4-4", "bk-art-12"))
    fu(_CASE, K.YOUTH_CONSENTS, ("pbrl-4-3", "pbrl-3-4"))
    fu(_CASE, K.NO_HEALTH_INFO_WITHOUT_YOUTH_CONSENT, ("pbrl-4-3", "pbrl-3-4"))
    fu(_CASE, K.GUARDIAN_ACCESS_ENDS, ("vergeml-2", "pbrl-4-3"))
    fu(_CASE, K.ESCALATE_COOPERATION, ("hotl-3-4",))
    escalate = follow_ups[(_CASE, K.ESCALATE_COOPERATION)]
    escalations = {
        kind: FollowUp(
            kind=K.ESCALATE_COOPERATION,
            basis=(s.cooperation_duty, *escalate.basis),
            text=escalate.text,
            service=kind,
        )
        for kind, s in SERVICES.items()
    }

    explanations = {
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
    return _Tables(
        version=version,
        conditions=MappingProxyType(conditions),
        follow_ups=MappingProxyType(follow_ups),
        escalations=MappingProxyType(escalations),
        explanations=MappingProxyType(explanations),
        basis=MappingProxyType({r: refs(*b) for r, b in right_basis.items()}),
    )


_T2012: Final = _build_tables("2012-01-01", reform=False)
_T2022: Final = _build_tables("2022-08-01", reform=True)
_TABLES: Final[Mapping[str, _Tables]] = MappingProxyType({t.version: t for t in (_T2012, _T2022)})


# --- evaluation ---------------------------------------------------------------------------


class _Params(NamedTuple):
    age_limit: int | None
    health_majority: int
    majority: int
    heard_from: int | None
    great_weight_from: int | None


def _maybe(name: str, as_of: date) -> int | None:
    history = parameter(name)
    return history.at(as_of) if history.in_force(as_of) else None


@functools.lru_cache(maxsize=256)
def _params(as_of: date) -> _Params:
    """The legal parameters in force on ``as_of`` (cached: they change only with the law)."""
    return _Params(
        age_limit=_maybe("barnekoordinator_age_limit", as_of),
        health_majority=parameter("health_majority_age").at(as_of),
        majority=parameter("age_of_majority").at(as_of),
        heard_from=_maybe("child_heard_from_age", as_of),
        great_weight_from=_maybe("child_great_weight_from_age", as_of),
    )


def _judged(judgement: Judgement | None, as_of: date) -> str:
    if judgement is None or judgement.assessed_on > as_of:
        return _J_NONE
    return _J_MET if judgement.conclusion else _J_NOT


_W, _D, _U = Wish.WANTS, Wish.DECLINES, Wish.UNKNOWN


def _single(wish: Wish) -> str:
    return "wants" if wish is _W else "declines" if wish is _D else "unknown"


def _guardians_verdict(guardians: tuple[GuardianFacts, ...], field: str, everyone: bool) -> str:
    """Combine the wishes of those with foreldreansvar (or, before birth, every guardian)."""
    wants = declines = unknown = False
    for g in guardians:
        if everyone or g.parental_responsibility:
            wish = getattr(g.wishes, field)
            if wish is _W:
                wants = True
            elif wish is _D:
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


def _youth_and_guardians_verdict(parents: str, youth: Wish) -> str:
    """BK for 16–17-year-olds: the parents' wish, weighed against the youth's own say (BK-16)."""
    if parents in ("conflict", "no-party"):
        return parents
    if youth is _D and parents in ("wants", "partial"):
        return "youth-disagrees"
    if youth is _W and parents == "declines":
        return "youth-disagrees"
    return parents


def _outcome_of(results: Iterable[ConditionResult]) -> Outcome:
    outcome = _MET
    for r in results:
        if r.condition is Condition.WISH:
            continue
        if r.outcome is _NOT:
            return _NOT
        if r.outcome is _NA:
            outcome = _NA
    return outcome


def _action_of(outcome: Outcome, wish_reason: str) -> NextStep:
    if outcome is _NOT:
        return NextStep.NONE
    if outcome is _NA:
        return NextStep.ASSESS
    return _VERDICT_ACTION[wish_reason.partition("/")[2]]


_SIMPLE_ACTION_FOLLOW_UP: Final = {
    NextStep.APPOINT: FollowUpKind.DUTY_TO_APPOINT,
    NextStep.OFFER: FollowUpKind.OFFER,
    NextStep.DECLINED: FollowUpKind.RECORD_DECLINE,
    NextStep.ASSESS: FollowUpKind.PROFESSIONAL_ASSESSMENT,
}


def _action_follow_ups(
    T: _Tables, right: Right, action: NextStep, wish_reason: str
) -> list[FollowUp]:
    kind = _SIMPLE_ACTION_FOLLOW_UP.get(action)
    if kind is not None:
        return [T.follow_ups[(right, kind)]]
    if action is NextStep.LEGAL_REVIEW:
        if wish_reason.endswith("/youth-disagrees"):
            return [T.follow_ups[(_BK, FollowUpKind.YOUTH_OWN_SAY)]]
        return [T.follow_ups[(right, FollowUpKind.CONSENT_CONFLICT)]]
    return []


def _right(
    T: _Tables,
    right: Right,
    conditions: tuple[ConditionResult, ...],
    wish: ConditionResult | None,
    ends_on: date | None = None,
) -> tuple[Outcome, NextStep, list[FollowUp]]:
    outcome = _outcome_of(conditions)
    action = (
        _action_of(outcome, wish.reason)
        if wish is not None
        else (NextStep.NONE if outcome is _NOT else NextStep.ASSESS)
    )
    return outcome, action, _action_follow_ups(T, right, action, wish.reason if wish else "")


def _evaluate(
    T: _Tables, facts: EligibilityFacts, as_of: date, settings: MunicipalSettings, *, reform: bool
) -> EligibilityResult:
    cond = T.conditions
    fus = T.follow_ups
    K = FollowUpKind
    p = _params(as_of)
    child = facts.child
    existing = facts.existing

    # --- who the child is, and how old ------------------------------------------------
    ends_on: date | None = None
    if child is not None:
        if child.birth_date > as_of:
            raise InvalidInput(
                "child.birth_date is after as_of: a child not yet born is an expected_child"
            )
        born = True
        age = age_on(child.birth_date, as_of)
        if p.age_limit is not None:
            ends_on = birthday(child.birth_date, p.age_limit)
        subject_ref = child.ref
        adoption = False
    else:
        expected = facts.expected_child
        assert expected is not None  # guaranteed by EligibilityFacts
        born = False
        age = -1
        subject_ref = expected.ref
        adoption = expected.adoption

    # --- shared verdicts --------------------------------------------------------------
    j = facts.judgements
    serious = _judged(j.serious, as_of)
    long_term = _judged(j.long_term, as_of)
    composite = _judged(j.composite, as_of)
    coordinated = _judged(j.coordinated, as_of)
    if composite == _J_MET or coordinated == _J_MET:
        c4 = _J_MET
    elif composite == _J_NOT and coordinated == _J_NOT:
        c4 = _J_NOT
    else:
        c4 = _J_NONE

    needs = facts.needs
    listed = needs.services
    health = needs.health_and_care
    if health is None and not _HEALTH_KINDS.isdisjoint(listed):
        health = True
    welfare = needs.other_welfare
    if welfare is None and not _WELFARE_KINDS.isdisjoint(listed):
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
    k4 = "yes" if health else "no" if health is False else "not-mapped"

    # --- who consents -------------------------------------------------------------------
    guardians = facts.guardians
    in_care = facts.barnevern_has_care
    hm = p.health_majority

    def wish_reason(right: Right, party: str) -> str:
        field = _WISH_FIELD[right]
        if party in ("guardians", "expecting"):
            verdict = _guardians_verdict(guardians, field, party == "expecting")
        elif party == "barnevern":
            verdict = _single(getattr(facts.barnevern_wishes, field))
        elif party == "youth-and-guardians":
            verdict = _youth_and_guardians_verdict(
                _guardians_verdict(guardians, field, False), getattr(facts.child_wishes, field)
            )
        else:
            verdict = _single(getattr(facts.child_wishes, field))
        return f"{party}/{verdict}"

    if not born:
        health_party = "expecting"
    elif in_care and age < hm:
        health_party = "barnevern"
    elif age < hm:
        health_party = "guardians"
    elif age < p.majority:
        health_party = "youth"
    else:
        health_party = "adult"

    # --- koordinator and individuell plan ---------------------------------------------
    right_holder = "born" if born else "expected"
    ko_wish = cond[(_KO, Condition.WISH, wish_reason(_KO, health_party))]
    ko_conditions = (
        cond[(_KO, Condition.RIGHT_HOLDER, right_holder)],
        cond[(_KO, Condition.LONG_TERM_NEED, long_term)],
        cond[(_KO, Condition.COORDINATED_NEED, coordinated)],
        cond[(_KO, Condition.HEALTH_AND_CARE_SERVICES, k4)],
        ko_wish,
    )
    ko_outcome, ko_action, ko_follow = _right(T, _KO, ko_conditions, ko_wish)

    ip_wish = cond[(_IP, Condition.WISH, wish_reason(_IP, health_party))]
    ip_conditions = (
        cond[(_IP, Condition.RIGHT_HOLDER, right_holder)],
        cond[(_IP, Condition.LONG_TERM_NEED, long_term)],
        cond[(_IP, Condition.COORDINATED_NEED, coordinated)],
        cond[(_IP, Condition.HEALTH_AND_CARE_SERVICES, k4)],
        ip_wish,
    )
    ip_outcome, ip_action, ip_follow = _right(T, _IP, ip_conditions, ip_wish)
    if ip_action in (NextStep.OFFER, NextStep.DECLINED, NextStep.LEGAL_REVIEW):
        ip_follow.append(fus[(_IP, K.NO_PLAN_WITHOUT_CONSENT)])
    if ko_outcome is _MET and ip_action is NextStep.DECLINED:
        ko_follow.append(fus[(_KO, K.KOORDINATOR_WITHOUT_PLAN)])

    # --- barnekoordinator ---------------------------------------------------------------
    if not reform:
        bk_conditions: tuple[ConditionResult, ...] = (
            cond[(_BK, Condition.IN_FORCE, "not-in-force")],
        )
        bk_follow: list[FollowUp] = []
        bk_outcome, bk_action = _NOT, NextStep.NONE
        c7 = "under-limit"
    else:
        if not born:
            bk_party = "expecting"
            c7 = "expected"
        else:
            assert p.age_limit is not None  # in force with the reform
            if in_care and age < hm:
                bk_party = "barnevern"
            elif age < hm:
                bk_party = "guardians"
            elif age < p.age_limit:
                bk_party = "youth-and-guardians"
            else:
                bk_party = "adult"
            c7 = "under-limit" if age < p.age_limit else "reached-limit"
        c1 = "born" if born else "adoption" if adoption else "pregnancy"
        bk_wish = cond[(_BK, Condition.WISH, wish_reason(_BK, bk_party))]
        bk_conditions = (
            cond[(_BK, Condition.HAS_OR_EXPECTS_CHILD, c1)],
            cond[(_BK, Condition.SERIOUS_CONDITION, serious)],
            cond[(_BK, Condition.LONG_TERM_NEED, long_term)],
            cond[(_BK, Condition.COMPOSITE_OR_COORDINATED, c4)],
            cond[(_BK, Condition.HEALTH_AND_WELFARE_SERVICES, c5)],
            bk_wish,
            cond[(_BK, Condition.UNDER_AGE_LIMIT, c7)],
        )
        bk_outcome, bk_action, bk_follow = _right(T, _BK, bk_conditions, bk_wish)
        if bk_action is NextStep.APPOINT:
            if existing.koordinator:
                bk_follow.append(
                    fus[
                        (
                            _BK,
                            K.FILLS_KOORDINATOR_ROLE
                            if settings.barnekoordinator_fills_koordinator_role
                            else K.SEPARATE_KOORDINATOR,
                        )
                    ]
                )
            if existing.family_barnekoordinator and settings.one_barnekoordinator_per_family:
                bk_follow.append(fus[(_BK, K.LINK_FAMILY_BARNEKOORDINATOR)])
            if ip_action is NextStep.DECLINED:
                bk_follow.append(fus[(_BK, K.PLAN_PROGRESS_DORMANT)])
        if bk_action in (NextStep.NONE, NextStep.DECLINED):
            bk_follow.append(fus[(_BK, K.SAMORDNINGSPLIKT)])
        if c5 in ("no-welfare", "neither") and (ko_outcome is not _NOT or ip_outcome is not _NOT):
            bk_follow.append(fus[(_BK, K.ALTERNATIVES)])
        if c7 == "reached-limit":
            bk_follow.append(fus[(_BK, K.TRANSITION_AT_18)])
        elif ends_on is not None and bk_outcome is not _NOT:
            bk_follow.append(
                FollowUp(
                    kind=K.ENDS_AT_18,
                    basis=fus[(_BK, K.ENDS_AT_18)].basis,
                    text=fus[(_BK, K.ENDS_AT_18)].text,
                    due=ends_on,
                )
            )
        if adoption:
            bk_follow.append(fus[(_BK, K.GUIDANCE_BASED)])
        if existing.previous_municipality_barnekoordinator:
            bk_follow.append(fus[(_BK, K.MOVED_MUNICIPALITY)])
        if (
            bk_action in (NextStep.APPOINT, NextStep.OFFER)
            and settings.barnekoordinator_fills_koordinator_role
        ):
            ko_follow.append(fus[(_KO, K.COVERED_BY_BARNEKOORDINATOR)])

    # --- stafettlogg offer ----------------------------------------------------------------
    consent_age = settings.stafettlogg_consent_age
    bti_age_limit: int = getattr(settings, "stafettlogg_age_limit", 18)
    offers: bool = getattr(settings, "offers_stafettlogg", True)
    level = facts.bti_level
    if not born:
        sl_party, s3 = "expecting", "expected"
    else:
        if in_care and age < consent_age:
            sl_party = "barnevern"
        elif age < consent_age:
            sl_party = "guardians"
        elif age < p.majority:
            sl_party = "youth"
        else:
            sl_party = "adult"
        s3 = "within" if age < bti_age_limit else "above"
    statutory = (
        existing.barnekoordinator or existing.koordinator or existing.family_barnekoordinator
    )
    sl_wish = cond[(_SL, Condition.WISH, wish_reason(_SL, sl_party))]
    sl_conditions = (
        cond[(_SL, Condition.MUNICIPAL_PRACTICE, "offered" if offers else "not-offered")],
        cond[
            (
                _SL,
                Condition.BTI_LEVEL,
                "not-decided"
                if level is None
                else "at-or-above"
                if level >= settings.stafettlogg_from_level
                else "below",
            )
        ],
        cond[(_SL, Condition.TARGET_GROUP, s3)],
        cond[(_SL, Condition.NO_STATUTORY_COORDINATOR, "statutory" if statutory else "none")],
        sl_wish,
    )
    sl_outcome, sl_action, sl_follow = _right(T, _SL, sl_conditions, sl_wish)
    if statutory or _MET in (bk_outcome, ko_outcome, ip_outcome):
        sl_follow.append(fus[(_SL, K.STATUTORY_TAKES_PRECEDENCE)])

    # --- the case as a whole ----------------------------------------------------------------
    case: list[FollowUp] = []
    if not born:
        case.append(fus[(_CASE, K.REKEY_AFTER_BIRTH)])
    if facts.parental_risk_factors:
        case.append(fus[(_CASE, K.ORDINARY_FOLLOW_UP)])
    if born:
        if in_care and age < hm:
            case.append(fus[(_CASE, K.BARNEVERN_CONSENTS)])
        if not facts.child_heard and p.heard_from is not None and p.heard_from <= age < hm:
            great = p.great_weight_from is not None and age >= p.great_weight_from
            case.append(
                fus[(_CASE, K.CHILD_MUST_BE_HEARD_GREAT_WEIGHT if great else K.CHILD_MUST_BE_HEARD)]
            )
        if hm <= age < p.majority:
            case.append(fus[(_CASE, K.YOUTH_CONSENTS)])
            cw = facts.child_wishes
            if _D in (cw.barnekoordinator, cw.koordinator, cw.individual_plan, cw.stafettlogg):
                case.append(fus[(_CASE, K.NO_HEALTH_INFO_WITHOUT_YOUTH_CONSENT)])
        if age >= p.majority:
            case.append(fus[(_CASE, K.GUARDIAN_ACCESS_ENDS)])
    if reform:
        for kind in facts.services_declining_cooperation:
            case.append(T.escalations[kind])

    ex = T.explanations
    basis = T.basis
    return EligibilityResult(
        as_of=as_of,
        rules_version=T.version,
        subject_ref=subject_ref,
        barnekoordinator=RightResult(
            right=_BK,
            outcome=bk_outcome,
            action=bk_action,
            basis=basis[_BK],
            conditions=bk_conditions,
            follow_ups=tuple(bk_follow),
            explanation=ex[(_BK, bk_outcome, bk_action)],
            ends_on=ends_on if c7 != "expected" else None,
        ),
        koordinator=RightResult(
            right=_KO,
            outcome=ko_outcome,
            action=ko_action,
            basis=basis[_KO],
            conditions=ko_conditions,
            follow_ups=tuple(ko_follow),
            explanation=ex[(_KO, ko_outcome, ko_action)],
        ),
        individual_plan=RightResult(
            right=_IP,
            outcome=ip_outcome,
            action=ip_action,
            basis=basis[_IP],
            conditions=ip_conditions,
            follow_ups=tuple(ip_follow),
            explanation=ex[(_IP, ip_outcome, ip_action)],
        ),
        stafettlogg=RightResult(
            right=_SL,
            outcome=sl_outcome,
            action=sl_action,
            basis=basis[_SL],
            conditions=sl_conditions,
            follow_ups=tuple(sl_follow),
            explanation=ex[(_SL, sl_outcome, sl_action)],
        ),
        follow_ups=tuple(case),
    )


# --- dated rule sets (OpenFisca style: never edit an old one, add a new date) ---------------


def _rules_2012_01_01(
    facts: EligibilityFacts, as_of: date, settings: MunicipalSettings
) -> EligibilityResult:
    """Rules from hotl (1 Jan 2012) until the reform.

    No barnekoordinator (pbrl § 2-5 c and hotl § 7-2 a are not in force), no
    patient right to koordinator in pbrl § 2-5 b (only the municipality's duty in
    hotl § 7-2), no samordningsplikt or sector cooperation duties.
    """
    return _evaluate(_T2012, facts, as_of, settings, reform=False)


def _rules_2022_08_01(
    facts: EligibilityFacts, as_of: date, settings: MunicipalSettings
) -> EligibilityResult:
    """Rules from the 2022 reform (Prop. 100 L (2020–2021)), in force 1 August 2022.

    Adds the family's right to barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a), the
    patient's right to koordinator (pbrl § 2-5 b), the common IP regulation and the
    samarbeids- and samordningsplikt of the welfare laws.
    """
    return _evaluate(_T2022, facts, as_of, settings, reform=True)


_Rules = Callable[[EligibilityFacts, date, MunicipalSettings], EligibilityResult]

_RULES: Final[tuple[tuple[date, str, _Rules], ...]] = (
    (date(2012, 1, 1), "2012-01-01", _rules_2012_01_01),
    (date(2022, 8, 1), "2022-08-01", _rules_2022_08_01),
)

RULES_VERSIONS: Final[tuple[str, ...]] = tuple(version for _, version, _ in _RULES)
"""The dated rule sets, oldest first; a result names the one applied."""

_DEFAULT_SETTINGS: Final = MunicipalSettings()


def _select(as_of: date) -> tuple[str, _Rules]:
    if type(as_of) is not date:
        raise InvalidInput(f"as_of must be a datetime.date, got {type(as_of).__name__}")
    chosen: tuple[str, _Rules] | None = None
    for start, version, rules in _RULES:
        if as_of >= start:
            chosen = (version, rules)
    if chosen is None:
        raise InvalidInput(
            f"as_of {as_of.isoformat()} is before {_RULES[0][0].isoformat()} "
            "(helse- og omsorgstjenesteloven); earlier rules are not encoded"
        )
    return chosen


def rules_version(as_of: date) -> str:
    """The dated rule set :func:`assess` applies on ``as_of`` (e.g. ``"2022-08-01"``)."""
    return _select(as_of)[0]


def assess(
    facts: EligibilityFacts,
    *,
    as_of: date,
    settings: MunicipalSettings = _DEFAULT_SETTINGS,
) -> EligibilityResult:
    """Assess every right for ``facts`` on ``as_of`` under the municipality's ``settings``.

    Pure: no clock, no I/O, same answer for the same input. Raises
    :class:`~barnekoordinator.errors.InvalidInput` when ``as_of`` is not a date,
    is before 2012, or is before the child's birth date.
    """
    return _select(as_of)[1](facts, as_of, settings)


def _condition_result(
    version: str, right: Right, condition: Condition, reason: str
) -> ConditionResult:
    """The shared condition result of a rule set (for the wire format)."""
    try:
        return _TABLES[version].conditions[(right, condition, reason)]
    except KeyError:
        raise InvalidInput(
            f"rules {version!r} have no result {reason!r} for {right.value}/{condition.value}"
        ) from None


def _follow_up(version: str, scope: Right | None, kind: FollowUpKind) -> FollowUp:
    """The shared follow-up of a rule set (``scope=None`` for case-level ones)."""
    try:
        return _TABLES[version].follow_ups[(scope if scope is not None else _CASE, kind)]
    except KeyError:
        where = scope.value if scope is not None else "the case"
        raise InvalidInput(
            f"rules {version!r} have no follow-up {kind.value!r} for {where}"
        ) from None


# --- JSON (the converters live in the private wire module) ------------------------------------


def facts_to_json(facts: EligibilityFacts) -> dict[str, Any]:
    """The facts as a JSON-ready dict (``eligibility-facts.v1``; every field present)."""
    from barnekoordinator.rights.wire import facts_to_json as to_json

    return to_json(facts)


def facts_from_json(document: object) -> EligibilityFacts:
    """Validate and structure an ``eligibility-facts.v1`` document.

    Raises :class:`~barnekoordinator.errors.SchemaViolation` listing every problem
    with its JSON path.
    """
    from barnekoordinator.rights.wire import facts_from_json as from_json

    return from_json(document)


def result_to_json(result: EligibilityResult) -> dict[str, Any]:
    """The result as a JSON-ready dict (``eligibility-result.v1``)."""
    from barnekoordinator.rights.wire import result_to_json as to_json

    return to_json(result)


def result_from_json(document: object) -> EligibilityResult:
    """Validate and rebuild an ``eligibility-result.v1`` document (every problem listed)."""
    from barnekoordinator.rights.wire import result_from_json as from_json

    return from_json(document)

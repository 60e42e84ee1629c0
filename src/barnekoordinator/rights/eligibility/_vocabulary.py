"""The vocabulary of eligibility: the rights, outcomes, next steps, conditions, follow-ups, wishes.

Every enum's value is its stable wire name (``eligibility-result.v1``). The
members used as keys of the interned tables hash by identity, so the lookups on
the hot path of an assessment stay in C.

``WISH_FIELD`` (which `Wishes` attribute holds the wish for each right)
is internal to the eligibility package.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from barnekoordinator.texts import Text, text

__all__ = ["Condition", "FollowUpKind", "NextStep", "Outcome", "PlanLaw", "Right", "Wish"]


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
        """The `Wishes` attribute that holds the wish for this right."""
        return WISH_FIELD[self]


# A plain dict: the evaluator reads it for every right of every assessment.
WISH_FIELD: Final = {
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
    PLAN_LAW = "ip-plan-law"
    """Individuell plan: a need for services under a law that gives the right (issue 14)."""

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
        """The `Judgements` fields this condition reads (empty for pure facts)."""
        return _JUDGEMENT_INPUTS.get(self, ())


_JUDGEMENT_INPUTS: Final[Mapping[Condition, tuple[str, ...]]] = MappingProxyType(
    {
        Condition.SERIOUS_CONDITION: ("serious",),
        Condition.LONG_TERM_NEED: ("long_term",),
        Condition.COMPOSITE_OR_COORDINATED: ("composite", "coordinated"),
        Condition.COORDINATED_NEED: ("coordinated",),
    }
)


class PlanLaw(enum.Enum):
    """A law that gives the right to an individuell plan (domain.md §3.1); the value is the
    stable wire name. Whatever the law, there is one plan with the same nine content items."""

    # Members are singletons compared by identity (see Right).
    __hash__ = object.__hash__

    HEALTH = "health"
    """pbrl § 2-5 / hotl § 7-1: long-term and coordinated health and care services."""
    BARNEVERN = "barnevern"
    """barnevernsloven § 15-9 (from 1 January 2023): long-term and coordinated measures."""
    BARNEVERN_1992 = "barnevern-1992"
    """barnevernloven 1992 § 3-2 a (until 31 December 2022)."""
    NAV = "nav"
    """NAV-loven § 15: long-term and coordinated services from NAV."""
    SOCIAL_SERVICES = "social-services"
    """sosialtjenesteloven § 28: long-term and coordinated social services in NAV."""


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

    # Members are singletons compared by identity (see Right).
    __hash__ = object.__hash__

    WANTS = "wants"
    DECLINES = "declines"
    UNKNOWN = "unknown"
    """Not asked or not answered yet."""

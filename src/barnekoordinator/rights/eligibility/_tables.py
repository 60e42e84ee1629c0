"""The condition tables: every shared result value of one rule set, each made on first use.

An assessment never builds a
[`ConditionResult`][barnekoordinator.rights.eligibility.ConditionResult] or a plain
[`FollowUp`][barnekoordinator.rights.eligibility.FollowUp]: it looks the interned value up by key,
e.g. ``(Right.BARNEKOORDINATOR, Condition.SERIOUS_CONDITION, "judged-met")``. The values are
immutable, so every result shares them, and an assessment allocates only the handful of objects that
hold the answer (``benchmarks/bench_eligibility.py``).

A rule set's tables differ only by the legal basis its regime declares (see the
``_regime_*`` modules) and by the date it came into force: a reference is cited only from the
day it is in force (``LegalReference.in_force_from``), and a service declining to cooperate is
reminded of the duty in force on that day (``Service.cooperation_duty_on``; decision 48). Every
rule set interns the same keys, so a result document is read back against one uniform table; a
regime's evaluator uses only the keys it needs.

A rule set's keys are made on its tables' first use and each value the first time it is looked
up, then kept, so every lookup of a key returns the same value (a command assesses one family
and makes a few dozen of the tables' thousand values: decision 33).

Everything here is internal to the eligibility package.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Final, NamedTuple, TypeVar

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
J_NOT_BY_OTHER: Final = "judged-not-met-not-ke"
"""A professional judgement (C2 «alvorlig», C3 «langvarige», C4 «sammensatte eller
koordinerte», and «koordinerte» alone for koordinator and individuell plan) judged absent by
someone other than koordinerende enhet, which does not settle it (domain.md §2.2 «Engine
implication», §2.5, BK-08): it needs assessment by koordinerende enhet."""

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
WISH_VERDICTS: Final = (
    "wants",
    "declines",
    "unknown",
    "partial",
    "conflict",
    "youth-disagrees",
    "no-party",
)
"""The verdicts of the wish condition (C6): the second half of its reason."""
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

K = TypeVar("K")
V = TypeVar("V")


class Interned(Mapping[K, V]):
    """A read-only table whose values are made on first lookup, then kept: every lookup of a key
    returns the same value. ``makers`` gives each key the function that makes its value; it is
    called on the table's first use (a rule set no assessment uses costs nothing)."""

    __slots__ = ("_made", "_makers", "_recipe")

    def __init__(self, makers: Callable[[], Mapping[K, Callable[[], V]]]) -> None:
        self._recipe = makers
        self._makers: Mapping[K, Callable[[], V]] | None = None
        self._made: dict[K, V] = {}

    def _keys(self) -> Mapping[K, Callable[[], V]]:
        if self._makers is None:
            self._makers = self._recipe()  # two threads may both: the same keys and makers
        return self._makers

    def __getitem__(self, key: K) -> V:
        try:
            return self._made[key]
        except KeyError:
            make = self._keys()[key]  # KeyError: not a key of the table
        # setdefault: when two threads make the same value, both get the one kept.
        return self._made.setdefault(key, make())

    def __contains__(self, key: object) -> bool:
        return key in self._keys()

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


_ConditionTable = dict[tuple[Right, Condition, str], Callable[[], ConditionResult]]
_FollowUpTable = dict[tuple[object, FollowUpKind], Callable[[], FollowUp]]


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


_BUILT: dict[str, Tables] = {}


def tables(version: str) -> Tables:
    """The tables of the rule set ``version`` (declared by its regime module at import)."""
    return _BUILT[version]


def build_tables(
    in_force: date, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
) -> Tables:
    """The tables of every shared result value of the rule set in force from ``in_force``: the
    keys now, each value on its first lookup.

    Args:
        in_force: The date the regime came into force; the rule set's version is its ISO form.
            A rule set cites only references in force on it (a regime ends where the law
            changes, so they are in force on every date the rule set applies to).
        right_basis: The reference keys each right rests on in the regime.
        plan_consent_basis: The reference keys of consent to an individuell plan.

    Returns:
        The interned tables, read-only.
    """
    version = in_force.isoformat()
    built = _BUILT[version] = _make_tables(version, in_force, right_basis, plan_consent_basis)
    return built


def published_tables(
    version: str, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
) -> Tables:
    """The tables of the rule set ``version`` as first published, undated: every law that may
    give a plan cited, each service's undated ``cooperation_duty``. Only for reading back a
    document stored before its citations were dated (decision 48); never assessed with.
    """
    return _make_tables(version, None, right_basis, plan_consent_basis)


def _make_tables(
    version: str, on: date | None, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
) -> Tables:
    follow_ups = Interned(functools.partial(_follow_ups, on, right_basis, plan_consent_basis))
    return Tables(
        version=version,
        conditions=Interned(functools.partial(_conditions, on, right_basis, plan_consent_basis)),
        follow_ups=follow_ups,
        escalations=Interned(functools.partial(_escalations, on, follow_ups)),
        explanations=Interned(_explanations),
        basis=MappingProxyType({r: refs(*b) for r, b in right_basis.items()}),
        plan_grounds=MappingProxyType(PLAN_GROUNDS),
    )


def _in_force(
    on: date | None, keys: tuple[str, ...], otherwise: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """``keys`` in force on ``on`` (all of them when undated), or ``otherwise`` if none is."""
    if on is None:
        return keys
    since = [ref(k).in_force_from for k in keys]
    kept = tuple(k for k, d in zip(keys, since, strict=True) if d is None or d <= on)
    return kept or otherwise


def _conditions(
    on: date | None, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
) -> _ConditionTable:
    """Every condition result's key, with the function that makes it."""
    conditions: _ConditionTable = {}
    _barnekoordinator_conditions(conditions, right_basis[_BK])
    for right in (_KO, _IP):
        _health_right_conditions(conditions, right, right_basis[right])
    _stafettlogg_conditions(conditions, right_basis[_SL], on)
    # «No law gives a plan» cites the laws that could have given one: the regime's own.
    ip = right_basis[_IP]
    every = _PLAN_LAW_KEYS if on is None else tuple(k for k in _PLAN_LAW_KEYS if k in ip)
    _plan_law_conditions(conditions, every)
    _wish_conditions(conditions, plan_consent_basis)
    return conditions


def _add(
    table: _ConditionTable,
    right: Right,
    condition: Condition,
    reason: str,
    outcome: Outcome,
    basis: Iterable[str],
    facts: tuple[str, ...],
    explanation: Callable[[], Text],
) -> None:
    table[(right, condition, reason)] = functools.partial(
        _condition_result,
        right,
        condition,
        reason,
        outcome,
        tuple(dict.fromkeys(basis)),
        facts,
        explanation,
    )


def _condition_result(
    right: Right,
    condition: Condition,
    reason: str,
    outcome: Outcome,
    basis: tuple[str, ...],
    facts: tuple[str, ...],
    explanation: Callable[[], Text],
) -> ConditionResult:
    return ConditionResult(
        right=right,
        condition=condition,
        outcome=outcome,
        reason=reason,
        basis=refs(*basis),
        facts=facts,
        explanation=explanation(),
    )


def _joined(first: str, *rest: tuple[str | Text, str]) -> Text:
    """The text with key ``first`` followed by each ``(key or text, separator)``."""
    joined = text(first)
    for part, sep in rest:
        joined = joined.join(text(part) if isinstance(part, str) else part, sep)
    return joined


_Row = tuple[Condition, str, str, Outcome, tuple[str, ...], tuple[str, ...]]
"""``(condition, text key, reason, outcome, basis, facts)``: one interned condition result."""


def _add_rows(table: _ConditionTable, right: Right, rows: Iterable[_Row]) -> None:
    for condition, key, reason, outcome, basis, facts in rows:
        explanation = functools.partial(text, f"reason.{key}.{reason}")
        _add(table, right, condition, reason, outcome, basis, facts, explanation)


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
    # The child to be adopted, by its birth date: the born child's texts, its own facts.
    adoptee = ("expected_child.birth_date", "as_of")
    for reason, outcome, key in (
        ("adoptee-under-limit", _MET, "reason.c7.under-limit"),
        ("adoptee-reached-limit", _NOT, "reason.c7.reached-limit"),
    ):
        made = functools.partial(text, key)
        _add(table, _BK, c.UNDER_AGE_LIMIT, reason, outcome, age_basis, adoptee, made)
    # A negative judgement not made by koordinerende enhet (C2, C3, C4): the professional's
    # view, then the referral to koordinerende enhet (hotl § 7-3) for the assessment.
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
        _add_not_by_other(table, _BK, condition, key, basis, facts)


def _add_not_by_other(
    table: _ConditionTable,
    right: Right,
    condition: Condition,
    key: str,
    basis: tuple[str, ...],
    facts: tuple[str, ...],
) -> None:
    """The ``judged-not-met-not-ke`` row of a judgement condition: needs assessment, citing
    koordinerende enhet's responsibility (hotl § 7-3) and its author among the facts."""
    _add(
        table,
        right,
        condition,
        J_NOT_BY_OTHER,
        _NA,
        (*basis, "hotl-7-3"),
        facts,
        functools.partial(
            _joined, f"reason.{key}.judged-not-met", ("follow-up.professional-assessment", " ")
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
    for condition, key, facts in (
        (c.LONG_TERM_NEED, "c3", (*long_term, "judgements.long_term.author")),
        (c.COORDINATED_NEED, "coordinated", (*coordinated, "judgements.coordinated.author")),
    ):
        _add_not_by_other(table, right, condition, key, basis, facts)


def _stafettlogg_conditions(table: _ConditionTable, sl: tuple[str, ...], on: date | None) -> None:
    """S1–S4: municipal practice, BTI level, target group, no statutory coordinator in place."""
    c = Condition
    s1 = ("settings.offers_stafettlogg",)
    s2 = ("bti_level", "settings.stafettlogg_from_level")
    s3 = ("child.birth_date", "settings.stafettlogg_age_limit")
    s4 = ("existing.barnekoordinator", "existing.koordinator", "existing.family_barnekoordinator")
    statutory = (*sl, *_in_force(on, ("hotl-7-2", "hotl-7-2-a")))
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


_PLAN_LAW_KEYS: Final = (
    "pbrl-2-5",
    "hotl-7-1",
    "bvl-15-9",
    "bvl-1992-3-2-a",
    "navl-15",
    "sostjl-28",
)
"""The references of every law that gives (or gave) the right to an individuell plan."""


def _plan_law_conditions(table: _ConditionTable, every: tuple[str, ...]) -> None:
    """``ip-plan-law``: every combination of the laws that give the right, and none of them
    (``every``: the laws that could have given it)."""
    facts = ("needs.services", "needs.health_and_care", "needs.other_welfare")
    others = (PlanLaw.HEALTH, PlanLaw.NAV, PlanLaw.SOCIAL_SERVICES)
    end = Text(nb=".", nn=".", en=".")
    for size in range(len(others) + 1):
        for chosen in itertools.combinations(others, size):
            for child_welfare in (None, PlanLaw.BARNEVERN, PlanLaw.BARNEVERN_1992):
                laws = (*chosen, *((child_welfare,) if child_welfare else ()))
                if not laws:
                    continue
                grounds = [
                    (PLAN_GROUNDS[law].explanation, "; " if i else " ")
                    for i, law in enumerate(sorted(laws, key=lambda x: x.value))
                ]
                explanation = functools.partial(
                    _joined, "reason.ip-plan-law.met", *grounds, (end, "")
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
                    explanation,
                )
    for reason, outcome in (("none", _NOT), ("not-mapped", _NA)):
        explanation = functools.partial(text, f"reason.ip-plan-law.{reason}")
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
            for verdict in WISH_VERDICTS:
                explanation = functools.partial(
                    _joined, f"party.{party}", (f"verdict.{verdict}", ": ")
                )
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
    table[(scope, kind)] = functools.partial(
        _follow_up, kind, tuple(dict.fromkeys(basis)), key or f"follow-up.{kind.value}"
    )


def _follow_up(kind: FollowUpKind, basis: tuple[str, ...], key: str) -> FollowUp:
    return FollowUp(kind=kind, basis=refs(*basis), text=text(key))


def _follow_ups(
    on: date | None, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
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
    for scope, kind, basis in _specific_follow_ups(on, right_basis, plan_consent_basis):
        _fu(table, scope, kind, basis)
    return table


def _specific_follow_ups(
    on: date | None, right_basis: RightBasis, plan_consent_basis: tuple[str, ...]
) -> tuple[tuple[object, FollowUpKind, tuple[str, ...]], ...]:
    """``(scope, kind, basis)`` of the follow-ups that belong to one situation."""
    ip_consent = plan_consent_basis
    statutory = _in_force(on, ("bti-stafettlogg", "hotl-7-2", "hotl-7-2-a", "pbrl-2-5"))
    # Before the reform an expected child's case is BTI's (domain.md §2.6), not the family's right.
    rekey = _in_force(on, ("pbrl-2-5-c",), otherwise=("bti-stafettlogg",))
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
        (_SL, _K.STATUTORY_TAKES_PRECEDENCE, statutory),
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


def _escalations(
    on: date | None, follow_ups: Mapping[tuple[object, FollowUpKind], FollowUp]
) -> dict[ServiceKind, Callable[[], FollowUp]]:
    """One ``escalate-cooperation`` per service, citing that service's own cooperation duty in
    force on ``on`` (undated: the catalogue's ``cooperation_duty``)."""
    return {kind: functools.partial(_escalation, on, follow_ups, kind) for kind in SERVICES}


def _escalation(
    on: date | None, follow_ups: Mapping[tuple[object, FollowUpKind], FollowUp], kind: ServiceKind
) -> FollowUp:
    escalate = follow_ups[(CASE, _K.ESCALATE_COOPERATION)]
    s = SERVICES[kind]
    duty = s.cooperation_duty if on is None else s.cooperation_duty_on(on)
    return FollowUp(
        kind=_K.ESCALATE_COOPERATION,
        basis=(duty, *escalate.basis),
        text=escalate.text,
        service=kind,
    )


def _explanations() -> dict[tuple[Right, Outcome, NextStep], Callable[[], Text]]:
    """«<right>: <outcome>. <next step>.» for every combination, in nb, nn and en."""
    return {
        (right, outcome, action): functools.partial(_explanation, right, outcome, action)
        for right in Right
        for outcome in Outcome
        for action in NextStep
    }


def _explanation(right: Right, outcome: Outcome, action: NextStep) -> Text:
    appoint = action is NextStep.APPOINT
    key = f"action.{right.value}.appoint" if appoint else f"action.{action.value}"
    return right.label.join(outcome.label, ": ").join(text(key), ". ")

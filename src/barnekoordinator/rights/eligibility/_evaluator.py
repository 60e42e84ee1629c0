"""The evaluator: one assessment, from the facts to the result.

[`evaluate()`][barnekoordinator.rights.eligibility._evaluator.evaluate] is the hot path of
``assess``. It reads the facts once into reason codes (``"judged-met"``, ``"guardians/wants"``,
``"born"`` …): the judgements, the services, who consents and what they wish, the child's age
against the law's and the municipality's limits. Each right's result is then a pure function of
a few of those codes, shared by every family with the same ones
([`_rights`][barnekoordinator.rights.eligibility._rights], decision 0027); what is the child's
own (the subject, the date, the barnekoordinator's end date, the case's follow-ups) is added here.
What changed with the law is the regime's
([`Regime`][barnekoordinator.rights.eligibility._evaluator.Regime]): how the barnekoordinator is
assessed, and what follows when a service declines to cooperate.

Everything here is internal to the eligibility package.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from datetime import date, timedelta
from typing import Final, NamedTuple, TypeVar

from barnekoordinator._who_consents import (
    BARNEVERN,
    ConsentingParty,
    ConsentPurpose,
    ConsentRule,
    birthday,
    who_consents,
)
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import parameter, ref
from barnekoordinator.rights.eligibility._facts import (
    HEALTH_KINDS,
    WELFARE_KINDS,
    Author,
    EligibilityFacts,
    GuardianFacts,
    Judgements,
    Needs,
    Wishes,
)
from barnekoordinator.rights.eligibility._results import (
    EligibilityResult,
    FollowUp,
    unchecked_eligibility_result,
)
from barnekoordinator.rights.eligibility._rights import (
    BarnekoordinatorRule,
    barnekoordinator_result,
    dated,
    health_right,
    koordinator_result,
    plan_result,
    stafettlogg_result,
)
from barnekoordinator.rights.eligibility._tables import (
    CASE,
    J_MET,
    J_NONE,
    J_NOT,
    J_NOT_BY_OTHER,
    WISH_VERDICTS,
    Tables,
    plan_law_reason,
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

_MET = Outcome.MET
_BK, _KO, _IP, _SL = (
    Right.BARNEKOORDINATOR,
    Right.KOORDINATOR,
    Right.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG,
)
_W, _D = Wish.WANTS, Wish.DECLINES
_K = FollowUpKind
_HEALTH_NEED = Condition.HEALTH_AND_CARE_SERVICES


class Params(NamedTuple):
    """The legal parameters in force on one date (``None``: not in force)."""

    as_of: date
    age_limit: int | None
    health_majority: int
    majority: int
    heard_from: int | None
    great_weight_from: int | None
    due_from: date
    """The earliest due date of a pregnancy still expected on ``as_of`` (``OVERDUE_AT_MOST``)."""
    due_until: date
    """The latest due date of a pregnancy on ``as_of`` (``DUE_AT_MOST``)."""


DUE_AT_MOST: Final = timedelta(days=300)
"""How far after ``as_of`` a pregnancy's due date may be: 300 days, about ten months. A
pregnancy lasts 280 days (40 weeks) from the last menstruation, and is known some weeks after
it; the margin covers a due date set early and corrected later. A date further ahead is not a
pregnancy (domain.md §2.6: «venter barn»)."""
OVERDUE_AT_MOST: Final = timedelta(days=28)
"""How long after its due date a pregnancy is still assessed as one: 28 days. Birth is induced
by 42 weeks (two weeks after the due date); the rest is time to record the birth. After that
the child is born and the facts must say so (a ``child`` with its birth date, domain.md §2.6:
the case is re-keyed after birth; §2.7: the right ends at 18, counted from the birth)."""


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
        InvalidInput: The child's birth date is after ``as_of``, or a pregnancy's due date is
            not a due date on ``as_of`` (see ``subject``).
    """
    T = regime.tables
    version = T.version
    p = params(as_of)
    subject_ref, born, age, ends_on = subject(facts, as_of, p)
    serious, long_term, coordinated, c4 = judgement_verdicts(facts.judgements, as_of)
    c5, health, plan_reason, laws = read_needs(facts.needs, as_of)
    bk_wish, ko_wish, ip_wish, sl_wish = wishes(facts, settings, p, subject_ref, born, age)
    c1, c7, target = _child(facts, settings, p, born, age)
    existing = facts.existing
    # The rights in the order they read each other (see _rights): plan, koordinator's outcome,
    # barnekoordinator, koordinator's follow-ups, stafettlogg.
    ip = plan_result(version, born, long_term, coordinated, plan_reason, laws, ip_wish)
    ko_outcome = health_right(
        version, _KO, born, long_term, coordinated, _HEALTH_NEED, health, ko_wish
    )[1]
    bk = barnekoordinator_result(
        version,
        regime.barnekoordinator,
        c1,
        serious,
        long_term,
        c4,
        c5,
        bk_wish,
        c7,
        ends_on is not None,
        existing.koordinator,
        existing.family_barnekoordinator,
        existing.previous_municipality_barnekoordinator,
        ko_outcome,
        ip.outcome,
        ip.action,
        settings.barnekoordinator_fills_koordinator_role,
        settings.one_barnekoordinator_per_family,
    )
    ko = koordinator_result(
        version,
        born,
        long_term,
        coordinated,
        health,
        ko_wish,
        ip.action is NextStep.DECLINED,
        bk.covers_koordinator,
    )
    sl = stafettlogg_result(
        version,
        getattr(settings, "offers_stafettlogg", True),
        _bti_level(facts.bti_level, settings),
        target,
        existing.barnekoordinator or existing.koordinator or existing.family_barnekoordinator,
        sl_wish,
        _MET in (bk.result.outcome, ko.outcome, ip.outcome),
    )
    case = case_follow_ups(T, facts, p, born, age)
    regime.cooperation(T, facts, case)
    return unchecked_eligibility_result(
        as_of,
        version,
        subject_ref,
        bk.result if ends_on is None else dated(version, bk, ends_on),
        ko,
        ip,
        sl,
        tuple(case),
    )


# --- the child, and the shared verdicts ------------------------------------------------------


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
        due_from=as_of - OVERDUE_AT_MOST,
        due_until=as_of + DUE_AT_MOST,
    )


def subject(facts: EligibilityFacts, as_of: date, p: Params) -> tuple[str, bool, int, date | None]:
    """Who the facts are about on ``as_of``.

    Returns:
        The subject's reference, whether the child is born, its age (``-1`` before
        birth and for a child to be adopted whose birth date is not given; the age of a child
        to be adopted whose birth date is given, which decides who consents from 16 and
        whether the child must be heard) and the day the barnekoordinator right ends (its
        18th birthday, or ``None`` for a child not yet born, an adoption with no birth date
        given, or before the reform).

    Raises:
        InvalidInput: The child's, or the child to be adopted's, birth date is after ``as_of``;
            or a pregnancy's ``expected_date`` is more than ``DUE_AT_MOST`` after ``as_of``
            (not a pregnancy) or more than ``OVERDUE_AT_MOST`` before it (the child is born:
            record the birth). The expected date of an adoption is not checked: an adoption's
            date is the authorities' estimate and often moves, and the child's age is read from
            its ``birth_date``.
    """
    child = facts.child
    if child is None:
        expected = facts.expected_child
        assert expected is not None  # guaranteed by EligibilityFacts
        adoptee = expected.birth_date  # only an adoption has one (EligibilityFacts)
        if adoptee is None:
            if not expected.adoption:
                _check_due(expected.expected_date, p)
            return expected.ref, False, -1, None
        if adoptee > as_of:
            raise InvalidInput(
                "expected_child.birth_date is after as_of: the child to be adopted must be born"
            )
        ends_on = _birthday(adoptee, p.age_limit) if p.age_limit is not None else None
        on = as_of
        years = on.year - adoptee.year - ((on.month, on.day) < (adoptee.month, adoptee.day))
        return expected.ref, False, years, ends_on
    if child.birth_date > as_of:
        raise InvalidInput(
            "child.birth_date is after as_of: a child not yet born is an expected_child"
        )
    born_on = child.birth_date
    # Completed years, as people.age_on counts them (a 29 February birthday is reached on
    # 1 March), without its two calls; a property test holds the two equal.
    age = as_of.year - born_on.year - ((as_of.month, as_of.day) < (born_on.month, born_on.day))
    ends_on = _birthday(born_on, p.age_limit) if p.age_limit is not None else None
    return child.ref, True, age, ends_on


def _check_due(due: date, p: Params) -> None:
    """Refuse a pregnancy's due date that is not one on ``p.as_of`` (see ``subject``)."""
    if due > p.due_until:
        raise InvalidInput(
            f"expected_child.expected_date is more than {DUE_AT_MOST.days} days after as_of: "
            "a pregnancy's due date is at most about ten months ahead"
        )
    if due < p.due_from:
        raise InvalidInput(
            f"expected_child.expected_date is more than {OVERDUE_AT_MOST.days} days before "
            "as_of: the child is born; record the birth (child with its birth_date)"
        )


_birthday: Final = functools.lru_cache(maxsize=1 << 15)(birthday)
"""``people.birthday``, shared by the children born the same day."""


def _child(
    facts: EligibilityFacts, settings: MunicipalSettings, p: Params, born: bool, age: int
) -> tuple[str, str, str]:
    """The reasons of C1, C7 (``""`` before the reform) and the stafettlogg's S3.

    C7 of a child to be adopted is its age when its birth date is given («barn under 18 år»),
    otherwise ``expected`` (met: the limit counts from a birth not yet known).
    """
    limit = p.age_limit
    if not born:
        expected = facts.expected_child
        assert expected is not None  # guaranteed by EligibilityFacts
        c1 = "adoption" if expected.adoption else "pregnancy"
        adoptee = expected.birth_date
        if limit is None or adoptee is None:
            return c1, "" if limit is None else "expected", "expected"
        on = p.as_of
        years = on.year - adoptee.year - ((on.month, on.day) < (adoptee.month, adoptee.day))
        return c1, "adoptee-under-limit" if years < limit else "adoptee-reached-limit", "expected"
    bti_age_limit: int = getattr(settings, "stafettlogg_age_limit", 18)
    c7 = "" if limit is None else "under-limit" if age < limit else "reached-limit"
    return "born", c7, "within" if age < bti_age_limit else "above"


def _bti_level(level: int | None, settings: MunicipalSettings) -> str:
    """The reason of the stafettlogg's S2."""
    if level is None:
        return "not-decided"
    return "at-or-above" if level >= settings.stafettlogg_from_level else "below"


_KE_ROLES: Final = frozenset({"koordinerende enhet", "koordinerende-enhet", "ke"})
"""The roles that name koordinerende enhet, compared case-folded (``ke`` is its usual short
form)."""


def is_koordinerende_enhet(author: Author) -> bool:
    """Whether ``author`` judged as koordinerende enhet: the service says so, or, with no
    service given, the role does. A service given decides: a ``"koordinerende enhet"`` role in
    a school is the school's judgement."""
    if author.service is not None:
        return author.service is ServiceKind.KOORDINERENDE_ENHET
    return author.role.strip().casefold() in _KE_ROLES


def judgement_verdicts(j: Judgements, as_of: date) -> tuple[str, str, str, str]:
    """The verdicts on «alvorlig», «langvarige», «koordinerte», and C4.

    A judgement missing, or made after ``as_of`` (it did not exist yet), is ``not-assessed``;
    otherwise its conclusion counts. (Written out four times rather than as a helper: this runs
    for every family, and a call would cost as much as the test it makes.)
    No condition that is a professional judgement (C2 «alvorlig», C3 «langvarige», C4
    «sammensatte eller koordinerte») is refused on someone else's word: a negative judgement
    counts only when koordinerende enhet made it (domain.md §2.2 «Engine implication», §2.5,
    BK-08); anyone else's is ``judged-not-met-not-ke``, which needs assessment. A positive
    judgement counts whoever made it.
    C4 is «sammensatte *eller* koordinerte»: one judged present is enough, both judged absent
    by koordinerende enhet fail it, both judged absent with one of them by someone else needs
    assessment by koordinerende enhet, anything else needs assessment.
    """
    x = j.serious
    serious = J_NONE if x is None or x.assessed_on > as_of else J_MET if x.conclusion else J_NOT
    if serious is J_NOT and x is not None and not is_koordinerende_enhet(x.author):
        serious = J_NOT_BY_OTHER
    x = j.long_term
    long_term = J_NONE if x is None or x.assessed_on > as_of else J_MET if x.conclusion else J_NOT
    if long_term is J_NOT and x is not None and not is_koordinerende_enhet(x.author):
        long_term = J_NOT_BY_OTHER
    x = j.composite
    composite = J_NONE if x is None or x.assessed_on > as_of else J_MET if x.conclusion else J_NOT
    if composite is J_NOT and x is not None and not is_koordinerende_enhet(x.author):
        composite = J_NOT_BY_OTHER
    x = j.coordinated
    coordinated = J_NONE if x is None or x.assessed_on > as_of else J_MET if x.conclusion else J_NOT
    if coordinated is J_NOT and x is not None and not is_koordinerende_enhet(x.author):
        coordinated = J_NOT_BY_OTHER
    if composite is J_MET or coordinated is J_MET:
        c4 = J_MET
    elif composite is J_NOT and coordinated is J_NOT:
        c4 = J_NOT
    elif composite is not J_NONE and coordinated is not J_NONE:
        c4 = J_NOT_BY_OTHER  # both judged absent, one of them not by koordinerende enhet
    else:
        c4 = J_NONE
    return serious, long_term, coordinated, c4


NeedsVerdicts = tuple[str, str, str, tuple[PlanLaw, ...]]
"""C5, the need for health and care services, the ``ip-plan-law`` reason and the plan laws."""

_SERVICE_BITS: Final = {
    kind.name: (
        (1 if kind in HEALTH_KINDS else 0)
        | (2 if kind in WELFARE_KINDS else 0)
        | (4 if kind is ServiceKind.BARNEVERN else 0)
        | (8 if kind is ServiceKind.NAV_STAT else 0)
        | (16 if kind is ServiceKind.NAV_KOMMUNE else 0)
    )
    for kind in ServiceKind
}
"""What ``needs_verdicts`` and ``plan_laws`` read of each service: its sector, and whether it is
one of the services that give a plan."""
_NEEDS: dict[tuple[object, ...], NeedsVerdicts] = {}
"""The needs verdicts by what they are read from (at most 576 keys: 3 × 3 × 32 × 2)."""

_K_ = TypeVar("_K_")
_V_ = TypeVar("_V_")


def _share(table: dict[_K_, _V_], key: _K_, value: _V_, limit: int) -> _V_:
    """Keep ``value`` under ``key`` in a memo table of at most ``limit`` entries, starting the
    table again when it is full: memory stays bounded whatever the input (the limits are far
    above what a municipality's families produce: see decision 0027)."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


def read_needs(needs: Needs, as_of: date) -> NeedsVerdicts:
    """``needs_verdicts`` and ``plan_laws`` of ``needs``, shared by what they read.

    They read only whether a sector, or one of the services that give a plan, is listed;
    finding that out is a handful of membership tests, the rest is looked up.
    """
    listed = needs.services
    assert _BVL_2021 is not None  # the reference carries its date in force
    # One bit per thing read: a sector listed, or a service that gives a plan. Looked up by the
    # member's name (a str caches its hash), which is what an enum member's Python-level
    # __hash__ would hash anyway.
    listed_bits = 0
    for kind in listed:
        listed_bits |= _SERVICE_BITS[kind._name_]
    key = (needs.health_and_care, needs.other_welfare, listed_bits, as_of >= _BVL_2021)
    found = _NEEDS.get(key)
    if found is None:
        c5, health = needs_verdicts(needs)
        plan_reason, laws = plan_laws(needs, health, as_of)
        found = _share(_NEEDS, key, (c5, health, plan_reason, laws), 1024)
    return found


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


# --- who consents, and what they wish -----------------------------------------------------

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


class WishRule(NamedTuple):
    """Whose wishes a right's wish condition combines, by position rather than by ref."""

    field: str
    """The `Wishes` attribute for the right."""
    party: ConsentingParty
    guardians: tuple[int, ...]
    """Positions in ``facts.guardians`` of the guardians among the consenters."""
    barnevern: bool
    youth: bool


_REASONS: Final = {
    party: {verdict: f"{party.value}/{verdict}" for verdict in WISH_VERDICTS}
    for party in ConsentingParty
}
"""``"<party>/<verdict>"``, formatted once: every result shares the strings."""


def wish_rule(
    right: Right, rule: ConsentRule, guardians: tuple[GuardianFacts, ...], subject_ref: str
) -> WishRule:
    """The wishes that count for ``right`` under ``rule``: exactly the refs in ``rule`` (the same
    refs the case's consent ledger requires): guardians by their ref, the child by the subject's
    ref, barnevernstjenesten by ``BARNEVERN``."""
    needed = rule.consenters
    return WishRule(
        field=WISH_FIELD[right],
        party=rule.party,
        guardians=tuple(i for i, g in enumerate(guardians) if g.ref in needed),
        barnevern=BARNEVERN in needed,
        youth=subject_ref in needed,
    )


def wish_reason(
    rule: WishRule, guardians: tuple[GuardianFacts, ...], child: Wishes, barnevern: Wishes
) -> str:
    """The wish condition's reason: ``"<party>/<verdict>"``, combining the wishes ``rule`` names."""
    field = rule.field
    parents = [getattr(guardians[i].wishes, field) for i in rule.guardians]
    if rule.barnevern:
        parents.append(getattr(barnevern, field))
    youth: Wish | None = getattr(child, field) if rule.youth else None
    if rule.party is ConsentingParty.YOUTH_AND_GUARDIANS:
        verdict = _youth_and_guardians(_combine(parents), youth or Wish.UNKNOWN)
    elif youth is not None:
        parents.append(youth)
        verdict = _combine(parents)
    else:
        verdict = _combine(parents)
    return _REASONS[rule.party][verdict]


WishRules = tuple[WishRule, WishRule, WishRule, WishRule]
"""The wish rules of barnekoordinator, koordinator, individuell plan and stafettlogg."""
WishReasons = tuple[str, str, str, str]


class _Consent(NamedTuple):
    """One consent situation: the wish rules, which parties' wishes they read, and the reasons
    they give by those wishes (shared by every family in the situation)."""

    rules: WishRules
    pick: Callable[[list[Wishes]], object]
    """The wishes the rules read, from ``[child, barnevern, *guardians]`` (the reasons' key)."""
    reasons: dict[object, WishReasons]


def _consent(rules: WishRules) -> _Consent:
    """The consent situation of ``rules``, one object for all the ages and dates that give them
    (interned, so their families share the reasons)."""
    consent = _BY_RULES.get(rules)
    if consent is None:
        read = sorted(
            {0 for r in rules if r.youth}
            | {1 for r in rules if r.barnevern}
            | {2 + i for r in rules for i in r.guardians}
        )
        # itemgetter picks in C: one position gives the Wishes itself, several a tuple.
        pick: Callable[[list[Wishes]], object] = operator.itemgetter(*read) if read else _no_wishes
        consent = _share(_BY_RULES, rules, _Consent(rules, pick, {}), 256)
    return consent


def _no_wishes(parties: list[Wishes]) -> object:
    return ()


_BY_RULES: dict[WishRules, _Consent] = {}


def _wish_rules(
    facts: EligibilityFacts, settings: MunicipalSettings, p: Params, born: bool, age: int
) -> WishRules:
    subject_ref, guardians = facts.subject_ref, facts.guardians
    # who_consents answers koordinator and individuell plan alike (both are health matters and
    # coordination); ask once.
    plan = consent_rule(facts, _IP, settings, p, born, age)
    return (
        wish_rule(_BK, consent_rule(facts, _BK, settings, p, born, age), guardians, subject_ref),
        wish_rule(_KO, plan, guardians, subject_ref),
        wish_rule(_IP, plan, guardians, subject_ref),
        wish_rule(_SL, consent_rule(facts, _SL, settings, p, born, age), guardians, subject_ref),
    )


def _reasons(rules: WishRules, facts: EligibilityFacts) -> WishReasons:
    guardians, child, barnevern = facts.guardians, facts.child_wishes, facts.barnevern_wishes
    bk, ko, ip, sl = rules
    return (
        wish_reason(bk, guardians, child, barnevern),
        wish_reason(ko, guardians, child, barnevern),
        wish_reason(ip, guardians, child, barnevern),
        wish_reason(sl, guardians, child, barnevern),
    )


_SITUATIONS: dict[int, tuple[MunicipalSettings, dict[tuple[object, ...], _Consent]]] = {}
"""Consent situations by ``id(settings)`` (identity is a C-level hash, where the settings' own
hash walks all their fields; an entry keeps its settings alive, so the id is not reused while it
is here), then by who the family is (see ``wishes``)."""


def _situations(settings: MunicipalSettings) -> dict[tuple[object, ...], _Consent]:
    entry = _SITUATIONS.get(id(settings))
    if entry is not None and entry[0] is settings:
        return entry[1]
    if len(_SITUATIONS) >= 64:  # settings built per call: start again rather than grow
        _SITUATIONS.clear()
    table: dict[tuple[object, ...], _Consent] = {}
    _SITUATIONS[id(settings)] = (settings, table)
    return table


def wishes(
    facts: EligibilityFacts,
    settings: MunicipalSettings,
    p: Params,
    subject_ref: str,
    born: bool,
    age: int,
) -> WishReasons:
    """The wish reasons of the four rights, shared in two steps.

    Who consents (``who_consents``) reads the refs only to match them: each guardian's, the
    subject's and ``BARNEVERN``. When those are all distinct (a guardian's ref is never another
    guardian's), the wish rules are the same for every family with the same date, age, adoption,
    care order and guardians' foreldreansvar and relation in the same order. Equal rules are one
    consent situation, in which the reasons depend only on the wishes the rules read (a `Wishes`
    hashes its value once). A family whose refs coincide is answered on its own.
    """
    guardians = facts.guardians
    expected = facts.expected_child
    key: list[object] = [p.as_of, age, expected is not None and expected.adoption]
    key.append(facts.barnevern_has_care)
    parties: list[Wishes] = [facts.child_wishes, facts.barnevern_wishes]
    for g in guardians:
        if g.ref == subject_ref or g.ref == BARNEVERN:
            return _reasons(_wish_rules(facts, settings, p, born, age), facts)
        key.append(g.parental_responsibility)
        key.append(g.relation)
        parties.append(g.wishes)
    if subject_ref == BARNEVERN:
        return _reasons(_wish_rules(facts, settings, p, born, age), facts)
    table = _situations(settings)
    consent = table.get(situation := tuple(key))
    if consent is None:
        rules = _wish_rules(facts, settings, p, born, age)
        consent = _share(table, situation, _consent(rules), 4096)
    found = consent.reasons.get(wished := consent.pick(parties))
    if found is None:
        found = _share(consent.reasons, wished, _reasons(consent.rules, facts), 1024)
    return found


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


# --- the case ------------------------------------------------------------------------------


def case_follow_ups(
    T: Tables, facts: EligibilityFacts, p: Params, born: bool, age: int
) -> list[FollowUp]:
    """What follows for the child and the case as a whole: birth, consent, being heard, age.

    A child to be adopted whose birth date is given (``age`` is not ``-1``) is heard and
    consents by its age like a born child; barnevern's consent is not read for it (before 16
    the expecting parents consent, ``who_consents``).
    """
    fus = T.follow_ups
    case: list[FollowUp] = []
    if not born:
        case.append(fus[(CASE, _K.REKEY_AFTER_BIRTH)])
    if facts.parental_risk_factors:
        case.append(fus[(CASE, _K.ORDINARY_FOLLOW_UP)])
    if not born and age < 0:
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

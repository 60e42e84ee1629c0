"""People in a case: the child (born or expected), guardians, professionals.

Age is always computed from the **registered birth date** (Folkeregisteret),
never parsed from the identifier: D-numbers and post-2032 numbers need not
encode the true birth date (domain.md §6.3 rule 2, §8).

Birthdays on 29 February — one documented convention (domain.md BK-15): in a
year without 29 February, the birthday falls on **1 March**. A child born
29.02.2008 is therefore 17 on 28.02.2026 and 18 on 01.03.2026. We pick 1 March
because it never ends a child's rights before a full number of years has passed
(the child has not lived the day "29 February 2026" until 28 February is over).

Who consents — one rule for the whole library (decision 15):
[`who_consents()`][barnekoordinator.people.who_consents] answers, for one purpose and one
family on one day, whose consent (or wish) is needed. Eligibility
([`assess()`][barnekoordinator.rights.eligibility.assess]) and the case's consent ledger
([`required_consenters()`][barnekoordinator.access.consent.required_consenters]) both call it,
so they cannot disagree. It is a pure function of plain values:

==========================  ==============================================================
situation                   whose consent is needed
==========================  ==============================================================
expected child,             the expecting parents: those who will hold foreldreansvar and
barnekoordinator            the pregnant woman (hotl § 7-2 a «foreldrene»)
expected child, anything    the pregnant woman (stafettlogg in pregnancy, domain.md §7.6;
else (pregnancy)            her own health information); in an adoption the expecting parents
from 18                     the adult alone
stafettlogg                 the young person from the municipality's age (15 or 16), else the
                            guardians with foreldreansvar
health care                 the young person from 16 (pbrl § 4-3 b); barnevern after a care
                            order (pbrl § 4-5); else the guardians
sharing, health section     the young person from 16; else the guardians
sharing, other sections     the guardians with foreldreansvar until 18 (foreldreansvar lasts
                            to 18, domain.md §2.7, §6.2, §6.3 rule 6)
individuell plan,           the young person from 16; under a care order barnevern
koordinator                 (setting ``care_order_consent_to_coordination``); else the
                            guardians
barnekoordinator, 16–17     by the setting ``barnekoordinator_consent_16_17`` (BK-16, legal
                            review): guardians and youth (default), guardians, or youth
==========================  ==============================================================
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from datetime import date
from typing import Final, NamedTuple, Protocol

import attrs

from barnekoordinator.config import MunicipalSettings, YouthBarnekoordinatorConsent
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.legal_basis import parameter
from barnekoordinator.services import SERVICES, Level, ServiceKind

__all__ = [
    "BARNEVERN",
    "Child",
    "ConsentPurpose",
    "ConsentRule",
    "ConsentingParty",
    "ExpectedChild",
    "Guardian",
    "GuardianRelation",
    "Professional",
    "ProviderKind",
    "Section",
    "age_on",
    "birthday",
    "may_be_barnekoordinator",
    "who_consents",
]

BARNEVERN: Final = "barnevernstjenesten"
"""The consenter ref used when barnevernstjenesten has taken over care (pbrl § 4-5)."""


def birthday(birth_date: date, years: int) -> date:
    """The day a person born on ``birth_date`` turns ``years`` (29 Feb → 1 Mar)."""
    year = birth_date.year + years
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a year without it
        return date(year, 3, 1)


def age_on(birth_date: date, as_of: date) -> int:
    """Completed years on ``as_of`` (the birthday itself counts as reached)."""
    if as_of < birth_date:
        raise InvalidInput("as_of is before the birth date; age is undefined")
    years = as_of.year - birth_date.year
    if as_of < birthday(birth_date, years):
        years -= 1
    return years


@attrs.frozen(kw_only=True)
class Child:
    """A born child. ``ref`` is the case-local id used in events (never a national id)."""

    ref: str
    birth_date: date
    """As registered in Folkeregisteret; the only source of the child's age."""
    person_id: PersonId | None = None
    name: str = attrs.field(default="", repr=False)

    def age_on(self, as_of: date) -> int:
        """Completed years on ``as_of``."""
        return age_on(self.birth_date, as_of)

    def turns(self, years: int) -> date:
        """The day the child turns ``years``."""
        return birthday(self.birth_date, years)


@attrs.frozen(kw_only=True)
class ExpectedChild:
    """A child not yet born (or not yet arrived by adoption): no identifier.

    The case is later re-keyed to the born child without losing history
    (domain.md §2.6).
    """

    ref: str
    expected_date: date
    adoption: bool = False
    """An approved adoption in progress (treated as «venter barn», guidance-based)."""


class GuardianRelation(enum.Enum):
    """How a guardian is related to the child."""

    MOTHER = "mother"
    FATHER = "father"
    CO_MOTHER = "co-mother"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Guardian:
    """A parent or other carer. Guardian *rights* follow foreldreansvar, not parenthood.

    A parent without foreldreansvar has only the limited right to information of
    barneloven § 47 (domain.md §6.3 rule 3).
    """

    ref: str
    relation: GuardianRelation
    parental_responsibility: bool
    """Foreldreansvar: the basis for consenting on the child's behalf and for access."""
    daily_care: bool = True
    """Daglig omsorg; kept separately from foreldreansvar."""
    person_id: PersonId | None = None
    name: str = attrs.field(default="", repr=False)


class ProviderKind(enum.Enum):
    """Who a professional works for (domain.md §5.1)."""

    PUBLIC = "public"
    """The municipal, county or state service itself."""
    PRIVATE_ON_BEHALF = "private-on-behalf"
    """A private provider delivering the service on the public service's behalf (by agreement,
    hotl § 3-1); a «tjenesteyter» of the cooperation clauses."""
    PRIVATE = "private"
    """Privately engaged (e.g. a consultant the family pays): not a tjenesteyter of the
    cooperation clauses, never «en av tjenesteyterne i kommunen»."""


@attrs.frozen(kw_only=True)
class Professional:
    """A service provider's employee acting in a case (``ref`` is an opaque actor id).

    ``service`` is the kind of service delivered; ``provider`` says whether the
    professional works for that public service, for a private provider on its
    behalf, or privately (``organisation`` is then the private employer).
    """

    ref: str
    service: ServiceKind
    organisation: Organisasjonsnummer
    title: str = ""
    hpr: HprNummer | None = None
    name: str = attrs.field(default="", repr=False)
    provider: ProviderKind = ProviderKind.PUBLIC

    @property
    def is_municipal(self) -> bool:
        """True when the professional works in a municipal service itself (not privately)."""
        return (
            SERVICES[self.service].level is Level.MUNICIPAL and self.provider is ProviderKind.PUBLIC
        )


def may_be_barnekoordinator(professional: Professional, settings: MunicipalSettings) -> str | None:
    """Why ``professional`` may not be appointed barnekoordinator, or ``None`` if they may.

    The barnekoordinator is «en av tjenesteyterne i kommunen» (hotl § 7-2 a): a
    municipal service's own employee; a private provider delivering the
    municipality's services on its behalf only where the municipality's setting
    ``private_provider_may_be_barnekoordinator`` allows it (legal review); a
    privately engaged professional, or a county or state service, never.
    """
    service = SERVICES[professional.service]
    if service.level is not Level.MUNICIPAL:
        return (
            f"{service.name_nb} is a {service.level.value} service, not one of the municipality's "
            "own service providers (hotl § 7-2 a)"
        )
    if professional.provider is ProviderKind.PRIVATE:
        return (
            "a privately engaged professional is not one of the municipality's service providers "
            "(hotl § 7-2 a; «tjenesteytere», Prop. 100 L (2020–2021) kap. 13)"
        )
    if (
        professional.provider is ProviderKind.PRIVATE_ON_BEHALF
        and not settings.private_provider_may_be_barnekoordinator
    ):
        return (
            "a private provider acting on the municipality's behalf is not accepted as "
            "barnekoordinator by this municipality's settings "
            "(private_provider_may_be_barnekoordinator; hotl § 7-2 a, legal review)"
        )
    return None


# --- who consents: one rule (decision 15) ----------------------------------------------


class ConsentPurpose(enum.Enum):
    """What a consent (or wish) is for. Sharing and care are different purposes."""

    # Members are singletons compared by identity; the identity hash is a C slot, so the
    # membership tests on eligibility's hot path avoid Enum's Python-level __hash__.
    __hash__ = object.__hash__

    STAFETTLOGG = "stafettlogg"
    """Opening and keeping a BTI stafettlogg shared by the named services."""
    INDIVIDUAL_PLAN = "individual-plan"
    """That an individuell plan is prepared (IP content item 8)."""
    SHARE_INFORMATION = "share-information"
    """That named services get access to confidential information (taushetsplikt)."""
    HEALTH_CARE = "health-care"
    """Consent to health care itself (pbrl kap. 4)."""
    BARNEKOORDINATOR = "barnekoordinator"
    """The family's wish that a barnekoordinator is appointed (hotl § 7-2 a)."""
    KOORDINATOR = "koordinator"
    """The wish that a koordinator is appointed (hotl § 7-2)."""


class Section(enum.Enum):
    """Sections of a case, by the kind of information they hold."""

    GENERAL = "general"
    HEALTH = "health"
    EDUCATION = "education"
    CHILD_WELFARE = "child-welfare"
    SOCIAL = "social"


class ConsentingParty(enum.Enum):
    """Who decides a consent question, as a kind; the value is the eligibility wire name."""

    # Compared by identity (see ConsentPurpose).
    __hash__ = object.__hash__

    GUARDIANS = "guardians"
    """Those with foreldreansvar (pbrl § 4-4): all of them."""
    EXPECTING = "expecting"
    """Before birth: the expecting parents (hotl § 7-2 a «foreldrene»)."""
    PREGNANT_WOMAN = "pregnant-woman"
    """Before birth: the pregnant woman (stafettlogg in pregnancy; her own health information)."""
    BARNEVERN = "barnevern"
    """Barnevernstjenesten after taking over care (pbrl § 4-5)."""
    YOUTH_AND_GUARDIANS = "youth-and-guardians"
    """The young person and the guardians with foreldreansvar, all of them."""
    YOUTH = "youth"
    """The young person alone (from 16 in health matters; the municipality's stafettlogg age)."""
    ADULT = "adult"
    """The adult alone, from 18."""


class ConsentRule(NamedTuple):
    """Whose consent a purpose needs on one day: the kind of party, the refs, the legal basis.

    ``consenters`` are case-local refs (guardians' refs, the child's ref,
    [`BARNEVERN`][barnekoordinator.people.BARNEVERN]); *all* of them must consent.
    Empty means nobody can give it (no guardian with foreldreansvar, no
    registered pregnant woman): then no consent is valid. (A named tuple, not an
    attrs class: eligibility builds three per assessment on its hot path.)
    """

    party: ConsentingParty
    consenters: frozenset[str]
    basis: tuple[str, ...]


class _GuardianLike(Protocol):
    """A guardian as both the case and the eligibility facts hold one."""

    @property
    def ref(self) -> str: ...  # pragma: no cover - a protocol

    @property
    def parental_responsibility(self) -> bool: ...  # pragma: no cover - a protocol

    @property
    def relation(self) -> GuardianRelation | None: ...  # pragma: no cover - a protocol


_HEALTH_MATTERS: Final = frozenset(
    {ConsentPurpose.HEALTH_CARE, ConsentPurpose.INDIVIDUAL_PLAN, ConsentPurpose.KOORDINATOR}
)
_COORDINATION: Final = frozenset(
    {ConsentPurpose.INDIVIDUAL_PLAN, ConsentPurpose.KOORDINATOR, ConsentPurpose.BARNEKOORDINATOR}
)


@functools.lru_cache(maxsize=256)
def _ages(as_of: date) -> tuple[int, int]:
    """(age of majority, health majority age) in force on ``as_of`` (cached: they change only
    with the law, and eligibility asks once per right)."""
    return parameter("age_of_majority").at(as_of), parameter("health_majority_age").at(as_of)


def _rule(party: ConsentingParty, refs: Iterable[str], *basis: str) -> ConsentRule:
    return ConsentRule(party, frozenset(refs), basis)


def _before_birth(
    purpose: ConsentPurpose, adoption: bool, guardians: tuple[_GuardianLike, ...]
) -> ConsentRule:
    mothers = [g.ref for g in guardians if g.relation is GuardianRelation.MOTHER]
    expecting = [
        g.ref
        for g in guardians
        if g.parental_responsibility or g.relation is GuardianRelation.MOTHER
    ]
    if purpose is ConsentPurpose.BARNEKOORDINATOR or adoption:
        return _rule(ConsentingParty.EXPECTING, expecting, "hotl-7-2-a", "pbrl-4-4")
    if purpose is ConsentPurpose.STAFETTLOGG:
        return _rule(ConsentingParty.PREGNANT_WOMAN, mothers, "bti-stafettlogg")
    return _rule(ConsentingParty.PREGNANT_WOMAN, mothers, "pbrl-4-3")


def who_consents(
    purpose: ConsentPurpose,
    *,
    subject_ref: str,
    born: bool,
    age: int,
    guardians: Iterable[_GuardianLike],
    as_of: date,
    settings: MunicipalSettings,
    care_taken_over: bool = False,
    adoption: bool = False,
    section: Section | None = None,
) -> ConsentRule:
    """Whose consent ``purpose`` needs on ``as_of`` for this family (see the module table).

    Args:
        purpose: What the consent or wish is for.
        subject_ref: The child's (or expected child's) case-local reference.
        born: Whether the child is born (``False``: an expected child or adoption).
        age: The child's completed years on ``as_of`` (ignored before birth).
        guardians: The family's guardians, each with ``ref``,
            ``parental_responsibility`` and ``relation`` (``None`` if not known).
        as_of: The day the question is asked (the legal ages in force then).
        settings: The municipality's settings (stafettlogg age, BK-16, care orders).
        care_taken_over: Barnevernstjenesten has taken over care.
        adoption: Before birth: an approved adoption rather than a pregnancy.
        section: For ``SHARE_INFORMATION``: the section shared; ``None`` means every
            section, so everyone entitled for any section must consent.

    Returns:
        The [`ConsentRule`][barnekoordinator.people.ConsentRule]: the kind of party,
        the refs who must all consent, and the legal basis.
    """
    family = tuple(guardians)
    if not born:
        return _before_birth(purpose, adoption, family)
    majority, health_majority = _ages(as_of)
    if age >= majority:
        return _rule(ConsentingParty.ADULT, (subject_ref,), "pbrl-4-3", "vergeml-2")
    responsible = [g.ref for g in family if g.parental_responsibility]
    youth = age >= health_majority
    if purpose is ConsentPurpose.STAFETTLOGG:
        if age >= settings.stafettlogg_consent_age:
            return _rule(ConsentingParty.YOUTH, (subject_ref,), "bti-stafettlogg")
        return _rule(ConsentingParty.GUARDIANS, responsible, "bti-stafettlogg", "pbrl-4-4")
    if purpose is ConsentPurpose.SHARE_INFORMATION:
        return _sharing(subject_ref, responsible, youth, section)
    if purpose is ConsentPurpose.BARNEKOORDINATOR and youth:
        return _barnekoordinator_16_17(subject_ref, responsible, settings)
    if purpose in _HEALTH_MATTERS and youth:
        return _rule(ConsentingParty.YOUTH, (subject_ref,), "pbrl-4-3")
    if care_taken_over and (
        purpose is ConsentPurpose.HEALTH_CARE
        or (purpose in _COORDINATION and settings.care_order_consent_to_coordination)
    ):
        return _rule(ConsentingParty.BARNEVERN, (BARNEVERN,), "pbrl-4-5")
    if purpose is ConsentPurpose.BARNEKOORDINATOR:
        return _rule(ConsentingParty.GUARDIANS, responsible, "hotl-7-2-a", "pbrl-4-4")
    return _rule(ConsentingParty.GUARDIANS, responsible, "pbrl-4-4")


def _sharing(
    subject_ref: str, responsible: list[str], youth: bool, section: Section | None
) -> ConsentRule:
    """Sharing: only health-related sharing moves to the young person at 16 (§6.3 rule 6)."""
    if not youth:
        return _rule(ConsentingParty.GUARDIANS, responsible, "pbrl-4-4")
    if section is Section.HEALTH:
        return _rule(ConsentingParty.YOUTH, (subject_ref,), "pbrl-4-3", "pbrl-3-4")
    if section is None:
        return _rule(
            ConsentingParty.YOUTH_AND_GUARDIANS,
            (*responsible, subject_ref),
            "pbrl-4-3",
            "pbrl-4-4",
            "vergeml-2",
        )
    # Foreldreansvar lasts to 18: outside health the guardians still consent.
    return _rule(ConsentingParty.GUARDIANS, responsible, "pbrl-4-4", "vergeml-2")


def _barnekoordinator_16_17(
    subject_ref: str, responsible: list[str], settings: MunicipalSettings
) -> ConsentRule:
    """BK-16: the municipality's setting decides (flagged for legal review)."""
    choice = settings.barnekoordinator_consent_16_17
    if choice is YouthBarnekoordinatorConsent.YOUTH:
        return _rule(ConsentingParty.YOUTH, (subject_ref,), "hotl-7-2-a", "pbrl-4-3")
    if choice is YouthBarnekoordinatorConsent.GUARDIANS:
        return _rule(ConsentingParty.GUARDIANS, responsible, "hotl-7-2-a", "pbrl-4-4")
    return _rule(
        ConsentingParty.YOUTH_AND_GUARDIANS,
        (*responsible, subject_ref),
        "hotl-7-2-a",
        "pbrl-4-3",
        "pbrl-4-4",
    )

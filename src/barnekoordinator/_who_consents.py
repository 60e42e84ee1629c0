"""The rules behind [`barnekoordinator.people`][barnekoordinator.people] that need none of its
classes: birthdays and ages, how a guardian is related to the child, and who consents
(decision 15). ``people`` publishes every name here; eligibility imports them from here, so
assessing a family does not build the classes of people and identity numbers (issue 17 item 4).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date
from typing import Final, NamedTuple, Protocol

from barnekoordinator.config import MunicipalSettings, YouthBarnekoordinatorConsent
from barnekoordinator.edges import EARLIEST_DATE, LATEST_DATE
from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import parameter

__all__ = [
    "BARNEVERN",
    "ConsentPurpose",
    "ConsentRule",
    "ConsentingParty",
    "GuardianRelation",
    "Section",
    "age_on",
    "birthday",
    "who_consents",
]

BARNEVERN: Final = "barnevernstjenesten"
"""The consenter ref used when barnevernstjenesten has taken over care (pbrl § 4-5)."""


def birthday(birth_date: date, years: int) -> date:
    """The day a person born on ``birth_date`` turns ``years`` (29 Feb → 1 Mar).

    Raises:
        InvalidInput: The birthday falls outside Python's calendar (years 1 to 9999); a birth
            date the library supports never gets there.
    """
    year = birth_date.year + years
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a year without it
        if not MINYEAR <= year <= MAXYEAR:
            raise InvalidInput(
                f"birthday: expected a birth date from {EARLIEST_DATE.isoformat()} to "
                f"{LATEST_DATE.isoformat()} (the dates the library supports)"
            ) from None
        return date(year, 3, 1)


def age_on(birth_date: date, as_of: date) -> int:
    """Completed years on ``as_of`` (the birthday itself counts as reached)."""
    if as_of < birth_date:
        raise InvalidInput("as_of is before the birth date; age is undefined")
    years = as_of.year - birth_date.year
    if as_of < birthday(birth_date, years):
        years -= 1
    return years


class GuardianRelation(enum.Enum):
    """How a guardian is related to the child."""

    MOTHER = "mother"
    FATHER = "father"
    CO_MOTHER = "co-mother"
    OTHER = "other"


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
    """The young person and the guardians with foreldreansvar, all of them; at 16–17 the youth's
    disagreement goes to legal review (BK-16)."""
    GUARDIANS_AND_YOUTH = "guardians-and-youth"
    """The stafettlogg from the municipality's age: the guardians with foreldreansvar, who must
    always approve, and the young person; all of them, and one «no» is a disagreement
    (domain.md §7.6)."""
    YOUTH = "youth"
    """The young person alone (from 16 in health matters; the stafettlogg where the municipality
    lets the young person consent alone)."""
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
        age: The child's completed years on ``as_of`` (ignored before birth). For an adoption
            (``born=False``, ``adoption=True``) the age of the child to be adopted when its
            birth date is known, otherwise ``-1``: from the health majority age (16) its age
            decides, as for a born child (pbrl § 4-3: the young person's own say; BK-16),
            before it the expecting parents consent.
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

    Raises:
        InvalidInput: ``purpose`` is not a ``ConsentPurpose`` (or ``section`` not a
            ``Section``), e.g. its wire string ``"health-care"``, as ``give_consent`` refuses.
    """
    if type(purpose) is not ConsentPurpose:
        raise _not_a_member(ConsentPurpose, purpose, "purpose")
    if section is not None and type(section) is not Section:
        raise _not_a_member(Section, section, "section")
    family = tuple(guardians)
    if not born and (not adoption or age < 0):
        return _before_birth(purpose, adoption, family)
    majority, health_majority = _ages(as_of)
    if not born and age < health_majority:
        # A child to be adopted, its age known: the expecting parents until the child has a
        # say of its own in health matters; from 16 its age decides, as for a born child.
        return _before_birth(purpose, adoption, family)
    if age >= majority:
        return _rule(ConsentingParty.ADULT, (subject_ref,), "pbrl-4-3", "vergeml-2")
    responsible = [g.ref for g in family if g.parental_responsibility]
    youth = age >= health_majority
    if purpose is ConsentPurpose.STAFETTLOGG:
        return _stafettlogg(subject_ref, responsible, age, youth, section, settings)
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


def _not_a_member(kind: type[enum.Enum], value: object, name: str) -> InvalidInput:
    """The error for ``value`` that is not a member of ``kind``: purposes and sections are
    compared by identity, so a wire string (``"health-care"``) must never reach the rules,
    where it would match no purpose and be answered by the guardians' rule."""
    example = next(iter(kind))
    return InvalidInput(
        f"{name}: expected a {kind.__name__} (e.g. {kind.__name__}.{example.name}), "
        f"got {type(value).__name__}"
    )


def _stafettlogg(
    subject_ref: str,
    responsible: list[str],
    age: int,
    youth: bool,
    section: Section | None,
    settings: MunicipalSettings,
) -> ConsentRule:
    """The stafettlogg (domain.md §7.6): «Føresette må alltid godkjenna» [V:S50], and from the
    municipality's ``stafettlogg_consent_age`` the young person consents too; where the
    municipality lets the young person consent alone (BTI-04, flagged for legal review), alone.
    Health entries are the young person's alone from 16 (pbrl § 4-3 b) and never without the
    guardians before (pbrl § 4-4). With no guardian holding foreldreansvar, nobody can give the
    joint consent."""
    if age < settings.stafettlogg_consent_age:
        return _rule(ConsentingParty.GUARDIANS, responsible, "bti-stafettlogg", "pbrl-4-4")
    if section is Section.HEALTH and youth:
        return _rule(ConsentingParty.YOUTH, (subject_ref,), "bti-stafettlogg", "pbrl-4-3")
    if settings.stafettlogg_youth_consents_alone and section is not Section.HEALTH:
        return _rule(ConsentingParty.YOUTH, (subject_ref,), "bti-stafettlogg")
    joint = (*responsible, subject_ref) if responsible else ()
    return _rule(ConsentingParty.GUARDIANS_AND_YOUTH, joint, "bti-stafettlogg", "pbrl-4-4")


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

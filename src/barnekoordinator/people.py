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
from datetime import date
from typing import Any

import attrs

from barnekoordinator._redact import number_shaped
from barnekoordinator._who_consents import (
    BARNEVERN,
    ConsentingParty,
    ConsentPurpose,
    ConsentRule,
    GuardianRelation,
    Section,
    age_on,
    birthday,
    who_consents,
)
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
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


def _opaque_ref(instance: object, _attribute: object, value: Any) -> None:
    """A person's ref is the case-local name events use: never an identity number.

    Events and agenda rows keep refs in clear (identity numbers are sealed, refs are not), and
    rule messages name them.
    """
    what = f"{type(instance).__name__}.ref"
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what}: expected a non-empty case ref, e.g. 'mor'")
    if number_shaped(value):
        raise InvalidInput(
            f"{what}: expected an opaque case ref (e.g. 'mor'), never a national identity number"
        )


@attrs.frozen(kw_only=True)
class Child:
    """A born child. ``ref`` is the case-local id used in events (never a national id)."""

    ref: str = attrs.field(validator=_opaque_ref)
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

    ref: str = attrs.field(validator=_opaque_ref)
    expected_date: date
    adoption: bool = False
    """An approved adoption in progress (treated as «venter barn», guidance-based)."""


@attrs.frozen(kw_only=True)
class Guardian:
    """A parent or other carer. Guardian *rights* follow foreldreansvar, not parenthood.

    A parent without foreldreansvar has only the limited right to information of
    barneloven § 47 (domain.md §6.3 rule 3).
    """

    ref: str = attrs.field(validator=_opaque_ref)
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

    ref: str = attrs.field(validator=_opaque_ref)
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

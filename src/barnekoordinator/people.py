"""People in a case: the child (born or expected), guardians, professionals.

Age is always computed from the **registered birth date** (Folkeregisteret),
never parsed from the identifier: D-numbers and post-2032 numbers need not
encode the true birth date (domain.md §6.3 rule 2, §8).

Birthdays on 29 February — one documented convention (domain.md BK-15): in a
year without 29 February, the birthday falls on **1 March**. A child born
29.02.2008 is therefore 17 on 28.02.2026 and 18 on 01.03.2026. We pick 1 March
because it never ends a child's rights before a full number of years has passed
(the child has not lived the day "29 February 2026" until 28 February is over).
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.services import SERVICES, Level, ServiceKind

__all__ = [
    "Child",
    "ExpectedChild",
    "Guardian",
    "GuardianRelation",
    "Professional",
    "age_on",
    "birthday",
]


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


@attrs.frozen(kw_only=True)
class Professional:
    """A service provider's employee acting in a case (``ref`` is an opaque actor id)."""

    ref: str
    service: ServiceKind
    organisation: Organisasjonsnummer
    title: str = ""
    hpr: HprNummer | None = None
    name: str = attrs.field(default="", repr=False)

    @property
    def is_municipal(self) -> bool:
        """True when the professional works in a municipal service."""
        return SERVICES[self.service].level is Level.MUNICIPAL

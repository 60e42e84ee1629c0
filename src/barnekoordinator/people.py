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
import re
import unicodedata
from datetime import date
from typing import Any, Final

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
from barnekoordinator.edges import check_day, has_lone_surrogate
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.services import SERVICES, Level, ServiceKind

__all__ = [
    "BARNEVERN",
    "MAX_CASE_ID_LENGTH",
    "MAX_ID_LENGTH",
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
    "case_id_problem",
    "check_item_id",
    "holds_number",
    "id_problem",
    "may_be_barnekoordinator",
    "text_problem",
    "who_consents",
]


MAX_ID_LENGTH: Final = 200
"""The longest ref or item id: as long as a case id (``command.v1``'s ``case``) and the ``ref``
of ``eligibility-facts.v1``. Ids people type are short (``mor``, ``o-17``, a UUID is 36)."""

_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
"""A UUID, as scripts make ids and the Casebook case ids: its hex digits may run to eleven, and
are no number (``holds_number``)."""
_ASCII_CONTROL: Final = re.compile("[\x00-\x1f\x7f]")


def holds_number(value: str) -> bool:
    """Whether ``value`` holds an eleven-digit number in any form a fødselsnummer is written
    ([`number_shaped()`][barnekoordinator._redact.number_shaped]) outside a UUID: the rule of
    refs and item ids ([`id_problem()`][barnekoordinator.people.id_problem]), of case ids, and of
    every other text a caller hands the Casebook that its audit record keeps (an entry id, a
    command name, an export format)."""
    return number_shaped(_UUID.sub("-", value))


_HIDDEN: Final = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Control and format characters, and the line and paragraph separators: a tab, an escape that
recolours a terminal, a bidi override (U+202E) or a zero-width space that shows one id as
another."""


def id_problem(value: object) -> str | None:
    """Why ``value`` cannot be a ref or an item id, or ``None``; never the value itself.

    Refs (``Child.ref``, ``Guardian.ref``, ``Professional.ref``) and the ids commands give new
    items (``observation_id``, ``tiltak_id``, ``consent_id``, ``meeting_id``, ``decision_id``,
    ``proposal_id`` …) are stored in clear in events and shown in logs and messages, so each
    must be a non-empty text of at most [`MAX_ID_LENGTH`][barnekoordinator.people.MAX_ID_LENGTH]
    characters with no space at either end, no control or format character (Unicode categories
    Cc, Cf, Zl, Zp), no lone surrogate, in Unicode normal form C (so that two ids that look alike
    are one), and no eleven-digit number in any form a fødselsnummer
    is written ([`number_shaped()`][barnekoordinator._redact.number_shaped]) outside a UUID.
    """
    if not isinstance(value, str):
        return f"expected a text, got {type(value).__name__}"
    if not value.strip():
        return "expected a non-empty id"
    if len(value) > MAX_ID_LENGTH:
        return f"expected at most {MAX_ID_LENGTH} characters"
    if value != value.strip():
        return "expected no space at the start or the end"
    if value.isascii():
        hidden = _ASCII_CONTROL.search(value) is not None
    elif has_lone_surrogate(value):
        return "expected Unicode text; this holds a lone surrogate (invalid UTF-8?)"
    else:
        hidden = any(unicodedata.category(c) in _HIDDEN for c in value)
        if not hidden and not unicodedata.is_normalized("NFC", value):
            # "José" with a combining accent looks like "José" and is another id: two guardians
            # or items no one can tell apart.
            return "expected Unicode text in normal form C (NFC); this writes a letter another way"
    if hidden:
        return "expected no control or formatting character (a tab, an escape, a bidi override)"
    if holds_number(value):
        return "expected an opaque id, never a national identity number"
    return None


_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def text_problem(value: object) -> str | None:
    """Why ``value`` is not an id or name the Casebook (and the key ring) can store, hash and show
    (a string with no control character, NUL included, no lone surrogate and no invisible
    formatting character such as a bidi override), or None. Never the value itself."""
    if not isinstance(value, str):
        return f"expected a string, got {type(value).__name__}"
    if not value.strip():
        return "expected a non-empty string"
    if _CONTROL.search(value):
        return "holds a control character"
    if has_lone_surrogate(value):
        return "holds a lone surrogate, which is not Unicode text"
    if not value.isascii() and any(unicodedata.category(c) == "Cf" for c in value):
        # A bidi override (U+202E) or a zero-width character shows an id as another one.
        return "holds an invisible formatting character"
    return None


MAX_CASE_ID_LENGTH: Final = 200
"""The longest case id (as the ``case`` of a ``command.v1`` document); ids made by the Casebook
are UUIDs (36)."""


def case_id_problem(case_id: object) -> str | None:
    """Why ``case_id`` is not a case id, or None: what
    [`text_problem()`][barnekoordinator.people.text_problem] refuses, more than
    ``MAX_CASE_ID_LENGTH`` characters, and an id holding an eleven-digit number in any form a
    fødselsnummer is written (``barn-17851550097``, ``178515-50097``, ``17 85 15 500 97``; see
    [`number_shaped()`][barnekoordinator._redact.number_shaped]) outside a UUID, whose hex
    digits may run to eleven."""
    if not isinstance(case_id, str) or not case_id.strip():
        return "expected a non-empty case id"
    problem = text_problem(case_id)
    if problem is not None:
        return f"expected a case id; this one {problem}"
    if len(case_id) > MAX_CASE_ID_LENGTH:
        return f"expected a case id of at most {MAX_CASE_ID_LENGTH} characters"
    if holds_number(case_id):
        return "expected a case id that holds no eleven-digit number (it could be a fødselsnummer)"
    return None


def check_item_id(value: object, what: str) -> str:
    """``value`` if it may be the id of a new item, else
    [`InvalidInput`][barnekoordinator.errors.InvalidInput] naming ``what`` (see
    [`id_problem()`][barnekoordinator.people.id_problem]).

    Every command that makes an item with an id of the caller's choosing calls it before it looks
    the id up, so the message never repeats an id it refuses.
    """
    problem = id_problem(value)
    if problem is not None:
        raise InvalidInput(f"{what}: {problem}")
    assert isinstance(value, str)
    return value


def _opaque_ref(instance: object, _attribute: object, value: Any) -> None:
    """A person's ref is the case-local name events use: never an identity number.

    Events and agenda rows keep refs in clear (identity numbers are sealed, refs are not), and
    rule messages name them. The commands that add a person to a case (``open_case``,
    ``record_birth``, ``join_participant``) also hold a new ref to
    [`id_problem()`][barnekoordinator.people.id_problem]; the class does not, so that a case
    stored before those checks (a ref with a tab or a space at its end) still loads.
    """
    what = f"{type(instance).__name__}.ref"
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what}: expected a non-empty case ref, e.g. 'mor'")
    if number_shaped(value):
        raise InvalidInput(
            f"{what}: expected an opaque case ref (e.g. 'mor'), never a national identity number"
        )
    if has_lone_surrogate(value):  # it could not be stored or hashed: no stored case has one
        raise InvalidInput(f"{what}: expected Unicode text; this holds a lone surrogate")


def _unicode_text(instance: object, attribute: Any, value: Any) -> None:
    """A name or title is free text, but Unicode text: it is stored, hashed and printed."""
    what = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, str):
        raise InvalidInput(f"{what}: expected a text, got {type(value).__name__}")
    if has_lone_surrogate(value):
        raise InvalidInput(
            f"{what}: expected Unicode text; this holds a lone surrogate (invalid UTF-8?)"
        )


def _person_id(instance: object, attribute: Any, value: Any) -> None:
    """A person's identity number is a `PersonId` (parsed and checked, shown masked), never a
    plain text: a text would show in clear in the repr and could not be sealed."""
    if value is not None and not isinstance(value, PersonId):
        raise InvalidInput(
            f"{type(instance).__name__}.{attribute.name}: expected a PersonId "
            f"(barnekoordinator.identifiers.PersonId.parse) or None, got {type(value).__name__}"
        )


def _day(instance: object, attribute: Any, value: Any) -> None:
    """A calendar day: a ``datetime.date``, not a datetime (it compares with neither)."""
    # The type only: the supported range is checked where the event is written, with its path.
    check_day(value, f"{type(instance).__name__}.{attribute.name}", in_range=False)


@attrs.frozen(kw_only=True)
class Child:
    """A born child. ``ref`` is the case-local id used in events (never a national id)."""

    ref: str = attrs.field(validator=_opaque_ref)
    birth_date: date = attrs.field(validator=_day)
    """As registered in Folkeregisteret; the only source of the child's age."""
    person_id: PersonId | None = attrs.field(default=None, validator=_person_id)
    name: str = attrs.field(default="", repr=False, validator=_unicode_text)

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
    expected_date: date = attrs.field(validator=_day)
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
    person_id: PersonId | None = attrs.field(default=None, validator=_person_id)
    name: str = attrs.field(default="", repr=False, validator=_unicode_text)


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
    title: str = attrs.field(default="", validator=_unicode_text)
    hpr: HprNummer | None = None
    name: str = attrs.field(default="", repr=False, validator=_unicode_text)
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

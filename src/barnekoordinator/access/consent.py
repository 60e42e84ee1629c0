"""The consent ledger: who consented to what, for which services, until when.

Consent is recorded per *purpose* — consent to **share** information between
services is distinct from consent to **care** (domain.md §6.3 rule 5) — and
covers named receiving services and sections of the case, for a period, until
withdrawn.

Who must consent is decided on the day it matters, from the child's registered
birth date (domain.md §6.2, §7.6), so consent is re-evaluated on every check.
The rule is [`barnekoordinator.people.who_consents()`][barnekoordinator.people.who_consents],
the one function eligibility uses too (decision 15): the expecting parents for a
barnekoordinator before birth and the pregnant woman for the rest; the guardians
with foreldreansvar — both where they share it, one refusal means no consent
(§ 4-4); the young person alone for health matters from 16 (§ 4-3 b), while
sharing outside the health section stays with the guardians until 18; the
municipality's settings for the stafettlogg age, the barnekoordinator at 16–17
(BK-16) and care orders; the adult alone from 18. ``ConsentPurpose``,
``Section`` and ``BARNEVERN`` are defined in
[`barnekoordinator.people`][barnekoordinator.people] and re-exported here.

A consent therefore *lapses* when the required consenters change (a birth, the
youth's 15th/16th birthday, the 18th birthday) and must be given again: the
"age-triggered re-consent" families and services need to be told about.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import ConsentRequired, InvalidInput, RuleViolation
from barnekoordinator.history.case import ADMINISTRATION, Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.people import (
    BARNEVERN,
    Child,
    ConsentPurpose,
    ExpectedChild,
    Section,
    check_item_id,
    who_consents,
)
from barnekoordinator.services import SERVICES, Sector, ServiceKind

__all__ = [
    "BARNEVERN",
    "CONSENT_CONCEPT",
    "CareOrderChanged",
    "Consent",
    "ConsentGiven",
    "ConsentLedger",
    "ConsentPurpose",
    "ConsentWithdrawn",
    "Section",
    "change_care_order",
    "entitled_consenters",
    "give_consent",
    "ledger",
    "required_consenters",
    "section_of",
    "shares_with",
    "withdraw_consent",
]

_KEY = "consent"

_SECTION_BY_SERVICE: dict[ServiceKind, Section] = {
    ServiceKind.BARNEHAGE: Section.EDUCATION,
    ServiceKind.SKOLE: Section.EDUCATION,
    ServiceKind.SFO: Section.EDUCATION,
    ServiceKind.PPT: Section.EDUCATION,
    ServiceKind.FRISKOLE: Section.EDUCATION,
    ServiceKind.BARNEVERN: Section.CHILD_WELFARE,
    ServiceKind.NAV_KOMMUNE: Section.SOCIAL,
    ServiceKind.NAV_STAT: Section.SOCIAL,
    ServiceKind.INTRODUKSJONSPROGRAM: Section.SOCIAL,
    ServiceKind.KRISESENTER: Section.SOCIAL,
    ServiceKind.FAMILIEVERN: Section.SOCIAL,
}


def section_of(service: ServiceKind | None) -> Section:
    """The section a service's own entries belong to by default; ``GENERAL`` for an entry
    written by no service (the family, someone no longer in the case)."""
    if service is None:
        return Section.GENERAL
    if SERVICES[service].sector is Sector.HEALTH_AND_CARE:
        return Section.HEALTH
    return _SECTION_BY_SERVICE.get(service, Section.GENERAL)


@attrs.frozen(kw_only=True)
class Consent:
    """One recorded consent. ``given_by`` holds case-local refs, never national ids."""

    id: str
    purpose: ConsentPurpose
    given_by: frozenset[str]
    services: frozenset[ServiceKind]
    sections: frozenset[Section] = frozenset(Section)
    valid_from: date
    valid_to: date | None = None
    withdrawn_on: date | None = None
    withdrawn_by: str | None = None
    note: str = ""

    def active_on(self, as_of: date) -> bool:
        """In its period and not withdrawn on ``as_of`` (a withdrawal acts the same day)."""
        if as_of < self.valid_from:
            return False
        if self.valid_to is not None and as_of > self.valid_to:
            return False
        return self.withdrawn_on is None or as_of < self.withdrawn_on


_NO_WITHDRAWALS: Mapping[str, tuple[date, str]] = MappingProxyType({})


@attrs.frozen(kw_only=True)
class ConsentLedger:
    """All consents of a case, and whether barnevernstjenesten has taken over care.

    ``given`` holds consents in the order they were given; ``withdrawn`` maps a
    consent id to (day, by). Keeping withdrawals apart means folding a long
    history never rebuilds the consents one by one.
    """

    given: tuple[Consent, ...] = ()
    withdrawn: Mapping[str, tuple[date, str]] = _NO_WITHDRAWALS
    care_taken_over: bool = False

    @property
    def consents(self) -> tuple[Consent, ...]:
        """Every consent in the order given, withdrawn ones with their day and withdrawer."""
        if not self.withdrawn:
            return self.given
        return tuple(self._with_withdrawal(c) for c in self.given)

    def _with_withdrawal(self, consent: Consent) -> Consent:
        w = self.withdrawn.get(consent.id)
        if w is None:
            return consent
        return attrs.evolve(consent, withdrawn_on=w[0], withdrawn_by=w[1])

    def get(self, consent_id: str) -> Consent | None:
        """The consent with this id (with its withdrawal, if any)."""
        for c in self.given:
            if c.id == consent_id:
                return self._with_withdrawal(c)
        return None

    def consenters(
        self,
        purpose: ConsentPurpose,
        *,
        service: ServiceKind | None,
        section: Section | None,
        as_of: date,
    ) -> frozenset[str]:
        """Refs with an active consent of ``purpose`` covering the service and section."""
        return frozenset(self._covering(purpose, service, section, as_of, None))

    def _covering(
        self,
        purpose: ConsentPurpose,
        service: ServiceKind | None,
        section: Section | None,
        as_of: date,
        enough: frozenset[str] | None,
    ) -> set[str]:
        """`consenters()`, or, with ``enough``, only until they are all found.

        A long case holds a consent for every renewal; the newest are read first, so
        checking that today's consent covers a write costs the same however many
        renewals came before (decision 19).
        """
        found: set[str] = set()
        withdrawn = self.withdrawn
        for c in reversed(self.given):
            if c.purpose is not purpose or not c.active_on(as_of):
                continue
            w = withdrawn.get(c.id) if withdrawn else None
            if w is not None and as_of >= w[0]:
                continue
            if service is not None and service not in c.services:
                continue
            if section is not None and section not in c.sections:
                continue
            found |= c.given_by
            if enough is not None and enough <= found:
                break
        return found

    def covers(
        self,
        case: Case,
        purpose: ConsentPurpose,
        *,
        as_of: date,
        service: ServiceKind | None = None,
        section: Section | None = None,
        settings: MunicipalSettings | None = None,
    ) -> bool:
        """True when everyone who must consent on ``as_of`` has an active, covering consent.

        With a ``section``, those who must consent for that section; without one,
        those who must consent for any section.
        """
        required = required_consenters(
            case, purpose, as_of=as_of, settings=settings, section=section
        )
        if not required:
            return False
        return required <= self._covering(purpose, service, section, as_of, required)

    def require(
        self,
        case: Case,
        purpose: ConsentPurpose,
        *,
        as_of: date,
        service: ServiceKind | None = None,
        section: Section | None = None,
        settings: MunicipalSettings | None = None,
    ) -> None:
        """Raise [`ConsentRequired`][barnekoordinator.errors.ConsentRequired] saying whose consent
        is missing (by role).
        """
        required = required_consenters(
            case, purpose, as_of=as_of, settings=settings, section=section
        )
        missing = required - self._covering(purpose, service, section, as_of, required or None)
        if required and not missing:
            return
        scope = purpose.value
        if service is not None:
            scope += f" for {service.value}"
        if section is not None:
            scope += f", section {section.value}"
        who = ", ".join(sorted(_describe(case, r) for r in (missing or required))) or "nobody"
        raise ConsentRequired(
            f"case {case.id}: no valid consent ({scope}) on {as_of.isoformat()}; missing: {who}"
        )


def _describe(case: Case, ref: str) -> str:
    """A role description of a consenter, for messages (no names, no ids)."""
    if ref == BARNEVERN:
        return "barnevernstjenesten"
    guardian = case.guardian(ref)
    if guardian is not None:
        return f"guardian {ref} ({guardian.relation.value})"
    if case.subject is not None and ref == case.subject.ref:
        return f"the young person ({ref})"
    return ref


_EMPTY_CONSENTLEDGER = ConsentLedger()
"""The state of a case that has none yet (built once, shared: it is immutable)."""


def ledger(case: Case) -> ConsentLedger:
    """The consent ledger of a case."""
    return case.part(_KEY, _EMPTY_CONSENTLEDGER)


_DEFAULT_SETTINGS = MunicipalSettings()


def shares_with(
    case: Case, service: ServiceKind, *, as_of: date, settings: MunicipalSettings | None = None
) -> bool:
    """Whether a stafettlogg or an individual-plan consent covers ``service`` on ``as_of``: the
    family has agreed that the cooperation around the child shares with that service. Who may
    record the child's voice, and who is invited to a samarbeidsmøte (BTI-08)."""
    found = ledger(case)
    return any(
        found.covers(case, purpose, as_of=as_of, service=service, settings=settings)
        for purpose in (ConsentPurpose.STAFETTLOGG, ConsentPurpose.INDIVIDUAL_PLAN)
    )


def required_consenters(
    case: Case,
    purpose: ConsentPurpose,
    *,
    as_of: date,
    settings: MunicipalSettings | None = None,
    section: Section | None = None,
) -> frozenset[str]:
    """Refs of everyone whose consent is needed on ``as_of``: the case's answer of
    [`who_consents()`][barnekoordinator.people.who_consents].

    ``section`` narrows sharing to one section of the case; without it everyone
    who must consent for any section is listed. An empty set means nobody can
    give it (e.g. no guardian with foreldreansvar is registered): then no consent
    is valid and the caller must resolve that.
    """
    subject = case.subject
    if isinstance(subject, ExpectedChild):
        born, age, adoption = False, -1, subject.adoption
    elif isinstance(subject, Child):
        born, adoption = True, False
        age = subject.age_on(as_of) if as_of >= subject.birth_date else 0
    else:
        return frozenset()
    return who_consents(
        purpose,
        subject_ref=subject.ref,
        born=born,
        age=age,
        guardians=case.guardians,
        as_of=as_of,
        settings=settings or _DEFAULT_SETTINGS,
        care_taken_over=ledger(case).care_taken_over,
        adoption=adoption,
        section=section,
    ).consenters


def entitled_consenters(
    case: Case,
    purpose: ConsentPurpose,
    sections: Collection[Section],
    *,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> frozenset[str]:
    """Everyone entitled to consent to ``purpose`` for at least one of ``sections`` on ``as_of``.

    A consent naming several sections may be given by people entitled for
    different ones (from 16: the young person for health, the guardians for the
    rest); it covers a section only once everyone required for that section gave it.
    """
    found: frozenset[str] = frozenset()
    for section in sections:
        found |= required_consenters(case, purpose, as_of=as_of, settings=settings, section=section)
    return found


# --- events -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ConsentGiven(DomainEvent):
    """A consent was given (a new or extended consent is a new record)."""

    TYPE = "consent.given"
    LEGAL_BASIS = ("pbrl-4-4", "pbrl-4-3")
    consent: Consent


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(DomainEvent):
    """A consent was withdrawn; it stops covering anything from ``on``."""

    TYPE = "consent.withdrawn"
    LEGAL_BASIS = ("pbrl-4-4",)
    consent_id: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class CareOrderChanged(DomainEvent):
    """Barnevernstjenesten took over (or gave back) care of the child."""

    TYPE = "consent.care-order-changed"
    LEGAL_BASIS = ("pbrl-4-5",)
    ADMINISTERED_BY = (*ADMINISTRATION, "barnevern")
    care_taken_over: bool


def _given(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ConsentGiven)
    current = ledger(case)
    return case.with_part(_KEY, attrs.evolve(current, given=(*current.given, e.consent)))


def _withdrawn(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ConsentWithdrawn)
    current = ledger(case)
    withdrawn = MappingProxyType({**current.withdrawn, e.consent_id: (e.on, e.by)})
    return case.with_part(_KEY, attrs.evolve(current, withdrawn=withdrawn))


def _care(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, CareOrderChanged)
    return case.with_part(_KEY, attrs.evolve(ledger(case), care_taken_over=e.care_taken_over))


# --- commands -----------------------------------------------------------------------


def _known_refs(case: Case) -> set[str]:
    known = {g.ref for g in case.guardians} | {BARNEVERN}
    if case.subject is not None:
        known.add(case.subject.ref)
    return known


def give_consent(
    case: Case,
    *,
    consent_id: str,
    purpose: ConsentPurpose,
    given_by: Iterable[str],
    services: Collection[ServiceKind],
    as_of: date,
    sections: Collection[Section] = tuple(Section),
    valid_to: date | None = None,
    settings: MunicipalSettings | None = None,
    note: str = "",
) -> ConsentGiven:
    """Command: record a consent given on ``as_of`` by people entitled to give it.

    A giver who is not among those who must consent on that day (a parent
    without foreldreansvar, parents of a youth who consents alone) is rejected.
    Giving it one consenter at a time is allowed; it covers only when all have.
    """
    case.require_open()
    givers = frozenset(given_by)
    if not givers:
        raise InvalidInput("given_by: at least one consenter is needed")
    if not services:
        raise InvalidInput("services: a consent must name the services it covers")
    check_item_id(consent_id, "consent_id")
    if ledger(case).get(consent_id) is not None:
        raise InvalidInput(f"consent_id {consent_id!r} is already used in case {case.id}")
    if valid_to is not None and valid_to < as_of:
        raise InvalidInput("valid_to: must not be before the day the consent is given")
    unknown = givers - _known_refs(case)
    if unknown:
        raise InvalidInput(f"given_by: {len(unknown)} ref(s) are not people in case {case.id}")
    required = entitled_consenters(case, purpose, sections, as_of=as_of, settings=settings)
    not_entitled = givers - required
    if not_entitled:
        who = ", ".join(sorted(_describe(case, r) for r in not_entitled))
        raise RuleViolation(
            f"case {case.id}: {who} cannot consent to {purpose.value} on {as_of.isoformat()}; "
            f"entitled: {', '.join(sorted(_describe(case, r) for r in required)) or 'nobody'}"
        )
    return ConsentGiven(
        consent=Consent(
            id=consent_id,
            purpose=purpose,
            given_by=givers,
            services=frozenset(services),
            sections=frozenset(sections),
            valid_from=as_of,
            valid_to=valid_to,
            note=note,
        )
    )


def withdraw_consent(
    case: Case,
    *,
    consent_id: str,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> ConsentWithdrawn:
    """Command: withdraw a consent. A giver, or anyone entitled to consent now for one of the
    sections it names (``entitled_consenters``), may do it: from 16 a guardian does not
    withdraw the young person's own consent to share health information (pbrl § 4-3)."""
    case.require_open()
    consent = ledger(case).get(consent_id)
    if consent is None:
        raise InvalidInput(f"no consent {consent_id!r} in case {case.id}")
    if consent.withdrawn_on is not None:
        raise RuleViolation(f"consent {consent_id!r} is already withdrawn")
    entitled = consent.given_by | entitled_consenters(
        case, consent.purpose, consent.sections, as_of=as_of, settings=settings
    )
    if by not in entitled:
        raise RuleViolation(
            f"case {case.id}: {_describe(case, by)} may not withdraw consent {consent_id!r}"
        )
    return ConsentWithdrawn(consent_id=consent_id, by=by, on=as_of)


def change_care_order(case: Case, *, care_taken_over: bool) -> CareOrderChanged:
    """Command: record that barnevernstjenesten took over (or ended) care."""
    case.require_open()
    if ledger(case).care_taken_over == care_taken_over:
        raise RuleViolation(f"case {case.id}: care order is already {care_taken_over}")
    return CareOrderChanged(care_taken_over=care_taken_over)


def _withdrawn_by_then(before: Case, after: Case, as_of: date) -> str | None:
    """A write check: a withdrawal the write records takes effect by the day it is written.

    A withdrawal dated ahead left the consent in force until that day, and the consent could
    no longer be withdrawn for real ("already withdrawn"): the family could not end it, though
    guardians and youth may withdraw consent at any time (BTI-12; domain.md §7.6). Withdrawals
    stored before are not judged, so a case that holds one still takes writes."""
    withdrawn, earlier = ledger(after).withdrawn, ledger(before).withdrawn
    if withdrawn is earlier:
        return None
    for consent_id, (day, _) in withdrawn.items():
        if day > as_of and consent_id not in earlier:
            return (
                "a consent's withdrawal is dated after the day it is written; "
                "expected that day or earlier"
            )
    return None


CONSENT_CONCEPT = Concept(
    name="consent",
    events=(
        ConsentGiven,
        ConsentWithdrawn,
        CareOrderChanged,
    ),
    evolvers={
        ConsentGiven: _given,
        ConsentWithdrawn: _withdrawn,
        CareOrderChanged: _care,
    },
    write_checks=(_withdrawn_by_then,),
)

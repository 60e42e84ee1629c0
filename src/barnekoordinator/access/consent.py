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

import enum
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import ClassVar, TypeVar

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import check_day
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
    "ConsentPartlyWithdrawn",
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
    "withdrawable_sections",
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

_Narrowing = tuple[date, str, frozenset[Section]]
"""A partial withdrawal as the ledger keeps it: (day, by, the sections it ended)."""

_NO_NARROWINGS: Mapping[str, tuple[_Narrowing, ...]] = MappingProxyType({})


def _narrow(
    consent: Consent, narrowings: tuple[_Narrowing, ...], as_of: date | None
) -> tuple[frozenset[Section], frozenset[str], _Narrowing | None]:
    """The sections and givers ``consent`` still holds on ``as_of`` (``None``: after every
    partial withdrawal), and the partial withdrawal that left nothing of it, if one did. A
    withdrawal ends its sections for everyone and takes its withdrawer off the givers."""
    sections, givers = consent.sections, consent.given_by
    for narrowing in narrowings:
        on, by, ended = narrowing
        if as_of is not None and as_of < on:
            continue
        sections, givers = sections - ended, givers - {by}
        if not sections or not givers:
            return sections, givers, narrowing
    return sections, givers, None


@attrs.frozen(kw_only=True)
class ConsentLedger:
    """All consents of a case, and whether barnevernstjenesten has taken over care.

    ``given`` holds consents in the order they were given; ``withdrawn`` maps a
    consent id to (day, by) of its withdrawal as a whole, and ``narrowed`` to its partial
    withdrawals, each (day, by, sections ended), in the order recorded. Keeping withdrawals
    apart means folding a long history never rebuilds the consents one by one.
    """

    given: tuple[Consent, ...] = ()
    withdrawn: Mapping[str, tuple[date, str]] = _NO_WITHDRAWALS
    narrowed: Mapping[str, tuple[_Narrowing, ...]] = _NO_NARROWINGS
    care_taken_over: bool = False

    @property
    def consents(self) -> tuple[Consent, ...]:
        """Every consent in the order given, as it stands after its withdrawals: withdrawn ones
        with their day and withdrawer, partly withdrawn ones with the sections and givers left."""
        if not self.withdrawn and not self.narrowed:
            return self.given
        return tuple(self._with_withdrawal(c) for c in self.given)

    def _with_withdrawal(self, consent: Consent) -> Consent:
        narrowings = self.narrowed.get(consent.id)
        if narrowings:
            sections, givers, emptied = _narrow(consent, narrowings, None)
            if emptied is not None:
                # Nothing is left: withdrawn as a whole, by the one whose withdrawal emptied it.
                return attrs.evolve(consent, withdrawn_on=emptied[0], withdrawn_by=emptied[1])
            consent = attrs.evolve(consent, sections=sections, given_by=givers)
        w = self.withdrawn.get(consent.id)
        if w is None:
            return consent
        return attrs.evolve(consent, withdrawn_on=w[0], withdrawn_by=w[1])

    def get(self, consent_id: str) -> Consent | None:
        """The consent with this id, as it stands after its withdrawals (see ``consents``)."""
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
        withdrawn, narrowed = self.withdrawn, self.narrowed
        for c in reversed(self.given):
            if c.purpose is not purpose or not c.active_on(as_of):
                continue
            w = withdrawn.get(c.id) if withdrawn else None
            if w is not None and as_of >= w[0]:
                continue
            if service is not None and service not in c.services:
                continue
            sections, givers = c.sections, c.given_by
            narrowings = narrowed.get(c.id) if narrowed else None
            if narrowings:
                sections, givers, emptied = _narrow(c, narrowings, as_of)
                if emptied is not None:
                    continue
            if section is not None and section not in sections:
                continue
            found |= givers
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


def withdrawable_sections(
    case: Case,
    consent: Consent,
    by: str,
    *,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> frozenset[Section]:
    """The sections of ``consent`` (as it stands: ``ConsentLedger.get()``) that ``by`` is
    entitled to decide on ``as_of``, and so may end by withdrawing it.

    A withdrawal ends the consent for these sections only; the rest stays in force. From 16 a
    guardian does not end the young person's consent to share health information, nor the young
    person the guardians' consent for the other sections, which stays theirs until 18 (pbrl
    § 4-3 b, § 3-4; foreldreansvar, § 4-4). Everyone entitled for every section it names ends
    it whole.
    """
    return frozenset(
        s
        for s in consent.sections
        if by
        in required_consenters(case, consent.purpose, as_of=as_of, settings=settings, section=s)
    )


# --- events -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ConsentGiven(DomainEvent):
    """A consent was given (a new or extended consent is a new record)."""

    TYPE = "consent.given"
    LEGAL_BASIS = ("pbrl-4-4", "pbrl-4-3")
    consent: Consent


@attrs.frozen(kw_only=True)
class ConsentWithdrawn(DomainEvent):
    """A consent was withdrawn as a whole; it stops covering anything from ``on``."""

    TYPE = "consent.withdrawn"
    LEGAL_BASIS: ClassVar[tuple[str, ...]] = ("pbrl-4-4",)
    consent_id: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class ConsentPartlyWithdrawn(ConsentWithdrawn):
    """A consent was withdrawn for some sections only; the rest stays in force.

    From ``on`` it no longer covers ``sections`` (those its withdrawer decides on that day), and
    ``by`` no longer consents to any of it (pbrl § 4-3 b, § 3-4, § 4-4)."""

    TYPE = "consent.partly-withdrawn"
    LEGAL_BASIS = ("pbrl-4-4", "pbrl-4-3", "pbrl-3-4")
    sections: frozenset[Section]


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


def _partly_withdrawn(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ConsentPartlyWithdrawn)
    current = ledger(case)
    narrowing = (e.on, e.by, e.sections)
    earlier = current.narrowed.get(e.consent_id, ())
    narrowed = MappingProxyType({**current.narrowed, e.consent_id: (*earlier, narrowing)})
    return case.with_part(_KEY, attrs.evolve(current, narrowed=narrowed))


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


# --- the commands' arguments: checked where they enter, named in the message ----------------

_E = TypeVar("_E", bound=enum.Enum)


def _enum_arg(value: object, kind: type[_E], what: str) -> _E:
    if not isinstance(value, kind):
        raise InvalidInput(
            f"{what}: expected a {kind.__name__} (e.g. {kind.__name__}.{next(iter(kind)).name}), "
            f"got {type(value).__name__}"
        )
    return value


def _enum_set(values: object, kind: type[_E], what: str) -> frozenset[_E]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidInput(
            f"{what}: expected a collection of {kind.__name__} members, got {type(values).__name__}"
        )
    return frozenset(_enum_arg(v, kind, f"{what}[]") for v in values)


def _text_arg(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what}: expected a text (str), got {type(value).__name__}")
    return value


def _settings_arg(value: object) -> MunicipalSettings | None:
    if value is not None and not isinstance(value, MunicipalSettings):
        raise InvalidInput(
            f"settings: expected MunicipalSettings or None, got {type(value).__name__}"
        )
    return value


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

    Raises:
        InvalidInput: An argument of the wrong type (the enums as their members, not their
            values as text; dates as ``datetime.date``), naming the argument; or a value the
            command refuses.
        RuleViolation: A giver is not entitled to consent on ``as_of``.
    """
    case.require_open()
    as_of = check_day(as_of, "as_of")
    purpose = _enum_arg(purpose, ConsentPurpose, "purpose")
    chosen_services = _enum_set(services, ServiceKind, "services")
    chosen_sections = _enum_set(sections, Section, "sections")
    if valid_to is not None:
        valid_to = check_day(valid_to, "valid_to")
    settings = _settings_arg(settings)
    note = _text_arg(note, "note")
    if isinstance(given_by, str | bytes) or not isinstance(given_by, Iterable):
        raise InvalidInput(
            f"given_by: expected a collection of case refs (e.g. ['mor']), "
            f"got {type(given_by).__name__}"
        )
    givers = frozenset(_text_arg(g, "given_by[]") for g in given_by)
    if not givers:
        raise InvalidInput("given_by: at least one consenter is needed")
    if not chosen_services:
        raise InvalidInput("services: a consent must name the services it covers")
    if not chosen_sections:
        raise InvalidInput("sections: a consent must name the sections it covers")
    check_item_id(consent_id, "consent_id")
    if ledger(case).get(consent_id) is not None:
        raise InvalidInput(f"consent_id {consent_id!r} is already used in case {case.id}")
    if valid_to is not None and valid_to < as_of:
        raise InvalidInput("valid_to: must not be before the day the consent is given")
    unknown = givers - _known_refs(case)
    if unknown:
        raise InvalidInput(f"given_by: {len(unknown)} ref(s) are not people in case {case.id}")
    required = entitled_consenters(case, purpose, chosen_sections, as_of=as_of, settings=settings)
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
            services=chosen_services,
            sections=chosen_sections,
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
    """Command: withdraw a consent, as far as ``by`` decides on it on ``as_of``.

    The withdrawal ends the consent for the sections ``by`` is entitled to consent to that day
    ([`withdrawable_sections()`][barnekoordinator.access.consent.withdrawable_sections]), for
    everyone, and takes ``by`` off its givers; the rest stays in force
    ([`ConsentPartlyWithdrawn`][barnekoordinator.access.consent.ConsentPartlyWithdrawn]). From
    16 a guardian does not withdraw the young person's own consent to share health information,
    nor the young person the guardians' consent for the other sections (pbrl § 4-3 b, § 3-4).
    One entitled for every section it still names, or its last giver, withdraws it whole
    ([`ConsentWithdrawn`][barnekoordinator.access.consent.ConsentWithdrawn]). Anyone else who
    gave it may still take their own name off it; one who neither gave it nor decides on any
    of its sections is refused.

    Raises:
        InvalidInput: An argument of the wrong type, or an unknown consent.
        RuleViolation: The consent is already withdrawn, or ``by`` may not withdraw it.
    """
    case.require_open()
    as_of = check_day(as_of, "as_of")
    by = _text_arg(by, "by")
    settings = _settings_arg(settings)
    if not isinstance(consent_id, str):
        raise InvalidInput(f"consent_id: expected a text (str), got {type(consent_id).__name__}")
    consent = ledger(case).get(consent_id)
    if consent is None:
        raise InvalidInput(f"no consent {consent_id!r} in case {case.id}")
    if consent.withdrawn_on is not None:
        raise RuleViolation(f"consent {consent_id!r} is already withdrawn")
    ends = withdrawable_sections(case, consent, by, as_of=as_of, settings=settings)
    if not ends and by not in consent.given_by:
        raise RuleViolation(
            f"case {case.id}: {_describe(case, by)} may not withdraw consent {consent_id!r}"
        )
    if ends >= consent.sections or consent.given_by <= {by}:
        return ConsentWithdrawn(consent_id=consent_id, by=by, on=as_of)
    return ConsentPartlyWithdrawn(consent_id=consent_id, by=by, on=as_of, sections=ends)


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
    guardians and youth may withdraw consent at any time (BTI-12; domain.md §7.6). The same holds
    for a partial withdrawal. Withdrawals stored before are not judged, so a case that holds one
    still takes writes."""
    now, earlier = ledger(after), ledger(before)
    if now.withdrawn is not earlier.withdrawn:
        for consent_id, (day, _) in now.withdrawn.items():
            if day > as_of and consent_id not in earlier.withdrawn:
                return _AHEAD
    if now.narrowed is not earlier.narrowed:
        for consent_id, narrowings in now.narrowed.items():
            known = len(earlier.narrowed.get(consent_id, ()))
            if any(day > as_of for day, _, _ in narrowings[known:]):
                return _AHEAD
    return None


_AHEAD = "a consent's withdrawal is dated after the day it is written; expected that day or earlier"


CONSENT_CONCEPT = Concept(
    name="consent",
    events=(
        ConsentGiven,
        ConsentWithdrawn,
        ConsentPartlyWithdrawn,
        CareOrderChanged,
    ),
    evolvers={
        ConsentGiven: _given,
        ConsentWithdrawn: _withdrawn,
        ConsentPartlyWithdrawn: _partly_withdrawn,
        CareOrderChanged: _care,
    },
    write_checks=(_withdrawn_by_then,),
)

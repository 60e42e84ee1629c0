"""Who may see and do what in a case: the access policy (domain.md §6).

:func:`decide` answers one question — may this :class:`Principal` perform this
:class:`AccessAction` on this case (or on one of its entries) on this day — with a
:class:`AccessDecision` that says why and on which legal basis. It denies by default:
a permission exists only where a rule below grants it. Nothing is cached across
calls that could outlive a birthday, a withdrawal or a handover: the child's
age is computed from the registered birth date on ``as_of`` in every call, and
everything else is read from the (immutable) case value passed in, so a new
event — a withdrawn consent, a participant who left — is a new case value and
is seen by the very next decision.

How a principal relates to a case (:class:`CaseRole`) is derived from the case:

=================================  ===============================================
case role                          how it is recognised
=================================  ===============================================
``CHILD``                          ``principal.national_id == child.person_id``
``GUARDIAN``                       ``principal.national_id == guardian.person_id``
                                   for a guardian **with** foreldreansvar (for an
                                   expected child also the expecting mother)
``PARENT_WITHOUT_RESPONSIBILITY``  the same match, without foreldreansvar
``PARTICIPANT``                    a current participant with
                                   ``Professional.ref == principal.subject``, or
                                   the same HPR number (and, when both are known,
                                   the same organisation)
``BARNEVERN``                      system role ``barnevern`` for the case's
                                   municipality, or a participant from barnevern
``KOORDINERENDE_ENHET``            system role ``koordinerende-enhet`` for the
                                   case's municipality
``LEADER``                         system role ``leader`` for the municipality
=================================  ===============================================

Guardians and the child are matched on :class:`~barnekoordinator.identifiers.PersonId`
equality (the case stores ``person_id`` on :class:`~barnekoordinator.people.Guardian`
and :class:`~barnekoordinator.people.Child`); a person registered without an id
cannot be recognised and gets no access. A principal may hold several case
roles; the first role (in the order above) whose rule allows wins, otherwise
the first role's denial is returned.

Reading entries, by the child's age on the day of the read (pbrl § 3-4,
§ 4-3; domain.md §6.2):

* **Guardians with foreldreansvar** — under 16 they see every entry except
  those a professional withheld at the child's request (12–16, § 3-4 second
  ledd) or for weighty reasons (§ 3-4 third ledd); from 16 to 18 they see
  health entries only when marked necessary to fulfil foreldreansvaret (§ 3-4
  fourth ledd), while non-health entries stay visible unless withheld (*design
  decision*: foreldreansvar lasts to 18 and the other welfare laws keep parents
  informed); entries marked necessary are always visible up to 18; from 18
  nothing, unless the adult granted the guardian access
  (:class:`~barnekoordinator.access.grants.GuardianAccessGranted`). A
  withholding decision never expires by a birthday.
* **A parent without foreldreansvar** has no guardian rights in the case:
  everything is denied with barneloven § 47 as the reason (the limited right to
  information is served by each service outside the shared case).
* **The child** (*design decision, pending legal review*): under 12 no direct
  access (informed and heard through guardians and professionals, pbrl § 3-1,
  § 4-4 fifth ledd); from 12 the case overview, entries the child wrote,
  entries withheld at the child's own request (the child's own matters, § 4-3 c)
  and general and education entries; from 16 also every health entry (§ 4-3 b);
  from 18 everything (the case is the adult's own). Child-welfare and social
  entries, which often hold information about the parents, are given through
  the service until 18.
* **A professional from service S** reads an entry of section X when S wrote
  it (or the professional did), or when a valid consent covers S and X: a
  SHARE_INFORMATION consent, or for stafettlogg entries also a STAFETTLOGG
  consent (taushetsplikt; domain.md §6.3 rule 5). "Valid" means everyone who
  must consent *on the day of the read* has consented (see
  :mod:`barnekoordinator.access.consent`), so a consent lapses at the 16th and 18th
  birthdays and a withdrawal acts the same day.
* **Koordinerende enhet** reads entries like a service (S = koordinerende enhet)
  and sees the case overview. **Leaders** see the case overview (status and
  deadlines) but no entry content.
* **Barnevernstjenesten** gives consent to necessary health care once it has
  taken over care (pbrl § 4-5); guardians are then refused that consent. It
  reads entries only as a participating service.

Writing: guardians with foreldreansvar (until 18), the child from 12,
participants, koordinerende enhet and leaders may write; the concept commands
then decide *which* change each may make. Consent events are checked further
by :func:`authorise_events` (a family member consents only for themselves; a
professional may record a signed declaration, but only of people entitled to
give it). Every access needs at least *substantial* assurance.
"""

from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Sequence
from datetime import date
from typing import Final

import attrs

from barnekoordinator.access.consent import (
    BARNEVERN,
    ConsentGiven,
    ConsentPurpose,
    ConsentWithdrawn,
    Section,
    ledger,
    required_consenters,
)
from barnekoordinator.access.entries import (
    EntryMeta,
    GuardianVisibility,
    VisibilityChanged,
    entries,
)
from barnekoordinator.access.grants import (
    GuardianAccessGrant,
    GuardianAccessGranted,
    GuardianAccessWithdrawn,
    guardian_access_grants,
)
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import Case, DomainEvent
from barnekoordinator.identifiers import PersonId
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind

__all__ = [
    "MINIMUM_ASSURANCE",
    "AccessAction",
    "AccessDecision",
    "CaseRole",
    "authorise_events",
    "case_roles",
    "decide",
    "is_stafettlogg_entry",
]

MINIMUM_ASSURANCE: Final = AssuranceLevel.SUBSTANTIAL
"""The lowest login assurance that may touch a case (personal and health data)."""


class AccessAction(enum.Enum):
    """What a principal wants to do. Command names that are not listed mean ``WRITE``."""

    READ = "read"
    """Read the case overview (no entry) or one entry."""
    WRITE = "write"
    """Change the case through a command (every command name maps here)."""
    CONSENT = "consent"
    """Give or withdraw consent (optionally for one :class:`ConsentPurpose`)."""
    DECIDE_VISIBILITY = "decide-visibility"
    """Decide an entry's visibility to guardians (a professional's decision)."""
    OPEN = "open"
    """Open a new case."""
    READ_AUDIT = "read-audit"
    """See who has looked at the case."""

    @classmethod
    def of(cls, name: str | AccessAction) -> AccessAction:
        """The action for ``name``; any other command name is a ``WRITE``."""
        if isinstance(name, AccessAction):
            return name
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("action: expected an action or command name")
        return _ACTION_BY_NAME.get(name, cls.WRITE)


_ACTION_BY_NAME: Final = {a.value: a for a in AccessAction}


class CaseRole(enum.Enum):
    """How a principal relates to one case (derived from the case, never stored)."""

    CHILD = "child"
    GUARDIAN = "guardian"
    PARENT_WITHOUT_RESPONSIBILITY = "parent-without-responsibility"
    PARTICIPANT = "participant"
    BARNEVERN = "barnevern"
    KOORDINERENDE_ENHET = "koordinerende-enhet"
    LEADER = "leader"


@attrs.frozen(kw_only=True)
class AccessDecision:
    """The answer of the access policy: allowed or not, why, and on which basis.

    ``reason`` is plain text without personal data; ``basis`` holds legal
    reference keys (:func:`barnekoordinator.legal_basis.ref`).
    """

    allowed: bool
    action: AccessAction
    reason: str
    basis: tuple[str, ...] = ()
    role: CaseRole | None = None
    """The case role the decision was made for (``None``: no role in the case)."""


# --- per-case index (derived from the immutable case value only) ---------------------


class _CaseIndex:
    """Lookups derived from one case value, so a decision never scans the whole case.

    Only facts of the case are indexed — never anything that depends on the day
    or on a principal — so reusing it for the same case value is always exact.
    """

    __slots__ = ("by_hpr", "by_person", "by_ref", "child_person", "former")

    def __init__(self, case: Case) -> None:
        self.by_ref: dict[str, Professional] = {p.ref: p for p in case.participants}
        by_hpr: dict[int, list[Professional]] = {}
        for p in case.participants:
            if p.hpr is not None:
                by_hpr.setdefault(p.hpr.value, []).append(p)
        self.by_hpr: dict[int, tuple[Professional, ...]] = {k: tuple(v) for k, v in by_hpr.items()}
        self.by_person: dict[PersonId, Guardian] = {
            g.person_id: g for g in case.guardians if g.person_id is not None
        }
        child = case.child
        self.child_person: PersonId | None = child.person_id if child is not None else None
        self.former: frozenset[str] = frozenset(case.former_participants)


_INDEXES: dict[int, tuple[weakref.ref[Case], _CaseIndex]] = {}


def _index(case: Case) -> _CaseIndex:
    key = id(case)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is case:
        return hit[1]
    built = _CaseIndex(case)

    def forget(dead: weakref.ref[Case], key: int = key) -> None:
        current = _INDEXES.get(key)
        if current is not None and current[0] is dead:
            del _INDEXES[key]

    _INDEXES[key] = (weakref.ref(case, forget), built)
    return built


@functools.lru_cache(maxsize=64)
def _thresholds(as_of: date) -> tuple[int, int, int]:
    """(withhold-from age 12, health majority 16, majority 18) in force on ``as_of``."""
    return (
        parameter("withhold_from_guardians_from_age").at(as_of),
        parameter("health_majority_age").at(as_of),
        parameter("age_of_majority").at(as_of),
    )


# --- standing: the principal's roles in one case ---------------------------------------


class _Standing:
    """The case roles of one principal in one case, with the matching people."""

    __slots__ = ("guardian", "professional", "roles")

    def __init__(
        self,
        roles: tuple[CaseRole, ...],
        guardian: Guardian | None,
        professional: Professional | None,
    ) -> None:
        self.roles = roles
        self.guardian = guardian
        self.professional = professional


_ROLE_ORDER: Final = tuple(CaseRole)


def _standing(principal: Principal, case: Case, index: _CaseIndex) -> _Standing:
    found: set[CaseRole] = set()
    guardian: Guardian | None = None
    professional: Professional | None = None
    person = principal.national_id
    if person is not None:
        if index.child_person is not None and person == index.child_person:
            found.add(CaseRole.CHILD)
        guardian = index.by_person.get(person)
        if guardian is not None:
            expecting_mother = (
                isinstance(case.subject, ExpectedChild)
                and guardian.relation is GuardianRelation.MOTHER
            )
            if guardian.parental_responsibility or expecting_mother:
                found.add(CaseRole.GUARDIAN)
            else:
                found.add(CaseRole.PARENT_WITHOUT_RESPONSIBILITY)
    professional = index.by_ref.get(principal.subject)
    if professional is None and principal.hpr is not None:
        for candidate in index.by_hpr.get(principal.hpr.value, ()):
            # Acting for another organisation is not acting in this case.
            if principal.organisation is None or principal.organisation == candidate.organisation:
                professional = candidate
                break
    if professional is not None:
        found.add(CaseRole.PARTICIPANT)
        if professional.service is ServiceKind.BARNEVERN:
            found.add(CaseRole.BARNEVERN)
    roles = principal.roles
    if roles and principal.acts_for(case.municipality_number):
        if SystemRole.BARNEVERN in roles:
            found.add(CaseRole.BARNEVERN)
        if SystemRole.KOORDINERENDE_ENHET in roles:
            found.add(CaseRole.KOORDINERENDE_ENHET)
        if SystemRole.LEADER in roles:
            found.add(CaseRole.LEADER)
    ordered = tuple(r for r in _ROLE_ORDER if r in found) if len(found) > 1 else tuple(found)
    return _Standing(ordered, guardian, professional)


def case_roles(principal: Principal, case: Case) -> tuple[CaseRole, ...]:
    """The principal's roles in ``case``, most specific first (empty: no part in it)."""
    return _standing(principal, case, _index(case)).roles


# --- the rules ----------------------------------------------------------------------------


class _Ctx:
    """Everything one decision needs, computed once per call."""

    __slots__ = ("act", "age", "as_of", "case", "principal", "purpose", "settings", "standing")

    def __init__(
        self,
        principal: Principal,
        case: Case,
        act: AccessAction,
        as_of: date,
        settings: MunicipalSettings,
        purpose: ConsentPurpose | None,
        standing: _Standing,
    ) -> None:
        self.principal = principal
        self.case = case
        self.act = act
        self.as_of = as_of
        self.settings = settings
        self.purpose = purpose
        self.standing = standing
        subject = case.subject
        # None: an expected child (no age yet). Before the birth date counts as 0.
        self.age: int | None = (
            (subject.age_on(as_of) if as_of >= subject.birth_date else 0)
            if isinstance(subject, Child)
            else None
        )


def _allow(ctx: _Ctx, role: CaseRole | None, reason: str, *basis: str) -> AccessDecision:
    return AccessDecision(allowed=True, action=ctx.act, reason=reason, basis=basis, role=role)


def _deny(ctx: _Ctx, role: CaseRole | None, reason: str, *basis: str) -> AccessDecision:
    return AccessDecision(allowed=False, action=ctx.act, reason=reason, basis=basis, role=role)


def is_stafettlogg_entry(entry: EntryMeta) -> bool:
    """True for entries of a BTI stafettlogg.

    :mod:`barnekoordinator.coordination.stafettlogg` gives its entries ids ``stafettlogg:…``
    (kinds ``log-note``, ``measure``, ``minutes`` …); a kind ``stafettlogg`` or
    ``stafettlogg.*`` is also recognised.
    """
    kind = entry.kind
    return (
        entry.id.startswith("stafettlogg:")
        or kind == "stafettlogg"
        or kind.startswith(("stafettlogg.", "stafettlogg-"))
    )


_SHARE_BASIS: Final = ("pbrl-4-3", "pbrl-4-4")
_STAFETTLOGG_BASIS: Final = ("bti-stafettlogg",)


def _consent_decision(
    ctx: _Ctx, role: CaseRole, service: ServiceKind, entry: EntryMeta
) -> AccessDecision:
    """A service reads another service's entry only under a covering consent."""
    book = ledger(ctx.case)
    purposes = (
        (ConsentPurpose.STAFETTLOGG, ConsentPurpose.SHARE_INFORMATION)
        if is_stafettlogg_entry(entry)
        else (ConsentPurpose.SHARE_INFORMATION,)
    )
    for purpose in purposes:
        if book.covers(
            ctx.case,
            purpose,
            as_of=ctx.as_of,
            service=service,
            section=entry.section,
            settings=ctx.settings,
        ):
            basis = _STAFETTLOGG_BASIS if purpose is ConsentPurpose.STAFETTLOGG else _SHARE_BASIS
            return _allow(
                ctx,
                role,
                f"a valid {purpose.value} consent covers {service.value} and the "
                f"{entry.section.value} section",
                *basis,
            )
    return _deny(
        ctx,
        role,
        f"no valid consent covers {service.value} for the {entry.section.value} section "
        "(taushetsplikt); the consent is missing, lapsed or withdrawn",
        *_SHARE_BASIS,
    )


def _guardian_entry(ctx: _Ctx, entry: EntryMeta) -> AccessDecision:
    role = CaseRole.GUARDIAN
    vis = entry.visibility
    age = ctx.age
    if age is None:  # expected child: the expecting parents see what is not withheld
        if vis is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST or (
            vis is GuardianVisibility.WITHHELD_WEIGHTY_REASONS
        ):
            return _deny(ctx, role, "the entry is withheld from guardians", "pbrl-3-4")
        return _allow(ctx, role, "expecting parent: sees the case's entries", "pbrl-4-4")
    withhold_from, health_major, major = _thresholds(ctx.as_of)
    if age >= major:
        return _adult_grant(ctx, entry.section)
    if vis is GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY:
        return _allow(
            ctx,
            role,
            "necessary to fulfil foreldreansvaret: given to guardians up to 18 (§ 3-4 fourth ledd)",
            "pbrl-3-4",
        )
    if age >= health_major:
        if entry.section is Section.HEALTH:
            return _deny(
                ctx,
                role,
                "16–18: guardians get only what is necessary to fulfil foreldreansvaret "
                "(§ 3-4; the young person decides, § 4-3 b)",
                "pbrl-3-4",
                "pbrl-4-3",
            )
        if vis is not GuardianVisibility.DEFAULT:
            return _deny(ctx, role, "a decision to withhold the entry stands", "pbrl-3-4")
        return _allow(
            ctx,
            role,
            "16–18: non-health entries stay visible to guardians with foreldreansvar "
            "(design decision)",
            "vergeml-2",
        )
    if vis is GuardianVisibility.WITHHELD_WEIGHTY_REASONS:
        return _deny(
            ctx,
            role,
            "withheld from guardians for weighty reasons concerning the child (§ 3-4 third ledd)",
            "pbrl-3-4",
        )
    if vis is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST:
        # Under the withholding age the flag cannot be set by the command; fail closed.
        reason = (
            "withheld at the child's request for reasons that should be respected "
            "(12–16, § 3-4 second ledd)"
            if age >= withhold_from
            else "the entry is withheld from guardians"
        )
        return _deny(ctx, role, reason, "pbrl-3-4", "pbrl-4-3")
    return _allow(
        ctx,
        role,
        "under 16: guardians with foreldreansvar are informed (§ 3-4 first ledd)",
        "pbrl-3-4",
    )


def _active_grants(ctx: _Ctx) -> tuple[GuardianAccessGrant, ...]:
    guardian = ctx.standing.guardian
    if guardian is None:
        return ()
    return tuple(
        g
        for g in guardian_access_grants(ctx.case)
        if g.guardian_ref == guardian.ref and g.active_on(ctx.as_of)
    )


def _adult_grant(ctx: _Ctx, section: Section | None) -> AccessDecision:
    role = CaseRole.GUARDIAN
    grants = _active_grants(ctx)
    if grants and (section is None or any(section in g.sections for g in grants)):
        return _allow(ctx, role, "the young adult has granted this guardian access", "vergeml-2")
    return _deny(
        ctx,
        role,
        "from 18 guardians have no access without the young adult's consent",
        "vergeml-2",
    )


def _consent_refusal(ctx: _Ctx, role: CaseRole, purpose: ConsentPurpose) -> AccessDecision:
    """Explain why someone in the family may not consent to ``purpose`` today."""
    age = ctx.age
    _, health_major, major = _thresholds(ctx.as_of)
    if (
        purpose is ConsentPurpose.HEALTH_CARE
        and ledger(ctx.case).care_taken_over
        and (age is None or age < health_major)
    ):
        return _deny(
            ctx,
            role,
            "barnevernstjenesten has taken over care: it, not the parents, consents to "
            "necessary health care (pbrl § 4-5)",
            "pbrl-4-5",
        )
    if age is not None and age >= major:
        return _deny(ctx, role, "from 18 the adult consents alone", "vergeml-2", "pbrl-4-3")
    if age is not None and age >= health_major:
        return _deny(ctx, role, "from 16 the young person consents alone (§ 4-3 b)", "pbrl-4-3")
    return _deny(
        ctx,
        role,
        f"not among those who must consent to {purpose.value} on this day",
        "pbrl-4-4",
    )


def _family_consent(ctx: _Ctx, role: CaseRole, own_ref: str) -> AccessDecision:
    purpose = ctx.purpose
    if purpose is None:
        return _allow(ctx, role, "may give or withdraw own consent", "pbrl-4-4")
    required = required_consenters(ctx.case, purpose, as_of=ctx.as_of, settings=ctx.settings)
    if own_ref in required:
        basis = "pbrl-4-5" if own_ref == BARNEVERN else "pbrl-4-4"
        return _allow(
            ctx, role, f"among those who must consent to {purpose.value}", basis, "pbrl-4-3"
        )
    if role is CaseRole.BARNEVERN:
        return _deny(
            ctx,
            role,
            "barnevernstjenesten consents only to necessary health care after taking "
            "over care (pbrl § 4-5)",
            "pbrl-4-5",
        )
    return _consent_refusal(ctx, role, purpose)


def _rule_guardian(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.GUARDIAN
    act = ctx.act
    age = ctx.age
    _, _, major = _thresholds(ctx.as_of)
    adult = age is not None and age >= major
    if act is AccessAction.READ:
        if entry is not None:
            return _guardian_entry(ctx, entry)
        if adult:
            return _adult_grant(ctx, None)
        return _allow(ctx, role, "guardian with foreldreansvar sees the case", "pbrl-3-4")
    if adult:
        return _deny(
            ctx, role, "from 18 guardians have no rights in the case of an adult", "vergeml-2"
        )
    if act is AccessAction.CONSENT:
        guardian = ctx.standing.guardian
        assert guardian is not None
        return _family_consent(ctx, role, guardian.ref)
    if act in (AccessAction.WRITE, AccessAction.READ_AUDIT):
        return _allow(ctx, role, "guardian with foreldreansvar", "pbrl-4-4")
    return _deny(ctx, role, "visibility to guardians is a professional's decision", "pbrl-3-4")


def _rule_parent_without_responsibility(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    return _deny(
        ctx,
        CaseRole.PARENT_WITHOUT_RESPONSIBILITY,
        "a parent without foreldreansvar has no guardian rights in the case; the limited "
        "right to information (barneloven § 47) is served by each service",
        "barnel-47",
    )


_CHILD_OPEN_SECTIONS: Final = frozenset({Section.GENERAL, Section.EDUCATION})


def _child_entry(ctx: _Ctx, entry: EntryMeta, age: int) -> AccessDecision:
    role = CaseRole.CHILD
    _, health_major, _ = _thresholds(ctx.as_of)
    subject = ctx.case.subject
    if subject is not None and entry.author_ref == subject.ref:
        return _allow(ctx, role, "the child reads what the child wrote", "pbrl-3-1")
    if entry.visibility is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST:
        return _allow(
            ctx,
            role,
            "the child's own matter, withheld from guardians at the child's request",
            "pbrl-3-4",
            "pbrl-4-3",
        )
    if entry.section in _CHILD_OPEN_SECTIONS:
        return _allow(
            ctx, role, "from 12 the child reads general and education entries", "pbrl-3-1"
        )
    if entry.section is Section.HEALTH:
        if age >= health_major:
            return _allow(
                ctx, role, "from 16 the young person reads all health entries", "pbrl-4-3"
            )
        return _deny(
            ctx,
            role,
            "under 16 health information is given to the child by health personnel, "
            "adapted to age (§ 3-4 first ledd)",
            "pbrl-3-4",
        )
    return _deny(
        ctx,
        role,
        f"{entry.section.value} entries are given to the child through the service until 18 "
        "(design decision)",
        "pbrl-3-1",
    )


def _rule_child(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.CHILD
    age = ctx.age
    assert age is not None  # an expected child cannot log in
    withhold_from, _, major = _thresholds(ctx.as_of)
    act = ctx.act
    if age >= major:
        if act is AccessAction.CONSENT:
            subject = ctx.case.subject
            assert subject is not None
            return _family_consent(ctx, role, subject.ref)
        if act is AccessAction.DECIDE_VISIBILITY:
            return _deny(ctx, role, "visibility decisions are made by professionals", "pbrl-3-4")
        return _allow(ctx, role, "the adult's own case", "vergeml-2")
    if age < withhold_from:
        return _deny(
            ctx,
            role,
            "children under 12 are informed and heard through their guardians and the "
            "professionals",
            "pbrl-3-1",
            "pbrl-4-4",
        )
    if act is AccessAction.READ:
        if entry is None:
            return _allow(ctx, role, "from 12 the child sees the case overview", "pbrl-3-1")
        return _child_entry(ctx, entry, age)
    if act is AccessAction.CONSENT:
        subject = ctx.case.subject
        assert subject is not None
        return _family_consent(ctx, role, subject.ref)
    if act in (AccessAction.WRITE, AccessAction.READ_AUDIT):
        return _allow(ctx, role, "from 12 the child takes part (medvirkning)", "pbrl-3-1")
    return _deny(ctx, role, "not an action for the child before 18", "pbrl-3-1")


def _rule_service(
    ctx: _Ctx, entry: EntryMeta | None, role: CaseRole, service: ServiceKind, ref: str
) -> AccessDecision:
    act = ctx.act
    if act is AccessAction.READ:
        if entry is None:
            return _allow(ctx, role, "takes part in the cooperation around the child", "hotl-3-4")
        if entry.author_ref in (ref, ctx.principal.subject):
            return _allow(ctx, role, "the author reads own entry")
        if entry.author_service is service:
            return _allow(ctx, role, f"written by the reader's own service ({service.value})")
        return _consent_decision(ctx, role, service, entry)
    if act is AccessAction.WRITE:
        return _allow(ctx, role, "takes part in the cooperation around the child", "hotl-3-4")
    if act is AccessAction.CONSENT:
        return _allow(
            ctx,
            role,
            "records a consent declaration given by those entitled to give it",
            "pbrl-4-4",
        )
    if act is AccessAction.DECIDE_VISIBILITY:
        if role is not CaseRole.PARTICIPANT:
            return _deny(
                ctx, role, "only a professional taking part decides visibility", "pbrl-3-4"
            )
        professional = ctx.standing.professional
        health_personnel = ctx.principal.hpr is not None or (
            professional is not None and professional.hpr is not None
        )
        if entry is not None and entry.section is Section.HEALTH and not health_personnel:
            return _deny(
                ctx, role, "visibility of health entries is decided by health personnel", "pbrl-3-4"
            )
        return _allow(ctx, role, "a professional's decision on visibility to guardians", "pbrl-3-4")
    if act is AccessAction.READ_AUDIT and role is CaseRole.KOORDINERENDE_ENHET:
        return _allow(ctx, role, "internal control of access to the case", "hotl-7-3")
    return _deny(ctx, role, "the family's view of who has looked at the case")


def _rule_participant(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    professional = ctx.standing.professional
    assert professional is not None
    return _rule_service(ctx, entry, CaseRole.PARTICIPANT, professional.service, professional.ref)


def _rule_koordinerende_enhet(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    return _rule_service(
        ctx,
        entry,
        CaseRole.KOORDINERENDE_ENHET,
        ServiceKind.KOORDINERENDE_ENHET,
        ctx.principal.subject,
    )


def _rule_leader(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.LEADER
    act = ctx.act
    if act is AccessAction.READ:
        if entry is None:
            return _allow(
                ctx, role, "a leader sees status and deadlines of the municipality's cases"
            )
        return _deny(
            ctx,
            role,
            "leaders see status and deadlines, not entry content; take part in the case to read",
        )
    if act is AccessAction.WRITE:
        return _allow(ctx, role, "a leader may assign responsibility in the municipality's cases")
    return _deny(ctx, role, "not an action for a leader")


def _rule_barnevern(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.BARNEVERN
    act = ctx.act
    care = ledger(ctx.case).care_taken_over
    if act is AccessAction.CONSENT:
        if ctx.purpose is None:
            if care:
                return _allow(ctx, role, "consents after taking over care", "pbrl-4-5")
        else:
            return _family_consent(ctx, role, BARNEVERN)
    if act is AccessAction.READ and entry is None and care:
        return _allow(ctx, role, "barnevernstjenesten has taken over care", "pbrl-4-5")
    return _deny(
        ctx,
        role,
        "barnevernstjenesten reads and writes as a participating service; it consents to "
        "necessary health care after taking over care (pbrl § 4-5)",
        "pbrl-4-5",
    )


_RULES: Final = {
    CaseRole.CHILD: _rule_child,
    CaseRole.GUARDIAN: _rule_guardian,
    CaseRole.PARENT_WITHOUT_RESPONSIBILITY: _rule_parent_without_responsibility,
    CaseRole.PARTICIPANT: _rule_participant,
    CaseRole.BARNEVERN: _rule_barnevern,
    CaseRole.KOORDINERENDE_ENHET: _rule_koordinerende_enhet,
    CaseRole.LEADER: _rule_leader,
}

_DEFAULT_SETTINGS: Final = MunicipalSettings()


_OPENING_ROLES: Final = frozenset(
    {SystemRole.CASEWORKER, SystemRole.KOORDINERENDE_ENHET, SystemRole.LEADER}
)


def _decide_open(ctx: _Ctx) -> AccessDecision:
    """Who may open a case: the municipality's staff, a guardian applying, the adult."""
    principal = ctx.principal
    roles = ctx.standing.roles
    if principal.acts_for(ctx.case.municipality_number) and not _OPENING_ROLES.isdisjoint(
        principal.roles
    ):
        return _allow(ctx, None, "opens cases for the municipality", "hotl-3-4")
    _, _, major = _thresholds(ctx.as_of)
    adult = ctx.age is not None and ctx.age >= major
    if CaseRole.GUARDIAN in roles and not adult:
        return _allow(ctx, CaseRole.GUARDIAN, "a guardian with foreldreansvar applies", "pbrl-4-4")
    if CaseRole.CHILD in roles and adult:
        return _allow(ctx, CaseRole.CHILD, "the adult applies in own case", "vergeml-2")
    if CaseRole.PARENT_WITHOUT_RESPONSIBILITY in roles:
        return _rule_parent_without_responsibility(ctx, None)
    return _deny(
        ctx,
        roles[0] if roles else None,
        "opening a case needs a municipal role (caseworker, koordinerende enhet, leader) "
        "or a guardian with foreldreansvar",
    )


def _no_role(ctx: _Ctx) -> AccessDecision:
    if ctx.principal.subject in _index(ctx.case).former:
        return _deny(ctx, None, "no longer takes part in the case (left it)")
    return _deny(ctx, None, "no part in this case")


def decide(
    principal: Principal,
    case: Case,
    action: str | AccessAction,
    entry: EntryMeta | None,
    as_of: date,
    *,
    settings: MunicipalSettings | None = None,
    purpose: ConsentPurpose | None = None,
) -> AccessDecision:
    """May ``principal`` perform ``action`` on ``case`` (or on ``entry``) on ``as_of``?

    ``entry=None`` asks about the case as a whole (its overview for ``READ``).
    ``purpose`` narrows ``AccessAction.CONSENT`` to one consent purpose. Denies by
    default; see the module documentation for the rules. Pure: no I/O, no clock.
    """
    act = AccessAction.of(action)
    if not principal.assurance.at_least(MINIMUM_ASSURANCE):
        return AccessDecision(
            allowed=False,
            action=act,
            reason=f"login assurance {principal.assurance.value} is below "
            f"{MINIMUM_ASSURANCE.value}",
        )
    if case.subject is None:
        return AccessDecision(allowed=False, action=act, reason="the case has not been opened")
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, act, as_of, settings or _DEFAULT_SETTINGS, purpose, standing)
    if act is AccessAction.OPEN:
        return _decide_open(ctx)
    if not standing.roles:
        return _no_role(ctx)
    first_denial: AccessDecision | None = None
    for role in standing.roles:
        decision = _RULES[role](ctx, entry)
        if decision.allowed:
            return decision
        if first_denial is None:
            first_denial = decision
    assert first_denial is not None
    return first_denial


# --- checking what a command produced ------------------------------------------------------

_RECORDERS: Final = frozenset({CaseRole.PARTICIPANT, CaseRole.KOORDINERENDE_ENHET})


def _own_refs(principal: Principal, case: Case, standing: _Standing) -> frozenset[str]:
    """The consenter refs a family principal speaks for: own guardian ref, the child, barnevern."""
    refs: set[str] = set()
    if CaseRole.GUARDIAN in standing.roles and standing.guardian is not None:
        refs.add(standing.guardian.ref)
    if CaseRole.CHILD in standing.roles and case.subject is not None:
        refs.add(case.subject.ref)
    if CaseRole.BARNEVERN in standing.roles:
        refs.add(BARNEVERN)
    return frozenset(refs)


def _explain_giver(ctx: _Ctx, giver: str, purpose: ConsentPurpose) -> AccessDecision:
    """Why ``giver`` may not give consent of ``purpose`` today (by role, no personal data)."""
    guardian = ctx.case.guardian(giver)
    role = ctx.standing.roles[0] if ctx.standing.roles else None
    if (
        guardian is not None
        and not guardian.parental_responsibility
        and not (
            isinstance(ctx.case.subject, ExpectedChild)
            and guardian.relation is GuardianRelation.MOTHER
        )
    ):
        return _deny(
            ctx,
            role,
            "a parent without foreldreansvar cannot consent on the child's behalf",
            "barnel-47",
            "pbrl-4-4",
        )
    if giver == BARNEVERN:
        return _deny(
            ctx,
            role,
            "barnevernstjenesten consents only to necessary health care after taking over "
            "care (pbrl § 4-5)",
            "pbrl-4-5",
        )
    return _consent_refusal(ctx, role if role is not None else CaseRole.GUARDIAN, purpose)


def _event_decision(
    principal: Principal,
    case: Case,
    event: DomainEvent,
    as_of: date,
    settings: MunicipalSettings,
    plain_writes: AccessDecision | None,
) -> AccessDecision:
    standing = _standing(principal, case, _index(case))
    if isinstance(event, ConsentGiven):
        consent = event.consent
        decision = decide(
            principal,
            case,
            AccessAction.CONSENT,
            None,
            as_of,
            settings=settings,
            purpose=consent.purpose,
        )
        if not decision.allowed:
            return decision
        ctx = _Ctx(
            principal, case, AccessAction.CONSENT, as_of, settings, consent.purpose, standing
        )
        if _RECORDERS.isdisjoint(standing.roles):
            foreign = consent.given_by - _own_refs(principal, case, standing)
            if foreign:
                return _deny(
                    ctx,
                    decision.role,
                    "a family member gives consent only on their own behalf",
                    "pbrl-4-4",
                )
        required = required_consenters(case, consent.purpose, as_of=as_of, settings=settings)
        for giver in sorted(consent.given_by - required):
            return _explain_giver(ctx, giver, consent.purpose)
        return decision
    if isinstance(event, ConsentWithdrawn):
        decision = decide(principal, case, AccessAction.CONSENT, None, as_of, settings=settings)
        if not decision.allowed:
            return decision
        if _RECORDERS.isdisjoint(standing.roles) and event.by not in _own_refs(
            principal, case, standing
        ):
            return AccessDecision(
                allowed=False,
                action=AccessAction.CONSENT,
                reason="a family member withdraws consent only on their own behalf",
                basis=("pbrl-4-4",),
                role=decision.role,
            )
        return decision
    if isinstance(event, VisibilityChanged):
        meta = next((e.meta for e in entries(case) if e.meta.id == event.entry_id), None)
        decision = decide(
            principal, case, AccessAction.DECIDE_VISIBILITY, meta, as_of, settings=settings
        )
        if not decision.allowed:
            return decision
        professional = standing.professional
        if professional is None or professional.ref != event.decided_by:
            return AccessDecision(
                allowed=False,
                action=AccessAction.DECIDE_VISIBILITY,
                reason="a professional records only their own visibility decisions",
                basis=("pbrl-3-4",),
                role=decision.role,
            )
        return decision
    if isinstance(event, GuardianAccessGranted | GuardianAccessWithdrawn):
        ctx = _Ctx(principal, case, AccessAction.CONSENT, as_of, settings, None, standing)
        _, _, major = _thresholds(as_of)
        if not principal.assurance.at_least(MINIMUM_ASSURANCE):
            return decide(principal, case, AccessAction.CONSENT, None, as_of, settings=settings)
        if CaseRole.CHILD in standing.roles and ctx.age is not None and ctx.age >= major:
            return _allow(
                ctx, CaseRole.CHILD, "the young adult decides who may see the case", "vergeml-2"
            )
        recorder = next((r for r in standing.roles if r in _RECORDERS), None)
        if recorder is not None:
            return _allow(ctx, recorder, "records the young adult's signed consent", "vergeml-2")
        return _deny(
            ctx,
            standing.roles[0] if standing.roles else None,
            "only the young adult decides whether former guardians may see the case",
            "vergeml-2",
        )
    if plain_writes is not None:
        return plain_writes
    return decide(principal, case, AccessAction.WRITE, None, as_of, settings=settings)


def authorise_events(
    principal: Principal,
    case: Case,
    events: Sequence[DomainEvent],
    as_of: date,
    *,
    settings: MunicipalSettings | None = None,
    plain_writes: AccessDecision | None = None,
) -> AccessDecision:
    """May ``principal`` record ``events`` (what a command produced) in ``case`` on ``as_of``?

    Each event is checked on its own: consent events as ``CONSENT`` for their
    purpose (a family member consents only for themselves; a professional may
    record a declaration, but only of people entitled to give it on that day),
    visibility decisions as ``DECIDE_VISIBILITY`` by the deciding professional,
    the young adult's grants by the young adult, everything else as ``WRITE``.
    Returns the first denial, or one allowing decision with the combined reasons
    and legal basis.

    ``plain_writes``, when given, is the decision that covers ordinary events
    instead of ``WRITE`` — the Casebook passes the ``OPEN`` decision for the
    events that found a case (e.g. the opener adding the first participants);
    consent, visibility and grant events are still checked one by one.
    """
    chosen = settings or _DEFAULT_SETTINGS
    allowed: list[AccessDecision] = []
    for event in events:
        decision = _event_decision(principal, case, event, as_of, chosen, plain_writes)
        if not decision.allowed:
            return decision
        allowed.append(decision)
    if not allowed:
        return AccessDecision(allowed=True, action=AccessAction.WRITE, reason="nothing to record")
    reasons = list(dict.fromkeys(d.reason for d in allowed))
    basis = tuple(dict.fromkeys(b for d in allowed for b in d.basis))
    actions = {d.action for d in allowed}
    return AccessDecision(
        allowed=True,
        action=allowed[0].action if len(actions) == 1 else AccessAction.WRITE,
        reason="; ".join(reasons),
        basis=basis,
        role=allowed[0].role,
    )

"""Roles and duties: who must do what in a case, as checkable obligations.

Every role in the cooperation around a child (domain.md §2.4, §3.4, §7.4) comes with duties, and
every duty rests on a legal source. The duties are listed in
[`DUTIES`][barnekoordinator.coordination.roles.DUTIES]; what they mean *today* for one case is
computed by [`obligations()`][barnekoordinator.coordination.roles.obligations], which asks every
concept module what is due, overdue or unmet (an evaluation date passed, a meeting without minutes,
a nivå-0 decision past its deadline, a handover pending too long, a stafettlogg without a holder,
the right to individuell plan not offered, an 18th birthday ahead …).

Concept modules name the functions that list their obligations and role holders in the
``obligation_sources`` and ``role_sources`` of their
[`Concept`][barnekoordinator.history.concept.Concept]; a case reads them from the catalogue it
carries, so this module depends on none of them (entries work the same way).

Two roles are *granted* rather than derived from other facts: a leader (styrer, rektor, enhetsleder
— who may withdraw a handover or assign a stafettholder) and the koordinerende enhet (which appoints
coordinators). They are recorded with
[`grant_role()`][barnekoordinator.coordination.roles.grant_role] /
[`revoke_role()`][barnekoordinator.coordination.roles.revoke_role].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TypedDict

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput, NotResponsible, RuleViolation
from barnekoordinator.history.case import ADMINISTRATION, Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.legal_basis import LegalReference, refs
from barnekoordinator.people import ProviderKind
from barnekoordinator.services import SERVICES
from barnekoordinator.texts import text

__all__ = [
    "DUTIES",
    "ROLES_CONCEPT",
    "CheckContext",
    "Duty",
    "Obligation",
    "ObligationStatus",
    "ObligationWords",
    "Role",
    "RoleAssignment",
    "RoleGranted",
    "RoleRevoked",
    "duties_of",
    "duty",
    "grant_role",
    "granted",
    "is_leader",
    "obligations",
    "revoke_role",
    "roles",
    "roles_of",
    "worded",
]

_KEY = "roles"


class Role(enum.Enum):
    """A role someone holds in a case."""

    BARNEKOORDINATOR = "barnekoordinator"
    """Statutory coordinator for the family (hotl § 7-2 a)."""
    KOORDINATOR = "koordinator"
    """Statutory coordinator for the patient/user (hotl § 7-2)."""
    STAFETTHOLDER = "stafettholder"
    """Holds the BTI baton: coordination responsibility while a stafettlogg is open."""
    GUARDIAN = "guardian"
    """A guardian with foreldreansvar."""
    CHILD = "child"
    """The child or young person the case is about."""
    SERVICE_PROVIDER = "service-provider"
    """A professional of a welfare service taking part in the case."""
    KOORDINERENDE_ENHET = "koordinerende-enhet"
    """The municipality's coordinating unit (hotl § 7-3); appoints coordinators."""
    LEADER = "leader"
    """A leader (styrer, rektor, enhetsleder) who may assign or withdraw the baton."""


_GRANTABLE = frozenset({Role.LEADER, Role.KOORDINERENDE_ENHET})


class ObligationStatus(enum.Enum):
    """How pressing an obligation is on the day it is checked."""

    DUE = "due"
    """The due date is today or within the look-ahead."""
    OVERDUE = "overdue"
    """The due date has passed."""
    UNMET = "unmet"
    """A standing requirement is not fulfilled (no date to wait for)."""


@attrs.frozen(kw_only=True)
class Duty:
    """One duty of a role, with its text (nb, nn, en, from the catalogue) and legal basis keys."""

    code: str
    role: Role
    basis: tuple[str, ...]

    @property
    def text_nb(self) -> str:
        """The duty in bokmål (catalogue key ``duty.<code>``)."""
        return text(f"duty.{self.code}").nb

    @property
    def text_nn(self) -> str:
        """The duty in nynorsk."""
        return text(f"duty.{self.code}").nn

    @property
    def text_en(self) -> str:
        """The duty in English."""
        return text(f"duty.{self.code}").en

    @property
    def references(self) -> tuple[LegalReference, ...]:
        """The legal references the duty rests on."""
        return refs(*self.basis)


def _d(code: str, role: Role, *basis: str) -> Duty:
    return Duty(code=code, role=role, basis=basis)


_BK, _K, _S = Role.BARNEKOORDINATOR, Role.KOORDINATOR, Role.STAFETTHOLDER

DUTIES: tuple[Duty, ...] = (
    # hotl § 7-2 a second ledd, letters a–e (domain.md §2.4)
    _d(
        "barnekoordinator.a",
        _BK,
        "hotl-7-2-a",
    ),
    _d(
        "barnekoordinator.b",
        _BK,
        "hotl-7-2-a",
    ),
    _d(
        "barnekoordinator.c",
        _BK,
        "hotl-7-2-a",
    ),
    _d(
        "barnekoordinator.d",
        _BK,
        "hotl-7-2-a",
    ),
    _d(
        "barnekoordinator.e",
        _BK,
        "hotl-7-2-a",
    ),
    # hotl § 7-2 (domain.md §2.3)
    _d(
        "koordinator.follow-up",
        _K,
        "hotl-7-2",
    ),
    _d(
        "koordinator.samordning",
        _K,
        "hotl-7-2",
    ),
    _d(
        "koordinator.ip-progress",
        _K,
        "hotl-7-2",
        "ip-forskriften-innhold",
    ),
    # BTI stafettholder (domain.md §7.4, practice)
    _d(
        "stafettholder.meetings",
        _S,
        "bti-stafettholder",
    ),
    _d(
        "stafettholder.log",
        _S,
        "bti-stafettholder",
        "bti-stafettlogg",
    ),
    _d(
        "stafettholder.deadlines",
        _S,
        "bti-stafettholder",
    ),
    _d(
        "stafettholder.involve",
        _S,
        "bti-stafettholder",
        "bk-art-12",
    ),
    _d(
        "stafettholder.keep-baton",
        _S,
        "bti-stafettholder",
    ),
    _d(
        "stafettholder.consent",
        _S,
        "bti-stafettlogg",
        "arkivl",
    ),
    # guardians and child
    _d(
        "guardian.consent",
        Role.GUARDIAN,
        "pbrl-4-4",
    ),
    _d(
        "child.heard",
        Role.CHILD,
        "bk-art-12",
        "pbrl-3-1",
        "pbrl-4-4",
    ),
    # service providers
    _d(
        "service.cooperate",
        Role.SERVICE_PROVIDER,
        "hotl-3-4",
        "veileder-samordningsplikt",
    ),
    _d(
        "service.measure",
        Role.SERVICE_PROVIDER,
        "bti-stafettlogg",
    ),
    _d(
        "service.nivaa0",
        Role.SERVICE_PROVIDER,
        "bti-niva-0",
    ),
    _d(
        "service.handover-answer",
        Role.SERVICE_PROVIDER,
        "bti-stafettholder",
    ),
    _d(
        "service.individual-plan",
        Role.SERVICE_PROVIDER,
        "ip-forskriften",
        "hotl-7-1",
    ),
    # koordinerende enhet and leaders
    _d(
        "ke.appoint",
        Role.KOORDINERENDE_ENHET,
        "hotl-7-3",
        "hab-forskriften-6",
    ),
    _d(
        "ke.individual-plan",
        Role.KOORDINERENDE_ENHET,
        "hotl-7-3",
        "pbrl-2-5",
        "hotl-7-1",
    ),
    _d(
        "ke.samordning",
        Role.KOORDINERENDE_ENHET,
        "veileder-samordningsplikt",
        "hotl-3-4",
    ),
    _d(
        "ke.complaint",
        Role.KOORDINERENDE_ENHET,
        "pbrl-7-2",
        "pbrl-7-3",
        "fvl-33",
    ),
    _d(
        "leader.baton",
        Role.LEADER,
        "bti-stafettholder",
    ),
)
"""Every duty, by role, with its legal basis."""

_DUTY_BY_CODE: Mapping[str, Duty] = {d.code: d for d in DUTIES}


def duty(code: str) -> Duty:
    """The duty with this code; [`InvalidInput`][barnekoordinator.errors.InvalidInput] names the
    known codes.
    """
    try:
        return _DUTY_BY_CODE[code]
    except KeyError:
        raise InvalidInput(
            f"unknown duty {code!r}; known: {', '.join(sorted(_DUTY_BY_CODE))}"
        ) from None


def duties_of(role: Role) -> tuple[Duty, ...]:
    """The duties of one role, in catalogue order."""
    return tuple(d for d in DUTIES if d.role is role)


@attrs.frozen(kw_only=True)
class Obligation:
    """Something someone must do in a case: who, what, by when, how pressing, why.

    ``subject`` names what the obligation is about (a tiltak id, a meeting id,
    ``"stafettholder"`` …) so that a caller can link to it; together with
    ``code`` it identifies the obligation within the case.
    """

    code: str
    """Stable kind, e.g. ``"stafettlogg.evaluation"``."""
    duty: str
    """Code of the [`Duty`][barnekoordinator.coordination.roles.Duty] the obligation comes from."""
    role: Role
    actor_ref: str | None
    """Who must act (case-local ref), or ``None`` when nobody holds the role."""
    subject: str
    due: date | None
    status: ObligationStatus
    text_nb: str
    text_en: str
    basis: tuple[LegalReference, ...]
    text_nn: str
    """Nynorsk (required: no fallback to bokmål, decision 28)."""

    def text(self, lang: str = "nb") -> str:
        """The obligation in bokmål (``"nb"``, the default), nynorsk (``"nn"``) or English."""
        if lang == "en":
            return self.text_en
        if lang == "nn":
            return self.text_nn
        if lang == "nb":
            return self.text_nb
        raise InvalidInput(f"lang: expected 'nb', 'nn' or 'en', got {lang!r}")


class ObligationWords(TypedDict):
    """An obligation's text in the three languages, as keyword arguments of
    [`CheckContext.make()`][barnekoordinator.coordination.roles.CheckContext.make]."""

    text_nb: str
    text_nn: str
    text_en: str


def worded(key: str, **values: object) -> ObligationWords:
    """The catalogued text ``key`` with ``values`` filled in, in nb, nn and en:
    ``ctx.make(..., **worded("obligation.tiltak-overdue", id=t.id))``."""
    found = text(key)
    return ObligationWords(
        text_nb=found.format("nb", **values),
        text_nn=found.format("nn", **values),
        text_en=found.format("en", **values),
    )


@attrs.frozen(kw_only=True)
class CheckContext:
    """The day and settings obligations are checked against."""

    as_of: date
    settings: MunicipalSettings
    horizon_days: int = 14
    """How far ahead a dated obligation counts as due."""

    def status_for(self, due: date) -> ObligationStatus | None:
        """``OVERDUE`` after ``due``, ``DUE`` up to ``horizon_days`` before it, else ``None``."""
        if self.as_of > due:
            return ObligationStatus.OVERDUE
        if due - self.as_of <= timedelta(days=self.horizon_days):
            return ObligationStatus.DUE
        return None

    def dated(
        self,
        *,
        code: str,
        duty_code: str,
        actor_ref: str | None,
        subject: str,
        due: date,
        text_nb: str,
        text_en: str,
        role: Role | None = None,
        text_nn: str,
        extra_basis: tuple[str, ...] = (),
    ) -> Obligation | None:
        """An obligation with a due date, or ``None`` while it is not yet due."""
        status = self.status_for(due)
        if status is None:
            return None
        return self.make(
            code=code,
            duty_code=duty_code,
            actor_ref=actor_ref,
            subject=subject,
            due=due,
            status=status,
            text_nb=text_nb,
            text_en=text_en,
            role=role,
            extra_basis=extra_basis,
            text_nn=text_nn,
        )

    def undated(
        self,
        *,
        code: str,
        duty_code: str,
        actor_ref: str | None,
        subject: str,
        text_nb: str,
        text_en: str,
        text_nn: str,
        extra_basis: tuple[str, ...] = (),
    ) -> Obligation:
        """A standing requirement (``UNMET``, no date): for concepts outside this wing, which
        reach the statuses through this context rather than by importing them."""
        return self.make(
            code=code,
            duty_code=duty_code,
            actor_ref=actor_ref,
            subject=subject,
            due=None,
            status=ObligationStatus.UNMET,
            text_nb=text_nb,
            text_en=text_en,
            extra_basis=extra_basis,
            text_nn=text_nn,
        )

    def actors(self, case: Case, duty_code: str) -> tuple[str | None, ...]:
        """Who must act on ``duty_code`` in ``case``: the holders of its granted role (leader,
        koordinerende enhet), sorted, or ``(None,)`` when nobody holds it."""
        role = duty(duty_code).role
        if role not in _GRANTABLE:
            return (None,)
        return tuple(sorted(granted(case, role))) or (None,)

    def make(
        self,
        *,
        code: str,
        duty_code: str,
        actor_ref: str | None,
        subject: str,
        due: date | None,
        status: ObligationStatus,
        text_nb: str,
        text_en: str,
        role: Role | None = None,
        text_nn: str,
        extra_basis: tuple[str, ...] = (),
    ) -> Obligation:
        """An obligation of the given status; role and basis come from the duty."""
        d = duty(duty_code)
        return Obligation(
            code=code,
            duty=duty_code,
            role=role or d.role,
            actor_ref=actor_ref,
            subject=subject,
            due=due,
            status=status,
            text_nb=text_nb,
            text_en=text_en,
            basis=refs(*dict.fromkeys((*d.basis, *extra_basis))),
            text_nn=text_nn,
        )


@attrs.frozen(kw_only=True)
class RoleAssignment:
    """Someone holding a role in a case, since when and on which basis."""

    role: Role
    ref: str
    since: date | None = None
    basis: tuple[str, ...] = ()

    @property
    def duties(self) -> tuple[Duty, ...]:
        """The duties that come with the role."""
        return duties_of(self.role)


_STATUS_ORDER = {ObligationStatus.OVERDUE: 0, ObligationStatus.UNMET: 1, ObligationStatus.DUE: 2}


def obligations(
    case: Case,
    as_of: date,
    settings: MunicipalSettings | None = None,
    *,
    horizon_days: int = 14,
) -> tuple[Obligation, ...]:
    """Everything due, overdue or unmet in ``case`` on ``as_of``.

    Ordered overdue first, then unmet, then due; within each by due date and
    code. ``horizon_days`` is how far ahead a dated duty counts as due.
    """
    if horizon_days < 0:
        raise InvalidInput("horizon_days: expected 0 or more")
    ctx = CheckContext(
        as_of=as_of, settings=settings or MunicipalSettings(), horizon_days=horizon_days
    )
    if not case.is_open:
        return ()
    found: list[Obligation] = [
        o for source in case.catalogue.obligation_sources for o in source(case, ctx)
    ]
    found.sort(
        key=lambda o: (_STATUS_ORDER[o.status], o.due or date.max, o.code, o.subject, o.role.value)
    )
    return tuple(found)


# --- granted roles ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RoleGranted(DomainEvent):
    """A professional was given a granted role (leader, koordinerende enhet) in the case."""

    TYPE = "roles.granted"
    LEGAL_BASIS = ("hotl-7-3",)
    ADMINISTERED_BY = ADMINISTRATION
    ref: str
    role: Role
    by: str
    on: date

    def write_problem(self) -> str | None:
        """Only what ``grant_role`` grants; other roles follow from the case."""
        if self.role not in _GRANTABLE:
            return f"role: only {', '.join(sorted(r.value for r in _GRANTABLE))} are granted"
        return super().write_problem()


@attrs.frozen(kw_only=True)
class RoleRevoked(DomainEvent):
    """A granted role was taken away."""

    TYPE = "roles.revoked"
    ADMINISTERED_BY = ADMINISTRATION
    ref: str
    role: Role
    by: str
    on: date


def _grants(case: Case) -> frozenset[tuple[str, Role]]:
    empty: frozenset[tuple[str, Role]] = frozenset()
    return case.part(_KEY, empty)


def _granted(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, RoleGranted)
    return case.with_part(_KEY, _grants(case) | {(e.ref, e.role)})


def _revoked(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, RoleRevoked)
    return case.with_part(_KEY, _grants(case) - {(e.ref, e.role)})


def granted(case: Case, role: Role) -> frozenset[str]:
    """Refs holding a granted role who still take part in the case."""
    return frozenset(
        ref for ref, r in _grants(case) if r is role and case.participant(ref) is not None
    )


def is_leader(case: Case, ref: str) -> bool:
    """True when ``ref`` is a leader taking part in the case."""
    return ref in granted(case, Role.LEADER)


def grant_role(case: Case, *, ref: str, role: Role, by: str, as_of: date) -> RoleGranted:
    """Command: grant a leader or koordinerende-enhet role to a professional in the case."""
    case.require_open()
    if role not in _GRANTABLE:
        raise InvalidInput(
            f"role: only {', '.join(sorted(r.value for r in _GRANTABLE))} are granted; "
            "other roles follow from the case (appointments, the baton, foreldreansvar)"
        )
    if case.participant(ref) is None:
        raise NotResponsible(f"case {case.id}: {ref} does not take part in the case")
    if (ref, role) in _grants(case):
        raise RuleViolation(f"case {case.id}: {ref} already holds the role {role.value}")
    return RoleGranted(ref=ref, role=role, by=by, on=as_of)


def revoke_role(case: Case, *, ref: str, role: Role, by: str, as_of: date) -> RoleRevoked:
    """Command: take a granted role away."""
    case.require_open()
    if (ref, role) not in _grants(case):
        raise RuleViolation(f"case {case.id}: {ref} does not hold the role {role.value}")
    return RoleRevoked(ref=ref, role=role, by=by, on=as_of)


# --- who holds which role -------------------------------------------------------------


def _core_roles(case: Case, as_of: date) -> Iterable[RoleAssignment]:
    for g in case.with_responsibility():
        yield RoleAssignment(role=Role.GUARDIAN, ref=g.ref, basis=("pbrl-4-4",))
    if case.subject is not None:
        yield RoleAssignment(role=Role.CHILD, ref=case.subject.ref, basis=("bk-art-12",))
    for p in case.participants:
        # A privately engaged professional is no «tjenesteyter» of the cooperation clauses: no
        # duty to cooperate binds them; they take part only as far as consent reaches.
        basis = (
            ("prop-100-l-tjenesteytere",)
            if p.provider is ProviderKind.PRIVATE
            else (SERVICES[p.service].cooperation_duty_on(as_of).key,)
        )
        yield RoleAssignment(role=Role.SERVICE_PROVIDER, ref=p.ref, basis=basis)
    for ref, role in sorted(_grants(case), key=lambda g: (g[0], g[1].value)):
        if case.participant(ref) is not None:
            yield RoleAssignment(role=role, ref=ref, basis=duties_of(role)[0].basis)


def roles(case: Case, as_of: date) -> tuple[RoleAssignment, ...]:
    """Everyone holding a role in the case on ``as_of``."""
    found: tuple[RoleAssignment, ...] = tuple(
        a for source in case.catalogue.role_sources for a in source(case, as_of)
    )
    return found


def roles_of(case: Case, ref: str, as_of: date) -> frozenset[Role]:
    """The roles ``ref`` holds in the case on ``as_of``."""
    return frozenset(a.role for a in roles(case, as_of) if a.ref == ref)


ROLES_CONCEPT = Concept(
    name="roles",
    events=(
        RoleGranted,
        RoleRevoked,
    ),
    evolvers={
        RoleGranted: _granted,
        RoleRevoked: _revoked,
    },
    role_sources=(_core_roles,),
)

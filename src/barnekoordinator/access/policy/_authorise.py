"""Checking what a command produced: each event against the policy, by its kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from barnekoordinator.access.consent import (
    BARNEVERN,
    ConsentGiven,
    ConsentPartlyWithdrawn,
    ConsentPurpose,
    ConsentWithdrawn,
    entitled_consenters,
    ledger,
    withdrawable_sections,
)
from barnekoordinator.access.entries import VisibilityChanged, entries
from barnekoordinator.access.grants import GuardianAccessGranted, GuardianAccessWithdrawn
from barnekoordinator.access.policy._acts import family_act_decision, family_write_decision
from barnekoordinator.access.policy._context import _allow, _Ctx, _deny, _thresholds
from barnekoordinator.access.policy._decide import _DEFAULT_SETTINGS, decide
from barnekoordinator.access.policy._family import _consent_refusal
from barnekoordinator.access.policy._records import record_decision
from barnekoordinator.access.policy._standing import _index, _Standing, _standing
from barnekoordinator.access.policy._values import (
    AccessAction,
    AccessDecision,
    CaseRole,
    needed_assurance,
)
from barnekoordinator.access.principal import Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.history.case import Case, DomainEvent
from barnekoordinator.people import ExpectedChild, GuardianRelation

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
    """The decision on one event: by its kind, or as a plain write."""
    if isinstance(event, ConsentGiven):
        return _consent_given(principal, case, event, as_of, settings)
    if isinstance(event, ConsentWithdrawn):
        return _consent_withdrawn(principal, case, event, as_of, settings)
    if isinstance(event, VisibilityChanged):
        return _visibility_changed(principal, case, event, as_of, settings)
    if isinstance(event, GuardianAccessGranted | GuardianAccessWithdrawn):
        return _guardian_grant(principal, case, as_of, settings)
    standing = _standing(principal, case, _index(case))
    own = _own_refs(principal, case, standing)
    decision = (
        record_decision(principal, case, event, as_of, settings, own)
        or family_act_decision(principal, case, event, as_of, settings)
        or family_write_decision(principal, case, event, as_of, settings, own)
        or plain_writes
        or decide(principal, case, AccessAction.WRITE, None, as_of, settings=settings)
    )
    if decision.allowed:
        # Allowed to write this kind of event, but only as itself, and an act of case
        # administration only in an administering role (the opening's own events are covered by
        # the decision to open, ``plain_writes``).
        return (
            _someone_else(principal, case, event, standing)
            or (None if plain_writes is not None else _not_administering(event, case, standing))
            or _unreadable_target(principal, case, event, as_of, settings)
            or decision
        )
    return decision


def _unreadable_target(
    principal: Principal, case: Case, event: DomainEvent, as_of: date, settings: MunicipalSettings
) -> AccessDecision | None:
    """A denial when ``event`` acts on an entry (``ACTS_ON``: the field holding its id and the
    entry's kind) that ``principal`` may not read: whoever may not read a health tiltak may not
    evaluate or end it either, nor complete a decision or minute a meeting it cannot see."""
    target = type(event).ACTS_ON
    if target is None:
        return None
    field, kind = target
    item = getattr(event, field, None)
    if not isinstance(item, str):
        return None
    # Item ids are unique in a case: the first entry of the kind that ends with the id is it.
    suffix = f":{item}"
    meta = next(
        (e.meta for e in entries(case) if e.meta.kind == kind and e.meta.id.endswith(suffix)),
        None,
    )
    if meta is None:
        return None
    read = decide(principal, case, AccessAction.READ, meta, as_of, settings=settings)
    if read.allowed:
        return None
    return AccessDecision(
        allowed=False,
        action=AccessAction.WRITE,
        # Not the read's own reason, which would name the entry's section.
        reason=f"a principal acts only on entries it may read ({field})",
        basis=read.basis,
        role=read.role,
        needed_assurance=read.needed_assurance,
    )


def _not_administering(
    event: DomainEvent, case: Case, standing: _Standing
) -> AccessDecision | None:
    """A denial when ``event`` is an act of case administration (``ADMINISTERED_BY``: who takes
    part, who holds a granted role, the municipality, a care order) and the principal holds none
    of the roles that administer it, unless ``OR_SELF`` names the principal itself (a participant
    leaving). A participant may write to the case; it may not decide who else takes part in it,
    grant itself a leader's role, or move the case away."""
    cls = type(event)
    if not cls.ADMINISTERED_BY:
        return None
    if any(role.value in cls.ADMINISTERED_BY for role in standing.roles):
        return None
    own = (standing.professional.ref,) if standing.professional is not None else ()
    if cls.OR_SELF is not None and getattr(event, cls.OR_SELF, None) in own:
        return None
    return AccessDecision(
        allowed=False,
        action=AccessAction.WRITE,
        reason=f"only {' or '.join(cls.ADMINISTERED_BY)} administers the case ({cls.TYPE})",
        basis=cls.LEGAL_BASIS,
        role=standing.roles[0] if standing.roles else None,
    )


def _acting_refs(principal: Principal, case: Case, standing: _Standing) -> frozenset[str]:
    """The refs ``principal`` acts as in ``case``: its subject, and the participant, guardian or
    child the case knows it as (by subject, HPR number or national identity number)."""
    refs = {principal.subject}
    if standing.professional is not None:
        refs.add(standing.professional.ref)
    if standing.guardian is not None:
        refs.add(standing.guardian.ref)
    if CaseRole.CHILD in standing.roles and case.subject is not None:
        refs.add(case.subject.ref)
    return frozenset(refs)


def _someone_else(
    principal: Principal, case: Case, event: DomainEvent, standing: _Standing
) -> AccessDecision | None:
    """A denial when ``event`` names someone other than ``principal`` as the one who acts.

    An event's ``by`` is its author: the log shows it, the rules check it (only the stafettholder
    calls a meeting, only the proposed person accepts the baton). A principal records only what
    it does itself, under a ref the case knows it by; acting for someone else is a separate,
    explicit act (a recorder registering a family member's withdrawal of consent, checked by
    its own rule). The field is the event class's ``ACTOR`` (a handover's acceptance names the
    acceptor as ``to_ref``: only the proposed person accepts, BTI-07).
    """
    actor = getattr(event, type(event).ACTOR, None)
    if not isinstance(actor, str) or actor in _acting_refs(principal, case, standing):
        return None
    return AccessDecision(
        allowed=False,
        action=AccessAction.WRITE,
        reason="a principal records only what it does itself: the command names another "
        "person as the one who acts",
        role=standing.roles[0] if standing.roles else None,
    )


def _consent_given(
    principal: Principal,
    case: Case,
    event: ConsentGiven,
    as_of: date,
    settings: MunicipalSettings,
) -> AccessDecision:
    """A family member consents for themselves; a recorder only for those entitled today."""
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
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, AccessAction.CONSENT, as_of, settings, consent.purpose, standing)
    if _RECORDERS.isdisjoint(standing.roles):
        foreign = consent.given_by - _own_refs(principal, case, standing)
        if foreign:
            return _deny(
                ctx,
                decision.role,
                "a family member gives consent only on their own behalf",
                "pbrl-4-4",
            )
    # Entitled for at least one of the sections the consent names (sharing differs by section).
    required = entitled_consenters(
        case, consent.purpose, consent.sections, as_of=as_of, settings=settings
    )
    for giver in sorted(consent.given_by - required):
        return _explain_giver(ctx, giver, consent.purpose)
    return decision


def _consent_withdrawn(
    principal: Principal,
    case: Case,
    event: ConsentWithdrawn,
    as_of: date,
    settings: MunicipalSettings,
) -> AccessDecision:
    """A family member withdraws only their own consent; a recorder records a withdrawal only by
    one entitled to make it, as far as the ``withdraw_consent`` command allows: a giver of the
    consent, or one entitled to consent now for one of its sections; and it ends the consent
    whole only for one entitled for every section it names, or its last giver. Otherwise it ends
    only the sections its withdrawer decides on (pbrl § 4-4, § 4-3 b, § 3-4; BTI-12)."""
    decision = decide(principal, case, AccessAction.CONSENT, None, as_of, settings=settings)
    if not decision.allowed:
        return decision
    standing = _standing(principal, case, _index(case))
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
    consent = ledger(case).get(event.consent_id)
    if consent is None or consent.withdrawn_on is not None:
        # As the command refuses them: a withdrawal of no consent of the case would lie in wait
        # for a consent given later under its id, and a second one would move the first one's
        # day and put the consent back in force for the days between.
        return AccessDecision(
            allowed=False,
            action=AccessAction.CONSENT,
            reason=(
                f"consent {event.consent_id!r}: "
                + (
                    "no such consent in the case"
                    if consent is None or consent.withdrawn_on is None
                    else f"already withdrawn on {consent.withdrawn_on.isoformat()}"
                )
            ),
            basis=("pbrl-4-4",),
            role=decision.role,
        )
    ends = withdrawable_sections(case, consent, event.by, as_of=as_of, settings=settings)
    if not ends and event.by not in consent.given_by:
        ctx = _Ctx(
            principal, case, AccessAction.CONSENT, as_of, settings, consent.purpose, standing
        )
        return _explain_giver(ctx, event.by, consent.purpose)
    if isinstance(event, ConsentPartlyWithdrawn):
        beyond = event.sections - ends
    elif ends >= consent.sections or consent.given_by <= {event.by}:
        beyond = frozenset()
    else:
        beyond = consent.sections - ends
    if beyond:
        return AccessDecision(
            allowed=False,
            action=AccessAction.CONSENT,
            reason="a withdrawal ends a consent only for the sections its withdrawer decides on "
            f"today; not for {', '.join(sorted(s.value for s in beyond))}, which stay in force",
            basis=("pbrl-4-3", "pbrl-3-4", "pbrl-4-4"),
            role=decision.role,
        )
    return decision


def _visibility_changed(
    principal: Principal,
    case: Case,
    event: VisibilityChanged,
    as_of: date,
    settings: MunicipalSettings,
) -> AccessDecision:
    """A professional who may decide the entry's visibility records only their own decision.

    One who may not read the entry is refused first, in words that say nothing of it (its
    section would tell what kind of entry it is).
    """
    meta = next((e.meta for e in entries(case) if e.meta.id == event.entry_id), None)
    if meta is not None:
        read = decide(principal, case, AccessAction.READ, meta, as_of, settings=settings)
        if not read.allowed and read.needed_assurance is None:
            return AccessDecision(
                allowed=False,
                action=AccessAction.DECIDE_VISIBILITY,
                reason="a professional decides the visibility only of entries it may read",
                basis=("pbrl-3-4",),
                role=read.role,
            )
    decision = decide(
        principal, case, AccessAction.DECIDE_VISIBILITY, meta, as_of, settings=settings
    )
    if not decision.allowed:
        return decision
    professional = _standing(principal, case, _index(case)).professional
    if professional is None or professional.ref != event.decided_by:
        return AccessDecision(
            allowed=False,
            action=AccessAction.DECIDE_VISIBILITY,
            reason="a professional records only their own visibility decisions",
            basis=("pbrl-3-4",),
            role=decision.role,
        )
    return decision


def _guardian_grant(
    principal: Principal, case: Case, as_of: date, settings: MunicipalSettings
) -> AccessDecision:
    """The young adult grants or withdraws a guardian's access, or a recorder records it."""
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, AccessAction.CONSENT, as_of, settings, None, standing)
    _, _, major = _thresholds(as_of)
    if not principal.assurance.at_least(needed_assurance(AccessAction.CONSENT, None, settings)):
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

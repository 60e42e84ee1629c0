"""The family acts as themselves (issue 16; decision 0024).

Two rules, checked on every event a command produced:

* **Family acts** (own voice, lysglimt, proposed tiltak, comment on an evaluation, answer to a
  meeting invitation — recognised by their stable type tag, since the access wing does not
  import the coordination wing) are allowed to the child from the age the municipality's
  [`ParticipationAges`][barnekoordinator.config.ParticipationAges] gives, to a guardian with
  foreldreansvar until the child turns 18 (a guardian relays the child's own view only while the
  child is under 16, pbrl § 4-3 b, § 3-4), and — lysglimt, comments and answers only — to a
  professional in the case. Everybody writes only **as themselves**: the event's author
  (``by``) must be the principal's own ref in the case.
* **Anything else a family member produces** must name that family member as its author
  (``by``); an event with no author, or someone else's name, is refused. A child below the age
  from which it writes in the case (12) produces nothing but the family acts its age allows.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator.access.policy._context import _allow, _Ctx, _deny, _thresholds
from barnekoordinator.access.policy._standing import _index, _Standing, _standing
from barnekoordinator.access.policy._values import (
    AccessAction,
    AccessDecision,
    CaseRole,
    insufficient_assurance,
    needed_assurance,
)
from barnekoordinator.access.principal import Principal
from barnekoordinator.config import FamilyAct, MunicipalSettings
from barnekoordinator.history.case import Case, DomainEvent

FAMILY_ACT_TAGS: Final = {
    "participation.own-voice-recorded": FamilyAct.OWN_VOICE,
    "participation.lysglimt-recorded": FamilyAct.LYSGLIMT,
    "participation.measure-proposed": FamilyAct.PROPOSE_MEASURE,
    "participation.evaluation-commented": FamilyAct.COMMENT_ON_EVALUATION,
    "participation.invitation-answered": FamilyAct.ANSWER_INVITATION,
}
"""The event tags of the family acts, with the act each one is."""
_FAMILY_ONLY: Final = frozenset({FamilyAct.OWN_VOICE, FamilyAct.PROPOSE_MEASURE})
_FAMILY: Final = frozenset({CaseRole.CHILD, CaseRole.GUARDIAN})
_PROFESSIONAL: Final = frozenset({CaseRole.PARTICIPANT, CaseRole.KOORDINERENDE_ENHET})
_WHAT: Final = {
    FamilyAct.OWN_VOICE: "records her own voice",
    FamilyAct.LYSGLIMT: "records a lysglimt",
    FamilyAct.PROPOSE_MEASURE: "proposes a tiltak",
    FamilyAct.COMMENT_ON_EVALUATION: "comments on an evaluation",
    FamilyAct.ANSWER_INVITATION: "answers a meeting invitation",
}


def _family_only(standing: _Standing) -> bool:
    """A principal whose only standing in the case is in the family."""
    return (
        bool(standing.roles)
        and _PROFESSIONAL.isdisjoint(standing.roles)
        and (CaseRole.BARNEVERN not in standing.roles and CaseRole.LEADER not in standing.roles)
    )


def _child_act(ctx: _Ctx, act: FamilyAct) -> AccessDecision:
    role = CaseRole.CHILD
    age = ctx.age
    assert age is not None  # an expected child cannot log in
    rule = ctx.settings.participation.rule(act)
    _, _, major = _thresholds(ctx.as_of)
    if age >= major or ctx.settings.participation.allows(act, age):
        return _allow(
            ctx, role, f"from {rule.from_age} the child {_WHAT[act]} as herself", *rule.legal_basis
        )
    return _deny(
        ctx,
        role,
        f"the child {_WHAT[act]} as herself from {rule.from_age} (the municipality's "
        "participation setting)",
        *rule.legal_basis,
    )


def _guardian_act(ctx: _Ctx, act: FamilyAct, event: DomainEvent) -> AccessDecision:
    role = CaseRole.GUARDIAN
    age = ctx.age
    _, health_major, major = _thresholds(ctx.as_of)
    basis = ctx.settings.participation.rule(act).legal_basis
    if age is not None and age >= major:
        return _deny(
            ctx, role, "from 18 guardians have no rights in the case of an adult", "vergeml-2"
        )
    if getattr(event, "on_behalf_of_child", False) and age is not None and age >= health_major:
        return _deny(
            ctx,
            role,
            "from 16 the young person speaks for herself; a guardian writes only their own view",
            "pbrl-4-3",
            "pbrl-3-4",
        )
    return _allow(ctx, role, f"a guardian with foreldreansvar {_WHAT[act]} as themselves", *basis)


def _author_kind(standing: _Standing, by: object, case: Case) -> str | None:
    """What the principal is when writing as ``by``: child, guardian or professional."""
    subject = case.subject
    if CaseRole.CHILD in standing.roles and subject is not None and by == subject.ref:
        return "child"
    if standing.guardian is not None and by == standing.guardian.ref:
        return "guardian"
    if standing.professional is not None and by == standing.professional.ref:
        return "professional"
    return None


def family_act_decision(
    principal: Principal,
    case: Case,
    event: DomainEvent,
    as_of: date,
    settings: MunicipalSettings,
) -> AccessDecision | None:
    """The decision on a family act, or ``None`` for any other event."""
    act = FAMILY_ACT_TAGS.get(type(event).TYPE)
    if act is None:
        return None
    needed = needed_assurance(AccessAction.WRITE, None, settings)
    if not principal.assurance.at_least(needed):
        return insufficient_assurance(principal, AccessAction.WRITE, needed)
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, AccessAction.WRITE, as_of, settings, None, standing)
    by = getattr(event, "by", None)
    subject = case.subject
    claimed = getattr(event, "author", None)
    claimed_as = getattr(claimed, "value", None)
    if claimed_as is not None and claimed_as != _author_kind(standing, by, case):
        return _deny(
            ctx,
            standing.roles[0] if standing.roles else None,
            "the event must say truly who wrote it (the child, a guardian or a professional)",
            "pbrl-3-1",
        )
    if CaseRole.CHILD in standing.roles and subject is not None and by == subject.ref:
        return _child_act(ctx, act)
    guardian = standing.guardian
    if CaseRole.GUARDIAN in standing.roles and guardian is not None and by == guardian.ref:
        return _guardian_act(ctx, act, event)
    professional = standing.professional
    recorder = next((r for r in standing.roles if r in _PROFESSIONAL), None)
    if recorder is not None and professional is not None and by == professional.ref:
        if act in _FAMILY_ONLY:
            return _deny(
                ctx,
                recorder,
                "only the child and the guardians write their own voice or propose a tiltak as "
                "themselves; a professional records the child's voice with record_child_voice",
                "pbrl-3-1",
            )
        return _allow(ctx, recorder, f"a professional {_WHAT[act]} as themselves", "pbrl-3-1")
    return _deny(
        ctx,
        standing.roles[0] if standing.roles else None,
        "everyone writes only as themselves: the author must be the person logged in",
        "pbrl-3-1",
    )


def family_write_decision(
    principal: Principal,
    case: Case,
    event: DomainEvent,
    as_of: date,
    settings: MunicipalSettings,
    own_refs: frozenset[str],
) -> AccessDecision | None:
    """A refusal of another event produced by a family member, or ``None`` to decide as usual.

    ``own_refs`` are the refs the principal speaks for (their guardian ref, the child's ref).
    """
    standing = _standing(principal, case, _index(case))
    if not _family_only(standing) or _FAMILY.isdisjoint(standing.roles):
        return None
    ctx = _Ctx(principal, case, AccessAction.WRITE, as_of, settings, None, standing)
    role = standing.roles[0]
    by = getattr(event, "by", None)
    if not isinstance(by, str) or by not in own_refs:
        return _deny(
            ctx,
            role,
            "a family member records only what they do themselves (the event must name them "
            "as its author)",
            "pbrl-3-1",
        )
    withhold_from, _, _ = _thresholds(as_of)
    if CaseRole.GUARDIAN not in standing.roles and ctx.age is not None and ctx.age < withhold_from:
        return _deny(
            ctx,
            CaseRole.CHILD,
            f"under {withhold_from} the child acts only in what the participation setting "
            "allows (own voice and the acts from their ages)",
            "pbrl-3-1",
            "pbrl-4-4",
        )
    return None

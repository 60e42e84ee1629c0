"""The decision: the principal's case roles tried in order, the first allowing rule wins."""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.entries import EntryMeta
from barnekoordinator.access.policy._context import _allow, _Ctx, _deny, _thresholds
from barnekoordinator.access.policy._family import (
    _rule_child,
    _rule_guardian,
    _rule_parent_without_responsibility,
)
from barnekoordinator.access.policy._services import (
    _rule_barnevern,
    _rule_koordinerende_enhet,
    _rule_leader,
    _rule_participant,
)
from barnekoordinator.access.policy._standing import _index, _standing
from barnekoordinator.access.policy._values import (
    AccessAction,
    AccessDecision,
    CaseRole,
    insufficient_assurance,
    needed_assurance,
)
from barnekoordinator.access.principal import Principal, SystemRole
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import check_day
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import Case

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


def _check_arguments(
    principal: object,
    case: object,
    entry: object,
    as_of: object,
    settings: object,
    purpose: object,
) -> None:
    """Refuse an argument of the wrong type before a rule reads it (the message names the
    argument and the type given, never the value). ``decide`` runs for every entry a view
    shows: the arguments as the library passes them are recognised by their exact types first,
    and only anything else is looked at closely."""
    if (
        type(principal) is Principal
        and type(case) is Case
        and (entry is None or type(entry) is EntryMeta)
        and type(as_of) is date
        and (settings is None or type(settings) is MunicipalSettings)
        and (purpose is None or type(purpose) is ConsentPurpose)
    ):
        return
    for name, value, kind, label in (
        ("principal", principal, Principal, "a Principal"),
        ("case", case, Case, "a Case"),
    ):
        if not isinstance(value, kind):
            raise InvalidInput(f"{name}: expected {label}, got {type(value).__name__}")
    if entry is not None and not isinstance(entry, EntryMeta):
        raise InvalidInput(f"entry: expected an EntryMeta or None, got {type(entry).__name__}")
    check_day(as_of, "as_of", in_range=False)  # a date out of range decides like any other
    if settings is not None and not isinstance(settings, MunicipalSettings):
        raise InvalidInput(
            f"settings: expected a MunicipalSettings or None, got {type(settings).__name__}"
        )
    if purpose is not None and type(purpose) is not ConsentPurpose:
        # Compared by identity: a wire string ("health-care") would match no purpose.
        raise InvalidInput(
            f"purpose: expected a ConsentPurpose or None, got {type(purpose).__name__}"
        )


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

    Raises:
        InvalidInput: An argument is not of its type (``as_of`` not a ``datetime.date``, …).
    """
    act = AccessAction.of(action)
    _check_arguments(principal, case, entry, as_of, settings, purpose)
    settings = settings or _DEFAULT_SETTINGS
    needed = needed_assurance(act, entry, settings)
    if not principal.assurance.at_least(needed):
        return insufficient_assurance(principal, act, needed)
    if case.subject is None:
        return AccessDecision(allowed=False, action=act, reason="the case has not been opened")
    standing = _standing(principal, case, _index(case))
    ctx = _Ctx(principal, case, act, as_of, settings, purpose, standing)
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

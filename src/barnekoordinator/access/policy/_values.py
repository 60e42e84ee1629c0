"""The access policy's values: actions, case roles, decisions and the assurance each needs."""

from __future__ import annotations

import enum
from typing import Final

import attrs

from barnekoordinator.access.entries import EntryMeta
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.people import Section

MINIMUM_ASSURANCE: Final = AssuranceLevel.SUBSTANTIAL
"""The floor: below it nothing in a case, whatever the municipality's settings."""

HEALTH_ASSURANCE: Final = AssuranceLevel.HIGH
"""What health entries (and, by default, everything else) need: ``idporten-loa-high``,
BankID ``LOA=4``, HelseID ``"4"`` (Normen: health data needs level 4)."""


class AccessAction(enum.Enum):
    """What a principal wants to do. Command names that are not listed mean ``WRITE``."""

    READ = "read"
    """Read the case overview (no entry) or one entry."""
    WRITE = "write"
    """Change the case through a command (every command name maps here)."""
    CONSENT = "consent"
    """Give or withdraw consent (optionally for one `ConsentPurpose`)."""
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
    reference keys ([`barnekoordinator.legal_basis.ref()`][barnekoordinator.legal_basis.ref]).
    """

    allowed: bool
    action: AccessAction
    reason: str
    basis: tuple[str, ...] = ()
    role: CaseRole | None = None
    """The case role the decision was made for (``None``: no role in the case)."""
    needed_assurance: AssuranceLevel | None = None
    """Set when the login's assurance was too low: the level that was needed."""


def needed_assurance(
    action: AccessAction, entry: EntryMeta | None, settings: MunicipalSettings
) -> AssuranceLevel:
    """The login assurance ``action`` on ``entry`` (``None``: the case as a whole) needs.

    Health entries always need
    [`HEALTH_ASSURANCE`][barnekoordinator.access.policy.HEALTH_ASSURANCE]; anything else needs
    it too unless the municipality named the action in ``settings.substantial_assurance_actions``.
    """
    if entry is not None and entry.section is Section.HEALTH:
        return HEALTH_ASSURANCE
    if action.value in settings.substantial_assurance_actions:
        return MINIMUM_ASSURANCE
    return HEALTH_ASSURANCE


def insufficient_assurance(
    principal: Principal, action: AccessAction, needed: AssuranceLevel
) -> AccessDecision:
    """The refusal of a login below ``needed`` (it names the level; no personal data)."""
    return AccessDecision(
        allowed=False,
        action=action,
        reason=f"login assurance {principal.assurance.value} is below {needed.value}, "
        f"which {action.value} needs here",
        needed_assurance=needed,
    )

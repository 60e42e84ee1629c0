"""The dated rule sets, chosen by ``as_of``:
[`assess()`][barnekoordinator.rights.eligibility.assess] and
[`rules_version()`][barnekoordinator.rights.eligibility.rules_version].

Rules change with the law, so each regime is one module named by its date of
entry into force (OpenFisca style: never edit an old one, add a new date), and
the regime in force on ``as_of`` applies. Dates before the first one are not
encoded.

``TABLES``, [`condition_result()`][_eligibility_reference._rule_sets.condition_result]
and [`follow_up()`][_eligibility_reference._rule_sets.follow_up] look values up in a
rule set named by its version; they are internal to the rights wing (the wire format reads results
back with them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final

from _eligibility_reference._evaluator import Regime, evaluate
from _eligibility_reference._regime_2012_01_01 import REGIME as _HOTL_2012
from _eligibility_reference._regime_2022_08_01 import REGIME as _REFORM_2022
from _eligibility_reference._regime_2023_01_01 import REGIME as _BVL_2023
from _eligibility_reference._regime_2024_08_01 import REGIME as _OPPL_2024
from _eligibility_reference._tables import CASE, Tables
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.rights.eligibility._facts import EligibilityFacts
from barnekoordinator.rights.eligibility._results import (
    ConditionResult,
    EligibilityResult,
    FollowUp,
)
from barnekoordinator.rights.eligibility._vocabulary import Condition, FollowUpKind, Right

__all__ = ["RULES_VERSIONS", "assess", "rules_version"]

_REGIMES: Final[tuple[Regime, ...]] = (_HOTL_2012, _REFORM_2022, _BVL_2023, _OPPL_2024)
_BY_DATE: Final = tuple((regime.in_force, regime) for regime in _REGIMES)

RULES_VERSIONS: Final[tuple[str, ...]] = tuple(regime.version for regime in _REGIMES)
"""The dated rule sets, oldest first; a result names the one applied."""

TABLES: Final[Mapping[str, Tables]] = MappingProxyType(
    {regime.version: regime.tables for regime in _REGIMES}
)
"""The interned tables of each rule set, by version."""

_DEFAULT_SETTINGS: Final = MunicipalSettings()


def _select(as_of: date) -> Regime:
    if type(as_of) is not date:
        raise InvalidInput(f"as_of must be a datetime.date, got {type(as_of).__name__}")
    chosen: Regime | None = None
    for start, regime in _BY_DATE:
        if as_of >= start:
            chosen = regime
    if chosen is None:
        raise InvalidInput(
            f"as_of {as_of.isoformat()} is before {_REGIMES[0].in_force.isoformat()} "
            "(helse- og omsorgstjenesteloven); earlier rules are not encoded"
        )
    return chosen


def rules_version(as_of: date) -> str:
    """The dated rule set [`assess()`][barnekoordinator.rights.eligibility.assess] applies on
    ``as_of`` (e.g. ``"2022-08-01"``).
    """
    return _select(as_of).version


def assess(
    facts: EligibilityFacts,
    *,
    as_of: date,
    settings: MunicipalSettings = _DEFAULT_SETTINGS,
) -> EligibilityResult:
    """Assess every right for ``facts`` on ``as_of`` under the municipality's ``settings``.

    Pure: no clock, no I/O, same answer for the same input.

    Raises:
        InvalidInput: ``as_of`` is not a date, is before 2012, or is before the
            child's birth date.
    """
    return evaluate(_select(as_of), facts, as_of, settings)


def condition_result(
    version: str, right: Right, condition: Condition, reason: str
) -> ConditionResult:
    """The shared condition result of a rule set (for the wire format).

    Raises:
        InvalidInput: The rule set, or the result in it, does not exist.
    """
    try:
        return TABLES[version].conditions[(right, condition, reason)]
    except KeyError:
        raise InvalidInput(
            f"rules {version!r} have no result {reason!r} for {right.value}/{condition.value}"
        ) from None


def follow_up(version: str, scope: Right | None, kind: FollowUpKind) -> FollowUp:
    """The shared follow-up of a rule set (``scope=None`` for case-level ones).

    Raises:
        InvalidInput: The rule set, or the follow-up in it, does not exist.
    """
    try:
        return TABLES[version].follow_ups[(scope if scope is not None else CASE, kind)]
    except KeyError:
        where = scope.value if scope is not None else "the case"
        raise InvalidInput(
            f"rules {version!r} have no follow-up {kind.value!r} for {where}"
        ) from None

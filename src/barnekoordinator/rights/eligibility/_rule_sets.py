"""The dated rule sets, chosen by ``as_of``:
[`assess()`][barnekoordinator.rights.eligibility.assess] and
[`rules_version()`][barnekoordinator.rights.eligibility.rules_version].

Rules change with the law, so each regime is one module named by its date of
entry into force (OpenFisca style: never edit an old one, add a new date), and
the regime in force on ``as_of`` applies. Dates before the first one are not
encoded.

``TABLES``, [`condition_result()`][barnekoordinator.rights.eligibility._rule_sets.condition_result]
and [`follow_up()`][barnekoordinator.rights.eligibility._rule_sets.follow_up] look values up in a
rule set named by its version; they are internal to the rights wing (the wire format reads results
back with them). ``PUBLISHED_TABLES`` holds a rule set's tables as first published, where its
citations were later corrected (decision 48), so that a result stored then still reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.rights.eligibility import _regime_2012_01_01 as _hotl
from barnekoordinator.rights.eligibility import _regime_2022_08_01 as _reform
from barnekoordinator.rights.eligibility._evaluator import Regime, evaluate
from barnekoordinator.rights.eligibility._facts import EligibilityFacts
from barnekoordinator.rights.eligibility._regime_2023_01_01 import REGIME as _BVL_2023
from barnekoordinator.rights.eligibility._regime_2024_08_01 import REGIME as _OPPL_2024
from barnekoordinator.rights.eligibility._results import (
    ConditionResult,
    EligibilityResult,
    FollowUp,
)
from barnekoordinator.rights.eligibility._tables import CASE, Tables, published_tables
from barnekoordinator.rights.eligibility._vocabulary import Condition, FollowUpKind, Right

__all__ = ["RULES_VERSIONS", "assess", "rules_version"]

_REGIMES: Final[tuple[Regime, ...]] = (_hotl.REGIME, _reform.REGIME, _BVL_2023, _OPPL_2024)
_LATEST_FIRST: Final = tuple((regime.in_force, regime) for regime in reversed(_REGIMES))

RULES_VERSIONS: Final[tuple[str, ...]] = tuple(regime.version for regime in _REGIMES)
"""The dated rule sets, oldest first; a result names the one applied."""

TABLES: Final[Mapping[str, Tables]] = MappingProxyType(
    {regime.version: regime.tables for regime in _REGIMES}
)
"""The interned tables of each rule set, by version."""

PUBLISHED_TABLES: Final[Mapping[str, Tables]] = MappingProxyType(
    {
        # Until decision 48 these rule sets cited every law that may give a plan and each
        # service's undated cooperation duty, whatever the date; the reform's cited barnevernsloven
        # 2021 § 15-9 for the plan from 1 August 2022, and was applied after 2023 and 2024 too.
        _hotl.VERSION: published_tables(_hotl.VERSION, _hotl.RIGHT_BASIS, _hotl.PLAN_CONSENT_BASIS),
        _reform.VERSION: published_tables(
            _reform.VERSION,
            {
                **_reform.RIGHT_BASIS,
                Right.INDIVIDUAL_PLAN: (
                    "pbrl-2-5",
                    "hotl-7-1",
                    "bvl-15-9",
                    "navl-15",
                    "sostjl-28",
                    "ip-forskriften",
                ),
            },
            _reform.PLAN_CONSENT_BASIS,
        ),
    }
)
"""The tables of a rule set as first published, by version, where its citations were later
corrected: only for reading back a result stored before then (never assessed with)."""

_DEFAULT_SETTINGS: Final = MunicipalSettings()


def _select(as_of: date) -> Regime:
    if type(as_of) is not date:
        raise InvalidInput(f"as_of must be a datetime.date, got {type(as_of).__name__}")
    for start, regime in _LATEST_FIRST:
        if as_of >= start:
            return regime
    raise InvalidInput(
        f"as_of {as_of.isoformat()} is before {_REGIMES[0].in_force.isoformat()} "
        "(helse- og omsorgstjenesteloven); earlier rules are not encoded"
    )


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
            child's birth date; or a pregnancy's ``expected_date`` is more than 300 days
            after ``as_of`` (not a pregnancy) or more than 28 days before it (the child is
            born: record the birth as ``child``).
            Also when ``facts`` is not an `EligibilityFacts` or ``settings`` not a
            `MunicipalSettings`.
    """
    if not isinstance(facts, EligibilityFacts):
        raise InvalidInput(f"facts must be an EligibilityFacts, got {type(facts).__name__}")
    if not isinstance(settings, MunicipalSettings):
        raise InvalidInput(f"settings must be a MunicipalSettings, got {type(settings).__name__}")
    return evaluate(_select(as_of), facts, as_of, settings)


def condition_result(
    version: str, right: Right, condition: Condition, reason: str, table: Tables | None = None
) -> ConditionResult:
    """The shared condition result of a rule set (for the wire format); ``table``: the rule
    set's tables to look in (by default ``TABLES[version]``).

    Raises:
        InvalidInput: The rule set, or the result in it, does not exist.
    """
    try:
        return (table or TABLES[version]).conditions[(right, condition, reason)]
    except KeyError:
        raise InvalidInput(
            f"rules {version!r} have no result {reason!r} for {right.value}/{condition.value}"
        ) from None


def follow_up(
    version: str, scope: Right | None, kind: FollowUpKind, table: Tables | None = None
) -> FollowUp:
    """The shared follow-up of a rule set (``scope=None`` for case-level ones); ``table``: the
    rule set's tables to look in (by default ``TABLES[version]``).

    Raises:
        InvalidInput: The rule set, or the follow-up in it, does not exist.
    """
    try:
        return (table or TABLES[version]).follow_ups[(scope if scope is not None else CASE, kind)]
    except KeyError:
        where = scope.value if scope is not None else "the case"
        raise InvalidInput(
            f"rules {version!r} have no follow-up {kind.value!r} for {where}"
        ) from None

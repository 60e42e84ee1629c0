"""The rules from barnevernsloven 2021, in force 1 January 2023 (re-frozen 2026-12-07).

The 2022 reform's rules with barnevern's new act: individuell plan § 15-9, samarbeid § 15-8.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from _eligibility_reference._evaluator import Regime
from _eligibility_reference._regime_2022_08_01 import (
    PLAN_CONSENT_BASIS,
    assess_barnekoordinator,
    escalate_declined_cooperation,
)
from _eligibility_reference._tables import build_tables
from barnekoordinator.rights.eligibility._vocabulary import Right

__all__: list[str] = []

IN_FORCE: Final = date(2023, 1, 1)
VERSION: Final = IN_FORCE.isoformat()

RIGHT_BASIS: Final = MappingProxyType(
    {
        Right.BARNEKOORDINATOR: ("pbrl-2-5-c", "hotl-7-2-a"),
        Right.KOORDINATOR: ("pbrl-2-5-b", "hotl-7-2"),
        Right.INDIVIDUAL_PLAN: (
            "pbrl-2-5",
            "hotl-7-1",
            "bvl-15-9",
            "navl-15",
            "sostjl-28",
            "ip-forskriften",
        ),
        Right.STAFETTLOGG: ("bti-stafettlogg",),
    }
)
"""The reference keys each right rests on."""

REGIME: Final = Regime(
    in_force=IN_FORCE,
    tables=build_tables(VERSION, RIGHT_BASIS, PLAN_CONSENT_BASIS, on=IN_FORCE),
    barnekoordinator=assess_barnekoordinator,
    cooperation=escalate_declined_cooperation,
)
"""The rule set ``"2023-01-01"``."""

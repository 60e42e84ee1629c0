"""The rules from barnevernsloven 2021 (LOV-2021-06-18-97), in force 1 January 2023.

The 2022 reform's rules (``_regime_2022_08_01``) with barnevern's new act: the right to an
individuell plan for barnevern's measures is in § 15-9 (the 1992 act's § 3-2 a before), and
barnevern's duty to cooperate in § 15-8 (the 1992 act's § 3-2 before; domain.md §3.1, §5.2).
Only the citations change.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from barnekoordinator.rights.eligibility import _regime_2022_08_01 as reform
from barnekoordinator.rights.eligibility._evaluator import Regime
from barnekoordinator.rights.eligibility._tables import build_tables
from barnekoordinator.rights.eligibility._vocabulary import Right

__all__: list[str] = []

IN_FORCE: Final = date(2023, 1, 1)
VERSION: Final = IN_FORCE.isoformat()

RIGHT_BASIS: Final = MappingProxyType(
    {
        **reform.RIGHT_BASIS,
        Right.INDIVIDUAL_PLAN: (
            "pbrl-2-5",
            "hotl-7-1",
            "bvl-15-9",
            "navl-15",
            "sostjl-28",
            "ip-forskriften",
        ),
    }
)
"""The reference keys each right rests on."""

PLAN_CONSENT_BASIS: Final = reform.PLAN_CONSENT_BASIS
"""Consent to an individuell plan, under the common IP regulation."""

REGIME: Final = Regime(
    in_force=IN_FORCE,
    # Barnevern's escalation cites bvl § 15-8: the tables' escalations are dated.
    tables=build_tables(IN_FORCE, RIGHT_BASIS, PLAN_CONSENT_BASIS),
    barnekoordinator=reform.assess_barnekoordinator,
    cooperation=reform.escalate_declined_cooperation,
)
"""The rule set ``"2023-01-01"``."""

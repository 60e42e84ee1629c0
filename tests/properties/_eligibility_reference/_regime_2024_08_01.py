"""The rules from opplæringslova 2023, in force 1 August 2024 (re-frozen 2026-12-07).

The rules of barnevernsloven 2021 with school's new act: school, SFO and PPT's duty to
cooperate is the 2023 act's.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from _eligibility_reference._evaluator import Regime
from _eligibility_reference._regime_2022_08_01 import (
    PLAN_CONSENT_BASIS,
    assess_barnekoordinator,
    escalate_declined_cooperation,
)
from _eligibility_reference._regime_2023_01_01 import RIGHT_BASIS
from _eligibility_reference._tables import build_tables

__all__: list[str] = []

IN_FORCE: Final = date(2024, 8, 1)
VERSION: Final = IN_FORCE.isoformat()

REGIME: Final = Regime(
    in_force=IN_FORCE,
    tables=build_tables(VERSION, RIGHT_BASIS, PLAN_CONSENT_BASIS, on=IN_FORCE),
    barnekoordinator=assess_barnekoordinator,
    cooperation=escalate_declined_cooperation,
)
"""The rule set ``"2024-08-01"``."""

"""The rules from opplæringslova 2023 (LOV-2023-06-09-30), in force 1 August 2024.

The rules of barnevernsloven 2021 (``_regime_2023_01_01``) with school's new act: school, SFO and
PPT's duty to cooperate, opplæringslova 1998 § 15-8 before, is in the 2023 act from the 2024/25
school year (domain.md §0, §5.2; the new paragraph number is not verified: the reference
``oppl-2023-samarbeid`` is marked uncertain). Only the citations change.

This module is never edited to follow a change in the law: a new regime module
with its own date is added instead (OpenFisca style).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator.rights.eligibility import _regime_2022_08_01 as reform
from barnekoordinator.rights.eligibility import _regime_2023_01_01 as barnevern_2021
from barnekoordinator.rights.eligibility._evaluator import Regime
from barnekoordinator.rights.eligibility._tables import build_tables

__all__: list[str] = []

IN_FORCE: Final = date(2024, 8, 1)
VERSION: Final = IN_FORCE.isoformat()

RIGHT_BASIS: Final = barnevern_2021.RIGHT_BASIS
"""The reference keys each right rests on (unchanged: the 2023 act gives no right to a plan)."""

PLAN_CONSENT_BASIS: Final = barnevern_2021.PLAN_CONSENT_BASIS
"""Consent to an individuell plan, under the common IP regulation."""

REGIME: Final = Regime(
    in_force=IN_FORCE,
    # School, SFO and PPT's escalation cites opplæringslova 2023: the escalations are dated.
    tables=build_tables(IN_FORCE, RIGHT_BASIS, PLAN_CONSENT_BASIS),
    barnekoordinator=reform.assess_barnekoordinator,
    cooperation=reform.escalate_declined_cooperation,
)
"""The rule set ``"2024-08-01"``."""

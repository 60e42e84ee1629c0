"""A decision recorded before decision 48 dated the citations is printed again as it was sent:
a "2022-08-01" decision of 2023 or later cited barnevernsloven 2021 for the individuell plan,
which the corrected rule set no longer does (it cites the 1992 act until 2022-12-31)."""

from __future__ import annotations

from datetime import date

import attrs

from barnekoordinator.rights.decision_records import _tables_of, record_individual_decision
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.rights.eligibility._rule_sets import PUBLISHED_TABLES, TABLES
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import standard_case

DAY = date(2022, 10, 3)


def _keys(table: object) -> list[str]:
    return [b.key for b in table.basis[Right.INDIVIDUAL_PLAN]]  # type: ignore[attr-defined]


def test_an_old_decision_reprints_with_the_citations_it_was_sent_with() -> None:
    """Made on 2022-10-03: today's "2022-08-01" tables (the 1992 act). The same rule set named by
    a decision of 2025 can only be the old code's: its tables as first published (bvl § 15-9)."""
    run = standard_case(age=5, as_of=DAY)
    event = record_individual_decision(
        run.case, decision=refused_decision(DAY), decision_id="v1", by="ke", as_of=DAY
    )
    assert event.rules_version == "2022-08-01"
    assert _tables_of(event) is TABLES["2022-08-01"]
    assert "bvl-1992-3-2-a" in _keys(_tables_of(event))
    sent_in_2025 = attrs.evolve(event, as_of=date(2025, 3, 1))
    assert _tables_of(sent_in_2025) is PUBLISHED_TABLES["2022-08-01"]
    assert "bvl-15-9" in _keys(_tables_of(sent_in_2025))

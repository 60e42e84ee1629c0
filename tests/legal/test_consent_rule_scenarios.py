"""Whose consent the case requires, row by row (issue 14 items 2–4; domain.md §2.6, §6, §7.6).

Each row names its basis. The case's answer (``required_consenters``) and the rule
itself (``people.who_consents``) are checked against the row: the refs, and the
kind of party eligibility reports for the same family.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from _bk_scenarios import load, params

from barnekoordinator.access.consent import CareOrderChanged, required_consenters
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.people import (
    Child,
    ConsentPurpose,
    ExpectedChild,
    Guardian,
    GuardianRelation,
    Section,
    birthday,
    who_consents,
)
from barnekoordinator.testing.builders import new_case

AS_OF = date(2025, 3, 1)
ROWS = load("consent_rule.toml", "row")


@pytest.mark.parametrize("row", params(ROWS))
def test_consent_rule_scenario(row: dict[str, Any]) -> None:
    """The case requires exactly the consenters the row's basis names."""
    label = f"{row['name']} [{row['basis']}]"
    age = row["age"]
    subject: Child | ExpectedChild
    if isinstance(age, int):
        subject = Child(ref="barn", birth_date=birthday(AS_OF - timedelta(days=40), -age))
    else:
        subject = ExpectedChild(
            ref="barn", expected_date=AS_OF + timedelta(days=90), adoption=age == "adoption"
        )
    guardians = (
        Guardian(
            ref="mor",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=row.get("mother_responsibility", True),
        ),
        Guardian(
            ref="far",
            relation=GuardianRelation.FATHER,
            parental_responsibility=row.get("father_responsibility", True),
        ),
    )
    settings = MunicipalSettings.from_mapping(row.get("settings", {}))
    run = new_case(subject=subject, guardians=guardians, settings=settings, as_of=AS_OF)
    if row.get("care"):
        run.do(CareOrderChanged(care_taken_over=True))
    purpose = ConsentPurpose(row["purpose"])
    section = Section(row["section"]) if "section" in row else None
    found = required_consenters(run.case, purpose, as_of=AS_OF, settings=settings, section=section)
    assert sorted(found) == row["consenters"], label
    rule = who_consents(
        purpose,
        subject_ref="barn",
        born=isinstance(subject, Child),
        age=age if isinstance(age, int) else -1,
        guardians=guardians,
        as_of=AS_OF,
        settings=settings,
        care_taken_over=bool(row.get("care")),
        adoption=age == "adoption",
        section=section,
    )
    assert rule.party.value == row["party"], label
    assert rule.consenters == found, label
    assert rule.basis, label

"""Municipal settings: typed, validated, every problem listed; and how assess() uses them."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from barnekoordinator.config import Config, EntryPath, MunicipalSettings
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
from barnekoordinator.rights.eligibility import (
    ChildFacts,
    EligibilityFacts,
    GuardianFacts,
    Wish,
    Wishes,
    assess,
)


def test_defaults_follow_the_domain_reference() -> None:
    """Defaults: youth consents alone from 15, nivå 0 in 14 days, one coordinator."""
    s = MunicipalSettings()
    assert s.stafettlogg_consent_age == 15
    assert s.nivaa0_decision_days == 14
    assert s.decision_sla_days == 30
    assert s.barnekoordinator_fills_koordinator_role is True
    assert s.one_barnekoordinator_per_family is True
    assert s.entry_paths == frozenset(EntryPath)


def test_invalid_settings_list_every_problem() -> None:
    """Constructing invalid settings raises InvalidConfiguration naming each invalid field."""
    with pytest.raises(InvalidConfiguration) as info:
        MunicipalSettings(
            municipality_number="abc",
            stafettlogg_consent_age=14,
            nivaa0_decision_days=0,
            decision_sla_days=400,
            turning_18_lead_days=-1,
            stafettlogg_from_level=5,
            entry_paths=frozenset(),
        )
    message = str(info.value)
    for field in (
        "municipality_number",
        "stafettlogg_consent_age",
        "nivaa0_decision_days",
        "decision_sla_days",
        "turning_18_lead_days",
        "stafettlogg_from_level",
        "entry_paths",
    ):
        assert f"{field}:" in message


def test_from_mapping_lists_unknown_keys_wrong_types_and_bad_values_together() -> None:
    """from_mapping reports unknown keys, type errors and invalid values in one error."""
    with pytest.raises(InvalidConfiguration) as info:
        MunicipalSettings.from_mapping(
            {
                "stafettlogg_consent_age": "15",
                "nope": 1,
                "decision_sla_days": True,
                "entry_paths": ["fax"],
                "municipality_number": "12",
            }
        )
    lines = str(info.value).splitlines()[1:]
    assert len(lines) == 5
    text = "\n".join(lines)
    assert "nope: unknown setting" in text
    assert "stafettlogg_consent_age: expected int, got str" in text
    assert "decision_sla_days: expected int, got bool" in text
    assert "entry_paths: expected a list of" in text
    assert "municipality_number: expected four digits" in text


def test_from_mapping_builds_equal_settings() -> None:
    """Plain data (JSON/TOML) gives the same value as keyword construction."""
    built = MunicipalSettings.from_mapping(
        {"entry_paths": ["referral"], "stafettlogg_consent_age": 16}
    )
    assert built == MunicipalSettings(
        entry_paths=frozenset({EntryPath.REFERRAL}), stafettlogg_consent_age=16
    )


def test_invalid_configuration_is_invalid_input_and_value_error() -> None:
    """Callers may catch InvalidConfiguration as InvalidInput or ValueError."""
    assert issubclass(InvalidConfiguration, InvalidInput)
    assert issubclass(InvalidConfiguration, ValueError)


def test_settings_are_frozen_and_evolve_revalidates() -> None:
    """Settings cannot be mutated; evolve re-runs validation."""
    s = MunicipalSettings()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.decision_sla_days = 5  # type: ignore[misc]
    with pytest.raises(InvalidConfiguration):
        attrs.evolve(s, stafettlogg_consent_age=17)


def test_config_rejects_a_store_that_is_not_a_url() -> None:
    """Config.store must be a URL such as memory:, sqlite:PATH or postgresql://…"""
    with pytest.raises(InvalidConfiguration):
        Config(store="nourl")
    assert Config(store="memory:").store_scheme == "memory"


@pytest.mark.parametrize(
    ("consent_age", "alone", "party"),
    [(15, False, "guardians-and-youth"), (15, True, "youth"), (16, False, "guardians")],
)
def test_stafettlogg_consent_age_decides_who_consents_at_15(
    consent_age: int, alone: bool, party: str
) -> None:
    """BTI-04/05 (domain.md §7.6): from the rule's age the 15-year-old consents with the guardians,
    who must always approve; alone only where the municipality says so."""
    facts = EligibilityFacts(
        child=ChildFacts(ref="ung", birth_date=date(2009, 12, 1)),
        bti_level=2,
        guardians=(GuardianFacts(ref="mor", parental_responsibility=True),),
        child_wishes=Wishes(stafettlogg=Wish.WANTS),
    )
    settings = MunicipalSettings(
        stafettlogg_consent_age=consent_age, stafettlogg_youth_consents_alone=alone
    )
    result = assess(facts, as_of=date(2025, 3, 1), settings=settings)
    assert result.stafettlogg.conditions[-1].reason.startswith(f"{party}/")


def test_a_youth_declining_the_stafettlogg_against_the_guardians_is_its_own_conflict() -> None:
    """Decision 47 (domain.md §7.6): from 15 the young person's «no» against the guardians is a
    consent conflict for legal review, in the stafettlogg's own words, not the text for two
    parents who share foreldreansvar (pbrl § 4-4, BK-12)."""
    from barnekoordinator.rights.eligibility import FollowUpKind, NextStep

    facts = EligibilityFacts(
        child=ChildFacts(ref="ung", birth_date=date(2009, 12, 1)),
        bti_level=2,
        guardians=(
            GuardianFacts(
                ref="mor", parental_responsibility=True, wishes=Wishes(stafettlogg=Wish.WANTS)
            ),
        ),
        child_wishes=Wishes(stafettlogg=Wish.DECLINES),
    )
    sl = assess(facts, as_of=date(2025, 3, 1)).stafettlogg
    assert sl.action is NextStep.LEGAL_REVIEW
    [conflict] = [f for f in sl.follow_ups if f.kind is FollowUpKind.CONSENT_CONFLICT]
    assert "stafettloggen" in conflict.text.get("nb")
    assert "felles foreldreansvar" not in conflict.text.get("nb")


def test_open_legal_points_are_flagged_for_review_with_their_basis() -> None:
    """Settings that answer an unsettled legal question say so, with a question and a basis."""
    from barnekoordinator.config import YouthBarnekoordinatorConsent
    from barnekoordinator.legal_basis import REFERENCES

    points = {p.setting: p for p in MunicipalSettings.legal_review()}
    assert set(points) == {
        "barnekoordinator_consent_16_17",
        "care_order_consent_to_coordination",
        "private_provider_may_be_barnekoordinator",
        "complaint_forwarding_days",
        "stafettlogg_youth_consents_alone",
    }
    assert points["barnekoordinator_consent_16_17"].default is (
        YouthBarnekoordinatorConsent.GUARDIANS_AND_YOUTH
    )
    for point in points.values():
        assert "?" in point.question
        assert point.basis
        assert all(key in REFERENCES for key in point.basis)
    # Ordinary practice settings (the stafettlogg age) are not legal-review points.
    assert "stafettlogg_consent_age" not in points


def test_new_settings_are_validated_and_read_from_plain_data() -> None:
    """The BK-16 choice is read from its wire name; day counts must be 1–365."""
    settings = MunicipalSettings.from_mapping({"barnekoordinator_consent_16_17": "youth"})
    assert settings.barnekoordinator_consent_16_17.value == "youth"
    with pytest.raises(InvalidConfiguration, match="expected one of"):
        MunicipalSettings.from_mapping({"barnekoordinator_consent_16_17": "parents"})
    with pytest.raises(InvalidConfiguration, match="complaint_forwarding_days"):
        MunicipalSettings(complaint_forwarding_days=0)

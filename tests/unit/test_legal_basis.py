"""Legal references and dated parameters."""

from __future__ import annotations

from datetime import date

import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import (
    REFERENCES,
    Act,
    ParameterHistory,
    Status,
    parameter,
    ref,
    refs,
)
from barnekoordinator.services import SERVICES


def test_barnekoordinator_right_is_pbrl_2_5_c_in_force_2022_08_01() -> None:
    """pbrl § 2-5 c: the right to barnekoordinator is in force from 1 August 2022."""
    r = ref("pbrl-2-5-c")
    assert r.act is Act.PBRL
    assert r.citation == "pbrl § 2-5 c"
    assert r.in_force_from == date(2022, 8, 1)
    assert r.url == "https://lovdata.no/lov/1999-07-02-63/§2-5c"


def test_hotl_7_2_a_links_to_the_health_and_care_act() -> None:
    """hotl § 7-2 a (the municipality's duty) points at LOV-2011-06-24-30."""
    assert ref("hotl-7-2-a").url == "https://lovdata.no/lov/2011-06-24-30/§7-2a"


def test_every_statutory_reference_has_a_lovdata_link() -> None:
    """Statute references link to Lovdata; guidance and practice carry their status instead."""
    for r in REFERENCES.values():
        if r.act.lovdata_id and r.section:
            assert r.url.startswith("https://lovdata.no/"), r.key
        if not r.act.lovdata_id:
            assert r.status in (Status.GUIDE, Status.PRACTICE, Status.UNCERTAIN), r.key


def test_unknown_key_is_a_clear_error() -> None:
    """An unknown key raises InvalidInput naming it."""
    with pytest.raises(InvalidInput, match="no-such-key"):
        ref("no-such-key")
    assert [r.key for r in refs("pbrl-2-5", "hotl-7-1")] == ["pbrl-2-5", "hotl-7-1"]


def test_every_event_cites_known_references() -> None:
    """Each event type's LEGAL_BASIS names references that exist."""
    for cls in CATALOGUE.event_types.values():
        for key in cls.LEGAL_BASIS:
            assert key in REFERENCES, (cls.TYPE, key)


def test_every_service_has_a_cooperation_duty() -> None:
    """Each service in the catalogue cites the paragraph obliging it to cooperate (domain §5.2)."""
    for service in SERVICES.values():
        assert service.cooperation_duty.key in REFERENCES


def test_parameter_history_selects_by_effective_date() -> None:
    """A parameter's value is the one in force on as_of; before the first date there is none."""
    p = ParameterHistory("x", ((date(2030, 1, 1), 19), (date(2022, 8, 1), 18)))
    assert p.at(date(2022, 8, 1)) == 18
    assert p.at(date(2029, 12, 31)) == 18
    assert p.at(date(2030, 1, 1)) == 19
    assert not p.in_force(date(2022, 7, 31))
    with pytest.raises(InvalidInput, match="no value before 2022-08-01"):
        p.at(date(2022, 7, 31))


def test_parameter_history_rejects_duplicates_and_empty() -> None:
    """Two values on the same day, or none at all, are configuration errors."""
    with pytest.raises(InvalidInput):
        ParameterHistory("x", ())
    with pytest.raises(InvalidInput):
        ParameterHistory("x", ((date(2022, 1, 1), 1), (date(2022, 1, 1), 2)))


def test_named_parameters() -> None:
    """pbrl § 2-5 c age limit 18, § 4-3 health majority 16, § 7-5 four weeks."""
    assert parameter("barnekoordinator_age_limit").at(date(2025, 1, 1)) == 18
    assert parameter("health_majority_age").at(date(2025, 1, 1)) == 16
    assert parameter("complaint_deadline_weeks").at(date(2025, 1, 1)) == 4
    with pytest.raises(InvalidInput, match="known:"):
        parameter("nope")


def test_a_four_week_deadline_ending_on_easter_saturday_moves_to_tuesday() -> None:
    """dl § 148/149: knowledge Saturday 7 March 2026 + 4 weeks = Saturday 4 April; Easter Sunday
    and Monday follow, so the last day is Tuesday 7 April 2026 (issue 14 item 9)."""
    from barnekoordinator.legal_basis import deadline, is_working_day

    assert deadline(date(2026, 3, 7), weeks=4) == date(2026, 4, 7)
    for holiday in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 5, 1), date(2026, 5, 17)):
        assert not is_working_day(holiday), holiday
    assert is_working_day(date(2026, 4, 7))


def test_a_deadline_never_runs_backwards() -> None:
    """Negative lengths are input errors, not earlier deadlines."""
    from barnekoordinator.errors import InvalidInput
    from barnekoordinator.legal_basis import deadline

    with pytest.raises(InvalidInput, match="0 or more"):
        deadline(date(2026, 1, 5), days=-1)


def test_the_deadline_rule_cites_what_was_read() -> None:
    """The references behind the deadline rule carry the quoted text and their status."""
    assert "nærmest følgende virkedag" in REFERENCES["dl-149"].note
    assert REFERENCES["dl-149"].status is Status.STATUTE
    assert REFERENCES["fvl-30"].status is Status.LAW_TEXT_UNVERIFIED
    assert "så snart saken er tilrettelagt" in REFERENCES["fvl-33"].note

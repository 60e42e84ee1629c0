"""``complaint_from_json`` refuses what the pure transitions of ``rights.complaints`` never
produce, naming each problem's JSON path (the documents ``complaint_to_json`` writes, and only
those, read back)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from barnekoordinator.errors import SchemaViolation
from barnekoordinator.rights.complaints import (
    ComplaintForm,
    Resolution,
    correct_form,
    municipal_review,
    receive_complaint,
    record_fulfilment,
    statsforvalter_decides,
)
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.rights.wire import complaint_from_json, complaint_to_json


def _oral() -> dict[str, Any]:
    c = receive_complaint(
        ref="k-1",
        decision_ref="V-1",
        right=Right.BARNEKOORDINATOR,
        knowledge_date=date(2025, 3, 10),
        received_on=date(2025, 3, 12),
        form=ComplaintForm.ORAL,
    )
    return complaint_to_json(c)


def _paths(document: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemaViolation) as raised:
        complaint_from_json(document)
    return [path for path, _ in raised.value.problems]


def test_a_complaint_about_the_stafettlogg_is_refused_at_right() -> None:
    """receive_complaint refuses it: BTI practice is no right under pbrl kapittel 2."""
    assert "$.right" in _paths({**_oral(), "right": "stafettlogg"})


def test_a_barnekoordinator_complaint_known_before_pbrl_2_5_c_is_refused_at_right() -> None:
    document = {**_oral(), "knowledge_date": "2021-10-01", "received_on": "2021-10-05"}
    assert "$.right" in _paths(document)
    koordinator = {**document, "right": "koordinator", "correction_deadline": "2021-10-29"}
    assert complaint_from_json(koordinator).right is Right.KOORDINATOR


def test_a_knowledge_date_before_the_deadline_has_a_value_is_refused_at_its_path() -> None:
    document = {**_oral(), "knowledge_date": "1990-01-01", "received_on": "1990-01-05"}
    assert "$.knowledge_date" in _paths(document)


def test_an_oral_complaint_at_statsforvalteren_is_refused_at_form() -> None:
    """An oral complaint is not valid (pbrl § 7-3) and cannot be forwarded until corrected;
    every stage the pure API reaches reads back unchanged."""
    document = {**_oral(), "stage": "statsforvalteren", "forwarded_on": "2025-03-13"}
    assert _paths(document) == ["$.form"]
    oral = complaint_from_json(_oral())
    corrected = correct_form(oral, on=date(2025, 3, 14))
    forwarded = municipal_review(
        corrected, on=date(2025, 3, 20), resolution=Resolution.IKKE_MEDHOLD
    )
    upheld = statsforvalter_decides(
        forwarded, on=date(2025, 5, 1), resolution=Resolution.MEDHOLD, fulfil_by=date(2025, 6, 1)
    )
    fulfilled = record_fulfilment(upheld, on=date(2025, 5, 20))
    dismissed = municipal_review(oral, on=date(2025, 5, 1), resolution=Resolution.AVVISNING)
    for c in (oral, corrected, forwarded, upheld, fulfilled, dismissed):
        assert complaint_from_json(complaint_to_json(c)) == c


def test_a_complaint_forwarded_before_it_was_received_is_refused_at_forwarded_on() -> None:
    document = {
        **_oral(),
        "form": "written-signed",
        "stage": "statsforvalteren",
        "forwarded_on": "2025-01-01",
    }
    assert _paths(document) == ["$.forwarded_on"]


def test_a_deadline_with_ikke_medhold_is_refused_at_fulfil_by() -> None:
    """statsforvalter_decides allows a deadline only with medhold, delvis medhold, opphevet."""
    document = {
        **_oral(),
        "form": "written-signed",
        "stage": "closed",
        "forwarded_on": "2025-03-20",
        "resolution": "ikke-medhold",
        "decided_by": "statsforvalteren",
        "resolved_on": "2025-05-01",
        "fulfil_by": "2025-06-01",
    }
    assert _paths(document) == ["$.fulfil_by"]

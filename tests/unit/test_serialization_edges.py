"""Decoding events and case exports: every bad input is a library error (issue 11).

The issue found ``JSONDecodeError``, ``AttributeError``, ``TypeError``, ``ValueError`` and
``OverflowError`` escaping from the import and event-decoding paths; each case below is one of
those, now typed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import (
    InvalidInput,
    MalformedJson,
    SchemaViolation,
)
from barnekoordinator.history import serialization
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.records import EventRecord
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.builders import standard_case

CLOCK = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
FNR = synthetic_fodselsnummer(date(2018, 5, 6))


def _records() -> list[EventRecord]:
    return standard_case().records()


def _export() -> dict[str, Any]:
    records = _records()
    document: dict[str, Any] = json.loads(
        json.dumps(serialization.export_case(records[0].case_id, records))
    )
    return document


# --- event payloads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ("[" * 100_000, MalformedJson),
        ('{"participant": ' + "1" * 5000 + "}", SchemaViolation),
        ('{"participant": "\\ud800"}', SchemaViolation),
        ('{"participant": {}, "participant": {}}', SchemaViolation),
        ('{"participant": NaN}', SchemaViolation),
        ("{", MalformedJson),
        ("", MalformedJson),
        (b"\xff", MalformedJson),
        ("[]", SchemaViolation),
        ("null", SchemaViolation),
        ('"{}"', SchemaViolation),
        ('{"participant": []}', SchemaViolation),
        ('{"participant": {"kind": 1}}', SchemaViolation),
    ],
)
def test_bad_payload_text_is_a_library_error(payload: str | bytes, error: type[Exception]) -> None:
    """event_from_json on text: MalformedJson or SchemaViolation, never a builtin error."""
    with pytest.raises(error):
        serialization.event_from_json("case.participant-joined", 1, payload, CATALOGUE)


@pytest.mark.parametrize("payload", [["x"], 42, None, 1.5, object()])
def test_a_payload_that_is_neither_text_nor_a_mapping_is_refused(payload: Any) -> None:
    """Not str, bytes or a mapping: SchemaViolation instead of AttributeError."""
    with pytest.raises(SchemaViolation, match="expected a JSON object"):
        serialization.event_from_json("case.participant-joined", 1, payload, CATALOGUE)


@pytest.mark.parametrize(
    ("tag", "version"),
    [(["case.opened"], 1), ("case.opened", "1"), (None, None), ("case.opened", True)],
)
def test_a_tag_or_version_of_the_wrong_type_is_refused(tag: Any, version: Any) -> None:
    """An unhashable tag or a text version raised TypeError from the catalogue lookup."""
    with pytest.raises(InvalidInput, match="expected a tag string and an integer version"):
        serialization.event_from_json(tag, version, "{}", CATALOGUE)


@attrs.frozen(kw_only=True)
class _Note(DomainEvent):
    TYPE = "test.edge-note"
    SCHEMA_VERSION = 2
    text: str


def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {"text": payload["note"].strip()}  # KeyError, AttributeError on bad old payloads


def _unchanged(case: Case, _recorded: RecordedEvent) -> Case:
    return case


_NOTES = CATALOGUE.extended(
    Concept(
        name="edge-notes",
        events=(_Note,),
        evolvers={_Note: _unchanged},
        upcasters={("test.edge-note", 1): _v1_to_v2},
    )
)


@pytest.mark.parametrize("payload", ["{}", '{"note": 1}', '{"note": null}', "[1]", '"x"'])
def test_an_upcaster_that_cannot_read_an_old_payload_gives_a_schema_violation(
    payload: str,
) -> None:
    """KeyError or AttributeError inside an upcaster is bad data, not a crash."""
    assert serialization.event_from_json("test.edge-note", 1, '{"note": " hei "}', _NOTES) == (
        _Note(text="hei")
    )
    with pytest.raises(SchemaViolation):
        serialization.event_from_json("test.edge-note", 1, payload, _NOTES)


# --- stored records, in a batch ----------------------------------------------------------------


def _with_payload(record: EventRecord, payload: str) -> EventRecord:
    return attrs.evolve(record, payload=payload)


@pytest.mark.parametrize(
    ("payload", "error", "detail"),
    [
        ('{"a":', MalformedJson, "is not JSON"),
        ("[" * 100_000, MalformedJson, "nested deeper"),
        ('{"x":' + "7" * 5000 + "}", SchemaViolation, "number longer"),
        ('"a string"', SchemaViolation, "expected a JSON object"),
        ("[]", SchemaViolation, "expected a JSON object"),
    ],
)
def test_from_records_names_the_record_whose_payload_is_bad(
    payload: str, error: type[Exception], detail: str
) -> None:
    """A bad payload in a batch raises a typed error naming its case and sequence."""
    records = _records()
    records[3] = _with_payload(records[3], payload)
    with pytest.raises(error) as info:
        serialization.from_records(records, CATALOGUE)
    assert detail in str(info.value)
    assert f"payload of case 'case-1' event {records[3].sequence}" in str(info.value)


def test_payloads_that_are_not_one_value_each_cannot_shift_events_onto_other_records() -> None:
    """Two payloads that merge and one that splits keep the count but misalign: refused."""
    records = _records()
    first, second, third = (json.loads(r.payload) for r in records[1:4])
    text = [json.dumps(p) for p in (first, second, third)]
    records[1] = _with_payload(records[1], text[0][:-1])  # '{…'   (the object left open)
    records[2] = _with_payload(records[2], '"_": 0}')  # '…}'   (closes it)
    records[3] = _with_payload(records[3], text[2] + "," + text[2])  # two values
    joined = "[" + ",".join(r.payload for r in records) + "]"
    assert len(json.loads(joined)) == len(records), "the batch alone would not notice"
    with pytest.raises(MalformedJson, match=f"event {records[1].sequence} is not JSON"):
        serialization.from_records(records, CATALOGUE)


def test_a_payload_with_a_too_large_integer_in_from_record() -> None:
    """from_record reads one payload strictly: the integer limit is a SchemaViolation."""
    record = _with_payload(_records()[0], '{"x": ' + "1" * 5000 + "}")
    with pytest.raises(SchemaViolation, match="number longer than 32 characters"):
        serialization.from_record(record, CATALOGUE)


# --- case exports ------------------------------------------------------------------------------


def test_an_export_round_trips_as_text_and_bytes() -> None:
    """import_case takes the document as parsed JSON, text or bytes."""
    document = _export()
    text = json.dumps(document)
    parsed = serialization.import_case(document, CATALOGUE)
    assert serialization.import_case(text, CATALOGUE) == parsed
    assert serialization.import_case(text.encode(), CATALOGUE) == parsed


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[" * 100_000, MalformedJson),
        ('{"format": "barnekoordinator.case-export", "format": "x"}', SchemaViolation),
        ('{"version": 1e999}', SchemaViolation),
        ('{"version": ' + "1" * 5000 + "}", SchemaViolation),
        ('{"case_id": "\\udc80"}', SchemaViolation),
        (b'{"case_id": "\xc3\x28"}', MalformedJson),
        ("not json", MalformedJson),
    ],
)
def test_import_case_refuses_bad_text_with_a_library_error(
    text: str | bytes, error: type[Exception]
) -> None:
    """Every kind of bad text the issue found is typed."""
    with pytest.raises(error):
        serialization.import_case(text, CATALOGUE)


def test_a_duplicate_key_in_an_exported_event_is_refused_with_its_path() -> None:
    """Last-wins would let a reader and a signer see different documents."""
    text = json.dumps(_export())
    forged = text.replace('"payload": {', '"payload": {"case_id": "x", ', 1)
    forged = forged.replace(
        '"case_id": "case-1", "sequence": 1,',
        '"case_id": "case-1", "sequence": 1, "sequence": 1,',
        1,
    )
    with pytest.raises(SchemaViolation) as info:
        serialization.import_case(forged, CATALOGUE)
    assert ("$.events[0].sequence", "duplicate key (each key may appear once in an object)") in (
        info.value.problems
    )


@pytest.mark.parametrize(
    "recorded_at",
    ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "1850-01-01T00:00:00+00:00"],
)
def test_recorded_times_outside_the_supported_range_are_refused(recorded_at: str) -> None:
    """Converting such a time to UTC raised OverflowError; now a SchemaViolation with a path."""
    document = _export()
    document["events"][0]["recorded_at"] = recorded_at
    with pytest.raises(SchemaViolation) as info:
        serialization.import_case(document, CATALOGUE)
    assert (
        "$.events[0].recorded_at",
        "is not a valid date-time from 1900-01-01 to 2199-12-31",
    ) in info.value.problems


def test_dates_outside_the_supported_range_in_a_payload_are_refused() -> None:
    """The year 9999 in a birth date would overflow the first '+ years' in a rule."""
    document = _export()
    subject = document["events"][0]["payload"]["subject"]
    subject["birth_date"] = "9999-12-31"
    with pytest.raises(SchemaViolation) as info:
        serialization.import_case(document, CATALOGUE)
    assert (
        "$.events[0].payload.subject.birth_date",
        "is not a valid date from 1900-01-01 to 2199-12-31",
    ) in info.value.problems


def test_a_parsed_export_with_nan_or_deep_nesting_is_refused_before_the_schema() -> None:
    """json.loads accepts NaN; a hand-built document may nest without end."""
    document = _export()
    document["version"] = float("nan")
    with pytest.raises(SchemaViolation, match=r"at \$.version: NaN"):
        serialization.import_case(document, CATALOGUE)
    deep: list[Any] = []
    for _ in range(10_000):
        deep = [deep]
    document = _export()
    document["events"][0]["payload"]["extra"] = deep
    with pytest.raises(SchemaViolation, match="nested deeper than 32"):
        serialization.import_case(document, CATALOGUE)


def test_a_record_document_as_text_with_a_personal_id_in_a_bad_place_is_not_echoed() -> None:
    """Messages keep JSON paths and never the value."""
    document = _export()["events"][0]
    document["actor"] = FNR + "\ud800"
    with pytest.raises(SchemaViolation) as info:
        serialization.record_from_document(json.dumps(document), CATALOGUE)
    assert FNR not in str(info.value)
    assert info.value.problems == (
        ("$.actor", "holds a lone surrogate, which is not Unicode text"),
    )

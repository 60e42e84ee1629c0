"""Invariants of the history and its wire format, over generated values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import ChainBroken
from barnekoordinator.history import documents, serialization
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.records import GENESIS, verify_events
from barnekoordinator.testing import strategies as bst


@given(bst.events())
def test_every_event_serializes_to_schema_valid_json_and_round_trips(event: DomainEvent) -> None:
    """Any event of any type round-trips exactly and its record document is schema-valid."""
    text = serialization.event_to_json(event)
    assert (
        serialization.event_from_json(type(event).TYPE, type(event).SCHEMA_VERSION, text, CATALOGUE)
        == event
    )
    recorded = RecordedEvent(
        case_id="case-1",
        sequence=1,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        actor="a",
        event=event,
    )
    record = serialization.to_record(recorded, GENESIS)
    document = json.loads(json.dumps(serialization.record_to_document(record)))
    documents.validate_document(documents.EVENT_SCHEMA, document)
    assert serialization.record_from_document(document, CATALOGUE) == record


@given(bst.case_histories())
def test_replaying_stored_records_equals_the_live_fold(
    history: tuple[Case, tuple[RecordedEvent, ...]],
) -> None:
    """Replaying stored (serialized) records rebuilds exactly the live case."""
    live, recorded = history
    records = serialization.to_records(recorded, GENESIS)
    verify_events(live.id, records, expected_version=live.version)
    replayed = CATALOGUE.load(live.id, records)
    assert replayed == live


@given(bst.case_histories(), st.data())
def test_any_single_edit_breaks_the_chain(
    history: tuple[Case, tuple[RecordedEvent, ...]], data: st.DataObject
) -> None:
    """Changing any hashed field of any one record makes verify fail."""
    live, recorded = history
    records = serialization.to_records(recorded, GENESIS)
    index = data.draw(st.integers(0, len(records) - 1))
    field = data.draw(st.sampled_from(["actor", "payload", "type", "case_id", "sequence"]))
    original = getattr(records[index], field)
    changed = original + 1 if isinstance(original, int) else original + "x"
    tampered = [*records]
    tampered[index] = attrs.evolve(records[index], **{field: changed})
    with pytest.raises(ChainBroken):
        verify_events(live.id, tampered, expected_version=live.version)


@given(bst.case_histories())
def test_batch_decode_equals_one_by_one(history: tuple[Case, tuple[RecordedEvent, ...]]) -> None:
    """from_records (the replay fast path) gives exactly what from_record gives per record."""
    _live, recorded = history
    records = serialization.to_records(recorded, GENESIS)
    assert serialization.from_records(records, CATALOGUE) == [
        serialization.from_record(r, CATALOGUE) for r in records
    ]


@given(bst.events())
def test_batch_decode_of_any_event_type(event: DomainEvent) -> None:
    """Every event type decodes the same through the batch path as through event_from_json."""
    recorded = RecordedEvent(
        case_id="case-1",
        sequence=1,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        actor="a",
        event=event,
    )
    record = serialization.to_record(recorded, GENESIS)
    assert serialization.from_records([record], CATALOGUE) == [
        serialization.from_record(record, CATALOGUE)
    ]
    assert serialization.from_records([record], CATALOGUE)[0].event == event

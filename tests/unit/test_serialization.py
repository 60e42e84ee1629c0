"""Wire format: events ⇄ records, upcasting, schemas and errors with JSON paths."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from barnekoordinator import _schemagen
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import CatalogueError, InvalidInput, SchemaViolation, UnknownEventType
from barnekoordinator.history import documents, serialization
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent, open_case
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.records import GENESIS, verify_events
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation


def _opened(clock: FixedClock) -> tuple[Case, tuple[RecordedEvent, ...]]:
    pid = PersonId.parse(
        synthetic_fodselsnummer(date(2018, 5, 6)), policy=IdentifierPolicy.testing()
    )
    event = open_case(
        municipality_number="0301",
        subject=Child(ref="child", birth_date=date(2018, 5, 6), person_id=pid, name="Kari"),
        guardians=(
            Guardian(ref="mor", relation=GuardianRelation.MOTHER, parental_responsibility=True),
        ),
    )
    case = CATALOGUE.new_case("case-1")
    recorded = case.record(event, actor="ke-1", clock=clock)
    return case.apply_all(recorded), recorded


def test_event_round_trips_through_a_sealed_record(clock: FixedClock) -> None:
    """to_record → from_record gives back the same recorded event, and the record verifies."""
    _, recorded = _opened(clock)
    records = serialization.to_records(recorded, GENESIS)
    verify_events("case-1", records)
    assert [serialization.from_record(r, CATALOGUE) for r in records] == list(recorded)
    payload = json.loads(records[0].payload)
    assert payload["subject"]["kind"] == "born"
    assert payload["subject"]["birth_date"] == "2018-05-06"
    assert records[0].payload == serialization.canonical_json(payload), "payload is canonical"


def test_to_records_equals_the_public_sealing_path(clock: FixedClock) -> None:
    """``to_records`` seals the records it builds in place (one object per event, decision 35):
    each equals the record the public path gives (``EventRecord(...).sealed(prev)``, built from
    ``event_to_json``), with and without a case cipher, and the chain verifies."""
    from barnekoordinator.history.records import EventRecord, _seal_own
    from barnekoordinator.history.sealing import InMemoryDataKeys, KeyRing, SealingKey

    _, recorded = _opened(clock)
    cipher = KeyRing(InMemoryDataKeys(), SealingKey.generate("test")).cipher("case-1", create=True)
    for with_cipher in (None, cipher):
        records = serialization.to_records(recorded, GENESIS, cipher=with_cipher)
        verify_events("case-1", records)
        prev = GENESIS
        for r, record in zip(recorded, records, strict=True):
            public = EventRecord(
                case_id=r.case_id,
                sequence=r.sequence,
                type=r.type,
                schema_version=type(r.event).SCHEMA_VERSION,
                recorded_at=r.recorded_at,
                actor=r.actor,
                payload=serialization.event_to_json(r.event, cipher=with_cipher),
                legal_basis=r.legal_basis,
                subject_key=r.subject_key,
            ).sealed(prev)
            if with_cipher is None:
                assert record == public
            else:  # AES-GCM draws a fresh nonce per sealing: same envelope, opens alike
                assert attrs.evolve(record, payload="", hash="") == attrs.evolve(
                    public, payload="", hash=""
                )
                assert record.hash == record.expected_hash()
            one = serialization.to_record(r, prev, cipher=with_cipher)
            assert one.hash == one.expected_hash()
            assert one == record or with_cipher is not None
            prev = record.hash
        assert [serialization.from_record(x, CATALOGUE, cipher=with_cipher) for x in records] == (
            list(recorded)
        )
    with pytest.raises(RuntimeError, match="sealed already"):
        _seal_own(records[0])


def test_record_document_validates_and_reloads(clock: FixedClock) -> None:
    """A record's public JSON document is schema-valid and reloads to an identical record."""
    _, recorded = _opened(clock)
    record = serialization.to_records(recorded, GENESIS)[0]
    document = json.loads(json.dumps(serialization.record_to_document(record)))
    documents.validate_document(documents.EVENT_SCHEMA, document)
    assert serialization.record_from_document(document, CATALOGUE) == record


def test_invalid_document_lists_every_problem_without_values(clock: FixedClock) -> None:
    """A bad document raises SchemaViolation with each JSON path; the id is never echoed."""
    _, recorded = _opened(clock)
    document = serialization.record_to_document(serialization.to_records(recorded, GENESIS)[0])
    number = document["payload"]["subject"]["person_id"]["number"]
    document["payload"]["subject"]["birth_date"] = "31.02.2018"
    document["payload"]["subject"]["person_id"]["number"] = number + "9"
    document["sequence"] = 0
    del document["actor"]
    with pytest.raises(SchemaViolation) as info:
        serialization.record_from_document(document, CATALOGUE)
    paths = {path for path, _ in info.value.problems}
    assert {
        "$",
        "$.sequence",
        "$.payload.subject.birth_date",
        "$.payload.subject.person_id.number",
    } <= paths
    assert number not in str(info.value)


def test_structure_errors_name_the_path() -> None:
    """Structuring bad data raises SchemaViolation naming where it failed."""
    with pytest.raises(SchemaViolation) as info:
        serialization.structure({"ref": "x", "expected_date": "soon"}, ExpectedChild)
    assert info.value.problems
    with pytest.raises(SchemaViolation):
        serialization.structure(
            {"ref": "x", "expected_date": "2026-01-01", "extra": 1}, ExpectedChild
        )


def test_unknown_type_or_future_version_is_refused() -> None:
    """A record of an unknown type or a newer schema version raises UnknownEventType."""
    with pytest.raises(UnknownEventType) as info:
        serialization.event_from_json("no.such-type", 1, "{}", CATALOGUE)
    assert info.value.tag == "no.such-type"
    with pytest.raises(UnknownEventType):
        serialization.event_from_json("case.opened", 99, "{}", CATALOGUE)


@attrs.frozen(kw_only=True)
class NoteAdded(DomainEvent):
    """A test event at schema version 2 (v1 called ``text`` ``note`` and had no date)."""

    TYPE = "test.note-added"
    SCHEMA_VERSION = 2
    text: str
    written_on: date


def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    # v1 called the field "note" and had no date; assume the epoch of the rule.
    return {"text": payload.pop("note"), "written_on": "2022-08-01"}


def _unchanged(case: Case, r: RecordedEvent) -> Case:
    return case


NOTES = Concept(
    name="notes",
    events=(NoteAdded,),
    evolvers={NoteAdded: _unchanged},
    upcasters={("test.note-added", 1): _v1_to_v2},
)


def test_old_payloads_are_upcast_on_load() -> None:
    """A payload stored at v1 loads as the v2 event via the concept's upcaster."""
    catalogue = CATALOGUE.extended(NOTES)
    event = serialization.event_from_json("test.note-added", 1, '{"note":"hei"}', catalogue)
    assert event == NoteAdded(text="hei", written_on=date(2022, 8, 1))
    current = serialization.event_from_json(
        "test.note-added", 2, '{"text":"hei","written_on":"2023-01-01"}', catalogue
    )
    assert isinstance(current, NoteAdded)
    assert current.written_on == date(2023, 1, 1)


def test_a_catalogue_without_the_event_cannot_load_it() -> None:
    """The library's catalogue does not know the test event: UnknownEventType."""
    with pytest.raises(UnknownEventType):
        serialization.event_from_json("test.note-added", 1, '{"note":"hei"}', CATALOGUE)


def test_missing_upcaster_is_refused_when_the_catalogue_is_built() -> None:
    """An event at v2 without an upcaster from v1 cannot enter a catalogue (CatalogueError)."""
    without = attrs.evolve(NOTES, upcasters={})
    with pytest.raises(CatalogueError, match="no upcaster from version 1"):
        CATALOGUE.extended(without)


def test_committed_event_schema_matches_the_classes() -> None:
    """schemas/case-event.v1 is exactly what the event classes generate (no drift)."""
    assert _schemagen.main(["--check"]) == 0


def test_schemas_are_shipped_and_loadable() -> None:
    """Schemas load through importlib.resources; an unknown name is a clear error."""
    assert "case-event.v1" in documents.schema_names()
    assert documents.schema("case-event.v1")["$schema"].endswith("2020-12/schema")
    with pytest.raises(InvalidInput, match="known:"):
        documents.schema("nope.v1")


def test_frozensets_serialize_in_a_stable_order() -> None:
    """Sets serialize sorted, so equal values give equal bytes (and equal hashes)."""
    from barnekoordinator.access.consent import Consent, ConsentPurpose
    from barnekoordinator.services import ServiceKind

    a = Consent(
        id="k",
        purpose=ConsentPurpose.STAFETTLOGG,
        given_by=frozenset({"b", "a"}),
        services=frozenset({ServiceKind.SKOLE, ServiceKind.BARNEHAGE}),
        valid_from=date(2026, 1, 1),
    )
    text = serialization.canonical_json(serialization.unstructure(a))
    assert '"given_by":["a","b"]' in text
    assert '"services":["barnehage","skole"]' in text
    assert serialization.structure(json.loads(text), Consent) == a


def test_datetime_in_payload_keeps_utc(clock: FixedClock) -> None:
    """Times inside payloads are stored as canonical UTC text."""
    assert serialization.unstructure(datetime(2026, 1, 1, tzinfo=UTC)) == (
        "2026-01-01T00:00:00.000000+00:00"
    )
    assert clock.now().tzinfo is UTC


def _history(clock: FixedClock) -> list[Any]:
    from barnekoordinator.history.case import CaseMode, ModeChanged

    case, recorded = _opened(clock)
    more = case.record(
        [ModeChanged(mode=CaseMode.STAFETTLOGG), ModeChanged(mode=CaseMode.STATUTORY)],
        actor="ke-1",
        clock=clock,
    )
    return serialization.to_records((*recorded, *more), GENESIS)


def test_case_export_round_trips_and_verifies(clock: FixedClock) -> None:
    """A whole-case export is schema-valid JSON and imports to the identical, verified records."""
    records = _history(clock)
    document = json.loads(json.dumps(serialization.export_case("case-1", records)))
    documents.validate_document(serialization.CASE_EXPORT_SCHEMA, document)
    assert serialization.import_case(document, CATALOGUE) == records


def test_tampered_export_is_refused(clock: FixedClock) -> None:
    """An edited or truncated export raises ChainBroken; a malformed one SchemaViolation."""
    from barnekoordinator.errors import ChainBroken

    records = _history(clock)
    edited = serialization.export_case("case-1", records)
    edited["events"][1]["payload"]["reason"] = "changed afterwards"
    with pytest.raises(ChainBroken, match="edited"):
        serialization.import_case(edited, CATALOGUE)
    truncated = serialization.export_case("case-1", records)
    truncated["events"].pop()
    with pytest.raises(ChainBroken, match="missing"):
        serialization.import_case(truncated, CATALOGUE)
    malformed = serialization.export_case("case-1", records)
    malformed["events"][0]["sequence"] = "one"
    del malformed["format"]
    with pytest.raises(SchemaViolation) as info:
        serialization.import_case(malformed, CATALOGUE)
    assert {p for p, _ in info.value.problems} >= {"$", "$.events[0].sequence"}

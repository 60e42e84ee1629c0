"""The hash chain over stored records detects every kind of tampering."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import TickingClock
from barnekoordinator.errors import ChainBroken, InvalidInput
from barnekoordinator.history.case import CaseMode, ModeChanged, open_case
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
    basis_field,
    format_time,
    parse_time,
    verify_audit,
    verify_events,
)
from barnekoordinator.history.serialization import to_records
from barnekoordinator.people import Child


def _chain(n: int = 5) -> list[EventRecord]:
    clock = TickingClock(datetime(2026, 1, 1, tzinfo=UTC), step=timedelta(minutes=5))
    case = CATALOGUE.new_case("case-1")
    opened = case.record(
        open_case(municipality_number="0301", subject=Child(ref="c", birth_date=date(2019, 1, 1))),
        actor="ke",
        clock=clock,
    )
    case = case.apply_all(opened)
    modes = [CaseMode.STAFETTLOGG, CaseMode.STATUTORY] * n
    more = case.record([ModeChanged(mode=m) for m in modes[: n - 1]], actor="ke", clock=clock)
    return to_records((*opened, *more), GENESIS)


def test_an_intact_chain_verifies() -> None:
    """A sealed history verifies, including against the store's version."""
    records = _chain()
    verify_events("case-1", records, expected_version=5)
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))


def test_edited_record_is_detected() -> None:
    """Changing any content field of a stored record breaks the chain at that record."""
    records = _chain()
    for field, value in [
        ("payload", '{"mode":"closed","reason":""}'),
        ("actor", "intruder"),
        ("recorded_at", datetime(2020, 1, 1, tzinfo=UTC)),
        ("legal_basis", ("pbrl-2-5",)),
        ("type", "case.closed"),
    ]:
        tampered = [*records]
        tampered[2] = attrs.evolve(records[2], **{field: value})
        with pytest.raises(ChainBroken, match="edited") as info:
            verify_events("case-1", tampered)
        assert info.value.position == 3


def test_removed_record_is_detected() -> None:
    """Removing a record in the middle or at the end is detected."""
    records = _chain()
    with pytest.raises(ChainBroken, match="missing"):
        verify_events("case-1", records[:2] + records[3:])
    with pytest.raises(ChainBroken, match="missing at end"):
        verify_events("case-1", records[:-1], expected_version=5)


def test_inserted_and_reordered_records_are_detected() -> None:
    """A record inserted, swapped, or taken from another case breaks the chain."""
    records = _chain()
    with pytest.raises(ChainBroken):
        verify_events("case-1", [records[0], records[2], records[1], *records[3:]])
    forged = attrs.evolve(records[1], sequence=2).sealed(records[0].hash)
    with pytest.raises(ChainBroken):
        verify_events("case-1", [records[0], forged, *records[1:]])
    other = attrs.evolve(records[1], case_id="case-2")
    with pytest.raises(ChainBroken, match="another case"):
        verify_events("case-1", [records[0], other, *records[2:]])


def test_resealing_a_forged_record_still_breaks_the_next_link() -> None:
    """Re-hashing an edited record does not help: the next record points at the old hash."""
    records = _chain()
    forged = attrs.evolve(records[2], actor="intruder").sealed(records[1].hash)
    with pytest.raises(ChainBroken, match="link"):
        verify_events("case-1", [*records[:2], forged, *records[3:]])


def test_audit_chain_detects_tampering() -> None:
    """Audit records chain like events; an edited decision is detected."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    prev, trail = GENESIS, []
    for i, allowed in enumerate([True, False, True], start=1):
        record = AuditRecord(
            case_id="case-1",
            sequence=0,
            at=at,
            actor=f"a{i}",
            actor_label="Helsesykepleier",
            action="read",
            target="case",
            allowed=allowed,
            reason="test",
        ).sealed(i, prev)
        trail.append(record)
        prev = record.hash
    verify_audit("case-1", trail)
    trail[1] = attrs.evolve(trail[1], allowed=True)
    with pytest.raises(ChainBroken, match="edited"):
        verify_audit("case-1", trail)


def test_times_are_canonical_utc() -> None:
    """Stored times are UTC with microseconds; naive or malformed times are refused."""
    t = datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=UTC)
    assert format_time(t) == "2026-03-01T12:00:00.000005+00:00"
    assert parse_time(format_time(t)) == t
    with pytest.raises(InvalidInput):
        parse_time("yesterday")
    with pytest.raises(InvalidInput, match="timezone-aware"):
        format_time(datetime(2026, 3, 1))


# --- one encoding per content ---------------------------------------------------------


def _legacy_event_hash(record: EventRecord) -> str:
    """The hash as written before the encoding was made unambiguous (keys joined by ",")."""
    from barnekoordinator.history._hashchain import chain_hash

    return chain_hash(
        record.prev_hash,
        [
            record.case_id,
            record.sequence,
            record.type,
            record.schema_version,
            format_time(record.recorded_at),
            record.actor,
            record.payload,
            ",".join(record.legal_basis),
            record.subject_key,
        ],
    )


def test_split_and_joined_legal_basis_never_hash_alike() -> None:
    """("a", "b") and ("a,b",) were one hashed text; now they hash apart, events and audit alike."""
    event = _chain(1)[0]
    split = attrs.evolve(event, legal_basis=("a", "b"))
    joined = attrs.evolve(event, legal_basis=("a,b",))
    assert split.expected_hash() != joined.expected_hash()
    # A record stored with ("a", "b") and read back from a file edited to ("a,b",) is reported.
    stored = split.sealed(GENESIS)
    tampered = attrs.evolve(stored, legal_basis=("a,b",))
    with pytest.raises(ChainBroken, match="edited"):
        verify_events("case-1", [tampered])
    audit = _audit(basis=("a", "b")).sealed(1, GENESIS)
    with pytest.raises(ChainBroken, match="edited"):
        verify_audit("case-1", [attrs.evolve(audit, basis=("a,b",))])
    # The empty list and a list of one empty key are told apart too.
    assert attrs.evolve(event, legal_basis=()).expected_hash() != (
        attrs.evolve(event, legal_basis=("",)).expected_hash()
    )


@given(st.lists(st.text(max_size=6), max_size=4), st.lists(st.text(max_size=6), max_size=4))
def test_basis_field_is_one_to_one(first: list[str], second: list[str]) -> None:
    """Two different key lists never give the same hashed field (any text, commas included)."""
    if first != second:
        assert basis_field(tuple(first)) != basis_field(tuple(second))


@given(
    st.lists(
        # Text a store can hold: UTF-8, so no lone surrogates (the edges refuse those).
        st.text(
            alphabet=st.characters(blacklist_characters=",", blacklist_categories=("Cs",)),
            min_size=1,
            max_size=12,
        ),
        max_size=4,
    )
)
def test_hashes_written_before_stay_valid(keys: list[str]) -> None:
    """Every record whose keys are non-empty and comma-free keeps the hash it was written with."""
    record = attrs.evolve(_chain(1)[0], legal_basis=tuple(keys))
    assert record.expected_hash() == _legacy_event_hash(record)


def _audit(**fields: object) -> AuditRecord:
    base = AuditRecord(
        case_id="case-1",
        sequence=0,
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor="a1",
        actor_label="Helsesykepleier",
        action="write",
        target="case",
        allowed=True,
        reason="test",
        basis=("pbrl-2-5-c",),
    )
    return attrs.evolve(base, **fields)  # type: ignore[arg-type]


def test_audit_range_is_hashed_only_when_present() -> None:
    """An audit record without a range keeps the old hash; a range is covered by the hash."""
    from barnekoordinator.history._hashchain import chain_hash

    plain = _audit().sealed(1, GENESIS)
    legacy = chain_hash(
        GENESIS,
        [
            "case-1",
            1,
            format_time(plain.at),
            "a1",
            "Helsesykepleier",
            "write",
            "case",
            1,
            "test",
            "pbrl-2-5-c",
        ],
    )
    assert plain.hash == legacy
    assert plain.stored_range is None
    ranged = _audit(first_sequence=3, last_sequence=5).sealed(1, GENESIS)
    assert ranged.stored_range == (3, 5)
    assert ranged.hash != plain.hash
    verify_audit("case-1", [ranged])
    for edit in ({"last_sequence": 6}, {"first_sequence": 2}, {"first_sequence": None}):
        with pytest.raises(ChainBroken, match="edited"):
            verify_audit("case-1", [attrs.evolve(ranged, **edit)])  # type: ignore[arg-type]
    # A half range is hashed as what it is, never as the record without a range.
    assert _audit(first_sequence=3).expected_hash() != _audit().expected_hash()
    # The position is the store's order, not content.
    assert attrs.evolve(ranged, position=7) == ranged
    assert attrs.evolve(ranged, position=7).expected_hash() == ranged.hash

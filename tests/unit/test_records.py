"""The hash chain over stored records detects every kind of tampering."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import TickingClock
from barnekoordinator.errors import ChainBroken, InvalidInput
from barnekoordinator.history.case import CaseMode, ModeChanged, open_case
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
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

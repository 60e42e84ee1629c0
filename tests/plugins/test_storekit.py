"""The stores' fast paths produce exactly what the public constructors and hashes produce."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, date, datetime, timedelta, timezone

import attrs
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.errors import ChainBroken
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import (
    _SEALED,
    GENESIS,
    EventRecord,
    _event_stamp,
    format_time,
)
from barnekoordinator.history.storekit import (
    AppendCheck,
    agenda_row,
    agenda_sort_key,
    stored_record,
)

# Any text, including quotes, backslashes, control characters and non-BMP characters.
TEXT = st.text(max_size=40)
UTC_TIMES = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
ANY_TIMES = st.datetimes(
    min_value=datetime(1900, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
    ),
)
RECORDS = st.builds(
    EventRecord,
    case_id=TEXT,
    sequence=st.integers(1, 2**62),
    type=TEXT,
    schema_version=st.integers(0, 2**31),
    recorded_at=ANY_TIMES,
    actor=TEXT,
    payload=TEXT,
    # Keys with commas and empty keys take the JSON-array form of the legal basis.
    legal_basis=st.lists(TEXT | st.sampled_from(["a,b", "", ",", "pbrl-2-5-c"]), max_size=3).map(
        tuple
    ),
    subject_key=st.none() | TEXT,
    prev_hash=st.just(GENESIS) | TEXT,
    hash=st.just(""),
)


@given(RECORDS)
def test_event_stamp_is_the_canonical_hash_and_time(record: EventRecord) -> None:
    """_event_stamp gives expected_hash() and format_time() for any record content."""
    assert _event_stamp(record) == (record.expected_hash(), format_time(record.recorded_at))


@given(RECORDS, st.just(GENESIS) | TEXT)
def test_a_sealed_record_needs_no_second_hash_and_is_still_right(
    record: EventRecord, prev: str
) -> None:
    """A record sealed here is recognised as checked; its stamp is still the canonical one."""
    sealed = record.sealed(prev)
    assert sealed.hash == sealed.expected_hash()
    assert _SEALED[sealed.hash][0]() is sealed
    assert _event_stamp(sealed) == (sealed.expected_hash(), format_time(sealed.recorded_at))


def _record(payload: str = "{}") -> EventRecord:
    return EventRecord(
        case_id="case-1",
        sequence=1,
        type="t",
        schema_version=1,
        recorded_at=datetime(2026, 1, 5, tzinfo=UTC),
        actor="a",
        payload=payload,
    )


def _sealed_record() -> EventRecord:
    return _record('{"x":1}').sealed(GENESIS)


def test_a_changed_copy_of_a_sealed_record_is_hashed_in_full_and_refused() -> None:
    """Only the very object sealed() made skips the hash: a copy with new content is refused."""
    sealed = _sealed_record()
    forged = attrs.evolve(sealed, payload='{"x":2}')  # keeps the sealed record's hash
    assert forged.hash == sealed.hash
    assert _event_stamp(forged)[0] != forged.hash
    check = AppendCheck.prepare("case-1", 0, [forged])
    assert isinstance(check.problem, ChainBroken)
    # An unchanged copy is hashed in full too, and accepted.
    twin = attrs.evolve(sealed)
    assert twin is not sealed
    assert AppendCheck.prepare("case-1", 0, [twin]).problem is None


def test_the_sealed_cache_keeps_nothing_alive() -> None:
    """A sealed record is freed as usual; its cache entry goes with it."""
    sealed = _sealed_record()
    key, ref = sealed.hash, weakref.ref(sealed)
    del sealed
    gc.collect()
    assert ref() is None
    assert key not in _SEALED


def test_event_stamp_falls_back_for_unusual_types() -> None:
    """A bool sequence or an int subclass takes the canonical path (JSON writes them apart)."""
    base = _record()
    for odd in (attrs.evolve(base, sequence=True), attrs.evolve(base, schema_version=False)):
        assert _event_stamp(odd) == (odd.expected_hash(), format_time(odd.recorded_at))
        assert _event_stamp(odd)[0] != base.expected_hash()


@given(RECORDS, st.integers(1, 2**62))
def test_stored_record_equals_the_public_constructor(record: EventRecord, position: int) -> None:
    """stored_record builds a record equal, field by field, to EventRecord(...)."""
    values = attrs.asdict(record, recurse=False)
    built = stored_record(
        position,
        record.case_id,
        record.sequence,
        record.type,
        record.schema_version,
        record.recorded_at,
        record.actor,
        record.payload,
        record.legal_basis,
        record.subject_key,
        record.prev_hash,
        record.hash,
    )
    assert type(built) is EventRecord
    assert built == record
    assert attrs.asdict(built, recurse=False) == {**values, "position": position}
    assert built.recorded_at.tzinfo is UTC


def test_stored_record_converts_what_is_not_canonical() -> None:
    """A non-UTC time or a list of legal bases goes through the converters."""
    oslo = datetime(2026, 1, 5, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    built = stored_record(
        7,
        "case-1",
        1,
        "t",
        1,
        oslo,
        "a",
        "{}",
        ["x", "y"],
        None,
        GENESIS,
        "h",  # type: ignore[arg-type]
    )
    assert built.recorded_at == oslo
    assert built.recorded_at.tzinfo is UTC
    assert built.legal_basis == ("x", "y")
    assert built.position == 7


@given(
    TEXT,
    st.sampled_from(list(AgendaKind)),
    TEXT,
    st.dates(min_value=date(1900, 1, 1)),
    TEXT,
)
def test_agenda_row_equals_the_public_constructor(
    case_id: str, kind: AgendaKind, key: str, due: date, detail: str
) -> None:
    """agenda_row builds an AgendaItem equal to AgendaItem(...)."""
    built = agenda_row(case_id, kind, key, due, detail)
    assert type(built) is AgendaItem
    assert built == AgendaItem(case_id=case_id, kind=kind, key=key, due=due, detail=detail)
    assert hash(built) == hash(
        AgendaItem(case_id=case_id, kind=kind, key=key, due=due, detail=detail)
    )


@given(st.lists(UTC_TIMES, min_size=1, max_size=4))
def test_append_check_keeps_the_canonical_times(times: list[datetime]) -> None:
    """AppendCheck.prepare hands stores format_time() of every record it checked."""
    records: list[EventRecord] = []
    prev = GENESIS
    for sequence, at in enumerate(times, start=1):
        record = EventRecord(
            case_id="case-1",
            sequence=sequence,
            type="t",
            schema_version=1,
            recorded_at=at,
            actor="a",
            payload="{}",
        ).sealed(prev)
        records.append(record)
        prev = record.hash
    check = AppendCheck.prepare("case-1", 0, records)
    assert check.problem is None
    assert check.times == tuple(format_time(at) for at in times)


def _row(due: date, case_id: str, kind: AgendaKind, key: str, detail: str = "") -> AgendaItem:
    return AgendaItem(case_id=case_id, kind=kind, key=key, due=due, detail=detail)


def _agenda_order(items: list[AgendaItem]) -> list[tuple[date, str, str, str]]:
    return [(i.due, i.case_id, i.kind.value, i.key) for i in sorted(items, key=agenda_sort_key)]


def test_agenda_sort_key_orders_by_due_then_case_then_kind_then_key() -> None:
    """Due comes first, then case id, then kind, then key; the detail plays no part."""
    jan, feb = date(2026, 1, 15), date(2026, 2, 15)
    evaluation, handover = AgendaKind.EVALUATION_DUE, AgendaKind.HANDOVER_PENDING
    items = [
        _row(feb, "case-a", evaluation, "a", detail="a later due wins over everything else"),
        _row(jan, "case-b", evaluation, "a"),
        _row(jan, "case-a", handover, "a"),
        _row(jan, "case-a", evaluation, "b"),
        _row(jan, "case-a", evaluation, "a", detail="zzz"),
    ]
    assert _agenda_order(items) == [
        (jan, "case-a", "evaluation-due", "a"),
        (jan, "case-a", "evaluation-due", "b"),
        (jan, "case-a", "handover-pending", "a"),
        (jan, "case-b", "evaluation-due", "a"),
        (feb, "case-a", "evaluation-due", "a"),
    ]
    # Rows alike but for their detail tie, so a stable sort keeps them as they came.
    noted, plain = items[-1], attrs.evolve(items[-1], detail="")
    assert agenda_sort_key(plain) == agenda_sort_key(noted)
    assert sorted([plain, noted], key=agenda_sort_key) == [plain, noted]
    assert sorted([noted, plain], key=agenda_sort_key) == [noted, plain]


def test_agenda_sort_key_orders_kinds_by_their_value_not_their_declaration() -> None:
    """DECISION_DUE is declared after EVALUATION_DUE but "decision-due" sorts first."""
    members = list(AgendaKind)
    assert members.index(AgendaKind.DECISION_DUE) > members.index(AgendaKind.EVALUATION_DUE)
    day = date(2026, 1, 15)
    items = [_row(day, "case-1", kind, "k") for kind in AgendaKind]
    assert [kind for _, _, kind, _ in _agenda_order(items)] == sorted(k.value for k in AgendaKind)
    assert _agenda_order(items)[0][2] == "decision-due"


def test_agenda_sort_key_compares_keys_and_case_ids_by_code_point() -> None:
    """Upper case before lower case, and å, æ, ø after z in code-point (not Norwegian) order."""
    day = date(2026, 1, 15)
    keys = ["ø", "a", "æ", "Z", "z", "å", "B", "b"]
    items = [_row(day, "case-1", AgendaKind.EVALUATION_DUE, key) for key in keys]
    assert [key for *_, key in _agenda_order(items)] == ["B", "Z", "a", "b", "z", "å", "æ", "ø"]
    cases = [_row(day, case_id, AgendaKind.EVALUATION_DUE, "k") for case_id in ("æ", "z", "Z")]
    assert [case_id for _, case_id, *_ in _agenda_order(cases)] == ["Z", "z", "æ"]


# Agenda rows as (due, case id, kind, key), unique by (case, kind, key) like the agenda's.
AGENDA_ROWS = st.lists(
    st.tuples(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 3)),
        st.sampled_from(["case-a", "case-B", "case-æ"]),
        st.sampled_from(list(AgendaKind)),
        st.sampled_from(["k", "K", "å", "æ", "ø", "z"]),
    ),
    unique_by=lambda row: row[1:],
    max_size=12,
)


@given(AGENDA_ROWS, TEXT, st.data())
def test_agenda_sort_key_gives_one_order_whatever_the_insertion_order(
    rows: list[tuple[date, str, AgendaKind, str]], detail: str, data: st.DataObject
) -> None:
    """Rows unique by (case, kind, key) sort the same from any insertion order, any detail."""
    shuffled = data.draw(st.permutations(rows))
    first = sorted((_row(*row) for row in rows), key=agenda_sort_key)
    second = sorted((_row(*row, detail=detail) for row in shuffled), key=agenda_sort_key)
    assert [(i.due, i.case_id, i.kind, i.key) for i in first] == [
        (i.due, i.case_id, i.kind, i.key) for i in second
    ]

"""Numbers, dates, kinds and texts at the edges of their range are typed errors (fuzz sweep).

An adversarial sweep found raw exceptions where the library promises a
[`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError]: a meeting horizon of
three million days and a deadline of a million weeks (``OverflowError``), an offset time at year 1
(``OverflowError``), integers above 64 bits handed to SQLite (``OverflowError``), agenda kinds
given as text (``AttributeError`` on SQLite, silently nothing in memory), an unhashable municipal
setting (``TypeError``) and a lone surrogate in a checkpoint (``UnicodeEncodeError``). Each is now
a typed error naming the place, never the value, and nothing is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock, ensure_utc
from barnekoordinator.commands import parse_command
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.meetings import MAX_HORIZON_DAYS, prepare_meeting
from barnekoordinator.edges import LATEST_DATE
from barnekoordinator.errors import (
    CheckpointError,
    InvalidConfiguration,
    InvalidInput,
    SchemaViolation,
)
from barnekoordinator.history.case import open_case
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Ed25519Signer,
    Frontier,
    TreeHead,
    open_note,
    sign_checkpoint,
    sign_note,
)
from barnekoordinator.history.documents import schema
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import parse_time
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import MAX_INTEGER
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.legal_basis import deadline
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import DEFAULT_AS_OF, TEST_SEALING_KEY, standard_case
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    agenda_payload,
    make_audit,
    make_records,
)
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"bounds-edges-test-secret-32-byte"
UNTIL = date(2040, 1, 1)
TOO_BIG = [2**63, 2**70, 10**30, -(2**63) - 1, -(2**70)]
NOT_WHOLE: list[object] = ["1", None, 1.5, True]
KE = Principal(
    subject="ke-1",
    display_label="KE",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
    municipality_number="0301",
)
BAD_KINDS: list[object] = [["turns-18"], "evaluation-due", [None], 5, [AgendaKind.TURNS_18, "x"]]
"""Kinds that are not a collection of AgendaKind members: texts too (``"turns-18"``)."""


# --- stores --------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseStore]:
    """Each first-party store with one case (an agenda row) and one lone audit record."""
    made: CaseStore
    dsn = ""
    if request.param == "memory":
        made = InMemoryCaseStore(catalogue=CONFORMANCE_CATALOGUE)
    elif request.param == "sqlite":
        made = SQLiteCaseStore(tmp_path / "c.db", catalogue=CONFORMANCE_CATALOGUE)
    else:
        dsn = request.getfixturevalue("bk_postgres_dsn")
        schema_name = f"t_{uuid.uuid4().hex[:16]}"
        made = PostgresCaseStore(dsn, schema=schema_name, catalogue=CONFORMANCE_CATALOGUE)
    made.append("case-a", 0, make_records("case-a", [agenda_payload("upsert", due=UNTIL)]))
    made.append_audit(make_audit("case-a"))
    yield made
    made.close()
    if dsn:
        drop_schema(dsn, schema_name)


def snapshot(store: CaseStore) -> Any:
    """Everything the store holds (small stores: one page each)."""
    return (
        store.read_all(limit=1000),
        store.read_all_audit(limit=1000),
        store.agenda(until=date.max),
    )


_READS = {
    "read.after_version": lambda s, v: s.read("case-a", after_version=v),
    "read_all.after_position": lambda s, v: s.read_all(after_position=v),
    "read_all.limit": lambda s, v: s.read_all(limit=v),
    "read_all_audit.after_position": lambda s, v: s.read_all_audit(after_position=v),
    "read_all_audit.limit": lambda s, v: s.read_all_audit(limit=v),
    "agenda.limit": lambda s, v: s.agenda(until=UNTIL, limit=v),
}


@pytest.mark.parametrize("where", sorted(_READS))
def test_store_reads_refuse_integers_a_database_cannot_hold(store: CaseStore, where: str) -> None:
    """Above 64 bits (or not a whole number): InvalidInput naming the argument, on every store;
    the 64-bit extremes are still answered."""
    read = _READS[where]
    argument = where.split(".")[1]
    before = snapshot(store)
    for value in [*TOO_BIG, *NOT_WHOLE]:
        if value is None and where == "agenda.limit":
            continue  # no limit
        with pytest.raises(InvalidInput, match=rf"^{argument}: expected a whole number") as info:
            read(store, value)
        assert value not in TOO_BIG or str(abs(value)) not in str(info.value)  # type: ignore[arg-type]
    for value in (MAX_INTEGER, -MAX_INTEGER - 1):
        assert isinstance(read(store, value), list)
    assert snapshot(store) == before


@pytest.mark.parametrize("kinds", BAD_KINDS)
def test_store_agenda_refuses_kinds_that_are_not_agenda_kinds(
    store: CaseStore, kinds: object
) -> None:
    """A text such as "turns-18" is not an AgendaKind: the same InvalidInput on every store."""
    with pytest.raises(InvalidInput, match=r"^kinds: expected"):
        store.agenda(until=UNTIL, kinds=kinds)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=r"^kinds: expected"):
        store.agenda(until=UNTIL, kinds=kinds, case_id="case-a")  # type: ignore[arg-type]
    assert store.agenda(until=UNTIL, kinds=[AgendaKind.EVALUATION_DUE])
    assert store.agenda(until=UNTIL, kinds=()) == []


INTEGERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**66),
    st.integers(min_value=-(2**66), max_value=-(2**62)),
    st.sampled_from([MAX_INTEGER, MAX_INTEGER + 1, -MAX_INTEGER - 1, -MAX_INTEGER - 2, 0, -1]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.sampled_from(sorted(_READS)), value=st.one_of(INTEGERS, st.none(), st.floats()))
def test_any_integer_is_answered_or_refused_and_nothing_is_written(
    store: CaseStore, where: str, value: object
) -> None:
    """Large and negative integers: a 64-bit one is answered, any other a library error."""
    before = snapshot(store)
    fits = (isinstance(value, int) and -MAX_INTEGER - 1 <= value <= MAX_INTEGER) or (
        value is None and where == "agenda.limit"
    )
    if fits:
        assert isinstance(_READS[where](store, value), list)
    else:
        with pytest.raises(InvalidInput, match=rf"^{where.split('.')[1]}: expected"):
            _READS[where](store, value)
    assert snapshot(store) == before


# --- the Casebook's agenda --------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Casebook]:
    """A Casebook with one case (the child turns 18 before UNTIL)."""
    made: CaseStore = (
        InMemoryCaseStore() if request.param == "memory" else SQLiteCaseStore(tmp_path / "c.db")
    )
    clock = FixedClock(datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    book = Casebook(made, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    born = date(2012, 5, 3)
    number = synthetic_fodselsnummer(born, individual=500)
    child = Child(
        ref="child",
        birth_date=born,
        person_id=PersonId.parse(number, policy=IdentifierPolicy.testing()),
    )
    book.open_case(KE, [open_case(municipality_number="0301", subject=child)])
    yield book
    made.close()


def _book_snapshot(book: Casebook) -> Any:
    store = book._store  # the test looks at what was stored
    return store.read_all(limit=1000), store.read_all_audit(limit=1000)


@pytest.mark.parametrize("kinds", BAD_KINDS)
def test_casebook_agenda_refuses_kinds_that_are_not_agenda_kinds(
    book: Casebook, kinds: object
) -> None:
    """A search stores nothing; one case stores no event (only the audit of the refused call)."""
    case_id = book.agenda(KE, until=UNTIL)[0].case_id
    before = _book_snapshot(book)
    with pytest.raises(InvalidInput, match=r"^kinds: expected"):
        book.agenda(KE, until=UNTIL, kinds=kinds)  # type: ignore[arg-type]
    assert _book_snapshot(book) == before
    with pytest.raises(InvalidInput, match=r"^kinds: expected"):
        book.agenda(KE, until=UNTIL, kinds=kinds, case_id=case_id)  # type: ignore[arg-type]
    assert _book_snapshot(book)[0] == before[0]
    assert book.agenda(KE, until=UNTIL, kinds={AgendaKind.TURNS_18})


@pytest.mark.parametrize("limit", [2**63, 2**70])
def test_casebook_agenda_refuses_a_limit_above_64_bits(book: Casebook, limit: int) -> None:
    """The search used to hand the limit to SQLite (OverflowError); nothing is stored."""
    before = _book_snapshot(book)
    with pytest.raises(InvalidInput, match=r"^limit: expected a whole number"):
        book.agenda(KE, until=UNTIL, limit=limit)
    assert _book_snapshot(book) == before
    assert len(book.agenda(KE, until=UNTIL, limit=MAX_INTEGER)) == 1


# --- checkpoints ------------------------------------------------------------------------------


def _frontier(**changes: object) -> dict[str, object]:
    root = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
    return {"size": 1, "position": 1, "hashes": [root], "last_leaf": root, **changes}


@pytest.mark.parametrize("field", ["size", "position"])
@pytest.mark.parametrize("value", [2**63, 10**30, 2**200])
def test_frontier_numbers_must_fit_in_64_bits(field: str, value: int) -> None:
    """A --frontier file with "position": 1e30 reached SQLite; now CheckpointError naming it."""
    with pytest.raises(CheckpointError, match=rf"^frontier {field}: expected a whole number"):
        Frontier.from_dict(_frontier(**{field: value}))


def test_frontier_at_the_64_bit_limit_still_reads() -> None:
    """2**63 - 1 records (63 perfect subtrees) and position are accepted."""
    root = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
    frontier = Frontier.from_dict(
        _frontier(size=MAX_INTEGER, position=MAX_INTEGER, hashes=[root] * 63)
    )
    assert frontier.size == frontier.position == MAX_INTEGER


def test_a_lone_surrogate_in_checkpoint_text_is_a_checkpoint_error() -> None:
    """UTF-8 cannot encode a lone surrogate: refused before signing or verifying."""
    signer = Ed25519Signer.generate("bk.test/x")
    with pytest.raises(CheckpointError, match=r"^note: lone surrogate U\+D800"):
        open_note("a\ud800\n\n\u2014 bk.test/x AAAAAAAA\n", [signer.verifier()])
    with pytest.raises(CheckpointError, match=r"^checkpoint line 1: lone surrogate U\+D800"):
        sign_checkpoint(Checkpoint("o\ud800", TreeHead(1, b"\0" * 32)), signer)
    with pytest.raises(CheckpointError, match=r"^checkpoint line 4: lone surrogate U\+DFFF"):
        Checkpoint("o", TreeHead(1, b"\0" * 32), None, ("x\udfff",)).text()
    with pytest.raises(CheckpointError, match=r"^note text: lone surrogate U\+DC80"):
        sign_note("a\udc80\n", [signer])
    # Control characters keep their own message.
    with pytest.raises(CheckpointError, match=r"^note text: control character U\+0000"):
        sign_note("a\x00\n", [signer])


# --- times and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+00:31"],
)
def test_an_offset_time_without_a_utc_form_is_invalid_input(text: str) -> None:
    """records.parse_time raised OverflowError where other bad times raise InvalidInput."""
    with pytest.raises(InvalidInput, match=r"^time must lie within years 1 to 9999") as info:
        parse_time(text)
    assert text[:10] not in str(info.value)
    with pytest.raises(InvalidInput, match=r"^recorded_at must lie within"):
        ensure_utc(datetime.fromisoformat(text), what="recorded_at")


def test_parse_time_names_the_place_and_not_the_text() -> None:
    """Text that is not a time (or not text) is refused without repeating it."""
    for bad in ("17851550097", None, 5):
        with pytest.raises(InvalidInput, match=r"^recorded_at: expected an ISO 8601 time") as info:
            parse_time(bad, what="recorded_at")  # type: ignore[arg-type]
        assert "17851550097" not in str(info.value)
    assert parse_time("0001-01-01T01:00:00+01:00") == datetime(1, 1, 1, tzinfo=UTC)


def test_a_deadline_past_the_supported_dates_is_invalid_input() -> None:
    """deadline(day, weeks=10**6) overflowed; a deadline must end by LATEST_DATE."""
    for start, length in (
        (date(2026, 1, 1), {"weeks": 10**6}),
        (date(2026, 1, 1), {"days": 10**30}),
        (date(9999, 12, 31), {}),
        (LATEST_DATE, {"days": 1}),
    ):
        with pytest.raises(InvalidInput, match=r"^deadline: .* on or before 2199-12-31"):
            deadline(start, **length)
    assert deadline(date(2026, 3, 7), weeks=4) == date(2026, 4, 7)
    assert deadline(LATEST_DATE - timedelta(weeks=4), weeks=4) <= LATEST_DATE


def test_a_meeting_horizon_is_bounded() -> None:
    """horizon_days of three million overflowed; now 0 to MAX_HORIZON_DAYS, ending by 2199."""
    case = standard_case().case
    for bad in (3_000_000, MAX_HORIZON_DAYS + 1, -1, 10**30, True, 1.5):
        with pytest.raises(InvalidInput, match=r"^horizon_days: expected a whole number"):
            prepare_meeting(case, DEFAULT_AS_OF, horizon_days=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=r"^horizon_days: the meeting day \+ horizon_days"):
        prepare_meeting(case, LATEST_DATE - timedelta(days=1), horizon_days=7)
    with pytest.raises(InvalidInput, match=r"^horizon_days: the meeting day \+ horizon_days"):
        prepare_meeting(case, date(9999, 12, 31), horizon_days=7)
    assert prepare_meeting(case, DEFAULT_AS_OF, horizon_days=MAX_HORIZON_DAYS).as_of == (
        DEFAULT_AS_OF
    )


def test_the_command_schema_states_the_horizon_maximum() -> None:
    """A record document with horizon_days over the maximum is a schema violation at its path."""
    declared = schema("command.v1")["$defs"]["CallPreparedMeetingArguments"]["properties"]
    assert declared["horizon_days"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_HORIZON_DAYS,
    }
    document = {
        "command": "call_prepared_meeting",
        "case": "case-1",
        "arguments": {
            "meeting_id": "m1",
            "meeting_on": "2026-01-10",
            "invited": ["mor"],
            "horizon_days": 3_000_000,
        },
    }
    with pytest.raises(SchemaViolation) as info:
        parse_command(document)
    assert [path for path, _ in info.value.problems] == ["$.arguments.horizon_days"]


# --- municipal settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("substantial_assurance_actions", [[1]]),
        ("substantial_assurance_actions", [{}]),
        ("substantial_assurance_actions", ["read", ["write"]]),
        ("substantial_assurance_actions", "read"),
        ("nivaa0_decision_days", 10**5000),
        ("complaint_forwarding_days", -(10**5000)),
        ("participation", {"own_voice": 10**5000}),
        ("participation", {"lysglimt": 10**5000}),
        ("municipality_number", "\u0660\u0663\u0660\u0661"),
        ("municipality_number", "03\u00b201"[:4]),
    ],
    ids=lambda v: v if isinstance(v, str) and v.isascii() else type(v).__name__,
)
def test_malformed_settings_are_invalid_configuration_naming_the_setting(
    setting: str, value: object
) -> None:
    """Unhashable items, huge numbers and other scripts' digits: InvalidConfiguration."""
    with pytest.raises(InvalidConfiguration) as info:
        MunicipalSettings.from_mapping({setting: value})
    assert any(problem.startswith(setting) for problem in info.value.problems), info.value


def test_settings_that_are_not_a_mapping_or_have_odd_keys_are_invalid_configuration() -> None:
    """Not a mapping, or keys of mixed types (they used to be sorted together)."""
    for data in ([1], None, "x"):
        with pytest.raises(InvalidConfiguration, match="expected a mapping"):
            MunicipalSettings.from_mapping(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidConfiguration) as info:
        MunicipalSettings.from_mapping({1: 2, "a": 3})  # type: ignore[dict-item]
    assert info.value.problems == ("1: unknown setting", "a: unknown setting")


def test_municipality_number_takes_ascii_digits_only() -> None:
    """str.isdigit() took "٠٣٠١" (Arabic-Indic digits); the constructor refuses it too."""
    with pytest.raises(InvalidConfiguration, match="municipality_number: expected four digits"):
        MunicipalSettings(municipality_number="\u0660\u0663\u0660\u0661")
    assert MunicipalSettings(municipality_number="5001").municipality_number == "5001"


def test_an_offset_is_kept_in_the_utc_form() -> None:
    """A time with an offset well inside the calendar still converts (no range check added)."""
    value = datetime(1899, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2)))
    assert ensure_utc(value) == datetime(1900, 1, 1, 1, 0, tzinfo=UTC)

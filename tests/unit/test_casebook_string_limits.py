"""The strings a Casebook call audits or repeats have a size limit (issue 11 item 4).

``read_entry(principal, case, "e" * 1_000_000)`` raised an AccessDenied whose message held the
whole million-character id, and audited the target ``entry:<id>`` built from it;
``execute(principal, case, command, action="x" * 100_000)`` succeeded and audited that action
name as given (sweep 2026-12-07). Now an entry id over ``MAX_ENTRY_ID_LENGTH`` and an action
name over ``MAX_ACTION_LENGTH`` are refused as InvalidInput that does not repeat them, still
with exactly one audit record, which keeps neither.

Real SQLite files; synthetic identities only (barnekoordinator.testing).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import AccessDenied, BarnekoordinatorError, InvalidInput
from barnekoordinator.history.case import open_case
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import TEST_SEALING_KEY

KE = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)
STRANGER = Principal(
    subject="cw-bergen",
    display_label="Ola, barnevern Bergen",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"caseworker"}),
    municipality_number="4601",
)
MAX_ENTRY_ID_LENGTH = 500
"""``_casebook_views.MAX_ENTRY_ID_LENGTH``: two ids of 200 with a kind and separators."""
MAX_ACTION_LENGTH = 200
"""``_casebook_views.MAX_ACTION_LENGTH``, as long as an id (``people.MAX_ID_LENGTH``)."""
MESSAGE_LIMIT = 400
"""No message of these calls is longer (a case id, a reason and at most a shortened id)."""


@pytest.fixture(scope="module")
def sqlite_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Casebook, str]]:
    """A Casebook on a SQLite file holding one case opened by koordinerende enhet."""
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    folder: Path = tmp_path_factory.mktemp("limits")
    book = Casebook(
        SQLiteCaseStore(folder / "cases.db"),
        clock=FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)),
        subject_secret=b"string-limits-test-secret-32byte",
        sealing=TEST_SEALING_KEY,
    )
    child = Child(ref="child", birth_date=date(2020, 2, 2))
    case_id = book.open_case(KE, [open_case(municipality_number="0301", subject=child)])
    yield book, case_id
    book.close()


ODD = st.sampled_from(["e", "é", "0", "a:b", " ", "\x00", "\ud800", "\u202e", "\u200b", "🙂"])
"""Pieces of odd strings: control and format characters, a lone surrogate, digits."""
LONG = st.builds(
    lambda piece, count, tail: piece * count + tail,
    ODD,
    st.integers(min_value=MAX_ENTRY_ID_LENGTH + 1, max_value=200_000),
    st.text(max_size=5),
)
"""Longer than either limit, whatever it is made of."""
STRINGS = st.one_of(
    LONG,
    st.text(max_size=MAX_ENTRY_ID_LENGTH + 20),
    st.lists(ODD, max_size=MAX_ENTRY_ID_LENGTH + 20).map("".join),
    st.sampled_from(["write", "record-observation", "read", "x" * (MAX_ACTION_LENGTH + 1)]),
    st.sampled_from(["e" * MAX_ENTRY_ID_LENGTH, "e" * (MAX_ENTRY_ID_LENGTH + 1)]),
)


def _check_message(error: BaseException, given: str, limit: int) -> None:
    message = str(error)
    assert len(message) <= MESSAGE_LIMIT
    if len(given) > limit:
        assert given not in message
        assert given[: limit + 1] not in message


@given(entry_id=STRINGS, stranger=st.booleans())
def test_an_entry_id_is_a_library_error_with_one_audit_record(
    sqlite_book: tuple[Casebook, str], entry_id: str, stranger: bool
) -> None:
    """``read_entry`` with any string: AccessDenied or InvalidInput, one audit record whose
    target is at most ``entry:`` and the limit; an id over the limit is never repeated."""
    book, case_id = sqlite_book
    principal = STRANGER if stranger else KE
    before = len(book.store.read_audit(case_id))
    with pytest.raises(BarnekoordinatorError) as raised:
        book.read_entry(principal, case_id, entry_id)
    assert type(raised.value) in (AccessDenied, InvalidInput)
    _check_message(raised.value, entry_id, MAX_ENTRY_ID_LENGTH)
    trail = book.store.read_audit(case_id)
    assert len(trail) == before + 1
    record = trail[-1]
    assert not record.allowed
    assert len(record.target) <= len("entry:") + MAX_ENTRY_ID_LENGTH
    if len(entry_id) > MAX_ENTRY_ID_LENGTH:
        assert isinstance(raised.value, InvalidInput)
        assert record.target == "entry:?"


@given(action=STRINGS, stranger=st.booleans())
def test_an_action_name_is_a_library_error_or_a_write_with_one_audit_record(
    sqlite_book: tuple[Casebook, str], action: str, stranger: bool
) -> None:
    """``execute`` with any action name: done (a command name within the limit) or a library
    error, one audit record each whose action is at most the limit, nothing stored; a name over
    the limit is InvalidInput, never repeated, audited as 'invalid-action'."""
    book, case_id = sqlite_book
    principal = STRANGER if stranger else KE
    before = len(book.store.read_audit(case_id))
    version = book.store.version(case_id)
    failed: BarnekoordinatorError | None = None
    try:
        book.execute(principal, case_id, lambda case: [], action=action)
    except BarnekoordinatorError as error:
        failed = error
    if failed is not None:
        _check_message(failed, action, MAX_ACTION_LENGTH)
    if len(action) > MAX_ACTION_LENGTH:
        assert isinstance(failed, InvalidInput | AccessDenied)
    trail = book.store.read_audit(case_id)
    assert len(trail) == before + 1
    record = trail[-1]
    assert len(str(record.action)) <= MAX_ACTION_LENGTH
    if len(action) > MAX_ACTION_LENGTH:
        assert record.action == "invalid-action"
        assert not record.allowed
    assert book.store.version(case_id) == version


def test_a_million_character_entry_id_and_action(sqlite_book: tuple[Casebook, str]) -> None:
    """The sweep's two calls: refused as InvalidInput naming the argument, in a short message."""
    book, case_id = sqlite_book
    with pytest.raises(InvalidInput, match=f"entry_id: .*more than {MAX_ENTRY_ID_LENGTH}") as one:
        book.read_entry(KE, case_id, "e" * 1_000_000)
    assert len(str(one.value)) < 200
    with pytest.raises(InvalidInput, match=f"action: .*at most {MAX_ACTION_LENGTH}") as two:
        book.execute(KE, case_id, lambda case: [], action="x" * 100_000)
    assert len(str(two.value)) < 200
    trail = book.store.read_audit(case_id)
    assert [(r.action, r.target, r.allowed) for r in trail[-2:]] == [
        ("read", "entry:?", False),
        ("invalid-action", "case", False),
    ]
    # The control: an entry id and a command name of exactly their limits are audited as given.
    longest = "stafettlogg:" + "e" * (MAX_ENTRY_ID_LENGTH - len("stafettlogg:"))
    with pytest.raises(AccessDenied, match="no entry 'stafettlogg:eee"):
        book.read_entry(KE, case_id, longest)
    name = "r" * MAX_ACTION_LENGTH
    book.execute(KE, case_id, lambda case: [], action=name)
    trail = book.store.read_audit(case_id)
    assert [(r.action, r.target) for r in trail[-2:]] == [
        ("read", f"entry:{longest}"),
        (name, "case"),
    ]


def test_the_limits_are_the_librarys() -> None:
    from barnekoordinator import _casebook_views

    assert _casebook_views.MAX_ENTRY_ID_LENGTH == MAX_ENTRY_ID_LENGTH
    assert _casebook_views.MAX_ACTION_LENGTH == MAX_ACTION_LENGTH

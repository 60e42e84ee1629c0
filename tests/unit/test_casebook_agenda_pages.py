"""The Casebook's agenda in keyset pages (decision 30): ``after=AgendaCursor.of(last row)``.

Pages of any size concatenated are the unpaged answer for every principal — rows withheld from
one principal stay withheld on every page — one case or a search; a bad ``after`` is InvalidInput;
a store whose ``agenda`` predates ``after`` gives the same pages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from pathlib import Path

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import ParticipantJoined, open_case
from barnekoordinator.history.paging import AgendaCursor, pages_itself
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.store import CaseStore
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"agenda-pages-test-secret-32-byte"
UNTIL = date(2040, 1, 1)


def synthetic_id(born: date, nth: int) -> str:
    """The ``nth`` synthetic fødselsnummer of a day with valid control digits."""
    found = []
    for individual in range(500, 1000):
        try:
            found.append(synthetic_fodselsnummer(born, individual=individual))
        except InvalidInput:
            continue
        if len(found) > nth:
            return found[nth]
    raise AssertionError(born)


def staff(subject: str, *roles: str) -> Principal:
    return Principal(
        subject=subject,
        display_label=subject,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
    )


KE = staff("ke-1", SystemRole.KOORDINERENDE_ENHET)
NURSE = staff("nurse")
STRANGER = staff("stranger")


class OldStore:
    """A third-party store written before ``after``: its ``agenda`` has no such parameter."""

    def __init__(self, inner: InMemoryCaseStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def agenda(
        self,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
    ) -> list[AgendaItem]:
        return self._inner.agenda(until=until, kinds=kinds, case_id=case_id, limit=limit)


@pytest.fixture(params=["memory", "sqlite", "old"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseStore]:
    made: CaseStore
    if request.param == "sqlite":
        made = SQLiteCaseStore(tmp_path / "c.db")
    elif request.param == "old":
        made = OldStore(InMemoryCaseStore())  # type: ignore[assignment]
        assert not pages_itself(made)
    else:
        made = InMemoryCaseStore()
    yield made
    made.close()


@pytest.fixture
def book(store: CaseStore, clock: FixedClock) -> Casebook:
    """Seven cases; children born on three days (rows tie on the due date); the nurse takes
    part in every other case, so she may read some rows of the search and not others."""
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    policy = IdentifierPolicy.testing()
    nurse = Professional(
        ref="nurse",
        service=ServiceKind.HELSESTASJON,
        organisation=Organisasjonsnummer.parse("123456785"),
        name="Kari",
    )
    for i in range(7):
        born = date(2012, 5, 3 + i % 3)
        child = Child(
            ref="child",
            birth_date=born,
            person_id=PersonId.parse(synthetic_id(born, i), policy=policy),
        )
        events = [open_case(municipality_number="0301", subject=child)]
        book.open_case(KE, events + ([ParticipantJoined(participant=nurse)] if i % 2 else []))
    return book


def walk(book: Casebook, who: Principal, size: int, **query: object) -> list[AgendaItem]:
    rows: list[AgendaItem] = []
    after: AgendaCursor | None = None
    while True:
        page = book.agenda(who, until=UNTIL, limit=size, after=after, **query)  # type: ignore[arg-type]
        assert len(page) <= size
        rows += page
        if len(page) < size:
            return rows
        after = AgendaCursor.of(page[-1])


def test_pages_of_a_search_add_up_to_the_search(book: Casebook) -> None:
    """Every principal, every page size: the pages are the unpaged search, in order."""
    everything = book.agenda(KE, until=UNTIL)
    assert len(everything) >= 7
    assert len({r.due for r in everything}) < len(everything), "no rows tied on their date"
    nurse = book.agenda(NURSE, until=UNTIL)
    assert 0 < len({r.case_id for r in nurse}) < len({r.case_id for r in everything})
    for who, whole in ((KE, everything), (NURSE, nurse), (STRANGER, ())):
        for size in (1, 2, 3, 5, 100):
            assert walk(book, who, size) == list(whole), (who.subject, size)


def test_pages_of_one_case_add_up_to_the_case(book: Casebook) -> None:
    """One case's rows in pages of one, filtered by kind or not."""
    case_id = book.agenda(KE, until=UNTIL)[0].case_id
    for kinds in (None, {AgendaKind.TURNS_18}):
        whole = book.agenda(KE, until=UNTIL, case_id=case_id, kinds=kinds)
        assert whole
        assert walk(book, KE, 1, case_id=case_id, kinds=kinds) == list(whole)


def test_a_bad_cursor_is_invalid_input(book: Casebook) -> None:
    """``after`` must be an AgendaCursor, in a search and for one case."""
    case_id = book.agenda(KE, until=UNTIL)[0].case_id
    for query in ({}, {"case_id": case_id}):
        with pytest.raises(InvalidInput, match=r"^after: expected an AgendaCursor, got str"):
            book.agenda(KE, until=UNTIL, after="ac1.e30", **query)  # type: ignore[arg-type]

"""What a Casebook call is handed and audits (issue 11): no identity number in clear in the store,
no allowed record in a trail for what did not happen, and no case that breaks others' searches.

Found by a sweep, each test names its finding:

* A. ``read_entry(entry_id=…)``, ``execute(action=…)`` and ``export(exporter=…)`` audited the
  caller's string verbatim, so a fødselsnummer given there reached the SQLite file, the records'
  repr and the FHIR AuditEvent (``execute`` even succeeded with it as its "command name").
* C. ``open_case(case_id=<another family's case>)`` wrote an *allowed* ``open`` into that family's
  trail ("X opened the case") and its ``ConcurrencyConflict`` told a stranger the case's version
  ("expected version 0, but the store is at 2").
* D. After ``KeyRing.destroy`` on one case (crypto-shredding), every principal's agenda search
  failed with a ``SealingError`` naming that case, and nothing was audited.

Synthetic identities only (Tenor, month + 80).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import AccessDenied, ConcurrencyConflict, InvalidInput
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.case import ParticipantJoined, open_case
from barnekoordinator.history.records import AuditRecord
from barnekoordinator.history.sealing import KeyRing
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.protocols import ExportResult
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY, professional
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"audit-inputs-test-secret-32bytes"
POLICY = IdentifierPolicy.testing()
BORN = date(2019, 4, 1)
NUMBER = synthetic_fodselsnummer(BORN)
"""The child's own (synthetic) number: the one a caller might paste into any text."""
CHILD_ID = PersonId.parse(NUMBER, policy=POLICY)
MOTHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1985, 6, 7)), policy=POLICY)
CLOCK = datetime(2026, 1, 5, 9, tzinfo=UTC)
UNTIL = date(2040, 1, 1)


def staff(subject: str, label: str, role: str, municipality: str = "0301") -> Principal:
    """A municipal employee logged in at high assurance."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset({role}),
        municipality_number=municipality,
    )


KE = staff("ke-1", "Siri, koordinerende enhet", "koordinerende-enhet")
NURSE = staff("hs", "Hanna, helsestasjon", "caseworker")
STRANGER = staff("cw-bergen", "Ola, barnevern Bergen", "caseworker", "4601")
MOTHER = Principal(
    subject="idp-mor", display_label="Mor", assurance=AssuranceLevel.HIGH, national_id=MOTHER_ID
)


def opening(born: date = BORN, *, nurse: bool = False) -> list[object]:
    """The opening batch of a child (with a mother), the nurse joining when asked."""
    child = Child(
        ref="child",
        birth_date=born,
        person_id=PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY),
    )
    mother = Guardian(
        ref="mor",
        relation=GuardianRelation.MOTHER,
        parental_responsibility=True,
        person_id=MOTHER_ID,
    )
    batch: list[object] = [open_case(municipality_number="0301", subject=child, guardians=[mother])]
    if nurse:
        batch.append(ParticipantJoined(participant=professional("hs", ServiceKind.HELSESTASJON)))
    return batch


def book_on(store: InMemoryCaseStore | SQLiteCaseStore, **options: object) -> Casebook:
    """A Casebook on ``store`` at the test's fixed time, sealing with the test key."""
    sealing = options.pop("sealing", TEST_SEALING_KEY)
    return Casebook(
        store,
        clock=FixedClock(CLOCK),
        subject_secret=SECRET,
        sealing=sealing,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def shows_number(text: str) -> bool:
    """Whether ``text`` holds the number, or its first six digits (the redacted form's)."""
    digits = digits_of(text)
    return NUMBER in digits or NUMBER[:6] in digits


# --- A. caller-given strings the audit record keeps ---------------------------------------------

FORMS = {
    "bare": NUMBER,
    "split": f"{NUMBER[:6]}-{NUMBER[6:]}",
    "in a word": f"log-{NUMBER}",
}
"""A number as a caller may give it (every form a fødselsnummer is written, see _redact)."""


class NumberedExporter:
    """An exporter object whose format name is a number: it must never run."""

    media_type = "application/json"

    def __init__(self, format: str) -> None:
        self.format = format
        self.ran = False

    def export(self, view: ExportView) -> ExportResult:
        self.ran = True
        raise AssertionError("an exporter named by a number was run")


Call = Callable[[Casebook, str, str], object]
CALLS: dict[str, tuple[Call, str, tuple[str, str]]] = {
    "read_entry": (lambda b, c, n: b.read_entry(KE, c, n), "entry_id", ("read", "entry:?")),
    "execute": (
        lambda b, c, n: b.execute(KE, c, lambda case: [], action=n),
        "action",
        ("invalid-action", "case"),
    ),
    "export": (lambda b, c, n: b.export(KE, c, n), "exporter", ("read", "export:?")),
    "export object": (
        lambda b, c, n: b.export(KE, c, NumberedExporter(n)),  # type: ignore[arg-type]
        "exporter",
        ("read", "export:?"),
    ),
}


@pytest.fixture
def sqlite_book(tmp_path: Path) -> Iterator[tuple[Casebook, str, Path]]:
    """A Casebook on a SQLite file holding one case (the child's number sealed in it)."""
    folder = tmp_path / "db"
    folder.mkdir()
    book = book_on(SQLiteCaseStore(folder / "cases.db"))
    case_id = book.open_case(KE, opening())  # type: ignore[arg-type]
    yield book, case_id, folder
    book.close()


def raw_bytes(folder: Path) -> bytes:
    """Every byte of the store's files (the database, its journal or WAL)."""
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
@pytest.mark.parametrize("name", list(CALLS))
def test_a_number_given_as_an_audited_string_is_refused_and_never_stored(
    sqlite_book: tuple[Casebook, str, Path], name: str, form: str
) -> None:
    """InvalidInput naming the parameter, never the value; one refused audit record without it;
    the number is nowhere in the SQLite file, the records' repr or str, or who-has-looked."""
    book, case_id, folder = sqlite_book
    call, parameter, (action, target) = CALLS[name]
    before = book.store.read_audit(case_id)
    with pytest.raises(InvalidInput) as refused:
        call(book, case_id, form)
    message = str(refused.value)
    assert f"{parameter}: " in message
    assert not shows_number(message.replace(case_id, ""))
    trail = book.store.read_audit(case_id)
    assert len(trail) == len(before) + 1
    record = trail[-1]
    assert (record.action, record.target, record.allowed) == (action, target, False)
    assert not shows_number(repr(trail))
    assert not shows_number(str(trail))
    assert not shows_number(book.who_looked(MOTHER, case_id, "en"))
    book.close()
    raw = raw_bytes(folder)
    assert NUMBER.encode() not in raw
    assert form.encode() not in raw


def test_a_numbered_exporter_object_is_never_run(sqlite_book: tuple[Casebook, str, Path]) -> None:
    book, case_id, _ = sqlite_book
    exporter = NumberedExporter(NUMBER)
    with pytest.raises(InvalidInput, match="exporter: "):
        book.export(KE, case_id, exporter)  # type: ignore[arg-type]
    assert not exporter.ran


def test_a_command_name_and_a_uuid_entry_id_are_still_audited_as_given(
    sqlite_book: tuple[Casebook, str, Path],
) -> None:
    """The control: names with no number pass; a UUID's hex digits are no number."""
    book, case_id, _ = sqlite_book
    book.execute(KE, case_id, lambda case: [], action="record-observation")
    uuid_entry = "stafettlogg:12345678-1234-1234-1234-123456789012"
    with pytest.raises(AccessDenied, match="no entry"):
        book.read_entry(KE, case_id, uuid_entry)
    trail = book.store.read_audit(case_id)
    assert [(r.action, r.target) for r in trail[-2:]] == [
        ("record-observation", "case"),
        ("read", f"entry:{uuid_entry}"),
    ]


# --- C. opening with the id of a stored case ----------------------------------------------------


def looks(trail: list[AuditRecord], actor: str) -> list[tuple[str, bool, str]]:
    return [(r.action, r.allowed, r.reason) for r in trail if r.actor == actor]


def test_a_stranger_opening_with_another_familys_case_id_is_refused_there() -> None:
    """Nothing stored and no version told; one *refused* open in the family's trail, so the
    family sees a refused attempt, not someone who opened their case."""
    store = InMemoryCaseStore()
    book = book_on(store)
    case_id = book.open_case(KE, opening(nurse=True))  # type: ignore[arg-type]
    version = store.version(case_id)
    assert version == 2
    other_child = Child(ref="c", birth_date=date(2020, 2, 2))
    with pytest.raises(ConcurrencyConflict) as refused:
        book.open_case(
            STRANGER, open_case(municipality_number="4601", subject=other_child), case_id=case_id
        )
    assert (refused.value.case_id, refused.value.expected, refused.value.actual) == (case_id, 0, 0)
    message = str(refused.value).replace(case_id, "")
    assert "a case with this id exists" in message
    assert "version" not in message
    assert "store is at" not in message
    assert digits_of(message) == ""
    trail = store.read_audit(case_id)
    assert looks(trail, STRANGER.subject) == [
        ("open", False, "a case with this id exists; nothing stored")
    ]
    assert store.version(case_id) == version
    shown = book.who_looked(MOTHER, case_id, "en")
    assert "Ola, barnevern Bergen: tried to open the case (refused)" in shown
    assert "Ola, barnevern Bergen: opened the case" not in shown


def test_the_opener_of_the_case_gets_the_same_conflict_audited_as_refused() -> None:
    """Opening again with the id of one's own case (a retry after a lost answer, say) conflicts as
    before, but the trail holds no second *allowed* ``open``."""
    store = InMemoryCaseStore()
    book = book_on(store)
    case_id = book.open_case(KE, opening())  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict, match="a case with this id exists") as conflict:
        book.open_case(KE, opening(), case_id=case_id)  # type: ignore[arg-type]
    assert "store is at" not in str(conflict.value)
    trail = store.read_audit(case_id)
    assert [(action, allowed) for action, allowed, _ in looks(trail, KE.subject)] == [
        ("open", True),
        ("open", False),
    ]
    assert trail[-1].reason == "a case with this id exists; nothing stored"


# --- D. a crypto-shredded case in an agenda search ----------------------------------------------


@pytest.fixture
def shredded() -> tuple[Casebook, InMemoryCaseStore, str, str]:
    """Two families' cases (the nurse takes part in the first); the second one, whose rows come
    first in the agenda, crypto-shredded at the end of its retention."""
    store = InMemoryCaseStore()
    ring = KeyRing(store, TEST_SEALING_KEY)
    book = book_on(store, sealing=ring)
    kept = book.open_case(KE, opening(date(2016, 2, 2), nurse=True))  # type: ignore[arg-type]
    gone = book.open_case(KE, opening(date(2015, 1, 1)))  # type: ignore[arg-type]
    assert book.agenda(KE, until=UNTIL, case_id=gone)  # it had rows, and they stay
    ring.destroy(gone, at=datetime(2036, 1, 2, 8, tzinfo=UTC))
    return book, store, kept, gone


@pytest.mark.parametrize("limit", [None, 1, 10])
@pytest.mark.parametrize("who", ["nurse", "ke"])
def test_a_shredded_case_does_not_break_the_agenda_of_other_cases(
    shredded: tuple[Casebook, InMemoryCaseStore, str, str], who: str, limit: int | None
) -> None:
    """The search skips the shredded case (no row, no name, no record) and audits each case it
    shows once, as before."""
    book, store, kept, gone = shredded
    principal = {"nurse": NURSE, "ke": KE}[who]
    before = {case: len(store.read_audit(case)) for case in (kept, gone)}
    rows = book.agenda(principal, until=UNTIL, limit=limit)
    assert rows
    assert {r.case_id for r in rows} == {kept}
    assert len(store.read_audit(kept)) == before[kept] + 1
    assert store.read_audit(kept)[-1].target == "agenda"
    assert len(store.read_audit(gone)) == before[gone]


def test_a_principal_with_no_case_gets_an_empty_agenda_not_an_error(
    shredded: tuple[Casebook, InMemoryCaseStore, str, str],
) -> None:
    book, store, _, _ = shredded
    before = len(store.read_all_audit())
    assert book.agenda(STRANGER, until=UNTIL) == ()
    assert len(store.read_all_audit()) == before

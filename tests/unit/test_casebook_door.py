"""One door (issue 11): nothing the Casebook returns holds more than the decision covered.

Real memory and SQLite stores. Each test names what the issue found: a write
returned the full case (entries withheld from the writer, every national id),
``action="read"`` on ``execute`` was audited as an allowed read, and a command
returning ``None`` raised a raw ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.access.entries import GuardianVisibility, change_visibility
from barnekoordinator.access.policy import AccessAction
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook, Recorded
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import (
    AccessDenied,
    CaseNotFound,
    InvalidCommand,
    InvalidInput,
    StorageUnavailable,
)
from barnekoordinator.history.case import DomainEvent, ParticipantJoined, open_case
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import AuditRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"one-door-test-secret-32-bytes..."
POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
BORN = date(2012, 5, 3)  # 13 on 2026-01-05


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


CHILD_ID, MOTHER_ID, FATHER_ID = pid(BORN), pid(date(1980, 1, 2)), pid(date(1979, 3, 4))
NUMBERS = tuple(p.reveal() for p in (CHILD_ID, MOTHER_ID, FATHER_ID))


def staff(subject: str, label: str, *roles: str) -> Principal:
    """A municipal employee acting for Oslo (0301)."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
    )


MOTHER = Principal(
    subject="idporten-mor",
    display_label="Mor",
    assurance=AssuranceLevel.HIGH,
    national_id=MOTHER_ID,
    roles=frozenset({SystemRole.CITIZEN}),
)
KE = staff("ke-1", "Siri, koordinerende enhet", SystemRole.KOORDINERENDE_ENHET)
NURSE = staff("nurse", "Kari, helsestasjon")
TEACHER = staff("teacher", "Ola, skole")
PPT = staff("ppt", "Per, PPT")
LEADER = staff("boss", "Leder", SystemRole.LEADER)
STRANGER = staff("stranger", "Ukjent")


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseStore]:
    """The real memory and SQLite stores."""
    made: CaseStore = (
        InMemoryCaseStore() if request.param == "memory" else SQLiteCaseStore(tmp_path / "c.db")
    )
    yield made
    made.close()


@pytest.fixture
def book(store: CaseStore, clock: FixedClock) -> Casebook:
    """A Casebook on the store with the fixed clock (2026-01-05)."""
    return Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)


def opening() -> list[DomainEvent]:
    """The family's case: two guardians, a nurse, a teacher and PPT taking part."""
    professionals = [
        Professional(ref=ref, service=service, organisation=ORG, name=name, hpr=hpr)
        for ref, service, name, hpr in (
            ("nurse", ServiceKind.HELSESTASJON, "Kari", HprNummer(1234567)),
            ("teacher", ServiceKind.SKOLE, "Ola", None),
            ("ppt", ServiceKind.PPT, "Per", None),
        )
    ]
    return [
        open_case(
            municipality_number="0301",
            subject=Child(ref="child", birth_date=BORN, person_id=CHILD_ID, name="Nora"),
            guardians=(
                Guardian(
                    ref="mother",
                    relation=GuardianRelation.MOTHER,
                    parental_responsibility=True,
                    person_id=MOTHER_ID,
                    name="Mona",
                ),
                Guardian(
                    ref="father",
                    relation=GuardianRelation.FATHER,
                    parental_responsibility=True,
                    person_id=FATHER_ID,
                    name="Frode",
                ),
            ),
        ),
        *(ParticipantJoined(participant=p) for p in professionals),
    ]


@pytest.fixture
def case_id(book: Casebook) -> str:
    """The case with a nurse's undring withheld from the guardians at the child's request."""
    new = book.open_case(KE, opening(), case_id="case-1")
    today = book.today()
    book.execute(
        NURSE,
        new,
        lambda c: stafettlogg.register_undring(
            c, undring_id="u-health", by="nurse", description="Sover dårlig", as_of=today
        ),
    )
    book.execute(
        NURSE,
        new,
        lambda c: change_visibility(
            c,
            entry_id="undring:u-health",
            visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
            decided_by="nurse",
            reason="the child asked, for reasons that should be respected",
            as_of=today,
        ),
        action=AccessAction.DECIDE_VISIBILITY,
    )
    return new


def trail(store: CaseStore, case_id: str) -> list[AuditRecord]:
    """The case's audit trail."""
    return store.read_audit(case_id)


def shown(value: object) -> str:
    """Everything a value carries, as text: its repr and every attrs field, recursively."""
    parts = [repr(value)]
    if attrs.has(type(value)):
        parts += [shown(getattr(value, f.name)) for f in attrs.fields(type(value))]
    elif isinstance(value, tuple | list):
        parts += [shown(v) for v in value]
    return "\n".join(parts)


# --- writes hand back ids and numbers ------------------------------------------------------------


@pytest.mark.parametrize("writer", [MOTHER, TEACHER, PPT], ids=["guardian", "teacher", "ppt"])
def test_a_write_returns_nothing_the_writer_may_not_read(
    book: Casebook, store: CaseStore, case_id: str, writer: Principal
) -> None:
    """Issue 11: the guardian, a teacher and PPT (no consent) got the whole case back.

    Each may write, none may read the withheld health undring; the write's result
    holds no entry, no name and no national id.
    """
    today = book.today()
    if writer is MOTHER:
        result = book.execute(
            MOTHER,
            case_id,
            lambda c: give_consent(
                c,
                consent_id="k-mor",
                purpose=ConsentPurpose.SHARE_INFORMATION,
                given_by=["mother"],
                services=[ServiceKind.SKOLE],
                as_of=today,
            ),
            action="consent",
        )
    else:
        result = book.execute(
            writer,
            case_id,
            lambda c: stafettlogg.register_undring(
                c, undring_id=f"u-{writer.subject}", by=writer.subject, description="x", as_of=today
            ),
        )
    assert isinstance(result, Recorded)
    assert result.sequences == (store.version(case_id),)
    text = shown(result)
    for forbidden in (*NUMBERS, "u-health", "Sover dårlig", "Nora", "Mona", "Frode"):
        assert forbidden not in text
    assert trail(store, case_id)[-1].allowed


def test_the_guardian_sees_the_result_only_as_a_read(
    book: Casebook, store: CaseStore, case_id: str
) -> None:
    """After her write the mother reads the case: an audited read, without the withheld entry."""
    today = book.today()
    book.execute(
        MOTHER,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="k-mor",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=["mother"],
            services=[ServiceKind.SKOLE],
            as_of=today,
        ),
        action="consent",
    )
    view = book.read(MOTHER, case_id)
    assert view.entry("undring:u-health") is None
    assert [(r.action, r.allowed) for r in trail(store, case_id)[-2:]] == [
        ("consent", True),
        ("read", True),
    ]


# --- execute takes writes only -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "instead"),
    [
        ("read", "read()"),
        (AccessAction.READ, "read()"),
        ("read-audit", "who_looked()"),
        (AccessAction.OPEN, "open_case()"),
    ],
)
def test_execute_refuses_a_non_write_action_as_an_audited_usage_error(
    book: Casebook, store: CaseStore, case_id: str, action: str | AccessAction, instead: str
) -> None:
    """Issue 11: ``action="read"`` was audited as an allowed read of the overview only."""
    version = store.version(case_id)
    before = len(trail(store, case_id))
    with pytest.raises(InvalidInput, match=rf"is not a write \(use {instead[:-2]}"):
        book.execute(NURSE, case_id, lambda c: (), action=action)
    records = trail(store, case_id)
    assert len(records) == before + 1
    assert not records[-1].allowed
    assert "usage error" in records[-1].reason
    assert store.version(case_id) == version


@pytest.mark.parametrize("action", [None, "", "   ", 7])
def test_execute_refuses_a_malformed_action_and_audits_it(
    book: Casebook, store: CaseStore, case_id: str, action: object
) -> None:
    """An action that is not a name is refused, audited once, and nothing is stored."""
    before = len(trail(store, case_id))
    with pytest.raises(InvalidInput, match="action"):
        book.execute(NURSE, case_id, lambda c: (), action=action)  # type: ignore[arg-type]
    records = trail(store, case_id)
    assert len(records) == before + 1
    assert (records[-1].allowed, records[-1].action) == (False, "invalid-action")


# --- what a command returns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returns", "named"),
    [
        (lambda c: None, "returned NoneType"),
        (lambda c: "stafettlogg", "returned str"),
        (lambda c: {"event": 1}, "returned dict"),
        (lambda c: iter(()), "returned tuple_iterator"),
        (lambda c: [ParticipantJoined(participant=c.participants[0]), c.child.name], "index 1"),
        (lambda c: (c.child,), "tuple holding Child at index 0"),
    ],
    ids=["none", "str", "dict", "iterator", "a-name", "the-child"],
)
def test_a_command_that_returns_no_events_fails_closed(
    book: Casebook, store: CaseStore, case_id: str, returns: object, named: str
) -> None:
    """Issue 11: ``lambda c: None`` raised a raw TypeError. Now a typed error naming the type
    (never the value, which came from the whole case), one audit record, nothing stored."""
    version = store.version(case_id)
    before = len(trail(store, case_id))
    with pytest.raises(InvalidCommand, match=named) as refused:
        book.execute(NURSE, case_id, returns)  # type: ignore[arg-type]
    assert isinstance(refused.value, TypeError)
    for forbidden in (*NUMBERS, "Nora"):
        assert forbidden not in str(refused.value)
    assert store.version(case_id) == version
    records = trail(store, case_id)
    assert len(records) == before + 1
    assert "nothing stored" in records[-1].reason


def test_a_command_that_is_not_callable_fails_closed(
    book: Casebook, store: CaseStore, case_id: str
) -> None:
    """Passing an event instead of a command is a typed error, audited once."""
    before = len(trail(store, case_id))
    with pytest.raises(InvalidCommand, match="expected a function of the case"):
        book.execute(NURSE, case_id, "register-undring")  # type: ignore[arg-type]
    assert len(trail(store, case_id)) == before + 1


@pytest.mark.parametrize("raised", [AttributeError("nope"), KeyboardInterrupt()])
def test_a_command_that_raises_anything_is_audited_once(
    book: Casebook, store: CaseStore, case_id: str, raised: BaseException
) -> None:
    """A command's own exception propagates unchanged — even an interrupt — audited once."""
    version = store.version(case_id)
    before = len(trail(store, case_id))

    def failing(_case: object) -> Sequence[DomainEvent]:
        raise raised

    with pytest.raises(type(raised)):
        book.execute(NURSE, case_id, failing)  # type: ignore[arg-type]
    assert store.version(case_id) == version
    records = trail(store, case_id)
    assert len(records) == before + 1
    assert type(raised).__name__ in records[-1].reason


# --- calls that cannot be audited, and calls that now are ---------------------------------------


def test_a_call_naming_nobody_or_no_case_is_refused_before_anything_is_read(
    book: Casebook, store: CaseStore, case_id: str
) -> None:
    """Without a principal or a case id there is nothing to audit the call under."""
    before = len(trail(store, case_id))
    with pytest.raises(InvalidInput, match="principal"):
        book.read(None, case_id)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="case_id"):
        book.read(NURSE, "")
    with pytest.raises(InvalidInput, match="principal"):
        book.execute("nurse", case_id, lambda c: ())  # type: ignore[arg-type]
    assert len(trail(store, case_id)) == before


def test_a_malformed_expected_version_is_refused_and_audited(
    book: Casebook, store: CaseStore, case_id: str
) -> None:
    """An expected version that is not a number is a usage error, not a conflict."""
    before = len(trail(store, case_id))
    with pytest.raises(InvalidInput, match="expected_version"):
        book.execute(NURSE, case_id, lambda c: (), expected_version="3")  # type: ignore[arg-type]
    assert len(trail(store, case_id)) == before + 1


def test_a_bad_language_or_entry_id_is_audited(
    book: Casebook, store: CaseStore, case_id: str
) -> None:
    """who_looked with an unknown language and read_entry with a non-string id are calls too."""
    before = len(trail(store, case_id))
    with pytest.raises(InvalidInput, match="lang"):
        book.who_looked(MOTHER, case_id, "se")
    with pytest.raises(InvalidInput, match="entry_id"):
        book.read_entry(MOTHER, case_id, 5)  # type: ignore[arg-type]
    records = trail(store, case_id)[before:]
    assert [(r.action, r.allowed) for r in records] == [("read-audit", False), ("read", False)]


class FailingAudit:
    """A real store whose audit writes fail (a full disk), to show: no audit, no data."""

    def __init__(self, inner: CaseStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Refuse, as a full disk would."""
        raise StorageUnavailable("disk full")


def test_no_audit_no_data(store: CaseStore, clock: FixedClock, case_id: str) -> None:
    """When the read cannot be audited, nothing is returned."""
    failing = Casebook(
        FailingAudit(store), clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET
    )  # type: ignore[arg-type]
    with pytest.raises(StorageUnavailable):
        failing.read(NURSE, case_id)
    with pytest.raises(StorageUnavailable):
        failing.agenda(NURSE, case_id=case_id, until=date.max)


# --- the agenda through the door -----------------------------------------------------------------


@pytest.fixture
def planned(book: Casebook, case_id: str) -> str:
    """The nurse keeps a stafettlogg with one tiltak of her own; the child turns 18 in 2030."""
    today = book.today()
    for who in ("mother", "father"):
        book.execute(
            KE,
            case_id,
            lambda c, who=who: give_consent(  # type: ignore[misc]
                c,
                consent_id=f"k-{who}",
                purpose=ConsentPurpose.STAFETTLOGG,
                given_by=[who],
                services=[ServiceKind.HELSESTASJON],
                as_of=today,
            ),
        )
    book.execute(
        NURSE,
        case_id,
        lambda c: stafettlogg.open_stafettlogg(
            c, by="nurse", holder_ref="nurse", level=stafettlogg.BtiLevel.NIVAA_1, as_of=today
        ),
    )
    book.execute(
        NURSE,
        case_id,
        lambda c: stafettlogg.add_log_measure(
            c,
            tiltak_id="t-sovn",
            by="nurse",
            description="Søvnkartlegging",
            responsible_ref="nurse",
            evaluation_date=today + timedelta(days=10),
            as_of=today,
        ),
    )
    return case_id


def test_the_agenda_shows_each_principal_what_they_may_read(
    book: Casebook, store: CaseStore, planned: str
) -> None:
    """A row about an entry needs that entry; a row about the case only the overview."""
    until = date(2031, 1, 1)
    rows = {r.kind: r for r in book.agenda(NURSE, case_id=planned, until=until)}
    assert rows[AgendaKind.EVALUATION_DUE].key == "stafettlogg:t-sovn"
    assert rows[AgendaKind.TURNS_18].due == date(2030, 5, 3)
    # The teacher takes part, but no consent covers school: the tiltak's row is withheld.
    assert {r.kind for r in book.agenda(TEACHER, case_id=planned, until=until)} == {
        AgendaKind.TURNS_18
    }
    # A leader sees the case's deadlines but no entry's.
    assert {r.kind for r in book.agenda(LEADER, case_id=planned, until=until)} == {
        AgendaKind.TURNS_18
    }
    # The mother reads the log under 16.
    assert AgendaKind.EVALUATION_DUE in {
        r.kind for r in book.agenda(MOTHER, case_id=planned, until=until)
    }
    records = trail(store, planned)[-4:]
    assert [(r.actor, r.target, r.allowed) for r in records] == [
        (who, "agenda", True) for who in ("nurse", "teacher", "boss", "idporten-mor")
    ]


def test_a_withheld_entry_has_no_deadline_for_the_guardian(book: Casebook, planned: str) -> None:
    """pbrl § 3-4: what is withheld from the guardians does not show up as a date either."""
    book.execute(
        NURSE,
        planned,
        lambda c: change_visibility(
            c,
            entry_id="stafettlogg:t-sovn",
            visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
            decided_by="nurse",
            reason="the child asked",
            as_of=book.today(),
        ),
        action=AccessAction.DECIDE_VISIBILITY,
    )
    kinds = {r.kind for r in book.agenda(MOTHER, case_id=planned, until=date(2031, 1, 1))}
    assert kinds == {AgendaKind.TURNS_18}


def test_the_agenda_of_a_case_is_refused_and_audited_for_a_stranger(
    book: Casebook, store: CaseStore, planned: str
) -> None:
    """One call on one case: a stranger is refused, and the refusal is the call's one record."""
    before = len(trail(store, planned))
    with pytest.raises(AccessDenied):
        book.agenda(STRANGER, case_id=planned, until=date.max)
    with pytest.raises(InvalidInput, match="until"):
        book.agenda(NURSE, case_id=planned, until="2030-01-01")  # type: ignore[arg-type]
    assert [r.allowed for r in trail(store, planned)[before:]] == [False, False]
    with pytest.raises(CaseNotFound):
        book.agenda(NURSE, case_id="no-such-case", until=date.max)


def test_an_agenda_search_audits_only_the_cases_it_shows(
    book: Casebook, store: CaseStore, planned: str
) -> None:
    """Across cases: a case shown gets one read record; a case not shown gets none."""
    other = book.open_case(
        KE,
        [
            open_case(
                municipality_number="0301",
                subject=Child(
                    ref="child", birth_date=date(2015, 2, 1), person_id=pid(date(2015, 2, 1))
                ),
            )
        ],
    )
    before = {c: len(trail(store, c)) for c in (planned, other)}
    rows = book.agenda(NURSE, until=date(2040, 1, 1))
    assert {r.case_id for r in rows} == {planned}
    assert len(trail(store, planned)) == before[planned] + 1
    assert len(trail(store, other)) == before[other]
    assert book.agenda(STRANGER, until=date(2040, 1, 1)) == ()
    assert {c: len(trail(store, c)) for c in (planned, other)} == {
        planned: before[planned] + 1,
        other: before[other],
    }
    assert len(book.agenda(KE, until=date(2040, 1, 1), limit=1)) == 1


def test_the_clock_decides_the_day_of_the_agenda(store: CaseStore) -> None:
    """The agenda is decided on the clock's Norwegian day, like every other call."""
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    new = book.open_case(KE, opening())
    clock.set(datetime(2030, 5, 2, 22, 30, tzinfo=UTC))  # 3 May in Oslo: the child is 18
    with pytest.raises(AccessDenied, match="18"):
        book.agenda(MOTHER, case_id=new, until=date.max)

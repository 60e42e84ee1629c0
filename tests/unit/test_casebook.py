"""The Casebook against the real memory and SQLite stores: load → authorise → decide → append."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import attrs
import pytest

import barnekoordinator.casebook as casebook_module
from barnekoordinator.access.consent import ConsentPurpose, give_consent, withdraw_consent
from barnekoordinator.access.entries import GuardianVisibility, change_visibility
from barnekoordinator.access.policy import AccessAction
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook, CaseView, Recorded
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import (
    AccessDenied,
    CaseNotFound,
    ChainBroken,
    ConcurrencyConflict,
    InsufficientAssurance,
    InvalidConfiguration,
    InvalidInput,
    PluginError,
    RuleViolation,
    StorageUnavailable,
)
from barnekoordinator.history.case import (
    Case,
    CaseOpened,
    DomainEvent,
    ParticipantJoined,
    open_case,
)
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStore
from barnekoordinator.history.records import AuditRecord, EventRecord, verify_audit
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    subject_key,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.plugins import get_plugin_manager
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator.testing.registry import InMemoryPersonRegistry
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"casebook-test-secret-32-bytes..."
POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
BORN = date(2012, 5, 3)  # 13 on the clock fixture's day, 2026-01-05


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


CHILD_ID = pid(BORN)
MOTHER_ID = pid(date(1980, 1, 2))
FATHER_ID = pid(date(1979, 3, 4))
ALL_IDS = (CHILD_ID, MOTHER_ID, FATHER_ID)


def citizen(person: PersonId, label: str) -> Principal:
    """A citizen logged in with ID-porten at high assurance (BankID)."""
    return Principal(
        subject=f"idporten-{label.lower()}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def staff(subject: str, label: str, *roles: str) -> Principal:
    """A municipal employee acting for Oslo (0301)."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
    )


MOTHER = citizen(MOTHER_ID, "Mor")
FATHER = citizen(FATHER_ID, "Far")
CHILD = citizen(CHILD_ID, "Barnet")
CASEWORKER = staff("cw-1", "Siri, koordinerende enhet", SystemRole.CASEWORKER)
NURSE = staff("nurse", "Kari, helsestasjon")
TEACHER = staff("teacher", "Ola, skole")
LEADER = staff("boss", "Leder, skole", SystemRole.LEADER)
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
    """A Casebook on the store with the fixed clock."""
    return Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)


def opening(*, father_responsibility: bool = True) -> list[DomainEvent]:
    """The events that open the family's case with a nurse and a teacher taking part."""
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
                    parental_responsibility=father_responsibility,
                    person_id=FATHER_ID,
                    name="Frode",
                ),
            ),
        ),
        ParticipantJoined(
            participant=Professional(
                ref="nurse",
                service=ServiceKind.HELSESTASJON,
                organisation=ORG,
                hpr=HprNummer(1234567),
                name="Kari",
            )
        ),
        ParticipantJoined(
            participant=Professional(ref="teacher", service=ServiceKind.SKOLE, organisation=ORG)
        ),
    ]


def undring(book: Casebook, principal: Principal, case_id: str, undring_id: str) -> Recorded:
    """A professional registers a nivå-0 undring (an entry of their service's section)."""
    return book.execute(
        principal,
        case_id,
        lambda c: stafettlogg.register_undring(
            c,
            undring_id=undring_id,
            by=principal.subject,
            description="Observed something",
            as_of=book.today(),
        ),
        action="register-undring",
    )


@pytest.fixture
def case_id(book: Casebook) -> str:
    """An open case with an undring from the nurse and one from the teacher."""
    new = book.open_case(CASEWORKER, opening(), case_id="case-1")
    undring(book, NURSE, new, "u-health")
    undring(book, TEACHER, new, "u-school")
    return new


def trail(book: Casebook, case_id: str) -> list[AuditRecord]:
    """The case's audit trail, verified."""
    records = book.store.read_audit(case_id)
    verify_audit(case_id, records)
    return records


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's __all__ order (RUF022): CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted() -> None:
    """The module's __all__ is sorted and every name exists."""
    names = casebook_module.__all__
    assert names == sorted(names, key=isort_key)
    assert all(hasattr(casebook_module, n) for n in names)


# --- opening -------------------------------------------------------------------------------------


def test_open_case_stores_and_indexes_the_child(book: Casebook) -> None:
    """Opening stores the batch, keys it by the child's hashed id and audits once."""
    new = book.open_case(CASEWORKER, opening())
    assert book.store.version(new) == 3
    assert book.store.find_cases(subject_key(CHILD_ID, SECRET)) == [new]
    [record] = trail(book, new)
    assert (record.action, record.allowed, record.actor) == ("open", True, "cw-1")
    assert "stored sequence 1–3" in record.reason


def test_open_case_denied_stores_nothing_and_is_audited(book: Casebook) -> None:
    """A principal without an opening role is refused after auditing; nothing is stored."""
    with pytest.raises(AccessDenied):
        book.open_case(NURSE, opening(), case_id="case-x")
    assert book.store.version("case-x") == 0
    [record] = trail(book, "case-x")
    assert not record.allowed


def test_open_case_needs_a_case_opened_event_first(book: Casebook) -> None:
    """A batch that does not start with CaseOpened is an input error."""
    with pytest.raises(InvalidInput, match="CaseOpened"):
        book.open_case(CASEWORKER, opening()[1:])


def test_open_case_with_an_existing_id_conflicts(book: Casebook, case_id: str) -> None:
    """Opening over an existing case raises ConcurrencyConflict and is audited."""
    before = len(trail(book, case_id))
    with pytest.raises(ConcurrencyConflict):
        book.open_case(CASEWORKER, opening(), case_id=case_id)
    assert len(trail(book, case_id)) == before + 1


def test_consents_in_the_opening_batch_are_still_checked(book: Casebook) -> None:
    """A signed consent recorded while opening must come from people entitled to give it."""
    events = opening(father_responsibility=False)
    prospective = CATALOGUE.new_case("p").apply_all(
        CATALOGUE.new_case("p").record(
            events, actor="ke", clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC))
        )
    )
    by_mother = give_consent(
        prospective,
        consent_id="k",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mother"],
        services=[ServiceKind.SKOLE],
        as_of=book.today(),
    )
    by_father = attrs.evolve(
        by_mother, consent=attrs.evolve(by_mother.consent, given_by=frozenset({"father"}))
    )
    nurse_opens = staff("nurse", "Kari, helsestasjon", SystemRole.CASEWORKER)
    assert book.store.version(book.open_case(nurse_opens, [*events, by_mother])) == 4
    with pytest.raises(AccessDenied, match="foreldreansvar"):
        book.open_case(nurse_opens, [*events, by_father], case_id="c-f")
    assert book.store.version("c-f") == 0


def test_a_guardian_may_apply(store: CaseStore, clock: FixedClock) -> None:
    """A guardian with foreldreansvar may open the family's case (application), as the person
    registry confirms (decision 46)."""
    first = opening()[0]
    assert isinstance(first, CaseOpened)
    assert isinstance(first.subject, Child)
    registry = InMemoryPersonRegistry()
    registry.register_child(first.subject, first.guardians)
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, registry=registry
    )
    new = book.open_case(MOTHER, opening()[:1])
    assert book.store.version(new) == 1


# --- writing -------------------------------------------------------------------------------------


def test_execute_stores_events_with_the_principals_actor_id(book: Casebook, case_id: str) -> None:
    """Events carry the principal's opaque subject, never a national id."""
    records = book.store.read(case_id)
    assert [r.actor for r in records[-2:]] == ["nurse", "teacher"]
    assert records[-1].type == "bti.undring-registered" or records[-1].type.startswith(
        ("bti.", "stafettlogg.")
    )
    for record in records:
        _no_ids(record)
    last = trail(book, case_id)[-1]
    assert (last.action, last.allowed) == ("register-undring", True)


def test_execute_returns_what_it_recorded_never_the_case(book: Casebook, case_id: str) -> None:
    """A write hands back the case id, the new version and the stored events' numbers."""
    recorded = undring(book, NURSE, case_id, "u-3")
    stored = book.store.read(case_id)[-1]
    assert recorded == Recorded(
        case_id=case_id,
        version=book.store.version(case_id),
        sequences=(stored.sequence,),
        types=(stored.type,),
    )
    assert not isinstance(recorded, Case)


def test_denied_write_is_audited_and_stores_nothing(book: Casebook, case_id: str) -> None:
    """A stranger's write is refused after one audit record; the history is unchanged."""
    version = book.store.version(case_id)
    with pytest.raises(AccessDenied, match="no part"):
        undring(book, STRANGER, case_id, "u-x")
    assert book.store.version(case_id) == version
    record = trail(book, case_id)[-1]
    assert (record.actor, record.allowed) == ("stranger", False)


def test_a_command_that_raises_stores_nothing(book: Casebook, case_id: str) -> None:
    """A rule violation propagates, nothing is stored, and the attempt is audited once."""
    version = book.store.version(case_id)
    before = len(trail(book, case_id))
    with pytest.raises(RuleViolation):
        book.execute(
            NURSE,
            case_id,
            lambda c: stafettlogg.register_undring(
                c, undring_id="u-7", by="ghost", description="x", as_of=book.today()
            ),
        )
    assert book.store.version(case_id) == version
    records = trail(book, case_id)
    assert len(records) == before + 1
    assert "nothing stored" in records[-1].reason


def test_events_are_authorised_one_by_one(book: Casebook, case_id: str) -> None:
    """A guardian's command that records the other guardian's consent is refused."""
    today = book.today()

    def both_parents(case: Case) -> DomainEvent:
        return give_consent(
            case,
            consent_id="k",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=["mother", "father"],
            services=[ServiceKind.SKOLE],
            as_of=today,
        )

    with pytest.raises(AccessDenied, match="own behalf"):
        book.execute(MOTHER, case_id, both_parents, action="consent")
    assert not trail(book, case_id)[-1].allowed


def test_stale_expected_version_conflicts(book: Casebook, case_id: str) -> None:
    """A stale expected_version raises ConcurrencyConflict, audited, nothing stored."""
    version = book.store.version(case_id)
    with pytest.raises(ConcurrencyConflict):
        book.execute(
            NURSE,
            case_id,
            lambda c: stafettlogg.register_undring(
                c, undring_id="u-9", by="nurse", description="x", as_of=book.today()
            ),
            expected_version=version - 1,
        )
    assert book.store.version(case_id) == version
    assert "stale" in trail(book, case_id)[-1].reason


def test_a_concurrent_append_conflicts_and_is_not_retried(book: Casebook, case_id: str) -> None:
    """When another write lands while a command runs, the command is not stored or retried."""
    runs: list[int] = []

    def racing(case: Case) -> Sequence[DomainEvent]:
        runs.append(case.version)
        if len(runs) == 1:  # someone else writes meanwhile
            undring(book, TEACHER, case_id, "u-other")
        return stafettlogg.register_undring(
            case, undring_id="u-mine", by="nurse", description="x", as_of=book.today()
        )

    before = len(trail(book, case_id))
    with pytest.raises(ConcurrencyConflict):
        book.execute(NURSE, case_id, racing)
    assert len(runs) == 1
    assert "u-mine" not in {e.id for e in stafettlogg.bti(_load(book, case_id)).undringer}
    records = trail(book, case_id)
    assert len(records) == before + 2  # the other write and this conflict
    assert "concurrency conflict" in records[-1].reason


def test_an_empty_command_stores_nothing(book: Casebook, case_id: str) -> None:
    """A command returning no events leaves the history unchanged (still audited)."""
    version = book.store.version(case_id)
    recorded = book.execute(NURSE, case_id, lambda c: ())
    assert recorded == Recorded(case_id=case_id, version=version)
    assert version == book.store.version(case_id)
    assert "nothing to store" in trail(book, case_id)[-1].reason


def test_a_command_must_return_events(book: Casebook, case_id: str) -> None:
    """Returning something that is not an event is an input error; nothing is stored."""
    with pytest.raises(InvalidInput, match="list holding str at index 0"):
        book.execute(NURSE, case_id, lambda c: ["not an event"])  # type: ignore[list-item]


def test_committed_events_are_notified(store: CaseStore, clock: FixedClock) -> None:
    """Subscribers hear about committed events only, after the commit."""
    heard: list[tuple[str, int]] = []

    class Subscriber:
        @hookimpl
        def barnekoordinator_events_recorded(
            self, case_id: str, records: Sequence[EventRecord]
        ) -> None:
            heard.append((case_id, len(records)))

    pm = get_plugin_manager(load_entrypoints=False, plugins=[Subscriber()])
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    new = book.open_case(CASEWORKER, opening())
    undring(book, NURSE, new, "u-1")
    with pytest.raises(AccessDenied):
        undring(book, STRANGER, new, "u-2")
    assert heard == [(new, 3), (new, 1)]


def test_a_failing_subscriber_does_not_undo_the_commit(store: CaseStore, clock: FixedClock) -> None:
    """A subscriber failure surfaces as PluginError, but the events stay stored and audited."""

    class Broken:
        @hookimpl
        def barnekoordinator_events_recorded(self) -> None:
            raise RuntimeError("mail server down")

    pm = get_plugin_manager(load_entrypoints=False, plugins=[Broken()])
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    with pytest.raises(PluginError):
        book.open_case(CASEWORKER, opening(), case_id="c-n")
    assert book.store.version("c-n") == 3
    assert trail(book, "c-n")[-1].allowed


# --- notification messages commit with the events (issue 16 item 4) ---------------------------


class OnePerAppend:
    """A plugin that asks for one message per append (its first sequence in the key)."""

    @hookimpl
    def barnekoordinator_outbox_messages(
        self, case_id: str, records: Sequence[EventRecord]
    ) -> list[OutboxMessage]:
        return [
            OutboxMessage(
                key=f"test:{case_id}:{records[0].sequence}",
                case_id=case_id,
                kind=OutboxKind.MINUTES_READY,
                recipient="nurse",
                not_before=date(2026, 1, 5),
            )
        ]


def test_outbox_messages_are_stored_with_the_events(store: CaseStore, clock: FixedClock) -> None:
    """The messages the hook computes are stored by the same append as the events; a stale
    write stores neither."""
    pm = get_plugin_manager(load_entrypoints=False, plugins=[OnePerAppend()])
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    new = book.open_case(CASEWORKER, opening(), case_id="c-o")
    undring(book, NURSE, new, "u-1")
    assert isinstance(store, OutboxStore)
    assert [e.message.key for e in store.outbox()] == ["test:c-o:1", "test:c-o:4"]
    with pytest.raises(ConcurrencyConflict):
        book.execute(
            NURSE,
            new,
            lambda c: stafettlogg.register_undring(
                c, undring_id="u-2", by="nurse", description="x", as_of=book.today()
            ),
            action="register-undring",
            expected_version=1,
        )
    assert len(store.outbox()) == 2
    assert book.store.version(new) == 4


class SeesTheCase:
    """A plugin that asks for the case too, and keeps what it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int]] = []

    @hookimpl
    def barnekoordinator_outbox_messages(
        self, records: Sequence[EventRecord], case: Case
    ) -> list[OutboxMessage]:
        self.seen.append((case.id, case.version, records[-1].sequence))
        return []


def test_the_hook_gets_the_case_its_records_leave(store: CaseStore, clock: FixedClock) -> None:
    """Found in review: a message's recipient may depend on the case (an evaluation's next
    reminder is the tiltak's responsible's), so the hook gets the folded case, on an opening and
    on a write, at the version of its last record; an implementation naming only the older
    arguments (``OnePerAppend``) is called as before."""
    sees = SeesTheCase()
    pm = get_plugin_manager(load_entrypoints=False, plugins=[sees, OnePerAppend()])
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    new = book.open_case(CASEWORKER, opening(), case_id="c-s")
    undring(book, NURSE, new, "u-1")
    assert sees.seen == [("c-s", 3, 3), ("c-s", 4, 4)]
    assert isinstance(store, OutboxStore)
    assert [e.message.key for e in store.outbox()] == ["test:c-s:1", "test:c-s:4"]


def test_messages_for_a_store_without_an_outbox_refuse_the_write(
    store: CaseStore, clock: FixedClock
) -> None:
    """A store that keeps no outbox cannot take messages: the write is refused, nothing stored,
    rather than a message silently lost."""

    class WithoutOutbox:
        """A vendor's store: the CaseStore methods only."""

        def __init__(self, inner: CaseStore) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            if name in {"add_outbox", "claim_outbox", "settle_outbox", "outbox"}:
                raise AttributeError(name)
            return getattr(self.inner, name)

    pm = get_plugin_manager(load_entrypoints=False, plugins=[OnePerAppend()])
    book = Casebook(
        WithoutOutbox(store),  # type: ignore[arg-type]
        clock=clock,
        sealing=TEST_SEALING_KEY,
        subject_secret=SECRET,
        plugin_manager=pm,
    )
    with pytest.raises(InvalidConfiguration, match="keeps no outbox"):
        book.open_case(CASEWORKER, opening(), case_id="c-x")
    assert store.version("c-x") == 0


def test_a_failing_outbox_plugin_stores_nothing(store: CaseStore, clock: FixedClock) -> None:
    """A plugin that raises while computing messages stops the write (PluginError)."""

    class Broken:
        @hookimpl
        def barnekoordinator_outbox_messages(self) -> None:
            raise RuntimeError("bug")

    pm = get_plugin_manager(load_entrypoints=False, plugins=[Broken()])
    book = Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET, plugin_manager=pm
    )
    with pytest.raises(PluginError, match="outbox_messages"):
        book.open_case(CASEWORKER, opening(), case_id="c-b")
    assert store.version("c-b") == 0


# --- events and their audit record commit together -------------------------------------------


class AppendSpy:
    """Wraps a store, logs the write calls the Casebook makes, and can fail appends."""

    def __init__(self, inner: CaseStore, fail_append: Exception | None = None) -> None:
        self.inner = inner
        self.fail_append = fail_append
        self.calls: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        """Log the call (with the audit record's reason) and forward it."""
        self.calls.append(("append", audit.reason if audit is not None else "-"))
        if self.fail_append is not None:
            raise self.fail_append
        return self.inner.append(case_id, expected_version, records, audit=audit)

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Log the call and forward it."""
        self.calls.append(("append_audit", record.reason))
        return self.inner.append_audit(record)


def test_a_stored_write_hands_its_audit_record_to_the_append(
    store: CaseStore, clock: FixedClock
) -> None:
    """Opening and executing store events and audit record in one append call, nothing else."""
    spy = AppendSpy(store)
    book = Casebook(spy, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)  # type: ignore[arg-type]
    new = book.open_case(CASEWORKER, opening())
    undring(book, NURSE, new, "u-1")
    assert [name for name, _ in spy.calls] == ["append", "append"]
    assert "stored sequence 1–3" in spy.calls[0][1]
    assert "stored sequence 4–4" in spy.calls[1][1]
    records = trail(book, new)
    assert [(r.sequence, r.action) for r in records] == [(1, "open"), (2, "register-undring")]
    assert "stored sequence 4–4" in records[-1].reason


def test_writes_that_store_nothing_are_audited_on_their_own(
    store: CaseStore, clock: FixedClock
) -> None:
    """A refusal, an empty command and a conflict use append_audit; one record per call."""
    spy = AppendSpy(store)
    book = Casebook(spy, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)  # type: ignore[arg-type]
    new = book.open_case(CASEWORKER, opening())
    spy.calls.clear()
    with pytest.raises(AccessDenied):
        undring(book, STRANGER, new, "u-x")
    book.execute(NURSE, new, lambda c: ())
    with pytest.raises(ConcurrencyConflict):
        book.open_case(CASEWORKER, opening(), case_id=new)
    assert [name for name, _ in spy.calls] == [
        "append_audit",
        "append_audit",
        "append",
        "append_audit",
    ]
    assert "a case with this id exists" in spy.calls[-1][1]
    assert len(trail(book, new)) == 4  # open + the three calls above


def test_a_failed_append_stores_neither_and_audits_the_failure(
    store: CaseStore, clock: FixedClock
) -> None:
    """When the store refuses the append, no event and no 'stored' audit record exist."""
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    new = book.open_case(CASEWORKER, opening())
    failing = Casebook(
        AppendSpy(store, StorageUnavailable("disk full")),  # type: ignore[arg-type]
        clock=clock,
        sealing=TEST_SEALING_KEY,
        subject_secret=SECRET,
    )
    with pytest.raises(StorageUnavailable):
        undring(failing, NURSE, new, "u-1")
    assert store.version(new) == 3
    records = trail(book, new)
    assert len(records) == 2
    assert not records[-1].allowed
    assert "StorageUnavailable" in records[-1].reason
    assert all("stored sequence 4" not in r.reason for r in records)


# --- reading -------------------------------------------------------------------------------------


def test_guardian_view_hides_withheld_entries(book: Casebook, case_id: str) -> None:
    """A guardian's view lists only entries they may see; the count of others is not revealed."""
    book.execute(
        NURSE,
        case_id,
        lambda c: change_visibility(
            c,
            entry_id="undring:u-health",
            visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
            decided_by="nurse",
            reason="the child asked, for reasons that should be respected",
            as_of=book.today(),
        ),
        action=AccessAction.DECIDE_VISIBILITY,
    )
    view = book.read(MOTHER, case_id)
    assert [e.meta.id for e in view.entries] == ["undring:u-school"]
    assert view.entry("undring:u-health") is None
    assert book.read(CHILD, case_id).entry("undring:u-health") is not None
    assert {e.meta.id for e in book.read(NURSE, case_id).entries} == {"undring:u-health"}
    assert [(r.action, r.allowed) for r in trail(book, case_id)[-3:]] == [("read", True)] * 3


def test_views_hold_no_identifiers(book: Casebook, case_id: str) -> None:
    """No view (or its repr) holds a national id; a leader's view holds no family names."""
    view = book.read(MOTHER, case_id)
    assert view.child_age == 13
    assert view.child_name == "Nora"
    assert {g.name for g in view.guardians} == {"Mona", "Frode"}
    for principal in (MOTHER, NURSE, LEADER, CHILD):
        shown = book.read(principal, case_id)
        text = repr(attrs.asdict(shown, recurse=True))
        for person in ALL_IDS:
            assert person.reveal() not in text
    leader = book.read(LEADER, case_id)
    assert leader.child_name == ""
    assert {g.name for g in leader.guardians} == {""}
    assert leader.entries == ()


def test_denied_read_is_audited(book: Casebook, case_id: str) -> None:
    """A refused read leaves one audit record and raises AccessDenied."""
    with pytest.raises(AccessDenied):
        book.read(STRANGER, case_id)
    record = trail(book, case_id)[-1]
    assert (record.action, record.allowed, record.target) == ("read", False, "case")


def test_low_assurance_asks_for_a_stronger_login(book: Casebook, case_id: str) -> None:
    """A login below substantial gets InsufficientAssurance, audited as a denial."""
    weak = attrs.evolve(MOTHER, assurance=AssuranceLevel.LOW)
    with pytest.raises(InsufficientAssurance):
        book.read(weak, case_id)
    assert not trail(book, case_id)[-1].allowed


def test_read_entry_does_not_reveal_withheld_entries(book: Casebook, case_id: str) -> None:
    """A withheld entry and a missing one are refused with the same words (both audited)."""
    book.execute(
        NURSE,
        case_id,
        lambda c: change_visibility(
            c,
            entry_id="undring:u-health",
            visibility=GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
            decided_by="nurse",
            reason="weighty reasons",
            as_of=book.today(),
        ),
    )
    assert book.read_entry(MOTHER, case_id, "undring:u-school").meta.author_ref == "teacher"
    with pytest.raises(AccessDenied) as withheld:
        book.read_entry(MOTHER, case_id, "undring:u-health")
    with pytest.raises(AccessDenied) as missing:
        book.read_entry(MOTHER, case_id, "undring:nope")
    assert str(withheld.value).replace("u-health", "X") == str(missing.value).replace("nope", "X")
    records = trail(book, case_id)[-3:]
    assert [(r.target, r.allowed) for r in records] == [
        ("entry:undring:u-school", True),
        ("entry:undring:u-health", False),
        ("entry:undring:nope", False),
    ]
    assert "weighty" in records[1].reason  # the audit keeps the real reason


def test_unknown_case_is_not_found_and_not_audited(book: Casebook) -> None:
    """An unknown case id raises CaseNotFound without creating an audit trail."""
    with pytest.raises(CaseNotFound):
        book.read(MOTHER, "no-such-case")
    assert book.store.read_audit("no-such-case") == []


def test_withdrawal_is_seen_by_the_next_read(book: Casebook, case_id: str) -> None:
    """Nothing is cached: a consent withdrawn now stops the teacher's next read."""
    today = book.today()
    book.execute(
        MOTHER,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="k",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=["mother"],
            services=[ServiceKind.SKOLE],
            as_of=today,
        ),
        action="consent",
    )
    book.execute(
        FATHER,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="k2",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=["father"],
            services=[ServiceKind.SKOLE],
            as_of=today,
        ),
        action="consent",
    )
    assert book.read_entry(TEACHER, case_id, "undring:u-health")
    book.execute(
        FATHER,
        case_id,
        lambda c: withdraw_consent(c, consent_id="k2", by="father", as_of=today),
        action="consent",
    )
    with pytest.raises(AccessDenied):
        book.read_entry(TEACHER, case_id, "undring:u-health")


def test_norwegian_day_decides_the_birthday(store: CaseStore) -> None:
    """At 00:30 Oslo time on the 18th birthday (22:30 UTC the day before) guardians are out."""
    clock = FixedClock(datetime(2026, 5, 2, 21, 0, tzinfo=UTC))
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    adult_born = date(2008, 5, 3)
    events = opening()
    first = events[0]
    assert isinstance(first, CaseOpened)
    assert isinstance(first.subject, Child)
    events[0] = attrs.evolve(
        first, subject=attrs.evolve(first.subject, birth_date=adult_born, person_id=pid(adult_born))
    )
    new = book.open_case(CASEWORKER, events)
    assert book.read(MOTHER, new).child_age == 17  # 23:00 in Oslo on 2 May
    clock.set(datetime(2026, 5, 2, 22, 30, tzinfo=UTC))
    assert book.today() == date(2026, 5, 3)
    with pytest.raises(AccessDenied, match="18"):
        book.read(MOTHER, new)


def test_a_decision_that_fails_is_still_audited(
    book: Casebook, case_id: str, clock: FixedClock
) -> None:
    """A read on a day with no encoded law (before 2010) fails, and the failure is audited."""
    clock.set(datetime(2009, 1, 1, 12, tzinfo=UTC))
    with pytest.raises(InvalidInput):
        book.read(MOTHER, case_id)
    record = trail(book, case_id)[-1]
    assert (record.allowed, record.action) == (False, "read")
    assert "InvalidInput" in record.reason


# --- who looked ----------------------------------------------------------------------------------


def test_who_looked_in_three_languages(book: Casebook, case_id: str, clock: FixedClock) -> None:
    """The family sees who looked, by day and person/service, in nb, nn and en, without ids."""
    book.read(NURSE, case_id)
    book.read(NURSE, case_id)
    with pytest.raises(AccessDenied):
        book.read(STRANGER, case_id)
    clock.advance(timedelta(days=1))
    nb = book.who_looked(MOTHER, case_id)
    assert nb.startswith("Hvem har sett saken vår")
    assert "05.01.2026" in nb
    assert "06.01.2026" in nb
    assert "Kari, helsestasjon: gjorde endringer, så saken (2 ganger)" in nb
    assert "Ukjent: prøvde å se saken (avvist)" in nb
    nn = book.who_looked(MOTHER, case_id, "nn")
    assert "Kven har sett saka vår" in nn
    assert "såg saka (2 gonger)" in nn
    en = book.who_looked(MOTHER, case_id, "en")
    assert "Who has looked at our case" in en
    assert "2026-01-05" in en
    assert "Mor: looked at who has seen the case (3 times)" in en  # this look included
    for text in (nb, nn, en):
        for person in ALL_IDS:
            assert person.reveal() not in text
        assert "undring:" not in text
        assert "nurse" not in text
    with pytest.raises(InvalidInput, match="lang"):
        book.who_looked(MOTHER, case_id, "se")


def test_who_looked_is_for_the_family(book: Casebook, case_id: str) -> None:
    """A participating professional may not read the family's audit view (audited)."""
    with pytest.raises(AccessDenied):
        book.who_looked(TEACHER, case_id)
    assert trail(book, case_id)[-1].action == "read-audit"


def test_tampered_audit_trail_is_not_shown(clock: FixedClock) -> None:
    """An edited audit record breaks the chain; the family view refuses to show it."""
    store = InMemoryCaseStore()
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    new = book.open_case(CASEWORKER, opening())
    book.read(NURSE, new)
    trail_list = store._audit[new]
    trail_list[1] = attrs.evolve(trail_list[1], actor_label="Noen andre")
    with pytest.raises(ChainBroken):
        book.who_looked(MOTHER, new)


def test_tampered_history_is_refused_and_audited(clock: FixedClock) -> None:
    """An edited event record fails verification on load; the attempt is audited."""
    store = InMemoryCaseStore()
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    new = book.open_case(CASEWORKER, opening())
    history = store._cases[new]
    history[1] = attrs.evolve(history[1], actor="someone-else")
    with pytest.raises(ChainBroken):
        book.read(NURSE, new)
    record = store.read_audit(new)[-1]
    assert not record.allowed
    assert "ChainBroken" in record.reason


# --- wiring --------------------------------------------------------------------------------------


def test_secret_is_required(store: CaseStore, clock: FixedClock) -> None:
    """The Casebook refuses to start without a usable subject-key secret."""
    with pytest.raises(InvalidConfiguration):
        Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=b"short")
    with pytest.raises(InvalidConfiguration):
        Casebook(store, clock=clock, sealing=TEST_SEALING_KEY)


def test_sealing_key_is_required(store: CaseStore, clock: FixedClock) -> None:
    """Without a sealing key the Casebook does not start: numbers are never stored in clear."""
    with pytest.raises(InvalidConfiguration, match="sealing"):
        Casebook(store, clock=clock, subject_secret=SECRET)


def test_from_config_uses_the_plugin_store(clock: FixedClock) -> None:
    """from_config asks the plugins for the store named by the configuration."""
    config = Config(
        store="memory:", subject_key_secret=SECRET, sealing_key=TEST_SEALING_KEY.to_text()
    )
    book = Casebook.from_config(config, clock=clock)
    assert isinstance(book.store, InMemoryCaseStore)
    new = book.open_case(CASEWORKER, opening())
    assert isinstance(book.read(MOTHER, new), CaseView)
    assert book.settings == config.municipality
    book.close()
    with pytest.raises(StorageUnavailable):
        book.read(MOTHER, new)


# --- helpers -------------------------------------------------------------------------------------


def _load(book: Casebook, case_id: str) -> Case:

    return back_office_load(book.store, case_id)


def _no_ids(record: EventRecord) -> None:
    for field in ("actor", "subject_key", "case_id", "type"):
        value = getattr(record, field) or ""
        for person in ALL_IDS:
            assert person.reveal() not in value


class _RaisesAfterCommit(SQLiteCaseStore):
    """A store whose next append commits and then raises, as a Ctrl-C landing after the
    commit (while a commit checkpointer waits for its signature, say) would."""

    fail_next = False

    def append(self, *args: object, **kwargs: object) -> int:  # type: ignore[override]
        version = super().append(*args, **kwargs)  # type: ignore[arg-type]
        if self.fail_next:
            self.fail_next = False
            raise KeyboardInterrupt
        return version


def test_a_failure_after_the_commit_is_not_audited_as_nothing_done(
    tmp_path: Path, clock: FixedClock
) -> None:
    store = _RaisesAfterCommit(tmp_path / "c.db")
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    case_id = book.open_case(CASEWORKER, opening(), case_id="case-1")
    store.fail_next = True
    with pytest.raises(KeyboardInterrupt):
        undring(book, NURSE, case_id, "u-late")
    last = trail(book, case_id)[-1]
    assert last.allowed
    assert "nothing was done" not in last.reason
    assert (last.first_sequence, last.last_sequence) == (4, 4)  # the write's own record
    assert store.version(case_id) == 4
    store.close()


def test_a_failure_before_the_commit_is_audited_as_nothing_done(
    tmp_path: Path, clock: FixedClock
) -> None:
    class _Down(SQLiteCaseStore):
        def append(self, *args: object, **kwargs: object) -> int:  # type: ignore[override]
            raise KeyboardInterrupt

    store = _Down(tmp_path / "c.db")
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    with pytest.raises(KeyboardInterrupt):
        book.open_case(CASEWORKER, opening(), case_id="case-1")
    assert "nothing was done" in trail(book, "case-1")[-1].reason
    store.close()

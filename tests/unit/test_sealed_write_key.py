"""Decision 51: the key is checked where it is used.

A Casebook write seals with its key ring's cached data key and the store confirms, in the
append's own transaction, that it still holds the wrapped key that data key came from
(``sealed_with``); a read gets the records and the wrapped key in one store call. A shred by
another key ring between a load and an append fails the write with nothing stored; a re-wrap by
a rotation costs one more attempt. Real in-memory stores, synthetic identities only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import SealingError
from barnekoordinator.history.case import GuardianAdded, open_case
from barnekoordinator.history.outbox import OutboxMessage
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.sealing import KeyRing, SealingKey, WrappedDataKey
from barnekoordinator.history.store import SubjectCases
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"sealed-write-key-subject-secret!"
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
SHRED_AT = datetime(2036, 1, 2, 8, tzinfo=UTC)
BORN = date(2013, 2, 1)
NEXT = SealingKey("next", bytes(range(1, 33)))
KE = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)
MOTHER_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1985, 3, 4), individual=412), policy=IdentifierPolicy.testing()
)


class CountingStore(InMemoryCaseStore):
    """The in-memory store, counting calls; ``before_append`` runs before each append."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.before_append: Callable[[], object] | None = None

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
        outbox: Sequence[OutboxMessage] = (),
        subject: SubjectCases | None = None,
        data_key: WrappedDataKey | None = None,
        sealed_with: WrappedDataKey | None = None,
    ) -> int:
        self.calls["append"] += 1
        if self.before_append is not None:
            hook, self.before_append = self.before_append, None
            hook()
        return super().append(
            case_id,
            expected_version,
            records,
            audit=audit,
            outbox=outbox,
            subject=subject,
            data_key=data_key,
            sealed_with=sealed_with,
        )

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        self.calls["get_data_key"] += 1
        return super().get_data_key(case_id)

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        self.calls["read"] += 1
        return super().read(case_id, after_version=after_version)

    def read_with_data_key(
        self, case_id: str, *, after_version: int = 0
    ) -> tuple[list[EventRecord], WrappedDataKey | None]:
        self.calls["read_with_data_key"] += 1
        return super().read_with_data_key(case_id, after_version=after_version)


def _book(store: CountingStore, ring: KeyRing | None = None) -> Casebook:
    return Casebook(
        store,
        clock=FixedClock(NOW),
        subject_secret=SECRET,
        sealing=ring if ring is not None else TEST_SEALING_KEY,
    )


def _open(book: Casebook) -> str:
    child_id = PersonId.parse(synthetic_fodselsnummer(BORN), policy=IdentifierPolicy.testing())
    child = Child(ref="child", birth_date=BORN, person_id=child_id)
    return book.open_case(KE, [open_case(municipality_number="0301", subject=child)])


def _mother() -> GuardianAdded:
    return GuardianAdded(
        guardian=Guardian(
            ref="mor",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=MOTHER_ID,
            name="Mor",
        )
    )


def test_a_write_with_a_cached_key_reads_no_key() -> None:
    """A write after the case's key is cached makes no get_data_key call: the append confirms
    the key in its own transaction instead (decision 51)."""
    store = CountingStore()
    book = _book(store)
    case_id = _open(book)
    store.calls.clear()
    book.execute(KE, case_id, lambda case: _mother())
    assert store.calls["get_data_key"] == 0
    assert store.calls["append"] == 1
    guardians = back_office_load(store, case_id).guardians
    assert [g.person_id for g in guardians] == [MOTHER_ID]


def test_a_read_is_one_store_call() -> None:
    """Reading a case gets its records and its wrapped key in one call (read_with_data_key)."""
    store = CountingStore()
    book = _book(store)
    case_id = _open(book)
    store.calls.clear()
    book.read(KE, case_id)
    reads = store.calls["read"] + store.calls["read_with_data_key"] + store.calls["get_data_key"]
    assert reads == 1
    store.calls.clear()
    back_office_load(store, case_id)
    assert store.calls == Counter({"read_with_data_key": 1})


def test_a_shred_between_load_and_append_fails_the_write() -> None:
    """A shred by another key ring after the Casebook loaded the case and sealed its write:
    SealingError, nothing stored, no new key, and one audit record of the failed call."""
    store = CountingStore()
    book = _book(store)
    case_id = _open(book)
    version = store.version(case_id)
    trail = len(store.read_audit(case_id))
    retention = KeyRing(store, TEST_SEALING_KEY)
    store.before_append = lambda: retention.destroy(case_id, at=SHRED_AT)
    with pytest.raises(SealingError):
        book.execute(KE, case_id, lambda case: _mother())
    assert store.version(case_id) == version
    assert store.get_data_key(case_id) is None  # never a new key for an existing case
    audit = store.read_audit(case_id)
    assert len(audit) == trail + 2  # the shred's record and the failed call's one
    assert audit[-2].action == "shred"
    assert audit[-1].allowed is False
    assert "SealingError" in audit[-1].reason


def test_a_rewrap_by_a_rotation_costs_one_more_attempt() -> None:
    """A rotation re-wraps the case's data key between the load and the append: the first
    attempt is refused, the write forgets its key, seals again and is stored (one audit record)."""
    store = CountingStore()
    book = _book(store, KeyRing(store, TEST_SEALING_KEY, retired=[NEXT]))
    case_id = _open(book)
    before = store.get_data_key(case_id)
    trail = len(store.read_audit(case_id))
    rotation = KeyRing(store, NEXT, retired=[TEST_SEALING_KEY])
    store.before_append = lambda: rotation.rotate([case_id])
    store.calls.clear()
    recorded = book.execute(KE, case_id, lambda case: _mother())
    after = store.get_data_key(case_id)
    assert before is not None
    assert after is not None
    assert after.kek_id == NEXT.key_id
    assert store.calls["append"] == 2
    assert store.version(case_id) == recorded.version
    assert len(store.read_audit(case_id)) == trail + 1
    guardians = back_office_load(store, case_id, rotation).guardians
    assert [g.person_id for g in guardians] == [MOTHER_ID]


def test_for_append_never_makes_a_key_for_an_existing_case() -> None:
    """With create=False, a case whose key is gone raises SealingError and no key is made."""
    store = CountingStore()
    ring = KeyRing(store, TEST_SEALING_KEY)
    with pytest.raises(SealingError, match="nothing stored"):
        ring.for_append("case-1", create=False)
    assert store.get_data_key("case-1") is None
    cipher, new, sealed_with = ring.for_append("case-1")
    assert new is not None
    assert sealed_with is None
    store.put_data_key("case-1", new)
    ring.stored(cipher)
    store.calls.clear()
    assert ring.for_append("case-1") == (cipher, None, new)
    assert store.calls["get_data_key"] == 0
    ring.forget("case-1")
    again, none, held = ring.for_append("case-1", create=False)
    assert none is None
    assert held == new
    assert store.calls["get_data_key"] == 1
    assert again.open(cipher.seal("x")) == "x"


def test_a_shred_seen_by_another_read_before_the_write_makes_no_new_key() -> None:
    """The cached key is dropped after the Casebook loaded the case (another request read the
    shredded case): the write must not seal with a new key for the existing case, which would
    store the mother's number readable again. SealingError, nothing stored, no key, one audit
    record of the failed call (found by review of decision 51)."""
    store = CountingStore()
    book = _book(store)
    case_id = _open(book)
    version = store.version(case_id)
    retention = KeyRing(store, TEST_SEALING_KEY)

    def command(case: object) -> GuardianAdded:
        retention.destroy(case_id, at=SHRED_AT)  # after this call's load
        with pytest.raises(SealingError):
            book.read(KE, case_id)  # another request: its read drops the cached key
        return _mother()

    trail = len(store.read_audit(case_id))
    with pytest.raises(SealingError, match="no new key is made"):
        book.execute(KE, case_id, command)
    assert store.version(case_id) == version
    assert store.get_data_key(case_id) is None
    audit = store.read_audit(case_id)
    # the shred's record, the other request's refused read, and this call's one record
    assert len(audit) == trail + 3
    assert audit[-1].allowed is False


def test_on_sqlite_a_shred_between_load_and_write_makes_no_new_key(tmp_path: Path) -> None:
    """SQLite takes no ``sealed_with``: its writes read the key first (``for_write``). A shred
    between the Casebook's load and that read used to get the case a new key and store the
    write; now SealingError, nothing stored, no key."""
    with SQLiteCaseStore(tmp_path / "c.db") as store:
        book = Casebook(
            store, clock=FixedClock(NOW), subject_secret=SECRET, sealing=TEST_SEALING_KEY
        )
        case_id = _open(book)
        version = store.version(case_id)
        retention = KeyRing(store, TEST_SEALING_KEY)

        def command(case: object) -> GuardianAdded:
            retention.destroy(case_id, at=SHRED_AT)
            return _mother()

        with pytest.raises(SealingError, match="no new key is made"):
            book.execute(KE, case_id, command)
        assert store.version(case_id) == version
        assert store.get_data_key(case_id) is None


def test_a_case_stored_before_sealing_gets_its_first_key_on_a_write() -> None:
    """A stored case with no key whose history holds no sealed identifier (as one written before
    identifiers were sealed) is not a shredded one: a write gives it its first key, as before
    (a guard against refusing too much). The same case with a sealed number in its history and
    its key removed is refused."""
    store = CountingStore()
    book = _book(store)
    plain_id = book.open_case(
        KE, [open_case(municipality_number="0301", subject=Child(ref="child", birth_date=BORN))]
    )
    sealed_id = _open(book)  # the child's number is sealed in its first event
    for case_id in (plain_id, sealed_id):
        store._data_keys.pop(case_id)  # no key, as in a store from before sealing
        book._keys.forget(case_id)
    book.execute(KE, plain_id, lambda case: _mother())
    assert store.get_data_key(plain_id) is not None
    assert [g.person_id for g in back_office_load(store, plain_id).guardians] == [MOTHER_ID]
    version = store.version(sealed_id)
    with pytest.raises(SealingError):
        book.execute(KE, sealed_id, lambda case: _mother())
    assert store.version(sealed_id) == version
    assert store.get_data_key(sealed_id) is None

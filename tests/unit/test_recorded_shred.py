"""A crypto-shred that proves itself (issue 11, items 2 and 3).

Deleting a case's wrapped data key makes its identity numbers unrecoverable while every chain and
checkpoint still verifies — so a key deleted around the library looked exactly like a proper
shred. ``KeyRing.destroy`` now leaves an audit record of the shred in the case's trail (in the
key's own transaction where the store keeps both), and ``verify`` reports a case whose sealed
identifiers have neither a data key nor such a record.

Synthetic identities only (Tenor, month + 80).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from barnekoordinator._cli.verify import verify_store
from barnekoordinator._redact import holds_identifier, looks_like_national_id
from barnekoordinator.access.audit import SHREDDED, render_who_looked
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import InvalidInput, SealingError, StorageError
from barnekoordinator.history.case import open_case
from barnekoordinator.history.checkpoint import Ed25519Signer, open_checkpoint, store_checkpoint
from barnekoordinator.history.commit_checkpoint import CommitCheckpoint, CommitCheckpointer
from barnekoordinator.history.records import verify_audit
from barnekoordinator.history.sealing import SHRED_ACTION, InMemoryDataKeys, KeyRing
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"recorded-shred-test-secret-32byt"
POLICY = IdentifierPolicy.testing()
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
SHRED_AT = datetime(2036, 1, 2, 8, tzinfo=UTC)
RULE = "arkivforskriften: kept 10 years after the case was closed"
KE = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)
Store = InMemoryCaseStore | SQLiteCaseStore


def _open(book: Casebook, born: date) -> str:
    """A child's case (with a mother): its first event holds both numbers, sealed."""
    child = Child(
        ref="child",
        birth_date=born,
        person_id=PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY),
    )
    mother = Guardian(
        ref="mor",
        relation=GuardianRelation.MOTHER,
        parental_responsibility=True,
        person_id=PersonId.parse(synthetic_fodselsnummer(date(1985, 6, 7)), policy=POLICY),
    )
    batch = [open_case(municipality_number="0301", subject=child, guardians=[mother])]
    return book.open_case(KE, batch)  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = (
        InMemoryCaseStore() if request.param == "memory" else SQLiteCaseStore(tmp_path / "c.db")
    )
    yield opened
    opened.close()


def _two_cases(store: Store) -> tuple[KeyRing, str, str]:
    ring = KeyRing(store, TEST_SEALING_KEY)
    book = Casebook(store, clock=FixedClock(NOW), subject_secret=SECRET, sealing=ring)
    return ring, _open(book, date(2016, 2, 2)), _open(book, date(2015, 1, 1))


def test_destroy_leaves_one_audit_record_of_the_shred_and_no_identifier(store: Store) -> None:
    ring, gone, kept = _two_cases(store)
    before = store.read_audit(gone)
    ring.destroy(gone, rule=RULE, basis=("arkivl",), at=SHRED_AT)
    trail = store.read_audit(gone)
    assert trail[: len(before)] == before
    [record] = trail[len(before) :]
    assert (record.actor, record.action, record.target, record.allowed) == (
        "back-office",
        "shred",
        "data-key",
        True,
    )
    assert record.at == SHRED_AT
    assert RULE in record.reason
    assert record.basis == ("arkivl",)
    assert record.stored_range is None
    assert record.position is not None
    for text in (record.actor, record.actor_label, record.reason, record.target):
        assert not looks_like_national_id(text)
    assert not holds_identifier(record.actor_label)
    verify_audit(gone, trail)  # chained after the trail
    assert store.get_data_key(gone) is None
    assert store.get_data_key(kept) is not None
    assert len(store.read_audit(kept)) == 1  # the other case's trail is untouched


def test_destroy_with_defaults_still_records_the_shred(store: Store) -> None:
    """``destroy(case_id)`` as before keeps working, and now leaves its record."""
    ring, gone, _ = _two_cases(store)
    ring.destroy(gone, at=SHRED_AT)
    assert store.read_audit(gone)[-1].action == "shred"
    assert "retention" in store.read_audit(gone)[-1].reason


def test_verify_tells_a_recorded_shred_from_a_removed_key(store: Store) -> None:
    ring, shredded, removed = _two_cases(store)
    ring.destroy(shredded, at=SHRED_AT)
    assert verify_store(store).ok, verify_store(store).problems
    store.destroy_data_key(removed)  # straight through the store: no record
    report = verify_store(store)
    assert report.problems == (
        f"case {removed}: its events hold sealed identifiers, but its data key is gone and no "
        "audit record says it was shredded (removed around the library: its identifiers can no "
        "longer be opened)",
    )


def test_the_family_sees_the_shred_in_who_has_looked(store: Store) -> None:
    """Like an import's back-office record: a line with its label, in plain words."""
    ring, gone, _ = _two_cases(store)
    ring.destroy(gone, at=SHRED_AT - timedelta(days=1))
    shown = render_who_looked(store.read_audit(gone), "en")
    assert (
        "\n  retention (back-office): identity numbers shredded: shredded the identity numbers "
        "(the retention period had ended)\n"
    ) in shown  # in words of its own, not "made changes" (the family would not know why)
    assert "rule" not in shown  # reasons are never shown to the family
    store.destroy_data_key(gone)  # the label is the caller's to choose, and shown as given
    ring.destroy(gone, label="Arkivet, Oslo kommune", at=SHRED_AT)
    shown = render_who_looked(store.read_audit(gone), "nb")
    assert (
        "02.01.2036\n  Arkivet, Oslo kommune: makulerte fødselsnumrene (oppbevaringstiden var ute)"
    ) in shown
    assert SHREDDED == SHRED_ACTION


def test_the_missing_key_message_does_not_blame_retention() -> None:
    """The key ring cannot know why a key is missing; the message says who can."""
    ring = KeyRing(InMemoryDataKeys(), TEST_SEALING_KEY)
    with pytest.raises(SealingError) as missing:
        ring.cipher("case-without-key")
    assert "retention" not in str(missing.value)
    assert "never made, or destroyed: shredded, or removed" in str(missing.value)
    assert "`barnekoordinator verify` tells which" in str(missing.value)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"rule": "kept for " + synthetic_fodselsnummer(date(2015, 1, 1))}, "identity number"),
        ({"rule": " "}, "non-empty"),
        ({"label": "Arkivet 0301 123456"}, "identifier"),
        ({"at": datetime(2036, 1, 2, 8)}, "timezone-aware"),  # naive
    ],
)
def test_a_shred_record_holding_an_identifier_is_refused_and_nothing_is_destroyed(
    store: Store, options: dict[str, object], problem: str
) -> None:
    ring, gone, _ = _two_cases(store)
    before = store.read_audit(gone)
    with pytest.raises(InvalidInput, match=problem):
        ring.destroy(gone, **{"at": SHRED_AT, **options})  # type: ignore[arg-type]
    assert store.get_data_key(gone) is not None
    assert store.read_audit(gone) == before


def test_a_shred_whose_record_cannot_be_stored_keeps_the_key(tmp_path: Path) -> None:
    """SQLite: the record and the key's deletion are one transaction (both or neither)."""
    with SQLiteCaseStore(tmp_path / "c.db") as store:
        ring, gone, _ = _two_cases(store)
        with sqlite3.connect(store.path) as raw:
            raw.execute(
                "CREATE TRIGGER no_more_audit BEFORE INSERT ON case_audit "
                "BEGIN SELECT RAISE(ABORT, 'audit trail refuses'); END"
            )
        with pytest.raises(sqlite3.IntegrityError, match="audit trail refuses"):
            ring.destroy(gone, at=SHRED_AT)
        assert store.get_data_key(gone) is not None
        assert KeyRing(store, TEST_SEALING_KEY).cipher(gone)  # still opens
        with sqlite3.connect(store.path) as raw:
            raw.execute("DROP TRIGGER no_more_audit")
        ring.destroy(gone, at=SHRED_AT)
        assert store.get_data_key(gone) is None
        assert verify_store(store).ok


def test_the_shred_commits_with_a_signed_checkpoint_that_covers_its_record(tmp_path: Path) -> None:
    """SQLite with a CommitCheckpointer: the shred's transaction publishes a note whose audit
    tree holds its record — the full checkpoint of the store as it committed."""
    signer = Ed25519Signer.generate("kommune.example/shred")
    notes: list[CommitCheckpoint] = []
    with CommitCheckpointer(signer.name, signer, notes.append) as committer:
        store = SQLiteCaseStore(tmp_path / "c.db", commit_checkpointer=committer)
        ring, gone, _ = _two_cases(store)
        published = len(notes)
        ring.destroy(gone, at=SHRED_AT)
        store.close()
    assert len(notes) == published + 1
    with SQLiteCaseStore(tmp_path / "c.db", read_only=True) as reopened:
        assert notes[-1].checkpoint == store_checkpoint(reopened, signer.name)
        assert reopened.read_all_audit(limit=1000)[-1].action == "shred"
    assert open_checkpoint(notes[-1].note, signer.verifier()) == notes[-1].checkpoint


class _KeysWithoutAudit(InMemoryCaseStore):
    """A store keeping both, whose ``destroy_data_key`` takes no ``audit`` (written before it),
    and fails the first time."""

    failures = 1

    def destroy_data_key(self, case_id: str) -> None:  # type: ignore[override]
        if self.failures:
            self.failures -= 1
            raise StorageError("the key store is down")
        super().destroy_data_key(case_id)


def test_without_one_transaction_the_record_comes_first_and_verify_shows_an_unfinished_shred() -> (
    None
):
    store = _KeysWithoutAudit()
    ring, gone, _ = _two_cases(store)
    with pytest.raises(StorageError):
        ring.destroy(gone, at=SHRED_AT)
    assert store.read_audit(gone)[-1].action == "shred"
    assert store.get_data_key(gone) is not None  # nothing lost: the numbers still open
    assert verify_store(store).problems == (
        f"case {gone}: an audit record says its data key was shredded, but the key is still in "
        "the store: the shred did not finish (run KeyRing.destroy again)",
    )
    ring.destroy(gone, at=SHRED_AT)  # again: finished
    assert store.get_data_key(gone) is None
    assert verify_store(store).ok


def test_a_key_store_apart_from_the_trail_records_the_shred_in_the_trail_given() -> None:
    """Keys in a key-management service: ``trail`` names the case store the record goes to."""
    keys, store = InMemoryDataKeys(), InMemoryCaseStore()
    ring = KeyRing(keys, TEST_SEALING_KEY)
    book = Casebook(store, clock=FixedClock(NOW), subject_secret=SECRET, sealing=ring)
    gone = _open(book, date(2016, 2, 2))
    ring.destroy(gone, rule=RULE, at=SHRED_AT, trail=store)
    assert keys.get_data_key(gone) is None
    assert store.read_audit(gone)[-1].action == "shred"

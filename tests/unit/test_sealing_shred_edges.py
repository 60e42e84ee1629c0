"""Crypto-shredding at its edges: every key ring sees a shred, the SQLite wipe is confirmed, and
a shred of nothing, or of a malformed case id or basis, is refused with nothing stored.

Real SQLite files (and a second process where the shred comes from elsewhere); synthetic
identities only.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator._cli.verify import verify_store
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import InvalidInput, SealingError, StorageError
from barnekoordinator.history.case import open_case
from barnekoordinator.history.sealing import KeyRing, is_shred_record
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SECRET = b"shred-edges-test-subject-secret!"
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
SHRED_AT = datetime(2036, 1, 2, 8, tzinfo=UTC)
BORN = date(2013, 2, 1)
KE = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)
Store = InMemoryCaseStore | SQLiteCaseStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = (
        InMemoryCaseStore() if request.param == "memory" else SQLiteCaseStore(tmp_path / "c.db")
    )
    yield opened
    opened.close()


def _book(store: Store) -> Casebook:
    return Casebook(store, clock=FixedClock(NOW), subject_secret=SECRET, sealing=TEST_SEALING_KEY)


def _open(book: Casebook) -> str:
    child_id = PersonId.parse(synthetic_fodselsnummer(BORN), policy=IdentifierPolicy.testing())
    child = Child(ref="child", birth_date=BORN, person_id=child_id)
    return book.open_case(KE, [open_case(municipality_number="0301", subject=child)])


def _assert_shredded_for(book: Casebook, case_id: str) -> None:
    with pytest.raises(SealingError, match=case_id):
        book.read(KE, case_id)
    assert book._keys.existing(case_id) is None
    with pytest.raises(SealingError, match=case_id):
        book._keys.cipher(case_id)


# -- 1. a shred reaches every key ring --------------------------------------------------------


def test_a_shred_by_another_key_ring_reaches_a_running_casebook(store: Store) -> None:
    """The documented example: a retention job's own KeyRing beside a running Casebook."""
    book = _book(store)
    case_id = _open(book)
    book.read(KE, case_id)  # the book's key ring has unwrapped the case's data key
    assert book._keys.existing(case_id) is not None
    KeyRing(store, TEST_SEALING_KEY).destroy(case_id, at=SHRED_AT)
    _assert_shredded_for(book, case_id)


def test_a_shred_in_another_process_reaches_a_running_casebook(tmp_path: Path) -> None:
    """A cache shared in this process could not see it; asking the store each time does."""
    path = tmp_path / "c.db"
    with SQLiteCaseStore(path) as store:
        book = _book(store)
        case_id = _open(book)
        book.read(KE, case_id)
        script = (
            "import sys; from datetime import UTC, datetime\n"
            "from barnekoordinator.history.sealing import KeyRing\n"
            "from barnekoordinator.testing.builders import TEST_SEALING_KEY\n"
            "from barnekoordinator_plugins.sqlite import SQLiteCaseStore\n"
            "with SQLiteCaseStore(sys.argv[1]) as store:\n"
            "    KeyRing(store, TEST_SEALING_KEY).destroy(\n"
            "        sys.argv[2], at=datetime(2036, 1, 2, 8, tzinfo=UTC))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(path), case_id],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
            check=False,
        )
        assert done.returncode == 0, done.stderr
        _assert_shredded_for(book, case_id)


def test_a_cached_key_is_used_only_while_the_store_holds_its_wrapped_key(store: Store) -> None:
    """A wrapped key replaced behind the key ring's back is unwrapped again, not ignored; the
    first one put back opens the case again."""
    book = _book(store)
    case_id = _open(book)
    book.read(KE, case_id)
    before = store.get_data_key(case_id)
    store.put_data_key(case_id, KeyRing(store, TEST_SEALING_KEY)._wrap(case_id, os.urandom(32)))
    with pytest.raises(SealingError, match=case_id):  # another data key: the tokens do not open
        book.read(KE, case_id)
    assert before is not None
    store.put_data_key(case_id, before)
    assert book.read(KE, case_id) is not None


# -- 2. SQLite: a wipe a reader kept from finishing ---------------------------------------------


def _files_holding(path: Path, blob: bytes) -> list[str]:
    found = []
    for suffix in ("", "-wal"):
        file = Path(f"{path}{suffix}")
        if file.exists() and blob in file.read_bytes():
            found.append(file.name)
    return found


def test_a_wipe_a_reader_blocks_is_reported_and_a_second_destroy_finishes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path, busy_timeout=0.2) as store:
        book = _book(store)
        case_id = _open(book)
        wrapped = store.get_data_key(case_id)
        assert wrapped is not None
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM case_events").fetchone()  # an older snapshot
            with pytest.raises(StorageError, match="deleted") as raised:
                KeyRing(store, TEST_SEALING_KEY).destroy(case_id, at=SHRED_AT)
            assert "destroy it again" in str(raised.value)
            assert case_id in str(raised.value)
            assert store.get_data_key(case_id) is None  # the deletion stays committed
            assert [r for r in store.read_audit(case_id) if is_shred_record(r)] != []
            _assert_shredded_for(book, case_id)
            assert _files_holding(path, wrapped.blob) != []  # not wiped yet: hence the error
        finally:
            reader.execute("COMMIT")
            reader.close()
        KeyRing(store, TEST_SEALING_KEY).destroy(case_id, at=SHRED_AT)  # finishes the wipe
        assert _files_holding(path, wrapped.blob) == []
        assert verify_store(store).ok, verify_store(store).problems


def test_a_second_destroy_of_a_key_only_case_finishes_its_wipe(tmp_path: Path) -> None:
    """A case with a data key and no event yet: once shredded, it has no key and no event, but
    its earlier shred makes a second destroy (to finish the wipe) no typo."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path, busy_timeout=0.2) as store:
        ring = KeyRing(store, TEST_SEALING_KEY)
        ring.cipher("case-1", create=True)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM case_keys").fetchone()
        with pytest.raises(StorageError, match="deleted"):
            ring.destroy("case-1", at=SHRED_AT)
        reader.execute("COMMIT")
        reader.close()
        ring.destroy("case-1", at=SHRED_AT)
        assert [r.action for r in store.read_audit("case-1")] == ["shred", "shred"]


# -- 3. a shred of nothing ----------------------------------------------------------------------


def test_a_shred_of_an_unknown_case_is_refused_and_stores_nothing(store: Store) -> None:
    ring = KeyRing(store, TEST_SEALING_KEY)
    with pytest.raises(InvalidInput, match="no data key, no event and no earlier shred"):
        ring.destroy("no-such-case", at=SHRED_AT)
    assert store.case_ids() == []
    assert store.read_audit("no-such-case") == []
    assert store.data_key_cases() == []
    assert verify_store(store).ok


# -- 4. malformed case ids and bases --------------------------------------------------------------

_NUMBER = synthetic_fodselsnummer(date(2015, 1, 1))
BAD_CASE_IDS = ["a\ud800", "a\x00b", 5, "", "case-" + _NUMBER, "x" * 201]


@pytest.mark.parametrize("case_id", BAD_CASE_IDS, ids=repr)
def test_a_malformed_case_id_is_refused_and_nothing_is_stored(store: Store, case_id: str) -> None:
    ring = KeyRing(store, TEST_SEALING_KEY)
    with pytest.raises(InvalidInput, match="case_id") as made:
        ring.cipher(case_id, create=True)
    with pytest.raises(InvalidInput, match="case_id") as shredded:
        ring.destroy(case_id, at=SHRED_AT)
    with pytest.raises(InvalidInput, match="case_id"):
        ring.for_write(case_id)
    with pytest.raises(InvalidInput, match="case_id"):
        ring.existing(case_id)
    for error in (made.value, shredded.value):
        assert _NUMBER not in str(error)
    assert store.data_key_cases() == []
    assert store.case_ids() == []


@pytest.mark.parametrize(
    ("basis", "problem"),
    [
        ("arkivl", "expected a list of legal reference keys, got str"),
        (("a\ud801",), "printable"),
        (("arkivl", ""), "non-empty"),
        ((7,), "shred: basis: expected printable"),
        (("arkivl " + _NUMBER,), "identifier"),
    ],
)
def test_a_malformed_basis_is_refused_and_nothing_is_destroyed(
    store: Store, basis: object, problem: str
) -> None:
    book = _book(store)
    case_id = _open(book)
    before = store.read_audit(case_id)
    with pytest.raises(InvalidInput, match=problem) as refused:
        KeyRing(store, TEST_SEALING_KEY).destroy(case_id, at=SHRED_AT, basis=basis)  # type: ignore[arg-type]
    assert _NUMBER not in str(refused.value)
    assert store.get_data_key(case_id) is not None
    assert store.read_audit(case_id) == before
    assert book.read(KE, case_id) is not None

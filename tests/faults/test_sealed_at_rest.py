"""Identifiers sealed at rest: no national identity number in any byte a store keeps.

The demo's family is written through the Casebook (every kind of event the story has: the
opening with the child and both guardians, consents, the stafettlogg, the plan, a decision),
then every file of the SQLite database (main file, WAL, shared memory) and every file of a
private PostgreSQL cluster's data directory (tables, indexes, WAL) and its ``pg_dump`` are
searched for each of the family's numbers, as digits. A positive control writes the same kind
of history without a cipher and finds the numbers, so the search can fail.

Crypto-shredding and key rotation are checked through the Casebook too: a destroyed data key
makes the case unreadable (a typed ``SealingError``) while every chain still verifies, and the
wrapped key's bytes are gone from the file.
"""

from __future__ import annotations

import base64
import logging
import re
import subprocess
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from barnekoordinator._cli import demo
from barnekoordinator._cli.verify import verify_store
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import SealingError, StorageUnavailable
from barnekoordinator.history.sealing import KeyRing, SealingKey
from barnekoordinator.history.serialization import event_to_json, from_records
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load, standard_case
from barnekoordinator.testing.postgres import throwaway_postgres
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

_NUMBER = re.compile(r'"number":"(\d{11})"')
_OPERATOR = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles={"koordinerende-enhet"},
    municipality_number="0301",
)


def _tell_the_story(store: CaseStore, key: SealingKey = TEST_SEALING_KEY) -> Casebook:
    clock = FixedClock(datetime.combine(date(2026, 1, 5), time(8, 0), tzinfo=UTC))
    book = Casebook(
        store,
        clock=clock,
        sealing=key,
        subject_secret=demo.DEMO_SECRET,
        settings=demo._settings_for_the_demo(),
    )
    assert demo._story(book, store, clock, "en") == 0
    return book


def _numbers(store: CaseStore, key: SealingKey = TEST_SEALING_KEY) -> set[str]:
    """Every national identity number in the store's cases, opened with the key."""
    found: set[str] = set()
    for case_id in store.case_ids():
        cipher = KeyRing(store, key).existing(case_id)  # type: ignore[arg-type]
        for recorded in from_records(store.read(case_id), CATALOGUE, cipher=cipher):
            found.update(_NUMBER.findall(event_to_json(recorded.event)))
    return found


def _files(folder: Path) -> Iterator[Path]:
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def _hits(paths: Iterable[Path], needles: Iterable[bytes]) -> list[str]:
    """``file: needle`` for every needle found in any of the files' bytes."""
    wanted = list(needles)
    hits = []
    for path in paths:
        data = path.read_bytes()
        hits.extend(f"{path.name}: {needle!r}" for needle in wanted if needle in data)
    return hits


def _sqlite_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


# --- SQLite ------------------------------------------------------------------------------------


def test_no_number_in_any_sqlite_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Written through the Casebook, no number is in the database, its WAL, or a log line."""
    db = tmp_path / "sealed.db"
    caplog.set_level(logging.DEBUG)
    with SQLiteCaseStore(db) as store:
        _tell_the_story(store)
        numbers = _numbers(store)
        assert len(numbers) >= 3  # the child and both guardians at least
        needles = [n.encode() for n in numbers]
        live = _sqlite_files(db)
        assert any(p.name.endswith("-wal") for p in live)  # the story is still in the WAL
        assert _hits(live, needles) == []
        [case_id] = store.case_ids()
        assert any('"sealed":"v1.' in r.payload for r in store.read(case_id))
        assert not any(n in repr(store.read(case_id)) for n in numbers)
    assert _hits(_sqlite_files(db), needles) == []
    assert not any(n in caplog.text for n in numbers)


def test_the_search_finds_numbers_written_without_a_cipher(tmp_path: Path) -> None:
    """Positive control: a history written without a cipher has its numbers in the file."""
    db = tmp_path / "clear.db"
    run = standard_case()
    with SQLiteCaseStore(db) as store:
        store.append(run.case.id, 0, run.records())
        numbers = {n for r in run.records() for n in _NUMBER.findall(r.payload)}
    assert numbers
    assert _hits(_sqlite_files(db), [n.encode() for n in numbers])


def test_crypto_shredding_leaves_history_verifiable_and_the_key_gone(tmp_path: Path) -> None:
    """Destroying a case's data key: its numbers can never be opened again, its wrapped key's
    bytes are gone from the file (secure_delete, WAL truncated), and every chain still verifies."""
    db = tmp_path / "shred.db"
    with SQLiteCaseStore(db) as store:
        book = _tell_the_story(store)
        [case_id] = store.case_ids()
        wrapped = store.get_data_key(case_id)
        assert wrapped is not None
        ring = KeyRing(store, TEST_SEALING_KEY)
        ring.destroy(case_id, at=datetime(2036, 1, 2, 8, tzinfo=UTC))
        fresh = Casebook(
            store,
            clock=FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC)),
            sealing=TEST_SEALING_KEY,
            subject_secret=demo.DEMO_SECRET,
        )
        with pytest.raises(SealingError, match=case_id) as shredded:
            fresh.read(_OPERATOR, case_id)
        assert "destroyed" in str(shredded.value)
        report = verify_store(store)
        assert report.ok, report.problems
        assert report.events == len(store.read(case_id))
        del book
    blob = wrapped.blob
    assert _hits(_sqlite_files(db), [blob, base64.urlsafe_b64encode(blob).rstrip(b"=")]) == []


def test_rotation_rewraps_every_key_and_retires_the_old_one(tmp_path: Path) -> None:
    """After rotation the new key alone opens every case; the retired key alone opens none,
    and no event record was rewritten (history is append-only)."""
    old, new = SealingKey.generate("kek-2025"), SealingKey.generate("kek-2026")
    with SQLiteCaseStore(tmp_path / "rotate.db") as store:
        _tell_the_story(store, old)
        [case_id] = store.case_ids()
        before = store.read(case_id)
        assert KeyRing(store, new, retired=[old]).rotate() == 1
        assert store.read(case_id) == before
        assert store.get_data_key(case_id).kek_id == "kek-2026"  # type: ignore[union-attr]
        assert _numbers(store, new)
        with pytest.raises(SealingError, match="kek-2026"):
            back_office_load(store, case_id, old)


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def private_cluster() -> Iterator[object]:
    """A PostgreSQL cluster of this module's own, so its data directory can be searched."""
    try:
        with throwaway_postgres() as server:
            yield server
    except StorageUnavailable as exc:  # pragma: no cover - CI installs PostgreSQL
        pytest.skip(f"PostgreSQL: {exc}")


def test_no_number_in_postgres_files_or_dump(private_cluster: object) -> None:
    """Written through the Casebook, no number is in any file of the cluster (tables, indexes,
    WAL) after a checkpoint, nor in ``pg_dump``; a clear history in another schema is found."""
    import psycopg

    server = private_cluster
    dsn: str = server.dsn  # type: ignore[attr-defined]
    with PostgresCaseStore(dsn, schema="sealed") as store:
        _tell_the_story(store)
        numbers = _numbers(store)
    assert len(numbers) >= 3
    needles = [n.encode() for n in numbers]
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    data: Path = server.data  # type: ignore[attr-defined]
    assert _hits(_files(data), needles) == []
    bindir: Path = server.bindir  # type: ignore[attr-defined]
    dump = subprocess.run(
        [str(bindir / "pg_dump"), "--schema=sealed", dsn],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    assert b"case_keys" in dump
    assert b"v1." in dump
    assert not any(n in dump for n in needles)
    # Positive control in the same cluster: written without a cipher, found by the same search.
    run = standard_case()
    with PostgresCaseStore(dsn, schema="clear") as store:
        store.append(run.case.id, 0, run.records())
        clear = {n for r in run.records() for n in _NUMBER.findall(r.payload)}
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("CHECKPOINT")
    assert _hits(_files(data), [n.encode() for n in clear])

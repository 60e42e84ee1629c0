"""Store errors that help (issue 17 item 5).

A missing SQLite file for a read says "store not found" and stays missing; a file another
process holds locked says so, names the holder, and gives up after ``sqlite.busy_timeout``.
The lock is held by a real second process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.errors import StorageUnavailable, StoreLocked, StoreNotFound
from barnekoordinator_plugins.sqlite import SQLiteCaseStore
from barnekoordinator_plugins.sqlite._locks import lock_holders

HOLD = """\
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")  # the write lock
print("locked", flush=True)
time.sleep(30)
"""


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.db"
    SQLiteCaseStore(path).close()
    return path


@pytest.fixture
def held(store_file: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the store's write lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store_file)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    yield holder
    holder.kill()
    holder.wait()
    holder.stdout.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["verify"],
        ["agenda"],
        ["checkpoint", "--output", "c.txt"],
        ["export", "--case", "c", "--format", "fhir-r4", "--principal", "p.json"],
        ["agenda", "--principal", "p.json"],
    ],
    ids=lambda argv: " ".join(argv[:3:2]),
)
def test_a_read_of_a_missing_store_says_not_found_and_creates_nothing(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BARNEKOORDINATOR_CHECKPOINT_KEY_FILE", str(tmp_path / "ck.key"))
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY_FILE", str(tmp_path / "seal.key"))
    (tmp_path / "p.json").write_text("{}")
    path = tmp_path / "missing.db"
    status = main([*argv, "--store", f"sqlite:{path}"])
    err = capsys.readouterr().err
    if "--principal" in argv:
        # The principal file is read first (a usage error), unless the store is found missing.
        assert status in (2, 3)
    else:
        assert status == 3
        assert err == f"barnekoordinator {argv[0]}: store not found: {path}\n"
    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


def test_the_library_raises_store_not_found_for_read_only_and_no_create(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    for options in ({"read_only": True}, {"create": False}):
        with pytest.raises(StoreNotFound, match="store not found: ") as found:
            SQLiteCaseStore(path, **options)  # type: ignore[arg-type]
        assert isinstance(found.value, FileNotFoundError)
        assert not path.exists()


def test_a_locked_store_names_the_holder_within_the_timeout(
    store_file: Path, held: subprocess.Popen[str]
) -> None:
    store = SQLiteCaseStore(store_file, busy_timeout=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(StoreLocked) as locked:
            store.load([])  # takes the write lock
        waited = time.monotonic() - started
    finally:
        store.close()
    assert 0.25 <= waited < 5
    assert isinstance(locked.value, StorageUnavailable)
    assert "is locked by another process" in str(locked.value)
    if Path("/proc/locks").exists():
        assert [pid for pid, _ in locked.value.holders] == [held.pid]
        assert f"pid {held.pid}" in str(locked.value)


def test_the_demo_honours_the_busy_timeout(
    store_file: Path,
    held: subprocess.Popen[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY_FILE", str(keys / "seal.key"))
    started = time.monotonic()
    argv = ["demo", "--store", f"sqlite:{store_file}", "--option", "sqlite.busy_timeout=0.3"]
    status = main([*argv, "--output-dir", str(tmp_path)])
    assert time.monotonic() - started < 10
    assert status == 3
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("barnekoordinator demo: SQLite store ")
    assert "is locked by another process" in err
    assert "sqlite.busy_timeout" in err


def test_readers_are_not_blocked_by_a_writer(
    store_file: Path, held: subprocess.Popen[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """WAL: verify reads while another process holds the write lock."""
    argv = ["verify", "--store", f"sqlite:{store_file}", "--option", "sqlite.busy_timeout=0.3"]
    assert main(argv) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e400", "90000", ""])
def test_the_busy_timeout_is_checked(
    value: str, store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["verify", "--store", f"sqlite:{store_file}"]
    assert main([*argv, "--option", f"sqlite.busy_timeout={value}"]) == 2
    assert "busy_timeout: expected seconds from 0 to 86400" in capsys.readouterr().err


def test_lock_holders_reads_proc_locks_lines(tmp_path: Path) -> None:
    import os

    path = tmp_path / "x.db"
    path.write_bytes(b"")
    status = os.stat(path)
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}"
    locks = tmp_path / "locks"
    locks.write_text(
        f"1: POSIX  ADVISORY  READ 111 {device}:{status.st_ino} 0 EOF\n"
        f"2: POSIX  ADVISORY  WRITE 222 {device}:{status.st_ino} 0 EOF\n"
        f"2: -> POSIX  ADVISORY  WRITE 333 {device}:{status.st_ino} 0 EOF\n"
        f"3: POSIX  ADVISORY  WRITE 444 {device}:{status.st_ino + 1} 0 EOF\n"
        f"4: FLOCK  ADVISORY  WRITE 555 {device}:{status.st_ino} 0 EOF\n"
    )
    assert [pid for pid, _ in lock_holders(str(path), locks_file=str(locks))] == [222]
    assert lock_holders(str(tmp_path / "gone.db"), locks_file=str(locks)) == ()

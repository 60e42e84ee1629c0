"""The CommitCheckpointer (decision 39): a signed checkpoint in every write transaction of a
SQLite store, equal to the full computation after each commit, never published for a write that
rolled back, and refusing to write on a store that is not an extension of what it saw.

Issue 11, item 5: "a checkpoint per commit"; the full computation it is checked against is
``store_checkpoint`` (every record read back and hashed), itself checked against ``tree_root`` in
``test_checkpointer``.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _commit_writes import WRITES, append, checked, reads_of, run_writes
from barnekoordinator.errors import (
    CheckpointError,
    InvalidConfiguration,
    StoreDiverged,
)
from barnekoordinator.history.checkpoint import (
    Checkpointer,
    Ed25519Signer,
)
from barnekoordinator.history.commit_checkpoint import CommitCheckpoint, CommitCheckpointer
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

ORIGIN = "test.example/log"
SIGNER = Ed25519Signer.generate(ORIGIN)


def _store(path: Path, committer: CommitCheckpointer | None = None) -> SQLiteCaseStore:
    return SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE, commit_checkpointer=committer)


_append = append


def _checked(note: CommitCheckpoint, store: SQLiteCaseStore) -> None:
    checked(note, store, SIGNER.verifier(), ORIGIN)


@settings(max_examples=40, deadline=None)
@given(WRITES, st.booleans(), st.booleans())
def test_each_commit_publishes_the_full_checkpoint(
    ops: list[tuple[object, ...]], overlap: bool, primed: bool
) -> None:
    """After every write through the store, its note is the full checkpoint of the store as it
    committed — with other writers (another handle: another process) in between, bulk loads,
    audit-only appends and appends without an audit record; a write that conflicts publishes
    nothing and changes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.db"
        other = _store(path)
        _append(other, "before", 2)  # a store that already holds records
        frontiers = {}
        if primed:  # started from an outside checkpoint: the first write reads only what is new
            outside = Checkpointer(other, ORIGIN)
            outside.checkpoint()
            frontiers = dict(zip(("events", "audit"), outside.frontiers(), strict=True))
        notes: list[CommitCheckpoint] = []
        with CommitCheckpointer(ORIGIN, SIGNER, notes.append, overlap=overlap, **frontiers) as cp:
            store = _store(path, cp)
            run_writes(ops, store, other, cp, notes, SIGNER.verifier())
            store.close()
        other.close()


def test_a_write_that_follows_the_last_seen_records_reads_nothing(tmp_path: Path) -> None:
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(tmp_path / "cases.db", cp)
        _append(store, "a", 1)  # the first write of an unseen store reads it
        calls = reads_of(cp)
        _append(store, "a", 3)
        assert calls == []
        store.append_audit(make_audit("a"))  # no events of its own: reads both tails
        assert len(calls) == 1
        _checked(cp.last, store)  # type: ignore[arg-type]
        store.close()


def _raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TRIGGER case_events_no_update")
    connection.execute("DROP TRIGGER case_events_no_delete")
    return connection


def test_a_truncated_store_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(path, cp)
        _append(store, "a", 3)
        before = cp.last
        raw = _raw(path)
        raw.execute("DELETE FROM case_events WHERE sequence = 3")
        raw.close()
        with pytest.raises(StoreDiverged, match="records were removed") as caught:
            _append(store, "b", 1)
        assert (caught.value.tree, caught.value.size) == ("events", 3)
        assert store.version("b") == 0
        assert cp.last is before
        # Refused again, not stuck: the refusal let go of the checkpointer.
        again: list[BaseException] = []

        def retry() -> None:
            try:
                _append(store, "b", 1)
            except BaseException as exc:
                again.append(exc)

        thread = threading.Thread(target=retry, daemon=True)
        thread.start()
        thread.join(timeout=30)
        assert [type(e) for e in again] == [StoreDiverged]
        store.close()


def test_a_rewritten_last_record_is_refused_once_someone_else_wrote(tmp_path: Path) -> None:
    """A rewrite of the last record seen is caught when the checkpointer reads the store back
    (here: after another writer's commit); a write that follows it at once is not read back,
    and ``verify --checkpoint`` against its notes catches the rewrite instead (decision 39)."""
    path = tmp_path / "cases.db"
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(path, cp)
        _append(store, "a", 2)
        raw = _raw(path)
        raw.execute("UPDATE case_events SET hash = ? WHERE sequence = 2", ("0" * 64,))
        raw.close()
        _append(_store(path), "other", 1)
        with pytest.raises(StoreDiverged, match="was rewritten"):
            store.append_audit(make_audit("a"))
        assert store.read_audit("a")[-1].action == "write"  # the refused record is not there
        store.close()


class _FailingSigner:
    name = SIGNER.name
    key_id = SIGNER.key_id

    def __init__(self) -> None:
        self.fail = True

    def sign(self, message: bytes) -> bytes:
        if self.fail:
            raise CheckpointError("signer: the key is not available")
        return SIGNER.sign(message)


@pytest.mark.parametrize("overlap", [True, False])
def test_a_failed_signature_keeps_the_commit_and_the_next_note_covers_it(
    tmp_path: Path, overlap: bool
) -> None:
    signer = _FailingSigner()
    failures: list[Exception] = []
    notes: list[CommitCheckpoint] = []
    with CommitCheckpointer(
        ORIGIN, signer, notes.append, overlap=overlap, on_failure=failures.append
    ) as cp:
        store = _store(tmp_path / "cases.db", cp)
        assert _append(store, "a", 2) == 2  # committed although nothing was signed
        assert [str(f) for f in failures] == ["signer: the key is not available"]
        assert notes == []
        assert cp.last is None
        assert cp.frontiers()[0].size == 2  # the trees grew with the commit all the same
        signer.fail = False
        _append(store, "a", 1)
        assert notes[-1].checkpoint.events.size == 3
        _checked(notes[-1], store)
        store.close()


def test_a_failure_is_logged_without_record_contents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(note: CommitCheckpoint) -> None:
        raise OSError("the log server is down")

    with CommitCheckpointer(ORIGIN, SIGNER, refuse) as cp:
        store = _store(tmp_path / "cases.db", cp)
        with caplog.at_level(logging.ERROR, logger="barnekoordinator.checkpoint"):
            _append(store, "a", 1)
        assert "OSError: the log server is down" in caplog.text
        assert store.read("a")[0].hash not in caplog.text
        assert cp.frontiers()[0].size == 1  # the tree grew: the next note covers this commit
        store.close()


def test_threads_sharing_a_store_publish_notes_in_commit_order(tmp_path: Path) -> None:
    notes: list[CommitCheckpoint] = []
    with CommitCheckpointer(ORIGIN, SIGNER, notes.append) as cp:
        store = _store(tmp_path / "cases.db", cp)

        def writer(case: str) -> None:
            for _ in range(8):
                _append(store, case, 1)

        threads = [threading.Thread(target=writer, args=(f"case-{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [n.checkpoint.events.size for n in notes] == list(range(1, 33))
        _checked(notes[-1], store)
        store.close()


def test_close_stops_the_worker_and_a_later_write_starts_one(tmp_path: Path) -> None:
    def workers() -> int:
        return sum(t.name == "barnekoordinator-checkpoint" for t in threading.enumerate())

    before = workers()
    cp = CommitCheckpointer(ORIGIN, SIGNER)
    store = _store(tmp_path / "cases.db", cp)
    _append(store, "a", 1)
    assert workers() == before + 1
    cp.close()
    assert workers() == before
    _append(store, "a", 1)
    _checked(cp.last, store)  # type: ignore[arg-type]
    cp.close()
    store.close()


def test_a_read_only_store_or_another_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    _store(path).close()
    with (
        CommitCheckpointer(ORIGIN, SIGNER) as cp,
        pytest.raises(InvalidConfiguration, match="commit_checkpointer"),
    ):
        SQLiteCaseStore(path, read_only=True, commit_checkpointer=cp)
    with pytest.raises(InvalidConfiguration, match="commit_checkpointer"):
        SQLiteCaseStore(path, commit_checkpointer=object())  # type: ignore[arg-type]
    with pytest.raises(CheckpointError, match="checkpoint line 1"):
        CommitCheckpointer("", SIGNER)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads (3.12+)
def test_a_forked_child_signs_with_a_worker_of_its_own(tmp_path: Path) -> None:
    """The worker thread does not survive fork(): a child that writes through the inherited
    store and checkpointer starts its own, instead of waiting for a thread that is not there."""
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(tmp_path / "cases.db", cp)
        _append(store, "a", 1)  # the parent's worker is running
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit status
            code = 2
            try:
                _append(store, "b", 1)
                last = cp.last
                code = 0 if last is not None and last.checkpoint.events.size == 2 else 1
            finally:
                os._exit(code)
        for _ in range(600):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the child's write did not finish within 30 s")
        assert os.waitstatus_to_exitcode(status) == 0
        _append(store, "a", 1)  # and the parent's worker still signs
        _checked(cp.last, store)  # type: ignore[arg-type]
        store.close()


def test_frontiers_of_another_store_are_refused_at_the_first_write(tmp_path: Path) -> None:
    """Frontiers given at the start are read back once, even when this write's positions follow
    them: those of another store (the same positions, other records) write nothing."""
    first, second = _store(tmp_path / "first.db"), _store(tmp_path / "second.db")
    _append(first, "a", 3)
    _append(second, "b", 3)
    outside = Checkpointer(first, ORIGIN)
    outside.checkpoint()
    events, audit = outside.frontiers()
    with CommitCheckpointer(ORIGIN, SIGNER, events=events, audit=audit) as cp:
        store = _store(tmp_path / "second.db", cp)
        with pytest.raises(StoreDiverged, match="was rewritten"):
            _append(store, "b", 1)
        assert store.version("b") == 3
        assert cp.last is None
        store.close()
    first.close()
    second.close()


class _SlowSigner:
    """Signs with SIGNER after ``delay`` seconds (changeable between writes); with ``alarm``,
    it first sets a SIGALRM that far ahead (once), so a signal lands while the write waits."""

    name = SIGNER.name
    key_id = SIGNER.key_id

    def __init__(self) -> None:
        self.delay = 0.0
        self.alarm = 0.0

    def sign(self, message: bytes) -> bytes:
        if self.alarm:
            signal.setitimer(signal.ITIMER_REAL, self.alarm)
            self.alarm = 0.0
        time.sleep(self.delay)
        return SIGNER.sign(message)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="setitimer() is POSIX")
def test_an_interrupted_wait_for_the_signature_does_not_shift_later_notes(
    tmp_path: Path,
) -> None:
    """Ctrl-C while a committed write waits for its signature: the write stays committed, and
    the signature that comes later is never taken for the next write's (found in review)."""
    signer = _SlowSigner()

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with CommitCheckpointer(ORIGIN, signer) as cp:
            store = _store(tmp_path / "cases.db", cp)
            _append(store, "a", 1)
            # The alarm is set by the signer, which starts just before the COMMIT: it cannot
            # land before the write commits, however slow the machine.
            signer.delay, signer.alarm = 1.0, 0.1
            with pytest.raises(KeyboardInterrupt):
                _append(store, "a", 1)
            signal.setitimer(signal.ITIMER_REAL, 0)
            assert store.version("a") == 2  # committed before the interrupt
            signer.delay = 0.0
            for _ in range(3):
                _append(store, "a", 1)
                _checked(cp.last, store)  # type: ignore[arg-type]
            store.close()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_close_during_another_threads_write_lets_it_finish(tmp_path: Path) -> None:
    signer = _SlowSigner()
    notes: list[CommitCheckpoint] = []
    cp = CommitCheckpointer(ORIGIN, signer, notes.append)
    store = _store(tmp_path / "cases.db", cp)
    _append(store, "a", 1)
    signer.delay = 0.3
    writer = threading.Thread(target=_append, args=(store, "a", 1), daemon=True)
    writer.start()
    time.sleep(0.1)  # the writer is waiting for its signature
    cp.close()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert [n.checkpoint.events.size for n in notes] == [1, 2]
    signer.delay = 0.0
    _append(store, "a", 1)  # a later write starts a worker of its own
    _checked(cp.last, store)  # type: ignore[arg-type]
    cp.close()
    store.close()


def test_close_and_a_write_through_the_same_store_from_publish_do_not_deadlock(
    tmp_path: Path,
) -> None:
    notes: list[CommitCheckpoint] = []
    stores: list[SQLiteCaseStore] = []

    def publish(note: CommitCheckpoint) -> None:
        notes.append(note)
        if len(notes) == 1:
            stores[0].append_audit(make_audit("a", action="checkpoint-published"))
            cp.close()

    cp = CommitCheckpointer(ORIGIN, SIGNER, publish)
    stores.append(_store(tmp_path / "cases.db", cp))
    done = threading.Thread(target=_append, args=(stores[0], "a", 1), daemon=True)
    done.start()
    done.join(timeout=30)
    assert not done.is_alive()
    assert [(n.checkpoint.events.size, n.events.size) for n in notes] == [(1, 1), (1, 1)]
    assert notes[-1].audit.size == 2
    _checked(notes[-1], stores[0])
    stores[0].close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads (3.12+)
def test_a_fork_while_another_thread_is_mid_write_leaves_the_child_free(tmp_path: Path) -> None:
    """The checkpointer's lock, held at the fork by a thread the child does not have, is not
    the child's to wait for (found in review)."""
    in_publish = threading.Event()

    def publish(note: CommitCheckpoint) -> None:
        if threading.current_thread().name == "slow":
            in_publish.set()
            time.sleep(1.0)

    with CommitCheckpointer(ORIGIN, SIGNER, publish) as cp:
        store = _store(tmp_path / "cases.db", cp)
        _append(store, "a", 1)
        slow = threading.Thread(target=_append, args=(store, "a", 1), name="slow")
        slow.start()
        assert in_publish.wait(timeout=30)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit status
            code = 2
            try:
                signal.alarm(20)
                _append(store, "child", 1)
                code = 0
            finally:
                os._exit(code)
        slow.join()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        store.close()


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="setitimer() is POSIX")
# An interrupt that lands in a weakref or __del__ callback is printed and ignored by Python.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_interrupts_anywhere_in_writes_leave_no_turn_taken_and_the_notes_right(
    tmp_path: Path,
) -> None:
    """Ctrl-C landing at random points of 150 writes (found in review: an interrupt between the
    store's prepare and publish steps left every later write waiting): afterwards a write from
    another thread goes through, and its note is the store's full checkpoint."""
    rng = random.Random(2)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    notes: list[CommitCheckpoint] = []
    try:
        with CommitCheckpointer(ORIGIN, SIGNER, notes.append) as cp:
            store = _store(tmp_path / "cases.db", cp)
            _append(store, "a", 1)
            interrupted = 0
            for round_ in range(150):
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(0.0001, 0.003))
                try:
                    try:
                        _append(store, f"case-{round_ % 7}", 1)
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                except KeyboardInterrupt:
                    interrupted += 1
            assert interrupted > 0
            last = threading.Thread(target=_append, args=(store, "last", 1), daemon=True)
            last.start()
            last.join(timeout=30)
            assert not last.is_alive()
            assert notes[-1].checkpoint.events.size == len(store.read_all(limit=10_000))
            _checked(notes[-1], store)
            store.close()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

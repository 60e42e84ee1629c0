"""A Ctrl-C (or any signal's exception) in the middle of a PostgreSQL write loses nothing that
was reported written, and leaves nothing behind: found in review (2026-12-07). An interrupt as
psycopg's transaction block began to close left the thread's connection inside the open
transaction; the next append then ran as a savepoint of it, returned its version, and was never
committed, while the open session kept the append locks from everyone else. With a commit
checkpointer, the notes it signed then covered records that did not exist.
"""

from __future__ import annotations

import contextlib
import random
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

import psycopg
import pytest

from _commit_writes import append, committed_prefix, in_commit_order
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.history.checkpoint import (
    Ed25519Signer,
    store_checkpoint,
)
from barnekoordinator.history.commit_checkpoint import CommitCheckpoint, CommitCheckpointer
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit
from barnekoordinator_plugins.postgres import PostgresCaseStore

# A timer that fires inside a finalizer or a weakref callback raises there, and Python reports
# the interrupt as "Exception ignored" (it cannot leave a finalizer), at the next collection,
# which may come in the next test: pytest would turn that report into a failure, although it is
# Python's rule, not the store's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

ORIGIN = "test.example/log"
SIGNER = Ed25519Signer.generate(ORIGIN)


def _store(dsn: str, schema: str, committer: CommitCheckpointer | None = None) -> PostgresCaseStore:
    return PostgresCaseStore(
        dsn,
        schema=schema,
        catalogue=CONFORMANCE_CATALOGUE,
        commit_checkpointer=committer,
        lock_timeout=5,
    )


@pytest.fixture
def interrupt_before_commit(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Arm (``armed[0] = True``) a KeyboardInterrupt on the first line of the next psycopg
    transaction block's clean exit, before it sends COMMIT: where a signal landed in review."""
    armed = [False]
    exit_block = psycopg.Transaction.__exit__

    def interrupted(self: psycopg.Transaction, *exc_info: object) -> object:
        if armed[0] and exc_info[0] is None:
            armed[0] = False
            raise KeyboardInterrupt
        return exit_block(self, *exc_info)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Transaction, "__exit__", interrupted)
    return armed


@pytest.mark.parametrize("checkpoints", [True, False], ids=["checkpointer", "none"])
def test_a_write_after_an_interrupted_one_is_committed(
    postgres_dsn: str,
    pg_schema: str,
    interrupt_before_commit: list[bool],
    checkpoints: bool,
) -> None:
    notes: list[CommitCheckpoint] = []
    with (
        CommitCheckpointer(ORIGIN, SIGNER, notes.append) as cp,
        _store(postgres_dsn, pg_schema, cp if checkpoints else None) as store,
        _store(postgres_dsn, pg_schema) as other,
    ):
        append(store, "a", 2)
        interrupt_before_commit[0] = True
        with pytest.raises(KeyboardInterrupt):
            append(store, "a", 1)
        assert other.version("a") == 2  # the interrupted write is not there
        assert append(store, "b", 3) == 3  # reported written...
        assert other.version("b") == 3  # ...and committed, seen by another session
        if checkpoints:
            assert all(committed_prefix(note, other, SIGNER.verifier()) for note in notes)
            assert notes[-1].checkpoint == store_checkpoint(other, ORIGIN)
        assert append(other, "c", 1) == 1  # the interrupted session keeps no lock


def test_an_interrupt_as_the_pipeline_opens_leaves_no_half_open_pipeline(
    postgres_dsn: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal that lands as psycopg's ``pipeline()`` releases its lock, after it has set the
    connection's pipeline and before it enters it, left a connection whose status checks all
    passed; every later call on it failed with "another command is already in progress" (as
    ``StorageUnavailable``) although the server was up. Found by a random-interrupt hunt,
    2026-12-07: one seed in 60."""
    open_pipeline = psycopg.Connection.pipeline
    armed = [True]

    @contextlib.contextmanager
    def interrupted(self: psycopg.Connection[Any]) -> Iterator[Any]:
        if armed[0]:
            armed[0] = False
            with self.lock:
                self._pipeline = psycopg.Pipeline(self)  # what pipeline() does first
            raise KeyboardInterrupt  # ...and where the signal landed
        with open_pipeline(self) as pipeline:
            yield pipeline

    with _store(postgres_dsn, pg_schema) as store:
        append(store, "a", 2)
        monkeypatch.setattr(psycopg.Connection, "pipeline", interrupted)
        with pytest.raises(KeyboardInterrupt):
            append(store, "a", 1)
        assert store.version("a") == 2
        assert append(store, "a", 1) == 3
        assert [r.sequence for r in store.read("a")] == [1, 2, 3]


def test_interrupts_anywhere_lose_no_write_that_returned(postgres_dsn: str, pg_schema: str) -> None:
    """SIGALRM at random points of 150 writes of each kind; after each, a write that is not
    interrupted. Every write that returned is in the store, every note is a committed prefix,
    and nothing but a library error or the interrupt escapes."""
    rng = random.Random(20261207)
    armed = [False]

    def handler(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            armed[0] = False
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, handler)
    notes: list[CommitCheckpoint] = []
    written: list[tuple[str, str, int]] = []
    interrupted = 0
    try:
        with (
            CommitCheckpointer(ORIGIN, SIGNER, notes.append) as cp,
            _store(postgres_dsn, pg_schema, cp) as store,
        ):
            for step in range(150):
                kind = rng.choice(["append", "events only", "audit"])
                case = f"c{step % 5}"
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(0, 0.004))
                armed[0] = True
                try:
                    try:
                        if kind == "audit":
                            sealed = store.append_audit(make_audit(case))
                            written.append(("audit", case, sealed.sequence))
                        else:
                            version = append(store, case, rng.randint(1, 3), audit=kind == "append")
                            written.append(("events", case, version))
                    finally:
                        armed[0] = False
                        signal.setitimer(signal.ITIMER_REAL, 0)
                except KeyboardInterrupt:
                    interrupted += 1
                except BarnekoordinatorError:
                    pass  # a typed error (the connection was lost); the next write reconnects
                written.append(("events", f"k{step % 3}", append(store, f"k{step % 3}", 1)))
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 10  # the timers did land inside writes
    with _store(postgres_dsn, pg_schema) as check:
        for tree, case, reached in written:
            have = check.version(case) if tree == "events" else len(check.read_audit(case))
            assert have >= reached, f"{tree} of {case}: reported {reached}, stored {have}"
        in_commit_order(notes, check, SIGNER.verifier())

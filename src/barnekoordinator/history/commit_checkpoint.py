"""A signed checkpoint in every write transaction, signed while the commit is made durable.

A [`Checkpointer`][barnekoordinator.history.checkpoint.Checkpointer] follows a store from
outside: after each commit it reads the new records back, hashes them and signs. That costs a
read, the hashes and an Ed25519 signature on top of every commit (decision 32). A
[`CommitCheckpointer`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer] is given
to a store instead, which calls it inside each write transaction (decision 39):

1. **Before the commit**, holding the store's write lock, the store calls
   [`commit()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.commit] with the
   position and hash of the records it has just written, a way to read back the records after
   the last one seen, and the commit itself. When the records follow the last ones seen, it
   reads nothing; else it reads back and checks that the last record it saw is still there with
   the same hash (else [`StoreDiverged`][barnekoordinator.errors.StoreDiverged], and the store
   writes nothing). A worker thread starts growing both trees and signing.
2. **The commit** makes the records durable. SQLite and psycopg let go of Python's lock while
   they wait for the disk or the server, so the signature is made during that wait instead of
   after it.
3. **After the commit** the trees are kept and the signed note goes to ``publish``. If the
   commit raised, the signature is thrown away and nothing changes.

A note is never published before its records are committed. Each note is byte for byte what
[`store_checkpoint()`][barnekoordinator.history.checkpoint.store_checkpoint] gives for the store
as it was committed, so ``barnekoordinator verify --checkpoint`` checks it like any other.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs

from barnekoordinator.errors import StoreDiverged
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Frontier,
    Signer,
    TreeHead,
    _grown,
    sign_checkpoint,
)
from barnekoordinator.history.merkle import EMPTY_ROOT

__all__ = ["CommitCheckpoint", "CommitCheckpointer", "Row", "TailReader"]

logger = logging.getLogger("barnekoordinator.checkpoint")

Row = tuple[int, str]
"""A stored record's ``(position, hash)``."""

TailReader = Callable[[int, int], tuple[Iterable[Row], Iterable[Row]]]
"""What a store gives
[`commit()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.commit]: called with
the events' and the audit trail's start positions, it returns the ``(position, hash)`` of every
record at or after each, in position order, read in the write transaction."""

_STOP: Final = object()  # anything but a _Job stops the worker

_CHECKPOINTERS: weakref.WeakSet[CommitCheckpointer] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # Threads do not survive fork(): a child's checkpointers start workers of their own (checked
    # here once, not by a system call on every commit), and a lock another thread held at the
    # fork, which no one in the child would ever release, is replaced.
    for checkpointer in list(_CHECKPOINTERS):
        checkpointer._lock = threading.RLock()
        checkpointer._worker = None


os.register_at_fork(after_in_child=_after_fork_in_child)


@attrs.frozen
class CommitCheckpoint:
    """One commit's signed checkpoint, with the frontiers to resume from it.

    ``note`` is the signed note, ``checkpoint`` what it says, ``events`` and ``audit`` the
    frontiers that give its trees (save them beside the note, as ``barnekoordinator checkpoint
    --frontier`` does, to start a new checkpointer where this one stopped).
    """

    note: str
    checkpoint: Checkpoint
    events: Frontier
    audit: Frontier


def _follows(frontier: Frontier, rows: Sequence[Row]) -> bool:
    """Whether ``rows`` (a transaction's own records) come right after the frontier's last."""
    return bool(rows) and rows[0][0] == frontier.position + 1


class _Heads:
    """The roots of the last checkpoint, so a tree that did not grow is not hashed again."""

    __slots__ = ("audit", "audit_root", "events", "events_root", "origin")

    def __init__(self, origin: str, events: Frontier, audit: Frontier) -> None:
        self.origin = origin
        self.events, self.events_root = events, events.root()
        self.audit, self.audit_root = audit, audit.root()

    def checkpoint(self, events: Frontier, audit: Frontier) -> Checkpoint:
        """The checkpoint of these frontiers (roots hashed only for a tree that grew)."""
        if events is not self.events:
            self.events, self.events_root = events, events.root()
        if audit is not self.audit:
            self.audit, self.audit_root = audit, audit.root()
        return Checkpoint(
            self.origin,
            TreeHead(events.size, self.events_root),
            TreeHead(audit.size, self.audit_root),
        )


class _Job:
    """What the worker is given: the frontiers before and the rows that grow them."""

    __slots__ = ("audit", "events", "heads", "new_audit", "new_events", "signer")

    def __init__(
        self,
        heads: _Heads,
        events: Frontier,
        audit: Frontier,
        new_events: Sequence[Row],
        new_audit: Sequence[Row],
        signer: Signer,
    ) -> None:
        self.heads, self.events, self.audit = heads, events, audit
        self.new_events, self.new_audit, self.signer = new_events, new_audit, signer

    def grown(self) -> tuple[Frontier, Frontier]:
        return (
            _grown("events", self.events, self.new_events, seen=False, source="events"),
            _grown("audit", self.audit, self.new_audit, seen=False, source="audit"),
        )

    def run(self) -> _Signed:
        events, audit = self.grown()
        checkpoint = self.heads.checkpoint(events, audit)
        return events, audit, checkpoint, sign_checkpoint(checkpoint, self.signer)


_Signed = tuple[Frontier, Frontier, Checkpoint, str]


class _Worker:
    """One daemon thread that hashes the roots and signs, one checkpoint at a time."""

    __slots__ = ("_jobs", "_results", "_thread")

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[tuple[_Job, _Signed | BaseException]] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name="barnekoordinator-checkpoint", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while isinstance(job := self._jobs.get(), _Job):
            try:
                self._results.put((job, job.run()))
            except BaseException as exc:  # handed to the committing thread, which decides
                self._results.put((job, exc))

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def result(self, job: _Job) -> _Signed | BaseException:
        """``job``'s outcome. Results of jobs no one waited for (their write rolled back, or
        the wait was interrupted) are dropped on the way, never taken for this one's."""
        while True:
            done, outcome = self._results.get()
            if done is job:
                return outcome

    def stop(self) -> None:
        # A forked child never holds its parent's worker (the fork hook drops it).
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join()


class _Pending:
    """The checkpoint of a write transaction that has not committed yet."""

    __slots__ = ("_job", "_owner", "_worker")

    def __init__(self, owner: CommitCheckpointer, job: _Job, worker: _Worker | None) -> None:
        self._owner = owner
        self._job = job
        self._worker = worker  # the worker signing it now (None: signed after the commit)

    def published(self) -> CommitCheckpoint | None:
        """After the commit: keep the grown trees and publish the signed note (``None`` when
        signing or ``publish`` failed: the records are committed either way, so a failure goes
        to ``on_failure`` or the log, and the next commit's note covers these records too)."""
        owner, job = self._owner, self._job
        outcome: _Signed | BaseException
        if self._worker is not None:
            outcome = self._worker.result(job)
        else:
            try:
                outcome = job.run()
            except Exception as exc:
                outcome = exc
        if isinstance(outcome, BaseException):
            # The records are committed: the trees grow whatever became of the note.
            owner._events, owner._audit = job.grown()
            if not isinstance(outcome, Exception):
                raise outcome
            owner._failed(outcome)
            return None
        events, audit, checkpoint, note = outcome
        owner._events, owner._audit = events, audit
        done = CommitCheckpoint(note, checkpoint, events, audit)
        owner._last = done
        if owner._publish is not None:
            try:
                owner._publish(done)
            except Exception as exc:
                owner._failed(exc)
                return None
        return done


class CommitCheckpointer:
    """Signs a checkpoint in every write transaction of the stores it is given to.

    Give it to a store that takes one (``SQLiteCaseStore(path, commit_checkpointer=…)``,
    ``PostgresCaseStore(dsn, commit_checkpointer=…)``); each append, audit-only append and bulk
    load then ends with a signed note handed to ``publish`` (a
    [`CommitCheckpoint`][barnekoordinator.history.commit_checkpoint.CommitCheckpoint]: write it to
    a transparency log, another machine or a file). The last one is also
    [`last`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.last].

    ``events`` and ``audit`` are the frontiers of a checkpoint to start from (those of
    [`Checkpointer.frontiers()`][barnekoordinator.history.checkpoint.Checkpointer.frontiers] or of
    a saved ``CommitCheckpoint``); without them the first write reads the position and hash of
    every record in the store, inside its transaction. With them, the first write reads the last
    record each names, which must be in the store with the same hash (so frontiers of another
    store, or of an older copy, are refused before anything is written). Other processes' writes
    are read the same way, at the next write of this one, so several writers each keep whole
    trees. One checkpointer follows one store (any number of handles on it).

    ``overlap`` (default true) hashes the roots and signs on a worker thread while the commit
    waits for the disk; false does it in the writing thread after the commit (a signer that
    must stay on one thread). A signer or ``publish`` that fails does not undo the commit: the
    exception goes to ``on_failure``, or is logged, and the next note covers these records too.

    Threads may share it, as they share a store: their writes take turns in
    [`commit()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.commit] (the
    store's write lock already makes them take turns in the transaction),
    so notes are published in commit order — and a slow ``publish`` holds up the next write,
    which waits with the database locked: hand the note to a queue rather than to the network,
    and never wait in ``publish`` for another writer of the same database. Call
    [`close()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.close] (or use it
    as a context manager) to stop the worker thread.
    """

    def __init__(
        self,
        origin: str,
        signer: Signer,
        publish: Callable[[CommitCheckpoint], object] | None = None,
        *,
        events: Frontier | None = None,
        audit: Frontier | None = None,
        overlap: bool = True,
        on_failure: Callable[[Exception], object] | None = None,
    ) -> None:
        Checkpoint(origin, TreeHead(0, EMPTY_ROOT)).text()  # the origin is checked here, once
        self._origin = origin
        self._signer = signer
        self._publish = publish
        self._on_failure = on_failure
        self._overlap = bool(overlap)
        empty = Frontier(0, (), 0, b"")
        self._events = events if events is not None else empty
        self._audit = audit if audit is not None else empty
        self._heads = _Heads(origin, self._events, self._audit)
        self._last: CommitCheckpoint | None = None
        # A write's turn in commit(), taken in one ``with`` block: re-entrant, so
        # that close(), or a write through the same store, from ``publish`` does not deadlock.
        self._lock = threading.RLock()
        self._worker: _Worker | None = None
        self._checked = False  # the frontiers were read back from the store once
        _CHECKPOINTERS.add(self)

    def __enter__(self) -> CommitCheckpointer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"CommitCheckpointer({self._origin!r}, events={self._events.size}, "
            f"audit={self._audit.size})"
        )

    @property
    def origin(self) -> str:
        """The log's name on each note's first line."""
        return self._origin

    @property
    def last(self) -> CommitCheckpoint | None:
        """The last published checkpoint (``None`` before the first)."""
        return self._last

    def frontiers(self) -> tuple[Frontier, Frontier]:
        """The events' and the audit trail's frontiers as of the last commit."""
        return self._events, self._audit

    def commit(
        self,
        read: TailReader,
        events: Sequence[Row],
        audit: Sequence[Row],
        commit_transaction: Callable[[], object],
    ) -> CommitCheckpoint | None:
        """End a store's write transaction: called inside it, with the write lock held, with
        ``commit_transaction`` the function that commits it.

        ``events`` and ``audit`` are the ``(position, hash)`` of the records this transaction
        stored, in order (empty where the store does not know them). When both come right after
        the last records seen (no one else wrote since) and the store has been read once, the
        trees grow by them alone. Otherwise ``read(events_from, audit_from)`` gives the records
        at and after the last one seen of each tree (every record, for a tree not seen yet), and
        the last one seen must still be there with the same hash.

        Then the checkpoint is signed on the worker while ``commit_transaction()`` runs. Returns
        the published checkpoint, or ``None`` when signing or ``publish`` failed (the write is
        committed all the same; see ``on_failure``). If it raises, its exception
        propagates and nothing changes here. Writes of other threads wait their turn, so notes
        are published in commit order; the turn is held in one ``with`` block, so no exception
        (Ctrl-C included) leaves it taken.

        Raises:
            StoreDiverged: the last record seen of a tree is gone, moved or rewritten, or the
                transaction's records come before it; nothing is committed, and the store must
                roll back.
            StorageError: the store gave positions that do not increase (not committed either).
        """
        with self._lock:
            pending = self._prepare(read, events, audit)
            committed = False
            try:
                commit_transaction()
                committed = True
            finally:
                # An interrupt between the commit and the flag loses a committed write's note:
                # the trees stay behind, and the next write reads back and catches up. A
                # signature no one waits for is dropped by the worker's next reader.
                published = pending.published() if committed else None
        return published

    def _prepare(self, read: TailReader, events: Sequence[Row], audit: Sequence[Row]) -> _Pending:
        """The checkpoint this write will make true, being signed (the turn is held)."""
        before_events, before_audit = self._events, self._audit
        if self._checked and _follows(before_events, events) and _follows(before_audit, audit):
            # No one else wrote: the worker grows the trees by this write's rows.
            job = _Job(self._heads, before_events, before_audit, events, audit, self._signer)
        else:
            for name, frontier, rows in (
                ("events", before_events, events),
                ("audit", before_audit, audit),
            ):
                if rows and rows[0][0] <= frontier.position:
                    raise StoreDiverged(
                        name,
                        frontier.size,
                        f"this write's records start at position {rows[0][0]}, not after "
                        f"the last one seen ({frontier.position}): records were removed",
                    )
            events_tail, audit_tail = read(before_events.position, before_audit.position)
            job = _Job(
                self._heads,
                _grown("events", before_events, events_tail, seen=True, source="events"),
                _grown("audit", before_audit, audit_tail, seen=True, source="audit"),
                (),
                (),
                self._signer,
            )
            self._checked = True
        worker = None
        if self._overlap:
            worker = self._worker
            if worker is None:
                worker = self._worker = _Worker()
            worker.submit(job)
        return _Pending(self, job, worker)

    def close(self) -> None:
        """Stop the worker thread (a later write starts a new one). A write of another thread
        that is committing is let finish first."""
        with self._lock:
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.stop()

    # -- for _Pending ---------------------------------------------------------

    def _failed(self, exc: Exception) -> None:
        if self._on_failure is not None:
            try:
                self._on_failure(exc)
            except Exception as failure:
                # The records are committed: a failing handler must not make the write look
                # failed. Logged, then, with the failure it was given.
                logger.error(
                    "on_failure raised %s while handling %s",
                    type(failure).__name__,
                    type(exc).__name__,
                )
            return
        # Checkpoint errors name parts and sizes, never a record's contents.
        logger.error(
            "the checkpoint of a commit was not published (%s: %s); the next commit's covers it",
            type(exc).__name__,
            exc,
        )

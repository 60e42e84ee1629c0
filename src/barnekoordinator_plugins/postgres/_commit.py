"""The end of a PostgreSQL write transaction, with the checkpoint of a commit checkpointer
(decision 39).

A [`CommitCheckpointer`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer] must be
given the ``(position, hash)`` of the transaction's own records *before* the ``COMMIT``, so that
it signs while PostgreSQL makes the commit durable. The positions come from the sequences, which
the ``INSERT``'s default would only draw in the second round trip. So a store with a
checkpointer draws them itself, under the append locks (so they are the next positions in
commit order), with its first round trip's reads, and inserts them explicitly.

When other sessions write too, the checkpointer also needs the records after the last ones it
saw. Read at the commit, they would cost a round trip of their own; read with the positions,
they cost part of a statement, but that part is wasted when no one else wrote. So the first
page of both tails is read with the positions when the previous commit of this store needed
them (``tails=True``), and at the commit otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import psycopg

    from barnekoordinator.history.commit_checkpoint import CommitCheckpointer, Row

PAGE: Final = 1000
"""Records per read of a tail: a checkpointer far behind (its first write on a large store)
reads the tail page by page, never all of it at once."""

# One statement for each read (each statement costs a parse, a plan and a result of its own).
# Rows are tagged: 0 an event's position, 1 the audit record's, 2 and 3 a record of the events'
# and the audit trail's tails. The caller sorts them, so the branches' order does not matter.
_POSITIONS: Final = (
    "SELECT 0, nextval('case_events_position'), NULL FROM generate_series(1, %s) "
    "UNION ALL SELECT 1, nextval('case_audit_position'), NULL WHERE %s"
)
_TAILS: Final = (
    "(SELECT 2, position, hash FROM case_events WHERE position >= %s ORDER BY position LIMIT %s) "
    "UNION ALL "
    "(SELECT 3, position, hash FROM case_audit WHERE position >= %s ORDER BY position LIMIT %s)"
)
_TAIL_AFTER: Final = (
    "SELECT position, hash FROM case_events WHERE position > %s ORDER BY position LIMIT %s",
    "SELECT position, hash FROM case_audit WHERE position > %s ORDER BY position LIMIT %s",
)


class _Tagged:
    """What one tagged statement gave: positions for the events and the audit record, and the
    first page of each tail."""

    __slots__ = ("audit", "events", "tails")

    def __init__(self, rows: Iterable[tuple[int, int, str | None]] = ()) -> None:
        self.events: list[int] = []
        self.audit: list[int] = []
        self.tails: tuple[list[Row], list[Row]] = ([], [])
        for tag, position, digest in sorted(rows, key=lambda row: row[:2]):
            if tag == 0:
                self.events.append(int(position))
            elif tag == 1:
                self.audit.append(int(position))
            else:
                self.tails[tag - 2].append((int(position), str(digest)))


class Transaction:
    """One write transaction on an autocommit connection, ended by
    [`commit()`][barnekoordinator_plugins.postgres._commit.Transaction.commit] (through the
    checkpointer, when there is one) or rolled back by an exception out of the ``with`` block.

    It is psycopg's ``connection.transaction()`` with the ``COMMIT`` made a call of its own: in
    pipeline mode, a pipeline around the transaction and one inside it, as psycopg nests them,
    so that the ``COMMIT`` has been answered when ``commit()`` returns.
    """

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        checkpoints: CommitCheckpointer | None,
        *,
        pipeline: bool,
    ) -> None:
        self.connection = connection
        self.checkpoints = checkpoints
        self.read_back = False
        """Whether the checkpointer read the tails (another session wrote, or the
        transaction's own records did not say where the trees stand)."""
        self._pipeline = pipeline
        self._stack = ExitStack()
        self._ended = False
        self._cursor: Any = None  # the drawing statement's, until it is read
        self._starts: tuple[int, int] | None = None  # where tails read with it start
        self._drawn = _Tagged()

    def __enter__(self) -> Transaction:
        stack, connection = self._stack, self.connection
        if self._pipeline:
            stack.enter_context(connection.pipeline())
        stack.enter_context(connection.transaction())
        return self

    def __exit__(self, *exc_info: Any) -> bool:
        if exc_info[0] is None and not self._ended:
            # A block that did not end its transaction commits it, as psycopg's does, and
            # through the checkpointer (which then reads back what was written).
            try:
                self.commit()
            except BaseException:
                self._stack.__exit__(*sys.exc_info())
                raise
            return False
        # An exception left the block: the transaction rolls back (ended: nothing left to do).
        return bool(self._stack.__exit__(*exc_info))

    def draw(self, events: int, audit: bool, *, tails: bool) -> None:
        """With a checkpointer: send (in pipeline mode, without waiting for it) the statement
        that draws the next ``events`` event positions and, with ``audit``, the next audit
        position — and, with ``tails``, reads the first page of each tail after the
        checkpointer's last records. Call it holding the locks of the trees the transaction
        writes to."""
        checkpoints = self.checkpoints
        if checkpoints is None:
            return
        params: tuple[object, ...] = (events, audit)
        sql = _POSITIONS
        if tails:
            events_frontier, audit_frontier = checkpoints.frontiers()
            self._starts = (events_frontier.position, audit_frontier.position)
            sql = f"{_POSITIONS} UNION ALL {_TAILS}"
            params += (self._starts[0], PAGE, self._starts[1], PAGE)
        self._cursor = self.connection.execute(sql, params)

    def _read_draw(self) -> _Tagged:
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            self._drawn = _Tagged(cursor.fetchall())
        return self._drawn

    def event_positions(self) -> list[int]:
        """The positions drawn for the events (empty without a checkpointer)."""
        return self._read_draw().events

    def audit_position(self) -> int | None:
        """The position drawn for the audit record (``None`` without a checkpointer)."""
        audit = self._read_draw().audit
        return audit[0] if audit else None

    def commit(self, events: Sequence[Row] = (), audit: Sequence[Row] = ()) -> None:
        """COMMIT. With a checkpointer, through its
        [`commit()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.commit]:
        ``events`` and ``audit`` are the transaction's own records (empty where their positions
        were not drawn: then the checkpointer reads the tails back)."""
        if self.checkpoints is None:
            self._end()
            return
        own = (events, audit)

        def read(events_from: int, audit_from: int) -> tuple[Iterable[Row], Iterable[Row]]:
            return self._read(own, events_from, audit_from)

        self.checkpoints.commit(read, events, audit, self._end)

    def _read(
        self, own: tuple[Sequence[Row], Sequence[Row]], events_from: int, audit_from: int
    ) -> tuple[Iterable[Row], Iterable[Row]]:
        """The ``(position, hash)`` of each tree's records from the given positions on, this
        transaction's ``own`` included (what the checkpointer's ``TailReader`` returns)."""
        self.read_back = True
        drawn = self._read_draw()
        if self._starts == (events_from, audit_from):
            # Read with the locks, before this transaction's inserts (the starts are the
            # checkpointer's frontiers then, and now unless another thread of this process
            # committed meanwhile): its own records come after each page.
            pages = drawn.tails
        else:
            # Read now, in the transaction: its own records are among them.
            now = _Tagged(self.connection.execute(_TAILS, (events_from, PAGE, audit_from, PAGE)))
            pages, own = now.tails, ((), ())
        return self._tail(0, pages[0], own[0]), self._tail(1, pages[1], own[1])

    def _tail(self, tree: int, page: list[Row], own: Sequence[Row]) -> Iterator[Row]:
        yield from page
        if len(page) < PAGE:
            # The whole tail when the page was read. A tree's own records come right after it:
            # the transaction holds the lock of each tree it writes to, so no one else's can
            # come between. In a tree it did not write to, later commits of others are left for
            # the next checkpoint: the records before them are a committed prefix.
            yield from own
            return
        # Further pages, read now: this transaction's own records are among them.
        sql, after = _TAIL_AFTER[tree], page[-1][0]
        while True:
            page = [(int(p), str(h)) for p, h in self.connection.execute(sql, (after, PAGE))]
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1][0]

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        # Closing the stack without an exception commits: psycopg's transaction sends COMMIT,
        # and the pipeline around it waits for the answer.
        self._stack.close()

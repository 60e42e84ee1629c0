"""The PostgreSQL store's connections: one per thread (and process), opened on first use,
checked before each call, and thrown away when a call left one unusable."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

from barnekoordinator.errors import BarnekoordinatorError, StorageUnavailable

if TYPE_CHECKING:
    import psycopg


def unavailable(exc: Exception) -> StorageUnavailable:
    """The typed error for a failed connection or statement: its class, SQLSTATE and primary
    message only (DETAIL lines may quote row values)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    sqlstate = getattr(exc, "sqlstate", None)
    lines = str(exc).splitlines()
    text = primary or (lines[0] if lines else type(exc).__name__)
    code = f" [{sqlstate}]" if sqlstate else ""
    return StorageUnavailable(
        f"PostgreSQL store is unavailable: {type(exc).__name__}{code}: {text}"
    )


class Sessions:
    """A connection per thread (and process) to one database, with these session options."""

    def __init__(self, pg: ModuleType, dsn: str, options: str) -> None:
        self._pg = pg
        self._dsn = dsn
        self._options = options
        self._local = threading.local()
        self._connections: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    def connection(self) -> psycopg.Connection[Any]:
        """This thread's connection, opened now if it has none or its last one is unusable."""
        if self._closed:
            raise StorageUnavailable("PostgreSQL store is closed")
        pid = os.getpid()
        cached = getattr(self._local, "connection", None)
        if cached is not None and cached[0] == pid:
            connection: psycopg.Connection[Any] = cached[1]
            if self.usable(connection):
                return connection
            self.discard()
        connection = self._pg.connect(self._dsn, autocommit=True, options=self._options)
        self._local.connection = (pid, connection)
        with self._lock:
            self._connections.append(connection)
        return connection

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn psycopg's connection errors into ``StorageUnavailable``; after any exception,
        drop this thread's connection if it is no longer usable."""
        pg = self._pg
        try:
            yield
        except (pg.OperationalError, pg.InterfaceError, pg.errors.ReadOnlySqlTransaction) as exc:
            self.discard_unusable()
            raise unavailable(exc) from exc
        except (pg.Error, BarnekoordinatorError):
            # Raised by psycopg or by the store itself: the connection's state is what psycopg
            # says it is (a transaction block it left rolls back), so it is kept when usable.
            self.discard_unusable()
            raise
        except BaseException:
            # Anything else came from outside psycopg's control: an interrupt (Ctrl-C, a
            # signal handler's exception) or a bug, possibly between a query sent and its result
            # read. It can leave the connection in the transaction, holding the append locks,
            # or with a result still due, which no check of its status sees: the next call
            # then failed with "another command is already in progress" (found in review,
            # 2026-12-07). Closed at once, whatever it looks like: the server rolls back, other
            # sessions are not kept waiting, and the next call opens a new connection.
            self.discard()
            raise

    def usable(self, connection: psycopg.Connection[Any]) -> bool:
        """Whether a cached connection can begin a call: open, idle (not in a transaction,
        not in a pipeline), with its lock free and psycopg's count of open transaction blocks
        at zero. An interrupt inside psycopg can leave any of these behind; the next write then
        ran as a savepoint of a transaction never committed, returned, and was lost (found in
        review, 2026-12-07)."""
        pq = self._pg.pq
        info = connection.info
        return (
            not connection.closed
            and not connection.broken
            and info.transaction_status == pq.TransactionStatus.IDLE
            and info.pipeline_status == pq.PipelineStatus.OFF
            and not connection.lock.locked()
            # psycopg's own count (no public accessor): left at 1, its next transaction block
            # would be a savepoint.
            and not getattr(connection, "_num_transactions", 0)
            # psycopg's own pipeline (no public accessor): set but never entered, every later
            # statement waits in a pipeline the server never heard of.
            and getattr(connection, "_pipeline", None) is None
        )

    def discard(self) -> None:
        """Close and forget this thread's connection."""
        cached = getattr(self._local, "connection", None)
        if cached is not None:
            self._local.connection = None
            cached[1].close()  # never waits for the connection's lock

    def discard_unusable(self) -> None:
        """Close and forget this thread's connection if it is not usable."""
        cached = getattr(self._local, "connection", None)
        if cached is not None and not self.usable(cached[1]):
            self.discard()

    def close(self) -> None:
        """Close every connection opened; later calls raise ``StorageUnavailable``."""
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

"""What one append transaction writes to SQLite's write-ahead log, counted in pages.

A commit in WAL mode appends every page the transaction changed to the ``-wal`` file (a
24-byte frame header and the page), and ``synchronous=FULL`` fsyncs it. With automatic
checkpoints off the file only grows, so its growth over a run of appends divided by the number
of commits is the pages each commit wrote: the part of an append's cost that is the schema's,
not the code's (decision 35). ``bench_storage.py`` prints it for both sides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


def wal_bytes(database: Path) -> int:
    """The size of ``database``'s write-ahead log (0 when there is none)."""
    wal = Path(f"{database}-wal")
    return wal.stat().st_size if wal.exists() else 0


def pages_per_commit(
    database: Path, append: Callable[[], int], commits: int, page_size: int
) -> float:
    """Pages written to ``database``'s WAL per commit while ``append`` makes ``commits`` commits.

    The caller has turned automatic checkpoints off on every connection that writes
    (``PRAGMA wal_autocheckpoint=0``), so nothing is moved out of the log meanwhile.
    """
    before = wal_bytes(database)
    append()
    return (wal_bytes(database) - before) / (page_size + 24) / commits


def page_size(connection: sqlite3.Connection) -> int:
    """The database's page size (4,096 unless it was built otherwise)."""
    return int(connection.execute("PRAGMA page_size").fetchone()[0])

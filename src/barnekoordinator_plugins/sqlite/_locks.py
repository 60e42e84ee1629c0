"""Who holds a lock on a SQLite file: best effort, from Linux's ``/proc/locks``.

SQLite locks with POSIX advisory locks (``fcntl``): on the database file in rollback-journal
mode, on the ``-shm`` file in WAL mode (the writer's lock is a write lock there). ``/proc/locks``
lists every such lock with the holder's process id and the file's device and inode, so the
holders can be named without opening anything. Elsewhere (no ``/proc``) nobody is named.
"""

from __future__ import annotations

import os

__all__ = ["lock_holders"]

_LOCKS = "/proc/locks"


def _identity(path: str) -> tuple[str, int] | None:
    """``(major:minor in /proc/locks' hex form, inode)`` of ``path``, or None if it is gone."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}", status.st_ino


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
            return comm.read().strip() or "?"
    except OSError:
        return "?"


def lock_holders(path: str, *, locks_file: str = _LOCKS) -> tuple[tuple[int, str], ...]:
    """``(pid, process name)`` of each other process holding a lock on ``path`` or its ``-wal``
    or ``-shm`` file; write-lock holders only when there are any. Empty when none is found."""
    files = {
        identity for name in (path, path + "-wal", path + "-shm") if (identity := _identity(name))
    }
    if not files:
        return ()
    try:
        with open(locks_file, encoding="ascii", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return ()
    writers: dict[int, None] = {}
    others: dict[int, None] = {}
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for the lock, not holding it
            continue
        if len(fields) < 6 or fields[1] != "POSIX":
            continue
        try:
            pid = int(fields[4])
            major_minor, inode = fields[5].rsplit(":", 1)
            key = (major_minor, int(inode))
        except ValueError:
            continue
        if key not in files or pid in (os.getpid(), -1):
            continue
        (writers if fields[3] == "WRITE" else others)[pid] = None
    pids = writers or others
    return tuple((pid, _name(pid)) for pid in pids)

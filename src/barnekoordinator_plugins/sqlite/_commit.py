"""The end of a SQLite write transaction, with the checkpoint of a commit checkpointer (decision
39)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from barnekoordinator_plugins.sqlite._sql import _AUDIT_TAIL, _EVENT_TAIL

if TYPE_CHECKING:
    from barnekoordinator.history.commit_checkpoint import (
        CommitCheckpointer,
        Row,
    )
    from barnekoordinator.history.records import AuditRecord


def commit(
    connection: sqlite3.Connection,
    checkpoints: CommitCheckpointer | None,
    events: Sequence[Row] = (),
    audit: AuditRecord | None = None,
) -> None:
    """COMMIT the open write transaction. With ``checkpoints``, through its
    [`commit()`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer.commit]: the
    checkpoint is prepared first (``events`` and ``audit``: the transaction's own records, when
    known), signed during the COMMIT and published after it."""
    if checkpoints is None:
        connection.execute("COMMIT")
        return
    trail = [(audit.position or 0, audit.hash)] if audit is not None else []

    def tails(events_from: int, audit_from: int) -> tuple[Iterable[Row], Iterable[Row]]:
        # Two cursors, read as the trees grow: a bulk load's records are not held in memory.
        return (
            connection.execute(_EVENT_TAIL, (events_from,)),
            connection.execute(_AUDIT_TAIL, (audit_from,)),
        )

    checkpoints.commit(tails, events, trail, lambda: connection.execute("COMMIT"))

"""The end of a SQLite write transaction, with the checkpoint of a commit checkpointer (decision
39)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from barnekoordinator_plugins.sqlite._sql import _TAILS

if TYPE_CHECKING:
    from barnekoordinator.history.commit_checkpoint import (
        CommitCheckpointer,
        PendingCheckpoint,
        Row,
    )
    from barnekoordinator.history.records import AuditRecord


def commit(
    connection: sqlite3.Connection,
    checkpoints: CommitCheckpointer | None,
    events: Sequence[Row] = (),
    audit: AuditRecord | None = None,
) -> PendingCheckpoint | None:
    """COMMIT the open write transaction. With ``checkpoints``, its checkpoint is prepared first
    (``events`` and ``audit``: the transaction's own records, when known), signed during the
    commit, and returned for the caller to publish once the transaction is over."""
    if checkpoints is None:
        connection.execute("COMMIT")
        return None
    trail = [(audit.position or 0, audit.hash)] if audit is not None else []

    def tails(events_from: int, audit_from: int) -> tuple[list[Row], list[Row]]:
        events: list[Row] = []
        audit: list[Row] = []
        for tree, position, record_hash in connection.execute(_TAILS, (events_from, audit_from)):
            (audit if tree else events).append((position, record_hash))
        return events, audit

    pending = checkpoints.prepare(tails, events, trail)
    try:
        connection.execute("COMMIT")
    except BaseException:
        pending.abandon()
        raise
    return pending

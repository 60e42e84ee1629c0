"""The sqlite store's SQL: its schema and upgrades, statements, and row conversions."""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from barnekoordinator.errors import SubjectConflict
from barnekoordinator.history.outbox import OutboxEntry, OutboxMessage
from barnekoordinator.history.projections import (
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import (
    AuditRecord,
    EventRecord,
    format_time,
    parse_time,
)
from barnekoordinator.history.storekit import (
    UNREADABLE,
    outbox_values,
    readable_outbox,
    stored_record,
    unreadable_rows,
)

if TYPE_CHECKING:
    from barnekoordinator.history.paging import AgendaCursor
    from barnekoordinator.history.store import SubjectCases


SCHEMA_VERSION: Final = 5
"""2 gave audit records a global ``position`` and the range of events they stored (1 had neither);
3 added ``case_keys``, the cases' wrapped data keys (identifiers sealed at rest); 4 added the
agenda index on ``(kind, due, …)`` that keeps kind-filtered agenda queries independent of the
number of cases (decision 20); 5 added ``case_outbox``, the notification outbox (decision 22).
Older files are upgraded when opened for writing, and read as they
are when opened read-only."""

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS case_events (
    position       INTEGER PRIMARY KEY,                -- global commit order
    case_id        TEXT    NOT NULL,
    sequence       INTEGER NOT NULL CHECK (sequence >= 1),
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    recorded_at    TEXT    NOT NULL,                   -- records.format_time; no default
    actor          TEXT    NOT NULL,
    payload        TEXT    NOT NULL,                   -- canonical JSON, hashed as stored
    legal_basis    TEXT    NOT NULL,                   -- JSON array of reference keys
    subject_key    TEXT,                               -- keyed hash, never an id in clear
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    UNIQUE (case_id, sequence)
) STRICT;
CREATE INDEX IF NOT EXISTS case_events_subject
    ON case_events (subject_key, case_id) WHERE subject_key IS NOT NULL;
CREATE TRIGGER IF NOT EXISTS case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

CREATE TABLE IF NOT EXISTS case_audit (
    case_id     TEXT    NOT NULL,
    sequence    INTEGER NOT NULL CHECK (sequence >= 1),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    actor_label TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    allowed     INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    reason      TEXT    NOT NULL,
    basis       TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    position    INTEGER,                               -- global order of audit records
    first_sequence INTEGER,                            -- events the audited write stored
    last_sequence  INTEGER,
    PRIMARY KEY (case_id, sequence)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS case_audit_position ON case_audit (position);
CREATE TRIGGER IF NOT EXISTS case_audit_no_update BEFORE UPDATE ON case_audit
BEGIN SELECT RAISE(ABORT, 'case_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS case_audit_no_delete BEFORE DELETE ON case_audit
BEGIN SELECT RAISE(ABORT, 'case_audit is append-only'); END;

CREATE TABLE IF NOT EXISTS case_agenda (
    case_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    due     TEXT NOT NULL,                             -- ISO date: sorts as text
    detail  TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_agenda_due ON case_agenda (due, case_id, kind, key, detail);
CREATE INDEX IF NOT EXISTS case_agenda_kind_due ON case_agenda (kind, due, case_id, key, detail);

CREATE TABLE IF NOT EXISTS case_keys (
    case_id TEXT PRIMARY KEY,
    kek_id  TEXT NOT NULL,                             -- the key-encryption key that wraps it
    blob    BLOB NOT NULL                              -- the data key, wrapped: useless without it
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS case_outbox (
    key           TEXT    PRIMARY KEY,                 -- the idempotency key
    case_id       TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    recipient     TEXT    NOT NULL,                    -- a ref in the case, never an address
    not_before    TEXT    NOT NULL,                    -- ISO date
    on_date       TEXT,
    guard_kind    TEXT,
    guard_key     TEXT,
    guard_due     TEXT,
    status        TEXT    NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT,                                -- records.format_time: sorts as text
    claimed_until TEXT,
    claim_token   TEXT,
    note          TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_outbox_due ON case_outbox (status, not_before, key);
"""
"""The schema (idempotent); the same logical schema as the PostgreSQL store."""

_UPGRADE_FROM_1: Final = (
    # Version 1 files: the columns come last, as in the schema above.
    "ALTER TABLE case_audit ADD COLUMN position INTEGER",
    "ALTER TABLE case_audit ADD COLUMN first_sequence INTEGER",
    "ALTER TABLE case_audit ADD COLUMN last_sequence INTEGER",
    # Audit records written before had no global order: number them by time, then case and
    # sequence (the order a read-only reader of a version 1 file sees too). The trigger is
    # dropped for this one update and recreated with the schema, in the same transaction.
    "DROP TRIGGER IF EXISTS case_audit_no_update",
    "UPDATE case_audit SET position = (SELECT n FROM (SELECT case_id AS c, sequence AS s, "
    "row_number() OVER (ORDER BY at, case_id, sequence) AS n FROM case_audit) "
    "WHERE c = case_audit.case_id AND s = case_audit.sequence)",
)

_AUDIT_FIELDS = (
    "case_id, sequence, at, actor, actor_label, action, target, allowed, reason, basis, "
    "prev_hash, hash, first_sequence, last_sequence, position"
)
# A version 1 file opened read-only: no ranges, and positions numbered as the upgrade numbers them.
_AUDIT_V1 = (
    "(SELECT case_id, sequence, at, actor, actor_label, action, target, allowed, reason, basis, "
    "prev_hash, hash, NULL AS first_sequence, NULL AS last_sequence, "
    "row_number() OVER (ORDER BY at, case_id, sequence) AS position FROM case_audit)"
)

_INSERT_EVENT = (
    "INSERT INTO case_events (case_id, sequence, type, schema_version, recorded_at, actor, "
    "payload, legal_basis, subject_key, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
# Rows per INSERT statement: 11 parameters each stays far below the smallest
# SQLITE_MAX_VARIABLE_NUMBER a build may have (999).
_ROWS_PER_INSERT: Final = 64


@functools.lru_cache(maxsize=_ROWS_PER_INSERT)
def _insert_events_sql(count: int) -> str:
    """One INSERT of ``count`` rows (one statement per batch, not one per row)."""
    return _INSERT_EVENT + ",(?,?,?,?,?,?,?,?,?,?,?)" * (count - 1)


_READ_CASE = (
    "SELECT position, case_id, sequence, type, schema_version, recorded_at, actor, payload, "
    "legal_basis, subject_key, prev_hash, hash FROM case_events "
    "WHERE case_id = ? AND sequence > ? ORDER BY sequence"
)
_READ_ALL = (
    "SELECT position, case_id, sequence, type, schema_version, recorded_at, actor, payload, "
    "legal_basis, subject_key, prev_hash, hash FROM case_events "
    "WHERE position > ? ORDER BY position LIMIT ?"
)
_LAST = "SELECT sequence, hash FROM case_events WHERE case_id = ? ORDER BY sequence DESC LIMIT 1"
_LAST_AUDIT = (
    "SELECT sequence, hash FROM case_audit WHERE case_id = ? ORDER BY sequence DESC LIMIT 1"
)
_INSERT_AUDIT = (
    "INSERT INTO case_audit (case_id, sequence, at, actor, actor_label, action, target, "
    "allowed, reason, basis, prev_hash, hash, first_sequence, last_sequence, position) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_LAST_AUDIT_POSITION = "SELECT coalesce(max(position), 0) FROM case_audit"
# What a commit checkpointer needs of each tree: position and hash from the last record it saw.
_EVENT_TAIL = "SELECT position, hash FROM case_events WHERE position >= ? ORDER BY position"
_AUDIT_TAIL = "SELECT position, hash FROM case_audit WHERE position >= ? ORDER BY position"
_AGENDA_ROWS: Final = "SELECT case_id, kind, key, due, detail FROM case_agenda"
_AGENDA_ORDER: Final = " ORDER BY due, case_id, kind, key LIMIT ?"


_AFTER_ROW: Final = " AND (due, case_id, kind, key) > (?, ?, ?, ?)"
_AFTER_KIND: Final = {
    "<": " AND (due, case_id) > (?, ?)",
    "=": " AND (due, case_id, key) > (?, ?, ?)",
    ">": " AND (due, case_id) >= (?, ?)",
}
"""A kind's walk after a cursor, by how the kind compares with the cursor's kind: a kind before
it skips the cursor's (due, case_id) altogether, the cursor's own kind continues after its key,
a kind after it starts at the cursor's (due, case_id). Each is one row-value range on
``(kind, due, case_id, key)`` (decision 30)."""


@functools.lru_cache(maxsize=128)
def agenda_sql(kinds: int, by_case: bool, after: str = "") -> str:
    """The agenda query for ``kinds`` kind values (0: every kind), with or without one case,
    from the start (``after`` empty) or after a cursor.

    ``after`` is ``"*"`` after a cursor for every kind or one case, and for kinds one of
    ``<``, ``=``, ``>`` per kind (how the kind sorts against the cursor's kind).

    Parameters, in order: the case id (``by_case``), then per kind its value, ``until``, the
    cursor's values (``(due, case_id)``, with ``key`` for the cursor's kind) and the limit;
    without kinds ``until`` and the cursor's four values; last the limit (-1: none). Every shape
    reads rows in index order and stops at the limit (decision 20): every kind walks
    ``(due, case_id, …)``; one kind walks ``(kind, due, case_id, key)`` from its start (or from
    the cursor: a row-value seek, decision 30); several kinds walk that index once per kind,
    each capped at the limit, and merge what they found (at most kinds × limit rows) — so a
    filtered query no longer reads past every other kind's rows up to ``until``. One case uses
    the primary key ``(case_id, kind, key)``.
    """
    row_after = _AFTER_ROW if after else ""
    if by_case:
        sql = _AGENDA_ROWS + " WHERE case_id = ? AND due <= ?"
        if kinds:
            # ``+kind``: not a term for an index, so the planner takes the primary key (the
            # case's few rows) and never walks a whole kind for one case.
            sql += f" AND +kind IN ({','.join('?' * kinds)})"
        return sql + row_after + _AGENDA_ORDER
    if kinds == 0:
        return _AGENDA_ROWS + " WHERE due <= ?" + row_after + _AGENDA_ORDER
    walks = [
        _AGENDA_ROWS
        + " WHERE kind = ? AND due <= ?"
        + (_AFTER_KIND[after[i]] if after else "")
        + " ORDER BY due, case_id, key LIMIT ?"
        for i in range(kinds)
    ]
    if kinds == 1:
        return walks[0]
    merged = " UNION ALL ".join(f"SELECT * FROM ({one})" for one in walks)  # noqa: S608
    return merged + _AGENDA_ORDER


_UPSERT_AGENDA = (
    "INSERT INTO case_agenda (case_id, kind, key, due, detail) VALUES (?,?,?,?,?) "
    "ON CONFLICT (case_id, kind, key) DO UPDATE SET due = excluded.due, detail = excluded.detail"
)

# Primary result codes meaning "the database cannot be used right now".
_UNAVAILABLE_CODES: Final = {
    3: "SQLITE_PERM",
    5: "SQLITE_BUSY",
    6: "SQLITE_LOCKED",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    11: "SQLITE_CORRUPT",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
    26: "SQLITE_NOTADB",
}
_SYNCHRONOUS: Final = ("OFF", "NORMAL", "FULL", "EXTRA")


@functools.lru_cache(maxsize=4096)
def _json_list(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")) if values else "[]"


@functools.lru_cache(maxsize=4096)
def _tuple(text: str) -> tuple[str, ...]:
    # Few distinct legal-basis lists exist, so parsing each once pays off on reads.
    return () if text == "[]" else tuple(json.loads(text))


_KINDS: Final = {kind.value: kind for kind in AgendaKind}


# An agenda spans a few thousand distinct days; parse each once.
@functools.lru_cache(maxsize=16384)
def _date(text: str) -> date:
    """A date column as the store writes it, ``YYYY-MM-DD``. Python reads other forms of the same
    day too (``20260216``), but the store's queries compare the text: a row holding one would
    drop out of every agenda query while still reading as the right day, so it is refused."""
    day = date.fromisoformat(text)
    if day.isoformat() != text:
        raise ValueError("a date column holds a day in another form than YYYY-MM-DD")
    return day


def _events(rows: Iterable[Any]) -> list[EventRecord]:
    # Rows hold what append wrote (canonical values), so the records are built
    # without the attrs converters; the time text is parsed once.
    make, when, keys = stored_record, datetime.fromisoformat, _tuple
    try:
        return [
            make(pos, case, seq, kind, schema, when(at), actor, body, keys(lb), key, prev, digest)
            for (pos, case, seq, kind, schema, at, actor, body, lb, key, prev, digest) in rows
        ]
    except UNREADABLE as exc:
        raise unreadable_rows("case_events", exc) from None


def _event_row(record: EventRecord, time_text: str) -> tuple[object, ...]:
    return (
        record.case_id,
        record.sequence,
        record.type,
        record.schema_version,
        time_text,
        record.actor,
        record.payload,
        _json_list(record.legal_basis),
        record.subject_key,
        record.prev_hash,
        record.hash,
    )


def _audit_row(sealed: AuditRecord) -> tuple[object, ...]:
    return (
        sealed.case_id,
        sealed.sequence,
        format_time(sealed.at),
        sealed.actor,
        sealed.actor_label,
        sealed.action,
        sealed.target,
        int(sealed.allowed),
        sealed.reason,
        _json_list(sealed.basis),
        sealed.prev_hash,
        sealed.hash,
        sealed.first_sequence,
        sealed.last_sequence,
        sealed.position,
    )


def _audit_records(rows: Iterable[Any]) -> list[AuditRecord]:
    try:
        return [
            AuditRecord(
                case_id=row[0],
                sequence=row[1],
                at=parse_time(row[2]),
                actor=row[3],
                actor_label=row[4],
                action=row[5],
                target=row[6],
                allowed=bool(row[7]),
                reason=row[8],
                basis=_tuple(row[9]),
                prev_hash=row[10],
                hash=row[11],
                first_sequence=row[12],
                last_sequence=row[13],
                position=row[14],
            )
            for row in rows
        ]
    except UNREADABLE as exc:
        raise unreadable_rows("case_audit", exc) from None


def _statements(script: str) -> Iterator[str]:
    """Split the schema into complete statements (triggers contain ``;``)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


def _rollback(connection: sqlite3.Connection) -> None:
    # Some errors (SQLITE_FULL, I/O errors) already rolled the transaction back.
    if connection.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # the original error is more useful
            connection.execute("ROLLBACK")


def _apply_ops(connection: sqlite3.Connection, ops: Sequence[ProjectionOp]) -> None:
    # Runs of upserts (most of what appends project) go in one executemany: the same
    # statements in the same order, without a Python-to-SQLite round trip per row.
    upserts: list[tuple[str, str, str, str, str]] = []
    for op in ops:
        if isinstance(op, Upsert):
            item = op.item
            upserts.append(
                (item.case_id, item.kind.value, item.key, item.due.isoformat(), item.detail)
            )
            continue
        if upserts:
            connection.executemany(_UPSERT_AGENDA, upserts)
            upserts = []
        if isinstance(op, Remove):
            connection.execute(
                "DELETE FROM case_agenda WHERE case_id = ? AND kind = ? AND key = ?",
                (op.case_id, op.kind.value, op.key),
            )
        elif isinstance(op, ClearCase):
            connection.execute("DELETE FROM case_agenda WHERE case_id = ?", (op.case_id,))
    if upserts:
        connection.executemany(_UPSERT_AGENDA, upserts)


_GET_KEY: Final = "SELECT kek_id, blob FROM case_keys WHERE case_id = ?"
_PUT_KEY: Final = (
    "INSERT INTO case_keys (case_id, kek_id, blob) VALUES (?, ?, ?) "
    "ON CONFLICT (case_id) DO UPDATE SET kek_id = excluded.kek_id, blob = excluded.blob"
)
_DESTROY_KEY: Final = "DELETE FROM case_keys WHERE case_id = ?"
_KEY_CASES: Final = "SELECT case_id FROM case_keys ORDER BY case_id"


_OUTBOX_FIELDS: Final = (
    "key, case_id, kind, recipient, not_before, on_date, guard_kind, guard_key, guard_due, "
    "status, attempts, next_attempt, claimed_until, note"
)
INSERT_OUTBOX: Final = (
    "INSERT INTO case_outbox (key, case_id, kind, recipient, not_before, on_date, guard_kind, "
    "guard_key, guard_due) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO NOTHING"
)
DUE_OUTBOX: Final = (
    f"SELECT {_OUTBOX_FIELDS} FROM case_outbox WHERE status = 'pending' AND not_before <= ? "  # noqa: S608 - constants
    "AND (next_attempt IS NULL OR next_attempt <= ?) "
    "AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY not_before, key LIMIT ?"
)
CLAIM_OUTBOX: Final = "UPDATE case_outbox SET claimed_until = ?, claim_token = ? WHERE key = ?"
SETTLE_OUTBOX: Final = (
    "UPDATE case_outbox SET status = ?, attempts = ?, next_attempt = ?, claimed_until = NULL, "
    "claim_token = NULL, note = ? WHERE key = ? AND claim_token = ? AND status = 'pending'"
)
LIST_OUTBOX: Final = f"SELECT {_OUTBOX_FIELDS} FROM case_outbox"  # noqa: S608 - constants


def outbox_row(message: OutboxMessage) -> tuple[object, ...]:
    """The values of ``INSERT_OUTBOX`` for one message (dates as ISO text)."""
    return tuple(v.isoformat() if isinstance(v, date) else v for v in outbox_values(message))


def outbox_entries(rows: Iterable[Any]) -> list[OutboxEntry]:
    """Entries from rows of ``_OUTBOX_FIELDS`` (ISO text turned into dates and times). A row
    that cannot be read is skipped, left as it is, and reported (``storekit.readable_outbox``):
    one edited row must not stop every other message."""
    return readable_outbox(rows, day=_date, time=parse_time)


def _relation(value: str, cursor_kind: str) -> str:
    """How a kind's value sorts against the cursor's kind: ``<``, ``=`` or ``>``."""
    return "<" if value < cursor_kind else "=" if value == cursor_kind else ">"


def _cursor_values(cursor: AgendaCursor | None) -> list[object]:
    """The cursor as the row-value comparison's parameters (none without a cursor)."""
    if cursor is None:
        return []
    return [cursor.due.isoformat(), cursor.case_id, cursor.kind.value, cursor.key]


_SUBJECT_CASES = "SELECT DISTINCT case_id FROM case_events WHERE subject_key = ?"


def _check_subject(rows: Iterable[Sequence[object]], case_id: str, subject: SubjectCases) -> None:
    """Raise ``SubjectConflict`` unless the stored cases for the key are the expected ones."""
    if subject.differs(case_id, [str(row[0]) for row in rows]):
        raise SubjectConflict(case_id)

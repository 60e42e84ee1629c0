"""The postgres store's SQL: its schema and upgrades, statements, and row conversions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from barnekoordinator.errors import (
    MissingExtraError,
)
from barnekoordinator.history.projections import (
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.storekit import (
    UNREADABLE,
    stored_record,
    unreadable_rows,
)

if TYPE_CHECKING:
    import psycopg


SCHEMA_VERSION: Final = 5
"""2 gave audit records a global ``position`` and the range of events they stored; 3 added
``case_keys``, the cases' wrapped data keys (identifiers sealed at rest); 4 added the agenda index
on ``(kind, due, case_id, key)`` that keeps kind-filtered agenda queries independent of the number
of cases (decision 20); 5 added ``case_outbox``, the notification outbox (decision 22). Older
schemas are upgraded when opened for writing, and read as they are when opened read-only."""
_SCHEMES: Final = ("postgresql", "postgres")


_CREATE_AGENDA_KIND: Final = """CREATE INDEX IF NOT EXISTS case_agenda_kind_due_idx
    ON case_agenda (kind, due, case_id, key) INCLUDE (detail)"""
"""The agenda of one kind in agenda order, read from its start (decision 20)."""

_CREATE_KEYS: Final = """CREATE TABLE IF NOT EXISTS case_keys (
    case_id text  COLLATE "C" PRIMARY KEY,
    kek_id  text  NOT NULL,
    blob    bytea NOT NULL)"""
"""The cases' wrapped data keys: useless without the key-encryption key kept elsewhere."""

_CREATE_OUTBOX: Final = """CREATE TABLE IF NOT EXISTS case_outbox (
    key           text    COLLATE "C" PRIMARY KEY,
    case_id       text    COLLATE "C" NOT NULL,
    kind          text    NOT NULL,
    recipient     text    NOT NULL,
    not_before    date    NOT NULL,
    on_date       date,
    guard_kind    text,
    guard_key     text,
    guard_due     date,
    status        text    NOT NULL DEFAULT 'pending',
    attempts      integer NOT NULL DEFAULT 0,
    next_attempt  timestamptz,
    claimed_until timestamptz,
    claim_token   text,
    note          text    NOT NULL DEFAULT '')"""
"""The notification outbox: messages stored with the events, and their delivery state."""
_CREATE_OUTBOX_DUE: Final = """CREATE INDEX IF NOT EXISTS case_outbox_due_idx
    ON case_outbox (status, not_before, key)"""


def _ddl(partitions: int) -> list[str]:
    """The schema, statement by statement (idempotent)."""
    partitioned = " PARTITION BY HASH (case_id)" if partitions else ""
    statements = [
        """CREATE TABLE IF NOT EXISTS case_store_meta (
            key text PRIMARY KEY, value text NOT NULL)""",
        "CREATE SEQUENCE IF NOT EXISTS case_events_position AS bigint",
        "CREATE SEQUENCE IF NOT EXISTS case_audit_position AS bigint",
        f"""CREATE TABLE IF NOT EXISTS case_events (
            position       bigint      NOT NULL DEFAULT nextval('case_events_position'),
            case_id        text        COLLATE "C" NOT NULL,
            sequence       integer     NOT NULL CHECK (sequence >= 1),
            type           text        NOT NULL,
            schema_version integer     NOT NULL,
            recorded_at    timestamptz NOT NULL,
            actor          text        NOT NULL,
            payload        text        NOT NULL,
            legal_basis    text[]      NOT NULL,
            subject_key    text        COLLATE "C",
            prev_hash      text        NOT NULL,
            hash           text        NOT NULL,
            PRIMARY KEY (case_id, sequence)
        ){partitioned}""",
    ]
    statements += [
        f"""CREATE TABLE IF NOT EXISTS case_events_p{i:03d} PARTITION OF case_events
            FOR VALUES WITH (MODULUS {partitions}, REMAINDER {i})"""
        for i in range(partitions)
    ]
    statements += [
        "CREATE INDEX IF NOT EXISTS case_events_position_idx ON case_events (position)",
        """CREATE INDEX IF NOT EXISTS case_events_subject_idx ON case_events (subject_key, case_id)
            WHERE subject_key IS NOT NULL""",
        """CREATE TABLE IF NOT EXISTS case_audit (
            case_id     text        COLLATE "C" NOT NULL,
            sequence    integer     NOT NULL CHECK (sequence >= 1),
            at          timestamptz NOT NULL,
            actor       text        NOT NULL,
            actor_label text        NOT NULL,
            action      text        NOT NULL,
            target      text        NOT NULL,
            allowed     boolean     NOT NULL,
            reason      text        NOT NULL,
            basis       text[]      NOT NULL,
            prev_hash   text        NOT NULL,
            hash        text        NOT NULL,
            position    bigint      DEFAULT nextval('case_audit_position'),
            first_sequence integer,
            last_sequence  integer,
            PRIMARY KEY (case_id, sequence))""",
        "CREATE UNIQUE INDEX IF NOT EXISTS case_audit_position_idx ON case_audit (position)",
        """CREATE TABLE IF NOT EXISTS case_agenda (
            case_id text COLLATE "C" NOT NULL,
            kind    text COLLATE "C" NOT NULL,
            key     text COLLATE "C" NOT NULL,
            due     date NOT NULL,
            detail  text NOT NULL,
            PRIMARY KEY (case_id, kind, key))""",
        """CREATE INDEX IF NOT EXISTS case_agenda_due_idx
            ON case_agenda (due, case_id, kind, key) INCLUDE (detail)""",
        _CREATE_AGENDA_KIND,
        _CREATE_KEYS,
        _CREATE_OUTBOX,
        _CREATE_OUTBOX_DUE,
        """CREATE OR REPLACE FUNCTION case_store_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$""",
    ]
    tables = ["case_events", "case_audit"] + [f"case_events_p{i:03d}" for i in range(partitions)]
    for table in tables:
        if not table.startswith("case_events_p"):
            statements.append(
                f"""CREATE OR REPLACE TRIGGER {table}_append_only
                    BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION case_store_append_only()"""
            )
        # TRUNCATE of a partition does not fire the parent's trigger.
        statements.append(
            f"""CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION case_store_append_only()"""
        )
    statements.append(
        f"INSERT INTO case_store_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}') "  # noqa: S608 - a constant
        "ON CONFLICT (key) DO NOTHING"
    )
    return statements


_UPGRADE_FROM_1: Final = (
    "ALTER TABLE case_audit ADD COLUMN IF NOT EXISTS position bigint",
    "ALTER TABLE case_audit ADD COLUMN IF NOT EXISTS first_sequence integer",
    "ALTER TABLE case_audit ADD COLUMN IF NOT EXISTS last_sequence integer",
    # Audit records written before had no global order: number them by time, then case and
    # sequence (the order a read-only reader of a version 1 schema sees too), with the
    # append-only trigger off for this one update, inside the upgrade's transaction.
    "ALTER TABLE case_audit DISABLE TRIGGER case_audit_append_only",
    "UPDATE case_audit AS a SET position = n.n FROM (SELECT case_id, sequence, "
    "row_number() OVER (ORDER BY at, case_id, sequence) AS n FROM case_audit) AS n "
    "WHERE a.case_id = n.case_id AND a.sequence = n.sequence",
    "ALTER TABLE case_audit ENABLE TRIGGER case_audit_append_only",
    "CREATE SEQUENCE IF NOT EXISTS case_audit_position AS bigint",
    "SELECT setval('case_audit_position', coalesce((SELECT max(position) FROM case_audit), 1), "
    "(SELECT count(*) > 0 FROM case_audit))",
    "ALTER TABLE case_audit ALTER COLUMN position SET DEFAULT nextval('case_audit_position')",
    "CREATE UNIQUE INDEX IF NOT EXISTS case_audit_position_idx ON case_audit (position)",
)
_UPGRADE_FROM_2: Final = (_CREATE_KEYS,)
# Built inside the upgrade's transaction (not CONCURRENTLY): writers wait for the build, about
# 10 s per million agenda rows on the project machine; readers do not.
_UPGRADE_FROM_3: Final = (_CREATE_AGENDA_KIND,)
_UPGRADE_FROM_4: Final = (_CREATE_OUTBOX, _CREATE_OUTBOX_DUE)
_SET_VERSION: Final = (
    f"UPDATE case_store_meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version'"  # noqa: S608 - a constant
)

_AUDIT_FIELDS = (
    "case_id, sequence, at, actor, actor_label, action, target, allowed, reason, basis, "
    "prev_hash, hash, first_sequence, last_sequence, position"
)
# A version 1 schema opened read-only: no ranges, positions numbered as the upgrade numbers them.
_AUDIT_V1 = (
    "(SELECT case_id, sequence, at, actor, actor_label, action, target, allowed, reason, basis, "
    "prev_hash, hash, NULL::integer AS first_sequence, NULL::integer AS last_sequence, "
    "row_number() OVER (ORDER BY at, case_id, sequence) AS position FROM case_audit) AS a"
)


_READ_CASE = (
    "SELECT position, case_id, sequence, type, schema_version, recorded_at, actor, payload, "
    "legal_basis, subject_key, prev_hash, hash FROM case_events "
    "WHERE case_id = %s AND sequence > %s ORDER BY sequence"
)
_READ_ALL = (
    "SELECT position, case_id, sequence, type, schema_version, recorded_at, actor, payload, "
    "legal_basis, subject_key, prev_hash, hash FROM case_events "
    "WHERE position > %s ORDER BY position LIMIT %s"
)
_INSERT_EVENT = (
    "INSERT INTO case_events (case_id, sequence, type, schema_version, recorded_at, actor, "
    "payload, legal_basis, subject_key, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_INSERT_EVENT_AT = (
    "INSERT INTO case_events (position, case_id, sequence, type, schema_version, recorded_at, "
    "actor, payload, legal_basis, subject_key, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
"""An event at a position drawn beforehand (a store with a commit checkpointer: decision 39)."""
_LAST = "SELECT sequence, hash FROM case_events WHERE case_id = %s ORDER BY sequence DESC LIMIT 1"
# The case's last event and last audit record in one statement (one result to wait for).
_LAST_BOTH = (
    "SELECT e.sequence, e.hash, a.sequence, a.hash FROM (SELECT 1) AS one "
    "LEFT JOIN LATERAL (SELECT sequence, hash FROM case_events WHERE case_id = %s "
    "ORDER BY sequence DESC LIMIT 1) AS e ON true "
    "LEFT JOIN LATERAL (SELECT sequence, hash FROM case_audit WHERE case_id = %s "
    "ORDER BY sequence DESC LIMIT 1) AS a ON true"
)
_LAST_AUDIT = (
    "SELECT sequence, hash FROM case_audit WHERE case_id = %s ORDER BY sequence DESC LIMIT 1"
)
_INSERT_AUDIT = (
    "INSERT INTO case_audit (case_id, sequence, at, actor, actor_label, action, target, "
    "allowed, reason, basis, prev_hash, hash, first_sequence, last_sequence) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_INSERT_AUDIT_AT = (
    "INSERT INTO case_audit (case_id, sequence, at, actor, actor_label, action, target, "
    "allowed, reason, basis, prev_hash, hash, first_sequence, last_sequence, position) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_AGENDA_ROWS: Final = "SELECT case_id, kind, key, due, detail FROM case_agenda"
_AFTER_KIND: Final = (
    'AND (due, case_id) >= (%s, %s) AND ((due, case_id) > (%s, %s) OR k.kind COLLATE "C" > %s '
    "OR (k.kind = %s AND key > %s)) "
)
"""A kind's walk after a cursor: a seek to the cursor's ``(due, case_id)`` in
``(kind, due, case_id, key)``, and of the rows tied with it those that sort after it (a kind
after the cursor's kind, or the cursor's kind with a later key)."""


def _by_kind(after: str) -> str:
    return (
        'SELECT r.case_id, k.kind COLLATE "C", r.key, r.due, r.detail '  # noqa: S608
        "FROM unnest(%s::text[]) AS k(kind) CROSS JOIN LATERAL ("
        "SELECT case_id, key, due, detail FROM case_agenda WHERE kind = k.kind AND due <= %s "
        + after
        + "ORDER BY due, case_id, key LIMIT %s) AS r "
        'ORDER BY r.due, r.case_id, k.kind COLLATE "C", r.key LIMIT %s'
    )


AGENDA_BY_KIND: Final = _by_kind("")
"""The agenda of some kinds: one ordered walk of ``(kind, due, case_id, key)`` per kind, each
stopping at the limit, merged (decision 20). Parameters: the kind values, ``until``, the limit
twice (``NULL``: none)."""
AGENDA_BY_KIND_AFTER: Final = _by_kind(_AFTER_KIND)
"""The same after a cursor (decision 30). Parameters: the kind values, ``until``, the cursor's
due and case id twice, its kind twice and its key, the limit twice."""
_AFTER_ROW: Final = " AND (due, case_id, kind, key) > (%s, %s, %s, %s)"
_ORDER: Final = " ORDER BY due, case_id, kind, key LIMIT %s"
AGENDA_ALL: Final = _AGENDA_ROWS + " WHERE due <= %s" + _ORDER
"""Every kind: one walk of ``(due, case_id, kind, key)``."""
AGENDA_ALL_AFTER: Final = _AGENDA_ROWS + " WHERE due <= %s" + _AFTER_ROW + _ORDER
"""Every kind after a cursor: the same walk from a row-value seek (decision 30)."""
_CASE: Final = (
    _AGENDA_ROWS + " WHERE case_id = %s AND due <= %s AND (%s::text[] IS NULL OR kind = ANY(%s))"
)
AGENDA_CASE: Final = _CASE + _ORDER
"""One case's rows, by its primary key ``(case_id, kind, key)``."""
AGENDA_CASE_AFTER: Final = _CASE + _AFTER_ROW + _ORDER
"""One case's rows after a cursor."""

_UPSERT_AGENDA = (
    "INSERT INTO case_agenda (case_id, kind, key, due, detail) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (case_id, kind, key) DO UPDATE SET due = excluded.due, detail = excluded.detail"
)


_KINDS: Final = {kind.value: kind for kind in AgendaKind}

# The bulk load (PostgresCaseStore.load): COPY, positions from the sequences' defaults.
_COPY_EVENTS: Final = (
    "COPY case_events (case_id, sequence, type, schema_version, recorded_at, actor, payload, "
    "legal_basis, subject_key, prev_hash, hash) FROM STDIN"
)
_COPY_AUDIT: Final = (
    "COPY case_audit (case_id, sequence, at, actor, actor_label, action, target, allowed, "
    "reason, basis, prev_hash, hash, first_sequence, last_sequence) FROM STDIN"
)
_COPY_AGENDA: Final = "COPY case_agenda (case_id, kind, key, due, detail) FROM STDIN"
_COPY_KEYS: Final = "COPY case_keys (case_id, kek_id, blob) FROM STDIN"
_EXISTING: Final = (
    "SELECT case_id FROM case_events WHERE case_id = ANY(%s) UNION ALL "
    "SELECT case_id FROM case_audit WHERE case_id = ANY(%s) LIMIT 1"
)


def _event_values(r: EventRecord) -> tuple[object, ...]:
    return (
        r.case_id,
        r.sequence,
        r.type,
        r.schema_version,
        r.recorded_at,
        r.actor,
        r.payload,
        list(r.legal_basis),
        r.subject_key,
        r.prev_hash,
        r.hash,
    )


def _events(rows: Iterable[Any]) -> list[EventRecord]:
    # Rows hold what append wrote (UTC times in a UTC session), so the records
    # are built without the attrs converters.
    make = stored_record
    try:
        return [
            make(pos, case, seq, kind, schema, at, actor, payload, tuple(lb), key, prev, digest)
            for (pos, case, seq, kind, schema, at, actor, payload, lb, key, prev, digest) in rows
        ]
    except UNREADABLE as exc:
        raise unreadable_rows("case_events", exc) from None


def _audit_row(sealed: AuditRecord) -> tuple[object, ...]:
    return (
        sealed.case_id,
        sealed.sequence,
        sealed.at,
        sealed.actor,
        sealed.actor_label,
        sealed.action,
        sealed.target,
        sealed.allowed,
        sealed.reason,
        list(sealed.basis),
        sealed.prev_hash,
        sealed.hash,
        sealed.first_sequence,
        sealed.last_sequence,
    )


def _audit_records(rows: Iterable[Any]) -> list[AuditRecord]:
    try:
        return [
            AuditRecord(
                case_id=row[0],
                sequence=row[1],
                at=row[2],
                actor=row[3],
                actor_label=row[4],
                action=row[5],
                target=row[6],
                allowed=row[7],
                reason=row[8],
                basis=row[9],
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


def _apply_ops(cursor: psycopg.Cursor[Any], ops: Sequence[ProjectionOp]) -> None:
    # Runs of upserts go in one executemany (one prepared statement per row, in order, in
    # the same pipeline), so each row costs no Python round trip of its own.
    upserts: list[tuple[object, ...]] = []
    for op in ops:
        if isinstance(op, Upsert):
            item = op.item
            upserts.append((item.case_id, item.kind.value, item.key, item.due, item.detail))
            continue
        if upserts:
            cursor.executemany(_UPSERT_AGENDA, upserts)
            upserts = []
        if isinstance(op, Remove):
            cursor.execute(
                "DELETE FROM case_agenda WHERE case_id = %s AND kind = %s AND key = %s",
                (op.case_id, op.kind.value, op.key),
            )
        elif isinstance(op, ClearCase):
            cursor.execute("DELETE FROM case_agenda WHERE case_id = %s", (op.case_id,))
    if upserts:
        cursor.executemany(_UPSERT_AGENDA, upserts)


def require_psycopg() -> ModuleType:
    """Import psycopg, or raise [`MissingExtraError`][barnekoordinator.errors.MissingExtraError]
    naming the ``postgres`` extra.
    """
    try:
        import psycopg
    except ImportError:
        raise MissingExtraError("postgres", "the PostgreSQL case store") from None
    return psycopg


_GET_KEY: Final = "SELECT kek_id, blob FROM case_keys WHERE case_id = %s"
_PUT_KEY: Final = (
    "INSERT INTO case_keys (case_id, kek_id, blob) VALUES (%s, %s, %s) "
    "ON CONFLICT (case_id) DO UPDATE SET kek_id = excluded.kek_id, blob = excluded.blob"
)
_DESTROY_KEY: Final = "DELETE FROM case_keys WHERE case_id = %s"
_KEY_CASES: Final = "SELECT case_id FROM case_keys ORDER BY case_id"


_OUTBOX_FIELDS: Final = (
    "key, case_id, kind, recipient, not_before, on_date, guard_kind, guard_key, guard_due, "
    "status, attempts, next_attempt, claimed_until, note"
)
INSERT_OUTBOX: Final = (
    "INSERT INTO case_outbox (key, case_id, kind, recipient, not_before, on_date, guard_kind, "
    "guard_key, guard_due) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (key) DO NOTHING"
)
CLAIM_OUTBOX: Final = (
    "UPDATE case_outbox SET claimed_until = %s, claim_token = %s WHERE key IN ("  # noqa: S608 - constants
    "SELECT key FROM case_outbox WHERE status = 'pending' AND not_before <= %s "
    "AND (next_attempt IS NULL OR next_attempt <= %s) "
    "AND (claimed_until IS NULL OR claimed_until <= %s) "
    "ORDER BY not_before, key LIMIT %s FOR UPDATE SKIP LOCKED) "
    f"RETURNING {_OUTBOX_FIELDS}"
)
"""Claim due messages: ``SKIP LOCKED`` lets concurrent dispatchers take disjoint sets."""
SETTLE_OUTBOX: Final = (
    "UPDATE case_outbox SET status = %s, attempts = %s, next_attempt = %s, "
    "claimed_until = NULL, claim_token = NULL, note = %s "
    "WHERE key = %s AND claim_token = %s AND status = 'pending'"
)
LIST_OUTBOX: Final = f"SELECT {_OUTBOX_FIELDS} FROM case_outbox"  # noqa: S608 - constants

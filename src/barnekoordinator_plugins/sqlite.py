"""The SQLite case store (``sqlite:PATH``): the embedded default, stdlib only.

This module is also the worked example for vendors writing their own store:
one table per stream kind, a uniqueness constraint as the last line of defence,
one transaction per append (holding the events, their agenda rows and, when
given, their audit record), and every driver error mapped onto the library's
error tree.

Design:

* **WAL** journal, so readers never block the single writer, and
  ``synchronous=FULL`` by default (each commit is fsynced: a record that was
  acknowledged survives a power cut); ``NORMAL`` is durable across application
  crashes only.
* **``BEGIN IMMEDIATE``** takes the write lock *before* the version is read, so
  the check and the insert form one serialised transaction across threads and
  processes. ``UNIQUE(case_id, sequence)`` backs it up.
* **STRICT** tables; **triggers** abort any ``UPDATE`` or ``DELETE`` on events
  and audit records. ``recorded_at`` has no default: times come from the
  records (the core's [`Clock`][barnekoordinator.clock.Clock]), never from SQLite.
* Positions are the row ids: SQLite gives each new row the highest position
  plus one. Rows are never deleted (the triggers), so a position is never
  handed out twice; SQLite has one writer at a time, so positions become
  visible in commit order and ``read_all`` never skips. (``AUTOINCREMENT``
  would also guard against reuse after a delete, at the price of one more page
  written per commit: 3.4 WAL pages for a one-event append instead of 2.4. The
  end-of-retention purge, the only delete there will be, must therefore keep
  the row with the highest position. Files made before this change keep
  ``AUTOINCREMENT``; both layouts work alike.)
* A batch is one multi-row ``INSERT``; reads build records straight from the
  stored (canonical) values.
* One connection per thread (and per process after a fork), all closed by
  [`SQLiteCaseStore.close()`][barnekoordinator_plugins.sqlite.SQLiteCaseStore.close].
* ``sqlite3`` errors meaning "cannot write or read" (read-only, disk or
  ``max_page_count`` full, unable to open, I/O error, locked past the busy
  timeout, not a database) become
  [`StorageUnavailable`][barnekoordinator.errors.StorageUnavailable]; the transaction is rolled
  back, so nothing is half-written.

Options (``Config.plugin_options["sqlite"]``, all strings): ``synchronous``
(``FULL``/``NORMAL``/``EXTRA``/``OFF``), ``busy_timeout`` (seconds),
``max_page_count`` (pages; caps the file size) and ``read_only`` (``true`` opens
the file with ``mode=ro`` and never creates it).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, TypedDict, cast

import attrs

from barnekoordinator.config import Config
from barnekoordinator.errors import (
    ConcurrencyConflict,
    InvalidConfiguration,
    StorageError,
    StorageUnavailable,
)
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
    format_time,
    parse_time,
)
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import (
    AppendCheck,
    agenda_row,
    lone_audit,
    stored_record,
)
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator_plugins import _options

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue

__all__ = [
    "SCHEMA",
    "SQLiteCaseStore",
    "SQLiteOptions",
    "barnekoordinator_case_store",
    "options_from_config",
]

SCHEMA_VERSION: Final = 2
"""2 gave audit records a global ``position`` and the range of events they stored (1 had neither;
such files are upgraded when opened for writing, and read as they are when opened read-only)."""

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
_date = functools.lru_cache(maxsize=16384)(date.fromisoformat)


def _events(rows: Iterable[Any]) -> list[EventRecord]:
    # Rows hold what append wrote (canonical values), so the records are built
    # without the attrs converters; the time text is parsed once.
    make, when, basis = stored_record, datetime.fromisoformat, _tuple
    return [
        make(pos, case, seq, kind, schema, when(at), actor, payload, basis(lb), key, prev, digest)
        for (pos, case, seq, kind, schema, at, actor, payload, lb, key, prev, digest) in rows
    ]


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


_MAX_PAGE_COUNT = 4_294_967_294
"""SQLite's own ceiling for ``PRAGMA max_page_count``."""


def _checked_path(path: object) -> str:
    """The store's file path as text; raise InvalidConfiguration for what no file system takes.

    A NUL byte ends a C string early, and a lone surrogate cannot be encoded for the OS or
    SQLite; neither is echoed (the path is shown only once it is known to be plain text).
    """
    try:
        text = os.fspath(path)  # type: ignore[call-overload]
    except TypeError:
        raise InvalidConfiguration(
            f"sqlite path: expected a str or os.PathLike, got {type(path).__name__}"
        ) from None
    if not isinstance(text, str):
        raise InvalidConfiguration("sqlite path: expected text, not bytes")
    if not text:
        raise InvalidConfiguration("sqlite path: expected a file path, e.g. 'cases.db'")
    if "\x00" in text:
        raise InvalidConfiguration("sqlite path: holds a NUL byte")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidConfiguration(
            "sqlite path: holds a lone surrogate (not Unicode text)"
        ) from None
    return text


class SQLiteCaseStore:
    """A [`CaseStore`][barnekoordinator.history.store.CaseStore] in one SQLite file.

    Safe to share between threads (each thread gets its own connection) and to
    open from several processes at once.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "FULL",
        busy_timeout: float = 30.0,
        max_page_count: int | None = None,
        read_only: bool = False,
        catalogue: Catalogue | None = None,
    ) -> None:
        self._catalogue = catalogue if catalogue is not None else _library_catalogue()
        if not isinstance(synchronous, str) or synchronous.upper() not in _SYNCHRONOUS:
            raise InvalidConfiguration(f"sqlite synchronous: expected one of {_SYNCHRONOUS}")
        self.path = _checked_path(path)
        self.synchronous = synchronous.upper()
        self.busy_timeout = _options.check_seconds("sqlite busy_timeout", busy_timeout)
        if max_page_count is not None and not (
            isinstance(max_page_count, int)
            and not isinstance(max_page_count, bool)
            and 1 <= max_page_count <= _MAX_PAGE_COUNT
        ):
            raise InvalidConfiguration(
                f"sqlite max_page_count: expected a whole number from 1 to {_MAX_PAGE_COUNT}"
            )
        self.max_page_count = max_page_count
        self.read_only = bool(read_only)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        self._audit_source = "case_audit"
        self._connection()  # open now: a bad path or a full disk fails here, not later

    def __repr__(self) -> str:
        return f"SQLiteCaseStore({self.path!r})"

    def __enter__(self) -> SQLiteCaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- connections ----------------------------------------------------------

    def _unavailable(self, exc: sqlite3.Error) -> StorageUnavailable:
        code = getattr(exc, "sqlite_errorcode", None)
        name = _UNAVAILABLE_CODES.get(code & 0xFF, "") if isinstance(code, int) else ""
        name = name or type(exc).__name__
        # SQLite's messages name the condition, never row values.
        return StorageUnavailable(f"SQLite store {self.path!r} is unavailable: {name}: {exc}")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as exc:
            raise self._unavailable(exc) from exc
        except sqlite3.ProgrammingError as exc:
            if "closed" in str(exc):
                raise self._unavailable(exc) from exc
            raise
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if isinstance(code, int) and code & 0xFF in _UNAVAILABLE_CODES:
                raise self._unavailable(exc) from exc
            raise

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageUnavailable(f"SQLite store {self.path!r} is closed")
        pid = os.getpid()
        cached: tuple[int, sqlite3.Connection] | None = getattr(self._local, "connection", None)
        if cached is not None and cached[0] == pid:
            return cached[1]
        # A connection inherited through fork() must not be used (or closed) here.
        with self._errors():
            connection = self._open()
        self._local.connection = (pid, connection)
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    def _open(self) -> sqlite3.Connection:
        if self.read_only:
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + "?mode=ro"
            connection = sqlite3.connect(
                uri,
                uri=True,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        else:
            connection = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        try:
            if not self.read_only:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(f"PRAGMA synchronous={self.synchronous}")
            if self.max_page_count is not None:
                connection.execute(f"PRAGMA max_page_count={int(self.max_page_count)}")
            self._ensure_schema(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StorageUnavailable(
                f"SQLite store {self.path!r} has schema version {version}; this "
                f"barnekoordinator knows version {SCHEMA_VERSION} (upgrade the library)"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            if version == 1:
                self._audit_source = _AUDIT_V1
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have upgraded the file since user_version was read.
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version == 1:
                for statement in _UPGRADE_FROM_1:
                    connection.execute(statement)
            for statement in _statements(SCHEMA):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise

    # -- CaseStore ------------------------------------------------------------

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        """Append ``records`` (and ``audit``, in the same transaction); return the new version."""
        records = list(records)
        check = AppendCheck.prepare(case_id, expected_version, records, audit=audit)
        ops = self._catalogue.project(records)
        rows = list(map(_event_row, records, check.times)) if check.problem is None else []
        connection = self._connection()
        with self._errors():
            connection.execute("BEGIN IMMEDIATE")
            try:
                last = connection.execute(_LAST, (case_id,)).fetchone()
                version, last_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS)
                check.check(version, last_hash)
                if rows:
                    for start in range(0, len(rows), _ROWS_PER_INSERT):
                        chunk = rows[start : start + _ROWS_PER_INSERT]
                        connection.execute(
                            _insert_events_sql(len(chunk)), list(itertools.chain(*chunk))
                        )
                    _apply_ops(connection, ops)
                if check.audit is not None:
                    self._insert_audit(connection, check.audit)
                connection.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                _rollback(connection)
                # Unreachable under BEGIN IMMEDIATE; kept as the last line of defence.
                actual = self.version(case_id)
                raise ConcurrencyConflict(case_id, expected_version, actual) from exc
            except BaseException:
                _rollback(connection)
                raise
        return version + len(rows)

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        connection = self._connection()
        with self._errors():
            row = connection.execute(
                "SELECT max(sequence) FROM case_events WHERE case_id = ?", (case_id,)
            ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order."""
        connection = self._connection()
        with self._errors():
            rows = connection.execute(_READ_CASE, (case_id, after_version)).fetchall()
        return _events(rows)

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with position > ``after_position``, in commit order."""
        if limit < 1:
            return []
        connection = self._connection()
        with self._errors():
            rows = connection.execute(_READ_ALL, (after_position, limit)).fetchall()
        return _events(rows)

    def find_cases(self, subject_key: str) -> list[str]:
        """Ids of the cases whose records carry this keyed hash, sorted."""
        connection = self._connection()
        with self._errors():
            rows = connection.execute(
                "SELECT DISTINCT case_id FROM case_events WHERE subject_key = ? ORDER BY case_id",
                (subject_key,),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def agenda(
        self,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
    ) -> list[AgendaItem]:
        """Agenda rows due on or before ``until``, ordered by (due, case_id, kind, key)."""
        if (kinds is not None and not kinds) or (limit is not None and limit < 1):
            return []
        sql = "SELECT case_id, kind, key, due, detail FROM case_agenda WHERE due <= ?"
        params: list[object] = [until.isoformat()]
        if case_id is not None:
            sql += " AND case_id = ?"
            params.append(case_id)
        if kinds is not None:
            values = sorted({kind.value for kind in kinds})
            sql += f" AND kind IN ({','.join('?' * len(values))})"
            params.extend(values)
        sql += " ORDER BY due, case_id, kind, key"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        connection = self._connection()
        with self._errors():
            rows = connection.execute(sql, params).fetchall()
        make, kinds_by_value, day = agenda_row, _KINDS, _date
        return [
            make(case, kinds_by_value[kind], key, day(due), detail)
            for (case, kind, key, due, detail) in rows
        ]

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed."""
        lone_audit(record)
        connection = self._connection()
        with self._errors():
            connection.execute("BEGIN IMMEDIATE")
            try:
                sealed = self._insert_audit(connection, record)
                connection.execute("COMMIT")
            except sqlite3.IntegrityError as exc:  # pragma: no cover - BEGIN IMMEDIATE
                _rollback(connection)
                raise StorageError("audit record could not be chained; retry") from exc
            except BaseException:
                _rollback(connection)
                raise
        return sealed

    @staticmethod
    def _insert_audit(connection: sqlite3.Connection, record: AuditRecord) -> AuditRecord:
        """Seal ``record`` after the case's last audit record and insert it (in a transaction)."""
        last = connection.execute(_LAST_AUDIT, (record.case_id,)).fetchone()
        sequence, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
        # One writer at a time (BEGIN IMMEDIATE): positions are handed out in commit order.
        position = int(connection.execute(_LAST_AUDIT_POSITION).fetchone()[0]) + 1
        sealed = attrs.evolve(record.sealed(sequence + 1, prev), position=position)
        connection.execute(_INSERT_AUDIT, _audit_row(sealed))
        return sealed

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order."""
        connection = self._connection()
        with self._errors():
            rows = connection.execute(
                f"SELECT {_AUDIT_FIELDS} FROM {self._audit_source} "  # noqa: S608 - constants
                "WHERE case_id = ? ORDER BY sequence",
                (case_id,),
            ).fetchall()
        return _audit_records(rows)

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[AuditRecord]:
        """Audit records of all cases with position > ``after_position``, in commit order."""
        if limit < 1:
            return []
        connection = self._connection()
        with self._errors():
            rows = connection.execute(
                f"SELECT {_AUDIT_FIELDS} FROM {self._audit_source} "  # noqa: S608 - constants
                "WHERE position > ? ORDER BY position LIMIT ?",
                (after_position, limit),
            ).fetchall()
        return _audit_records(rows)

    def case_ids(self) -> list[str]:
        """Every case id with events or audit records, sorted."""
        connection = self._connection()
        with self._errors():
            rows = connection.execute(
                "SELECT DISTINCT case_id FROM case_events UNION "
                "SELECT DISTINCT case_id FROM case_audit ORDER BY 1"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def close(self) -> None:
        """Close every connection this store opened; later calls raise StorageUnavailable."""
        self._closed = True
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()


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
    for op in ops:
        if isinstance(op, Upsert):
            item = op.item
            connection.execute(
                _UPSERT_AGENDA,
                (item.case_id, item.kind.value, item.key, item.due.isoformat(), item.detail),
            )
        elif isinstance(op, Remove):
            connection.execute(
                "DELETE FROM case_agenda WHERE case_id = ? AND kind = ? AND key = ?",
                (op.case_id, op.kind.value, op.key),
            )
        elif isinstance(op, ClearCase):
            connection.execute("DELETE FROM case_agenda WHERE case_id = ?", (op.case_id,))


class SQLiteOptions(TypedDict, total=False):
    """Keyword options of [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] that
    a configuration may set.
    """

    synchronous: str
    busy_timeout: float
    max_page_count: int
    read_only: bool


def options_from_config(options: Mapping[str, str]) -> SQLiteOptions:
    """Parse ``Config.plugin_options["sqlite"]`` into
    [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] keywords.

    Raises:
        InvalidConfiguration: listing every unknown key and invalid value.
    """
    readers = {
        "synchronous": _options.one_of(*_SYNCHRONOUS),
        "busy_timeout": _options.seconds,
        "max_page_count": _options.positive_integer,
        "read_only": _options.boolean,
    }
    return cast(SQLiteOptions, _options.parse("sqlite", options, readers))


def _library_catalogue() -> Catalogue:
    # Imported when a store is made, not when the plugin module is loaded: every
    # command loads every plugin, and the catalogue imports all concept modules.
    from barnekoordinator.catalogue import CATALOGUE

    return CATALOGUE


@hookimpl(trylast=True)
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Provide a [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] for
    ``store="sqlite:PATH"``.
    """
    if config.store_scheme != "sqlite":
        return None
    path = config.store.split(":", 1)[1]
    if not path:
        raise InvalidConfiguration("store: 'sqlite:' needs a file path, e.g. 'sqlite:cases.db'")
    options = options_from_config(config.plugin_options.get("sqlite", {}))
    return SQLiteCaseStore(path, **options, catalogue=catalogue)

"""The sqlite store itself: connections, transactions and the CaseStore methods."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from barnekoordinator.errors import (
    ConcurrencyConflict,
    InvalidConfiguration,
    InvalidInput,
    StorageError,
    StorageUnavailable,
    StoreLocked,
    StoreNotFound,
)
from barnekoordinator.history.outbox import (
    OutboxEntry,
    OutboxMessage,
    OutboxStatus,
    Settlement,
)
from barnekoordinator.history.paging import AgendaCursor, checked_after
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
)
from barnekoordinator.history.records import (
    GENESIS,
    AuditRecord,
    EventRecord,
    format_time,
)
from barnekoordinator.history.store import SubjectCases
from barnekoordinator.history.storekit import (
    UNREADABLE,
    AppendCheck,
    NewCase,
    agenda_filters,
    agenda_row,
    checked_integer,
    lone_audit,
    outbox_batch,
    prepare_load,
    settled,
    unreadable_rows,
)
from barnekoordinator_plugins import _options
from barnekoordinator_plugins.sqlite._commit import commit
from barnekoordinator_plugins.sqlite._locks import lock_holders

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.commit_checkpoint import CommitCheckpointer, Row
    from barnekoordinator.history.sealing import WrappedDataKey

from barnekoordinator_plugins.sqlite._sql import (
    _AUDIT_FIELDS,
    _AUDIT_V1,
    _DESTROY_KEY,
    _GET_KEY,
    _INSERT_AUDIT,
    _KEY_CASES,
    _KINDS,
    _LAST,
    _LAST_AUDIT,
    _LAST_AUDIT_POSITION,
    _PUT_KEY,
    _READ_ALL,
    _READ_CASE,
    _ROWS_PER_INSERT,
    _SUBJECT_CASES,
    _SYNCHRONOUS,
    _UNAVAILABLE_CODES,
    _UPGRADE_FROM_1,
    _UPSERT_AGENDA,
    CLAIM_OUTBOX,
    DUE_OUTBOX,
    INSERT_OUTBOX,
    LIST_OUTBOX,
    SCHEMA,
    SCHEMA_VERSION,
    SETTLE_OUTBOX,
    _apply_ops,
    _audit_records,
    _audit_row,
    _check_subject,
    _cursor_values,
    _date,
    _event_row,
    _events,
    _insert_events_sql,
    _relation,
    _rollback,
    _statements,
    agenda_sql,
    outbox_entries,
    outbox_row,
)
from barnekoordinator_plugins.sqlite._uri import file_uri

_BUSY, _LOCKED, _CANTOPEN = 5, 6, 14
"""SQLite's primary result codes for a lock held elsewhere and a file that cannot be opened."""

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

    ``commit_checkpointer`` (a
    [`CommitCheckpointer`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer])
    signs a checkpoint in every write transaction of this handle (decision 39); the store does
    not close it.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "FULL",
        busy_timeout: float = 30.0,
        max_page_count: int | None = None,
        read_only: bool = False,
        create: bool = True,
        catalogue: Catalogue | None = None,
        commit_checkpointer: CommitCheckpointer | None = None,
    ) -> None:
        if commit_checkpointer is not None and (
            read_only or not callable(getattr(commit_checkpointer, "commit", None))
        ):
            raise InvalidConfiguration(
                "sqlite commit_checkpointer: expected a CommitCheckpointer, on a store opened "
                "for writing"
            )
        self._checkpoints = commit_checkpointer
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
        self.create = bool(create) and not self.read_only
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

    def _unavailable(self, exc: sqlite3.Error) -> StorageError:
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        cannot_open = primary == _CANTOPEN or "unable to open" in str(exc)  # connect() has no code
        if cannot_open and not self.create and not os.path.exists(self.path):
            return StoreNotFound(f"store not found: {self.path}")
        if primary in (_BUSY, _LOCKED) or "database is locked" in str(exc):
            return self._locked()
        name = _UNAVAILABLE_CODES.get(code & 0xFF, "") if isinstance(code, int) else ""
        name = name or type(exc).__name__
        # SQLite's messages name the condition, never row values.
        return StorageUnavailable(f"SQLite store {self.path!r} is unavailable: {name}: {exc}")

    def _locked(self) -> StoreLocked:
        holders = lock_holders(self.path)
        by = ", ".join(f"{name}, pid {pid}" for pid, name in holders)
        return StoreLocked(
            f"SQLite store {self.path!r} is locked by another process"
            + (f" (held by {by})" if by else "")
            + f" and stayed locked for the {self.busy_timeout:g} s this store waits; nothing "
            "was written: try again, or wait longer with the option sqlite.busy_timeout=SECONDS",
            holders,
        )

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
        if not self.create:
            # mode=ro / mode=rw: SQLite never creates the file (a missing one is "not found").
            connection = sqlite3.connect(
                file_uri(self.path, "ro" if self.read_only else "rw"),
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
                # A destroyed data key must not linger in freed pages (crypto-shredding).
                connection.execute("PRAGMA secure_delete=ON")
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
        try:
            connection.execute("BEGIN IMMEDIATE")
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
        outbox: Sequence[OutboxMessage] = (),
        subject: SubjectCases | None = None,
        data_key: WrappedDataKey | None = None,
    ) -> int:
        """Append ``records`` (and ``audit`` and ``outbox``, in the same transaction); return the
        new version. ``subject`` is checked, and ``data_key`` (a new case's wrapped data key)
        stored, in that transaction (decision 31)."""
        records = list(records)
        check = AppendCheck.prepare(case_id, expected_version, records, audit=audit)
        messages = [outbox_row(m) for m in outbox_batch(outbox)]
        ops = self._catalogue.project(records)
        rows = list(map(_event_row, records, check.times)) if check.problem is None else []
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                last = connection.execute(_LAST, (case_id,)).fetchone()
                version, last_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS)
                check.check(version, last_hash)
                if subject is not None:
                    _check_subject(
                        connection.execute(_SUBJECT_CASES, (subject.key,)), case_id, subject
                    )
                if data_key is not None:
                    connection.execute(_PUT_KEY, (case_id, data_key.kek_id, data_key.blob))
                stored: list[Row] = []
                if rows:
                    for start in range(0, len(rows), _ROWS_PER_INSERT):
                        chunk = rows[start : start + _ROWS_PER_INSERT]
                        last_row = connection.execute(
                            _insert_events_sql(len(chunk)), list(itertools.chain(*chunk))
                        ).lastrowid
                    _apply_ops(connection, ops)
                    if self._checkpoints is not None and last_row is not None:
                        # One writer at a time: the rows took the next positions, in order.
                        first = last_row - len(rows) + 1
                        stored = [(first + i, r.hash) for i, r in enumerate(records)]
                sealed = None
                if check.audit is not None:
                    sealed = self._insert_audit(connection, check.audit)
                if messages:
                    connection.executemany(INSERT_OUTBOX, messages)
                commit(connection, self._checkpoints, stored, sealed)
            except sqlite3.IntegrityError as exc:
                _rollback(connection)
                # Unreachable under BEGIN IMMEDIATE; kept as the last line of defence.
                actual = self.version(case_id)
                raise ConcurrencyConflict(case_id, expected_version, actual) from exc
            except BaseException:
                _rollback(connection)
                raise
        return version + len(rows)

    def load(self, cases: Iterable[NewCase]) -> int:
        """Store whole histories of new cases in one transaction; return the number of events.

        The bulk path (``docs/scale-plan.md``): the same checks as ``append(case, 0,
        records, audit=…)`` for each case
        ([`prepare_load()`][barnekoordinator.history.storekit.prepare_load]),
        then multi-row inserts of events, audit records, agenda rows and data keys. A case the
        store already holds raises
        [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict]; any failure writes
        nothing of the batch.
        """
        batch = prepare_load(cases, self._catalogue)
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                self._refuse_existing(connection, batch.case_ids)
                rows = [_event_row(record, text) for record, text in batch.events]
                for start in range(0, len(rows), _ROWS_PER_INSERT):
                    chunk = rows[start : start + _ROWS_PER_INSERT]
                    connection.execute(
                        _insert_events_sql(len(chunk)), list(itertools.chain(*chunk))
                    )
                first = int(connection.execute(_LAST_AUDIT_POSITION).fetchone()[0]) + 1
                connection.executemany(
                    _INSERT_AUDIT,
                    [
                        _audit_row(attrs.evolve(audit, position=position))
                        for position, audit in enumerate(batch.audits, start=first)
                    ],
                )
                connection.executemany(
                    _UPSERT_AGENDA,
                    [
                        (a.case_id, a.kind.value, a.key, a.due.isoformat(), a.detail)
                        for a in batch.agenda
                    ],
                )
                connection.executemany(
                    _PUT_KEY, [(case, key.kek_id, key.blob) for case, key in batch.keys]
                )
                commit(connection, self._checkpoints)
            except BaseException:
                _rollback(connection)
                raise
        return len(batch.events)

    def _refuse_existing(self, connection: sqlite3.Connection, case_ids: Sequence[str]) -> None:
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found = connection.execute(
                f"SELECT case_id FROM case_events WHERE case_id IN ({marks}) UNION "  # noqa: S608
                f"SELECT case_id FROM case_audit WHERE case_id IN ({marks}) LIMIT 1",
                [*chunk, *chunk],
            ).fetchone()
            if found is not None:
                case_id = str(found[0])
                raise ConcurrencyConflict(case_id, 0, self._version_in(connection, case_id))

    @staticmethod
    def _version_in(connection: sqlite3.Connection, case_id: str) -> int:
        row = connection.execute(
            "SELECT max(sequence) FROM case_events WHERE case_id = ?", (case_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        connection = self._connection()
        with self._errors():
            row = connection.execute(
                "SELECT max(sequence) FROM case_events WHERE case_id = ?", (case_id,)
            ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order.

        Raises:
            InvalidInput: ``after_version`` is not a whole number that fits in 64 bits.
        """
        after_version = checked_integer(after_version, "after_version")
        connection = self._connection()
        with self._errors():
            rows = connection.execute(_READ_CASE, (case_id, after_version)).fetchall()
        return _events(rows)

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of all cases with position > ``after_position``, in commit order.

        Raises:
            InvalidInput: ``after_position`` or ``limit`` is not a whole number that fits in
                64 bits.
        """
        after_position = checked_integer(after_position, "after_position")
        if checked_integer(limit, "limit") < 1:
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
        after: AgendaCursor | None = None,
    ) -> list[AgendaItem]:
        """Agenda rows due on or before ``until``, ordered by (due, case_id, kind, key).

        Raises:
            InvalidInput: An argument is not what the store takes (see
                [`agenda_filters()`][barnekoordinator.history.storekit.agenda_filters] and
                [`checked_after()`][barnekoordinator.history.paging.checked_after]).
        """
        cursor = checked_after(after)
        kinds, limit = agenda_filters(until, kinds, limit)
        if (kinds is not None and not kinds) or (limit is not None and limit < 1):
            return []
        cap = -1 if limit is None else limit
        values = sorted({kind.value for kind in kinds}) if kinds is not None else []
        params: list[object] = []
        shape = ""
        if case_id is not None:
            params += [case_id, until.isoformat(), *values, *_cursor_values(cursor), cap]
            shape = "*" if cursor else ""
        elif values:
            for value in values:
                params += [value, until.isoformat()]
                if cursor is not None:
                    mark = _relation(value, cursor.kind.value)
                    shape += mark
                    params += [cursor.due.isoformat(), cursor.case_id]
                    params += [cursor.key] if mark == "=" else []
                params.append(cap)
            if len(values) > 1:
                params.append(cap)  # the merge's own limit
        else:
            params += [until.isoformat(), *_cursor_values(cursor), cap]
            shape = "*" if cursor else ""
        sql = agenda_sql(len(values), case_id is not None, shape)
        connection = self._connection()
        with self._errors():
            rows = connection.execute(sql, params).fetchall()
        make, kinds_by_value, day = agenda_row, _KINDS, _date
        try:
            return [
                make(case, kinds_by_value[kind], key, day(due), detail)
                for (case, kind, key, due, detail) in rows
            ]
        except UNREADABLE as exc:
            raise unreadable_rows("agenda", exc) from None

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed."""
        lone_audit(record)
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                sealed = self._insert_audit(connection, record)
                commit(connection, self._checkpoints, (), sealed)
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
        """Audit records of all cases with position > ``after_position``, in commit order.

        Raises:
            InvalidInput: ``after_position`` or ``limit`` is not a whole number that fits in
                64 bits.
        """
        after_position = checked_integer(after_position, "after_position")
        if checked_integer(limit, "limit") < 1:
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

    # -- OutboxStore: the notification outbox (history.outbox) ----------------------------

    def add_outbox(self, messages: Sequence[OutboxMessage]) -> int:
        """Store the messages whose keys are new, in one transaction; return how many were new."""
        rows = [outbox_row(m) for m in outbox_batch(messages)]
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                before = connection.total_changes
                connection.executemany(INSERT_OUTBOX, rows)
                new = connection.total_changes - before
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
        return new

    def claim_outbox(
        self,
        *,
        now: datetime,
        until: datetime,
        claimant: str,
        limit: int = 100,
        lease_now: datetime | None = None,
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` due pending messages for ``claimant`` until ``until``.

        ``BEGIN IMMEDIATE`` serialises claims across threads and processes: two dispatchers
        never see the same message unclaimed.
        """
        if limit < 1:
            return []
        at, lease = format_time(now), format_time(until)
        held = at if lease_now is None else format_time(lease_now)  # leases: the real time
        today = at[:10]  # the UTC date, as outbox_due() takes it
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                due = outbox_entries(connection.execute(DUE_OUTBOX, (today, at, held, limit)))
                connection.executemany(
                    CLAIM_OUTBOX, [(lease, claimant, entry.message.key) for entry in due]
                )
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
        return [attrs.evolve(entry, claimed_until=until) for entry in due]

    def settle_outbox(self, key: str, claimant: str, settlement: Settlement) -> bool:
        """Record the outcome of a message claimed by ``claimant``; False if the claim was lost."""
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                row = connection.execute(
                    LIST_OUTBOX + " WHERE key = ? AND claim_token = ?", (key, claimant)
                ).fetchall()
                entries = outbox_entries(row)
                if not entries or entries[0].status is not OutboxStatus.PENDING:
                    connection.execute("COMMIT")
                    return False
                after = settled(entries[0], settlement)
                nxt = after.next_attempt
                connection.execute(
                    SETTLE_OUTBOX,
                    (
                        after.status.value,
                        after.attempts,
                        None if nxt is None else format_time(nxt),
                        after.note,
                        key,
                        claimant,
                    ),
                )
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
        return True

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """Stored messages (of one status), ordered by ``(not_before, key)``."""
        sql, params = LIST_OUTBOX, tuple[str, ...]()
        if status is not None:
            sql, params = sql + " WHERE status = ?", (status.value,)
        return outbox_entries(self._optional_rows(sql + " ORDER BY not_before, key", params))

    # -- DataKeyStore: the cases' wrapped data keys (history.sealing) ----------------------

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        """The case's wrapped data key, or ``None`` (a file from before version 3 has none)."""
        from barnekoordinator.history.sealing import WrappedDataKey

        rows = self._optional_rows(_GET_KEY, (case_id,))
        return WrappedDataKey(str(rows[0][0]), bytes(rows[0][1])) if rows else None

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        """Store or replace (on rotation) the case's wrapped data key."""
        self._write_key(_PUT_KEY, (case_id, key.kek_id, key.blob))

    def destroy_data_key(self, case_id: str, *, audit: AuditRecord | None = None) -> None:
        """Delete the case's wrapped data key for good (crypto-shredding); ``audit``, the
        shred's audit record of the case, is stored in the same transaction.

        ``secure_delete`` zeroes the freed bytes, and a checkpoint moves them out of the
        write-ahead log (StorageError if a reader outlasts ``busy_timeout``: the deletion stays
        committed; call again to wipe the bytes). A copy of the file taken before still holds
        the wrapped key, which is useless without the key-encryption key.
        """
        if audit is not None and lone_audit(audit).case_id != case_id:
            raise InvalidInput(f"audit record of case {audit.case_id}: not of case {case_id}")
        self._write_key(_DESTROY_KEY, (case_id,), audit)
        try:  # SQLite waits busy_timeout for readers of an older snapshot, then says "busy"
            busy = self._optional_rows("PRAGMA wal_checkpoint(TRUNCATE)")[0][0]
        except StoreLocked:
            busy = 1
        if busy:
            raise StorageError(
                f"SQLite store {self.path!r}: case {case_id}: its data key is deleted (the shred "
                f"is committed), but another connection kept reading for the {self.busy_timeout:g}"
                " s this store waits, so the key's bytes may still be in the file: destroy it "
                "again once the readers are done, which finishes the wipe"
            )

    def data_key_cases(self) -> list[str]:
        """The ids of every case with a wrapped data key, sorted."""
        return [str(r[0]) for r in self._optional_rows(_KEY_CASES)]

    def _optional_rows(self, sql: str, params: tuple[str, ...] = ()) -> list[Any]:
        """The rows of ``sql``; none from a table an older file opened read-only lacks."""
        with self._errors():
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):  # an older file opened read-only
                    return []
                raise

    def _write_key(
        self, sql: str, params: tuple[object, ...], audit: AuditRecord | None = None
    ) -> None:
        connection = self._connection()
        with self._errors():
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(sql, params)
                sealed = None if audit is None else self._insert_audit(connection, audit)
                commit(connection, self._checkpoints if sealed else None, (), sealed)
            except BaseException:
                _rollback(connection)
                raise

    def close(self) -> None:
        """Close every connection this store opened; later calls raise StorageUnavailable."""
        self._closed = True
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()


def _library_catalogue() -> Catalogue:
    # Imported when a store is made, not when the plugin module is loaded: every
    # command loads every plugin, and the catalogue imports all concept modules.
    from barnekoordinator.catalogue import CATALOGUE

    return CATALOGUE

"""The postgres store itself: connections, transactions and the CaseStore methods."""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from barnekoordinator.errors import (
    ConcurrencyConflict,
    InvalidConfiguration,
    StorageError,
    StorageUnavailable,
    SubjectConflict,
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
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord
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
    outbox_values,
    prepare_load,
    readable_outbox,
    settled,
    unreadable_rows,
)
from barnekoordinator_plugins import _options
from barnekoordinator_plugins.postgres._commit import Transaction
from barnekoordinator_plugins.postgres._keys import DataKeys, read_last
from barnekoordinator_plugins.postgres._sessions import Sessions

if TYPE_CHECKING:
    import psycopg

    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.commit_checkpoint import CommitCheckpointer
    from barnekoordinator.history.sealing import WrappedDataKey

from barnekoordinator_plugins.postgres._sql import (
    _AUDIT_FIELDS,
    _AUDIT_V1,
    _COPY_AGENDA,
    _COPY_AUDIT,
    _COPY_EVENTS,
    _COPY_KEYS,
    _DESTROY_KEY,
    _EXISTING,
    _INSERT_AUDIT,
    _INSERT_AUDIT_AT,
    _INSERT_EVENT,
    _INSERT_EVENT_AT,
    _KINDS,
    _LAST_AUDIT,
    _PUT_KEY,
    _READ_ALL,
    _READ_CASE,
    _SET_VERSION,
    _UPGRADE_FROM_1,
    _UPGRADE_FROM_2,
    _UPGRADE_FROM_3,
    _UPGRADE_FROM_4,
    AGENDA_ALL,
    AGENDA_ALL_AFTER,
    AGENDA_BY_KIND,
    AGENDA_BY_KIND_AFTER,
    AGENDA_CASE,
    AGENDA_CASE_AFTER,
    CLAIM_OUTBOX,
    INSERT_OUTBOX,
    LIST_OUTBOX,
    SCHEMA_VERSION,
    SETTLE_OUTBOX,
    _apply_ops,
    _audit_records,
    _audit_row,
    _ddl,
    _event_values,
    _events,
    require_psycopg,
)

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _checked_dsn(pg: ModuleType, dsn: object) -> str:
    """``dsn`` if libpq can parse it; otherwise InvalidConfiguration, never showing the DSN.

    A connection string may hold a password, and libpq's message quotes the part it could not
    read (``invalid percent-encoded token: "%zz"``), so quoted parts are left out of ours.
    """
    if not isinstance(dsn, str):
        raise InvalidConfiguration(
            f"postgres store: expected a URL string, got {type(dsn).__name__}"
        )
    if "\x00" in dsn:
        raise InvalidConfiguration("postgres store: the connection string holds a NUL byte")
    try:
        dsn.encode("utf-8")
        parts = pg.conninfo.conninfo_to_dict(dsn)
    except UnicodeEncodeError:
        raise InvalidConfiguration(
            "postgres store: the connection string holds a lone surrogate (not Unicode text)"
        ) from None
    except (pg.ProgrammingError, ValueError):
        # libpq's message quotes or repeats parts of the string (a password among them, even
        # unquoted next to a control character), so none of it is shown.
        raise InvalidConfiguration(
            "postgres store: not a valid PostgreSQL connection string (libpq cannot parse it); "
            "the string is not shown, it may hold a password"
        ) from None
    ports = parts.get("port")
    # libpq parses any text as a port and refuses it only when it connects, which reads as "the
    # store is unavailable"; a port is a usage error. One per host, comma-separated, may be empty.
    if isinstance(ports, str) and not all(_port(p) for p in ports.split(",")):
        raise InvalidConfiguration(
            "postgres store: expected each port of the connection string to be a whole number "
            "from 1 to 65535"
        )
    return dsn


def _port(text: str) -> bool:
    return text == "" or (
        len(text) <= 5 and text.isascii() and text.isdigit() and 1 <= int(text) <= 65_535
    )


class PostgresCaseStore(DataKeys):
    """A [`CaseStore`][barnekoordinator.history.store.CaseStore] in a PostgreSQL database.

    Safe to share between threads (a connection per thread) and to use from
    many processes and hosts at once. Point it at the primary: ``read_all``
    feeds projections and must not lag behind a replica.

    ``commit_checkpointer`` (a
    [`CommitCheckpointer`][barnekoordinator.history.commit_checkpoint.CommitCheckpointer])
    signs a checkpoint in every write transaction of this handle (decision 39); the store does
    not close it.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str | None = None,
        partitions: int = 0,
        lock_timeout: float = 30.0,
        read_only: bool = False,
        catalogue: Catalogue | None = None,
        commit_checkpointer: CommitCheckpointer | None = None,
    ) -> None:
        if commit_checkpointer is not None and (
            read_only or not callable(getattr(commit_checkpointer, "commit", None))
        ):
            raise InvalidConfiguration(
                "postgres commit_checkpointer: expected a CommitCheckpointer, on a store opened "
                "for writing"
            )
        self._checkpoints = commit_checkpointer
        # Whether an append reads the checkpointer's tails with its positions: when the last
        # one needed them (another session writes too), and at first (decision 39).
        self._read_tails = True
        self._catalogue = catalogue if catalogue is not None else _library_catalogue()
        if schema is not None and not _IDENTIFIER.fullmatch(schema):
            raise InvalidConfiguration(
                "postgres schema: expected a lower-case SQL identifier such as 'barnekoordinator'"
            )
        if (
            not isinstance(partitions, int)
            or isinstance(partitions, bool)
            or not 0 <= partitions <= 1024
        ):
            raise InvalidConfiguration("postgres partitions: expected 0 (none) to 1024")
        self.lock_timeout = _options.check_seconds("postgres lock_timeout", lock_timeout)
        self._pg = require_psycopg()
        self._dsn = _checked_dsn(self._pg, dsn)
        self.schema = schema
        self.partitions = partitions
        self.read_only = bool(read_only)
        # One advisory key per schema, so tenants in one database do not serialise each other.
        self._events_lock = zlib.crc32(f"barnekoordinator.events:{schema or ''}".encode())
        self._audit_lock = zlib.crc32(f"barnekoordinator.audit:{schema or ''}".encode())
        self._audit_source = "case_audit"
        self._keys_table = False  # seen once, the keys table stays: no lookup per key read
        self._sessions = Sessions(self._pg, self._dsn, self._session_options())
        with self._errors():
            self._ensure_schema(self._connection())

    def __repr__(self) -> str:
        # Never show the DSN: it may hold a password.
        return f"PostgresCaseStore(schema={self.schema!r})"

    def __enter__(self) -> PostgresCaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- connections ----------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        return self._sessions.connection()

    def _errors(self) -> AbstractContextManager[None]:
        return self._sessions.errors()

    def _ensure_schema(self, connection: psycopg.Connection[Any]) -> None:
        found = connection.execute(
            "SELECT to_regclass('case_store_meta') IS NOT NULL AND "
            "to_regclass('case_events') IS NOT NULL"
        ).fetchone()
        if found and found[0]:
            self._check_version(connection)
            return
        if self.read_only:
            raise StorageUnavailable("PostgreSQL store has no schema and is opened read-only")
        with connection.transaction():
            # Concurrent first starts (several processes) create the schema one at a time.
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._events_lock + 1,))
            if self.schema is not None:
                connection.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            for statement in _ddl(self.partitions):
                connection.execute(statement)
        self._check_version(connection)

    def _check_version(self, connection: psycopg.Connection[Any]) -> None:
        version = self._version_of(connection)
        if version > SCHEMA_VERSION:
            raise StorageUnavailable(
                f"PostgreSQL store has schema version {version}; this barnekoordinator "
                f"knows version {SCHEMA_VERSION} (upgrade the library)"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            if version == 1:
                self._audit_source = _AUDIT_V1
            return
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._events_lock + 1,))
            version = self._version_of(connection)  # another process may have upgraded meanwhile
            steps = {
                1: _UPGRADE_FROM_1,
                2: _UPGRADE_FROM_2,
                3: _UPGRADE_FROM_3,
                4: _UPGRADE_FROM_4,
            }
            while version < SCHEMA_VERSION:
                for statement in steps[version]:
                    connection.execute(statement)
                version += 1
            connection.execute(_SET_VERSION)

    @staticmethod
    def _version_of(connection: psycopg.Connection[Any]) -> int:
        row = connection.execute(
            "SELECT value FROM case_store_meta WHERE key = 'schema_version'"
        ).fetchone()
        return int(row[0]) if row else 0

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
        sealed_with: WrappedDataKey | None = None,
    ) -> int:
        """Append ``records`` (and ``audit`` and ``outbox``, in the same transaction); return the
        new version. ``subject`` is checked, and ``data_key`` (a new case's wrapped data key)
        stored, in that transaction (decision 31). ``sealed_with`` (the wrapped key the records'
        data key came from) is compared with the case's stored key in the first round trip:
        ``SealingError`` and nothing stored unless they are equal (decision 51)."""
        records = list(records)
        check = AppendCheck.prepare(case_id, expected_version, records, audit=audit)
        messages = [outbox_values(m) for m in outbox_batch(outbox)]
        ops = self._catalogue.project(records)
        # executemany in pipeline mode sends one prepared INSERT per record in a
        # single network write; measured faster here than one INSERT … SELECT
        # FROM unnest(arrays) per batch.
        rows = [_event_values(r) for r in records]
        pg = self._pg
        with self._errors():
            connection = self._connection()
            try:
                # Pipeline mode: BEGIN, the locks and the reads travel in one round
                # trip; the inserts, projections and COMMIT in a second.
                with (
                    Transaction(connection, self._checkpoints, pipeline=True) as transaction,
                    connection.cursor() as cursor,
                ):
                    # The locks on cursors of their own: in pipeline mode a result can arrive
                    # while a later statement is sent (the server flushes a full buffer, as a
                    # long tail below fills it), and it then becomes its cursor's result, so
                    # ``cursor`` runs nothing before the read it fetches.
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._events_lock,))
                    if check.audit is not None:
                        # Events lock first, then the audit lock (append_audit takes only
                        # the latter, so the order cannot deadlock).
                        connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._audit_lock,))
                    # A checkpointer's positions and tails, read in this round trip too.
                    transaction.draw(len(records), check.audit is not None, tails=self._read_tails)
                    # A new statement, so a new snapshot: it sees every append that committed
                    # before the lock was granted; with ``sealed_with``, the case's key too.
                    last, last_audit, held = read_last(
                        cursor, case_id, check.audit is not None, sealed_with
                    )
                    version, last_hash = (int(last[0]), str(last[1])) if last else (0, GENESIS)
                    check.check(version, last_hash)
                    if sealed_with is not None:
                        from barnekoordinator.history.sealing import confirm_sealed_with

                        confirm_sealed_with(case_id, held, sealed_with)
                    if subject is not None:
                        # Under the events lock: no other append can add a case meanwhile.
                        _check_subject(
                            cursor.execute(_SUBJECT_CASES, (subject.key,)), case_id, subject
                        )
                    if data_key is not None:
                        cursor.execute(_PUT_KEY, (case_id, data_key.kek_id, data_key.blob))
                    positions = transaction.event_positions()
                    if positions:
                        at = zip(positions, rows, strict=True)
                        cursor.executemany(_INSERT_EVENT_AT, [(p, *row) for p, row in at])
                    elif rows:
                        cursor.executemany(_INSERT_EVENT, rows)
                    if records:
                        _apply_ops(cursor, ops)
                    trail: list[tuple[int, str]] = []
                    if check.audit is not None:
                        sequence, prev = (
                            (int(last_audit[0]), str(last_audit[1])) if last_audit else (0, GENESIS)
                        )
                        sealed = check.audit.sealed(sequence + 1, prev)
                        position = transaction.audit_position()
                        if position is None:
                            cursor.execute(_INSERT_AUDIT, _audit_row(sealed))
                        else:
                            cursor.execute(_INSERT_AUDIT_AT, (*_audit_row(sealed), position))
                            trail = [(position, sealed.hash)]
                    if messages:
                        cursor.executemany(INSERT_OUTBOX, messages)
                    # Drawn for every record, or (no checkpointer) for none.
                    hashes = [r.hash for r in records] if positions else []
                    stored = list(zip(positions, hashes, strict=True))
                    transaction.commit(stored, trail)
                self._read_tails = transaction.read_back
            except pg.errors.UniqueViolation as exc:
                # Only reachable by a writer that bypasses the advisory lock.
                raise ConcurrencyConflict(case_id, expected_version, self.version(case_id)) from exc
        return version + len(records)

    def load(self, cases: Iterable[NewCase]) -> int:
        """Store whole histories of new cases in one transaction; return the number of events.

        The bulk path (``docs/scale-plan.md``): the same checks as ``append(case, 0,
        records, audit=…)`` for each case
        ([`prepare_load()`][barnekoordinator.history.storekit.prepare_load]),
        then ``COPY`` of events, audit records, agenda rows and data keys under both append
        locks, so positions stay in commit order. A case the store already holds raises
        [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict]; any failure writes
        nothing of the batch.
        """
        batch = prepare_load(cases, self._catalogue)
        with self._errors():
            connection = self._connection()
            with (
                Transaction(connection, self._checkpoints, pipeline=False) as transaction,
                connection.cursor() as cursor,
            ):
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._events_lock,))
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._audit_lock,))
                found = cursor.execute(_EXISTING, (list(batch.case_ids),) * 2).fetchone()
                if found is not None:
                    case_id = str(found[0])
                    raise ConcurrencyConflict(case_id, 0, self._version_in(cursor, case_id))
                with cursor.copy(_COPY_EVENTS) as copy:
                    for record, _ in batch.events:
                        copy.write_row(_event_values(record))
                with cursor.copy(_COPY_AUDIT) as copy:
                    for audit in batch.audits:
                        copy.write_row(_audit_row(audit))
                with cursor.copy(_COPY_AGENDA) as copy:
                    for a in batch.agenda:
                        copy.write_row((a.case_id, a.kind.value, a.key, a.due, a.detail))
                with cursor.copy(_COPY_KEYS) as copy:
                    for case_id, key in batch.keys:
                        copy.write_row((case_id, key.kek_id, key.blob))
                # Positions from the sequences' defaults: a checkpointer reads the tails back.
                transaction.commit()
        return len(batch.events)

    @staticmethod
    def _version_in(cursor: psycopg.Cursor[Any], case_id: str) -> int:
        row = cursor.execute(
            "SELECT max(sequence) FROM case_events WHERE case_id = %s", (case_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def version(self, case_id: str) -> int:
        """The number of events of the case (0 for an unknown case)."""
        with self._errors():
            row = (
                self._connection()
                .execute("SELECT max(sequence) FROM case_events WHERE case_id = %s", (case_id,))
                .fetchone()
            )
        return int(row[0]) if row and row[0] is not None else 0

    def read(self, case_id: str, *, after_version: int = 0) -> list[EventRecord]:
        """The case's records with sequence > ``after_version``, in order.

        Raises:
            InvalidInput: ``after_version`` is not a whole number that fits in 64 bits.
        """
        after_version = checked_integer(after_version, "after_version")
        with self._errors(), self._connection().cursor(binary=True) as cursor:
            rows = cursor.execute(_READ_CASE, (case_id, after_version)).fetchall()
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
        with self._errors(), self._connection().cursor(binary=True) as cursor:
            rows = cursor.execute(_READ_ALL, (after_position, limit)).fetchall()
        return _events(rows)

    def find_cases(self, subject_key: str) -> list[str]:
        """Ids of the cases whose records carry this keyed hash, sorted."""
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    "SELECT DISTINCT case_id FROM case_events WHERE subject_key = %s "
                    "ORDER BY case_id",
                    (subject_key,),
                )
                .fetchall()
            )
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
        values = sorted({kind.value for kind in kinds}) if kinds is not None else None
        sql: str
        params: tuple[object, ...]
        if cursor is None:
            if case_id is not None:
                sql, params = AGENDA_CASE, (case_id, until, values, values, limit)
            elif values is not None:
                sql, params = AGENDA_BY_KIND, (values, until, limit, limit)
            else:
                sql, params = AGENDA_ALL, (until, limit)
        else:
            row = (cursor.due, cursor.case_id, cursor.kind.value, cursor.key)
            if case_id is not None:
                sql, params = AGENDA_CASE_AFTER, (case_id, until, values, values, *row, limit)
            elif values is not None:
                due, case, kind, key = row
                seek = (due, case, due, case, kind, kind, key)
                sql, params = AGENDA_BY_KIND_AFTER, (values, until, *seek, limit, limit)
            else:
                sql, params = AGENDA_ALL_AFTER, (until, *row, limit)
        with self._errors():
            rows = self._connection().execute(sql, params).fetchall()
        make, kinds_by_value = agenda_row, _KINDS
        try:
            return [
                make(case, kinds_by_value[kind], key, due, detail)
                for (case, kind, key, due, detail) in rows
            ]
        except UNREADABLE as exc:
            raise unreadable_rows("agenda", exc) from None

    def append_audit(self, record: AuditRecord) -> AuditRecord:
        """Number, chain and store one audit record; return it sealed."""
        return self._audit_alone(record)

    def _audit_alone(self, record: AuditRecord, destroy_key: str | None = None) -> AuditRecord:
        """``append_audit``; with ``destroy_key``, that case's wrapped data key is deleted in
        the same transaction (a recorded crypto-shred)."""
        lone_audit(record)
        pg = self._pg
        with self._errors():
            connection = self._connection()
            try:
                with (
                    Transaction(connection, self._checkpoints, pipeline=False) as transaction,
                    connection.cursor() as cursor,
                ):
                    # One audit writer at a time per schema: positions commit in order.
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._audit_lock,))
                    if destroy_key is not None:
                        cursor.execute(_DESTROY_KEY, (destroy_key,))
                    last = cursor.execute(_LAST_AUDIT, (record.case_id,)).fetchone()
                    sequence, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
                    sealed = record.sealed(sequence + 1, prev)
                    row = cursor.execute(
                        _INSERT_AUDIT + " RETURNING position", _audit_row(sealed)
                    ).fetchone()
                    transaction.commit((), [(int(row[0]), sealed.hash)] if row else [])
            except pg.errors.UniqueViolation as exc:  # pragma: no cover - the lock prevents it
                raise StorageError("audit record could not be chained; retry") from exc
        return attrs.evolve(sealed, position=int(row[0]) if row else None)

    def read_audit(self, case_id: str) -> list[AuditRecord]:
        """The case's audit trail in order."""
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    f"SELECT {_AUDIT_FIELDS} FROM {self._audit_source} "  # noqa: S608 - constants
                    "WHERE case_id = %s ORDER BY sequence",
                    (case_id,),
                )
                .fetchall()
            )
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
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    f"SELECT {_AUDIT_FIELDS} FROM {self._audit_source} "  # noqa: S608 - constants
                    "WHERE position > %s ORDER BY position LIMIT %s",
                    (after_position, limit),
                )
                .fetchall()
            )
        return _audit_records(rows)

    def case_ids(self) -> list[str]:
        """Every case id with events or audit records, sorted."""
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    "SELECT case_id FROM case_events GROUP BY case_id UNION "
                    "SELECT case_id FROM case_audit GROUP BY case_id ORDER BY 1"
                )
                .fetchall()
            )
        return [str(row[0]) for row in rows]

    # -- OutboxStore: the notification outbox (history.outbox) ----------------------------

    def add_outbox(self, messages: Sequence[OutboxMessage]) -> int:
        """Store the messages whose keys are new, in one transaction; return how many were new."""
        rows = [outbox_values(m) for m in outbox_batch(messages)]
        new = 0
        with self._errors():
            connection = self._connection()
            with connection.transaction(), connection.cursor() as cursor:
                for row in rows:
                    new += cursor.execute(INSERT_OUTBOX, row).rowcount
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

        ``FOR UPDATE SKIP LOCKED``: concurrent dispatchers claim disjoint messages.
        """
        if limit < 1:
            return []
        today = now.astimezone(UTC).date()
        with self._errors():
            connection = self._connection()
            with connection.transaction():
                rows = connection.execute(
                    CLAIM_OUTBOX,
                    (until, claimant, today, now, now if lease_now is None else lease_now, limit),
                ).fetchall()
                # A row that cannot be read is skipped, reported and left unclaimed, as the
                # SQLite store leaves it: one edited row must not stop the others.
                entries = readable_outbox(rows)
                if len(entries) < len(rows):
                    read = {e.message.key for e in entries}
                    connection.execute(
                        "UPDATE case_outbox SET claimed_until = NULL, claim_token = NULL "
                        "WHERE key = ANY(%s) AND claim_token = %s",
                        ([row[0] for row in rows if row[0] not in read], claimant),
                    )
        return sorted(entries, key=lambda e: (e.message.not_before, e.message.key))

    def settle_outbox(self, key: str, claimant: str, settlement: Settlement) -> bool:
        """Record the outcome of a message claimed by ``claimant``; False if the claim was
        lost."""
        with self._errors():
            connection = self._connection()
            with connection.transaction():
                row = connection.execute(
                    LIST_OUTBOX + " WHERE key = %s AND claim_token = %s FOR UPDATE",
                    (key, claimant),
                ).fetchone()
                entries = readable_outbox([] if row is None else [row])
                if not entries or entries[0].status is not OutboxStatus.PENDING:
                    return False
                after = settled(entries[0], settlement)
                connection.execute(
                    SETTLE_OUTBOX,
                    (
                        after.status.value,
                        after.attempts,
                        after.next_attempt,
                        after.note,
                        key,
                        claimant,
                    ),
                )
        return True

    def outbox(self, *, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """Stored messages (of one status), ordered by ``(not_before, key)``."""
        with self._errors():
            connection = self._connection()
            found = connection.execute("SELECT to_regclass('case_outbox')").fetchone()
            if not found or found[0] is None:  # an older schema opened read-only
                return []
            if status is None:
                rows = connection.execute(LIST_OUTBOX + " ORDER BY not_before, key").fetchall()
            else:
                rows = connection.execute(
                    LIST_OUTBOX + " WHERE status = %s ORDER BY not_before, key", (status.value,)
                ).fetchall()
        return readable_outbox(rows)

    def _session_options(self) -> str:
        options = [
            f"-c lock_timeout={int(self.lock_timeout * 1000)}",
            # UTC sessions: timestamps arrive in UTC and need no conversion.
            "-c TimeZone=UTC",
            # Prepared statements keep one plan with run-time partition pruning
            # instead of re-planning against every partition on each call.
            "-c plan_cache_mode=force_generic_plan",
        ]
        if self.schema is not None:
            options.append(f"-c search_path={self.schema}")
        if self.read_only:
            options.append("-c default_transaction_read_only=on")
        return " ".join(options)

    def close(self) -> None:
        """Close every connection this store opened; later calls raise StorageUnavailable."""
        self._sessions.close()


def _library_catalogue() -> Catalogue:
    # Imported when a store is made, not when the plugin module is loaded: every
    # command loads every plugin, and the catalogue imports all concept modules.
    from barnekoordinator.catalogue import CATALOGUE

    return CATALOGUE


_SUBJECT_CASES = "SELECT DISTINCT case_id FROM case_events WHERE subject_key = %s"


def _check_subject(rows: Iterable[Sequence[object]], case_id: str, subject: SubjectCases) -> None:
    """Raise ``SubjectConflict`` unless the stored cases for the key are the expected ones."""
    if subject.differs(case_id, [str(row[0]) for row in rows]):
        raise SubjectConflict(case_id)

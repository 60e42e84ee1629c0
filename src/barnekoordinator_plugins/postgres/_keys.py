"""The postgres store's wrapped data keys: the DataKeyStore methods, a case read with its key,
and the key an append confirms in its own transaction (decision 51)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.storekit import checked_integer
from barnekoordinator_plugins.postgres._sql import (
    _DESTROY_KEY,
    _GET_KEY,
    _KEY_CASES,
    _LAST,
    _LAST_BOTH,
    _PUT_KEY,
    _READ_CASE,
    _events,
)

if TYPE_CHECKING:
    import psycopg

    from barnekoordinator.history.records import AuditRecord, EventRecord
    from barnekoordinator.history.sealing import WrappedDataKey

__all__ = ["DataKeys", "read_last"]

# The case's last event (and last audit record) and its wrapped key in one statement: one result
# to wait for, in the append's first round trip. The key row is locked against a DELETE (a
# shred) until the append commits; a rotation's UPDATE of kek_id and blob is not blocked (FOR KEY
# SHARE) and keeps the data key the same.
_LAST_KEY: Final = (
    "SELECT e.sequence, e.hash, NULL, NULL, k.kek_id, k.blob FROM (SELECT 1) AS one "
    "LEFT JOIN LATERAL (SELECT sequence, hash FROM case_events WHERE case_id = %s "
    "ORDER BY sequence DESC LIMIT 1) AS e ON true "
    "LEFT JOIN LATERAL (SELECT kek_id, blob FROM case_keys WHERE case_id = %s "
    "FOR KEY SHARE) AS k ON true"
)
_LAST_BOTH_KEY: Final = (
    "SELECT e.sequence, e.hash, a.sequence, a.hash, k.kek_id, k.blob FROM (SELECT 1) AS one "
    "LEFT JOIN LATERAL (SELECT sequence, hash FROM case_events WHERE case_id = %s "
    "ORDER BY sequence DESC LIMIT 1) AS e ON true "
    "LEFT JOIN LATERAL (SELECT sequence, hash FROM case_audit WHERE case_id = %s "
    "ORDER BY sequence DESC LIMIT 1) AS a ON true "
    "LEFT JOIN LATERAL (SELECT kek_id, blob FROM case_keys WHERE case_id = %s "
    "FOR KEY SHARE) AS k ON true"
)

# The case's records (after a version) with its wrapped key on every row: one statement.
_READ_WITH_KEY: Final = (
    "SELECT e.position, e.case_id, e.sequence, e.type, e.schema_version, e.recorded_at, "
    "e.actor, e.payload, e.legal_basis, e.subject_key, e.prev_hash, e.hash, k.kek_id, k.blob "
    "FROM (SELECT 1) AS one "
    "LEFT JOIN LATERAL (SELECT kek_id, blob FROM case_keys WHERE case_id = %s) AS k ON true "
    "LEFT JOIN LATERAL (SELECT position, case_id, sequence, type, schema_version, recorded_at, "
    "actor, payload, legal_basis, subject_key, prev_hash, hash FROM case_events "
    "WHERE case_id = %s AND sequence > %s ORDER BY sequence) AS e ON true"
)

Row = tuple[Any, ...]


def read_last(
    cursor: psycopg.Cursor[Any], case_id: str, audit: bool, sealed_with: WrappedDataKey | None
) -> tuple[Row | None, Row | None, WrappedDataKey | None]:
    """The case's last event ``(sequence, hash)``, its last audit record (when ``audit``) and,
    when ``sealed_with`` is given, the wrapped key the store holds for the case, read by one
    statement of the append's first round trip (a new statement: a new snapshot, after the locks).
    """
    if sealed_with is None and not audit:
        return cursor.execute(_LAST, (case_id,)).fetchone(), None, None
    if sealed_with is None:
        both = cursor.execute(_LAST_BOTH, (case_id, case_id)).fetchone()
    elif audit:
        both = cursor.execute(_LAST_BOTH_KEY, (case_id, case_id, case_id)).fetchone()
    else:
        both = cursor.execute(_LAST_KEY, (case_id, case_id)).fetchone()
    last = both[:2] if both and both[0] is not None else None
    last_audit = both[2:4] if both and both[2] is not None else None
    held = _key(both[4:6]) if sealed_with is not None and both else None
    return last, last_audit, held


def _key(row: Row | None) -> WrappedDataKey | None:
    # Imported here: every command loads the plugins, and sealing imports cryptography.
    from barnekoordinator.history.sealing import WrappedDataKey

    return None if row is None or row[0] is None else WrappedDataKey(str(row[0]), bytes(row[1]))


class DataKeys:
    """The DataKeyStore methods of
    [`PostgresCaseStore`][barnekoordinator_plugins.postgres.PostgresCaseStore], and
    ``read_with_data_key``."""

    _keys_table: bool

    if TYPE_CHECKING:

        def _connection(self) -> psycopg.Connection[Any]: ...
        def _errors(self) -> AbstractContextManager[None]: ...
        def _audit_alone(
            self, record: AuditRecord, destroy_key: str | None = None
        ) -> AuditRecord: ...

    def read_with_data_key(
        self, case_id: str, *, after_version: int = 0
    ) -> tuple[list[EventRecord], WrappedDataKey | None]:
        """``read(case_id, after_version=…)`` and ``get_data_key(case_id)`` in one statement, so
        one round trip (decision 51; measured faster than the two statements in one pipeline).

        Raises:
            InvalidInput: ``after_version`` is not a whole number that fits in 64 bits.
        """
        after_version = checked_integer(after_version, "after_version")
        if not self._has_keys_table():  # an older schema opened read-only: no keys at all
            with self._errors(), self._connection().cursor(binary=True) as cursor:
                return _events(cursor.execute(_READ_CASE, (case_id, after_version))), None
        with self._errors(), self._connection().cursor(binary=True) as cursor:
            rows = cursor.execute(_READ_WITH_KEY, (case_id, case_id, after_version)).fetchall()
        # Every row carries the key (none: one row of NULL events, for a case with no events).
        found = _key(rows[0][12:]) if rows else None
        events = [row[:12] for row in rows if row[0] is not None]
        # In sequence order as the lateral scan yields them; sorted here, not by a server Sort
        # (linear on sorted rows), since SQL promises no order without an outer ORDER BY.
        events.sort(key=itemgetter(2))
        return _events(events), found

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        """The case's wrapped data key, or ``None`` (a schema from before version 3 has none)."""
        if not self._has_keys_table():
            return None
        with self._errors():
            row = self._connection().execute(_GET_KEY, (case_id,)).fetchone()
        return _key(row)

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        """Store or replace (on rotation) the case's wrapped data key."""
        with self._errors():
            connection = self._connection()
            with connection.transaction():
                connection.execute(_PUT_KEY, (case_id, key.kek_id, key.blob))

    def destroy_data_key(self, case_id: str, *, audit: AuditRecord | None = None) -> None:
        """Delete the case's wrapped data key (crypto-shredding); ``audit``, the shred's audit
        record of the case, is stored in the same transaction.

        The row is gone for every reader at once; its bytes stay in the table's file until
        PostgreSQL reuses or vacuums the space, and in any backup taken before. Without the
        key-encryption key none of those copies opens. An append confirming the key
        (``sealed_with``) holds the row until it commits, so the deletion waits for it, and an
        append after the deletion is refused.
        """
        if audit is not None:
            if audit.case_id != case_id:
                raise InvalidInput(f"audit record of case {audit.case_id}: not of case {case_id}")
            self._audit_alone(audit, destroy_key=case_id)
            return
        with self._errors():
            connection = self._connection()
            with connection.transaction():
                connection.execute(_DESTROY_KEY, (case_id,))

    def data_key_cases(self) -> list[str]:
        """The ids of every case with a wrapped data key, sorted."""
        if not self._has_keys_table():
            return []
        with self._errors():
            return [str(r[0]) for r in self._connection().execute(_KEY_CASES).fetchall()]

    def _has_keys_table(self) -> bool:
        # A schema opened read-only may be older than the keys table (until a writer makes it).
        if self._keys_table:
            return True
        with self._errors():
            found = self._connection().execute("SELECT to_regclass('case_keys')").fetchone()
        self._keys_table = bool(found and found[0] is not None)
        return self._keys_table

"""The stored form of history: :class:`EventRecord` and :class:`AuditRecord`.

Stores persist records, never domain classes (the core turns records into
events and back in :mod:`barnekoordinator.serialization`, upcasting old schema
versions on the way). Both kinds of record are hash-chained per stream: each
holds the hash of the previous one, and :func:`verify_events` /
:func:`verify_audit` detect any edited, removed, inserted or reordered record.

No record field may hold a personal identifier in clear except the event
``payload`` itself; ``actor`` is an opaque actor id and ``subject_key`` is a
keyed hash (:func:`barnekoordinator.identifiers.subject_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from barnekoordinator._hashchain import GENESIS, chain_hash
from barnekoordinator.clock import ensure_utc
from barnekoordinator.errors import ChainBroken, InvalidInput

__all__ = [
    "GENESIS",
    "AuditRecord",
    "EventRecord",
    "format_time",
    "parse_time",
    "verify_audit",
    "verify_events",
]


def format_time(value: datetime) -> str:
    """Canonical text form of a UTC instant: ``2026-11-22T10:15:00.000000+00:00``."""
    return ensure_utc(value).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """Parse :func:`format_time` output (or any ISO 8601 aware time) back to UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"expected an ISO 8601 time with offset, got {text!r}") from None
    return ensure_utc(value)


def _utc(value: datetime) -> datetime:
    return ensure_utc(value, what="recorded_at")


def _keys(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class EventRecord:
    """One stored event of one case.

    ``payload`` is canonical JSON text (sorted keys, no spaces) and is hashed as
    stored. ``position`` is the store's global order, assigned on append and not
    part of the hash (the same history may sit at other positions in another store).
    """

    case_id: str
    sequence: int
    type: str
    schema_version: int
    recorded_at: datetime = attrs.field(converter=_utc)
    actor: str
    payload: str
    legal_basis: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    subject_key: str | None = None
    prev_hash: str = GENESIS
    hash: str = ""
    position: int | None = attrs.field(default=None, eq=False)

    def _content(self) -> list[str | int | None]:
        return [
            self.case_id,
            self.sequence,
            self.type,
            self.schema_version,
            format_time(self.recorded_at),
            self.actor,
            self.payload,
            ",".join(self.legal_basis),
            self.subject_key,
        ]

    def expected_hash(self) -> str:
        """The hash this record must carry given its content and ``prev_hash``."""
        return chain_hash(self.prev_hash, self._content())

    def sealed(self, prev_hash: str) -> EventRecord:
        """A copy chained after a record whose hash is ``prev_hash``."""
        unsealed = attrs.evolve(self, prev_hash=prev_hash, hash="")
        return attrs.evolve(unsealed, hash=unsealed.expected_hash())


@attrs.frozen(kw_only=True)
class AuditRecord:
    """One audited read or write (allowed or denied) on one case.

    ``actor`` is an opaque actor id and ``actor_label`` what the family is shown
    (name and service, never a national id). ``basis`` holds legal reference keys.
    """

    case_id: str
    sequence: int
    at: datetime = attrs.field(converter=_utc)
    actor: str
    actor_label: str
    action: str
    target: str
    allowed: bool
    reason: str
    basis: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    prev_hash: str = GENESIS
    hash: str = ""

    def _content(self) -> list[str | int | None]:
        return [
            self.case_id,
            self.sequence,
            format_time(self.at),
            self.actor,
            self.actor_label,
            self.action,
            self.target,
            int(self.allowed),
            self.reason,
            ",".join(self.basis),
        ]

    def expected_hash(self) -> str:
        """The hash this record must carry given its content and ``prev_hash``."""
        return chain_hash(self.prev_hash, self._content())

    def sealed(self, sequence: int, prev_hash: str) -> AuditRecord:
        """A copy numbered ``sequence`` and chained after ``prev_hash``."""
        unsealed = attrs.evolve(self, sequence=sequence, prev_hash=prev_hash, hash="")
        return attrs.evolve(unsealed, hash=unsealed.expected_hash())


def _verify(
    stream: str,
    records: Iterable[EventRecord | AuditRecord],
    *,
    start_sequence: int,
    start_hash: str,
) -> None:
    expected_sequence = start_sequence
    prev = start_hash
    for record in records:
        if record.case_id != stream:
            raise ChainBroken(stream, record.sequence, "record of another case inserted")
        if record.sequence != expected_sequence:
            reason = (
                "record missing before this one"
                if record.sequence > expected_sequence
                else "record inserted or reordered"
            )
            raise ChainBroken(stream, record.sequence, reason)
        if record.prev_hash != prev:
            raise ChainBroken(stream, record.sequence, "link to previous record broken")
        if record.hash != record.expected_hash():
            raise ChainBroken(stream, record.sequence, "record content edited")
        prev = record.hash
        expected_sequence += 1


def verify_events(
    case_id: str,
    records: Sequence[EventRecord],
    *,
    expected_version: int | None = None,
) -> None:
    """Check the hash chain of one case's full history; raise :class:`ChainBroken`.

    ``expected_version``, when known (e.g. from a store's version counter),
    also catches records removed from the end.
    """
    _verify(case_id, records, start_sequence=1, start_hash=GENESIS)
    if expected_version is not None and len(records) != expected_version:
        raise ChainBroken(
            case_id, len(records) + 1, f"{expected_version - len(records)} record(s) missing at end"
        )


def verify_audit(case_id: str, records: Sequence[AuditRecord]) -> None:
    """Check the hash chain of one case's audit trail; raise :class:`ChainBroken`."""
    _verify(case_id, records, start_sequence=1, start_hash=GENESIS)

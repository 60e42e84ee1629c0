"""The stored form of history: [`EventRecord`][barnekoordinator.history.records.EventRecord] and
[`AuditRecord`][barnekoordinator.history.records.AuditRecord].

Stores persist records, never domain classes (the core turns records into events and back in
[`barnekoordinator.history.serialization`][barnekoordinator.history.serialization], upcasting old
schema versions on the way). Both kinds of record are hash-chained per stream: each holds the hash
of the previous one, and [`verify_events()`][barnekoordinator.history.records.verify_events] /
[`verify_audit()`][barnekoordinator.history.records.verify_audit] detect any edited, removed,
inserted or reordered record.

No record field may hold a personal identifier in clear except the event ``payload`` itself;
``actor`` is an opaque actor id and ``subject_key`` is a keyed hash
([`barnekoordinator.identifiers.subject_key()`][barnekoordinator.identifiers.subject_key]).

**One encoding per content.** A record's hash covers its fields as one JSON array, so no two
records with different content hash alike. A list of legal reference keys is one field: it is
written as its keys joined by ``,`` when every key is non-empty and holds no comma — the form of
every key the library has (slugs such as ``pbrl-2-5-c``), so every hash written before stays valid
— and as a JSON array otherwise ([`basis_field()`][barnekoordinator.history.records.basis_field]).
The two forms are different JSON types, so ``("a", "b")`` and ``("a,b",)`` never hash alike, and a
record read back from a file where one was turned into the other fails its hash check. An audit
record's stored range is hashed only when it has one, so audit records written before the range
existed keep their hashes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import json.encoder
import weakref
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

import attrs

from barnekoordinator.clock import ensure_utc
from barnekoordinator.errors import ChainBroken, InvalidInput
from barnekoordinator.history._hashchain import GENESIS, chain_hash

__all__ = [
    "GENESIS",
    "AuditRecord",
    "EventRecord",
    "basis_field",
    "content_hash",
    "format_time",
    "parse_time",
    "verify_audit",
    "verify_events",
]


def format_time(value: datetime) -> str:
    """Canonical text form of a UTC instant: ``2026-11-22T10:15:00.000000+00:00``."""
    return ensure_utc(value).isoformat(timespec="microseconds")


def parse_time(text: str, *, what: str = "time") -> datetime:
    """Parse [`format_time()`][barnekoordinator.history.records.format_time] output (or any ISO 8601
    aware time) back to UTC.

    Raises:
        InvalidInput: ``text`` is not an ISO 8601 time with an offset, or has no UTC form (an
            offset time at the very start or end of year 1 or 9999); the message names ``what``
            and never repeats the text.
    """
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}: expected an ISO 8601 time with offset") from None
    return ensure_utc(value, what=what)


def _utc(value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(f"recorded_at: expected a datetime, got {type(value).__name__}")
    return ensure_utc(value, what="recorded_at")


def _keys(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, tuple) and all(type(key) is str for key in value):
        return value  # the common case: a class's LEGAL_BASIS, a stored record's keys
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInput(
            f"legal_basis: expected a list of legal reference keys, got {type(value).__name__}"
        )
    keys = tuple(value)
    if not all(isinstance(key, str) for key in keys):
        raise InvalidInput("legal_basis: expected a list of texts (legal reference keys)")
    return keys


def basis_field(keys: tuple[str, ...]) -> str | list[str]:
    """The hashed form of a list of legal reference keys: one JSON value, never ambiguous.

    The keys joined by ``,`` when every key is non-empty and comma-free (every key the library
    has, so hashes written before keep verifying); otherwise the keys as a JSON array. Splitting
    the joined text at its commas gives the keys back, and an array is another JSON type than a
    text, so two different lists never give the same field.
    """
    if all(key and "," not in key for key in keys):
        return ",".join(keys)
    return list(keys)


def _surrogate(what: str) -> InvalidInput:
    """The error for a record whose text holds a lone surrogate: it has no UTF-8 form to hash."""
    return InvalidInput(
        f"{what}: expected Unicode text; a field holds a lone surrogate (invalid UTF-8?)"
    )


def _payload_length(payload: str) -> str:
    return f"<{len(payload)} characters>"


@attrs.frozen(kw_only=True)
class EventRecord:
    """One stored event of one case.

    ``payload`` is canonical JSON text (sorted keys, no spaces) and is hashed as
    stored. ``position`` is the store's global order, assigned on append and not
    part of the hash (the same history may sit at other positions in another store).
    ``repr()`` shows only the payload's length: a history written without a case
    cipher holds identity numbers in clear, and a repr ends up in logs.
    """

    case_id: str
    sequence: int
    type: str
    schema_version: int
    recorded_at: datetime = attrs.field(converter=_utc)
    actor: str
    payload: str = attrs.field(repr=_payload_length)
    legal_basis: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    subject_key: str | None = None
    prev_hash: str = GENESIS
    hash: str = ""
    position: int | None = attrs.field(default=None, eq=False)

    def _content(self) -> list[str | int | list[str] | None]:
        return [
            self.case_id,
            self.sequence,
            self.type,
            self.schema_version,
            format_time(self.recorded_at),
            self.actor,
            self.payload,
            basis_field(self.legal_basis),
            self.subject_key,
        ]

    def expected_hash(self) -> str:
        """The hash this record must carry given its content and ``prev_hash``."""
        return chain_hash(self.prev_hash, self._content())

    def sealed(self, prev_hash: str) -> EventRecord:
        """A copy chained after a record whose hash is ``prev_hash``."""
        # A record built unsealed after ``prev_hash`` (as to_record builds it) is hashed as it
        # is; one copy fewer per appended event.
        if self.prev_hash == prev_hash and self.hash == "":
            unsealed = self
        else:
            unsealed = attrs.evolve(self, prev_hash=prev_hash, hash="")
        try:
            digest, time_text = _event_stamp(unsealed)
        except UnicodeEncodeError:
            raise _surrogate("EventRecord") from None
        record = attrs.evolve(unsealed, hash=digest)
        _remember_sealed(record, time_text)
        return record


def _seal_own(record: EventRecord) -> EventRecord:
    """``record.sealed(record.prev_hash)`` for a record that has no hash yet and that no one else
    holds (the one [`to_record()`][barnekoordinator.history.serialization.to_record] has just
    built): the hash is set on that object instead of on a copy, one attrs construction fewer per
    appended event. The result is equal to what ``sealed`` returns and is remembered the same way.
    """
    if record.hash != "":
        raise RuntimeError("_seal_own: the record is sealed already")  # a caller bug, not input
    digest, time_text = _event_stamp(record)
    object.__setattr__(record, "hash", digest)  # frozen for everyone else; not yet shared
    _remember_sealed(record, time_text)
    return record


_SEALED: Final[dict[str, tuple[weakref.ref[EventRecord], str]]] = {}
"""The records [`EventRecord.sealed()`][barnekoordinator.history.records.EventRecord.sealed] made in
this process and still alive.

By hash: a weak reference to the record and its canonical time text. A store checks the hash of
every record it is given ([`_event_stamp()`][barnekoordinator.history.records._event_stamp]); a
record that *is* one of these — the very object, frozen, whose hash was computed from its content
when it was made — has been checked already, so it is not hashed a second time. Any other record
(built by hand, read back, imported, a copy) is hashed in full. An entry goes when its record does.
"""


def _remember_sealed(record: EventRecord, time_text: str) -> None:
    key = record.hash

    def forget(ref: weakref.ref[EventRecord]) -> None:
        entry = _SEALED.get(key)
        if entry is not None and entry[0] is ref:  # not a newer record with the same hash
            _SEALED.pop(key, None)

    _SEALED[key] = (weakref.ref(record, forget), time_text)


@attrs.frozen(kw_only=True)
class AuditRecord:
    """One audited read or write (allowed or denied) on one case.

    ``actor`` is an opaque actor id and ``actor_label`` what the family is shown
    (name and service, never a national id). ``basis`` holds legal reference keys.

    ``first_sequence``/``last_sequence`` is the range of event sequences the write it audits
    stored, in the same transaction (``CaseStore.append(..., audit=record)``); both are ``None``
    for reads, refusals and anything else that stored no events. ``verify`` checks that every event
    is covered by exactly one such range. ``position`` is the store's global order of audit
    records, assigned when stored and not part of the hash (like
    [`EventRecord.position`][barnekoordinator.history.records.EventRecord]).
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
    first_sequence: int | None = None
    last_sequence: int | None = None
    position: int | None = attrs.field(default=None, eq=False)

    @property
    def stored_range(self) -> tuple[int, int] | None:
        """``(first_sequence, last_sequence)`` when the audited write stored events, else None."""
        if self.first_sequence is None or self.last_sequence is None:
            return None
        return (self.first_sequence, self.last_sequence)

    def _content(self) -> list[str | int | list[str] | None]:
        content: list[str | int | list[str] | None] = [
            self.case_id,
            self.sequence,
            format_time(self.at),
            self.actor,
            self.actor_label,
            self.action,
            self.target,
            int(self.allowed),
            self.reason,
            basis_field(self.basis),
        ]
        if self.first_sequence is not None or self.last_sequence is not None:
            # Appended only when present: audit records written before ranges keep their hashes,
            # and the longer array cannot be mistaken for a shorter one.
            content += [self.first_sequence, self.last_sequence]
        return content

    def expected_hash(self) -> str:
        """The hash this record must carry given its content and ``prev_hash``."""
        return chain_hash(self.prev_hash, self._content())

    def sealed(self, sequence: int, prev_hash: str) -> AuditRecord:
        """A copy numbered ``sequence`` and chained after ``prev_hash``."""
        unsealed = attrs.evolve(self, sequence=sequence, prev_hash=prev_hash, hash="")
        try:
            return attrs.evolve(unsealed, hash=unsealed.expected_hash())
        except UnicodeEncodeError:
            raise _surrogate("AuditRecord") from None


def content_hash(record: EventRecord | AuditRecord) -> str | None:
    """The hash ``record`` must carry given its content and ``prev_hash``, or ``None`` when a
    field cannot be hashed (the wrong type, a lone surrogate: a record read back from a store
    edited around the library, or made by hand): such a record is in no chain."""
    try:
        return record.expected_hash()
    except (InvalidInput, AttributeError, TypeError, ValueError, OverflowError):
        return None


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
        if type(record.sequence) is not int:  # a record made by hand, not read from a store
            raise ChainBroken(stream, expected_sequence, "record without a whole sequence number")
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
        expected = content_hash(record)
        if expected is None:
            raise ChainBroken(stream, record.sequence, "record content malformed")
        if record.hash != expected:
            raise ChainBroken(stream, record.sequence, "record content edited")
        prev = record.hash
        expected_sequence += 1


def verify_events(
    case_id: str,
    records: Sequence[EventRecord],
    *,
    expected_version: int | None = None,
) -> None:
    """Check the hash chain of one case's full history; raise
    [`ChainBroken`][barnekoordinator.errors.ChainBroken].

    ``expected_version``, when known (e.g. from a store's version counter),
    also catches records removed from the end.
    """
    _verify(case_id, records, start_sequence=1, start_hash=GENESIS)
    if expected_version is not None and len(records) != expected_version:
        raise ChainBroken(
            case_id, len(records) + 1, f"{expected_version - len(records)} record(s) missing at end"
        )


def verify_audit(case_id: str, records: Sequence[AuditRecord]) -> None:
    """Check the hash chain of one case's audit trail; raise
    [`ChainBroken`][barnekoordinator.errors.ChainBroken].
    """
    _verify(case_id, records, start_sequence=1, start_hash=GENESIS)


# ---------------------------------------------------------------------------
# Fast paths for stores (private: first-party stores use them on every append
# and read; they produce exactly what the public API produces).
# ---------------------------------------------------------------------------

# What ``json.dumps(..., ensure_ascii=False)`` writes for a ``str`` (the C accelerator).
_json_str: Final = json.encoder.encode_basestring


@functools.lru_cache(maxsize=4096)
def _basis_json(keys: tuple[str, ...]) -> str:
    """The JSON text of [`basis_field()`][barnekoordinator.history.records.basis_field] (few
    distinct lists exist, so each is encoded once).
    """
    return json.dumps(basis_field(keys), ensure_ascii=False, separators=(",", ":"))


def _event_stamp(record: EventRecord) -> tuple[str, str]:
    """``(record.expected_hash(), format_time(record.recorded_at))``, computed in one pass.

    Builds the very bytes [`chain_hash()`][barnekoordinator.history._hashchain.chain_hash] hashes
    (``json.dumps`` writes a ``str`` with ``encode_basestring``, an ``int`` with ``int.__repr__``
    and ``None`` as ``null``) without making a JSON encoder per record. A record holding any other
    type, or a time that is not a UTC ``datetime``, takes the canonical path, so the result is
    always the same. Stores use it to check each appended record's hash and reuse the time text for
    their row. A record
    [`EventRecord.sealed()`][barnekoordinator.history.records.EventRecord.sealed] made in this
    process (the very object, see ``_SEALED``) carries the hash of its content by construction and
    is not hashed again.
    """
    if type(record.hash) is str:
        entry = _SEALED.get(record.hash)
        if entry is not None and entry[0]() is record:
            return record.hash, entry[1]
    at = record.recorded_at
    key = record.subject_key
    if (
        type(at) is datetime
        and at.tzinfo is UTC
        and type(record.sequence) is int
        and type(record.schema_version) is int
        and type(record.case_id) is str
        and type(record.type) is str
        and type(record.actor) is str
        and type(record.payload) is str
        and type(record.prev_hash) is str
        and type(record.legal_basis) is tuple
        and (key is None or type(key) is str)
    ):
        text = at.isoformat(timespec="microseconds")  # ASCII digits and signs: no escaping
        s = _json_str
        body = (
            f"[{s(record.prev_hash)},{s(record.case_id)},{record.sequence},{s(record.type)},"
            f'{record.schema_version},"{text}",{s(record.actor)},{s(record.payload)},'
            f"{_basis_json(record.legal_basis)},{'null' if key is None else s(key)}]"
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest(), text
    return record.expected_hash(), format_time(at)


_TEXT, _NUMBER, _TIME, _FLAG = (str,), (int,), (datetime,), (bool,)
_MAYBE_TEXT, _MAYBE_NUMBER = (str, type(None)), (int, type(None))
_EVENT_KINDS: Final = (
    ("case_id", _TEXT),
    ("sequence", _NUMBER),
    ("type", _TEXT),
    ("schema_version", _NUMBER),
    ("recorded_at", _TIME),
    ("actor", _TEXT),
    ("payload", _TEXT),
    ("subject_key", _MAYBE_TEXT),
    ("prev_hash", _TEXT),
    ("hash", _TEXT),
)
_AUDIT_KINDS: Final = (
    ("case_id", _TEXT),
    ("sequence", _NUMBER),
    ("at", _TIME),
    ("actor", _TEXT),
    ("actor_label", _TEXT),
    ("action", _TEXT),
    ("target", _TEXT),
    ("allowed", _FLAG),
    ("reason", _TEXT),
    ("prev_hash", _TEXT),
    ("hash", _TEXT),
    ("first_sequence", _MAYBE_NUMBER),
    ("last_sequence", _MAYBE_NUMBER),
)


def _field_problem(record: EventRecord | AuditRecord) -> str | None:
    """What is wrong with a record's field types (a record made by hand: the classes convert
    only times and legal bases), or ``None``; never a value. Checked before anything is stored,
    so a store never meets a list where it binds a text (``AppendCheck.prepare``)."""
    fields = _EVENT_KINDS if isinstance(record, EventRecord) else _AUDIT_KINDS
    for name, kinds in fields:
        value = getattr(record, name)
        if not isinstance(value, kinds) or (type(value) is bool and kinds is not _FLAG):
            want = " or ".join("none" if k is type(None) else k.__name__ for k in kinds)
            return f"{name}: expected {want}, got {type(value).__name__}"
    return None

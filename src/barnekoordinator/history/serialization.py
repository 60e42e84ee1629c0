"""The wire format of history: events ⇄ records, case export and import, and the converter.

Models carry no serialization code: the cattrs converter lives here and is not part of the
public API. Stored payloads are canonical JSON; an event's national identity numbers are
sealed for its case when a [`CaseCipher`][barnekoordinator.history.sealing.CaseCipher] is given
(see [`barnekoordinator.history.sealing`][barnekoordinator.history.sealing]). Public documents
are validated against their JSON Schemas with
[`validate_document()`][barnekoordinator.history.documents.validate_document] before anything is
structured or stored.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import attrs
import cattrs
from cattrs.v import format_exception

from barnekoordinator.clock import ensure_utc
from barnekoordinator.edges import (
    MAX_STRING_LENGTH,
    check_json,
    is_plain_key,
    lone_surrogate_path,
    read_json,
)
from barnekoordinator.errors import (
    InvalidInput,
    SchemaViolation,
    SealingError,
    UnknownEventType,
)
from barnekoordinator.history._converter import _converter, _quick, _sealing
from barnekoordinator.history._evolve import unfrozen
from barnekoordinator.history.case import DomainEvent, RecordedEvent
from barnekoordinator.history.documents import EVENT_SCHEMA, validate_document
from barnekoordinator.history.records import (
    EventRecord,
    _seal_own,
    format_time,
    parse_time,
    verify_events,
)

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.sealing import CaseCipher

__all__ = [
    "CASE_EXPORT_SCHEMA",
    "canonical_json",
    "event_from_json",
    "event_to_json",
    "export_case",
    "from_record",
    "from_records",
    "import_case",
    "record_from_document",
    "record_to_document",
    "register_document",
    "structure",
    "to_record",
    "to_records",
    "unstructure",
]

T = TypeVar("T")


_CANONICAL: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
"""What ``json.dumps`` with these options builds on every call, built once."""


def canonical_json(value: object) -> str:
    """The canonical JSON text used in stored records: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(value)


# The converters (private) live in ``_converter``.


def unstructure(value: object, as_type: type | None = None) -> Any:
    """Plain JSON-able data for an attrs value (dates ISO, enums by value, sets sorted)."""
    return _converter.unstructure(value, unstructure_as=as_type)


def register_document(cls: type[T], read: Callable[[object], T]) -> None:
    """Let [`structure()`][barnekoordinator.history.serialization.structure] build ``cls`` with
    ``read``: a reader of a whole JSON document that checks it against its own schema.

    For values that travel as documents of their own rather than as attrs fields, such as the
    eligibility facts a ``command.v1`` document carries (``eligibility-facts.v1``). Event payloads
    never hold such a value, so stored histories are not affected.
    """
    for converter in (_converter, _quick):
        converter.register_structure_hook(cls, lambda value, _type: read(value))
    _EVENT_HOOKS.clear()  # hooks made before may have inlined the old one


_DATA_ERRORS = (
    cattrs.BaseValidationError,
    InvalidInput,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    OverflowError,
)
"""What structuring bad data can raise: wrong types reach hooks and validators (``TypeError``,
``AttributeError`` on a list where a mapping belongs, ``KeyError``), bad values reach
constructors (``ValueError``, ``OverflowError``)."""


def structure(data: object, cls: type[T]) -> T:
    """Build ``cls`` from plain data; raise
    [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] with JSON paths.
    """
    with suppress(Exception):  # refused: the detailed converter below says where and why
        return _quick.structure(data, cls)
    try:
        return _converter.structure(data, cls)
    except _DATA_ERRORS as exc:
        raise _schema_violation(exc, cls) from None


def _sealing_failure(exc: BaseException) -> SealingError | None:
    """The SealingError behind a structuring failure, if one is (cattrs groups its causes)."""
    if isinstance(exc, SealingError):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = _sealing_failure(inner)
            if found is not None:
                return found
    return None


def _reason(exc: BaseException, type_: type | None) -> str:
    """What cattrs says of one field's error; the library's own (``InvalidInput``, which never
    repeats a value: a date out of range, a number out of bounds) as it is."""
    if isinstance(exc, InvalidInput):
        return str(exc)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        # The keys are data: shown only when they are plain names.
        shown = sorted(
            k if is_plain_key(k) else "<a key that is not a name>" for k in exc.extra_fields
        )
        return f"extra fields found ({', '.join(dict.fromkeys(shown))})"
    return format_exception(exc, type_)


def _schema_violation(exc: Exception, cls: type) -> SchemaViolation | SealingError:
    """What bad data raised, as a SchemaViolation with JSON paths; a sealed identifier that
    does not open stays a SealingError (the data is sound, the key is missing or wrong)."""
    sealed = _sealing_failure(exc)
    if sealed is not None:
        return sealed
    if isinstance(exc, cattrs.BaseValidationError):
        problems = []
        for message in cattrs.transform_error(exc, path="$", format_exception=_reason):
            path, _, detail = message.partition(" @ ")
            problems.append((detail or "$", path))
    elif isinstance(exc, InvalidInput):
        problems = [("$", str(exc))]  # the library's own messages never echo values
    else:
        # Python's own messages may quote the value ("invalid literal for int(): '…'").
        problems = [("$", f"invalid data ({type(exc).__name__})")]
    return SchemaViolation(getattr(cls, "__name__", str(cls)), problems)


# --- events <-> stored records -------------------------------------------------------


def event_to_json(event: DomainEvent, *, cipher: CaseCipher | None = None) -> str:
    """The canonical JSON payload of an event (without envelope).

    With ``cipher`` every national identity number in it is sealed for that case.

    Raises:
        InvalidInput: The event holds a value the reader would refuse (a date outside the
            supported range), named with the event's class.
    """
    with _sealing(cipher):
        return canonical_json(_written(event, type(event)))


def event_from_json(
    tag: str,
    version: int,
    payload: str | bytes | Mapping[str, Any],
    catalogue: Catalogue,
    *,
    where: str | None = None,
    cipher: CaseCipher | None = None,
) -> DomainEvent:
    """Load an event payload stored at ``version``, upcasting it to the current version.

    ``catalogue`` says which class ``tag`` names and holds the upcasters.
    Cases live for 18 years or more: when an event's payload changes, its
    ``SCHEMA_VERSION`` is bumped and its concept declares an upcaster from the
    old version; stored history is never rewritten.

    A payload given as text is read with [`read_json()`][barnekoordinator.edges.read_json];
    ``where`` names it in messages (default: the tag and version). ``cipher`` opens the
    identifiers sealed for the payload's case.

    Raises:
        UnknownEventType: ``tag`` and ``version`` name no event class (or an upcaster is missing).
        SealingError: A sealed identifier and no ``cipher``, or one that does not open with it.
        MalformedJson: The payload text is not JSON (or nested too deep).
        SchemaViolation: The payload does not load as the event, with JSON paths.
    """
    _require_event_type(tag, version)
    cls = catalogue.event_class(tag, version)
    name = where or f"payload of {tag} v{version}"
    if isinstance(payload, str | bytes):
        data: Any = read_json(payload, name)
    elif not isinstance(payload, Mapping):
        raise SchemaViolation(
            name, [("$", f"expected a JSON object, got {type(payload).__name__}")]
        )
    elif version < cls.SCHEMA_VERSION:
        data = dict(payload)  # upcasters may change it; never touch the caller's mapping
    else:
        data = payload  # read-only below

    while version < cls.SCHEMA_VERSION:
        step = catalogue.upcasters.get((tag, version))
        if step is None:
            raise UnknownEventType(tag, version)
        if not isinstance(data, dict):
            raise SchemaViolation(name, [("$", "expected a JSON object")])
        try:
            data = step(data)
        except _DATA_ERRORS as exc:
            # An upcaster reads old payloads; one it cannot read is bad data, not a crash.
            raise _schema_violation(exc, cls) from None
        version += 1
    with _sealing(cipher):
        return structure(data, cls)


def _require_event_type(tag: object, version: object) -> None:
    """Raise ``InvalidInput`` unless ``tag`` is a string and ``version`` a whole number."""
    if not isinstance(tag, str) or not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput(
            f"event type: expected a tag string and an integer version, got "
            f"{type(tag).__name__} and {type(version).__name__}"
        )


def _recorded(record: EventRecord, event: DomainEvent) -> RecordedEvent:
    """The [`RecordedEvent`][barnekoordinator.history.case.RecordedEvent] of a stored record, equal
    to the public constructor's.
    """
    if record.recorded_at.tzinfo is not UTC:  # pragma: no cover - records hold UTC times
        return RecordedEvent(
            case_id=record.case_id,
            sequence=record.sequence,
            recorded_at=record.recorded_at,
            actor=record.actor,
            event=event,
            legal_basis=record.legal_basis,
            subject_key=record.subject_key,
        )
    # The only converter (ensure_utc) is the identity on a UTC time, and there are
    # no validators: set the slots as attrs' own __init__ would.
    recorded: RecordedEvent = _new_object(RecordedEvent)
    s_case, s_seq, s_at, s_actor, s_event, s_basis, s_key = _RECORDED_SETTERS
    s_case(recorded, record.case_id)
    s_seq(recorded, record.sequence)
    s_at(recorded, record.recorded_at)
    s_actor(recorded, record.actor)
    s_event(recorded, event)
    s_basis(recorded, record.legal_basis)
    s_key(recorded, record.subject_key)
    return recorded


_RECORDED_FIELDS = (
    "case_id",
    "sequence",
    "recorded_at",
    "actor",
    "event",
    "legal_basis",
    "subject_key",
)
if tuple(a.name for a in attrs.fields(RecordedEvent)) != _RECORDED_FIELDS:  # pragma: no cover
    raise RuntimeError("serialization._RECORDED_FIELDS must list RecordedEvent's fields in order")
_RECORDED_CONVERTERS: set[object] = {a.converter for a in attrs.fields(RecordedEvent)}
if (
    any(a.validator is not None for a in attrs.fields(RecordedEvent))
    or not _RECORDED_CONVERTERS.issubset({None, ensure_utc})
    or hasattr(RecordedEvent, "__attrs_post_init__")
):  # pragma: no cover
    raise RuntimeError("serialization._recorded must run RecordedEvent's new validators/converters")
_RECORDED_SETTERS: tuple[Callable[[RecordedEvent, Any], None], ...] = tuple(
    RecordedEvent.__dict__[name].__set__ for name in _RECORDED_FIELDS
)
_new_object = object.__new__
_RECORDED_TWIN: Any = unfrozen(RecordedEvent)


def _written(event: DomainEvent, cls: type[DomainEvent]) -> Any:
    """The event as plain data to write; a value the reader would refuse (a date outside the
    supported range) is refused here, so nothing is stored that cannot be read back."""
    try:
        return _converter.unstructure(event, unstructure_as=cls)
    except InvalidInput as exc:
        raise InvalidInput(f"{cls.__name__}: {exc}") from None


def to_record(
    recorded: RecordedEvent, prev_hash: str, *, cipher: CaseCipher | None = None
) -> EventRecord:
    """The stored form of a recorded event, chained after ``prev_hash``.

    With ``cipher`` (the case's, from its [`KeyRing`][barnekoordinator.history.sealing.KeyRing])
    every national identity number in the payload is stored sealed; the Casebook always
    gives one.
    """
    with _sealing(cipher):
        return _to_record(recorded, prev_hash)


def _to_record(recorded: RecordedEvent, prev_hash: str) -> EventRecord:
    # ``to_record`` inside the cipher's context (``_sealing``), which the caller has entered.
    event = recorded.event
    cls = type(event)
    data = _written(event, cls)
    record = EventRecord(
        case_id=recorded.case_id,
        sequence=recorded.sequence,
        type=cls.TYPE,
        schema_version=cls.SCHEMA_VERSION,
        recorded_at=recorded.recorded_at,
        actor=recorded.actor,
        payload=_CANONICAL.encode(data),
        legal_basis=recorded.legal_basis,
        subject_key=recorded.subject_key,
        prev_hash=prev_hash,
    )
    if len(record.payload) > MAX_STRING_LENGTH:  # only then can a text be longer (one len())
        _check_texts(data, cls)
    try:
        return _seal_own(record)  # built here and held by no one else: sealed in place
    except UnicodeEncodeError:
        # A lone surrogate (what Python makes of invalid UTF-8 read as text) has no UTF-8 form
        # to hash or store: the caller's input, named by its place, never shown.
        where = lone_surrogate_path(data) or "a field of its record"
        raise InvalidInput(
            f"{cls.__name__} {where}: expected Unicode text; this holds a lone surrogate "
            "(invalid UTF-8?)"
        ) from None


def _check_texts(data: Any, cls: type[DomainEvent]) -> None:
    """Refuse a payload holding a string longer than
    [`MAX_STRING_LENGTH`][barnekoordinator.edges.MAX_STRING_LENGTH]: the strict reader of an
    import refuses it, so a case holding one could be exported but never imported again."""
    try:
        check_json(data, cls.__name__)
    except SchemaViolation as exc:
        path, problem = exc.problems[0]
        raise InvalidInput(f"{cls.__name__} {path}: {problem}; nothing stored") from None


def to_records(
    recorded: tuple[RecordedEvent, ...], prev_hash: str, *, cipher: CaseCipher | None = None
) -> list[EventRecord]:
    """Several recorded events as a chain starting after ``prev_hash`` (see ``to_record``)."""
    out: list[EventRecord] = []
    with _sealing(cipher):  # once for the batch, not once per event
        for r in recorded:
            record = _to_record(r, prev_hash)
            out.append(record)
            prev_hash = record.hash
    return out


def from_records(
    records: Sequence[EventRecord], catalogue: Catalogue, *, cipher: CaseCipher | None = None
) -> list[RecordedEvent]:
    """The recorded events of several stored records (of one case when identifiers are sealed:
    ``cipher`` is that case's).

    Stored payloads are canonical JSON written by
    [`to_record()`][barnekoordinator.history.serialization.to_record] or re-encoded by
    [`record_from_document()`][barnekoordinator.history.serialization.record_from_document], so
    each is parsed by the C decoder without the strict reader's checks, and must be exactly one
    JSON value: parsing the batch as one array would let a payload that is not (``{"a": 1`` and
    ``}``, or two objects) shift events onto other records. A payload the fast parse does not
    take is read strictly with [`read_json()`][barnekoordinator.edges.read_json], which names the
    record at fault.

    Raises:
        MalformedJson: A payload is not one JSON document (or not text).
        SchemaViolation: A payload does not load as its event type, or escapes a lone
            surrogate (which ``read_json`` refuses, with its JSON path).
        InvalidInput: A record's type is not a string, or its schema version or sequence not a
            whole number.
        UnknownEventType: A record names a type or version the catalogue does not know.
        SealingError: A sealed identifier and no ``cipher``, or one that does not open with it.
    """
    with _sealing(cipher):
        return _from_records(records, catalogue, cipher)


_Hook = Callable[[Any, Any], Any]


def _from_records(
    records: Sequence[EventRecord], catalogue: Catalogue, cipher: CaseCipher | None
) -> list[RecordedEvent]:
    # What event_from_json does, with the class and structure hooks of each type looked up
    # once per call; payloads that need upcasting go through event_from_json itself. The
    # fast paths of _stored_payload and _recorded are written out in the loop (a replay
    # runs it once per event); anything off them goes through those functions.
    hooks: dict[Any, tuple[int, type[DomainEvent], _Hook | None, _Hook | None]] = {}
    out: list[RecordedEvent] = []
    append = out.append
    scan, escaped, new, utc = _scan_once, _ESCAPED_SURROGATE.search, _new_object, UTC
    twin = _RECORDED_TWIN
    for record in records:
        text = record.payload
        try:
            payload, end = scan(text, 0)
        except (StopIteration, ValueError, TypeError, RecursionError):
            payload = _stored_payload(record)
        else:
            if end != len(text) or ("\\" in text and escaped(text) is not None):
                payload = _stored_payload(record)
        version = record.schema_version
        if type(record.sequence) is not int or type(version) is not int:
            raise _malformed_record(record)
        try:
            entry = hooks.get(record.type)
        except TypeError:  # an unhashable type: refused just below
            entry = None
        if entry is None or entry[0] != version:
            entry = _hooks_of(record.type, version, catalogue)
            if entry[0] == entry[1].SCHEMA_VERSION:
                hooks[record.type] = entry
        _, cls, quick, hook = entry
        if type(payload) is not dict:
            raise SchemaViolation(_place(record), [("$", "expected a JSON object")])
        if quick is None or hook is None:  # stored at an older version: upcast
            event = event_from_json(
                record.type, version, payload, catalogue, where=_place(record), cipher=cipher
            )
        else:
            try:
                event = quick(payload, cls)
            except Exception:  # refused: the detailed hook below says where and why
                event = _structured_in_detail(record, payload, cls, hook)
        at = record.recorded_at
        if at.tzinfo is not utc or twin is None:  # pragma: no cover - records hold UTC times
            append(_recorded(record, event))
            continue
        # _recorded's own fast path, on RecordedEvent's unfrozen twin (history._evolve.unfrozen):
        # the slots stored as attrs' __init__ would store them, then the class given.
        recorded = new(twin)
        recorded.case_id = record.case_id
        recorded.sequence = record.sequence
        recorded.recorded_at = at
        recorded.actor = record.actor
        recorded.event = event
        recorded.legal_basis = record.legal_basis
        recorded.subject_key = record.subject_key
        try:
            recorded.__class__ = RecordedEvent
        except Exception:  # an audit hook refused it: made slot by slot
            recorded = _recorded(record, event)
        append(recorded)
    return out


def _hooks_of(
    tag: object, version: object, catalogue: Catalogue
) -> tuple[int, type[DomainEvent], _Hook | None, _Hook | None]:
    """The stored version, the class and its quick and detailed structure hooks for a record of
    ``tag`` at ``version`` (no hooks when it is stored at an older version: it is upcast)."""
    _require_event_type(tag, version)
    assert isinstance(tag, str)
    assert isinstance(version, int)
    cls = catalogue.event_class(tag, version)
    if version != cls.SCHEMA_VERSION:
        return (version, cls, None, None)
    both = _EVENT_HOOKS.get(cls)
    if both is None:
        both = _EVENT_HOOKS[cls] = (
            _quick.get_structure_hook(cls),
            _converter.get_structure_hook(cls),
        )
    return (version, cls, *both)


_EVENT_HOOKS: dict[type[DomainEvent], tuple[_Hook, _Hook]] = {}
"""Each event class's structure hooks, quick and detailed, as the converters give them: looked
up once per process rather than once per ``from_records`` call (a page of the global feed decodes
case by case, often one record at a time). Emptied when a hook is registered."""


def _structured_in_detail(
    record: EventRecord, payload: dict[str, Any], cls: type[DomainEvent], hook: _Hook
) -> DomainEvent:
    """``payload`` structured by the detailed converter's ``hook``, whose error (with JSON paths,
    naming the record) is raised: the quick converter refused it."""
    try:
        event: DomainEvent = hook(payload, cls)
    except _DATA_ERRORS as exc:
        failure = _schema_violation(exc, cls)
        if isinstance(failure, SealingError):
            failure = SealingError(f"{_place(record)}: {failure}")
        raise failure from None
    return event


_scan_once = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))
"""One JSON value from a place in a text, and where it ends (the C scanner, no checks; what
``JSONDecoder.raw_decode`` calls, without its frame). It raises ``StopIteration`` where no value
starts."""


def _stored_payload(record: EventRecord) -> Any:
    """A stored record's payload: one JSON value, parsed fast, or else read strictly.

    A text the C scanner does not read to its end (not JSON, an integer over 4,300 digits, not
    text, too deep, two values) goes to [`read_json()`][barnekoordinator.edges.read_json], which
    raises the typed error naming the record (or takes whitespace around the value). So does a
    text with a backslash escape of a surrogate (``\\ud800``; a pair, which ``read_json``
    takes, goes there too): it may decode to a lone surrogate, which ``read_json`` refuses and
    which would fail later, when the event is encoded, hashed or stored again. The library's own
    payloads hold no such escape (they are written with ``ensure_ascii=False``), so the check
    costs a search for a backslash. Not looked for here, to keep the hot path: a surrogate
    written raw in the text (no store holds one, as a record is hashed over its UTF-8 form; a
    hand-made record that has one raises ``InvalidInput`` when it is hashed), a duplicate key
    (the last one is read) and a string longer than
    [`MAX_STRING_LENGTH`][barnekoordinator.edges.MAX_STRING_LENGTH] (they load as they did).
    """
    text = record.payload
    try:
        payload, end = _scan_once(text, 0)
    except (StopIteration, ValueError, TypeError, RecursionError):
        return read_json(text, _place(record))  # not text at all gets MalformedJson too
    if end != len(text) or ("\\" in text and _ESCAPED_SURROGATE.search(text) is not None):
        return read_json(text, _place(record))
    return payload


_ESCAPED_SURROGATE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def _place(record: EventRecord) -> str:
    return f"payload of case {record.case_id!r} event {record.sequence}"


def _malformed_record(record: EventRecord) -> InvalidInput:
    """The error for a record whose sequence or schema version is not a whole number (or whose
    type is not a string), naming the kinds found, never the values."""
    return InvalidInput(
        f"{_place(record)}: expected a whole sequence number, a type string and a whole schema "
        f"version, got {type(record.sequence).__name__}, {type(record.type).__name__} and "
        f"{type(record.schema_version).__name__}"
    )


def from_record(
    record: EventRecord, catalogue: Catalogue, *, cipher: CaseCipher | None = None
) -> RecordedEvent:
    """The recorded event a stored record holds (upcast to the current schema).

    The payload is parsed as [`from_records()`][barnekoordinator.history.serialization.from_records]
    parses each, so the two load the same records alike (and raise the same errors);
    ``cipher`` opens sealed identifiers.
    """
    payload = _stored_payload(record)
    if type(record.sequence) is not int:
        raise _malformed_record(record)
    if type(payload) is not dict:
        raise SchemaViolation(_place(record), [("$", "expected a JSON object")])
    event = event_from_json(
        record.type, record.schema_version, payload, catalogue, where=_place(record), cipher=cipher
    )
    return _recorded(record, event)


def record_to_document(record: EventRecord) -> dict[str, Any]:
    """The public JSON form of a stored record (schema ``case-event.v1``).

    Raises:
        MalformedJson: The payload is not one JSON document (or not text).
        SchemaViolation: The payload breaks a rule of
            [`read_json()`][barnekoordinator.edges.read_json] (a duplicate key, a lone
            surrogate …), with its JSON path.
    """
    return {
        "case_id": record.case_id,
        "sequence": record.sequence,
        "type": record.type,
        "schema_version": record.schema_version,
        "recorded_at": format_time(record.recorded_at),
        "actor": record.actor,
        "legal_basis": list(record.legal_basis),
        "subject_key": record.subject_key,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
        "payload": read_json(record.payload, _place(record)),
    }


def record_from_document(
    document: object, catalogue: Catalogue, *, cipher: CaseCipher | None = None
) -> EventRecord:
    """Validate and load a record document; raise
    [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing problems.

    The payload is re-encoded canonically, so the record's hash verifies exactly
    when the document is the one that was exported. A document given as JSON text (``str`` or
    ``bytes``) is read with [`read_json()`][barnekoordinator.edges.read_json] first. Identifiers
    sealed in the payload stay sealed; ``cipher`` (the case's) is needed to check that they
    open, and a document holding sealed identifiers without one raises
    [`SealingError`][barnekoordinator.errors.SealingError].
    """
    if isinstance(document, str | bytes | bytearray):
        document = read_json(document, EVENT_SCHEMA)
    validate_document(EVENT_SCHEMA, document)
    assert isinstance(document, Mapping)
    record = EventRecord(
        case_id=document["case_id"],
        sequence=document["sequence"],
        type=document["type"],
        schema_version=document["schema_version"],
        recorded_at=parse_time(document["recorded_at"]),
        actor=document["actor"],
        payload=canonical_json(document["payload"]),
        legal_basis=tuple(document["legal_basis"]),
        subject_key=document["subject_key"],
        prev_hash=document["prev_hash"],
        hash=document["hash"],
    )
    from_record(record, catalogue, cipher=cipher)  # the payload must load as its event type
    return record


CASE_EXPORT_SCHEMA = "case-export.v1"
"""Name of the schema of a whole-case export."""


def export_case(case_id: str, records: Sequence[EventRecord]) -> dict[str, Any]:
    """A case's whole history as a ``case-export.v1`` document (hash chain included).

    A **trusted back-office** API: the raw history, national ids included, with no
    principal, decision or audit record — for migrations, archiving and exports made
    under a legal basis of their own, never for a request on someone's behalf (those
    go through [`Casebook`][barnekoordinator.casebook.Casebook]).
    """
    return {
        "format": "barnekoordinator.case-export",
        "format_version": 1,
        "case_id": case_id,
        "version": len(records),
        "events": [record_to_document(r) for r in records],
    }


def import_case(
    document: object, catalogue: Catalogue, *, cipher: CaseCipher | None = None
) -> list[EventRecord]:
    """Validate a ``case-export.v1`` document and return its records, chain verified.

    Raises [`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing every problem with
    its JSON path, or [`ChainBroken`][barnekoordinator.errors.ChainBroken] if the history was
    tampered with. Nothing is stored: append the records to a store yourself. A document given as
    JSON text (``str`` or ``bytes``) is read with
    [`read_json()`][barnekoordinator.edges.read_json] first, which raises
    [`MalformedJson`][barnekoordinator.errors.MalformedJson] for text that is not JSON. A history
    with sealed identifiers needs its case's ``cipher`` (the data key travels with the case).
    """
    if isinstance(document, str | bytes | bytearray):
        document = read_json(document, CASE_EXPORT_SCHEMA)
    validate_document(CASE_EXPORT_SCHEMA, document)
    assert isinstance(document, Mapping)
    records = [record_from_document(d, catalogue, cipher=cipher) for d in document["events"]]
    verify_events(document["case_id"], records, expected_version=document["version"])
    return records

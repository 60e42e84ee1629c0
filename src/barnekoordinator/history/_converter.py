"""The private cattrs converters of the wire format (see
[`barnekoordinator.history.serialization`][barnekoordinator.history.serialization], which alone
uses them): the hooks for dates (only those the library supports), times, enums, identifiers
(sealed for the case being written or read), vectors, optional values, the child/expected-child
union, and the whole numbers the rules add to dates (bounded).

Both read strictly: a text field takes a JSON string, a bool a JSON boolean, a whole number a JSON
integer (not a boolean, not a float), a list, tuple or set field a JSON array (never a string,
whose characters cattrs would take as the items), a date a ``YYYY-MM-DD`` string and an enum a
value of its own type. Nothing is coerced: a payload the library did not write is refused with
its JSON path, never read as something it does not say (``"false"`` as ``True``).

``_converter`` validates in detail (its errors carry JSON paths); ``_quick`` is the same converter
without cattrs' detailed validation, used first on every stored event (decision 34).
"""

from __future__ import annotations

import collections.abc
import enum
import itertools
import json
import json.scanner
import linecache
import types
import typing
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.gen import make_dict_structure_fn, override
from cattrs.strategies import configure_tagged_union
from pyrsistent import pvector
from pyrsistent.typing import PVector

from barnekoordinator.clock import ensure_utc
from barnekoordinator.edges import _ISO_DATE, EARLIEST_DATE, LATEST_DATE
from barnekoordinator.errors import (
    InvalidIdentifier,
    InvalidInput,
    SealingError,
)
from barnekoordinator.history._evolve import slot_setter, stores_only, unfrozen
from barnekoordinator.history.records import format_time
from barnekoordinator.identifiers import (
    ChecksumRule,
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
)
from barnekoordinator.legal_basis import MAX_COMPLAINT_DEADLINE_WEEKS
from barnekoordinator.people import Child, ExpectedChild

if TYPE_CHECKING:
    from barnekoordinator.history.sealing import CaseCipher


# Stored ids were validated when they entered; on the way back they must load
# whatever policy admitted them, so synthetic numbers and both checksum rules pass.
_STORED_POLICY = IdentifierPolicy.testing(checksum_rule=ChecksumRule.BOTH)
_STORED_DOLLY_POLICY = IdentifierPolicy.testing(
    checksum_rule=ChecksumRule.BOTH, dolly_as_synthetic=True
)


T = TypeVar("T")


def _keep(table: dict[str, T], limit: int, text: str, value: T) -> T:
    """Keep an immutable ``value`` read from ``text`` in ``table`` and return it. Bounded: a table
    that holds ``limit`` values starts again. (Lookups stay inline in the hooks: they are hot.)"""
    if len(table) >= limit:
        table.clear()
    table[text] = value
    return value


_DATES: dict[str, date] = {}
"""The dates read so far, by their text (a case's events share a few thousand days)."""
_DATES_KEPT = 8192
_DATE_RANGE: Final = (
    f"expected a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()} "
    "(the dates the library supports)"
)


def _unstructure_date(value: date) -> str:
    """A date as it is written; one the reader would refuse is refused here, so the library never
    writes an event it cannot read back."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidInput(_DATE_RANGE)
    return value.isoformat()


def _structure_date(value: object, _type: object) -> date:
    if type(value) is str:
        found = _DATES.get(value)
        if found is not None:
            return found
    elif not isinstance(value, str):
        raise InvalidInput(f"expected an ISO date string, got {type(value).__name__}")
    # Only dates the library supports are read (and kept below): the rules add years, weeks
    # and days to them, and a date near year 9999 from an edited export or a hand-made record
    # would overflow there. The library never wrote another, so stored histories load as before.
    # Only the form it writes, too: ``fromisoformat`` also reads "20240105" and "2024-W01-5".
    if not _ISO_DATE.fullmatch(value):
        raise InvalidInput("expected a date YYYY-MM-DD")
    day = date.fromisoformat(value)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(_DATE_RANGE)
    # Dates are immutable, so one value serves every event that names the day: a replay makes
    # a few thousand instead of one or more per event.
    return _keep(_DATES, _DATES_KEPT, value, day) if type(value) is str else day


def _structure_datetime(value: object, _type: object) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"expected an ISO time string, got {type(value).__name__}")
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except (ValueError, OverflowError):  # OverflowError: an offset past year 1 or 9999
        raise InvalidInput("expected an ISO 8601 time with offset") from None


# The cipher of the case whose events are being written or read: the converter's hooks are
# global, so the call that knows the case (to_record(s), from_record(s), event_from_json)
# sets it for the duration of that call. A context variable keeps threads and tasks apart.
_CIPHER: ContextVar[CaseCipher | None] = ContextVar("barnekoordinator_case_cipher", default=None)


class _sealing:  # lower case: used as ``with _sealing(cipher):``, like a function
    """``with _sealing(cipher):`` makes ``cipher`` the current case's for the block.

    A class rather than a ``@contextmanager`` generator: stores enter it once per case they
    decode, which for a page of the global feed can be once per record (decision 35).
    """

    __slots__ = ("_cipher", "_token")

    def __init__(self, cipher: CaseCipher | None) -> None:
        self._cipher = cipher

    def __enter__(self) -> None:
        self._token = _CIPHER.set(self._cipher)

    def __exit__(self, *exc_info: object) -> None:
        _CIPHER.reset(self._token)


def _unstructure_person(value: PersonId) -> dict[str, object]:
    cipher = _CIPHER.get()
    if cipher is None:
        return {"number": value.reveal(), "synthetic": value.synthetic}
    return {"sealed": cipher.seal(value.reveal()), "synthetic": value.synthetic}


def _structure_person(value: object, _type: object) -> PersonId:
    if not isinstance(value, Mapping):
        raise InvalidIdentifier("expected an object with a 'number' or 'sealed' string")
    number = value.get("number")
    if number is None and isinstance(value.get("sealed"), str):
        cipher = _CIPHER.get()
        if cipher is None:
            raise SealingError(
                "a sealed identifier and no key to open it: the case has no data key (never "
                "made, or destroyed: shredded, or removed; `barnekoordinator verify` tells "
                "which), or it was loaded without its cipher (load it through the Casebook)"
            )
        number = cipher.open(value["sealed"])
    if not isinstance(number, str):
        raise InvalidIdentifier("expected an object with a 'number' or 'sealed' string")
    synthetic = value.get("synthetic")
    if synthetic is not None and synthetic.__class__ is not bool:
        raise InvalidIdentifier("expected 'synthetic' as a boolean (true or false)")
    # A synthetic number with month + 40 can only be a NAV Dolly identity.
    policy = _STORED_DOLLY_POLICY if synthetic is True else _STORED_POLICY
    return PersonId.parse(number, policy=policy)


_ORGS: dict[str, Organisasjonsnummer] = {}
"""The organisation numbers read so far, by their text (a municipality's services are a few
hundred; each participant event names one). Organisation numbers are public and the values
immutable; personal identifiers are never kept like this (a case's numbers must go with its key)."""
_ORGS_KEPT = 4096


def _structure_org(value: object, _type: object) -> Organisasjonsnummer:
    if type(value) is str:
        found = _ORGS.get(value)
        if found is not None:
            return found
    elif not isinstance(value, str):
        raise InvalidIdentifier("expected organisasjonsnummer as a string", kind="orgnr")
    number = Organisasjonsnummer.parse(value)  # raises before anything is kept
    return _keep(_ORGS, _ORGS_KEPT, value, number) if type(value) is str else number


def _structure_hpr(value: object, _type: object) -> HprNummer:
    if not isinstance(value, str):
        raise InvalidIdentifier("expected HPR-nummer as a string", kind="hpr-nummer")
    return HprNummer.parse(value)


def _unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
    items = [_converter.unstructure(v) for v in value]
    # Sets have no order; sort by canonical text so the same set hashes alike.
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _is_plain_enum(t: object) -> bool:
    return (
        isinstance(t, type)
        and issubclass(t, enum.Enum)
        and "_value_" not in getattr(t, "__annotations__", {})
    )


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    """Structure a plain enum by value: ``cls(value)``, with its first step inlined.

    ``Enum.__call__`` looks the value up in ``_value2member_map_`` first; doing
    that here skips two Python-level calls per value. Anything the map does not
    hold (unhashable values, aliases via ``_missing_``, bad values) goes through
    ``cls(value)`` itself, so results and errors are the same.
    """
    members = cls._value2member_map_
    kinds = _value_kinds(cls)

    def structure_enum(value: object, _type: object) -> enum.Enum:
        try:
            return members[value]
        except (KeyError, TypeError):
            return cls(value)

    if kinds == {str}:  # no value of another type is equal to a string: looked up as it is
        return structure_enum

    def structure_enum_strictly(value: object, _type: object) -> enum.Enum:
        if value.__class__ not in kinds:  # True and 1.0 are equal to 1: never read as it
            raise InvalidInput(f"expected {_kinds_named(kinds)}, got {_json_kind(value)}")
        return structure_enum(value, _type)

    return structure_enum_strictly


def _value_kinds(cls: type[enum.Enum]) -> frozenset[type]:
    """The types of an enum's values (an ``IntEnum``'s: ``int``)."""
    return frozenset(type(member.value) for member in cls)


_JSON_KINDS: Final[Mapping[type, str]] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "an array",
    tuple: "an array",
    dict: "an object",
    type(None): "null",
}


def _json_kind(value: object) -> str:
    """The JSON type of ``value`` (never the value: it may be an identity number)."""
    return _JSON_KINDS.get(type(value)) or f"a {type(value).__name__}"


def _kinds_named(kinds: frozenset[type]) -> str:
    return " or ".join(sorted(_JSON_KINDS.get(k) or f"a {k.__name__}" for k in kinds))


# Strict scalars. cattrs reads ``str``, ``int``, ``float`` and ``bool`` by calling the type
# (``bool("false")`` is True, ``str(["kl"])`` a text, ``int(2.9)`` 2); these read only a value of
# the JSON type itself. They are registered for the classes, so cattrs also asks them for a
# subclass (a ``StrEnum``, an ``IntEnum``), which is then made from a value of the right type
# as cattrs made it: ``type_(value)``.


def _structure_str(value: object, type_: Any) -> Any:
    if value.__class__ is str and type_ is str:
        return value
    if not isinstance(value, str):
        raise InvalidInput(f"expected a string, got {_json_kind(value)}")
    return type_(value) if type_ is not str else str.__str__(value)


def _structure_int(value: object, type_: Any) -> Any:
    if type_ is bool:  # a subclass of int: asked here unless its own hook is registered
        return _structure_bool(value, type_)
    if value.__class__ is int and type_ is int:
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"expected an integer, got {_json_kind(value)}")
    return type_(value)


def _structure_bool(value: object, _type: object) -> bool:
    if value.__class__ is not bool:
        raise InvalidInput(f"expected a boolean (true or false), got {_json_kind(value)}")
    return value


def _structure_float(value: object, type_: Any) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidInput(f"expected a number, got {_json_kind(value)}")
    return type_(value)


_ARRAYS: Final[Mapping[object, Callable[[Any], Any] | None]] = {
    tuple: None,
    frozenset: frozenset,
    set: set,
    list: list,
    collections.abc.Sequence: None,
    collections.abc.MutableSequence: list,
    collections.abc.Set: frozenset,
    collections.abc.MutableSet: set,
}
"""The collections read from a JSON array, by their origin, and what the items read as a
tuple are made into (None: the tuple itself)."""


def _is_array(t: object) -> bool:
    """``tuple[X, ...]``, ``list[X]``, ``frozenset[X]`` … (one item type)."""
    args = typing.get_args(t)
    origin = typing.get_origin(t)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return origin in _ARRAYS and len(args) == 1


def _array_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure a collection from a JSON array only: cattrs' own reads any iterable, and a
    string's characters would become its items (``"c1"`` as ``("c", "1")``). The items are
    read by cattrs' function for ``tuple[X, ...]`` (with their indexes in the JSON paths)."""

    def factory(t: Any) -> Callable[[Any, Any], Any]:
        item = typing.get_args(t)[0]
        as_tuple: Any = tuple[item, ...]  # type: ignore[valid-type]
        items = homogenous_tuple_structure_factory(as_tuple, converter)
        make = _ARRAYS[typing.get_origin(t)]

        def structure_array(value: Any, _type: Any) -> Any:
            if value.__class__ is not list and not isinstance(value, list | tuple):
                raise InvalidInput(f"expected an array, got {_json_kind(value)}")
            made = items(value, as_tuple)
            return made if make is None else make(made)

        return structure_array

    return factory


def _str_tuple_hook(
    general: Callable[[Any, Any], tuple[str, ...]],
) -> Callable[[Any, Any], tuple[str, ...]]:
    """Structure ``tuple[str, ...]``: a JSON list of strings is already the answer.

    cattrs' general hook calls ``str`` on each item (the identity on a ``str``)
    and collects errors; anything but a list of exact strings still goes there.
    """

    def structure_str_tuple(value: Any, type_: Any) -> tuple[str, ...]:
        if type(value) is list:
            for item in value:
                if type(item) is not str:
                    return general(value, type_)
            return tuple(value)
        return general(value, type_)

    return structure_str_tuple


# Persistent vectors (decision 29): the item fields of the case state are ``PVector[T]``;
# they travel as a JSON list, exactly as the tuples they replace did.


def _is_vector(t: object) -> bool:
    return t is PVector or typing.get_origin(t) is PVector


def _vector_hooks(
    converter: cattrs.Converter,
) -> tuple[Callable[[Any], Callable[[Any], Any]], Callable[[Any], Callable[[Any, Any], Any]]]:
    def unstructure_factory(t: Any) -> Callable[[Any], Any]:
        args = typing.get_args(t)
        as_tuple: Any = tuple[args[0], ...] if args else tuple  # type: ignore[valid-type]
        return converter.get_unstructure_hook(as_tuple)

    def structure_factory(t: Any) -> Callable[[Any, Any], Any]:
        args = typing.get_args(t)
        as_tuple: Any = tuple[args[0], ...] if args else tuple  # type: ignore[valid-type]
        hook = converter.get_structure_hook(as_tuple)
        return lambda value, _type: pvector(hook(value, as_tuple))

    return unstructure_factory, structure_factory


def _is_optional(t: object) -> bool:
    """``X | None`` (what cattrs handles as optional, for any ``X``)."""
    args = getattr(t, "__args__", ())
    return (
        typing.get_origin(t) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    )


def _optional_hook_factory(
    converter: cattrs.Converter,
) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure ``X | None`` as cattrs does, with ``X``'s hook looked up once.

    (The converter is fully configured in
    [`_make_converter()`][barnekoordinator.history.serialization._make_converter] before any hook is
    generated, so the hook for ``X`` cannot change afterwards.)
    """

    def factory(union: Any) -> Callable[[Any, Any], Any]:
        first, second = union.__args__
        other = first if second is type(None) else second
        inner = converter.get_structure_hook(other)

        def structure_optional(value: Any, _type: Any) -> Any:
            if value is None:
                return None
            return inner(value, other)

        return structure_optional

    return factory


_BOUNDED_INTS: Final = {"complaint_deadline_weeks": (0, MAX_COMPLAINT_DEADLINE_WEEKS)}
"""Whole numbers in payloads that the rules add to dates, by field name, and the range read
(the event classes refuse the same when they are made, so what is written can be read). Any
other value, or a bool or a float, is refused where it is read, with its JSON path, not when a
deadline overflows later."""


def _bounded_int(low: int, high: int) -> Callable[[object, object], int]:
    def structure_bounded_int(value: object, _type: object) -> int:
        if type(value) is not int or not low <= value <= high:
            raise InvalidInput(f"expected a whole number from {low} to {high}")
        return value

    return structure_bounded_int


def _has_bounded_int(t: object) -> bool:
    return (
        isinstance(t, type)
        and attrs.has(t)
        and any(a.name in _BOUNDED_INTS for a in attrs.fields(t))
    )


def _bounded_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """The attrs structure function cattrs makes, with the bounded fields read by
    ``_bounded_int`` (so the detailed converter names them in its JSON paths)."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        attrs.resolve_types(cls)
        bounded: dict[str, Any] = {
            a.name: override(struct_hook=_bounded_int(*_BOUNDED_INTS[a.name]))
            for a in attrs.fields(cls)
            if a.name in _BOUNDED_INTS
        }
        return make_dict_structure_fn(cls, converter, **bounded)

    return factory


class _Defer(Exception):
    """Raised by a direct structure function (``_direct_factory``) for a value it does not read
    itself. Every caller of the quick converter then reads the whole value with the detailed
    one, which builds it the same way or names the fault."""


def _is_direct(cls: object) -> bool:
    """A class whose instances can be made by setting their slots
    ([`stores_only()`][barnekoordinator.history._evolve.stores_only]) and that has no bounded
    whole number (read by its own hook)."""
    return stores_only(cls) and not any(
        f.name in _BOUNDED_INTS
        for f in attrs.fields(cls)  # type: ignore[arg-type]
    )


_DIRECT_NAMES = itertools.count()


def _direct_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure functions for ``_is_direct`` classes, made as cattrs makes its own (source
    compiled once per class), that read a payload the library wrote and nothing else.

    A payload with exactly the class's keys is read: as many keys as the class has fields, and
    each field's found (counted and looked up, where comparing the key sets cost a fifth of the
    function). Each value is then checked: a ``str`` field must hold a ``str``, a ``bool`` a
    ``bool`` and an ``int`` an ``int`` (exactly: not a bool), a date is looked up in the table of
    dates read (or read by its hook), a plain enum by value (of its values' type: ``True`` is not
    ``1``), ``X | None`` as ``None`` or as ``X``; any other field goes through the converter's
    hook for its type. Once every value is read, the instance is made by setting its slots, as
    attrs' ``__init__`` does (the fields have no validators or converters), on the class's
    unfrozen twin when it has one (``_made_of``). Anything else (a missing or extra key, a text,
    bool, whole number or enum field of another type or value) raises ``_Defer``, and the
    detailed converter reads the payload and refuses it with its JSON path (its hooks coerce
    nothing). A hook's own refusal (a date out of range) is raised as it is. Half the time of
    cattrs' quick function for an event (decision 40).
    """

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
        scope: dict[str, Any] = {
            "_Defer": _Defer,
            "_new": object.__new__,
            "_cls": cls,
            "_str": str,
            "_bool": bool,
            "_int": int,
            "_dates": _DATES,
            "_date_hook": _structure_date,
            "_date": date,
        }
        lines = [
            "def structure(o, _=None):",
            f"  if o.__class__ is not dict or len(o) != {len(fields)}:",
            "    raise _Defer",
        ]
        if fields:
            lines.append("  try:")
            lines.extend(f"    v{i} = o[{field.name!r}]" for i, field in enumerate(fields))
            lines.extend(["  except KeyError:", "    raise _Defer from None"])
        for i, field in enumerate(fields):
            kind: Any = field.type
            optional = _is_optional(kind)
            indent = "    " if optional else "  "
            if optional:
                first, second = kind.__args__
                kind = first if second is type(None) else second
                lines.append(f"  if v{i} is not None:")
            if kind is str or kind is bool or kind is int:  # the type itself: one check
                lines.append(f"{indent}if v{i}.__class__ is not _{kind.__name__}: raise _Defer")
            elif kind is date:
                lines.append(f"{indent}v{i} = _dates.get(v{i}) or _date_hook(v{i}, _date)")
            elif _is_plain_enum(kind):
                scope[f"m{i}"] = kind._value2member_map_
                if _value_kinds(kind) != {str}:  # an IntEnum's map also holds True and 1.0
                    scope[f"k{i}"] = _value_kinds(kind)
                    lines.append(f"{indent}if v{i}.__class__ not in k{i}: raise _Defer")
                lines.append(f"{indent}try: v{i} = m{i}[v{i}]")  # aliases: cls(value)
                lines.append(f"{indent}except (KeyError, TypeError): raise _Defer from None")
            else:
                scope[f"h{i}"], scope[f"t{i}"] = converter.get_structure_hook(kind), kind
                lines.append(f"{indent}v{i} = h{i}(v{i}, t{i})")
        lines.extend(_made_of(cls, fields, scope))
        source = "\n".join(lines) + "\n"
        name = f"<barnekoordinator direct structure {cls.__qualname__} {next(_DIRECT_NAMES)}>"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        exec(compile(source, name, "exec"), scope)  # noqa: S102 - our own source, as cattrs does
        made: Callable[[Any, Any], Any] = scope["structure"]
        return made

    return factory


def _made_of(cls: Any, fields: Any, scope: dict[str, Any]) -> list[str]:
    """The end of a direct structure function: the instance made from the values read
    (``v0`` …), which nothing after this can refuse. On the class's unfrozen twin when it has one
    ([`unfrozen()`][barnekoordinator.history._evolve.unfrozen]): slots stored by plain
    assignment, then the instance becomes a ``cls`` (if an audit hook refuses that, the payload is
    handed on, ``_Defer``, and read by the detailed converter)."""
    twin = unfrozen(cls)
    if twin is None:
        lines = ["  made = _new(_cls)"]
        for i, field in enumerate(fields):
            scope[f"s{i}"] = slot_setter(cls, field.name)
            lines.append(f"  s{i}(made, v{i})")
    else:
        scope["_twin"] = twin
        lines = ["  made = _new(_twin)"]
        lines.extend(f"  made.{field.name} = v{i}" for i, field in enumerate(fields))
        lines.extend(["  try: made.__class__ = _cls", "  except Exception: raise _Defer from None"])
    lines.append("  return made")
    return lines


def _subject_tag(cls: type) -> str:
    return {"Child": "born", "ExpectedChild": "expected"}[cls.__name__]


def _make_converter(*, detailed: bool = True) -> cattrs.Converter:
    """The converter; ``detailed=False`` makes the quick one (same hooks, no error paths)."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    converter.register_unstructure_hook(date, _unstructure_date)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook_factory(_is_plain_enum, _enum_hook)
    converter.register_structure_hook_factory(_is_optional, _optional_hook_factory(converter))
    # Registered for the classes, as cattrs' own are (which they replace): see _structure_str.
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook_factory(_is_array, _array_factory(converter))
    str_tuple = tuple[str, ...]  # its general hook (asked for below) is _array_factory's
    converter.register_structure_hook_func(
        lambda t: t == str_tuple,
        _str_tuple_hook(converter.get_structure_hook(str_tuple, cache_result=False)),
    )
    converter.register_unstructure_hook(datetime, format_time)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(PersonId, _unstructure_person)
    converter.register_structure_hook(PersonId, _structure_person)
    converter.register_unstructure_hook(Organisasjonsnummer, lambda v: v.reveal())
    converter.register_structure_hook(Organisasjonsnummer, _structure_org)
    converter.register_unstructure_hook(HprNummer, lambda v: v.padded)
    converter.register_structure_hook(HprNummer, _structure_hpr)
    converter.register_unstructure_hook_func(
        lambda t: t is frozenset or getattr(t, "__origin__", None) is frozenset,
        _unstructure_frozenset,
    )
    unstructure_vector, structure_vector = _vector_hooks(converter)
    converter.register_unstructure_hook_factory(_is_vector, unstructure_vector)
    converter.register_unstructure_hook(
        type(pvector()), lambda v: [converter.unstructure(x) for x in v]
    )
    converter.register_structure_hook_factory(_is_vector, structure_vector)
    converter.register_structure_hook_factory(_has_bounded_int, _bounded_factory(converter))
    configure_tagged_union(
        Child | ExpectedChild, converter, tag_generator=_subject_tag, tag_name="kind"
    )
    if not detailed:  # registered last, so it is asked first
        converter.register_structure_hook_factory(_is_direct, _direct_factory(converter))
    return converter


_converter = _make_converter()
_quick = _make_converter(detailed=False)
"""The same converter without cattrs' detailed validation: the structure functions it generates
build each value straight from its fields' hooks, without the per-field ``try`` blocks, error
lists and intermediate dict of the detailed ones (about a third of the time an event's structure
took), and an attrs class that only stores its fields is read by ``_direct_factory``'s functions.
It never builds what ``_converter`` refuses and builds equal values, but its errors carry no JSON
paths and it hands some payloads on (``_Defer``), so a value it does not build is structured
again by ``_converter``, whose value or error is the one given
(``serialization.structure()`` and ``serialization._from_records``)."""

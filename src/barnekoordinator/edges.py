"""What the library accepts at its edges: strict JSON text, and the dates it supports.

Every boundary that takes JSON text or bytes (a facts file or standard input in the CLI, an
event's stored payload, a case export) reads it with
[`read_json()`][barnekoordinator.edges.read_json]; every document validated against a schema is
first checked with [`check_json()`][barnekoordinator.edges.check_json] (by
[`validate_document()`][barnekoordinator.history.documents.validate_document]), so a document a
caller parsed itself meets the same rules. The rules:

* **UTF-8 only.** Bytes are decoded strictly, whether they come from a file or standard input; a
  leading byte-order mark is ignored (RFC 8259 § 8.1). A lone surrogate — raw in a ``str`` or
  escaped as ``\\ud800`` — is not Unicode text: it cannot be encoded, stored, hashed or printed,
  so it is refused wherever it appears.
* **Nesting** at most [`MAX_DEPTH`][barnekoordinator.edges.MAX_DEPTH] arrays and objects deep,
  checked by a linear scan *before* the parser, which recurses once per level, can run out of
  stack.
* **Numbers** at most [`MAX_NUMBER_LENGTH`][barnekoordinator.edges.MAX_NUMBER_LENGTH] characters
  (Python refuses to read integers over 4,300 digits, and nothing the library stores needs more
  than a 64-bit integer); ``NaN``, ``Infinity`` and numbers beyond the float range are not JSON
  numbers and are refused.
* **Strings** at most [`MAX_STRING_LENGTH`][barnekoordinator.edges.MAX_STRING_LENGTH] characters.
  (A NUL character is JSON, written ``\\u0000``, and the library's own events may hold one; it stays
  escaped in stored payloads.)
* **Keys** unique within each object: a duplicate is refused with its JSON path instead of the
  last one silently winning.

Text that is not UTF-8 or not JSON raises [`MalformedJson`][barnekoordinator.errors.MalformedJson]
with a line and column (or byte offset); problems inside a well-formed document raise
[`SchemaViolation`][barnekoordinator.errors.SchemaViolation] listing each with its JSON path.
Neither ever repeats the offending value, which may be a fødselsnummer; an object key that is not a
plain name (or holds six digits in a row) is shown by its position (``$.guardians[0].<key 3>``).

Dates outside [`EARLIEST_DATE`][barnekoordinator.edges.EARLIEST_DATE] …
[`LATEST_DATE`][barnekoordinator.edges.LATEST_DATE] are refused where they enter (JSON documents,
eligibility facts, the CLI's ``--as-of`` and ``--days``), so date arithmetic inside the rules can
never overflow.

Files are read with [`read_file()`][barnekoordinator.edges.read_file]: a name the file system
cannot take ([`file_name()`][barnekoordinator.edges.file_name]), a file that cannot be read and
one longer than the reader's limit are refused with the place named, before anything is parsed.
A text file (a number on a line) is read with [`read_text()`][barnekoordinator.edges.read_text]:
strict UTF-8, a leading byte-order mark ignored, as in JSON.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from itertools import accumulate
from typing import Any, Final

from barnekoordinator.errors import (
    BarnekoordinatorError,
    InvalidInput,
    MalformedJson,
    SchemaViolation,
)

__all__ = [
    "DOCUMENT_POLICY",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_DEPTH",
    "MAX_NUMBER_LENGTH",
    "MAX_STRING_LENGTH",
    "OLDEST_AGE",
    "check_date",
    "check_day",
    "check_json",
    "file_name",
    "has_lone_surrogate",
    "is_plain_key",
    "lone_surrogate_path",
    "number_problem",
    "parse_date",
    "read_file",
    "read_json",
    "read_text",
]

DOCUMENT_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
"""The Content-Security-Policy every HTML page the library writes carries in a ``<meta>``
(Min oversikt, the archive document, a decision letter): nothing is loaded or run, no script,
frame, font or fetch, only the page's own inline style and ``data:`` images; no ``<base>``
and no form. The pages hold no script and escape every text, so this is a second wall: a page
saved to disk and opened, or served by a vendor that sets no policy of its own, still cannot
run or load what an escaping mistake let through. (``frame-ancestors`` works only as a
response header: a server that shows Min oversikt sets it; see
``docs/concepts/min-oversikt.md``.)"""

MAX_DEPTH: Final = 32
"""How many arrays and objects deep a document may nest.

The deepest shipped document (an event inside a case export) nests six levels; 32 leaves room for
vendors' payloads while keeping the parser, the schema validator and
[`check_json()`][barnekoordinator.edges.check_json] (all recursive) far from Python's stack limit.
"""

MAX_NUMBER_LENGTH: Final = 32
"""How many characters one number may have (sign, digits, point and exponent).

Enough for any 64-bit integer (20) and any float written in full (24); far below the 4,300 digits
at which Python refuses to read an integer.
"""

MAX_STRING_LENGTH: Final = 100_000
"""How many characters one string (or object key) may have: some fifty pages of free text."""

EARLIEST_DATE: Final = date(1900, 1, 1)
"""The earliest date the library accepts at its edges.

Before anyone alive was born (adults' koordinator cases included), and after the fødselsnummer's
earliest century (1854).
"""

LATEST_DATE: Final = date(2199, 12, 31)
"""The latest date the library accepts at its edges.

A case lasts about 18 years and a plan looks a few years ahead; 2199 leaves well over a century
while keeping every deadline, birthday and ``+ days`` computed from such a date thousands of years
away from the end of Python's calendar (9999), so no rule can overflow.
"""

OLDEST_AGE: Final = LATEST_DATE.year - EARLIEST_DATE.year
"""The oldest age, in whole years, that a birth date and a day the library accepts can give: the
bound of an age an event records (``DomainEvent.BOUNDED_FIELDS``)."""

_MAX_PROBLEMS: Final = 50
"""A hostile document may hold a million problems; the first fifty say enough."""

_INT_LIMIT: Final = 10 ** (MAX_NUMBER_LENGTH - 1)
"""Integers in already-parsed values: at most 31 digits, which with a sign is
``MAX_NUMBER_LENGTH`` characters."""

_Parts = list[int | tuple[str, int]]
"""A JSON path as the walk builds it: array indexes, and object keys with their position."""

# A JSON string, escapes included, as one token. The unrolled form has no two ways to match the
# same text, so it runs in linear time even on an unterminated string.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")
_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_PLAIN_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,63}")
_DIGIT_RUN: Final = re.compile(r"[0-9]{6}")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Refused:
    """A value the parser's hooks would not accept, found with its path by the walk."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _DuplicateKeys(dict[str, Any]):
    """An object with duplicate keys, carrying (key, position) of every repeat."""

    duplicates: list[tuple[str, int]]


_NOT_A_NUMBER = _Refused("NaN and Infinity are not JSON numbers")
_TOO_LONG_NUMBER = _Refused(f"number longer than {MAX_NUMBER_LENGTH} characters")
_OUT_OF_RANGE = _Refused("number out of range")


def _int(text: str) -> int | _Refused:
    return int(text) if len(text) <= MAX_NUMBER_LENGTH else _TOO_LONG_NUMBER


def _float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_LENGTH:
        return _TOO_LONG_NUMBER
    value = float(text)
    return value if math.isfinite(value) else _OUT_OF_RANGE


def _constant(_text: str) -> _Refused:
    return _NOT_A_NUMBER


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _DuplicateKeys(result)
    seen: set[str] = set()
    marked.duplicates = []
    for position, (key, _value) in enumerate(pairs, 1):
        if key in seen:
            marked.duplicates.append((key, position))
        seen.add(key)
    return marked


def _deepest(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot be too deep: the common case costs two counts
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def read_json(text: str | bytes | bytearray, where: str) -> Any:
    """Parse one JSON document strictly, by the rules above.

    Args:
        text: The document as text, or as bytes (which must be UTF-8).
        where: What the text is, for messages: ``"standard input"``, a file name, ``"payload of
            case-opened v1"``.

    Returns:
        The parsed value (dicts, lists, strings, ints, floats, booleans and ``None``).

    Raises:
        MalformedJson: The text is not UTF-8, not JSON, or nested deeper than
            [`MAX_DEPTH`][barnekoordinator.edges.MAX_DEPTH].
        SchemaViolation: The document is JSON but breaks a rule (a duplicate key, a number or
            string too large, NaN, a lone surrogate); every problem is listed with its JSON
            path.
    """
    if isinstance(text, bytes | bytearray):
        try:
            decoded = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"is not UTF-8 text: invalid byte at offset {exc.start}"
            raise MalformedJson(where, problem) from None
        decoded = decoded.removeprefix("\ufeff")
    elif isinstance(text, str):
        decoded = text
    else:
        raise MalformedJson(where, f"is not JSON text: expected str or bytes, got {_kind(text)}")
    if _deepest(decoded) > MAX_DEPTH:
        raise MalformedJson(where, f"is nested deeper than {MAX_DEPTH} arrays and objects")
    try:
        value = json.loads(
            decoded,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        # The decoder's messages ("Expecting value", "Extra data" …) never quote the text.
        raise MalformedJson(
            where, f"is not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:  # pragma: no cover - ruled out by the depth scan
        raise MalformedJson(where, "is nested too deep to read") from None
    check_json(value, where)
    return value


def check_json(value: object, where: str) -> None:
    """Check that an already-parsed ``value`` is a JSON document that
    [`read_json()`][barnekoordinator.edges.read_json] would accept.

    Besides the rules above, ``value`` must consist of dicts with string keys, lists (or tuples),
    strings, ints, finite floats, booleans and ``None``; nesting is checked without recursing past
    [`MAX_DEPTH`][barnekoordinator.edges.MAX_DEPTH], so even a self-containing list is refused
    rather than crashing.

    Raises:
        SchemaViolation: Listing each problem (at most fifty) with its JSON path; ``document`` is
            ``where``.
    """
    problems: list[tuple[_Parts, str]] = []
    with contextlib.suppress(_Enough):
        _walk(value, [], 0, problems)
    if problems:
        raise SchemaViolation(where, [(_path(parts), message) for parts, message in problems])


class _Enough(Exception):
    """Stops the walk once ``_MAX_PROBLEMS`` are found."""


def _problem(parts: _Parts, message: str, out: list[tuple[_Parts, str]]) -> None:
    out.append((list(parts), message))
    if len(out) >= _MAX_PROBLEMS:
        raise _Enough


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (U+D800–U+DFFF): not Unicode text, so it has no
    UTF-8 form to store, hash or print."""
    return not text.isascii() and _SURROGATE.search(text) is not None


_SURROGATE_PROBLEM: Final = "holds a lone surrogate, which is not Unicode text"


def lone_surrogate_path(value: object) -> str | None:
    """The JSON path (``$.text``) of the first string or key in plain ``value`` that holds a lone
    surrogate, or None: where a payload that cannot be encoded as UTF-8 went wrong, found by the
    walk [`check_json()`][barnekoordinator.edges.check_json] makes (a key that is not a plain
    name is shown by its position)."""
    problems: list[tuple[_Parts, str]] = []
    with contextlib.suppress(_Enough):
        _walk(value, [], 0, problems)
    return next((_path(p) for p, message in problems if message.endswith(_SURROGATE_PROBLEM)), None)


def number_problem(value: int) -> str | None:
    """Why the whole number ``value`` cannot be written as JSON that
    [`read_json()`][barnekoordinator.edges.read_json] reads back (longer than
    [`MAX_NUMBER_LENGTH`][barnekoordinator.edges.MAX_NUMBER_LENGTH] characters), or ``None``."""
    if -_INT_LIMIT < value < _INT_LIMIT:
        return None
    return f"number longer than {MAX_NUMBER_LENGTH} characters"


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_STRING_LENGTH:
        return f"string longer than {MAX_STRING_LENGTH} characters"
    if has_lone_surrogate(text):
        return _SURROGATE_PROBLEM
    return None


def _walk(value: object, parts: _Parts, depth: int, out: list[tuple[_Parts, str]]) -> None:
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem is not None:
            _problem(parts, problem, out)
    elif value is None or isinstance(value, bool):
        pass
    elif isinstance(value, int):
        problem = number_problem(value)
        if problem is not None:
            _problem(parts, problem, out)
    elif isinstance(value, float):
        if not math.isfinite(value):
            _problem(parts, "NaN and Infinity are not JSON numbers", out)
    elif isinstance(value, _Refused):
        _problem(parts, value.message, out)
    elif isinstance(value, Mapping):
        if depth >= MAX_DEPTH:
            _problem(parts, f"nested deeper than {MAX_DEPTH} arrays and objects", out)
            return
        for key, position in getattr(value, "duplicates", ()):
            parts.append((key, position))
            _problem(parts, "duplicate key (each key may appear once in an object)", out)
            parts.pop()
        for position, (key, item) in enumerate(value.items(), 1):
            if not isinstance(key, str):
                _problem(parts, f"object keys must be strings, got {_kind(key)}", out)
                continue
            parts.append((key, position))
            problem = _text_problem(key)
            if problem is not None:
                _problem(parts, f"key {problem}", out)
            _walk(item, parts, depth + 1, out)
            parts.pop()
    elif isinstance(value, list | tuple):
        if depth >= MAX_DEPTH:
            _problem(parts, f"nested deeper than {MAX_DEPTH} arrays and objects", out)
            return
        for index, item in enumerate(value):
            parts.append(index)
            _walk(item, parts, depth + 1, out)
            parts.pop()
    else:
        _problem(
            parts,
            "expected a JSON value (object, array, string, number, true, false or null), "
            f"got {_kind(value)}",
            out,
        )


def _path(parts: _Parts) -> str:
    """``$.child.birth_date``, ``$.guardians[1]``; a key that is not a plain name by position."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            key, position = part
            # A key is data too: show it only when it is a name, never a run of digits.
            path += f".{key}" if is_plain_key(key) else f".<key {position}>"
    return path


def is_plain_key(key: str) -> bool:
    """Whether an object key may be shown in a message: a name of at most 64 characters, never a
    run of six digits (a key is data too, and may be an identity number or a name)."""
    return _PLAIN_KEY.fullmatch(key) is not None and _DIGIT_RUN.search(key) is None


def _kind(value: object) -> str:
    return type(value).__name__


# --- dates -----------------------------------------------------------------------------------


def check_date(value: date, what: str) -> date:
    """Return ``value`` if it lies in [`EARLIEST_DATE`][barnekoordinator.edges.EARLIEST_DATE] …
    [`LATEST_DATE`][barnekoordinator.edges.LATEST_DATE].

    A ``datetime`` is checked by its date.

    Raises:
        InvalidInput: Naming ``what`` and the supported range (never the date itself, which may
            be a birth date).
    """
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(f"{what}: {_RANGE}")
    return value


def check_day(value: object, what: str, *, in_range: bool = True) -> date:
    """Return ``value`` if it is a calendar day (a ``datetime.date``, not a ``datetime``, which
    compares with neither, nor text) in the supported range: for a Python API's date
    arguments, where a wrong type would otherwise escape as a raw ``TypeError``. With
    ``in_range=False`` the type only (the range is checked later, where the date is written).

    Raises:
        InvalidInput: Naming ``what`` and the type given, or the supported range (never the
            value, which may be a birth date).
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(f"{what}: expected a datetime.date, got {type(value).__name__}")
    return check_date(value, what) if in_range else value


_RANGE: Final = (
    f"expected a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()} "
    "(the dates the library supports)"
)


def parse_date(text: str, what: str) -> date:
    """Read an ISO date ``YYYY-MM-DD`` (ASCII digits only) within the supported range.

    Raises:
        InvalidInput: The text is not such a date, or the date is out of range; the message
            names ``what`` and never repeats the text.
    """
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise InvalidInput(f"{what}: expected a date YYYY-MM-DD")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}: expected a date YYYY-MM-DD that exists") from None
    return check_date(value, what)


def file_name(name: str, where: str, error: type[BarnekoordinatorError] | None = None) -> str:
    """``name``, when it can name a file: no NUL byte, and no character the file system cannot
    take (a lone surrogate other than those that stand for undecodable bytes).

    Raises:
        InvalidInput: it cannot (``error`` instead, when given): ``where: not a file name (…)``.
    """
    try:
        os.fsencode(name)
    except UnicodeEncodeError:
        usable = False
    else:
        usable = "\x00" not in name
    if usable:
        return name
    raise (error or InvalidInput)(
        f"{where}: not a file name (it holds a NUL byte or a character the file system cannot take)"
    )


def read_file(name: str, limit: int, where: str = "") -> bytes:
    """The bytes of file ``name``, at most ``limit`` of them. ``where`` (e.g. ``--principal
    FILE``) begins an error's message; the file's name by default.

    Raises:
        InvalidInput: the name cannot be a file name, the file cannot be read, or it holds more
            than ``limit`` bytes.
    """
    where = where or name
    try:
        with open(file_name(name, where), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"{where}: {exc.strerror or 'unreadable'}") from None
    if len(data) > limit:
        raise InvalidInput(f"{where}: longer than {limit} bytes")
    return data


def read_text(name: str, limit: int, where: str = "") -> str:
    """The text of file ``name``: at most ``limit`` bytes of strict UTF-8, a leading byte-order
    mark (Notepad writes one) removed, as [`read_json()`][barnekoordinator.edges.read_json]
    removes it. ``where`` begins an error's message; the file's name by default.

    Raises:
        InvalidInput: as [`read_file()`][barnekoordinator.edges.read_file], or the bytes are not
            UTF-8 text (the offset is named, never the text).
    """
    where = where or name
    data = read_file(name, limit, where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{where}: not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    return text.removeprefix("\ufeff")

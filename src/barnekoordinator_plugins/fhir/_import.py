"""Reading a Bundle this library exported back into a case history.

Only a Bundle tagged ``complete-history`` carries the history: one ``Provenance`` per recorded
event, the event whole in the ``recorded-event`` extension. The other resources are a rendering of
that history and are not read back (they would give a lossy copy). Everything is checked before
anything is returned, and every problem is reported with its JSON path; no message repeats a
value from the Bundle (it may hold identity numbers).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Final

from barnekoordinator.access.principal import subject_problem
from barnekoordinator.edges import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_STRING_LENGTH,
    check_date,
    is_plain_key,
    read_json,
)
from barnekoordinator.errors import BarnekoordinatorError, BundleRejected, SchemaViolation
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.records import parse_time
from barnekoordinator.history.serialization import event_from_json
from barnekoordinator.legal_basis import REFERENCES
from barnekoordinator_plugins.fhir import _codes as c

_WHAT: Final = "FHIR bundle"
_FIELDS: Final = {
    "case_id": str,
    "sequence": int,
    "type": str,
    "schema_version": int,
    "recorded_at": str,
    "actor": str,
    "legal_basis": list,
    "payload": dict,
}


def _recorded_at_problem(value: str) -> str | None:
    try:
        check_date(parse_time(value), "recorded_at")
    except (BarnekoordinatorError, ValueError, OverflowError):
        return f"expected an ISO 8601 time with offset, {_SUPPORTED}"
    return None


def _legal_basis_problem(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        return "expected a list of legal-basis keys (strings)"
    if len(value) > _MAX_BASIS or not all(k in REFERENCES for k in value):
        # An unknown key would be stored and then refused by every export of the case.
        return f"expected at most {_MAX_BASIS} keys of barnekoordinator.legal_basis.REFERENCES"
    return None


_MAX_BASIS: Final = 64
"""Legal-basis keys on one event: the library's own events name at most a handful."""


_SUPPORTED: Final = (
    f"from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()} (the dates the library "
    "supports)"
)
_CHECKS: Final[dict[str, Callable[[Any], str | None]]] = {
    "recorded_at": _recorded_at_problem,
    "actor": subject_problem,  # Principal.subject's rules: shown in the family's audit view
    "legal_basis": _legal_basis_problem,
}
"""What the envelope's fields must be beyond their JSON type: a time the library supports, an
actor a principal could be (never an identity number, no control character) and legal-basis
keys the library knows (the case id is checked for every importer by
``exchange.import_history``). Each returns the problem, never the value, or None."""

_MAX_PROBLEMS: Final = 50
"""A hostile bundle may hold a million problems; the first fifty say enough (as in
[`read_json()`][barnekoordinator.edges.read_json])."""


def _tagged_complete(bundle: Mapping[str, Any]) -> bool:
    meta = bundle.get("meta")
    tags = meta.get("tag") if isinstance(meta, Mapping) else None
    return isinstance(tags, list) and any(
        isinstance(t, Mapping) and t.get("system") == c.EXPORT_TAG and t.get("code") == c.COMPLETE
        for t in tags
    )


def _event_text(resource: Mapping[str, Any]) -> tuple[int, object] | None:
    """The index and value of the recorded-event extension, if the resource has one."""
    extensions = resource.get("extension")
    if not isinstance(extensions, list):
        return None
    for i, ext in enumerate(extensions):
        if isinstance(ext, Mapping) and ext.get("url") == c.RECORDED_EVENT:
            return i, ext.get("valueString")
    return None


def _event(
    text: object, where: str, catalogue: Catalogue, problems: list[tuple[str, str]]
) -> RecordedEvent | None:
    if not isinstance(text, str):
        problems.append((where, "expected the recorded event as a string"))
        return None
    try:
        data = read_json(text, where)
    except SchemaViolation as exc:
        problems.extend((where + p.removeprefix("$"), m) for p, m in exc.problems)
        return None
    except BarnekoordinatorError:
        problems.append((where, "expected one JSON object (a recorded event)"))
        return None
    if not isinstance(data, dict):
        problems.append((where, "expected a JSON object (a recorded event)"))
        return None
    bad = {
        k: f"expected a {kind.__name__}"
        for k, kind in _FIELDS.items()
        if not isinstance(data.get(k), kind) or (kind is int and isinstance(data.get(k), bool))
    }
    for k, check in _CHECKS.items():
        problem = None if k in bad else check(data[k])
        if problem is not None:
            bad[k] = problem
    for position, key in enumerate(data):
        if key not in _FIELDS:
            shown = key if is_plain_key(key) else f"<key {position}>"
            bad[shown] = "unexpected field (a recorded event has only the fields it exported)"
    if bad:
        problems.extend((f"{where}.{k}", message) for k, message in bad.items())
        return None
    try:
        event = event_from_json(
            data["type"], data["schema_version"], data["payload"], catalogue, where=where
        )
        return RecordedEvent(
            case_id=data["case_id"],
            sequence=data["sequence"],
            recorded_at=parse_time(data["recorded_at"]),
            actor=data["actor"],
            event=event,
            legal_basis=tuple(data["legal_basis"]),
        )
    except SchemaViolation as exc:
        problems.extend((f"{where}.payload" + p.removeprefix("$"), m) for p, m in exc.problems)
    except BarnekoordinatorError as exc:
        problems.append((where, f"not a recorded event this library reads ({type(exc).__name__})"))
    except (ValueError, TypeError, OverflowError) as exc:
        problems.append((where, f"not a recorded event ({type(exc).__name__})"))
    return None


_TOO_LONG: Final = f"string longer than {MAX_STRING_LENGTH} characters"
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string token, escapes included (no two ways to match: linear time)."""


def _read_bundle(content: bytes) -> Any:
    """The Bundle, read strictly by [`read_json()`][barnekoordinator.edges.read_json], except
    that a string may be longer than
    [`MAX_STRING_LENGTH`][barnekoordinator.edges.MAX_STRING_LENGTH].

    A recorded event's text is a whole event as JSON, longer than the longest string in it (a
    description of 99,990 characters exports as some 100,300), and ``_event`` holds each of its
    own strings to the limit when it reads it. A rendering's text adds a label to a text of the
    case, or joins two ("Observasjon (oppmerksomhet): …"), and is never read back. So when
    ``read_json`` refuses nothing but over-long strings, each is set aside and replaced by a
    mark, the rest is read strictly again, and the carriers are put back in their extensions. A
    mark anywhere the reader looks (the Bundle's type or tag, a resource type) is not what it
    expects there, and is refused as such.

    Raises:
        MalformedJson: ``content`` is not UTF-8 JSON.
        SchemaViolation: it breaks a rule of ``read_json`` anywhere else (with JSON paths).
    """
    try:
        return read_json(content, _WHAT)
    except SchemaViolation as exc:
        if any(m != _TOO_LONG for _, m in exc.problems):
            raise
    # read_json decoded and parsed the text: every string token below is one JSON string.
    text = bytes(content).decode("utf-8")
    held: dict[str, str] = {}
    mark = f"set-aside-{secrets.token_hex(8)}-"

    def hold(token: re.Match[str]) -> str:
        found = token.group(0)
        if len(found) <= MAX_STRING_LENGTH + 2:  # no shorter once its escapes are read
            return found
        value: str = json.loads(found)
        if len(value) <= MAX_STRING_LENGTH:
            return found
        key = f"{mark}{len(held)}"
        held[key] = value
        return f'"{key}"'

    bundle = read_json(_STRING.sub(hold, text.removeprefix("\ufeff")), _WHAT)
    for extension in _carriers(bundle):
        value = extension.get("valueString")
        if isinstance(value, str) and value in held:
            extension["valueString"] = held[value]
    return bundle


def _carriers(bundle: object) -> list[dict[str, Any]]:
    """The recorded-event extensions of the Provenance resources of ``bundle``."""
    entries = bundle.get("entry") if isinstance(bundle, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Provenance":
            extensions = resource.get("extension")
            found += [
                x
                for x in (extensions if isinstance(extensions, list) else ())
                if isinstance(x, dict) and x.get("url") == c.RECORDED_EVENT
            ]
    return found


def read_history(content: bytes, catalogue: Catalogue) -> tuple[str, tuple[RecordedEvent, ...]]:
    """The case id and recorded events of a complete-history Bundle, checked and in order.

    Raises:
        BundleRejected: every problem found, each with its JSON path.
        MalformedJson: ``content`` is not UTF-8 JSON.
        SchemaViolation: the JSON breaks a rule of
            [`read_json()`][barnekoordinator.edges.read_json] (a duplicate key, a string too
            long outside a recorded event …), with JSON paths.
    """
    bundle = _read_bundle(content)
    problems: list[tuple[str, str]] = []
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BundleRejected(_WHAT, [("$.resourceType", "expected a FHIR Bundle")])
    if bundle.get("type") not in ("collection", "document"):
        problems.append(("$.type", "expected a collection or document Bundle"))
    if not _tagged_complete(bundle):
        problems.append(
            (
                "$.meta.tag",
                "expected the complete-history tag: only a Bundle exported with the "
                "whole history can be imported",
            )
        )
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        problems.append(("$.entry", "expected a list of entries"))
        entries = []
    events: list[RecordedEvent] = []
    carriers = 0
    for i, entry in enumerate(entries):
        if len(problems) >= _MAX_PROBLEMS:
            problems.append(
                ("$.entry", f"more problems (only the first {_MAX_PROBLEMS} are listed)")
            )
            break
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            problems.append((f"$.entry[{i}].resource", "expected a FHIR resource"))
            continue
        found = _event_text(resource) if resource["resourceType"] == "Provenance" else None
        if found is None:
            continue
        carriers += 1
        where = f"$.entry[{i}].resource.extension[{found[0]}].valueString"
        event = _event(found[1], where, catalogue, problems)
        if event is not None:
            events.append(event)
    if not carriers:
        problems.append(("$.entry", "expected the recorded events (none found)"))
    case_ids = {e.case_id for e in events}
    if len(case_ids) > 1:
        problems.append(("$.entry", "expected the events of one case"))
    events.sort(key=lambda e: e.sequence)
    numbers = [e.sequence for e in events]
    # An event refused above leaves a gap: its own problem says why, a second would not.
    if len(events) == carriers and numbers != list(range(1, len(events) + 1)):
        problems.append(("$.entry", "expected events numbered 1, 2, 3 … with none missing"))
    if problems:
        raise BundleRejected(_WHAT, problems)
    case_id = events[0].case_id
    try:
        catalogue.replay(case_id, events)
    except BarnekoordinatorError as exc:
        raise BundleRejected(
            _WHAT, [("$.entry", f"the events do not make a valid case ({type(exc).__name__})")]
        ) from None
    return case_id, tuple(events)

"""Values are read as the JSON type they are written as, never coerced (sweep ovfhir s2).

An edited export imported ``"parental_responsibility": "false"`` (a string) as ``True``, so a
father without foreldreansvar then read the case he had been refused; ``"consent_ids": "c1"``
became the ids ``c`` and ``1``, and ``"by": ["kl"]`` the text ``['kl']``: cattrs reads a ``bool``
with ``bool()``, a ``str`` with ``str()`` and a tuple by iterating whatever it is given. The same
converters read stored events (every replay) and ``command.v1`` arguments. A value of another
JSON type is now refused with its JSON path, and an import stores nothing. An imported history
that adds an item under an id it has used (the command refuses it) is refused too: its exports
repeated a FHIR fullUrl (bdl-7).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.commands import command_registry, parse_command
from barnekoordinator.coordination import plan as ip
from barnekoordinator.errors import (
    BarnekoordinatorError,
    BundleRejected,
    InvalidInput,
    SchemaViolation,
)
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import (
    canonical_json,
    event_from_json,
    event_to_json,
    from_records,
    structure,
    to_record,
)
from barnekoordinator.testing import strategies as bst
from barnekoordinator.testing.builders import CaseRun, back_office_load
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.fhir import _codes as codes
from barnekoordinator_plugins.memory import InMemoryCaseStore

KE = staff_principal("ke", "Siri, koordinerende enhet")


@pytest.fixture(scope="module")
def exported() -> bytes:
    """A complete-history FHIR export of a case with a stafettlogg and an individuell plan."""
    return _export(rich_case())


def _export(run: CaseRun) -> bytes:
    book = into_casebook(InMemoryCaseStore(), run)
    return book.export(
        KE, "case-1", "fhir-r4", include_identifiers=True, include_history=True
    ).content


def _carriers(bundle: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The JSON path and the extension of every recorded event in ``bundle``."""
    for i, entry in enumerate(bundle["entry"]):
        for j, ext in enumerate(entry["resource"].get("extension", [])):
            if ext.get("url") == codes.RECORDED_EVENT:
                yield f"$.entry[{i}].resource.extension[{j}].valueString", ext


def _edited(text: bytes, tag: str, edit: Callable[[dict[str, Any]], None]) -> tuple[bytes, str]:
    """The export with the first recorded event of type ``tag`` edited, and its JSON path."""
    bundle = json.loads(text)
    for path, ext in _carriers(bundle):
        event = json.loads(ext["valueString"])
        if event["type"] == tag:
            edit(event["payload"])
            ext["valueString"] = json.dumps(event, ensure_ascii=False)
            return json.dumps(bundle).encode(), path
    raise AssertionError(f"no {tag} in the export")


def _refused(content: bytes) -> BundleRejected:
    """What importing ``content`` raises; nothing is stored."""
    target = InMemoryCaseStore()
    with pytest.raises(BundleRejected) as caught:
        import_history(into_casebook(target), content, operator="test")
    assert target.case_ids() == []
    assert target.read_audit("case-1") == []
    return caught.value


def _guardian_responsibility_as_text(payload: dict[str, Any]) -> None:
    assert payload["guardians"][1]["parental_responsibility"] is True
    payload["guardians"][1]["parental_responsibility"] = "false"


def test_an_imported_bool_given_as_a_string_is_refused_not_read_as_true(exported: bytes) -> None:
    """The sweep's finding: ``"false"`` was stored as ``True`` (the father read the case)."""
    content, where = _edited(exported, "case.opened", _guardian_responsibility_as_text)
    problems = dict(_refused(content).problems)
    path = f"{where}.payload.guardians[1].parental_responsibility"
    assert problems == {path: "expected a boolean (true or false), got a string"}


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("consent_ids", "log", "expected an array, got a string"),  # was ("l", "o", "g")
        ("consent_ids", {"log": 1}, "expected an array, got an object"),  # was its keys
        ("by", ["pl"], "expected a string, got an array"),  # was the text "['pl']"
        ("by", 7, "expected a string, got an integer"),  # was "7"
        ("level", True, "expected an integer, got a boolean"),  # was BtiLevel(1)
        ("level", 1.0, "expected an integer, got a number"),  # was BtiLevel(1)
        ("on", "20260105", "expected a date YYYY-MM-DD"),  # fromisoformat reads it
        ("on", "2026-W02-1", "expected a date YYYY-MM-DD"),
    ],
)
def test_an_imported_value_of_another_json_type_is_refused_with_its_path(
    exported: bytes, key: str, value: object, problem: str
) -> None:
    def edit(payload: dict[str, Any]) -> None:
        assert key in payload
        payload[key] = value

    content, where = _edited(exported, "stafettlogg.opened", edit)
    assert dict(_refused(content).problems) == {f"{where}.payload.{key}": problem}


def test_an_imported_history_adding_an_item_under_a_used_id_is_refused(exported: bytes) -> None:
    """The command refuses a second tiltak ``t…`` with the same id (InvalidInput); an edited
    export added one, and every export of the imported case then repeated a fullUrl. The
    export as written imports (the strict reader and the id rule take what the library wrote)."""
    target = InMemoryCaseStore()
    import_history(into_casebook(target), exported, operator="test")
    assert back_office_load(target, "case-1") == rich_case().case
    bundle = json.loads(exported)
    carriers = list(_carriers(bundle))
    events = [json.loads(ext["valueString"]) for _, ext in carriers]
    again = dict(next(e for e in events if e["type"] == "stafettlogg.tiltak-added"))
    again["sequence"] = len(events) + 1
    entry = json.loads(json.dumps(bundle["entry"][-1]))
    entry["fullUrl"] = "urn:uuid:11111111-1111-1111-1111-111111111111"
    entry["resource"] = {
        "resourceType": "Provenance",
        "extension": [{"url": codes.RECORDED_EVENT, "valueString": json.dumps(again)}],
    }
    bundle["entry"].append(entry)
    problems = dict(_refused(json.dumps(bundle).encode()).problems)
    assert list(problems) == ["$.entry"]
    assert problems["$.entry"].startswith("an item id is used twice (a measure entry)")


def test_a_stored_payload_of_another_json_type_is_refused_when_replayed() -> None:
    """The replay path (``from_records``: the quick structure functions, then the detailed
    converter for what they hand on) refuses it too, with the record and the JSON path."""
    records = rich_case().records()
    first = records[0]
    payload = json.loads(first.payload)
    payload["guardians"][1]["parental_responsibility"] = "false"
    edited = attrs.evolve(first, payload=canonical_json(payload))
    with pytest.raises(SchemaViolation) as caught:
        from_records([edited, *records[1:]], CATALOGUE)
    assert caught.value.problems == (
        (
            "$.guardians[1].parental_responsibility",
            "expected a boolean (true or false), got a string",
        ),
    )


def test_a_command_argument_of_another_json_type_is_a_schema_violation() -> None:
    """``command.v1`` arguments go through the same ``structure()``: a ``"true"`` for a bool
    is refused with its JSON path, there as in a whole command document."""
    spec = command_registry()["register_undring"]
    arguments = {"undring_id": "u1", "description": "Trist", "suspected_abuse": "true"}
    with pytest.raises(SchemaViolation) as caught:
        structure(arguments, spec.arguments)
    assert caught.value.problems == (
        ("$.suspected_abuse", "expected a boolean (true or false), got a string"),
    )
    with pytest.raises(SchemaViolation) as caught:
        parse_command({"command": "register_undring", "case": "case-1", "arguments": arguments})
    assert [path for path, _ in caught.value.problems] == ["$.arguments.suspected_abuse"]
    made = structure({**arguments, "suspected_abuse": True}, spec.arguments)
    assert made.suspected_abuse is True  # type: ignore[attr-defined]


def test_a_plan_id_taken_again_after_the_plan_ended_is_refused_at_import() -> None:
    """``start_plan`` took the id of an ended plan, and the two plans' items then shared entry
    ids (exports repeated fullUrls). The command now refuses it (InvalidInput); a history that
    holds it (stored before) still loads, and is refused at import, with the same message."""
    run = rich_case()
    today = run.clock.now().date()
    run.run(ip.end_plan, by="ke", reason="ferdig", as_of=today)
    with pytest.raises(InvalidInput, match="plan_id: expected a new id"):
        ip.start_plan(run.case, plan_id="ip-1", by="ke", as_of=today)
    service = run.case.participant("ke")
    assert service is not None
    run.run(lambda case: ip.PlanCreated(plan_id="ip-1", service=service.service, by="ke", on=today))
    run.run(
        ip.set_overview,
        by="ke",
        goals=["Mål"],
        resources=[],
        needs=["Behov"],
        as_of=today,
    )
    assert CATALOGUE.load("case-1", run.records()) == run.case
    problems = dict(_refused(_export(run)).problems)
    assert problems["$.entry"].startswith("an item id is used twice (a plan-item entry)")


# --- every event type: a value of another JSON type is refused, never coerced -----------------

_KINDS: tuple[tuple[str, Callable[[object], bool], Any], ...] = (
    ("string", lambda v: isinstance(v, str), st.sampled_from(["", "x", "true", "1", "2026-01-05"])),
    ("boolean", lambda v: isinstance(v, bool), st.booleans()),
    ("integer", lambda v: type(v) is int, st.integers(-3, 3)),
    ("number", lambda v: type(v) is float, st.sampled_from([0.0, 1.0, 2.5])),
    ("array", lambda v: isinstance(v, list), st.sampled_from([[], ["x"], [1], [True]])),
    ("object", lambda v: isinstance(v, dict), st.sampled_from([{}, {"number": "x"}])),
)
"""The JSON types (an integer and a number apart: a whole-number field takes only the first),
how to tell each, and values of it."""


def _places(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """The path of every value inside ``value`` (not the whole), null values left out (an
    optional field may hold any type it allows instead)."""
    items: list[tuple[object, object]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, inner in items:
        if inner is not None:
            yield (*path, key)
        yield from _places(inner, (*path, key))


def _replaced(value: Any, path: tuple[Any, ...], new: object) -> Any:
    copy = json.loads(json.dumps(value))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


@pytest.mark.parametrize("tag", sorted(CATALOGUE.event_types))
@settings(max_examples=30)  # per event type: 75 types
@given(data=st.data())
def test_a_value_of_another_json_type_in_any_event_is_refused(
    tag: str, data: st.DataObject
) -> None:
    event = data.draw(bst.events([tag]), label="event")
    written = json.loads(event_to_json(event))
    places = list(_places(written))
    assume(places)
    path = data.draw(st.sampled_from(places), label="path")
    old: Any = written
    for key in path:
        old = old[key]
    other = data.draw(st.sampled_from([kind for kind in _KINDS if not kind[1](old)]), label="kind")
    payload = _replaced(written, path, data.draw(other[2], label="value"))
    cls = type(event)
    try:
        made = event_from_json(tag, cls.SCHEMA_VERSION, payload, CATALOGUE)
    except BarnekoordinatorError:
        pass
    else:
        pytest.fail(f"{other[0]} at {path} read as {made!r}")
    recorded = RecordedEvent(
        case_id="case-1",
        sequence=1,
        recorded_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        actor="system",
        event=event,
    )
    record = attrs.evolve(to_record(recorded, GENESIS), payload=canonical_json(payload))
    with pytest.raises(BarnekoordinatorError):
        from_records([record], CATALOGUE)

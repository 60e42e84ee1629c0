"""Fuzzing the JSON boundaries: only library errors escape, and nothing is stored (issue 11).

Boundaries: eligibility facts (the strict reader, then ``facts_from_json`` and ``assess``), case
import (``import_case`` from text and from parsed documents), and event decoding
(``event_from_json`` and ``from_records``). Inputs come from ``_hostile``: valid documents
mutated, then broken at the text and byte level.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from _hostile import JSON_VALUES, PYTHON_VALUES, hostile_text, mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import event as event_
from hypothesis import strategies as st

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.edges import read_json
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.history import serialization
from barnekoordinator.history.case import DomainEvent
from barnekoordinator.rights.eligibility import assess
from barnekoordinator.rights.wire import facts_from_json
from barnekoordinator.testing import strategies as bst
from barnekoordinator.testing.builders import standard_case
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"
FACTS = [
    json.loads(path.read_text(encoding="utf-8")) for path in sorted(EXAMPLES.glob("bk-*.json"))
]
RECORDS = standard_case().records()
EXPORT = json.loads(json.dumps(serialization.export_case(RECORDS[0].case_id, RECORDS)))
EVENT_TAGS = sorted(CATALOGUE.event_types)
AS_OF = st.dates(min_value=date(2012, 1, 1), max_value=date(2199, 12, 31))


# --- eligibility facts -------------------------------------------------------------------------


@given(data=st.data(), as_of=AS_OF)
def test_facts_text_reaches_assess_or_a_library_error(data: st.DataObject, as_of: date) -> None:
    """read_json → facts_from_json → assess: each step answers or raises a library error."""
    text = data.draw(hostile_text(data.draw(st.sampled_from(FACTS))))
    try:
        facts = facts_from_json(read_json(text, "facts"))
        assess(facts, as_of=as_of)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
    else:
        event_("assessed")


@given(data=st.data(), as_of=AS_OF)
def test_parsed_facts_with_hostile_values_reach_assess_or_a_library_error(
    data: st.DataObject, as_of: date
) -> None:
    """A caller's own parse (NaN, huge ints, sets, deep lists) meets the same rules."""
    document = data.draw(mutated(data.draw(st.sampled_from(FACTS)), PYTHON_VALUES))
    try:
        assess(facts_from_json(document), as_of=as_of)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
    else:
        event_("assessed")


# --- case import -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SQLiteCaseStore:
    """A real SQLite file that only ever receives what import_case accepted."""
    return SQLiteCaseStore(tmp_path_factory.mktemp("import") / "cases.db")


def _import_into(store: SQLiteCaseStore, document: Any) -> None:
    """Import and, only if that succeeds, append; a failure must leave the store as it was."""
    before = store.case_ids()
    try:
        records = serialization.import_case(document, CATALOGUE)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
        assert store.case_ids() == before
        return
    event_("imported")
    # Only the genuine history verifies (every hash covers what a mutation could change).
    assert records == RECORDS
    if store.version(records[0].case_id) == 0:
        store.append(records[0].case_id, 0, records)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_case_export_text_imports_or_raises_a_library_error(
    data: st.DataObject, store: SQLiteCaseStore
) -> None:
    """Mutated exports as text or bytes: typed errors only, and nothing stored on failure."""
    _import_into(store, data.draw(hostile_text(EXPORT)))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_parsed_case_exports_import_or_raise_a_library_error(
    data: st.DataObject, store: SQLiteCaseStore
) -> None:
    """Mutated exports handed over parsed (NaN, sets, huge ints, dates out of range)."""
    _import_into(store, data.draw(mutated(EXPORT, PYTHON_VALUES)))


def test_the_fuzzed_store_holds_nothing_but_the_genuine_case(store: SQLiteCaseStore) -> None:
    """After the fuzzing above, the store holds at most the one genuine history."""
    assert set(store.case_ids()) <= {RECORDS[0].case_id}
    for case_id in store.case_ids():
        assert [attrs.evolve(r, position=None) for r in store.read(case_id)] == RECORDS


# --- event decoding ----------------------------------------------------------------------------


@given(event=bst.events(), data=st.data())
def test_event_payload_text_decodes_or_raises_a_library_error(
    event: DomainEvent, data: st.DataObject
) -> None:
    """event_from_json on hostile text, for events of every type (now and then the wrong tag)."""
    tag, version = type(event).TYPE, type(event).SCHEMA_VERSION
    if data.draw(st.integers(min_value=0, max_value=9)) == 0:
        tag = data.draw(st.one_of(st.sampled_from(EVENT_TAGS), st.text(max_size=12)))
        version = data.draw(st.integers(min_value=-1, max_value=3))
    base = json.loads(serialization.event_to_json(event))
    payload = data.draw(st.one_of(hostile_text(base), JSON_VALUES.map(json.dumps)))
    try:
        serialization.event_from_json(tag, version, payload, CATALOGUE)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
    else:
        event_("decoded")


@given(event=bst.events(), data=st.data())
def test_event_payload_mappings_decode_or_raise_a_library_error(
    event: DomainEvent, data: st.DataObject
) -> None:
    """event_from_json on parsed payloads with hostile values, including non-mappings."""
    base = json.loads(serialization.event_to_json(event))
    payload = data.draw(st.one_of(mutated(base, PYTHON_VALUES), PYTHON_VALUES))
    cls = type(event)
    try:
        serialization.event_from_json(cls.TYPE, cls.SCHEMA_VERSION, payload, CATALOGUE)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
    else:
        event_("decoded")


@given(data=st.data())
def test_stored_records_with_a_hostile_payload_load_or_raise_a_library_error(
    data: st.DataObject,
) -> None:
    """from_records over a batch in which some payload texts were replaced."""
    records = list(RECORDS)
    for _ in range(data.draw(st.integers(min_value=1, max_value=2))):
        index = data.draw(st.integers(min_value=0, max_value=len(records) - 1))
        text = data.draw(hostile_text(json.loads(RECORDS[index].payload)))
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="surrogateescape")
        records[index] = attrs.evolve(records[index], payload=text)
    try:
        loaded = serialization.from_records(records, CATALOGUE)
    except BarnekoordinatorError as exc:
        event_(f"refused: {type(exc).__name__}")
        return
    event_("loaded")
    # What loaded is what each record holds on its own: no event landed on another record.
    assert loaded == [serialization.from_record(r, CATALOGUE) for r in records]

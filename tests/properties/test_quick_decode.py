"""The quick decode path gives what the detailed one gives (issue 15 item 2).

Stored events are structured by a converter without cattrs' detailed validation, and only a
payload it does not build goes to the detailed converter, for its value or its error with JSON
paths. The quick one must never build what the detailed one refuses, must build equal events,
and may hand a payload on (``_Defer``, decision 40) but never refuse one the detailed one
builds; ``Catalogue.load``, which decodes and folds a slice of records at a time, must give the
case the whole-history fold gives, and report a payload that does not load before an event that
does not fold, wherever each is.
"""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import Any

import attrs
import pytest
from _hostile import PYTHON_VALUES, mutated
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import (
    BarnekoordinatorError,
    InvalidInput,
    OutOfSequence,
    SchemaViolation,
)
from barnekoordinator.history import _converter as converters
from barnekoordinator.history import catalogue as catalogue_module
from barnekoordinator.history import serialization
from barnekoordinator.history.case import DomainEvent
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.testing import strategies as bst
from barnekoordinator.testing.builders import standard_case

RUN = standard_case()
RECORDS = RUN.records()


def _outcome(structure: Any, payload: object, cls: type) -> tuple[str, object]:
    try:
        return ("built", structure(payload, cls))
    except converters._Defer:
        return ("handed on", converters._Defer)
    except Exception as exc:  # any refusal counts; which one is compared below
        return ("refused", type(exc))


@given(event=bst.events(), data=st.data())
def test_the_quick_and_the_detailed_converter_accept_the_same_payloads_alike(
    event: DomainEvent, data: st.DataObject
) -> None:
    base = json.loads(serialization.event_to_json(event))
    payload = data.draw(st.one_of(st.just(base), mutated(base, PYTHON_VALUES)))
    cls = type(event)
    quick = _outcome(serialization._quick.structure, payload, cls)
    detailed = _outcome(serialization._converter.structure, payload, cls)
    if payload is base:  # what the library wrote is read without handing it on
        assert quick[0] == "built"
    if detailed[0] == "refused":
        assert quick[0] != "built"
    elif quick[0] != "handed on":
        assert quick[0] == "built"
    if quick[0] == "built":
        assert quick[1] == detailed[1]
    if detailed[0] == "built":
        assert serialization.structure(payload, cls) == detailed[1]
    else:
        # What structure() raises is the detailed converter's error, as before the quick path.
        with pytest.raises(BarnekoordinatorError):
            serialization.structure(payload, cls)


@given(size=st.integers(min_value=1, max_value=len(RECORDS) + 1))
def test_loading_slice_by_slice_gives_the_whole_history_fold(size: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalogue_module, "_SLICE", size)
        loaded = CATALOGUE.load(RUN.case.id, RECORDS)
    assert loaded == RUN.case
    whole = CATALOGUE.replay(RUN.case.id, serialization.from_records(RECORDS, CATALOGUE))
    assert loaded == whole


@pytest.mark.parametrize("size", [1, 2, 1024])
def test_a_payload_that_does_not_load_is_reported_before_an_event_that_does_not_fold(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = list(RECORDS)
    # Event 2 does not fold (its sequence skips ahead); the last payload does not load.
    records[1] = attrs.evolve(records[1], sequence=records[1].sequence + 5)
    records[-1] = attrs.evolve(records[-1], payload='{"unexpected": 1}')
    monkeypatch.setattr(catalogue_module, "_SLICE", size)
    with pytest.raises(SchemaViolation):
        CATALOGUE.load(RUN.case.id, records)
    with pytest.raises(OutOfSequence):
        CATALOGUE.load(RUN.case.id, records[:-1])


def test_dates_are_read_alike_when_the_table_of_dates_starts_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(converters, "_DATES_KEPT", 2)
    monkeypatch.setattr(converters, "_DATES", {})
    assert CATALOGUE.load(RUN.case.id, RECORDS) == RUN.case
    assert len(converters._DATES) <= 2


def test_organisation_numbers_are_read_alike_from_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Organisation numbers read once are kept by their text (decision 35): a replay gives the
    same case with the table cold, warm and starting again, and a number that is refused is
    refused every time and never kept."""
    monkeypatch.setattr(converters, "_ORGS", {})
    cold = CATALOGUE.load(RUN.case.id, RECORDS)
    assert converters._ORGS, "the standard case names services by organisation number"
    assert CATALOGUE.load(RUN.case.id, RECORDS) == cold == RUN.case
    monkeypatch.setattr(converters, "_ORGS_KEPT", 1)
    monkeypatch.setattr(converters, "_ORGS", {})
    assert CATALOGUE.load(RUN.case.id, RECORDS) == RUN.case
    assert len(converters._ORGS) <= 1
    wrong = "123456789"  # check digit should be 5
    for _ in range(2):
        with pytest.raises(BarnekoordinatorError, match="check digit"):
            serialization.structure(wrong, Organisasjonsnummer)
    assert wrong not in converters._ORGS
    assert serialization.structure("123 456 785", Organisasjonsnummer).value == "123456785"


class _Kind(enum.Enum):
    ONE = "one"
    TWO = "two"


@attrs.frozen(kw_only=True)
class _Plain:
    text: str
    day: date | None
    kind: _Kind
    count: int


@attrs.frozen(kw_only=True)
class _Checked:
    text: str = attrs.field(validator=attrs.validators.min_len(2))


@attrs.frozen(kw_only=True)
class _Converted:
    text: str = attrs.field(converter=str.strip)


@attrs.frozen(kw_only=True)
class _PostInit:
    text: str

    def __attrs_post_init__(self) -> None:
        if not self.text:
            raise ValueError("empty")


@attrs.frozen(kw_only=True, cache_hash=True)
class _CachedHash:
    text: str


@attrs.frozen(kw_only=True, slots=False)
class _DictBacked:
    text: str


@attrs.frozen(kw_only=True)
class _Aliased:
    _text: str


def test_only_classes_whose_init_just_stores_the_fields_are_read_directly() -> None:
    """Decision 40: the direct functions set slots as attrs' ``__init__`` would, so a class with
    anything more in its ``__init__`` keeps cattrs' function (and its checks)."""
    assert converters._is_direct(_Plain)
    for cls in (_Checked, _Converted, _PostInit, _CachedHash, _DictBacked, _Aliased):
        assert not converters._is_direct(cls), cls.__name__
    with pytest.raises(Exception, match="text"):
        serialization._quick.structure({"text": "x"}, _Checked)
    assert serialization._quick.structure({"text": " x "}, _Converted).text == "x"
    with pytest.raises(ValueError, match="empty"):
        serialization._quick.structure({"text": ""}, _PostInit)
    cached = serialization._quick.structure({"text": "x"}, _CachedHash)
    assert hash(cached) == hash(_CachedHash(text="x"))


def test_every_event_class_but_those_with_checked_fields_is_read_directly() -> None:
    """Only the decision event (a bounded whole number of weeks) keeps cattrs' function; an event
    class that gains a validator or a converter leaves the direct path, and this says so."""
    not_direct = {
        tag for tag, cls in CATALOGUE.event_types.items() if not converters._is_direct(cls)
    }
    assert not_direct == {"individual-decision.recorded"}


def test_a_direct_function_builds_what_init_builds_and_hands_on_the_rest() -> None:
    payload = {"text": "a", "day": "2024-02-29", "kind": "two", "count": 3}
    made = serialization._quick.structure(payload, _Plain)
    expected = _Plain(text="a", day=date(2024, 2, 29), kind=_Kind.TWO, count=3)
    assert type(made) is _Plain
    assert made == expected
    assert hash(made) == hash(expected)
    assert serialization._quick.structure({**payload, "day": None}, _Plain).day is None
    for odd in (
        {**payload, "text": 5},  # a number where a text is expected: refused, not str(5)
        {k: v for k, v in payload.items() if k != "count"},
        {**payload, "extra": 1},
        {**payload, "kind": "three"},
        {**payload, "kind": []},
    ):
        with pytest.raises(converters._Defer):
            serialization._quick.structure(odd, _Plain)
    with pytest.raises(InvalidInput, match="ISO date"):  # the date hook's own refusal
        serialization._quick.structure({**payload, "day": 5}, _Plain)
    with pytest.raises(SchemaViolation) as caught:
        serialization.structure({**payload, "text": 5}, _Plain)
    assert caught.value.problems == (("$.text", "expected a string, got an integer"),)
    for refused in ({**payload, "kind": "three"}, {**payload, "extra": 1}):
        with pytest.raises(SchemaViolation):
            serialization.structure(refused, _Plain)

"""The quick validity check of `history.documents` never accepts what jsonschema refuses.

`validate_document()` returns early when the quick check accepts a document; everything else
goes to jsonschema. So the one property that matters: quick says valid ⇒ jsonschema finds no
error. Documents are the shipped examples, mutated at a random place into random JSON.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.history import documents
from barnekoordinator.rights.wire import FACTS_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
FACTS = sorted(p for p in (ROOT / "examples" / "facts").glob("bk-*.json"))
QUICK = [n for n in documents.schema_names() if documents._quick_check(n) is not None]

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-4, 4, allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["", "x", "2020-02-29", "2021-02-29", "1800-01-01", "2024-01-01T00:00:00Z"]
        + ["wants", "mother", "fastlege", "010180 12345", "11111111111", "20200229", "2021-W01-1"]
        + ["a" * n for n in (200, 201, 500, 501, 4000, 4001, 20001)]
    )
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


def _jsonschema_accepts(name: str, document: object) -> bool:
    return not any(documents._validator(name).iter_errors(document))


def _property_names(node: object) -> set[str]:
    """Every property name a schema mentions: the keys a mutation may add."""
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for value in node.values():
            names |= _property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _property_names(value)
    return names


KEYS = [*sorted(_property_names(documents.schema(FACTS_SCHEMA))), "extra"]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


@st.composite
def _mutated_facts(draw: st.DrawFn) -> object:
    document = copy.deepcopy(json.loads(draw(st.sampled_from(FACTS)).read_text("utf-8")))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            return draw(_json)
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(_scalars | _json)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(_json)
    return document


def test_the_quick_check_covers_the_facts_schema() -> None:
    """`assess` relies on it: eligibility-facts.v1 must stay within the quick keywords."""
    assert FACTS_SCHEMA in QUICK


@pytest.mark.parametrize("path", FACTS, ids=lambda p: p.name)
def test_the_quick_check_accepts_the_valid_examples(path: Path) -> None:
    check = documents._quick_check(FACTS_SCHEMA)
    assert check is not None
    assert check(json.loads(path.read_text("utf-8")))


@settings(max_examples=1500)
@given(_mutated_facts())
def test_quick_and_jsonschema_agree_on_mutated_facts(document: object) -> None:
    check = documents._quick_check(FACTS_SCHEMA)
    assert check is not None
    assert check(document) == _jsonschema_accepts(FACTS_SCHEMA, document)


@settings(max_examples=300)
@given(st.sampled_from(QUICK), _json)
def test_quick_never_accepts_what_jsonschema_refuses(name: str, document: object) -> None:
    check = documents._quick_check(name)
    assert check is not None
    if check(document):
        assert _jsonschema_accepts(name, document)


def test_a_keyword_the_quick_check_does_not_know_sends_the_schema_to_jsonschema() -> None:
    assert documents._quick_supported({}, {"type": "object", "oneOf": [{}]}) is False
    assert documents._quick_supported({}, {"$ref": "other.schema.json"}) is False
    assert documents._quick_supported({}, {"format": "email"}) is False
    assert documents._quick_supported({}, {"enum": [1, 2]}) is False


@settings(max_examples=600)
@given(
    st.sampled_from(FACTS),
    st.sampled_from(sorted(documents.schema(FACTS_SCHEMA)["properties"])),
    _scalars | _json,
)
def test_quick_and_jsonschema_agree_on_each_top_level_field(
    path: Path, key: str, value: object
) -> None:
    document = json.loads(path.read_text("utf-8"))
    document[key] = value
    check = documents._quick_check(FACTS_SCHEMA)
    assert check is not None
    assert check(document) == _jsonschema_accepts(FACTS_SCHEMA, document)

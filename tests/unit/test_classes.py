"""The start-up path's value classes behave exactly as attrs' (decision 36, issue 17 item 4).

Each class of ``_classgen.MODULES`` is built by ``barnekoordinator._classes`` from methods
written ahead of time. Here each is held against its twin: the class attrs builds from the same
fields and body. Instances come from real use (every example facts file assessed, the default
settings, the catalogues), so every class is exercised with the values it carries in practice.
"""

from __future__ import annotations

import copy
import importlib
import json
import pickle
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator import _classes, _classgen, legal_basis
from barnekoordinator.clock import FixedClock, TickingClock
from barnekoordinator.config import Config, MunicipalSettings
from barnekoordinator.errors import BarnekoordinatorError, InvalidConfiguration, InvalidInput
from barnekoordinator.legal_basis import REFERENCES, ParameterHistory
from barnekoordinator.rights.eligibility import EligibilityResult, RightResult, _results, assess
from barnekoordinator.rights.wire import facts_from_json
from barnekoordinator.services import SERVICES
from barnekoordinator.texts import TEXTS

ROOT = Path(__file__).resolve().parents[2]
FACTS = sorted((ROOT / "examples" / "facts").glob("*.json"))

for _module in _classgen.MODULES:
    importlib.import_module(_module)
SPECS = [spec for module in _classgen.MODULES for spec in _classes.SPECS.get(module, [])]
CLASSES = {spec.cls.__qualname__: spec for spec in SPECS}


def _twin(spec: _classes.Spec) -> Any:
    """The class attrs builds from the same fields and body (what the fallback would make)."""
    return _classes._attrs_class(spec, spec.members())


TWINS = {name: _twin(spec) for name, spec in CLASSES.items()}


def _walk(value: object, seen: set[int]) -> Iterator[object]:
    if id(value) in seen:
        return
    seen.add(id(value))
    if type(value).__dict__.get("_bk_spec") is not None:
        yield value
        for name in type(value)._bk_spec.fields:  # type: ignore[attr-defined]
            yield from _walk(getattr(value, name), seen)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item, seen)
    elif isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _walk(item, seen)


def _pool() -> dict[str, list[Any]]:
    """Instances of every class, from real use."""
    found: list[object] = []
    seen: set[int] = set()
    roots: list[object] = [
        Config(),
        MunicipalSettings.legal_review(),
        MunicipalSettings().participation.table(),
        REFERENCES,
        SERVICES,
        list(TEXTS.values())[:200],
        legal_basis._PARAMETERS,
        FixedClock(datetime(2026, 1, 1, tzinfo=UTC)),
        TickingClock(datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    for path in FACTS:
        try:
            facts = facts_from_json(json.loads(path.read_text(encoding="utf-8")))
        except BarnekoordinatorError:  # the example of a document with problems
            continue
        as_of, expected = date(2026, 1, 1), facts.expected_child
        if expected is not None and not expected.adoption:
            as_of = expected.expected_date - timedelta(days=60)  # in the pregnancy (§2.6)
        roots += [facts, assess(facts, as_of=as_of)]
    for root in roots:
        found += _walk(root, seen)
    pool: dict[str, list[Any]] = {}
    for value in found:
        pool.setdefault(type(value).__qualname__, []).append(value)
    return pool


POOL = _pool()
INSTANCES = [value for values in POOL.values() for value in values[:25]]


def _values(value: object) -> dict[str, Any]:
    return {name: getattr(value, name) for name in type(value)._bk_spec.fields}  # type: ignore[attr-defined]


def _hash(value: object) -> int | None:
    """The hash, or None when the value is unhashable (no __hash__, or an unhashable field)."""
    try:
        return hash(value)
    except TypeError:
        return None


def _round_trip(how: Any, value: object) -> str:
    """'equal' when ``how(value) == value``, else the error (a mappingproxy does not pickle)."""
    try:
        return "equal" if how(value) == value else "different"
    except TypeError as error:
        return f"TypeError: {error}"


def test_every_class_has_current_generated_methods() -> None:
    """No class on the start-up path fell back to attrs, and the generated files are current."""
    assert [name for name in _classes.BUILT_BY_ATTRS if name.startswith("barnekoordinator.")] == []
    assert _classgen.main(["--check"]) == 0
    assert all("_bk_spec" in spec_class.__dict__ for spec_class in map(type, INSTANCES))


def test_every_class_is_exercised() -> None:
    """The pool holds instances of every class, so the comparisons below cover all of them."""
    assert sorted(POOL) == sorted(CLASSES)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_same_fields_and_shape_as_attrs(name: str) -> None:
    """attrs.fields(), __match_args__, slots and the attrs protocol agree with the twin."""
    built, twin = POOL[name][0].__class__, TWINS[name]
    assert attrs.has(built)
    mine, theirs = attrs.fields(built), attrs.fields(twin)
    assert [(a.name, a.default, a.kw_only, a.eq, a.repr, dict(a.metadata)) for a in mine] == [
        (a.name, a.default, a.kw_only, a.eq, a.repr, dict(a.metadata)) for a in theirs
    ]
    assert built.__match_args__ == twin.__match_args__
    assert not hasattr(POOL[name][0], "__dict__")
    assert (built.__hash__ is None) == (twin.__hash__ is None)


@pytest.mark.parametrize("value", INSTANCES, ids=lambda v: type(v).__qualname__)
def test_instance_behaves_as_the_twin(value: Any) -> None:
    """repr, ==, hash, copy, pickle, evolve and asdict match attrs' class of the same fields."""
    name = type(value).__qualname__
    twin = TWINS[name](**_values(value))
    again = type(value)(**_values(value))
    assert repr(value) == repr(twin)
    assert value == again
    assert not value != again  # noqa: SIM202 - __ne__ is what this checks
    assert value != twin  # another class, as between two attrs classes
    assert attrs.asdict(value, recurse=False) == attrs.asdict(twin, recurse=False)
    assert _hash(value) == _hash(again)
    assert (_hash(value) is None) == (_hash(twin) is None)  # unhashable alike (a mappingproxy)
    assert attrs.evolve(value) == value
    assert copy.copy(value) == value
    # The twin cannot be pickled (another class of the same name), but deepcopy goes through
    # the same __reduce_ex__: what the twin does there, the built class does in both.
    expected = _round_trip(copy.deepcopy, twin)
    assert _round_trip(copy.deepcopy, value) == expected
    pickled = _round_trip(lambda v: pickle.loads(pickle.dumps(v)), value)  # noqa: S301 - our own
    assert pickled == expected


@pytest.mark.parametrize("value", INSTANCES, ids=lambda v: type(v).__qualname__)
def test_frozen_and_mutable_as_the_twin(value: Any) -> None:
    """A frozen instance refuses changes as attrs' does; a mutable one converts on assignment."""
    first = next(iter(type(value)._bk_spec.fields))
    if type(value)._bk_spec.frozen:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(value, first, getattr(value, first))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(value, first)
    else:
        setattr(value, first, getattr(value, first))
        assert getattr(value, first) == getattr(copy.copy(value), first)


@given(st.sampled_from(INSTANCES), st.sampled_from(INSTANCES))
def test_equality_and_hash_agree_with_attrs(a: Any, b: Any) -> None:
    """For any two instances: == and hash as attrs' classes give them, eq=False fields ignored."""
    if type(a) is not type(b):
        assert a != b
        return
    twin = TWINS[type(a).__qualname__]
    assert (a == b) == (twin(**_values(a)) == twin(**_values(b)))
    if a == b:
        assert _hash(a) == _hash(b)


@given(st.sampled_from([v for v in INSTANCES if type(v)._bk_spec.fields]), st.data())
def test_changing_one_field_changes_equality_as_attrs(value: Any, data: st.DataObject) -> None:
    """Replace one field by another instance's value: == answers as attrs' class answers."""
    name = data.draw(st.sampled_from(list(type(value)._bk_spec.fields)))
    other = data.draw(st.sampled_from(POOL[type(value).__qualname__]))
    changed = {**_values(value), name: getattr(other, name)}
    twin = TWINS[type(value).__qualname__]
    try:
        twin_changed = twin(**changed)
    except BarnekoordinatorError as refused:
        # A mix the class's validators refuse (facts with both a child and an expected child):
        # the built class refuses it alike.
        with pytest.raises(type(refused)):
            type(value)(**changed)
        return
    assert (type(value)(**changed) == value) == (twin_changed == twin(**_values(value)))


def test_keyword_only_and_required_arguments_as_attrs() -> None:
    """Positional arguments to a kw_only class and missing fields are TypeErrors, as in attrs."""
    with pytest.raises(TypeError):
        POOL["Author"][0].__class__("ref", "role")
    with pytest.raises(TypeError):
        POOL["Author"][0].__class__(ref="x")
    assert POOL["FixedClock"][0].__class__.__match_args__ == ("current",)


def test_validators_and_converters_run() -> None:
    """Converters and validators run on init (and, for define classes, on assignment)."""
    with pytest.raises(InvalidConfiguration):
        Config(store="no scheme")
    with pytest.raises(InvalidInput, match="two values on the same date"):
        ParameterHistory("p", ((date(2020, 1, 1), 1), (date(2020, 1, 1), 2)))
    history = ParameterHistory("p", ((date(2021, 1, 1), 2), (date(2020, 1, 1), 1)))
    assert history.values[0] == (date(2020, 1, 1), 1)
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidInput, match="timezone-aware"):
        clock.current = datetime(2026, 1, 1)
    clock.current = datetime(2026, 1, 2, 1, tzinfo=UTC) - timedelta(hours=1)
    assert clock.now() == datetime(2026, 1, 2, tzinfo=UTC)
    settings = MunicipalSettings(substantial_assurance_actions=["read"])
    assert settings.substantial_assurance_actions == frozenset({"read"})


def test_cattrs_round_trips_the_classes() -> None:
    """cattrs structures and unstructures them as attrs classes (it reads attrs.fields)."""
    converter = cattrs.Converter()
    for name in ("LegalReference", "Author", "Wishes", "ParticipationAges"):
        value = POOL[name][0]
        assert converter.structure(converter.unstructure(value), type(value)) == value


def test_a_class_without_current_methods_goes_to_attrs() -> None:
    """A changed class whose methods were not regenerated is built by attrs, and named."""

    class FixedClock:  # the same place as clock.FixedClock, another field: a stale fingerprint
        __module__ = "barnekoordinator.clock"
        __qualname__ = "FixedClock"
        current: int = 0
        extra: int = 1

    before = list(_classes.SPECS["barnekoordinator.clock"])
    try:
        built = _classes.define(FixedClock)
        assert _classes.BUILT_BY_ATTRS == ["barnekoordinator.clock.FixedClock"]
        assert "_bk_spec" not in built.__dict__
        assert attrs.has(built)
        assert repr(built(current=2)) == "FixedClock(current=2, extra=1)"
        assert _classes.field_names(built) == ("current", "extra")
    finally:
        _classes.SPECS["barnekoordinator.clock"][:] = before
        _classes.BUILT_BY_ATTRS.clear()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"__eq__": lambda self, other: True}, "its own __eq__"),
        ({"__repr__": lambda self: ""}, "its own __repr__"),
    ],
)
def test_what_is_not_supported_is_refused(body: dict[str, Any], message: str) -> None:
    """A class's own dunder methods would be silently replaced: refused when defined."""
    shell = type("Shell", (), {"__annotations__": {"a": "int"}, **body})
    with pytest.raises(TypeError, match=message):
        _classes.frozen(shell)


def test_inheritance_super_and_cache_hash_on_define_are_refused() -> None:
    """Inherited fields, super() and a cached hash on a mutable class are refused."""

    class Base:
        a: int

    with pytest.raises(TypeError, match="inheriting"):
        _classes.frozen(type("Child", (POOL["Author"][0].__class__,), {}))
    with pytest.raises(TypeError, match="cache_hash"):
        _classes.Spec(Base, frozen=False, kw_only=False, cache_hash=True)

    class UsesSuper:
        a: int

        def method(self) -> str:
            return str(super())

    with pytest.raises(TypeError, match="super"):
        _classes.frozen(UsesSuper)


def test_result_field_order_matches_the_unchecked_constructors() -> None:
    """The evaluator's positional constructors (``_results``) rely on this field order."""
    assert tuple(f.name for f in attrs.fields(EligibilityResult)) == _results._ELIGIBILITY_FIELDS
    assert tuple(f.name for f in attrs.fields(RightResult)) == _results._RIGHT_FIELDS
    assert not any(f.validator or f.converter for f in attrs.fields(EligibilityResult))
    assert not any(f.validator or f.converter for f in attrs.fields(RightResult))


def test_generic_class_can_be_subscripted() -> None:
    """ParameterHistory is Generic: ``ParameterHistory[int]`` works as with attrs."""
    assert ParameterHistory[int]("p", ((date(2020, 1, 1), 1),)).at(date(2021, 1, 1)) == 1

"""Replay makes its values on unfrozen twins and gives them their class before anyone sees them.

Issue 15, item 2: setting a frozen slotted instance's slots through their ``__set__`` was the
largest single cost left in a replayed event (the event, its envelope, the item it adds, the
copy an evaluation makes). ``history._evolve.unfrozen(cls)`` is a subclass with no slot of its own
whose slots take plain assignment; the compiled structure functions, makers, slotted copiers and
``serialization._from_records`` set the slots on it and then assign ``__class__``. These tests
check that what they give is an instance of the class itself, equal and as frozen as one made by
the class, that no twin is left anywhere in a loaded case, which classes get no twin, and that an
audit hook refusing the ``__class__`` assignment (PEP 578) changes what is made into nothing but
the slower way of making it.
"""

from __future__ import annotations

import abc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.history import serialization
from barnekoordinator.history._evolve import copier, maker, unfrozen
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.testing.builders import standard_case


@attrs.frozen(kw_only=True)
class Item:
    id: str
    count: int = 0
    tags: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, slots=False)
class DictBacked:
    id: str


@attrs.frozen(kw_only=True)
class Abstract(abc.ABC):  # a metaclass other than type, nothing more
    id: str


@attrs.frozen(kw_only=True)
class Registering:
    id: str

    def __init_subclass__(cls, **kwargs: Any) -> None:  # would run for a twin
        super().__init_subclass__(**kwargs)


@attrs.frozen(kw_only=True)
class Finalized:
    id: str

    def __del__(self) -> None:  # would run on the probe, half made
        pass


def test_a_twin_becomes_its_class_and_is_then_frozen_as_the_class_makes_it() -> None:
    twin = unfrozen(Item)
    assert twin is not None
    assert unfrozen(Item) is twin  # made once
    assert issubclass(twin, Item)
    assert twin.__qualname__.endswith(".<unfrozen>")
    made: Any = object.__new__(twin)
    made.id, made.count, made.tags = "x", 2, ("a",)
    made.__class__ = Item
    assert type(made) is Item
    assert made == Item(id="x", count=2, tags=("a",))
    assert hash(made) == hash(Item(id="x", count=2, tags=("a",)))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.count = 3


@pytest.mark.parametrize("cls", [DictBacked, Abstract, Registering, Finalized])
def test_classes_a_twin_cannot_stand_for_get_none(cls: type) -> None:
    assert unfrozen(cls) is None


def test_makers_copiers_and_decoded_events_are_instances_of_the_class_itself() -> None:
    made = maker(Item)(id="x", count=2)
    assert type(made) is Item
    assert made == Item(id="x", count=2)
    copied = copier(Item)(made, {"tags": ("b",)})
    assert type(copied) is Item
    assert copied == Item(id="x", count=2, tags=("b",))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copied.count = 3  # type: ignore[misc]
    assert serialization._RECORDED_TWIN is not None
    for recorded in serialization.from_records(standard_case().records(), CATALOGUE):
        assert type(recorded) is RecordedEvent
        event = recorded.event
        assert type(event) is CATALOGUE.event_types[event.TYPE]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            recorded.actor = "someone else"  # type: ignore[misc]


def _values(value: object) -> Iterator[object]:
    """``value`` and every value inside it: attrs fields, sequences, sets and mappings."""
    seen: set[int] = set()
    stack = [value]
    while stack:
        current = stack.pop()
        if id(current) in seen or isinstance(current, str | bytes | int | float | type):
            continue
        seen.add(id(current))
        yield current
        if attrs.has(type(current)):
            stack.extend(getattr(current, f.name) for f in attrs.fields(type(current)))
        elif isinstance(current, Mapping):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, tuple | list | set | frozenset) or hasattr(current, "tolist"):
            stack.extend(current)


def test_no_twin_is_left_in_a_loaded_case() -> None:
    run = standard_case()
    case = CATALOGUE.load(run.case.id, run.records())
    assert case == run.case
    classes = {type(value) for value in _values({"parts": case.parts, "case": case})}
    assert not [c for c in classes if c.__qualname__.endswith(".<unfrozen>")]
    assert len(classes) > 10  # the walk reached the case's values


_REFUSED = """
import sys

refusing = []
refused = []


def hook(event, args):
    # Refuse every __class__ assignment while asked to (the library's twins and anyone else's).
    if refusing and event == "object.__setattr__" and args[1] == "__class__":
        refused.append(type(args[0]).__qualname__)
        raise RuntimeError("refused by an audit hook")


sys.addaudithook(hook)
if {refuse_first}:
    refusing.append(True)  # before any twin is made: the probes are refused too

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.history import _evolve, serialization
from barnekoordinator.testing.builders import standard_case

run = standard_case()
records = run.records()
warm = CATALOGUE.load(run.case.id, records)
refusing.append(True)  # now every twin's assignment is refused
again = CATALOGUE.load(run.case.id, records)
events = [r.event for r in serialization.from_records(records, CATALOGUE)]
print(json.dumps({{
    "equal": warm == run.case and again == run.case,
    "refused": len(refused),
    "events": [type(e).__name__ for e in events] == [type(r.event).__name__ for r in run.history]
    and events == [r.event for r in run.history],
    "twins": sum(t is not None for t in _evolve._UNFROZEN.values()),
}}))
"""


@pytest.mark.parametrize("refuse_first", [False, True])
def test_an_audit_hook_that_refuses_the_class_assignment_changes_nothing_made(
    refuse_first: bool,
) -> None:
    """In a process of its own: an audit hook cannot be removed once added."""
    code = "import json\n" + textwrap.dedent(_REFUSED.format(refuse_first=refuse_first))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["equal"]
    assert outcome["events"]
    if refuse_first:
        assert outcome["twins"] == 0  # every probe was refused: the slots are set one by one
    else:
        assert outcome["twins"] > 10
        assert outcome["refused"] > len(standard_case().history)  # events, envelopes, items

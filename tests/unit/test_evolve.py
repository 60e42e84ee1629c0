"""The fold's fast evolve behaves exactly like attrs.evolve."""

from __future__ import annotations

import importlib

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.errors import HistoryError
from barnekoordinator.history._evolve import (
    Draft,
    DraftSteps,
    copier,
    copy_with,
    evolve,
    last_index,
    maker,
)


def _positive(_instance: object, _attribute: object, value: int) -> None:
    if value <= 0:
        raise ValueError("must be positive")


@attrs.frozen(kw_only=True)
class Plain:
    a: int
    b: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class Checked:
    count: int = attrs.field(validator=_positive)
    items: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    total: int = attrs.field(default=0)

    @total.validator
    def _total(self, _attribute: object, value: int) -> None:
        if value != sum(self.items):
            raise ValueError("total must equal the sum of items")


@attrs.frozen(kw_only=True, slots=False)
class DictBacked:
    count: int = attrs.field(validator=_positive)
    items: tuple[int, ...] = attrs.field(default=(), converter=tuple)


def test_dict_backed_classes_copy_and_validate() -> None:
    """Dict-backed classes copy without touching the original and still validate."""
    d = DictBacked(count=1, items=(1,))
    changed = evolve(d, items=[2, 3])
    assert changed == DictBacked(count=1, items=(2, 3))
    assert d.items == (1,)
    with pytest.raises(ValueError, match="positive"):
        evolve(d, count=-1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        changed.count = 5  # type: ignore[misc]


def test_same_result_as_attrs_evolve() -> None:
    """Copies equal attrs.evolve's, for plain and validated classes alike."""
    p = Plain(a=1, b=(2,))
    assert evolve(p, a=5) == attrs.evolve(p, a=5)
    assert evolve(p, a=5) is not p
    c = Checked(count=1, items=(1, 2), total=3)
    assert evolve(c, count=7) == attrs.evolve(c, count=7)


def test_converters_apply_to_changed_values() -> None:
    """A changed value is converted; a list becomes the declared tuple."""
    c = Checked(count=1)
    changed = evolve(c, items=[4, 5], total=9)
    assert changed.items == (4, 5)


def test_every_validator_runs_after_all_fields_are_set() -> None:
    """Invariants spanning fields are checked on the new object, as __init__ does."""
    c = Checked(count=1, items=(1,), total=1)
    with pytest.raises(ValueError, match="positive"):
        evolve(c, count=0)
    with pytest.raises(ValueError, match="sum of items"):
        evolve(c, items=(1, 2))


def test_unknown_field_is_an_error() -> None:
    """A misspelt field name raises instead of being ignored."""
    with pytest.raises(TypeError, match="has no field"):
        evolve(Plain(a=1), c=2)


@attrs.frozen(kw_only=True)
class Item:
    id: str
    note: str = ""


@attrs.frozen(kw_only=True)
class Holder:
    items: tuple[Item, ...] = ()
    count: int = attrs.field(default=1, validator=_positive)


def test_a_draft_applies_its_changes_with_one_copy() -> None:
    """Items appended and updated, fields set: one copy at the end, tuples again."""
    base = Holder(items=(Item(id="a"), Item(id="b")))
    draft = Draft(base)
    draft.append("items", Item(id="c"))
    assert draft.get("items") == (Item(id="a"), Item(id="b"), Item(id="c"))
    draft.update_last("items", "a", {"note": "seen"}, "no a")  # from before the run
    draft.append("items", Item(id="a"))  # a later item with the same id
    draft.update_last("items", "a", {"note": "latest"}, "no a")
    draft.set("count", 3)
    assert draft.get("count") == 3
    result = draft.result()
    assert result == Holder(
        items=(
            Item(id="a", note="seen"),
            Item(id="b"),
            Item(id="c"),
            Item(id="a", note="latest"),
        ),
        count=3,
    )
    assert type(result.items) is tuple
    assert base == Holder(items=(Item(id="a"), Item(id="b")))  # untouched


def test_appends_alone_are_one_concatenation_and_updates_find_them() -> None:
    """Items only appended stay a tail until the end; an update finds them there."""
    base = Holder(items=(Item(id="a"),))
    draft = Draft(base)
    draft.append("items", Item(id="b"))
    draft.append("items", Item(id="c"))
    draft.update_last("items", "b", {"note": "evaluated"}, "no b")
    assert "items" not in draft.lists  # never turned into a whole list
    assert draft.result().items == (Item(id="a"), Item(id="b", note="evaluated"), Item(id="c"))
    # set() replaces the field, tail and all; appends after it continue the new value.
    draft.set("items", (Item(id="z"),))
    draft.append("items", Item(id="y"))
    assert draft.result().items == (Item(id="z"), Item(id="y"))


def test_a_draft_without_changes_is_its_base_and_checks_validators_on_the_result() -> None:
    """No change gives the base itself; the result runs every validator."""
    base = Holder()
    assert Draft(base).result() is base
    draft = Draft(base)
    draft.set("count", 0)
    with pytest.raises(ValueError, match="positive"):
        draft.result()


def test_a_draft_reports_a_missing_item_as_a_history_error() -> None:
    """Updating an item the state does not hold raises HistoryError with the given text."""
    draft = Draft(Holder(items=(Item(id="a"),)))
    with pytest.raises(HistoryError, match="no item 'x'"):
        draft.update_last("items", "x", {"note": "n"}, "no item 'x'")
    assert last_index((Item(id="a"), Item(id="b"), Item(id="a")), "a") == 2
    assert last_index((), "a") == -1


def test_draft_steps_fold_a_run_and_refuse_a_second_step_for_a_class() -> None:
    """Steps apply per event class, in order; one class has one step."""

    @attrs.frozen
    class Added:
        id: str

    @attrs.frozen
    class Recorded:
        event: Added

    def _added(case: object, draft: Draft[Holder], event: Added) -> None:
        draft.append("items", Item(id=event.id))

    given = {Added: _added}
    steps: DraftSteps[Holder] = DraftSteps(given)
    given.clear()  # the steps were copied: later changes to the mapping do not leak in
    assert steps.classes == (Added,)
    draft = Draft(Holder())
    steps.fold(None, draft, [Recorded(Added("x")), Recorded(Added("y"))])
    assert draft.result().items == (Item(id="x"), Item(id="y"))


# --- makers and slotted copiers (decision 42: values the fold builds once per event) ----------


@attrs.frozen(kw_only=True)
class Defaults:
    a: int
    b: tuple[int, ...] = ()
    c: str | None = None


@attrs.frozen(kw_only=True)
class WithFactory:
    a: int
    b: list[int] = attrs.Factory(list)


@attrs.frozen(kw_only=True)
class Child(Defaults):
    d: int = 0


def test_a_maker_makes_what_the_class_makes_and_keeps_it_frozen() -> None:
    make = maker(Defaults)
    assert make is not Defaults
    assert make(a=1) == Defaults(a=1)
    assert make(a=1, b=(2,), c="x") == Defaults(a=1, b=(2,), c="x")
    assert type(make(a=1)) is Defaults
    assert make(a=1).b is Defaults(a=1).b  # the field's own default
    with pytest.raises(TypeError):
        make(a=1, e=2)  # an unknown field, as the class's __init__ refuses it
    with pytest.raises(TypeError):
        make(b=())  # a field without a default is needed
    with pytest.raises(TypeError):
        make(1)  # by keyword only, as the class
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        make(a=1).a = 2  # type: ignore[misc]


def test_a_class_that_does_more_than_store_is_its_own_maker() -> None:
    """A validator, a converter or a factory default: the class itself, so nothing is skipped."""
    assert maker(Checked) is Checked
    assert maker(DictBacked) is DictBacked
    assert maker(WithFactory) is WithFactory
    with pytest.raises(ValueError, match="positive"):
        maker(Checked)(count=0)


def test_a_slotted_copier_copies_as_evolve_does() -> None:
    copy = copier(Defaults)
    assert copy is not copy_with
    d = Defaults(a=1, b=(2,))
    assert copy(d, {"c": "x"}) == attrs.evolve(d, c="x")
    assert copy(d, {}) == d
    assert copy(d, {}) is not d
    assert d.c is None
    with pytest.raises(TypeError, match="Defaults has no field 'e'"):
        copy(d, {"e": 1})
    # An instance of a subclass keeps its class and its own fields.
    child = Child(a=1, d=4)
    assert copy(child, {"a": 2}) == Child(a=2, d=4)
    assert copier(Checked) is copy_with


_FOLD_VALUES = [
    cls
    for module in ("coordination.stafettlogg._values", "coordination.plan._model")
    for cls in vars(importlib.import_module(f"barnekoordinator.{module}")).values()
    if isinstance(cls, type) and attrs.has(cls) and cls.__module__.endswith(module)
]


@pytest.mark.parametrize("cls", _FOLD_VALUES, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_the_fold_values_are_made_and_copied_as_attrs_makes_them(
    cls: type, data: st.DataObject
) -> None:
    """For every value class of the stafettlogg and the plan: what ``maker`` and ``copier`` give
    equals what the class's ``__init__`` and ``attrs.evolve`` give, for any field values."""
    fields = attrs.fields(cls)
    values = {
        f.name: data.draw(st.one_of(st.none(), st.integers(), st.text()), f.name) for f in fields
    }
    try:
        made = cls(**values)
    except Exception as exc:  # a validator refuses these values: so must the maker
        with pytest.raises(type(exc)):
            maker(cls)(**values)
        return
    assert maker(cls)(**values) == made
    name = data.draw(st.sampled_from([f.name for f in fields]), "changed")
    assert copier(cls)(made, {name: "changed"}) == attrs.evolve(made, **{name: "changed"})


@attrs.frozen(kw_only=True)
class NamedLikeItsMaker:
    """Fields named as the maker's own names would be if they were not hidden behind "_"."""

    made: int
    s0: int = 1
    d1: int = 2
    make: int = 3


def test_no_field_name_shadows_what_the_maker_uses() -> None:
    value = maker(NamedLikeItsMaker)(made=9, s0=8, d1=7, make=6)
    assert value == NamedLikeItsMaker(made=9, s0=8, d1=7, make=6)
    assert maker(NamedLikeItsMaker)(made=1) == NamedLikeItsMaker(made=1)

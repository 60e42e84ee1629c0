"""The fold's fast evolve behaves exactly like attrs.evolve."""

from __future__ import annotations

import attrs
import pytest

from barnekoordinator.errors import HistoryError
from barnekoordinator.history._evolve import Draft, DraftSteps, evolve, last_index


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

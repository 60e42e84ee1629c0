"""Replay holds the cyclic garbage collector off and leaves the caller's settings as they were.

Issue 15: replay slowed by half past 10,000 events while the collector scanned objects the
fold keeps; ``Catalogue.replay``/``Catalogue.load`` now hold it off. These tests check that
nothing about the collector changes for the caller: on or off, thresholds, frozen objects,
after success and after a history that fails to fold.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import HistoryError
from barnekoordinator.history import catalogue as catalogue_module
from barnekoordinator.history._collector import collector_paused
from barnekoordinator.testing.builders import standard_case


def _settings() -> tuple[object, ...]:
    return (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())


@pytest.fixture
def caller_gc() -> Iterator[None]:
    """Restore the test process's own collector settings whatever a test does."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("caller_gc")
@pytest.mark.parametrize("enabled", [True, False])
def test_replay_and_load_leave_the_collector_as_the_caller_set_it(enabled: bool) -> None:
    run = standard_case()
    records = run.records()
    gc.set_threshold(1234, 7, 3)
    if enabled:
        gc.enable()
    else:
        gc.disable()
    before = _settings()
    assert CATALOGUE.replay(run.case.id, run.history) == run.case
    assert _settings() == before
    assert CATALOGUE.load(run.case.id, records) == run.case
    assert _settings() == before


@pytest.mark.usefixtures("caller_gc")
def test_a_history_that_fails_to_fold_still_turns_the_collector_back_on() -> None:
    run = standard_case()
    broken = [*run.history, attrs.evolve(run.history[-1], sequence=run.case.version + 5)]
    gc.enable()
    before = _settings()
    with pytest.raises(HistoryError):
        CATALOGUE.replay(run.case.id, broken)
    assert _settings() == before


@pytest.mark.usefixtures("caller_gc")
def test_the_collector_is_off_inside_and_back_on_after_an_error() -> None:
    seen: list[bool] = []

    def fail_inside() -> None:
        with collector_paused():
            seen.append(gc.isenabled())
            raise ZeroDivisionError

    gc.enable()
    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # a caller's "off" is not turned on


# --- tenuring a long replay (decision 50) ----------------------------------------------


class _Node:
    """A tracked object that can take part in a reference cycle."""

    def __init__(self) -> None:
        self.other: object = None


def _generation_of(obj: object) -> int | None:
    for generation in range(3):
        if any(o is obj for o in gc.get_objects(generation=generation)):
            return generation
    return None


@pytest.mark.usefixtures("caller_gc")
@pytest.mark.parametrize("tenure", [False, True])
def test_a_tenured_block_moves_what_it_made_to_the_oldest_generation(tenure: bool) -> None:
    gc.enable()
    before = _settings()
    with collector_paused(tenure=tenure):
        kept = _Node()
    assert _settings() == before
    # Without tenure it waits in the youngest generation for the scan decision 50 saves.
    assert _generation_of(kept) == (2 if tenure else 0)


@pytest.mark.usefixtures("caller_gc")
def test_tenure_first_collects_the_callers_young_garbage_rather_than_keeping_it() -> None:
    gc.enable()
    gc.collect()
    freed: list[str] = []
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # cyclic garbage only the collector frees
    weakref.finalize(a, freed.append, "a")
    del a, b
    with collector_paused(tenure=True):
        assert freed == ["a"]  # freed on the way in, not tenured with the block's objects
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("caller_gc")
def test_tenure_leaves_the_callers_frozen_objects_frozen() -> None:
    gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector_paused(tenure=True):
            kept = _Node()
        assert gc.get_freeze_count() == frozen
        assert _generation_of(kept) == 0  # not tenured: unfreeze would release the caller's
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("caller_gc")
def test_a_block_that_fails_is_not_tenured() -> None:
    gc.enable()
    kept: list[_Node] = []

    def fail_inside() -> None:
        with collector_paused(tenure=True):
            kept.append(_Node())
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert gc.isenabled()
    assert _generation_of(kept[0]) == 0


@pytest.mark.usefixtures("caller_gc")
def test_load_tenures_a_long_history_and_keeps_the_callers_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = standard_case()
    records = run.records()
    monkeypatch.setattr(catalogue_module, "_TENURE_FROM", 1)  # this short case counts as long
    gc.set_threshold(1234, 7, 3)
    gc.enable()
    before = _settings()
    case = CATALOGUE.load(run.case.id, records)
    replayed = CATALOGUE.replay(run.case.id, iter(run.history))
    assert case == run.case == replayed
    assert _settings() == before
    assert _generation_of(case) == 2
    assert _generation_of(replayed) == 2

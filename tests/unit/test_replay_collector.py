"""Replay holds the cyclic garbage collector off and leaves the caller's settings as they were.

Issue 15: replay slowed by half past 10,000 events while the collector scanned objects the
fold keeps; ``Catalogue.replay``/``Catalogue.load`` now hold it off. These tests check that
nothing about the collector changes for the caller: on or off, thresholds, frozen objects,
after success and after a history that fails to fold.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import HistoryError
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

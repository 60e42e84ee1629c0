"""UsedIds: the ids a case has used, an immutable set that grows in amortised O(1) (decision 37).

Its versions share one dictionary, so the properties that matter are the ones a shared
structure could break: every version keeps exactly its own ids however the others grow, in any
order, from older versions (branches) and from several threads at once.
"""

from __future__ import annotations

import copy
import pickle
import sys
import threading
from collections.abc import Set
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.history import _used_ids
from barnekoordinator.history._used_ids import UsedIds

IDS = st.text(alphabet="abct0123", min_size=1, max_size=3)


@given(
    st.lists(IDS, max_size=8),
    st.lists(st.tuples(st.integers(min_value=0), st.lists(IDS, max_size=6)), max_size=25),
    st.sampled_from([0, 2, 5, 1_024]),
)
def test_every_version_holds_exactly_its_own_ids(
    start: list[str], steps: list[tuple[int, list[str]]], line_from: int
) -> None:
    """Grow any earlier version (the newest, or an older one: a branch), step after step: each
    version equals the frozenset model of its own line, before and after the others grow,
    whether branches keep their ids beside the line or are copied into lines of their own."""
    with patch.object(_used_ids, "_LINE_FROM", line_from):
        _grow_and_compare(start, steps)


def _grow_and_compare(start: list[str], steps: list[tuple[int, list[str]]]) -> None:
    versions = [UsedIds(start)]
    models = [frozenset(start)]
    for pick, ids in steps:
        i = pick % len(versions)
        versions.append(versions[i].update(ids))
        models.append(models[i] | frozenset(ids))
        for version, model in zip(versions, models, strict=True):
            assert len(version) == len(model)
            assert set(version) == model
            assert all(x in version for x in model)
    probes = {x for m in models for x in m} | {"zz", ""}
    for version, model in zip(versions, models, strict=True):
        assert {x for x in probes if x in version} == model
        assert version == model  # equal to any set of the same ids
        assert hash(version) == hash(model)


@given(st.lists(IDS, max_size=10))
def test_order_added_duplicates_and_unchanged_growth(ids: list[str]) -> None:
    """A line iterates in the order first added; growing by ids already there returns the set;
    a branch of an older version keeps its own ids apart and does not copy the line's."""
    used = UsedIds(ids)
    assert list(used) == list(dict.fromkeys(ids))
    assert used.update(ids) is used
    assert used.update([]) is used
    grown = used.insert("new-id")
    assert "new-id" in grown
    assert "new-id" not in used
    branch = used.insert("other-id")  # ``used`` is no longer the newest of its line
    assert (branch._shared is used._shared) == (len(used) > _used_ids._LINE_FROM)
    assert set(branch) == {*ids, "other-id"}
    assert "new-id" not in branch
    assert "other-id" not in grown


def test_an_empty_default_is_never_grown_in_place() -> None:
    """The empty set every case starts from keeps no case's ids: each growth is its own line."""
    empty = UsedIds()
    first = empty.update(f"a{i}" for i in range(5_000))
    second = empty.insert("b")
    assert not empty._shared.index
    assert first._shared is not second._shared
    assert set(second) == {"b"}
    assert first.insert("a-next")._shared is first._shared  # a line of its own, grown in place


def test_a_long_branch_is_kept_beside_its_line_until_it_grows_long() -> None:
    """A branch of a long set shares its line; after 1,024 ids of its own it is a new line."""
    line = UsedIds(f"b{i}" for i in range(2_000))
    line.insert("newest")
    branch = line
    for i in range(_used_ids._LINE_FROM - 1):
        branch = branch.insert(f"own{i}")
        assert branch._shared is line._shared
        assert f"own{i}" in branch
        assert "newest" not in branch
        assert len(branch) == 2_001 + i
    branch = branch.insert("last")
    assert branch._shared is not line._shared
    assert set(branch) == {*line, *(f"own{i}" for i in range(1_023)), "last"}
    assert "newest" not in branch
    grown = branch.insert("after")  # the new line's newest: grown in place
    assert grown._shared is branch._shared


def test_threads_growing_the_same_versions_each_get_their_own_ids() -> None:
    """Eight threads grow whatever version is newest, without coordinating, so two often grow
    the same one at once: each result is its parent and its own id, nothing of the others'
    (the newest-version check and the inserts are one step; under the GIL the window
    is too narrow for this test to show a missing lock reliably, but not for free threads)."""
    tip = [UsedIds(f"b{i}" for i in range(100))]
    grown: list[tuple[UsedIds, str, UsedIds]] = []
    barrier = threading.Barrier(8)

    def grow(worker: int) -> None:
        barrier.wait()
        for step in range(300):
            parent = tip[0]
            child = parent.insert(f"w{worker}-{step}")
            tip[0] = child
            grown.append((parent, f"w{worker}-{step}", child))

    threads = [threading.Thread(target=grow, args=(w,)) for w in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(grown) == 8 * 300
    for parent, added, child in grown:
        assert set(child) == set(parent) | {added}


def test_a_read_only_set_that_copies_and_pickles() -> None:
    """A collections.abc.Set with set operators; copies and pickles keep the ids, not the
    sharing; no id in its repr."""
    used = UsedIds(["t1", "t2"])
    assert isinstance(used, Set)
    assert used | {"t3"} == {"t1", "t2", "t3"}
    assert used - {"t1"} == {"t2"}
    assert copy.deepcopy(used) == used
    assert pickle.loads(pickle.dumps(used)) == used  # noqa: S301 - our own data
    assert repr(used) == "UsedIds(2 ids)"
    assert not hasattr(used, "add")

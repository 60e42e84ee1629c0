"""The incremental Checkpointer: byte for byte the full computation, and a store that is not an
extension of what it saw refused with StoreDiverged.

The full computation it is checked against is ``tree_root`` over every leaf (the recursive
definition of RFC 6962, independent of the compact trees) and ``store_checkpoint``; the compact
tree's frontier is checked against the published RFC 6962 vectors in ``test_merkle``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.errors import CheckpointError, StoreDiverged
from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Checkpointer,
    Ed25519Signer,
    Frontier,
    record_leaf,
    sign_checkpoint,
    store_checkpoint,
)
from barnekoordinator.history.merkle import tree_root
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit, make_records
from barnekoordinator_plugins.sqlite import SQLiteCaseStore


@attrs.frozen
class _Record:
    position: int | None
    hash: str


class _Store:
    """Two position-ordered lists of records, as ``read_all`` and ``read_all_audit`` serve them."""

    def __init__(self) -> None:
        self.events: list[_Record] = []
        self.audit: list[_Record] = []
        self.reads = 0
        self._next = 0

    def add(self, kind: str, count: int) -> None:
        target = self.events if kind == "events" else self.audit
        for _ in range(count):
            self._next += 1 + self._next % 3  # positions with gaps, as row ids may have
            digest = hashlib.sha256(f"{kind}{self._next}".encode()).hexdigest()
            target.append(_Record(self._next, digest))

    def _page(self, records: list[_Record], after: int, limit: int) -> list[_Record]:
        self.reads += 1
        return [r for r in records if (r.position or 0) > after][:limit]

    def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[_Record]:
        return self._page(self.events, after_position, limit)

    def read_all_audit(self, *, after_position: int = 0, limit: int = 1000) -> list[_Record]:
        return self._page(self.audit, after_position, limit)


def _as_store(store: _Store) -> CaseStore:
    return cast(CaseStore, store)


def _full(store: _Store) -> Checkpoint:
    checkpoint = store_checkpoint(_as_store(store), "test.example/log")
    events = [record_leaf(r) for r in store.events]  # type: ignore[arg-type]
    audit = [record_leaf(r) for r in store.audit]  # type: ignore[arg-type]
    assert checkpoint.events.root == tree_root(events)
    assert checkpoint.audit is not None
    assert checkpoint.audit.root == tree_root(audit)
    return checkpoint


BATCHES = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(BATCHES, st.sampled_from([1, 3, 5000]))
def test_checkpoints_are_those_of_the_full_computation(
    batches: list[tuple[int, int]], page: int
) -> None:
    """After every batch of appends, byte for byte the full computation — also when pages are
    small and the new records span several of them."""
    store = _Store()
    checkpointer = Checkpointer(_as_store(store), "test.example/log")
    import barnekoordinator.history.checkpoint as module

    saved = module._PAGE
    module._PAGE = page
    try:
        for events, audit in batches:
            store.add("events", events)
            store.add("audit", audit)
            incremental = checkpointer.checkpoint()
            assert incremental == _full(store)
            assert incremental.text() == _full(store).text()
    finally:
        module._PAGE = saved


def test_a_checkpoint_reads_only_the_new_records() -> None:
    store = _Store()
    store.add("events", 10_000)
    store.add("audit", 10_000)
    checkpointer = Checkpointer(_as_store(store), "test.example/log")
    checkpointer.checkpoint()
    store.add("events", 1)
    store.reads = 0
    checkpoint = checkpointer.checkpoint()
    assert store.reads == 2  # one read per tree: the last known record and what follows it
    assert checkpoint == _full(store)


def test_resumed_from_a_saved_checkpoint_and_frontiers() -> None:
    store = _Store()
    store.add("events", 13)
    store.add("audit", 6)
    first = Checkpointer(_as_store(store), "test.example/log")
    checkpoint = first.checkpoint()
    saved = json.loads(json.dumps([f.to_dict() for f in first.frontiers()]))
    events, audit = (Frontier.from_dict(d) for d in saved)
    store.add("events", 5)
    store.add("audit", 2)
    resumed = Checkpointer.resume(_as_store(store), checkpoint, events, audit)
    assert resumed.checkpoint() == _full(store)
    with pytest.raises(StoreDiverged, match="saved frontier"):
        Checkpointer.resume(_as_store(store), checkpoint, audit, events)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], "expected an object"),
        ({"size": -1, "position": 0, "hashes": [], "last_leaf": ""}, "frontier size"),
        ({"size": 1, "position": 1, "hashes": [], "last_leaf": ""}, "has 1, not 0"),
        ({"size": 0, "position": 3, "hashes": [], "last_leaf": ""}, "no last record"),
        ({"size": 1, "position": 1, "hashes": ["x"], "last_leaf": ""}, "frontier hashes"),
    ],
)
def test_malformed_frontiers_are_refused(document: object, expected: str) -> None:
    with pytest.raises(CheckpointError, match=expected):
        Frontier.from_dict(document)


@pytest.mark.parametrize("kind", ["events", "audit"])
def test_a_truncated_store_is_refused(kind: str) -> None:
    store = _Store()
    store.add("events", 4)
    store.add("audit", 4)
    checkpointer = Checkpointer(_as_store(store), "test.example/log")
    checkpointer.checkpoint()
    getattr(store, kind).pop()
    with pytest.raises(StoreDiverged, match="no longer in the store") as caught:
        checkpointer.checkpoint()
    assert (caught.value.tree, caught.value.size) == (kind, 4)


@pytest.mark.parametrize("kind", ["events", "audit"])
def test_a_rewritten_last_record_is_refused(kind: str) -> None:
    store = _Store()
    store.add("events", 4)
    store.add("audit", 4)
    checkpointer = Checkpointer(_as_store(store), "test.example/log")
    checkpointer.checkpoint()
    records = getattr(store, kind)
    records[-1] = _Record(records[-1].position, "0" * 64)
    store.add(kind, 2)  # records appended after the edit do not hide it
    with pytest.raises(StoreDiverged, match="was rewritten"):
        checkpointer.checkpoint()


def test_a_store_emptied_or_replaced_by_an_older_copy_is_refused() -> None:
    store = _Store()
    store.add("events", 3)
    checkpointer = Checkpointer(_as_store(store), "test.example/log")
    checkpointer.checkpoint()
    store.events.clear()
    with pytest.raises(StoreDiverged, match="events tree of 3 records"):
        checkpointer.checkpoint()


def _append(store: SQLiteCaseStore, case: str, count: int) -> None:
    version = store.version(case)
    prev = store.read(case)[-1].hash if version else "0" * 64
    records = make_records(case, count, after_version=version, prev_hash=prev)
    store.append(case, version, records, audit=make_audit(case, action="write"))


def test_on_a_sqlite_store_signed_notes_are_identical(tmp_path: Path) -> None:
    """The signed note of an incremental checkpoint is the one of the full path."""
    signer = Ed25519Signer.generate("test.example/log")
    with SQLiteCaseStore(tmp_path / "cases.db", catalogue=CONFORMANCE_CATALOGUE) as store:
        checkpointer = Checkpointer(store, signer.name)
        for round_ in range(5):
            _append(store, f"case-{round_ % 2}", round_ + 1)
            store.append_audit(make_audit(f"case-{round_}"))
            incremental = sign_checkpoint(checkpointer.checkpoint(), signer)
            assert incremental == sign_checkpoint(store_checkpoint(store, signer.name), signer)


def test_an_invalid_origin_is_refused_at_once() -> None:
    with pytest.raises(CheckpointError, match="checkpoint line 1"):
        Checkpointer(_as_store(_Store()), "")

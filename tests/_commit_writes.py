"""Shared by the commit checkpointer's tests on SQLite (``tests/unit``) and PostgreSQL
(``tests/faults``), importable because ``tests/conftest.py`` puts this folder on ``sys.path``:
the writes their property tests make, and the check of each note (decision 39)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pytest
from hypothesis import strategies as st

from barnekoordinator.errors import ConcurrencyConflict
from barnekoordinator.history.checkpoint import (
    NoteVerifier,
    open_checkpoint,
    record_leaf,
    store_checkpoint,
)
from barnekoordinator.history.commit_checkpoint import CommitCheckpoint, CommitCheckpointer
from barnekoordinator.history.merkle import tree_root
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import NewCase
from barnekoordinator.testing.conformance import make_audit, make_records

WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(0, 3), st.integers(0, 4), st.booleans()),
        st.tuples(st.just("audit"), st.integers(0, 3)),
        st.tuples(st.just("load"), st.integers(1, 3)),
        st.tuples(st.just("other"), st.integers(0, 3), st.integers(1, 3)),
        st.tuples(st.just("stale"), st.integers(0, 3)),
    ),
    max_size=10,
)
"""Appends (with and without an audit record), audit-only appends, bulk loads, another
handle's appends (another process or session) and conflicting appends."""


class _Store(CaseStore, Protocol):
    """A store with the bulk path (both first-party stores that take a checkpointer)."""

    def load(self, cases: Iterable[NewCase]) -> int: ...


def _number(value: object) -> int:
    assert isinstance(value, int)
    return value


def append(store: CaseStore, case: str, count: int, *, audit: bool = True) -> int:
    """Append ``count`` records to ``case`` (with a ``write`` audit record); the new version."""
    version = store.version(case)
    prev = store.read(case)[-1].hash if version else GENESIS
    records = make_records(case, count, after_version=version, prev_hash=prev)
    trail = make_audit(case, action="write") if audit else None
    return store.append(case, version, records, audit=trail)


def checked(note: CommitCheckpoint, store: CaseStore, verifier: NoteVerifier, origin: str) -> None:
    """The note verifies, says what it carries, and is the store's full checkpoint."""
    assert open_checkpoint(note.note, verifier) == note.checkpoint
    assert note.checkpoint == store_checkpoint(store, origin)
    assert note.events.root() == note.checkpoint.events.root
    assert note.checkpoint.audit is not None
    assert note.audit.root() == note.checkpoint.audit.root


def committed_prefix(note: CommitCheckpoint, store: CaseStore, verifier: NoteVerifier) -> bool:
    """Whether the note's trees are those of the first records of ``store`` as it is now: it
    signed a committed prefix, whatever was written after or beside it."""
    events = [record_leaf(r) for r in store.read_all(limit=1_000_000)]
    audit = [record_leaf(r) for r in store.read_all_audit(limit=1_000_000)]
    checkpoint = open_checkpoint(note.note, verifier)
    return (
        checkpoint.audit is not None
        and checkpoint.events.size <= len(events)
        and checkpoint.audit.size <= len(audit)
        and tree_root(events[: checkpoint.events.size]) == checkpoint.events.root
        and tree_root(audit[: checkpoint.audit.size]) == checkpoint.audit.root
    )


def in_commit_order(
    notes: list[CommitCheckpoint], store: CaseStore, verifier: NoteVerifier
) -> None:
    """Neither tree ever shrinks from one note to the next, and every note is a committed prefix
    of ``store``."""
    sizes = [(n.checkpoint.events.size, n.checkpoint.audit.size) for n in notes]  # type: ignore[union-attr]
    assert sizes == sorted(sizes)
    for note in notes:
        assert committed_prefix(note, store, verifier)


def reads_of(checkpointer: CommitCheckpointer) -> list[tuple[int, ...]]:
    """A list that gets the start positions of every tail ``checkpointer`` reads back from
    now on (its ``commit`` wrapped on this instance)."""
    calls: list[tuple[int, ...]] = []
    real = checkpointer.commit

    def counting(read, events, audit, commit_transaction):  # type: ignore[no-untyped-def]
        def counted(*positions: int):  # type: ignore[no-untyped-def]
            calls.append(positions)
            return read(*positions)

        return real(counted, events, audit, commit_transaction)

    checkpointer.commit = counting  # type: ignore[method-assign]
    return calls


def run_writes(
    writes: list[tuple[object, ...]],
    store: _Store,
    other: CaseStore,
    checkpointer: CommitCheckpointer,
    notes: list[CommitCheckpoint],
    verifier: NoteVerifier,
) -> None:
    """Make ``writes`` (drawn from ``WRITES``) through ``store``, which has ``checkpointer``
    (publishing to ``notes``), and ``other``, which has none. After every write through the
    store, its note is the full checkpoint of the store as it committed; another handle's
    commit and a conflicting append publish nothing."""
    loaded = 0
    for write in writes:
        published = len(notes)
        if write[0] == "append":
            append(store, f"case-{write[1]}", _number(write[2]), audit=bool(write[3]))
        elif write[0] == "audit":
            store.append_audit(make_audit(f"case-{write[1]}"))
        elif write[0] == "load":
            loaded += 1
            case = f"loaded-{loaded}"
            records = make_records(case, _number(write[1]))
            store.load([NewCase(tuple(records), make_audit(case, action="write"))])
        elif write[0] == "other":
            append(other, f"case-{write[1]}", _number(write[2]))
            assert len(notes) == published  # another writer's commit: no note here
            continue
        else:
            case = f"case-{write[1]}"
            stale = make_records(case, 1, after_version=store.version(case) + 1)
            with pytest.raises(ConcurrencyConflict):
                store.append(case, store.version(case) + 1, stale, audit=make_audit(case))
            assert len(notes) == published
            continue
        assert len(notes) == published + 1
        checked(notes[-1], store, verifier, checkpointer.origin)
        assert checkpointer.last is notes[-1]
        assert checkpointer.frontiers() == (notes[-1].events, notes[-1].audit)

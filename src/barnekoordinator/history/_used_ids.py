"""The ids used in a case, as an immutable set that grows in amortised constant time.

Every item-creating command checks that its new id was never used in the case, so the case
state keeps the ids it has used (decision 19). A persistent hash trie (``rpds.HashTrieSet``)
kept them until decision 37: its insert copies a path of nodes, and on a long case those nodes
are out of the processor's caches, so an id cost 0.5 µs at 100,000 ids and 2.1 µs at 1,000,000:
a quarter of replaying a 1,000,000-event case (issue 15, item 2).

The set of a case only ever grows, and its versions mostly form a line (each case is folded
from the one before), so the versions of a line share one dictionary. It maps each id to its
place in the order the ids were added; a version is that dictionary and its own size, and holds
the ids placed before its size. Growing the newest version adds to the dictionary in place:
amortised O(1) per id, one dictionary insert. A lock makes the "newest?" check and the inserts
one step for threads that grow the same version at once.

Growing an older version (a branch: a test, a preview, a command tried against a case that has
since moved on) leaves the dictionary alone: the branch keeps its own ids in a persistent
``rpds.HashTrieSet`` beside it, as every version did before, so a branch of a long case costs
what the persistent set cost, not a copy of the line. A branch that is small, or that has
added 1,024 ids of its own, is copied into a new line: one copy, and dictionary inserts again
from there. An empty set is never grown in place: every case's state starts from one shared
empty default, which would otherwise hold the first case's ids for the life of the process and
make every later case a branch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import islice
from typing import Any, final

from rpds import HashTrieSet

__all__ = ["UsedIds"]

_LINE_FROM = 1_024
"""A branch of a set this small, or one that has added this many ids of its own, is copied
into a line of its own rather than kept beside its parent's."""


@final
class _Shared:
    """The dictionary of one line of versions, and the lock that guards growing it."""

    __slots__ = ("index", "lock")

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index
        self.lock = threading.Lock()


@final
class UsedIds(AbstractSet[str]):
    """An immutable set of ids that grows by ``update()`` and ``insert()`` in amortised O(1) per
    id along a case's line of versions (O(log n) on a branch).

    A read-only ``collections.abc.Set``: ``in``, ``len``, iteration, set comparison and
    operators, equality with any set of the same ids, a hash.
    """

    __slots__ = ("_extra", "_shared", "_size")

    _shared: _Shared
    _size: int
    _extra: HashTrieSet[str] | None  # a branch's own ids, apart from the line's

    def __init__(self, ids: Iterable[str] = ()) -> None:
        index: dict[str, int] = {}
        for item in ids:
            index.setdefault(item, len(index))
        self._shared = _Shared(index)
        self._size = len(index)
        self._extra = None

    def __contains__(self, item: object) -> bool:
        extra = self._extra
        if extra is not None and item in extra:
            return True
        # Entries are only ever added, and an id's place never changes: no lock needed.
        place = self._shared.index.get(item)  # type: ignore[call-overload]
        return place is not None and place < self._size

    def __len__(self) -> int:
        return self._size + (0 if self._extra is None else len(self._extra))

    def __iter__(self) -> Iterator[str]:
        shared = self._shared
        with shared.lock:  # the dictionary may grow meanwhile: take this version's ids at once
            ids = list(islice(shared.index, self._size))
        if self._extra is not None:
            ids.extend(self._extra)
        return iter(ids)

    def update(self, ids: Iterable[str]) -> UsedIds:
        """This set with ``ids`` added (``self`` when they are all in it already)."""
        shared = self._shared
        if self._extra is None and self._size:  # (an empty set is never grown in place)
            with shared.lock:
                index = shared.index
                if len(index) == self._size:  # the newest version: grow the line in place
                    for item in ids:
                        index.setdefault(item, len(index))
                    size = len(index)
                    return self if size == self._size else _version(shared, size, None)
        new = [item for item in ids if item not in self]
        if not new:
            return self
        extra = None
        if len(self) > _LINE_FROM:  # a long line's branch: its own ids beside the line
            extra = (HashTrieSet() if self._extra is None else self._extra).update(new)
        if extra is None or len(extra) >= _LINE_FROM:
            # A small set (the empty default every case starts from, say) or a branch grown
            # this far starts a line of its own: one copy, then dictionary inserts again.
            return UsedIds([*self, *new])
        return _version(shared, self._size, extra)

    def insert(self, item: str) -> UsedIds:
        """This set with ``item`` added."""
        return self.update((item,))

    __hash__ = AbstractSet._hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (UsedIds, (list(self),))

    def __repr__(self) -> str:
        return f"UsedIds({len(self)} ids)"


def _version(shared: _Shared, size: int, extra: HashTrieSet[str] | None) -> UsedIds:
    made: UsedIds = object.__new__(UsedIds)
    made._shared = shared
    made._size = size
    made._extra = extra
    return made

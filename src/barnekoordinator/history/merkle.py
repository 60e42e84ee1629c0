"""RFC 6962 Merkle trees over a store's records: roots, inclusion and consistency proofs.

The hash chains of [`barnekoordinator.history.records`][barnekoordinator.history.records] link each
record to the one before it in its case, but nothing outside the store anchors them: whoever holds
the database file can rewrite a case and recompute its chain, or cut records off the end. A Merkle
tree over *all* records in commit order, whose root is signed and kept elsewhere (a checkpoint, see
[`barnekoordinator.history.checkpoint`][barnekoordinator.history.checkpoint]), fixes the whole
history at that moment; a **consistency proof** then shows that the store today still begins with
exactly that history (RFC 6962 §2.1.2, RFC 9162 §2.1.4).

This module is the tree of Certificate Transparency (RFC 6962 §2.1, RFC 9162 §2.1), the one
Sigstore's Rekor, Go's checksum database and the C2SP ``tlog-checkpoint`` ecosystem use:

* a leaf hash is ``SHA-256(0x00 || data)``, an inner node ``SHA-256(0x01 || left || right)``
  (the prefixes keep a leaf from ever passing for a node);
* the root of ``n`` leaves splits them at ``k``, the largest power of two below ``n``:
  ``MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))``; the empty tree's root is ``SHA-256("")``.

Functions here take **leaf hashes** (32 bytes each, see
[`leaf_hash()`][barnekoordinator.history.merkle.leaf_hash]); the store's leaves are the hashes of
its records. [`CompactTree`][barnekoordinator.history.merkle.CompactTree] keeps a growing tree's
right edge only (at most 64 hashes), so a root after each append costs a few hashes however large
the tree is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from barnekoordinator.errors import ProofFailed

__all__ = [
    "EMPTY_ROOT",
    "CompactTree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

_sha256: Final = hashlib.sha256

EMPTY_ROOT: Final = _sha256(b"").digest()
"""The root of the empty tree: SHA-256 of nothing (RFC 6962 §2.1)."""


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one leaf."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an inner node."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactTree:
    """A growing Merkle tree that remembers only its right edge.

    The leaves of a tree of size ``n`` fall into perfect subtrees, one per set bit of ``n``,
    largest first; keeping their roots is enough to append and to compute the tree's root
    (the "compact range" of transparency-dev/merkle). Appending one leaf costs one hash plus one
    per subtree it completes (two on average); `root()` costs one hash per set bit of the size.
    """

    __slots__ = ("_size", "_stack")

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._size = 0
        self._stack: list[bytes] = []
        self.extend(leaf_hashes)

    @classmethod
    def from_frontier(cls, size: int, frontier: Sequence[bytes]) -> CompactTree:
        """The tree of ``size`` leaves whose perfect subtrees have the roots ``frontier``.

        ``frontier`` is what [`frontier`][barnekoordinator.history.merkle.CompactTree.frontier]
        gave: one 32-byte hash per set bit of ``size``, largest subtree first.

        Raises:
            ValueError: the size is negative, or the frontier has not one 32-byte hash per set
                bit of ``size``.
        """
        if size < 0 or len(frontier) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {max(size, 0).bit_count()} frontier hashes, "
                f"not {len(frontier)}"
            )
        if any(len(node) != 32 for node in frontier):
            raise ValueError("frontier hashes are 32 bytes each")
        tree = cls()
        tree._size = size
        tree._stack = list(frontier)
        return tree

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The roots of the perfect subtrees, largest first: all a tree needs to grow."""
        return tuple(self._stack)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        stack = self._stack
        stack.append(leaf)
        size = self._size
        # Each trailing one bit of the old size is a subtree the new leaf completes.
        while size & 1:
            right = stack.pop()
            stack[-1] = _sha256(b"\x01" + stack[-1] + right).digest()
            size >>= 1
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes in order."""
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self) -> bytes:
        """The root of the tree as it stands (``EMPTY_ROOT`` for no leaves)."""
        stack = self._stack
        if not stack:
            return EMPTY_ROOT
        digest = stack[-1]
        for left in reversed(stack[:-1]):
            digest = _sha256(b"\x01" + left + digest).digest()
        return digest


def _mth(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """The root of ``leaves[start:end]``."""
    if end - start == 1:
        return leaves[start]
    tree = CompactTree()
    for i in range(start, end):
        tree.append(leaves[i])
    return tree.root()


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of ``leaf_hashes`` (RFC 6962 §2.1)."""
    return _mth(leaf_hashes, 0, len(leaf_hashes)) if leaf_hashes else EMPTY_ROOT


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaf_hashes`` (RFC 6962 §2.1.1).

    Raises:
        ProofFailed: ``index`` is not a leaf of the tree.
    """
    if not 0 <= index < len(leaf_hashes):
        raise ProofFailed(f"leaf {index} is not in a tree of {len(leaf_hashes)} leaves")
    path: list[bytes] = []
    start, end = 0, len(leaf_hashes)
    # Walk down from the root; each level's sibling is added, then the list is read bottom-up.
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(_mth(leaf_hashes, start + k, end))
            end = start + k
        else:
            path.append(_mth(leaf_hashes, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the whole tree.

    RFC 6962 §2.1.2 (``PROOF(m, D[n])``); empty when ``old_size`` is 0 or the whole size.

    Raises:
        ProofFailed: ``old_size`` is negative or larger than the tree.
    """
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise ProofFailed(f"no tree of {old_size} leaves precedes a tree of {n}")
    if old_size in (0, n):
        return []
    # SUBPROOF(m, D[start:end], complete), walked iteratively; nodes are found top-down and
    # the proof lists them bottom-up.
    found: list[bytes] = []
    m, start, end, complete = old_size, 0, n, True
    while True:
        size = end - start
        if m == size:
            if not complete:
                found.append(_mth(leaf_hashes, start, end))
            break
        k = _split(size)
        if m <= k:
            found.append(_mth(leaf_hashes, start + k, end))
            end = start + k
        else:
            found.append(_mth(leaf_hashes, start, start + k))
            m -= k
            start += k
            complete = False
    found.reverse()
    return found


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 §2.1.3.2.

    Raises:
        ProofFailed: the proof does not show it.
    """
    if not 0 <= index < size:
        raise ProofFailed(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, digest = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofFailed("the inclusion proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            digest = node_hash(digest, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofFailed("the inclusion proof is shorter than the tree is high")
    if digest != root:
        raise ProofFailed(f"leaf {index} is not in the tree with this root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree (``old_size``, ``old_root``) is a prefix of (``new_size``, ``new_root``).

    RFC 9162 §2.1.4.2; as in transparency-dev/merkle, a tree of size 0 precedes every tree and a
    tree precedes itself (both with an empty proof).

    Raises:
        ProofFailed: the proof does not show it.
    """
    if not 0 <= old_size <= new_size:
        raise ProofFailed(f"a tree of {old_size} leaves cannot precede one of {new_size}")
    if old_size == 0 or old_size == new_size:
        if proof:
            raise ProofFailed("the consistency proof should be empty")
        if old_size and old_root != new_root:
            raise ProofFailed(f"two different roots for the tree of {old_size} leaves")
        return
    if not proof:
        raise ProofFailed("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ProofFailed("the consistency proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofFailed("the consistency proof is shorter than the tree is high")
    if fr != old_root:
        raise ProofFailed(f"the first {old_size} leaves do not hash to the old root")
    if sr != new_root:
        raise ProofFailed(f"the {new_size} leaves do not hash to the new root")

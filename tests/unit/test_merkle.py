"""RFC 6962 Merkle trees: published test vectors and properties of roots and proofs.

The vectors are the ones every RFC 6962 implementation is checked against: the eight leaves,
their roots at sizes 1–8, and the inclusion and consistency proofs of
``transparency-dev/merkle`` ``proof/verify_test.go`` (commit
02194e9afb6c1d95b5381350007963aa70fff472; they come from the Certificate Transparency C++
``merkle_tree_test.cc`` that Trillian took over).
Leaf indexes there are 1-based; here they are 0-based.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.errors import ProofFailed
from barnekoordinator.history.merkle import (
    EMPTY_ROOT,
    CompactTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def _h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


INCLUSION = [  # (0-based leaf index, tree size, proof)
    (0, 1, []),
    (
        0,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        _h(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        _h(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        _h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        _h(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        _h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]


def test_hashing_uses_the_rfc_6962_prefixes() -> None:
    """Leaves hash as SHA-256(0x00 || d), nodes as SHA-256(0x01 || l || r), the empty tree as ""."""
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()
    assert tree_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_published_vectors(size: int) -> None:
    """The root of the first ``size`` leaves is the published one, computed both ways."""
    assert tree_root(HASHES[:size]) == ROOTS[size - 1]
    assert CompactTree(HASHES[:size]).root() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_published_vectors(
    index: int, size: int, proof: list[bytes]
) -> None:
    """Our inclusion proofs are the published ones, and they verify."""
    assert inclusion_proof(HASHES[:size], index) == proof
    verify_inclusion(index, size, HASHES[index], proof, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_published_vectors(
    old: int, new: int, proof: list[bytes]
) -> None:
    """Our consistency proofs are the published ones; they verify and every corruption fails."""
    assert consistency_proof(HASHES[:new], old) == proof
    verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)
    if not proof:
        return
    # The corruptions of transparency-dev's corruptConsistencyProof.
    bad_roots = [b"WrongRoot", EMPTY_ROOT]
    probes = [
        (old - 1, new, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old + 1, new, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old ^ 2, new, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old, new * 2, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old, new // 2, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old, new, ROOTS[new - 1], ROOTS[old - 1], proof),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], []),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], proof[:-1]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [*proof, b""]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [*proof, ROOTS[old - 1]]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [ROOTS[new - 1], *proof]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [proof[0], *proof]),
    ]
    probes += [(old, new, bad, ROOTS[new - 1], proof) for bad in bad_roots]
    probes += [(old, new, ROOTS[old - 1], bad, proof) for bad in bad_roots]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([proof[i][0] ^ 16]) + proof[i][1:]
        probes.append((old, new, ROOTS[old - 1], ROOTS[new - 1], flipped))
    for m, n, r1, r2, p in probes:
        with pytest.raises(ProofFailed):
            verify_consistency(m, n, r1, r2, p)


def test_trivial_consistency_cases() -> None:
    """The empty tree precedes every tree; a tree precedes itself; time never runs backwards."""
    verify_consistency(0, 0, b"any", b"other", [])
    verify_consistency(0, 5, b"any", ROOTS[4], [])
    verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    with pytest.raises(ProofFailed):
        verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    with pytest.raises(ProofFailed):
        verify_consistency(3, 3, ROOTS[2], ROOTS[2], [EMPTY_ROOT])
    with pytest.raises(ProofFailed):
        verify_consistency(2, 1, ROOTS[1], ROOTS[0], [])
    with pytest.raises(ProofFailed):
        consistency_proof(HASHES[:3], 4)
    with pytest.raises(ProofFailed):
        inclusion_proof(HASHES[:3], 3)
    with pytest.raises(ProofFailed):
        verify_inclusion(3, 3, HASHES[0], [], ROOTS[2])


LEAF_LISTS = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70)


@given(LEAF_LISTS, st.data())
def test_a_consistency_proof_between_any_two_sizes_verifies(
    leaves: list[bytes], data: st.DataObject
) -> None:
    """For any m ≤ n, the proof from the first m leaves to all n verifies."""
    old = data.draw(st.integers(0, len(leaves)))
    proof = consistency_proof(leaves, old)
    verify_consistency(old, len(leaves), tree_root(leaves[:old]), tree_root(leaves), proof)


@given(LEAF_LISTS, st.data())
def test_a_changed_leaf_breaks_the_consistency_proof(
    leaves: list[bytes], data: st.DataObject
) -> None:
    """Changing any leaf of the old tree makes the old root no longer fit the new tree."""
    old = data.draw(st.integers(1, len(leaves)))
    changed = data.draw(st.integers(0, old - 1))
    forged = [*leaves]
    forged[changed] = hashlib.sha256(leaves[changed]).digest()
    old_root = tree_root(leaves[:old])
    # The store as it is now (forged) cannot prove it extends the old tree.
    proof = consistency_proof(forged, old)
    with pytest.raises(ProofFailed):
        verify_consistency(old, len(forged), old_root, tree_root(forged), proof)


@given(LEAF_LISTS, st.data())
def test_inclusion_proofs_verify_and_catch_a_changed_leaf(
    leaves: list[bytes], data: st.DataObject
) -> None:
    """Every leaf's audit path verifies; another leaf or index does not."""
    index = data.draw(st.integers(0, len(leaves) - 1))
    root = tree_root(leaves)
    proof = inclusion_proof(leaves, index)
    verify_inclusion(index, len(leaves), leaves[index], proof, root)
    with pytest.raises(ProofFailed):
        verify_inclusion(index, len(leaves), hashlib.sha256(leaves[index]).digest(), proof, root)


@given(LEAF_LISTS)
def test_the_compact_tree_agrees_with_the_recursive_definition(leaves: list[bytes]) -> None:
    """Appending one leaf at a time gives MTH of every prefix, as RFC 6962 defines it."""

    def mth(d: list[bytes]) -> bytes:
        if len(d) == 1:
            return d[0]
        k = 1 << ((len(d) - 1).bit_length() - 1)
        return node_hash(mth(d[:k]), mth(d[k:]))

    tree = CompactTree()
    for i, leaf in enumerate(leaves, start=1):
        tree.append(leaf)
        assert tree.size == i
        assert tree.root() == mth(leaves[:i])


@pytest.mark.parametrize("size", range(9))
@pytest.mark.parametrize("split", range(9))
def test_a_resumed_frontier_gives_the_published_roots(size: int, split: int) -> None:
    """A compact tree rebuilt from the frontier of its first ``split`` leaves and grown to
    ``size`` has the RFC 6962 root of ``size`` leaves."""
    if split > size or size == 0:
        return
    first = CompactTree(HASHES[:split])
    tree = CompactTree.from_frontier(first.size, first.frontier)
    tree.extend(HASHES[split:size])
    assert tree.root() == ROOTS[size - 1]


def test_a_frontier_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="3 frontier hashes"):
        CompactTree.from_frontier(7, [HASHES[0]] * 2)
    with pytest.raises(ValueError, match="32 bytes"):
        CompactTree.from_frontier(1, [b"short"])

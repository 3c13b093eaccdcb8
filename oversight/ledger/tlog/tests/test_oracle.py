"""The store-based tree against an oracle written from RFC 9162's recursive definitions.

The oracle below follows §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF)
literally, on lists of leaf data, with no store; only MTH is memoised, by range.
"""

import hashlib
import math

import pytest

from oversight.ledger.tlog.merkle import (
    EMPTY_ROOT,
    MemoryStore,
    MissingNodeError,
    consistency_proof,
    inclusion_proof,
    iter_complete_nodes,
    leaf_hash,
    nodes_completed_by_append,
    nodes_needed,
    root,
    subtree_root,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 300


class Oracle:
    def __init__(self, leaves):
        self.leaves = leaves
        self.memo = {}

    @staticmethod
    def split(n):
        # The largest power of two smaller than n.
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def mth(self, lo, hi):
        key = (lo, hi)
        if key not in self.memo:
            n = hi - lo
            if n == 0:
                value = hashlib.sha256(b"").digest()
            elif n == 1:
                value = hashlib.sha256(b"\x00" + self.leaves[lo]).digest()
            else:
                k = self.split(n)
                value = hashlib.sha256(
                    b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)
                ).digest()
            self.memo[key] = value
        return self.memo[key]

    def path(self, m, lo, hi):
        n = hi - lo
        if n == 1:
            return []
        k = self.split(n)
        if m < k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = self.split(n)
        if m <= k:
            return self.subproof(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]

    def proof(self, m, n):
        return self.subproof(m, 0, n, True)


def _data(i):
    return b"event %d" % i


@pytest.fixture(scope="module")
def oracle():
    return Oracle([_data(i) for i in range(MAX_SIZE)])


@pytest.fixture(scope="module")
def store():
    tree = MemoryStore()
    for i in range(MAX_SIZE):
        tree.append(leaf_hash(_data(i)))
    return tree


def test_it_agrees_with_the_oracle_on_every_root(oracle, store):
    assert root(store, 0) == EMPTY_ROOT == oracle.mth(0, 0)
    for n in range(1, MAX_SIZE + 1):
        assert root(store, n) == oracle.mth(0, n), n


def test_it_agrees_with_the_oracle_on_every_inclusion_proof(oracle, store):
    checked = 0
    for n in range(1, MAX_SIZE + 1):
        tree_root = oracle.mth(0, n)
        for m in range(n):
            proof = inclusion_proof(store, m, n)
            assert proof == oracle.path(m, 0, n), (m, n)
            verify_inclusion(
                leaf_index=m, tree_size=n, leaf_hash=store.get(0, m), proof=proof, root=tree_root
            )
            checked += 1
    assert checked == MAX_SIZE * (MAX_SIZE + 1) // 2


def test_it_agrees_with_the_oracle_on_every_consistency_proof(oracle, store):
    checked = 0
    for n in range(1, MAX_SIZE + 1):
        root2 = oracle.mth(0, n)
        for m in range(1, n + 1):
            proof = consistency_proof(store, m, n)
            assert proof == oracle.proof(m, n), (m, n)
            verify_consistency(size1=m, size2=n, root1=oracle.mth(0, m), root2=root2, proof=proof)
            checked += 1
    assert checked == MAX_SIZE * (MAX_SIZE + 1) // 2


def test_it_stores_exactly_the_complete_nodes(store):
    expected = {
        (level, index): value
        for level, index, value in iter_complete_nodes(store.get(0, i) for i in range(MAX_SIZE))
    }
    assert store.nodes == expected
    # 2n minus one per set bit of n: every perfect subtree that fits, and nothing else.
    assert len(store.nodes) == 2 * MAX_SIZE - bin(MAX_SIZE).count("1")


class CountingStore:
    """Wraps a store and counts reads."""

    def __init__(self, inner):
        self.inner = inner
        self.reads = 0

    def get(self, level, index):
        self.reads += 1
        return self.inner.get(level, index)


class SyntheticStore:
    """Pretends to hold a complete tree of `size` leaves with made-up hashes.

    Proofs from it do not verify; it exists to count reads at sizes too large to build.
    """

    def __init__(self, size):
        self.size = size

    def get(self, level, index):
        if (index + 1) << level > self.size:
            raise KeyError((level, index))
        return hashlib.sha256(b"%d/%d" % (level, index)).digest()


def _bound(n):
    # Two reads per level of the tree at most.
    return 2 * max(1, math.ceil(math.log2(n))) + 1


def test_it_reads_logarithmically_many_nodes_on_small_trees(store):
    counting = CountingStore(store)
    worst = 0
    for n in range(1, MAX_SIZE + 1):
        for m in range(n):
            counting.reads = 0
            inclusion_proof(counting, m, n)
            assert counting.reads <= _bound(n), ("inclusion", m, n, counting.reads)
            worst = max(worst, counting.reads)
        for m in range(1, n + 1):
            counting.reads = 0
            consistency_proof(counting, m, n)
            assert counting.reads <= _bound(n), ("consistency", m, n, counting.reads)
        counting.reads = 0
        root(counting, n)
        assert counting.reads == bin(n).count("1")
    assert worst <= _bound(MAX_SIZE)


@pytest.mark.parametrize("size", [10_000_000, 2**40 - 1, 2**40 + 12345])
def test_it_reads_logarithmically_many_nodes_on_huge_trees(size):
    counting = CountingStore(SyntheticStore(size))
    indexes = [0, 1, size // 3, size // 2, size - 2, size - 1]
    for m in indexes:
        counting.reads = 0
        inclusion_proof(counting, m, size)
        assert counting.reads <= _bound(size)
    for m in [1, 2, 3, size // 3, size // 2 + 1, size - 1, size]:
        counting.reads = 0
        consistency_proof(counting, m, size)
        assert counting.reads <= _bound(size)
    counting.reads = 0
    nodes_completed_by_append(counting, size, hashlib.sha256(b"next").digest())
    assert counting.reads <= math.ceil(math.log2(size))


def test_it_rejects_ranges_that_are_not_complete_subtrees(store):
    with pytest.raises(ValueError):
        subtree_root(store, 1, 3)
    with pytest.raises(ValueError):
        inclusion_proof(store, 5, 5)
    with pytest.raises(ValueError):
        consistency_proof(store, 0, 5)
    with pytest.raises(ValueError):
        consistency_proof(store, 6, 5)


def test_it_names_a_missing_node():
    partial = MemoryStore(leaf_hash(_data(i)) for i in range(4))
    del partial.nodes[(1, 0)]
    with pytest.raises(MissingNodeError, match="level 1, index 0"):
        inclusion_proof(partial, 3, 4)
    with pytest.raises(MissingNodeError):
        root(partial, 5)


def test_it_tells_which_nodes_an_operation_needs(oracle, store):
    for n in range(1, 70):
        for m in range(n):
            keys = nodes_needed(inclusion_proof, m, n)
            fetched = MemoryStore.from_nodes({key: store.nodes[key] for key in keys})
            assert inclusion_proof(fetched, m, n) == oracle.path(m, 0, n)
        for m in range(1, n + 1):
            keys = nodes_needed(consistency_proof, m, n)
            fetched = MemoryStore.from_nodes({key: store.nodes[key] for key in keys})
            assert consistency_proof(fetched, m, n) == oracle.proof(m, n)
        keys = nodes_needed(root, n)
        assert root(MemoryStore.from_nodes({k: store.nodes[k] for k in keys}), n) == oracle.mth(
            0, n
        )
    keys = nodes_needed(nodes_completed_by_append, 7, bytes(32))
    assert keys == [(0, 6), (1, 2), (2, 0)]
    with pytest.raises(TypeError):
        MemoryStore.from_nodes({}).append(bytes(32))

"""Property tests of the appender: the rows it returns keep the store a complete tree."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.ledger.tlog.merkle import (
    MemoryStore,
    inclusion_proof,
    iter_complete_nodes,
    leaf_hash,
    node_hash,
    nodes_completed_by_append,
    nodes_completed_by_appends,
    root,
    verify_inclusion,
)

leaves = st.lists(st.binary(max_size=16), min_size=1, max_size=80)


def mth(data):
    """RFC 9162 MTH, recursively and without any store."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return leaf_hash(data[0])
    k = 1
    while k * 2 < len(data):
        k *= 2
    return node_hash(mth(data[:k]), mth(data[k:]))


def trailing_ones(n):
    count = 0
    while n & 1:
        n >>= 1
        count += 1
    return count


class DictStore:
    """What the Django layer does: insert every returned row, nothing else."""

    def __init__(self):
        self.rows = {}

    def get(self, level, index):
        return self.rows[(level, index)]

    def insert(self, rows):
        for level, index, value in rows:
            assert (level, index) not in self.rows, "a node is never written twice"
            self.rows[(level, index)] = value


@settings(max_examples=150, deadline=None)
@given(leaves)
def test_it_appends_leaf_by_leaf_to_the_oracle_root(data):
    store = DictStore()
    for index, item in enumerate(data):
        rows = nodes_completed_by_append(store, index, leaf_hash(item))
        # The leaf, then one node per trailing 1-bit of its index.
        assert len(rows) == 1 + trailing_ones(index)
        assert rows[0] == (0, index, leaf_hash(item))
        store.insert(rows)
        assert root(store, index + 1) == mth(data[: index + 1])


@settings(max_examples=100, deadline=None)
@given(leaves, st.data())
def test_it_appends_in_batches_like_one_by_one(data, draw):
    cut = draw.draw(st.integers(min_value=0, max_value=len(data)))
    hashes = [leaf_hash(item) for item in data]
    one_by_one = MemoryStore()
    for value in hashes:
        one_by_one.append(value)
    batched = DictStore()
    batched.insert(nodes_completed_by_appends(batched, 0, hashes[:cut]))
    batched.insert(nodes_completed_by_appends(batched, cut, hashes[cut:]))
    assert batched.rows == one_by_one.nodes
    assert one_by_one.nodes == {(lv, i): h for lv, i, h in iter_complete_nodes(hashes)}
    assert root(batched, len(data)) == mth(data)


@settings(max_examples=100, deadline=None)
@given(leaves, st.data())
def test_it_proves_every_appended_leaf(data, draw):
    store = MemoryStore(leaf_hash(item) for item in data)
    index = draw.draw(st.integers(min_value=0, max_value=len(data) - 1))
    size = draw.draw(st.integers(min_value=index + 1, max_value=len(data)))
    verify_inclusion(
        leaf_index=index,
        tree_size=size,
        leaf_hash=leaf_hash(data[index]),
        proof=inclusion_proof(store, index, size),
        root=mth(data[:size]),
    )

"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1.

Hashing: a leaf hashes as SHA-256(0x00 || data) and an interior node as
SHA-256(0x01 || left || right); the empty tree's root is SHA-256 of nothing.

Proofs are generated against a `HashStore` that keeps the root of every *complete*
perfect subtree: node (level L, index i) covers leaves [i * 2**L, (i + 1) * 2**L) and
exists once all of those leaves are appended; level 0 holds the leaf hashes. A tree of
size n then splits into at most log2(n) stored nodes, so a root, an inclusion proof or a
consistency proof reads O(log n) nodes and never rebuilds anything.

`nodes_completed_by_append` tells the storage layer which nodes one new leaf completes
(the leaf itself plus one node per trailing 1-bit of its index); inserting exactly those
rows, in the same transaction as the leaf, keeps the store complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof does not prove what it claims; the message says why."""


class MissingNodeError(LookupError):
    """The store lacks a node that a complete tree of the requested size must hold."""


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of one leaf's bytes."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node from its two children."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162: the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


# --------------------------------------------------------------------------- verification


def _check_hashes(proof: Sequence[bytes]) -> None:
    for position, item in enumerate(proof):
        if not isinstance(item, bytes | bytearray) or len(item) != HASH_SIZE:
            raise ProofError(f"proof hash {position} is not {HASH_SIZE} bytes")


def root_from_inclusion_proof(
    *, leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that `proof` implies for `leaf_hash` at `leaf_index` (RFC 9162 §2.1.3.2)."""
    if tree_size < 1:
        raise ProofError("an empty tree includes no leaf")
    if not 0 <= leaf_index < tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of size {tree_size}")
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError(f"the leaf hash is not {HASH_SIZE} bytes")
    _check_hashes(proof)
    fn, sn = leaf_index, tree_size - 1
    result = bytes(leaf_hash)
    for item in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            result = node_hash(item, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return result


def verify_inclusion(
    *, leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `proof` places `leaf_hash` at `leaf_index` in the tree with `root`.

    Raises ProofError with the reason when it does not.
    """
    computed = root_from_inclusion_proof(
        leaf_index=leaf_index, tree_size=tree_size, leaf_hash=leaf_hash, proof=proof
    )
    if computed != root:
        raise ProofError("the inclusion proof leads to a different root")


def verify_consistency(
    *, size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree (size2, root2) extends the tree (size1, root1) (RFC 9162 §2.1.4.2).

    A proof from the empty tree proves nothing and is rejected; for equal sizes the proof
    must be empty and the roots equal. Raises ProofError with the reason.
    """
    if size1 < 1:
        raise ProofError("a consistency proof needs a first tree of at least one leaf")
    if size2 < size1:
        raise ProofError(f"the second tree ({size2}) is smaller than the first ({size1})")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty proof")
        if root1 != root2:
            raise ProofError("trees of equal size have different roots")
        return
    if not proof:
        raise ProofError("the proof is empty")
    _check_hashes(proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The first tree is perfect, so its root is the first node of the path.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for item in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            first = node_hash(item, first)
            second = node_hash(item, second)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second = node_hash(second, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    if first != root1:
        raise ProofError("the proof does not lead to the first root")
    if second != root2:
        raise ProofError("the proof does not lead to the second root")


# --------------------------------------------------------------------------- storage


class HashStore(Protocol):
    """Read access to the roots of complete perfect subtrees.

    `get(level, index)` returns the root of leaves [index * 2**level, (index + 1) * 2**level);
    level 0 is the leaf hashes. It raises KeyError when the node is absent (reported as
    MissingNodeError), and must hold every complete node of the sizes it is asked about.
    """

    def get(self, level: int, index: int) -> bytes: ...


class MemoryStore:
    """A dict-backed HashStore that also appends; for tests and small standalone trees."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.size = 0
        self.extend(leaf_hashes)

    @classmethod
    def from_nodes(cls, nodes: Mapping[tuple[int, int], bytes]) -> MemoryStore:
        """A read-only view over nodes fetched elsewhere (see `nodes_needed`)."""
        store = cls()
        store.nodes = dict(nodes)
        store.size = -1  # unknown: not for appending
        return store

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def _check_appendable(self) -> None:
        if self.size < 0:
            raise TypeError("a store made with from_nodes is read-only")

    def append(self, leaf_hash: bytes) -> int:
        """Append one leaf hash; return its index."""
        self._check_appendable()
        index = self.size
        for level, position, value in nodes_completed_by_append(self, index, leaf_hash):
            self.nodes[(level, position)] = value
        self.size += 1
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes in order."""
        self._check_appendable()
        for level, position, value in nodes_completed_by_appends(
            self, self.size, list(leaf_hashes)
        ):
            self.nodes[(level, position)] = value
            if level == 0:
                self.size = max(self.size, position + 1)


class _RecordingStore:
    """Answers every read with a dummy hash and remembers what was asked."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []

    def get(self, level: int, index: int) -> bytes:
        self.keys.append((level, index))
        return bytes(HASH_SIZE)


def nodes_needed(operation: Callable[..., object], *args: object) -> list[tuple[int, int]]:
    """The (level, index) nodes `operation(store, *args)` will read, without reading any.

    Which nodes a proof reads depends only on the sizes and indexes, never on the hashes,
    so a database store can fetch them all in one query, wrap them in
    `MemoryStore.from_nodes`, and run the operation on that::

        keys = nodes_needed(inclusion_proof, index, size)
    """
    recorder = _RecordingStore()
    operation(recorder, *args)
    return list(dict.fromkeys(recorder.keys))


def _read(store: HashStore, level: int, index: int) -> bytes:
    try:
        return store.get(level, index)
    except KeyError as exc:
        raise MissingNodeError(f"the store has no node at level {level}, index {index}") from exc


def _perfect_subtrees(start: int, end: int) -> Iterator[tuple[int, int]]:
    """The (level, index) nodes that make up [start, end), left to right, largest first.

    The range must be one the RFC 9162 recursion produces: `start` a multiple of the
    largest power of two not above the range's length.
    """
    while start < end:
        size = end - start
        level = size.bit_length() - 1
        width = 1 << level
        if start % width:
            raise ValueError(f"[{start}, {end}) is not aligned on complete subtrees")
        yield level, start >> level
        start += width


def subtree_root(store: HashStore, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range aligned as the RFC 9162 recursion aligns them.

    Reads one stored node per 1-bit of (end - start): O(log n).
    """
    if not 0 <= start < end:
        raise ValueError(f"[{start}, {end}) is not a non-empty range")
    parts = [_read(store, level, index) for level, index in _perfect_subtrees(start, end)]
    result = parts.pop()
    while parts:
        result = node_hash(parts.pop(), result)
    return result


def root(store: HashStore, size: int) -> bytes:
    """The root of the tree made of the first `size` leaves."""
    if size < 0:
        raise ValueError("a tree size cannot be negative")
    if size == 0:
        return EMPTY_ROOT
    return subtree_root(store, 0, size)


def inclusion_proof(store: HashStore, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, deepest sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    siblings: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if index < start + k:
            siblings.append(subtree_root(store, start + k, end))
            end = start + k
        else:
            siblings.append(subtree_root(store, start, start + k))
            start += k
    siblings.reverse()
    return siblings


def consistency_proof(store: HashStore, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1, for 0 < size1 <= size2.

    Equal sizes give the empty proof.
    """
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    nodes: list[bytes] = []
    start, end = 0, size2
    complete = True  # the `b` flag of SUBPROOF: the old tree is still a left edge
    while size1 != end:
        k = _largest_power_of_two_below(end - start)
        if size1 - start <= k:
            nodes.append(subtree_root(store, start + k, end))
            end = start + k
        else:
            nodes.append(subtree_root(store, start, start + k))
            start += k
            complete = False
    if not complete:
        nodes.append(subtree_root(store, start, end))
    nodes.reverse()
    return nodes


def nodes_completed_by_append(
    store: HashStore, index: int, leaf_hash: bytes
) -> list[tuple[int, int, bytes]]:
    """The nodes to store when the leaf `leaf_hash` is appended at `index`.

    The store must already hold the tree of size `index`. Returns (level, index, hash)
    for the leaf and for each interior node it completes, bottom up; reads one left
    sibling per completed node.
    """
    if len(leaf_hash) != HASH_SIZE:
        raise ValueError(f"a leaf hash is {HASH_SIZE} bytes")
    completed = [(0, index, bytes(leaf_hash))]
    value, position, level = bytes(leaf_hash), index, 0
    while position & 1:
        value = node_hash(_read(store, level, position - 1), value)
        position >>= 1
        level += 1
        completed.append((level, position, value))
    return completed


class _Overlay:
    """A store seen through the nodes a batch has computed but not yet written."""

    def __init__(self, store: HashStore) -> None:
        self.store = store
        self.pending: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        found = self.pending.get((level, index))
        return found if found is not None else self.store.get(level, index)


def nodes_completed_by_appends(
    store: HashStore, start: int, leaf_hashes: Sequence[bytes]
) -> list[tuple[int, int, bytes]]:
    """`nodes_completed_by_append` for a batch of leaves appended from index `start`.

    Reads from `store` only the left siblings that lie before the batch.
    """
    overlay = _Overlay(store)
    completed: list[tuple[int, int, bytes]] = []
    for offset, value in enumerate(leaf_hashes):
        for level, position, node in nodes_completed_by_append(overlay, start + offset, value):
            overlay.pending[(level, position)] = node
            completed.append((level, position, node))
    return completed


def iter_complete_nodes(leaf_hashes: Iterable[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Every complete node of the tree over `leaf_hashes`, in append order, from scratch.

    For a full recomputation (verify_ledger): compare what this yields with the store.
    Keeps only O(log n) hashes in memory.
    """
    # stack[level] holds the pending left child at that level, if any.
    stack: list[bytes | None] = []
    for index, value in enumerate(leaf_hashes):
        yield 0, index, value
        level, position = 0, index
        while position & 1:
            left = stack[level]
            stack[level] = None
            assert left is not None
            value = node_hash(left, value)
            position >>= 1
            level += 1
            yield level, position, value
        if level == len(stack):
            stack.append(value)
        else:
            stack[level] = value

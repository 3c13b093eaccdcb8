"""The node table as a tlog HashStore: a proof's nodes in one query, never a rebuild."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connection

from .models import Node
from .tlog import MemoryStore, nodes_needed

T = TypeVar("T")


def fetch_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of the (level, index) nodes asked for, in one query; absent ones are
    simply missing from the result (the tree code then names them).

    Plain SQL: the ORM spends ~2 ms composing the OR of composite-key lookups for a proof's
    ~25 nodes, twenty times what the indexed query itself costs.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    quote = connection.ops.quote_name
    level, index = quote("level"), quote("index")
    where = " OR ".join([f"({level} = %s AND {index} = %s)"] * len(keys))
    sql = (
        f"SELECT {level}, {index}, {quote('hash')} FROM {quote(Node._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in key])
        rows = cursor.fetchall()
    return {(row_level, row_index): bytes(value) for row_level, row_index, value in rows}


def run(operation: Callable[..., T], *args: object) -> T:
    """``operation(store, *args)`` on a store holding exactly the nodes it will read.

    For tlog's ``root``, ``inclusion_proof``, ``consistency_proof``: which nodes they read
    depends only on the sizes, so they are known before reading any.
    """
    store = MemoryStore.from_nodes(fetch_nodes(nodes_needed(operation, *args)))
    return operation(store, *args)


def frontier(size: int) -> list[tuple[int, int]]:
    """The complete subtrees a tree of ``size`` leaves splits into, largest first.

    These are the only stored nodes an append at index ``size`` (or a batch starting there)
    reads: the left siblings it merges with.
    """
    return [
        (level, (size >> level) - 1)
        for level in range(size.bit_length() - 1, -1, -1)
        if (size >> level) & 1
    ]

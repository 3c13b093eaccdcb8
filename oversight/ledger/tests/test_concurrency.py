"""Concurrent appends on PostgreSQL: one gapless sequence, and the root recomputed from scratch.

SQLite serialises writers by itself (IMMEDIATE transactions), so this runs in the PostgreSQL
pass of the suite only.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from oversight.ledger import services, store
from oversight.ledger.models import Leaf, LogHead
from oversight.ledger.tlog import MemoryStore, leaf_hash, root
from oversight.lib.canonical import digest

THREADS = 8
EACH = 25

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_it_gives_one_gapless_sequence_under_concurrent_appends():
    LogHead.objects.get_or_create(id=LogHead.ONE)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                with transaction.atomic():
                    services.record(
                        actor=None,
                        action="test.concurrent",
                        target=("test.writer", number),
                        before=None,
                        after={"writer": number, "n": n},
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    total = THREADS * EACH
    rows = list(Leaf.objects.order_by("index").values_list("index", "data", "hash"))
    assert [index for index, _, _ in rows] == list(range(total))
    assert LogHead.objects.get().size == total
    hashes = [leaf_hash(bytes(data)) for _, data, _ in rows]
    assert hashes == [bytes(value) for _, _, value in rows]
    assert store.run(root, total) == root(MemoryStore(hashes), total)
    # Each writer's own events kept their order.
    for number in range(THREADS):
        mine = Leaf.objects.filter(target_id=str(number)).order_by("index")
        assert [leaf.after_digest for leaf in mine] == [
            digest({"writer": number, "n": n}) for n in range(EACH)
        ]

#!/usr/bin/env python3
"""Ledger benchmark: append throughput, proof latency and full verification on SQLite.

    .venv/bin/python bench/ledger_bench.py                    # 100,000 leaves
    .venv/bin/python bench/ledger_bench.py --leaves 1000000 --proof-tree 10000000

Runs against a fresh SQLite database in a temporary directory (WAL, as the platform runs by
default) and prints the figures that docs/benchmarks.md ("Ledger") records:

- batched appends (``services.record_many``) and single appends (``services.record``, one
  transaction each, as a service calling it would), in events per second;
- inclusion and consistency proofs through the node table, median and 99th percentile;
- ``verify_ledger`` over the whole log; with ``--items N``, N traced work items with four
  events each (a county has about 200,000), each recorded by a leaf whose ``after`` is the
  item's state, so the check also compares every row with its latest leaf (the full check of a
  county-sized database: ``--items 200000 --leaves 1000000``);
- with ``--proof-tree N``: proof latency again on a node table of N leaves, filled directly with
  the nodes of a synthetic tree (proofs read only nodes; appending N real events would only
  measure the append rate again).

Never part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402


def setup(directory: Path) -> None:
    os.environ["OVERSIGHT_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ["LEDGER_CREATE_KEY"] = "true"
    os.environ.pop("LEDGER_SIGNING_KEY_FILE", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def event(n: int):
    from oversight.ledger.services import Event

    state = {
        "id": n,
        "title": f"Matter {n}",
        "state": "in_progress",
        "org_node_id": n % 97,
        "assignee_id": n % 1013,
        "deadline": "2025-06-30",
        "amount": "1200.50",
        "updated_at": "2025-03-01T02:03:04Z",
    }
    return Event(
        actor=None,
        action="bench.matter.update",
        target=("bench.matter", n),
        before=state,
        after={**state, "state": "closed"},
    )


def traced_items(count: int, batch: int) -> float:
    """``count`` work items with four events each, written in bulk and recorded in the ledger
    (``record_many`` reads their states back, as every service's ``record`` does)."""
    from datetime import date

    from django.db import transaction

    from oversight.ledger import services
    from oversight.loop.models import Event, WorkItem
    from oversight.orgs import services as org_services

    county = org_services.node_create(name="County", code="B", type="district", parent=None)
    unit = org_services.node_create(name="Unit", code="B-U", type="unit", parent=county)
    started = time.perf_counter()
    for first in range(0, count, batch):
        with transaction.atomic():
            items = WorkItem.objects.bulk_create(
                [
                    WorkItem(
                        kind="matters.task",
                        title=f"Task {n}",
                        state="in_progress",
                        responsible_node=unit,
                        supervising_node=county,
                        final_deadline=date(2026, 6, 30),
                    )
                    for n in range(first, min(count, first + batch))
                ]
            )
            for item in items:
                item.tree_path = f"/{item.pk}/"
            WorkItem.objects.bulk_update(items, ["tree_path"])
            Event.objects.bulk_create(
                [
                    Event(item=item, type="comment", comment=f"step {k}")
                    for item in items
                    for k in range(4)
                ]
            )
            services.record_many(
                [services.Event(actor=None, action="bench.item", target=i) for i in items]
            )
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"median {statistics.median(samples) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def time_proofs(size: int, count: int) -> tuple[str, str]:
    from django.db import connection

    from oversight.ledger import selectors

    connection.ensure_connection()
    rng = random.Random(7)
    inclusion = []
    for _ in range(count):
        index = rng.randrange(size)
        started = time.perf_counter()
        selectors.inclusion(index, size)
        inclusion.append(time.perf_counter() - started)
    consistency = []
    for _ in range(count):
        first = rng.randrange(1, size + 1)
        started = time.perf_counter()
        selectors.consistency(first, size)
        consistency.append(time.perf_counter() - started)
    return percentiles(inclusion), percentiles(consistency)


def fill_synthetic_tree(size: int) -> float:
    """Replace the node table by the complete nodes of a synthetic tree of ``size`` leaves."""
    import hashlib

    from django.db import connection, transaction

    from oversight.ledger.models import LogHead, Node
    from oversight.ledger.tlog import iter_complete_nodes

    started = time.perf_counter()
    table = connection.ops.quote_name(Node._meta.db_table)
    sql = (
        f"INSERT INTO {table} (level, {connection.ops.quote_name('index')}, hash) VALUES (?, ?, ?)"
    )
    leaves = (hashlib.sha256(n.to_bytes(8, "big")).digest() for n in range(size))
    with transaction.atomic():
        raw = connection.connection
        raw.execute(f"DELETE FROM {table}")
        batch = []
        for node in iter_complete_nodes(leaves):
            batch.append(node)
            if len(batch) == 100_000:
                raw.executemany(sql, batch)
                batch.clear()
        raw.executemany(sql, batch)
        LogHead.objects.update_or_create(id=LogHead.ONE, defaults={"size": size})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--single", type=int, default=2_000, help="single appends to time")
    parser.add_argument("--proofs", type=int, default=1_000)
    parser.add_argument("--proof-tree", type=int, default=0, help="synthetic tree size")
    parser.add_argument("--items", type=int, default=0, help="traced work items (4 events each)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as directory:
        setup(Path(directory))
        from oversight.ledger import services

        print(f"machine: {describe()}")
        print(f"database: SQLite (WAL) in {directory}")

        if args.items:
            elapsed = traced_items(args.items, args.batch)
            print(
                f"traced work items: {args.items:,} with {4 * args.items:,} events, written and "
                f"recorded in {elapsed:.1f} s"
            )
        started, cpu = time.perf_counter(), time.process_time()
        done = 0
        while done < args.leaves:
            count = min(args.batch, args.leaves - done)
            services.record_many([event(done + n) for n in range(count)])
            done += count
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"batched appends: {args.leaves:,} events in batches of {args.batch} in "
            f"{elapsed:.1f} s = {args.leaves / elapsed:,.0f} events/s "
            f"(CPU {cpu:.1f} s = {args.leaves / cpu:,.0f} events per CPU second)"
        )

        started, cpu = time.perf_counter(), time.process_time()
        for n in range(args.single):
            single = event(args.leaves + n)
            services.record(
                actor=None,
                action=single.action,
                target=single.target,
                before=single.before,
                after=single.after,
            )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"single appends: {args.single:,} events, one transaction each, in {elapsed:.1f} s = "
            f"{args.single / elapsed:,.0f} events/s (CPU {cpu:.1f} s)"
        )
        size = args.leaves + args.single + (args.items + 2 if args.items else 0)

        started = time.perf_counter()
        services.issue_checkpoint()
        print(f"checkpoint at {size} leaves: {(time.perf_counter() - started) * 1000:.1f} ms")

        inclusion, consistency = time_proofs(size, args.proofs)
        print(f"inclusion proof at {size:,} leaves: {inclusion}")
        print(f"consistency proof at {size:,} leaves: {consistency}")

        started, cpu = time.perf_counter(), time.process_time()
        run, report = services.run_verification()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        state = "all verified" if report.ok else f"{run.mismatch_count} MISMATCHES"
        print(
            f"verify_ledger: {report.size:,} leaves, {report.nodes:,} nodes in {elapsed:.1f} s "
            f"({report.size / elapsed:,.0f} leaves/s; CPU {cpu:.1f} s), {state}"
        )

        if args.proof_tree:
            elapsed = fill_synthetic_tree(args.proof_tree)
            print(f"synthetic node table of {args.proof_tree:,} leaves filled in {elapsed:.0f} s")
            inclusion, consistency = time_proofs(args.proof_tree, args.proofs)
            print(f"inclusion proof at {args.proof_tree:,} leaves: {inclusion}")
            print(f"consistency proof at {args.proof_tree:,} leaves: {consistency}")


if __name__ == "__main__":
    main()

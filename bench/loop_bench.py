"""Closed-loop benchmark: 200,000 work items; "my work", the leader's overview and the statistics
page (server time, p50/p95 over repeated requests), and the periodic light-and-reminder sweep.

    .venv/bin/python bench/loop_bench.py                 # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/loop_bench.py
    .venv/bin/python bench/loop_bench.py --items 20000   # a quicker run

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'loop-bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ.setdefault("OVERSIGHT_VAR_DIR", str(out))
    os.environ["HUEY_IMMEDIATE"] = "false"  # deliveries queue for the worker, as in production
    os.environ.setdefault("DEBUG", "true")  # plain static storage: no collectstatic manifest needed
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    import django

    django.setup()


def build(items: int, rng: random.Random) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from oversight.loop.models import Event, WorkItem
    from oversight.orgs import demo as org_demo
    from oversight.orgs.models import Account, OrgNode

    call_command("migrate", verbosity=0)
    if WorkItem.objects.count() == items:
        return
    WorkItem.objects.all().delete()
    from oversight.matters.demo import grant_permissions

    with transaction.atomic():
        org_demo.build(rng=random.Random("2026:oversight.orgs.demo"))
        grant_permissions()
    units = list(
        OrgNode.objects.filter(type__in=["unit", "town", "village"]).values_list("pk", flat=True)
    )
    commission = OrgNode.objects.get(code="QH-JW").pk
    accounts = list(Account.objects.values_list("pk", "org_node_id"))
    today = timezone.localdate()
    now = timezone.now()
    started = time.perf_counter()
    batch, events = [], []
    kinds = [
        ("matters.task", ["assigned", "submitted", "returned", "closed"]),
        ("matters.matter", ["in_progress", "closed"]),
    ]
    for n in range(items):
        kind, states = kinds[0] if n % 5 else kinds[1]
        state = rng.choice(states)
        closed = state == "closed"
        opened = now - timedelta(days=rng.randrange(1, 400))
        deadline = (opened + timedelta(days=rng.randrange(10, 120))).date()
        waiting = {
            "assigned": "responsible",
            "returned": "responsible",
            "submitted": "supervising",
        }.get(state, "")
        assignee = rng.choice(accounts) if rng.random() < 0.3 else None
        node = assignee[1] if assignee else rng.choice(units)
        batch.append(
            WorkItem(
                kind=kind,
                title=f"Bench item {n}",
                state=state,
                waiting_on=waiting,
                responsible_node_id=node,
                supervising_node_id=commission,
                assignee_id=assignee[0] if assignee else None,
                created_by_id=accounts[n % len(accounts)][0],
                tree_path="",
                progress=rng.randrange(0, 101),
                opened_at=opened,
                final_deadline=deadline,
                step_started_on=opened.date(),
                light="none" if closed else rng.choice(["green", "yellow", "red"]),
                closed_at=opened + timedelta(days=(days := rng.randrange(1, 100)))
                if closed
                else None,
                days_to_close=days if closed else None,
                closed_on_time=rng.random() < 0.8 if closed else None,
            )
        )
        if len(batch) == 5000:
            created = WorkItem.objects.bulk_create(batch)
            events.extend(
                Event(
                    item=i,
                    type="created",
                    actor_id=i.created_by_id,
                    actor_name="bench",
                    to_state=i.state,
                )
                for i in created
            )
            Event.objects.bulk_create(events)
            batch, events = [], []
    if batch:
        created = WorkItem.objects.bulk_create(batch)
        Event.objects.bulk_create(
            Event(
                item=i,
                type="created",
                actor_id=i.created_by_id,
                actor_name="bench",
                to_state=i.state,
            )
            for i in created
        )
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    WorkItem.objects.update(tree_path=Concat(Value("/"), Cast("id", CharField()), Value("/")))
    print(f"built {items:,} work items in {time.perf_counter() - started:.1f} s (today {today})")


def measure(label: str, client, url: str, repeat: int) -> None:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"{label:<38} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   ({repeat} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    setup_django(ROOT / "bench" / "out")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from oversight.loop import services
    from oversight.loop.models import WorkItem
    from oversight.orgs.models import Account

    build(args.items, random.Random(7))
    # Fresh bulk data has no planner statistics (nor, on PostgreSQL, a visibility map for
    # index-only scans) yet; production gets them from autovacuum or the hourly PRAGMA optimize.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"database: {connection.vendor}; work items: {WorkItem.objects.count():,}; "
        f"open: {WorkItem.objects.filter(closed_at__isnull=True).count():,}"
    )
    settings.ALLOWED_HOSTS = ["*"]
    for username in ("town1", "leader", "supervisor"):
        account = Account.objects.get(username=username)
        client = Client()
        client.force_login(account)
        client.get("/")  # warm up
        print(f"-- as {username} ({account.org_node.name})")
        measure("my work (to do)", client, "/work/?tab=todo", args.repeat)
        measure("my work (done)", client, "/work/?tab=done", args.repeat)
        if username != "town1":
            measure("leader's overview", client, "/matters/", args.repeat)
        measure("statistics (by unit)", client, "/work/statistics/", args.repeat)
        measure("statistics (by kind)", client, "/work/statistics/?group=kind", args.repeat)
    # The first sweep over this data meets a backlog: every overdue item escalates at once.
    from oversight.loop.models import Event, Reminder
    from oversight.notify.models import Delivery, Notification

    Reminder.objects.all().delete()
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    Event.objects.exclude(type="created").delete()
    WorkItem.objects.update(light="green")
    for run in (1, 2):
        started = time.perf_counter()
        report = services.sweep()
        print(
            f"sweep {run}: {report.examined:,} open items, {report.lights_changed:,} lights changed, "
            f"{report.reminders:,} reminders, {report.escalations:,} escalations "
            f"({report.deferred:,} deferred to later runs) in {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()

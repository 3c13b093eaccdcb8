"""Cockpit and measures benchmark: a city of ~600 units with 200,000 work items and the rest of
the demo's data scaled alike (complaints, ratings, dissatisfaction, milestones, warnings). Times
the cockpit page (server time through Django's test client: view, every measure's grouped
query, template) for the city's administrator and for a town officer, then a month-end
snapshot of every measure for every node.

    .venv/bin/python bench/cockpit_bench.py                    # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/cockpit_bench.py
    .venv/bin/python bench/cockpit_bench.py --items 20000      # a quicker run

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-password-0123456789"
DISTRICTS, TOWNS, VILLAGES = 12, 10, 4  # 12 × (10 + 40) = 600 units, plus the city's bodies


def setup_django(out: Path, items: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / f'cockpit-bench-{items}.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ.setdefault("OVERSIGHT_VAR_DIR", str(out))
    os.environ["HUEY_IMMEDIATE"] = "false"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    import django

    django.setup()


def build_tree():
    from oversight.orgs.models import OrgNode

    T = OrgNode.Type
    made = []

    def node(name, code, type_, parent, sort=0):
        n = OrgNode(name=name, code=code, type=type_, parent=parent, sort=sort, path="")
        n.save()
        n.path = f"{parent.path if parent else '/'}{n.pk}/"
        n.save(update_fields=["path"])
        made.append(n)
        return n

    city = node("Bench City", "BC", T.DISTRICT, None)
    node("Bench City Commission", "BC-JW", T.COMMISSION, city)
    towns = []
    for d in range(DISTRICTS):
        district = node(f"District {d + 1}", f"BC-D{d:02d}", T.DISTRICT, city, d)
        node(f"District {d + 1} Commission", f"BC-D{d:02d}-JW", T.COMMISSION, district)
        for t in range(TOWNS):
            town = node(f"Town {d + 1}-{t + 1}", f"BC-D{d:02d}-T{t:02d}", T.TOWN, district, t)
            towns.append(town)
            for v in range(VILLAGES):
                code = f"BC-D{d:02d}-T{t:02d}-V{v}"
                node(f"Village {d + 1}-{t + 1}-{v + 1}", code, T.VILLAGE, town, v)
    return city, towns, made


def build(items: int, rng: random.Random, fresh: bool = False):
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from oversight.analytics.models import Warning
    from oversight.documents.models import DocType, Document, Receipt
    from oversight.loop.models import WorkItem
    from oversight.matters.models import Milestone
    from oversight.orgs import services as org_services
    from oversight.orgs.models import OrgNode, Role
    from oversight.public.models import (
        Complaint,
        Dissatisfaction,
        PowerCategory,
        PowerItem,
        Rating,
    )

    call_command("migrate", verbosity=0)
    if WorkItem.objects.count() == items and not fresh:
        return
    if OrgNode.objects.exists():
        call_command("flush", interactive=False, verbosity=0)  # this benchmark's own database
    started = time.perf_counter()
    with transaction.atomic():
        city, towns, nodes = build_tree()
        view = [
            "cockpit:screen:view", "loop:item:view", "matters:matter:view",
            "public:complaint:view", "public:style:view", "analytics:warning:view",
            "ledger:audit:view", "orgs:node:view", "documents:document:view",
            "documents:received:view",
        ]  # fmt: skip
        admin_role = org_services.role_save(
            role=None, key="bench-all", name="all", permissions=[*view, "measures:catalogue:view"],
            data_scope=Role.Scope.ALL, listed_nodes=[],
        )  # fmt: skip
        town_role = org_services.role_save(
            role=None, key="bench-town", name="town", permissions=view,
            data_scope=Role.Scope.OWN_AND_BELOW, listed_nodes=[],
        )  # fmt: skip
        for username, node, role in (
            ("city", city, admin_role),
            ("town", towns[0], town_role),
        ):
            org_services.account_save(
                account=None, username=username, display_name=username, org_node=node,
                person=None, roles=[role], password=PASSWORD,
            )  # fmt: skip
        categories = [
            PowerCategory.objects.create(code=f"C{i}", name=f"Category {i}") for i in range(8)
        ]
        powers = [
            PowerItem.objects.create(category=categories[i % 8], code=f"P{i}", name=f"Power {i}")
            for i in range(40)
        ]
    commission = OrgNode.objects.get(code="BC-JW").pk
    leaves = [n.pk for n in nodes if n.type in ("village", "town")]
    now = timezone.now()
    kinds = ["matters.task", "matters.task", "matters.matter", "public.complaint", "analytics.clue"]
    batch = []

    def flush():
        created = WorkItem.objects.bulk_create(batch)
        complaints, milestones = [], []
        for item in created:
            if item.kind == "public.complaint":
                rated = item.closed_at is not None and rng.random() < 0.7
                complaints.append(
                    Complaint(
                        item=item,
                        reference=f"B{item.pk}",
                        power_item=powers[item.pk % 40],
                        content="bench",
                        tracking_hash=f"bench-{item.pk}",
                        received_on=item.opened_at.date(),
                        satisfied=(rng.random() < 0.85) if rated else None,
                        rated_at=item.closed_at if rated else None,
                    )
                )
            elif item.kind == "matters.matter":
                due = item.opened_at.date() + timedelta(days=20)
                done = due - timedelta(days=1) if rng.random() < 0.6 else None
                milestones.append(Milestone(item=item, title="m", due=due, done_on=done))
        made = Complaint.objects.bulk_create(complaints)
        Dissatisfaction.objects.bulk_create(
            Dissatisfaction(
                complaint=c, reason="bench", responsible_node_id=c.item.responsible_node_id,
                recorded_on=c.rated_at.date(),
            )
            for c in made
            if c.satisfied is False
        )  # fmt: skip
        Milestone.objects.bulk_create(milestones)
        batch.clear()

    for n in range(items):
        opened = now - timedelta(days=rng.randrange(1, 400), hours=rng.randrange(24))
        closed = rng.random() < 0.65
        days = rng.randrange(1, 90)
        closed_at = opened + timedelta(days=days) if closed else None
        if closed_at and closed_at > now:
            closed_at, closed = None, False
        batch.append(
            WorkItem(
                kind=kinds[n % len(kinds)],
                title=f"Bench item {n}",
                state="closed" if closed else "open",
                responsible_node_id=rng.choice(leaves),
                supervising_node_id=commission,
                tree_path="",
                progress=rng.randrange(0, 101),
                opened_at=opened,
                final_deadline=(opened + timedelta(days=rng.randrange(10, 120))).date(),
                light="none" if closed else rng.choice(["green", "yellow", "red"]),
                closed_at=closed_at,
                days_to_close=days if closed else None,
                closed_on_time=rng.random() < 0.8 if closed else None,
            )
        )
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    today = timezone.localdate()
    Rating.objects.bulk_create(
        (
            Rating(
                node_id=rng.choice(leaves),
                score=rng.randrange(1, 6),
                created_on=today - timedelta(days=rng.randrange(400)),
            )
            for _ in range(items // 3)
        ),
        batch_size=5000,
    )
    Warning.objects.bulk_create(
        (
            Warning(
                model_id=f"model_{i % 20}",
                fingerprint=f"bench-{i}",
                unit_id=rng.choice(leaves),
                severity=rng.choice(["red", "yellow"]),
                status=(status := rng.choice(["new", "new", "clue", "dismissed"])),
                dismissal_reason="bench" if status == "dismissed" else "",
                match_method="id",
                first_seen=now - timedelta(days=rng.randrange(400)),
                decided_at=now - timedelta(days=rng.randrange(30)) if status != "new" else None,
            )
            for i in range(items // 10)
        ),
        batch_size=5000,
    )
    # Documents issued by the districts' commissions to their towns (one per 50 work items),
    # each to three towns that sign for it and, for most, reply by its deadline or late.
    commissions = list(
        OrgNode.objects.filter(type=OrgNode.Type.COMMISSION, parent__parent__isnull=False)
    )
    towns_of = {c.pk: [t.pk for t in towns if t.parent_id == c.parent_id] for c in commissions}
    types = [t.value for t in DocType]
    documents = []
    for n in range(items // 50):
        issuer = commissions[n % len(commissions)]
        issued_on = today - timedelta(days=rng.randrange(400))
        documents.append(
            Document(
                doc_type=types[n % len(types)], issuer_node=issuer, year=issued_on.year,
                number=n + 1, serial=f"B-{n + 1}", title=f"Bench document {n}",
                recipient_unit="towns", file=f"bench/{n}.docx", sha256="0" * 64, size=1,
                template_sha256="0" * 64, issued_on=issued_on,
                reply_by=issued_on + timedelta(days=15) if n % 3 else None,
            )
        )  # fmt: skip
    receipts = []
    for document in Document.objects.bulk_create(documents, batch_size=5000):
        issued = timezone.make_aware(datetime.combine(document.issued_on, datetime.min.time()))
        for town in rng.sample(towns_of[document.issuer_node_id], 3):
            signed = issued + timedelta(days=rng.randrange(6)) if rng.random() < 0.9 else None
            replied = None
            if document.reply_by and signed and rng.random() < 0.85:
                replied = signed + timedelta(days=rng.randrange(25))
            if replied and replied > now:
                replied = None
            receipts.append(
                Receipt(
                    document=document, node_id=town, signed_at=signed if signed and signed < now
                    else None, replied_at=replied, reply_text="bench" if replied else "",
                )
            )  # fmt: skip
    Receipt.objects.bulk_create(receipts, batch_size=5000)
    print(
        f"built {OrgNode.objects.count()} org nodes, {items:,} work items and the rest in "
        f"{time.perf_counter() - started:.1f} s"
    )


def percentile(timings: list[float], share: float) -> float:
    """The nearest-rank percentile of ``timings``."""
    ordered = sorted(timings)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def _report(label: str, timings: list[float], cpu: list[float], what: str) -> None:
    print(
        f"{label:<46} p50 {statistics.median(timings):7.1f} ms   "
        f"p95 {percentile(timings, 0.95):7.1f} ms   "
        f"(CPU of this process p50 {statistics.median(cpu):6.1f} ms; {len(timings)} {what})"
    )


def measure(label: str, client, url: str, repeat: int) -> None:
    """Server time of ``url`` through the test client; wall and this process's CPU time
    (the machine is shared: the CPU time says what the request itself cost)."""
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    _report(label, timings, cpu, "requests")


def timed(label: str, call, repeat: int) -> None:
    """Median and p95 of ``call()`` alone (no view, no template)."""
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    _report(label, timings, cpu, "calls")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="rebuild the data even if present")
    parser.add_argument("--months", type=int, default=6, help="closed months to keep and time")
    args = parser.parse_args()
    setup_django(ROOT / "bench" / "out", args.items)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from machine import describe

    from oversight.analytics.models import Warning
    from oversight.documents.models import Receipt
    from oversight.loop.models import WorkItem
    from oversight.measures import registry, selectors, services
    from oversight.measures.models import Snapshot, SnapshotRun
    from oversight.measures.registry import Period
    from oversight.orgs.models import Account, OrgNode
    from oversight.public.models import Complaint, Rating

    build(args.items, random.Random(17), args.fresh)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(describe())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}")
    open_items = WorkItem.objects.filter(closed_at__isnull=True).count()
    print(
        f"database: {connection.vendor}; org nodes: {OrgNode.objects.count()}; "
        f"work items: {WorkItem.objects.count():,} ({open_items:,} open); "
        f"complaints: {Complaint.objects.count():,}; ratings: {Rating.objects.count():,}; "
        f"warnings: {Warning.objects.count():,}; receipts: {Receipt.objects.count():,}; "
        f"measures: {len(registry.MEASURES)}"
    )
    settings.ALLOWED_HOSTS = ["*"]
    # The month-end job has kept the closed months (the trend's earlier points): time it on
    # each of the months before this one, from scratch.
    month = Period.containing(date.today())
    snapshot_times = []
    for _ in range(args.months):
        month = month.previous()
        SnapshotRun.objects.filter(period=month.key).delete()
        Snapshot.objects.filter(period=month.key).delete()
        started = time.perf_counter()
        stored = services.snapshot_take(period=month)
        snapshot_times.append(time.perf_counter() - started)
        print(
            f"month-end snapshot {month.key}: {len(registry.MEASURES)} measures × "
            f"{OrgNode.objects.count()} nodes, {stored:,} figures stored in "
            f"{snapshot_times[-1]:.1f} s"
        )
    if snapshot_times:
        print(
            f"month-end snapshot: median {statistics.median(snapshot_times):.1f} s, "
            f"max {max(snapshot_times):.1f} s"
        )
    last_month = Period.containing(date.today()).previous()
    city = OrgNode.objects.get(code="BC")
    everything = list(OrgNode.objects.all())
    current = Period.containing(date.today())
    measures = registry.all_measures()
    timed(
        "grouped queries: all measures, all nodes, live",
        lambda: selectors.figures(
            viewer=registry.SYSTEM, measures=measures, nodes=everything, period=current
        ),
        max(3, args.repeat // 5),
    )
    for username, label in (("city", "city scope"), ("town", "a town's scope")):
        account = Account.objects.get(username=username)
        client = Client()
        client.force_login(account)
        client.get("/cockpit/")  # warm up
        top = [city] if username == "city" else [account.org_node]
        children = list(OrgNode.objects.filter(parent=top[0]))
        timed(
            f"grouped queries of the cockpit, {label}",
            lambda a=account, n=[*top, *children]: selectors.figures_and_split(
                viewer=a, measures=selectors.measures_for(a), nodes=n, period=current, memo={}
            ),
            args.repeat,
        )
        measure(f"cockpit, {label}", client, "/cockpit/", args.repeat)
        measure(f"cockpit data.json, {label}", client, "/cockpit/data.json", args.repeat)
        measure(
            f"cockpit of last month (kept), {label}",
            client,
            f"/cockpit/?period={last_month.key}",
            args.repeat,
        )
        measure(f"home (a view of the cockpit), {label}", client, "/", args.repeat)
        measure(f"statistics, {label}", client, "/work/statistics/", args.repeat // 2 or 1)
        node = top[0].pk
        measure(
            f"click-through: overdue items, {label}",
            client,
            f"/measures/loop.overdue/records/?node={node}&period={current.key}",
            args.repeat // 2 or 1,
        )
        if username == "city":
            measure(
                "catalogue of measures, city scope", client, "/measures/", args.repeat // 2 or 1
            )


if __name__ == "__main__":
    main()

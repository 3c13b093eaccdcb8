"""Inspection rectification at a province's scale: 50 rounds of 12 inspected units each (600
units), 5,000 findings, 20,000 rectification tasks (each a work item of its loop kind) in every
state, half of them closed, a tenth overdue, with 3,000 public complaints about the units.

Times the round page and the completion statistics (per unit and per category, through the
API) as the commission sees them and as one inspected unit sees them, then the look-back
sample drawn over every closed task of every round by all four rules, and one look-back drawn
and written (its checks and their ledger leaves).

    .venv/bin/python bench/inspections_bench.py                  # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/inspections_bench.py
    .venv/bin/python bench/inspections_bench.py --rounds 5       # a quicker run

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

UNITS_PER_ROUND, FINDINGS_PER_ROUND, TASKS_PER_FINDING = 12, 100, 4
CATEGORIES = ["political", "party", "discipline", "funds", "personnel", "service", "other"]


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'inspections-bench.sqlite3'}")
    from duties_bench import setup_django

    setup_django(out)


def build(rounds: int, rng: random.Random, today: datetime.date) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from oversight.inspections.models import Finding, InspectedUnit, Round, Task
    from oversight.loop.models import WorkItem
    from oversight.orgs import services as org_services
    from oversight.orgs.models import Account, OrgNode, Role

    call_command("migrate", verbosity=0)
    if Round.objects.count() >= rounds:
        return
    started = time.perf_counter()
    aware = timezone.get_current_timezone()
    with transaction.atomic():
        province = org_services.node_create(name="Province", code="I", type="district", parent=None)
        commission = org_services.node_create(
            name="Commission", code="I-JW", type="commission", parent=province
        )
        nodes = [
            org_services.node_create(name=f"Unit {n:03d}", code=f"I-U{n:03d}", type="unit", parent=province)
            for n in range(rounds * UNITS_PER_ROUND)
        ]  # fmt: skip
        boss = Role.objects.create(
            key="bench-sup", name="bench-sup", data_scope=Role.Scope.ALL,
            permissions=["inspections:round:view", "inspections:round:edit",
                         "inspections:task:verify", "loop:item:view"],
        )  # fmt: skip
        unit_role = Role.objects.create(
            key="bench-unit", name="bench-unit", data_scope=Role.Scope.OWN_AND_BELOW,
            permissions=["inspections:round:view", "loop:item:view"],
        )  # fmt: skip
        sup = Account.objects.create(username="bench-supervisor", org_node=commission)
        sup.roles.add(boss)
        clerk = Account.objects.create(username="bench-clerk", org_node=nodes[0])
        clerk.roles.add(unit_role)

        for r in range(rounds):
            starts = today - datetime.timedelta(days=30 + 7 * r)
            round_ = Round.objects.create(
                kind="patrol", year=starts.year, number=r + 1, title=f"第{r + 1}轮巡察",
                inspecting_node=commission, group=f"第{r % 8 + 1}巡察组", starts_on=starts,
                ends_on=starts + datetime.timedelta(days=40),
            )  # fmt: skip
            units = InspectedUnit.objects.bulk_create(
                InspectedUnit(round=round_, node=node, feedback_on=starts)
                for node in nodes[r * UNITS_PER_ROUND : (r + 1) * UNITS_PER_ROUND]
            )
            findings = Finding.objects.bulk_create(
                Finding(unit=units[f % UNITS_PER_ROUND], number=f + 1,
                        category=rng.choice(CATEGORIES), description=f"问题{f + 1}：台账不全，资金审批不规范")
                for f in range(FINDINGS_PER_ROUND)
            )  # fmt: skip
            items, tasks = [], []
            for finding in findings:
                for _k in range(TASKS_PER_FINDING):
                    deadline = starts + datetime.timedelta(days=rng.randrange(20, 200))
                    roll = rng.random()
                    closed = roll < 0.5
                    closed_on = deadline - datetime.timedelta(days=rng.randrange(0, 40))
                    items.append(
                        WorkItem(
                            kind="inspections.rectification", title="整改任务",
                            state="closed" if closed else ("rectifying" if roll < 0.8 else "assigned"),
                            responsible_node=finding.unit.node, supervising_node=commission,
                            tree_path="", final_deadline=deadline, step_deadline=deadline,
                            light="red" if not closed and roll > 0.9 else "green",
                            closed_at=datetime.datetime.combine(closed_on, datetime.time(10), aware)
                            if closed else None,
                            closed_on_time=closed and closed_on <= deadline if closed else None,
                        )
                    )  # fmt: skip
                    tasks.append((finding, deadline, closed_on if closed else None))
            items = WorkItem.objects.bulk_create(items, batch_size=2000)
            for item in items:
                item.tree_path = f"/{item.pk}/"
            WorkItem.objects.bulk_update(items, ["tree_path"], batch_size=2000)
            Task.objects.bulk_create(
                [
                    Task(finding=finding, node_id=finding.unit.node_id, item=item,
                         measure="建立审批制度，追回违规资金", deadline=deadline, verified_on=closed_on)
                    for item, (finding, deadline, closed_on) in zip(items, tasks, strict=True)
                ],
                batch_size=2000,
            )  # fmt: skip
        complaints = WorkItem.objects.bulk_create(
            [
                WorkItem(
                    kind="public.complaint", title="群众投诉", state="handling",
                    responsible_node=rng.choice(nodes), supervising_node=commission, tree_path="",
                    opened_at=datetime.datetime.combine(
                        today - datetime.timedelta(days=rng.randrange(0, 300)), datetime.time(9), aware
                    ),
                )
                for _n in range(3000)
            ],
            batch_size=2000,
        )  # fmt: skip
        for item in complaints:
            item.tree_path = f"/{item.pk}/"
        WorkItem.objects.bulk_update(complaints, ["tree_path"], batch_size=2000)
    print(f"built {OrgNode.objects.count()} nodes, {Task.objects.count():,} tasks "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def measure(label: str, client, url: str, repeat: int) -> None:
    client.get(url)  # warm
    timings = []
    for _n in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{label:<44} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
          f"({repeat} requests)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    setup(ROOT / "bench" / "out")
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from oversight.inspections import services
    from oversight.inspections.models import Round, Task
    from oversight.loop import timing
    from oversight.orgs.models import Account

    today = datetime.date(2026, 11, 16)
    timing.today = lambda: today
    build(args.rounds, random.Random(20), today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"machine: {describe()}")
    rounds = Round.objects.count()
    closed = Task.objects.filter(item__closed_at__isnull=False).count()
    print(f"database: {connection.vendor}; rounds: {rounds}, tasks: {Task.objects.count():,}, "
          f"closed: {closed:,}")  # fmt: skip
    settings.ALLOWED_HOSTS = ["*"]
    sup = Account.objects.get(username="bench-supervisor")
    clerk = Account.objects.get(username="bench-clerk")
    commission, unit = Client(), Client()
    commission.force_login(sup)
    unit.force_login(clerk)
    big = Round.objects.order_by("pk").first()
    measure("round page (commission)", commission, f"/inspections/{big.pk}/", args.repeat)
    measure("round page (an inspected unit)", unit, f"/inspections/{big.pk}/", args.repeat)
    for by in ("unit", "category"):
        url = f"/api/inspections/rounds/{big.pk}/completion/?by={by}"
        measure(f"completion by {by} (API, commission)", commission, url, args.repeat)
    measure("completion by unit (API, the unit)", unit,
            f"/api/inspections/rounds/{big.pk}/completion/", args.repeat)  # fmt: skip
    unit_row = big.units.order_by("pk").first()
    measure("inspected unit's five lists", commission, f"/inspections/units/{unit_row.pk}/",
            args.repeat)  # fmt: skip

    started = time.perf_counter()
    drawn = 0
    for round_ in Round.objects.order_by("pk"):
        drawn += len(
            services.lookback_sample(
                round=round_, categories=["funds"], last_days=5, random_share=10,
                seed=f"bench-{round_.pk}", complaints=True,
            )
        )  # fmt: skip
    elapsed = time.perf_counter() - started
    print(f"{'look-back sample over all closed tasks':<44} {elapsed:7.2f} s   "
          f"({closed:,} closed, {drawn:,} drawn, 4 rules)")  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        lookback = services.lookback_draw(
            actor=sup, round=big, categories=["funds"], last_days=5, random_share=10,
            complaints=True,
        )  # fmt: skip
        checks = lookback.checks.count()
        transaction.set_rollback(True)
    print(f"{'one look-back drawn and written':<44} {time.perf_counter() - started:7.2f} s   "
          f"({checks} checks)")  # fmt: skip


if __name__ == "__main__":
    main()

"""Duty lists at a city's scale: 600 units, 60 items each, one report per unit and item a year
(36,000 a year) with 5 years of history (180,000 reports, each a work item with its submitted
text). Measures the live ranking page and a unit's scorecard (server time, p50/p95), the copy
check of one report against its peers and its unit's earlier years, a full year's re-check and
the year-end freeze.

    .venv/bin/python bench/duties_bench.py                      # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/duties_bench.py
    .venv/bin/python bench/duties_bench.py --units 120 --years 2  # a quicker run

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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHRASES = [
    "召开党委会专题研究", "组织干部集中学习", "开展谈心谈话", "对照清单逐项自查", "建立整改台账",
    "明确责任人和完成时限", "走访基层站所", "约谈重点岗位人员", "形成会议纪要", "开展警示教育",
    "落实一岗双责", "梳理廉政风险点", "完善内控制度", "督促问题整改", "通报典型案例",
    "开展专项检查", "压实主体责任", "健全监督机制", "听取专题汇报", "组织民主生活会",
]  # fmt: skip


def setup_django(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'duties-bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ.setdefault("OVERSIGHT_VAR_DIR", str(out))
    os.environ["HUEY_IMMEDIATE"] = "false"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    import django

    django.setup()


def _text(rng: random.Random, unit: int) -> str:
    parts = rng.sample(PHRASES, 8)
    return (
        f"{rng.randrange(1, 13)}月{rng.randrange(1, 28)}日，第{unit}单位"
        + "，".join(f"{p}{rng.randrange(2, 90)}次" for p in parts)
        + "。"
    )


def build(units: int, items: int, years: int, rng: random.Random):
    """The city: ``units`` units under one commission, a list of ``items`` duties for each of
    ``years`` years ending with this one, every report made (a twentieth copied word for word
    from another unit) and most scored."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from oversight.duties.models import DutyArea, DutyItem, DutyList, DutyReport, UnitList
    from oversight.loop.models import Event, WorkItem
    from oversight.orgs import services as org_services
    from oversight.orgs.models import Account, Role

    call_command("migrate", verbosity=0)
    if DutyReport.objects.count() == units * items * years:
        return
    started = time.perf_counter()
    with transaction.atomic():
        city = org_services.node_create(name="City", code="B", type="district", parent=None)
        commission = org_services.node_create(
            name="Commission", code="B-JW", type="commission", parent=city
        )
        nodes = [
            org_services.node_create(name=f"Unit {n:03d}", code=f"B-U{n:03d}", type="unit", parent=city)
            for n in range(units)
        ]  # fmt: skip
        everything = [
            "duties:list:view", "duties:template:edit", "duties:list:issue",
            "duties:report:score", "duties:assessment:manage", "loop:item:view",
        ]  # fmt: skip
        boss = Role.objects.create(key="bench-sup", name="bench-sup", permissions=everything,
                                   data_scope=Role.Scope.ALL)  # fmt: skip
        clerk = Role.objects.create(key="bench-clerk", name="bench-clerk",
                                    permissions=["duties:list:view", "loop:item:view"],
                                    data_scope=Role.Scope.OWN_AND_BELOW)  # fmt: skip
        sup = Account.objects.create(username="bench-supervisor", org_node=commission)
        sup.roles.add(boss)
        unit_clerk = Account.objects.create(username="bench-clerk", org_node=nodes[0])
        unit_clerk.roles.add(clerk)
    this_year = timezone.localdate().year
    now = timezone.now()
    for year in range(this_year - years + 1, this_year + 1):
        duty_list = DutyList.objects.create(
            kind="principal", title="主体责任清单", year=year, owner_node=commission
        )
        areas = [
            DutyArea.objects.create(duty_list=duty_list, title=f"领域{a + 1}", order=a)
            for a in range(15)
        ]
        duties = DutyItem.objects.bulk_create(
            DutyItem(
                area=areas[i % 15],
                title=f"事项{i + 1}",
                requirement=f"按要求完成事项{i + 1}，形成工作记录。",
                points=Decimal(100) / items,
                due_on=datetime.date(year, 1 + i % 12, 20),
                lineage=f"bench-{i}",
                order=i,
            )
            for i in range(items)
        )
        lists = UnitList.objects.bulk_create(
            UnitList(duty_list=duty_list, node=n, supervising_node=commission) for n in nodes
        )
        texts: dict[int, str] = {}
        for unit_list in lists:
            work, reports, events = [], [], []
            for duty in duties:
                due = duty.due_on
                done = year < this_year or due < timezone.localdate()
                work.append(
                    WorkItem(
                        kind="duties.report",
                        title=duty.title,
                        state="accepted" if done else "open",
                        waiting_on="" if done else "responsible",
                        responsible_node_id=unit_list.node_id,
                        supervising_node=commission,
                        tree_path="",
                        opened_at=now,
                        final_deadline=due,
                        step_started_on=due,
                        closed_at=now if done else None,
                    )
                )
            work = WorkItem.objects.bulk_create(work)
            for duty, item in zip(duties, work, strict=True):
                done = item.closed_at is not None
                if done and duty.pk in texts and rng.random() < 0.05:
                    text = texts[duty.pk]  # copied from another unit
                else:
                    text = _text(rng, unit_list.node_id)
                    texts[duty.pk] = text
                score = (duty.points * Decimal(rng.randrange(50, 101)) / 100).quantize(
                    Decimal("0.01")
                )
                reports.append(
                    DutyReport(
                        unit_list=unit_list,
                        duty_item=duty,
                        key=str(year),
                        due=duty.due_on,
                        item=item,
                        reported_on=duty.due_on if done else None,
                        score=score if done else None,
                        score_rate=(100 * score / duty.points).quantize(Decimal("0.1"))
                        if done
                        else None,
                        scored_on=duty.due_on if done else None,
                    )
                )
                if done:
                    events.append(
                        Event(item=item, type="transition", transition="submit", comment=text)
                    )
            DutyReport.objects.bulk_create(reports)
            Event.objects.bulk_create(events)
    print(
        f"built {units} units x {items} items x {years} years = "
        f"{DutyReport.objects.count():,} reports in {time.perf_counter() - started:.1f} s"
    )


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
        f"{label:<38} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
        f"({repeat} requests)"
    )


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"{label:<38} {1000 * (time.perf_counter() - started):9.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_django(ROOT / "bench" / "out")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    sys.path.insert(0, str(ROOT / "bench"))
    from machine import describe

    from oversight.duties import assessments, selectors
    from oversight.duties.models import Assessment, AssessmentResult, DutyList, DutyReport
    from oversight.orgs.models import Account

    build(args.units, args.items, args.years, random.Random(18))
    from django.core.management import call_command

    from oversight.duties.models import UnitScore

    if not UnitScore.objects.exists():
        timed("backfill (scores, prints)", lambda: call_command("duties_backfill", verbosity=0))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"machine: {describe()}")
    print(f"database: {connection.vendor}; reports: {DutyReport.objects.count():,}")
    settings.ALLOWED_HOSTS = ["*"]
    duty_list = DutyList.objects.order_by("-year").first()
    sup = Account.objects.get(username="bench-supervisor")
    clerk = Account.objects.get(username="bench-clerk")
    client = Client()
    client.force_login(sup)
    measure(
        "ranking page (commission)", client, f"/duties/ranking/?list={duty_list.pk}", args.repeat
    )
    own = Client()
    own.force_login(clerk)
    unit_list = duty_list.unit_lists.get(node=clerk.org_node)
    measure("scorecard (the unit)", own, f"/duties/units/{unit_list.pk}/", args.repeat)
    measure("ranking page (the unit)", own, f"/duties/ranking/?list={duty_list.pk}", args.repeat)
    report = (
        DutyReport.objects.filter(unit_list=unit_list, reported_on__isnull=False)
        .select_related("duty_item", "item", "unit_list__duty_list", "unit_list__node")
        .first()
    )
    if report is not None:
        check = timed(
            "copy check of one report", lambda: selectors.report_check(viewer=sup, report=report)
        )
        print(f"  peers alike: {len(check.copied)}, own earlier years alike: {len(check.history)}")
    last = DutyList.objects.filter(year=duty_list.year - 1).first() or duty_list
    found = timed("full year's re-check", lambda: selectors.recheck_year(last))
    print(f"  reports: {len(found):,}, flagged: {sum(1 for v in found.values() if v):,}")
    AssessmentResult.objects.filter(assessment__duty_list=last).delete()
    Assessment.objects.filter(duty_list=last).delete()
    from oversight.loop import timing

    timing.today = lambda: datetime.date(last.year + 1, 1, 10)
    timed(
        f"year-end freeze of {last.unit_lists.count()} units",
        lambda: assessments.assessment_freeze(
            actor=sup,
            duty_list=last,
            method="quotas",
            params={"excellent": "20", "good": "40", "poor": "5"},
            appeal_until=datetime.date(last.year + 1, 1, 31),
        ),
    )


if __name__ == "__main__":
    main()

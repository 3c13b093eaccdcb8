"""Disclosure re-supervision at a district's scale (the brief's Jiuyuan half-year: 19,444
records in 92 catalogue items): a county of 100 villages in 8 towns and 30 departments, a
catalogue of 92 items (villages 30, towns 25, departments 37; monthly and quarterly), the
schedule service's periods of January to June 2026 (monthly 2026-01 … 2026-06, quarterly
2025-Q4 and 2026-Q1), and about 19,444 captured notices bulk-created over that half-year: most
on time, some late, some never published, some without a required field or the notice-board
photo, some republishing an earlier period's content, a few corrected and published twice.

Times ``disclosure.services.check_run`` on 1 July 2026 over the whole half-year (every
expectation written with its ledger leaf, every lapse opened as a work item with its own).

    .venv/bin/python bench/disclosure_bench.py                  # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/disclosure_bench.py
    .venv/bin/python bench/disclosure_bench.py --villages 10 --records 0   # a quicker run
    .venv/bin/python bench/disclosure_bench.py --profile       # cProfile of the check

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

START, END, CHECK_ON = (
    datetime.date(2026, 1, 1),
    datetime.date(2026, 6, 30),
    datetime.date(2026, 7, 1),
)
# unit kind -> (monthly items, quarterly items): 30 + 25 + 37 = 92
CATALOGUE_SHAPE = {"village": (20, 10), "town": (15, 10), "department": (25, 12)}
FIELDS = ["公开事项", "金额", "经办人", "审核人", "监督电话", "办理结果"]
MISSING, LATE, INCOMPLETE, NO_PHOTO, REPUBLISHED, TWICE = 0.04, 0.09, 0.04, 0.05, 0.02, 0.03


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'disclosure-bench.sqlite3'}")
    from duties_bench import setup_django

    setup_django(out)


def build(villages: int, towns: int, departments: int, records: int, rng: random.Random) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from oversight.disclosure import schedules as declared
    from oversight.disclosure.models import CatalogueItem, Publication
    from oversight.loop import timing
    from oversight.orgs import services as org_services
    from oversight.schedules import services as schedule_services
    from oversight.schedules.models import Obligation
    from oversight.schedules.registry import SCHEDULES

    call_command("migrate", verbosity=0)
    if Publication.objects.exists():
        return
    if CatalogueItem.objects.exists():
        sys.exit("an unfinished database: remove it (bench/out/disclosure-bench.sqlite3)")
    started = time.perf_counter()
    with transaction.atomic():
        county = org_services.node_create(name="九原区", code="JY", type="district", parent=None)
        org_services.node_create(name="区纪委监委", code="JY-JW", type="commission", parent=county)
        town_nodes = [
            org_services.node_create(name=f"第{t + 1}镇", code=f"JY-T{t:02d}", type="town", parent=county)
            for t in range(towns)
        ]  # fmt: skip
        for_villages = [
            org_services.node_create(
                name=f"第{v + 1}村", code=f"JY-T{v % towns:02d}-V{v:03d}", type="village",
                parent=town_nodes[v % towns],
            )
            for v in range(villages)
        ]  # fmt: skip
        for_departments = [
            org_services.node_create(name=f"第{d + 1}局", code=f"JY-D{d:02d}", type="department", parent=county)
            for d in range(departments)
        ]  # fmt: skip
        items = []
        for unit_type, (monthly, quarterly) in CATALOGUE_SHAPE.items():
            for n in range(monthly + quarterly):
                frequency = "monthly" if n < monthly else "quarterly"
                items.append(
                    CatalogueItem(
                        title=f"{unit_type}公开事项{n + 1:02d}", unit_type=unit_type,
                        category=rng.choice(["party", "government", "village", "finance"]),
                        frequency=frequency, required_fields=rng.sample(FIELDS, rng.randrange(2, 5)),
                        photo_required=rng.random() < 0.3, keywords=[f"公开事项{n + 1:02d}"],
                    )
                )  # fmt: skip
        CatalogueItem.objects.bulk_create(items)
    # The periods, opened by the schedule service as its daily job would (one work item each).
    cal = timing.calendar()
    today = timing.today
    for schedule in (declared.MONTHLY, declared.QUARTERLY):
        recurring = SCHEDULES[schedule]
        units = list(recurring.units())
        for occurrence in recurring.rule.occurrences(cal, START, END):
            opened = occurrence.due - datetime.timedelta(days=recurring.open_days_before)
            timing.today = lambda opened=opened: opened
            with transaction.atomic():
                for node in units:
                    schedule_services._open(
                        recurring, node=node, key=occurrence.key, due=occurrence.due
                    )
    timing.today = today
    periods = Obligation.objects.filter(schedule__in=[declared.MONTHLY, declared.QUARTERLY])
    # The notices: one per unit, item and period unless missing; late, incomplete, without
    # photo, republished or published twice at the rates above.
    by_type = {}
    for item in CatalogueItem.objects.all():
        by_type.setdefault(item.unit_type, []).append(item)
    planned = []
    last_body: dict[tuple[int, int], str] = {}
    for obligation in periods.select_related("node").order_by("due", "pk"):
        frequency = "monthly" if obligation.schedule == declared.MONTHLY else "quarterly"
        opens = obligation.due - datetime.timedelta(days=9 if frequency == "monthly" else 20)
        for item in by_type.get(obligation.node.type, []):
            if item.frequency != frequency or rng.random() < MISSING:
                continue
            late = rng.random() < LATE
            on = (
                obligation.due + datetime.timedelta(days=rng.randrange(1, 25))
                if late
                else opens + datetime.timedelta(days=rng.randrange(0, (obligation.due - opens).days + 1))
            )  # fmt: skip
            on = min(on, END)
            pair = (obligation.node_id, item.pk)
            if pair in last_body and rng.random() < REPUBLISHED:
                body = last_body[pair]
            else:
                body = f"{obligation.node.name}{obligation.key}{item.title}：收入{rng.randrange(1, 9999)}00元，支出{rng.randrange(1, 9999)}00元。"
            last_body[pair] = body
            fields = list(item.required_fields)
            if rng.random() < INCOMPLETE:
                fields.pop(rng.randrange(len(fields)))
            photo = item.photo_required and rng.random() >= NO_PHOTO
            planned.append((obligation.node, item, obligation.key, on, body, fields, photo))
            if rng.random() < TWICE:  # a correction a few days later
                later = min(on + datetime.timedelta(days=rng.randrange(1, 6)), END)
                planned.append(
                    (obligation.node, item, obligation.key, later, body + "（更正）", fields, photo)
                )
    if records:  # exactly the figure asked for: drop notices at random (more gaps) or repeat some
        rng.shuffle(planned)
        while len(planned) < records:
            planned.append(rng.choice(planned))
        planned = planned[:records]
    from oversight.disclosure.services import content_digest

    Publication.objects.bulk_create(
        [
            Publication(
                node=node, catalogue_item=item, key=key, title=f"{key}{item.title}", published_on=on,
                body=body, fields=fields, has_photo=photo, digest=content_digest(body),
                source=Publication.Source.IMPORTED,
            )
            for node, item, key, on, body, fields, photo in planned
        ],
        batch_size=2000,
    )  # fmt: skip
    print(f"built {len(town_nodes)} towns, {len(for_villages)} villages, {len(for_departments)} departments, "
          f"{len(planned):,} notices, {periods.count():,} periods "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--towns", type=int, default=8)
    parser.add_argument("--departments", type=int, default=30)
    parser.add_argument("--records", type=int, default=19_444, help="0: as generated")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup(ROOT / "bench" / "out")
    from django.db import connection, transaction

    from oversight.disclosure import services
    from oversight.disclosure.models import CatalogueItem, Expectation, Publication
    from oversight.loop import timing

    timing.today = lambda: CHECK_ON
    build(args.villages, args.towns, args.departments, args.records, random.Random(21))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"machine: {describe()}")
    print(f"database: {connection.vendor}; catalogue items: {CatalogueItem.objects.count()}, "
          f"notices: {Publication.objects.count():,}")  # fmt: skip
    profiler = cProfile.Profile() if args.profile else None
    with transaction.atomic():  # rolled back, so the run can be repeated on the same data
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = services.check_run(on=CHECK_ON)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        kinds = Counter(lapse.kind for lapse in report.lapses)
        expected = Expectation.objects.count()
        transaction.set_rollback(True)
    print(f"check_run over the half-year: {elapsed:.2f} s; periods {report.periods:,}, "
          f"expectations {expected:,}, lapses {len(report.lapses):,} "
          f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()

"""Integrity risk rules over a whole county: 600 units, 20,000 cadres with positions (a fifth
in leading posts), 5 relatives each (100,000, with resident IDs), yearly personal-matter
reports for most, risk points assigned to every unit, 2,000 comparison-model warnings (some
naming relatives). Times each rule's evaluation (``rules.hits_of``) and the first full run
that fires the reminders (each a work item), then a second run (nothing new to fire).

    .venv/bin/python bench/risks_bench.py                     # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/risks_bench.py
    .venv/bin/python bench/risks_bench.py --cadres 2000 --units 60   # a quicker run

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from duties_bench import setup_django  # noqa: E402
from machine import describe  # noqa: E402


def build(units: int, cadres: int, rng: random.Random, on: datetime.date) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from oversight.analytics.models import Warning
    from oversight.integrity.models import MatterReport, Relative
    from oversight.orgs import services as org_services
    from oversight.orgs.models import Person, Position
    from oversight.risks.models import Assignment, RiskPoint

    call_command("migrate", verbosity=0)
    if Person.objects.count() >= cadres:
        return
    started = time.perf_counter()
    with transaction.atomic():
        county = org_services.node_create(name="County", code="R", type="district", parent=None)
        org_services.node_create(name="Commission", code="R-JW", type="commission", parent=county)
        nodes = [
            org_services.node_create(
                name=f"Unit {n:03d}", code=f"R-U{n:03d}", type="unit", parent=county
            )
            for n in range(units)
        ]
        people = Person.objects.bulk_create(
            Person(
                name=f"干部{n}",
                resident_id=f"P{n:017d}",
                gender="M",
                birth_date=datetime.date(1970, 1, 1),
                org_node=nodes[n % units],
            )
            for n in range(cadres)
        )
        Position.objects.bulk_create(
            Position(
                person=p,
                org_node=p.org_node,
                title="科长" if n % 5 == 0 else "科员",
                is_leader=n % 5 == 0,
                start_date=datetime.date(2015 + n % 11, 1, 1),
            )
            for n, p in enumerate(people)
        )
        Relative.objects.bulk_create(
            Relative(person=p, relation="spouse" if k == 0 else "sibling", name=f"亲属{k}",
                     resident_id=f"R{n:012d}{k:05d}")
            for n, p in enumerate(people) for k in range(5)
        )  # fmt: skip
        MatterReport.objects.bulk_create(
            MatterReport(person=p, kind="yearly", year=on.year - 1, submitted_on=on)
            for n, p in enumerate(people)
            if n % 5 == 0 and n % 50 != 0
        )
        points = [
            RiskPoint.objects.create(
                category="finance", name=f"风险{k}", description="d", prevention="p",
                level=["high", "medium", "low"][k % 3],
            )
            for k in range(6)
        ]  # fmt: skip
        Assignment.objects.bulk_create(
            Assignment(point=points[n % 6], node=node, post="科长" if n % 2 else "")
            for n, node in enumerate(nodes)
        )
        Warning.objects.bulk_create(
            Warning(
                model_id="vendor_employee_link",
                fingerprint=f"bench{k}",
                subject_id=f"R{(k * 7) % cadres:012d}00000" if k % 10 == 0 else f"V{k:017d}",
                subject_name=f"供应商{k}",
                unit=nodes[(k * 7) % cadres % units],
                severity="yellow",
                match_method="exact",
            )
            for k in range(2000)
        )
    print(f"built in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--cadres", type=int, default=20_000)
    args = parser.parse_args()
    setup_django(ROOT / "bench" / "out" / f"risks-{args.units}-{args.cadres}")
    from oversight.loop import timing
    from oversight.risks import rules, services
    from oversight.risks.models import Reminder, RiskRule

    on = timing.today()
    build(args.units, args.cadres, random.Random(19), on)
    print(describe())
    print(f"{args.units} units, {args.cadres} cadres, {args.cadres * 5} relatives, on {on}")
    for rule in RiskRule.objects.filter(active=True).order_by("code"):
        start = time.perf_counter()
        hits = rules.hits_of(rule, on)
        print(f"{rule.code} {rule.kind}: {len(hits)} cases in {time.perf_counter() - start:.2f} s")
    before = Reminder.objects.count()
    start = time.perf_counter()
    report = services.rules_run(on=on)
    first = time.perf_counter() - start
    print(f"first run: {len(report.fired)} reminders fired ({before} before) in {first:.1f} s")
    start = time.perf_counter()
    report = services.rules_run(on=on)
    print(f"second run: {len(report.fired)} fired in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

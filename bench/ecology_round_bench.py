"""Political-ecology rounds end to end (issue 22's targets): 600 units and 3,000 leaders (five
leading posts a unit), the demo's unit system (7 aspects, 84 leaves, a third fed by platform
measures) and leader system (6 aspects, 54 leaves), one rater's sheet for every manual leaf of
every subject, then ``rounds.round_compute`` for each round timed — reading the measures, the
raters, the score engine, ranks and writing every portrait — and the portrait page's p50/p95
through Django's client as the commission sees it.

    .venv/bin/python bench/ecology_round_bench.py                 # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/ecology_round_bench.py
    .venv/bin/python bench/ecology_round_bench.py --units 60      # a quicker run

The engine alone (every rule type, 93 × 600 and 50 × 3,000) is ``bench/ecology_bench.py``.
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
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'ecology-round-bench.sqlite3'}")
    from duties_bench import setup_django

    setup_django(out)


def build(units: int, rng: random.Random, on: datetime.date):
    from django.core.management import call_command
    from django.db import transaction

    from oversight.ecology import demo, rounds
    from oversight.ecology.models import EvaluationRound
    from oversight.orgs import services as org_services
    from oversight.orgs.models import Account, Person, Position, Role

    call_command("migrate", verbosity=0)
    if EvaluationRound.objects.exists():
        return list(EvaluationRound.objects.order_by("pk"))
    started = time.perf_counter()
    with transaction.atomic():
        county = org_services.node_create(name="County", code="E", type="district", parent=None)
        commission = org_services.node_create(
            name="Commission", code="E-JW", type="commission", parent=county
        )
        nodes = [
            org_services.node_create(
                name=f"Unit {n:03d}", code=f"E-U{n:03d}", type="unit" if n % 5 else "town",
                parent=county,
            )
            for n in range(units)
        ]  # fmt: skip
        people = Person.objects.bulk_create(
            Person(name=f"领导{n}", resident_id=f"E{n:017d}", gender="M",
                   birth_date=datetime.date(1972, 1, 1), org_node=nodes[n // 5])
            for n in range(units * 5)
        )  # fmt: skip
        Position.objects.bulk_create(
            Position(person=p, org_node=p.org_node, title="副局长", is_leader=True,
                     start_date=datetime.date(2020, 1, 1))
            for p in people
        )  # fmt: skip
        role = Role.objects.create(
            key="bench-eco", name="bench-eco", data_scope=Role.Scope.ALL,
            permissions=["ecology:system:view", "ecology:system:edit", "ecology:round:run",
                         "ecology:rating:enter"],
        )  # fmt: skip
        sup = Account.objects.create(username="bench-supervisor", org_node=commission)
        sup.roles.add(role)
        sup.__dict__.pop("_perm_codes", None)
        made = []
        for subject, aspects, title in (
            ("unit", demo.UNIT_ASPECTS, "领导班子政治生态评价指标体系"),
            ("leader", demo.LEADER_ASPECTS, "领导干部政治生态评价指标体系"),
        ):
            system = demo._system(
                sup, commission, subject=subject, year=on.year, title=title, aspects=aspects,
                per_topic=3, rng=rng,
            )  # fmt: skip
            made.append(rounds.round_create(actor=sup, system=system, title=title, units=nodes))
    for round_ in made:
        leaves = list(round_.system.indicators.filter(source="manual").order_by("code"))
        subjects = (
            rounds.leaders_of(nodes, on)
            if round_.system.subject == "leader"
            else [(u, None) for u in nodes]
        )
        rows = [
            (leaf, node, person, Decimal(rng.randrange(60, 100)), "台账齐全")
            for node, person in subjects
            for leaf in leaves
        ]
        rounds.ratings_save_many(actor=sup, round_=round_, rows=rows)
    print(f"built {units} units, {len(people):,} leaders, ratings in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup(ROOT / "bench" / "out")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from oversight.ecology import rounds
    from oversight.ecology.models import Portrait
    from oversight.loop import timing
    from oversight.orgs.models import Account

    on = datetime.date(2026, 11, 16)
    timing.today = lambda: on
    made = build(args.units, random.Random(22), on)
    print(f"machine: {describe()}")
    print(f"database: {connection.vendor}")
    sup = Account.objects.get(username="bench-supervisor")
    total = 0.0
    for round_ in made:
        leaves = round_.system.indicators.exclude(rule="").count()
        started = time.perf_counter()
        portraits = rounds.round_compute(actor=sup, round_=round_, on=on)
        elapsed = time.perf_counter() - started
        total += elapsed
        print(f"{round_.system.subject:<7} round: {len(portraits):,} portraits × {leaves} "
              f"leaves computed and written in {elapsed:.1f} s")  # fmt: skip
    print(f"both rounds: {total:.1f} s (target < 60 s)")
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(sup)
    for subject in ("unit", "leader"):
        portrait = Portrait.objects.filter(round__system__subject=subject).order_by("pk")[7]
        url = f"/ecology/portraits/{portrait.pk}/"
        client.get(url)
        timings = []
        for _n in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, response.status_code
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"portrait page ({subject}): p50 {statistics.median(timings):.1f} ms, "
              f"p95 {p95:.1f} ms ({args.repeat} requests)")  # fmt: skip


if __name__ == "__main__":
    main()

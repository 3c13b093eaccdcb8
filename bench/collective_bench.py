"""Village collective funds and assets (三资) at a county's scale: 300 villages in 15 towns,
10 years of monthly accounts (8 entries a month: 288,000 entries) with every month's statement
published, 50,000 assets and resources (about two thirds leased, a third of those re-let once:
about 50,000 contracts, the current ones shown on the public page) and a year of subsidies and
pensions paid (about 36,000).

Entries, assets, contracts, payouts and the statements of all but the last month are
bulk-created (a statement's totals computed as ``statement_publish`` computes them, but not
fixed in the ledger, so those months show no receipt link); the last month of every village is
published through ``statement_publish`` (fixed, with its receipt).

Then the public village page ``/p/collective/<code>/`` for random villages through Django's
test client: serially (latency p50/p95/p99, and the rate one process sustains), and open-loop
at ``--rate`` requests/s from ``--threads`` threads of this one process (latency counted from
when each request was due, so queueing shows).

    .venv/bin/python bench/collective_bench.py                  # SQLite file under bench/out/
    DATABASE_URL=postgres://... .venv/bin/python bench/collective_bench.py
    .venv/bin/python bench/collective_bench.py --villages 20 --assets 3000 --requests 200
    .venv/bin/python bench/collective_bench.py --profile       # cProfile of 200 page views

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import queue
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

TODAY = datetime.date(2026, 11, 16)
TOWNS, YEARS, ENTRIES_PER_MONTH, PAYOUTS_PER_MONTH = 15, 10, 8, 10
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["秀英", "桂兰", "建国", "志强", "小明", "春花", "德福", "玉兰", "国庆", "海燕", "文", "军"]
ASSET_KINDS = [("land", "mu"), ("forest", "mu"), ("water", "mu"), ("building", "m2"),
               ("equipment", "piece")]  # fmt: skip


def setup(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{out / 'collective-bench.sqlite3'}")
    from duties_bench import setup_django

    setup_django(out)


def months(today: datetime.date, count: int) -> list[str]:
    """The ``count`` months that ended before ``today``, oldest first."""
    year, month = today.year, today.month
    found = []
    for _n in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(f"{year}-{month:02d}")
    return found[::-1]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build(villages: int, assets: int, rng: random.Random) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from oversight.collective import services
    from oversight.collective.models import Asset, Collective, Contract, Entry, Payout, Statement
    from oversight.orgs import services as org_services
    from oversight.orgs.models import Account, Role

    call_command("migrate", verbosity=0)
    if Statement.objects.exists():
        return
    if Collective.objects.exists():
        sys.exit("an unfinished database: remove it (bench/out/collective-bench.sqlite3)")
    started = time.perf_counter()
    all_months = months(TODAY, 12 * YEARS)
    categories = [c for c, _label in Entry.Category.choices]
    with transaction.atomic():
        county = org_services.node_create(name="县", code="CB", type="district", parent=None)
        commission = org_services.node_create(
            name="县纪委监委", code="CB-JW", type="commission", parent=county
        )
        towns = [
            org_services.node_create(name=f"第{t + 1}镇", code=f"CB-T{t:02d}", type="town", parent=county)
            for t in range(TOWNS)
        ]  # fmt: skip
        nodes = [
            org_services.node_create(
                name=f"第{v + 1}村", code=f"CB-V{v:03d}", type="village", parent=towns[v % TOWNS]
            )
            for v in range(villages)
        ]  # fmt: skip
        collectives = Collective.objects.bulk_create(
            Collective(node=node, name=f"{node.name}股份经济合作社") for node in nodes
        )
        role = Role.objects.create(
            key="bench-book", name="bench-book", data_scope=Role.Scope.ALL,
            permissions=["collective:view", "collective:record"],
        )  # fmt: skip
        keeper = Account.objects.create(username="bench-bookkeeper", org_node=commission)
        keeper.roles.add(role)
        # The accounts: 8 entries a month, every month of ten years; each month but the last
        # published as statement_publish would (its totals), without the ledger's fixing.
        statements = []
        for collective in collectives:
            entries = []
            for month in all_months:
                year, number = (int(p) for p in month.split("-"))
                income = expense = Decimal(0)
                for _k in range(ENTRIES_PER_MONTH):
                    category = rng.choice(categories)
                    amount = Decimal(rng.randrange(100, 2_000_000)) / 100
                    if category in Entry.INCOME_CATEGORIES:
                        income += amount
                    else:
                        expense += amount
                    entries.append(
                        Entry(
                            collective=collective, month=month,
                            booked_on=datetime.date(year, number, rng.randrange(1, 29)),
                            category=category, amount=amount, summary="村集体收支",
                            counterparty=_name(rng), approved_by=_name(rng),
                            voucher=f"{month}-{_k:03d}",
                        )
                    )  # fmt: skip
                if month != all_months[-1]:
                    due = datetime.date(year + (number == 12), number % 12 + 1, 10)
                    statements.append(
                        Statement(
                            collective=collective, month=month, due=due,
                            published_on=due - datetime.timedelta(days=rng.randrange(0, 8)),
                            income=income, expense=expense,
                        )
                    )  # fmt: skip
            Entry.objects.bulk_create(entries, batch_size=2000)
        Statement.objects.bulk_create(statements, batch_size=2000)
        # 50,000 assets, unevenly spread; two thirds leased, a third of those re-let once.
        weights = [rng.uniform(0.3, 1.7) for _c in collectives]
        owners = rng.choices(collectives, weights=weights, k=assets)
        numbered: dict[int, int] = {}
        rows = []
        for collective in owners:
            numbered[collective.pk] = n = numbered.get(collective.pk, 0) + 1
            kind, unit = rng.choice(ASSET_KINDS)
            rows.append(
                Asset(
                    collective=collective, code=f"ZC{n:05d}", name=f"{n}号{kind}",
                    kind=kind, unit=unit, area=Decimal(rng.randrange(100, 50_000)) / 100,
                    value=Decimal(rng.randrange(1_000, 5_000_000)),
                    registered_on=datetime.date(rng.randrange(2000, 2026), rng.randrange(1, 13), 1),
                    status="leased" if rng.random() < 2 / 3 else "registered",
                )
            )  # fmt: skip
        rows = Asset.objects.bulk_create(rows, batch_size=2000)
        contracts, numbers = [], {}
        for asset in rows:
            if asset.status != "leased":
                continue
            terms = 2 if rng.random() < 1 / 3 else 1
            ends = TODAY + datetime.timedelta(days=rng.randrange(30, 3000))
            for _t in range(terms):
                starts = ends - datetime.timedelta(days=365 * rng.randrange(1, 6))
                numbers[asset.collective_id] = n = numbers.get(asset.collective_id, 0) + 1
                contracts.append(
                    Contract(
                        collective_id=asset.collective_id, asset=asset, number=f"HT{n:05d}",
                        counterparty=_name(rng), starts_on=starts, ends_on=ends, area=asset.area,
                        yearly_rent=Decimal(rng.randrange(500, 200_000)), approved_by=_name(rng),
                    )
                )  # fmt: skip
                ends = starts - datetime.timedelta(days=1)
        Contract.objects.bulk_create(contracts, batch_size=2000)
        kinds = [k for k, _label in Payout.Kind.choices]
        Payout.objects.bulk_create(
            (
                Payout(collective=collective, month=month, kind=rng.choice(kinds),
                       beneficiary=_name(rng), amount=Decimal(rng.randrange(5_000, 300_000)) / 100)
                for collective in collectives
                for month in all_months[-12:]
                for _p in range(PAYOUTS_PER_MONTH)
            ),
            batch_size=2000,
        )  # fmt: skip
    print(f"bulk-created in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    for collective in collectives:  # the last month, through the service (fixed in the ledger)
        services.statement_publish(
            actor=keeper, collective=collective, month=all_months[-1], on=TODAY
        )
    print(f"{len(collectives)} statements published through statement_publish in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def percentiles(timings: list[float]) -> str:
    timings = sorted(timings)

    def at(share: float) -> float:
        return timings[min(len(timings) - 1, max(0, round(len(timings) * share) - 1))]

    return (f"p50 {statistics.median(timings):6.1f} ms   p95 {at(0.95):6.1f} ms   "
            f"p99 {at(0.99):6.1f} ms   max {timings[-1]:6.1f} ms")  # fmt: skip


def serial(codes: list[str], count: int, rng: random.Random) -> None:
    from django.test import Client

    client = Client()
    timings = []
    started, cpu = time.perf_counter(), time.process_time()
    for _n in range(count):
        t = time.perf_counter()
        response = client.get(f"/p/collective/{rng.choice(codes)}/")
        timings.append(1000 * (time.perf_counter() - t))
        assert response.status_code == 200, response.status_code
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"serial, one client: {count} requests in {elapsed:.1f} s = {count / elapsed:.0f} requests/s; "
          f"{percentiles(timings)}")  # fmt: skip
    # What a request costs the processor (this process: the client's share included), and so
    # how many requests/s a core could serve were it free.
    print(
        f"CPU per request {1000 * cpu / count:.1f} ms: {count / cpu:.0f} requests/s per free core"
    )


def open_loop(codes: list[str], count: int, rate: float, threads: int, rng: random.Random) -> None:
    """``count`` requests due at ``rate`` a second, served by ``threads`` threads; a request's
    latency runs from when it was due, so a backlog counts."""
    from django.db import connection
    from django.test import Client

    jobs: queue.Queue = queue.Queue()
    timings: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    for n in range(count):
        jobs.put((start + n / rate, f"/p/collective/{rng.choice(codes)}/"))

    def work() -> None:
        client = Client()
        try:
            while True:
                try:
                    due, url = jobs.get_nowait()
                except queue.Empty:
                    return
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                response = client.get(url)
                done = 1000 * (time.perf_counter() - due)
                with lock:
                    timings.append(done)
                    if response.status_code != 200:
                        failures.append(response.status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    print(f"open loop, {rate:.0f} requests/s due, {threads} threads of one process: {count} requests "
          f"in {elapsed:.1f} s = {count / elapsed:.0f} requests/s achieved; {percentiles(timings)}; "
          f"{len(failures)} not 200")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup(ROOT / "bench" / "out")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from oversight.collective.models import Asset, Collective, Contract, Entry, Payout, Statement
    from oversight.loop import timing

    timing.today = lambda: TODAY
    build(args.villages, args.assets, random.Random(21))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    settings.ALLOWED_HOSTS = ["*"]
    print(f"machine: {describe()}")
    print(f"database: {connection.vendor}; DEBUG {settings.DEBUG}; villages {Collective.objects.count()}, "
          f"entries {Entry.objects.count():,}, statements {Statement.objects.count():,} "
          f"({Statement.objects.filter(ledger_index__isnull=False).count()} fixed), "
          f"assets {Asset.objects.count():,}, contracts {Contract.objects.count():,} "
          f"({Contract.objects.filter(starts_on__lte=TODAY, ends_on__gte=TODAY).count():,} in force), "
          f"payouts {Payout.objects.count():,}")  # fmt: skip
    codes = list(Collective.objects.values_list("node__code", flat=True))
    rng = random.Random(7)
    client = Client()
    for code in codes[:20]:  # warm
        assert client.get(f"/p/collective/{code}/").status_code == 200
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _n in range(200):
            client.get(f"/p/collective/{rng.choice(codes)}/")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        return
    serial(codes, args.requests, rng)
    if args.rate:
        open_loop(codes, args.requests, args.rate, args.threads, rng)


if __name__ == "__main__":
    main()

"""Demo: ten villages' collectives with a year of accounts (each month published, a few
late), about 200 assets, contracts (some expiring, some underpriced), pensions and subsidies
paid, and a roster; the contract check run once, so anomalies wait for the towns."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import Collective, Entry

ALL = ["collective:view", "collective:record", "collective:anomaly:supervise"]
EXTRA_PERMISSIONS = {"leader": ["collective:view"], "supervisor": ALL, "town_officer": ALL}
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "玉梅", "德明", "小红", "文华", "春生"]


def _months_before(day: datetime.date, count: int) -> list[tuple[int, int]]:
    year, month = day.year, day.month
    found = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append((year, month))
    return list(reversed(found))


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if Collective.objects.exists():
        return
    actor = Account.objects.get(username="supervisor")
    actor.__dict__.pop("_perm_codes", None)
    today = timing.today()
    villages = list(
        OrgNode.objects.filter(type=OrgNode.Type.VILLAGE, is_active=True).order_by("code")[:10]
    )
    categories = list(Entry.Category.values)
    for v, village in enumerate(villages):
        collective = services.collective_save(
            actor=actor, node=village, name=f"{village.name}股份经济合作社"
        )
        for year, month in _months_before(today, 12):
            for n in range(6):
                services.entry_add(
                    actor=actor,
                    collective=collective,
                    booked_on=datetime.date(year, month, 3 + n * 4),
                    category=categories[(n + month) % len(categories)],
                    amount=Decimal(rng.randint(200, 20000)),
                    summary=f"{month}月第{n + 1}笔",
                    payment="cash" if rng.random() < 0.1 else "transfer",
                )
            due = services.statement_due(f"{year}-{month:02d}")
            late = rng.random() < 0.15
            services.statement_publish(
                actor=actor,
                collective=collective,
                month=f"{year}-{month:02d}",
                on=due + datetime.timedelta(days=3 if late else -2),
            )
            services.payout_add(
                actor=actor,
                collective=collective,
                month=f"{year}-{month:02d}",
                kind="pension",
                beneficiary=rng.choice(SURNAMES) + rng.choice(GIVEN),
                amount=Decimal(200),
            )
        for n in range(20):
            kind, unit = ("land", "mu") if n < 14 else ("building", "m2")
            area = Decimal(rng.randint(5, 60)) if unit == "mu" else Decimal(rng.randint(80, 400))
            asset = services.asset_register(
                actor=actor,
                collective=collective,
                code=f"ZC-{n + 1:03d}",
                name=f"{'地块' if unit == 'mu' else '厂房'}{n + 1}号",
                kind=kind,
                area=area,
                unit=unit,
                registered_on=today - datetime.timedelta(days=700),
            )
            if n % 3 == 2:
                continue
            per_unit = Decimal(600) if unit == "mu" else Decimal(120)
            if (v + n) % 17 == 0:
                per_unit = per_unit * Decimal("0.3")  # underpriced
            ends = today + datetime.timedelta(days=10 + n * 25 if n % 5 else 15)
            services.contract_add(
                actor=actor,
                asset=asset,
                number=f"HT-{n + 1:03d}",
                counterparty=rng.choice(SURNAMES) + rng.choice(GIVEN),
                starts_on=today - datetime.timedelta(days=400),
                ends_on=ends,
                area=area,
                yearly_rent=(per_unit * area * Decimal(rng.uniform(0.9, 1.1))).quantize(
                    Decimal("1")
                ),
            )
        for n in range(5):
            services.member_add(
                actor=actor,
                collective=collective,
                name=rng.choice(SURNAMES) + GIVEN[n],
                resident_id=f"41018419{60 + n}0101{v:02d}{n}X"[:17] + "X",
                phone=f"1380000{v:02d}{n:02d}",
            )
    report = services.contracts_check(on=today)
    if stdout is not None:
        stdout.write(f"collective: {len(villages)} collectives, {len(report.anomalies)} anomalies")

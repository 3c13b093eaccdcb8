"""Demo: ten villages' collectives with a year of accounts (each month published, a few
late), about 200 assets, contracts (some expiring, some underpriced), pensions and subsidies
paid, and a roster; the contract check run once, so anomalies wait for the towns. The first
villages have a clerk's account (username: the village's code in lower case) who proposed
reimbursements and asset steps, reviewed by the town: a few in each state."""

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
EXTRA_PERMISSIONS = {
    "leader": ["collective:view"],
    "supervisor": ALL,
    "town_officer": [*ALL, "collective:review"],
}
CLERK_ROLE = "village_clerk"
CLERK_PERMISSIONS = ["collective:view", "collective:record", "loop:item:view", "loop:item:handle"]
CLERK_VILLAGES = 3
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a placeholder scan of an invoice
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
    proposals = _reviews(rng, villages[:CLERK_VILLAGES], today)
    if stdout is not None:
        stdout.write(
            f"collective: {len(villages)} collectives, {len(report.anomalies)} anomalies, "
            f"{proposals} reimbursements and asset steps"
        )


def _scan(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _clerk(village: OrgNode) -> Account:
    from oversight.core.demo import DEMO_PASSWORD
    from oversight.orgs import services as orgs
    from oversight.orgs.models import Role

    role = Role.objects.filter(key=CLERK_ROLE).first() or orgs.role_save(
        role=None,
        key=CLERK_ROLE,
        name="村报账员",
        permissions=CLERK_PERMISSIONS,
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
    )
    username = village.code.lower()
    existing = Account.objects.filter(username=username).first()
    if existing is not None:
        # the village's liaison of the disclosure demo keeps the collective's books too
        from oversight.orgs.demo import grant_permissions

        grant_permissions({r.key: CLERK_PERMISSIONS for r in existing.roles.all()})
        existing.__dict__.pop("_perm_codes", None)
        return existing
    return orgs.account_save(
        account=None,
        username=username,
        display_name=f"{village.name}报账员",
        org_node=village,
        person=None,
        roles=[role],
        password=DEMO_PASSWORD,
    )


def _reviewer(village: OrgNode) -> Account | None:
    from oversight.orgs.access import has_perm

    for account in Account.objects.filter(org_node_id=village.parent_id, is_active=True):
        if has_perm(account, "collective:review"):
            return account
    return None


def _reviews(rng: random.Random, villages: list[OrgNode], today: datetime.date) -> int:
    """Each clerk's village: reimbursements proposed (awaiting the town), returned, approved,
    refused and approved after a return; asset steps approved, awaiting and returned. Without
    a reviewing account at the town, the proposals wait."""
    from oversight.loop.services import item_transition

    count = 0
    purposes = [
        ("修缮村部屋顶材料费", "operating_cost", "1860.00"),
        ("村道路灯电费", "admin_cost", "420.50"),
        ("困难户慰问品", "public_welfare", "960.00"),
        ("村委会办公用品", "admin_cost", "3280.00"),
        ("水渠清淤人工费", "operating_cost", "2400.00"),
    ]
    plans = [[], ["return"], ["approve"], ["refuse"], ["return", "repropose", "approve"]]
    for village in villages:
        collective = Collective.objects.get(node=village)
        clerk = _clerk(village)
        reviewer = _reviewer(village)
        for n, ((purpose, category, amount), plan) in enumerate(zip(purposes, plans, strict=True)):
            reimbursement = services.reimbursement_propose(
                actor=clerk,
                collective=collective,
                payee=rng.choice(SURNAMES) + rng.choice(GIVEN),
                purpose=purpose,
                amount=Decimal(amount),
                category=category,
                spent_on=today - datetime.timedelta(days=3 + 4 * n),
                files=[_scan(f"invoice-{n + 1}.png")],
            )
            count += 1
            for step in plan if reviewer is not None else []:
                actor = clerk if step == "repropose" else reviewer
                comment = {
                    "return": "发票抬头与村集体名称不符，请更正后重新提交。",
                    "refuse": "不属于村级集体开支范围。",
                    "repropose": "已更换正确发票。",
                }.get(step, "")
                item_transition(item=reimbursement.item, name=step, actor=actor, comment=comment)
        assets = {
            a.code: a for a in collective.assets.filter(code__in=["ZC-003", "ZC-006", "ZC-009"])
        }
        steps = [
            ("ZC-003", "maintenance", "屋面防水维修，村民代表会议同意", ["approve"]),
            ("ZC-006", "disposal", "危房拆除处置，经村民代表会议表决", []),
            ("ZC-009", "registration", "补办登记，附权属证明", ["approve"]),
            ("ZC-009", "inventory", "年度清查盘点", ["return"]),
        ]
        for code, kind, detail, plan in steps:
            if code not in assets:
                continue
            row = services.asset_step_propose(
                actor=clerk,
                asset=assets[code],
                step=kind,
                detail=detail,
                done_on=today - datetime.timedelta(days=5),
                amount=assets[code].value if kind == "inventory" else None,
                files=[_scan(f"{code}-{kind}.png")],
            )
            count += 1
            for step in plan if reviewer is not None else []:
                comment = "缺少盘点表签字页。" if step == "return" else ""
                item_transition(item=row.item, name=step, actor=reviewer, comment=comment)
    return count

"""Comparison models in the demo county: a small synthetic county's data with planted cases,
renamed to 清河县's own towns and bureaus, the county's real cadres taken from the org data,
two planted cases about real cadres, one completed run, and a few warnings worked: clues in
different states of disposal, one dismissed, and an upload waiting for a decision.

Deterministic for a seed and idempotent: a second build changes nothing. Everything is done in
the caller's process (no job queue), in a few seconds.
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
from datetime import date
from pathlib import Path

from django.core.files import File

from oversight.lib import resident_id as rid
from oversight.loop import services as loop
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode, Person

from . import services
from .engine import synthetic
from .models import DataSource, ImportRun, Warning

PERMISSIONS = {
    "supervisor": [
        "analytics:source:edit", "analytics:model:view", "analytics:model:edit",
        "analytics:run:start", "analytics:warning:view", "analytics:warning:export",
        "analytics:warning:dispose", "analytics:clue:propose", "analytics:unit:assign",
        "loop:item:view",
    ],
    "leader": [
        "analytics:model:view", "analytics:warning:view", "analytics:warning:export",
        "analytics:clue:endorse", "analytics:clue:approve", "loop:item:view",
    ],
    "stationed_officer": ["analytics:warning:view"],
    "town_officer": ["analytics:warning:view", "analytics:warning:export"],
}  # fmt: skip

# The synthetic county's towns and bureaus, renamed to the demo county's own.
DEMO_TOWNS = ["城关镇", "东关街道", "西关街道", "柳林镇", "王庄镇", "河西乡", "北营镇", "南屯乡",
              "马集镇", "石桥乡"]  # fmt: skip
UNITS = {
    "县人社局": "县人力资源和社会保障局", "县卫健委": "县卫生健康局", "县住建局": "县住房和城乡建设局",
    "县交通局": "县交通运输局", "县自然资源局": "县自然资源和规划局", "县医保局": "县医疗保障局",
    "县市场监管局": "县市场监督管理局", "县城管局": "县城市管理综合行政执法局",
    "县文旅局": "县文化广电和旅游局", "县应急局": "县应急管理局", "县退役军人局": "县退役军人事务局",
    "县实验小学": "县第一中学",
}  # fmt: skip

# dataset kind → (source code, name, owning unit)
SOURCES = {
    "residents": ("public-security-residents", "户籍人口（县公安局）", "县公安局"),
    "cadres": ("organization-cadres", "干部名册（县委组织部报送）", "中共清河县委员会"),
    "cadre_relatives": ("cadre-relatives", "干部亲属（个人有关事项报告）", "中共清河县委员会"),
    "deaths": ("civil-affairs-deaths", "死亡人员（民政、公安、卫健汇总）", "县民政局"),
    "payroll": ("finance-payroll", "财政供养人员（县财政局）", "县财政局"),
    "benefit_programs": ("benefit-programs", "惠民惠农补贴项目目录", "县财政局"),
    "benefit_payments": ("benefit-payments", "惠民惠农补贴发放明细（“一卡通”）", "县财政局"),
    "party_members": ("party-members", "党员名册", "中共清河县委员会"),
    "vendors": ("market-vendors", "供应商登记信息（县市场监督管理局）", "县市场监督管理局"),
    "vendor_shareholders": ("market-shareholders", "供应商股东（县市场监督管理局）", "县市场监督管理局"),
    "contracts": ("procurement-contracts", "政府采购合同", "县财政局"),
    "contract_payments": ("procurement-payments", "合同付款记录", "县财政局"),
    "expenses": ("finance-expenses", "费用报销及发票", "县财政局"),
    "medical_claims": ("medical-claims", "医保结算明细（县医疗保障局）", "县医疗保障局"),
    # the money trail: the subsidy lists the villages published, as the commission collected them
    "disclosed_subsidies": ("village-subsidy-notices", "村级补贴公示名单（三务公开采集）", "清河县纪委监委"),
}  # fmt: skip


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _renames() -> dict[str, str]:
    names = dict(UNITS)
    for i, town in enumerate(synthetic.TOWNS):
        demo_town = DEMO_TOWNS[i % len(DEMO_TOWNS)]
        names[town] = demo_town
        names[f"{town}人民政府"] = demo_town
    return names


def _rename_files(county) -> None:
    """Rename towns and units in every file in one pass (longest names first, no chains)."""
    names = _renames()
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    for path in county.files.values():
        text = path.read_text(encoding="utf-8")
        path.write_text(pattern.sub(lambda m: names[m.group(0)], text), encoding="utf-8")


def _append(path: Path, rows: list[dict]) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


def _plant_real_cadres(county, rng: random.Random) -> list[str]:
    """Two cases about real cadres of 城关镇: a wife receiving subsistence allowance, and a
    cadre on the payroll drawing it himself."""
    town = OrgNode.objects.get(code="QH-T01")
    people = list(
        Person.objects.filter(org_node__path__startswith=town.path, is_cadre=True).order_by("pk")
    )
    if len(people) < 2:
        return []
    husband, payee = people[rng.randrange(len(people))], people[0]
    if husband == payee:
        payee = people[1]
    wife_id = rid.make(
        area="130534", born=date(1955, 6, 1), sequence=rng.randrange(1000), male=False
    )
    wife = "赵秀兰"
    _append(county.files["cadre_relatives"], [
        {"cadre_id": husband.resident_id, "relative_id": wife_id, "relative_name": wife,
         "relative_birth_date": "1955-06-01", "relation": "配偶"},
    ])  # fmt: skip
    _append(county.files["payroll"], [
        {"resident_id": payee.resident_id, "name": payee.name, "unit": payee.org_node.name,
         "position": "干部", "start_date": "2015-03-01", "monthly_salary": "4800"},
    ])  # fmt: skip
    payments = []
    for month in range(1, 7):
        payments.append({"payment_id": f"QH-DEMO-{month:02d}-W", "program_code": "P01",
                         "resident_id": wife_id, "name": wife, "period": f"2024-{month:02d}",
                         "amount": "520", "town": "城关镇", "village": "张庄村"})  # fmt: skip
        payments.append({"payment_id": f"QH-DEMO-{month:02d}-P", "program_code": "P01",
                         "resident_id": payee.resident_id, "name": payee.name,
                         "period": f"2024-{month:02d}", "amount": "520", "town": "城关镇"})  # fmt: skip
    _append(county.files["benefit_payments"], payments)
    return [husband.name, payee.name]


def _import(source: DataSource, actor: Account, path: Path) -> ImportRun:
    with open(path, "rb") as handle:
        run = services.import_start(
            source=source, actor=actor, upload=File(handle, name=path.name), background=False
        )
    return services.import_stage(run_id=run.pk)


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(PERMISSIONS)
    if DataSource.objects.exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    leader = Account.objects.get(username="leader")
    nodes = {n.name: n for n in OrgNode.objects.filter(code__startswith="QH")}
    with tempfile.TemporaryDirectory() as directory:
        county = synthetic.generate(
            Path(directory) / "county", scale=0.002, seed=rng.randrange(10**6)
        )
        _rename_files(county)
        real = _plant_real_cadres(county, rng)
        for kind, (code, label, owner) in SOURCES.items():
            source = services.source_save(
                actor=supervisor, name=code, kind=kind, label=label,
                owner=nodes.get(owner, nodes["清河县纪委监委"]), mapping={},
            )  # fmt: skip
            run = _import(source, supervisor, county.files[kind])
            # The public-security register is the complete register of every town.
            register = {"areas": DEMO_TOWNS, "complete": True} if kind == "residents" else None
            services.import_accept(run=run, actor=supervisor, coverage=register, compare=False)
        org = services.source_save(
            actor=supervisor, name="org-cadres", kind="cadres", label="干部（平台组织人事数据）",
            owner=nodes["清河县纪委监委"], mapping={},
        )  # fmt: skip
        run = services.import_from_platform(source=org, actor=supervisor, background=False)
        services.import_stage(run_id=run.pk)
        services.import_accept(run=run, actor=supervisor, compare=False)
        # A second upload of deaths with bad rows, waiting for the officer's decision.
        late = Path(directory) / "死亡人员补报.csv"
        late.write_text(
            "公民身份号码,姓名,死亡日期\n"
            f"{rid.make(area='130534', born=date(1938, 2, 3), sequence=7)},钱大山,2025-11-02\n"
            "13053419380203007,钱小山,2025-11-02\n"
            f"{rid.make(area='130534', born=date(1941, 5, 9), sequence=8)},孙大海,2025-13-40\n",
            encoding="utf-8",
        )
        _import(DataSource.objects.get(name="civil-affairs-deaths"), supervisor, late)
    run = services.run_start(actor=supervisor, background=False)
    run = services.run_execute(run_id=run.pk)
    _work_warnings(supervisor, leader)
    _say(stdout, f"comparison models: {DataSource.objects.count()} sources, run #{run.pk} "
                 f"{run.status} in {run.seconds or 0:.1f} s, {Warning.objects.count()} warnings "
                 f"(planted about real cadres: {'、'.join(real)})")  # fmt: skip


def _work_warnings(supervisor: Account, leader: Account) -> None:
    """Clues in each state of disposal, and one warning dismissed."""
    office = supervisor.org_node
    red = list(Warning.objects.filter(severity="red").order_by("model_id", "fingerprint"))
    rest = list(Warning.objects.exclude(severity="red").order_by("model_id", "fingerprint"))
    chosen = (red + rest)[:6]
    if len(chosen) < 6:
        return
    plans = [
        ("verify", "拟开展初步核实，调取发放台账及银行流水。"),
        ("hold", "涉及事项正在审计，拟暂存待查。"),
        ("conclude", "经查为系统数据错误，拟予以了结。"),
        ("talk", "拟对相关经办人员进行谈话函询。"),
    ]
    for warning, (way, comment) in zip(chosen[:4], plans, strict=True):
        item = services.warning_to_clue(warning=warning, actor=supervisor, responsible_node=office)
        item = loop.item_transition(
            item=item, name=f"propose_{way}", actor=supervisor, comment=comment
        )
        if way == "talk":
            continue  # left waiting for the leader's review
        item = loop.item_transition(item=item, name=f"endorse_{way}", actor=leader)
        loop.item_transition(item=item, name=f"approve_{way}", actor=leader, comment="同意。")
    services.warning_to_clue(warning=chosen[4], actor=supervisor, responsible_node=office)
    services.warning_dismiss(
        warning=chosen[5], actor=supervisor, reason="经核对，该人员已于当月办理停发，属数据延迟。"
    )

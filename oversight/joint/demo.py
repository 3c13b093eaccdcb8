"""A joint supervision plan of the demo county: the commission leads the audit, finance and
justice bureaus over four towns' rural funds; each records findings (some kept to itself) and
hands some over to the department they belong to, in every state of a hand-over."""

from __future__ import annotations

import random
from datetime import timedelta

from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import Handover, JointFinding, Plan

MEMBER = ["joint:plan:view", "joint:finding:record"]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": ["joint:plan:view"],
    "supervisor": [
        *MEMBER,
        "joint:plan:edit",
        "documents:document:issue",
        "documents:document:view",
    ],
    "unit_clerk": MEMBER,
}
DEPARTMENTS = ["县审计局", "县财政局", "县司法局"]
FINDINGS = [
    "惠农补贴发放台账与银行流水不符",
    "村集体资金坐收坐支",
    "工程项目结算未经审计即付款",
    "同一供应商多次化整为零采购",
    "村务公开栏财务信息未按季度更新",
    "低保对象中有财政供养人员",
    "合同签订未经合法性审查",
    "集体资产出租未公开竞价",
]


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if Plan.objects.exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    commission = OrgNode.objects.get(code="QH-JW")
    departments = list(OrgNode.objects.filter(name__in=DEPARTMENTS, code__startswith="QH"))
    towns = list(
        OrgNode.objects.filter(type=OrgNode.Type.TOWN, code__startswith="QH").order_by("code")[:4]
    )
    officers = {
        a.org_node_id: a
        for a in Account.objects.filter(org_node__in=departments, roles__key="unit_clerk").order_by(
            "pk"
        )
    }
    today = timing.today()
    plan = services.plan_create(
        actor=supervisor,
        title=f"{today.year}年农村集体“三资”联合监督",
        lead=commission,
        members=departments,
        units=towns,
        themes="惠农补贴、村集体资金、工程项目",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    recorded: list[tuple[JointFinding, Account]] = []
    for department in departments:
        officer = officers.get(department.pk)
        if officer is None:
            continue
        for _k in range(rng.randrange(5, 9)):
            finding = services.finding_record(
                actor=officer,
                plan=plan,
                unit=rng.choice(towns),
                description=rng.choice(FINDINGS),
                shared=rng.random() < 0.8,
            )
            recorded.append((finding, officer))
    for n, (finding, officer) in enumerate(recorded[::3]):
        others = [d for d in departments if d.pk != finding.department_id and d.pk in officers]
        to = rng.choice(others)
        handover = services.handover(
            actor=officer,
            finding=finding,
            to_department=to,
            feedback_by=today + timedelta(days=rng.randrange(15, 40)),
        )
        receiver, item = officers[to.pk], handover.item
        if n % 4 >= 1:
            item = loop.item_transition(item=item, name="accept", actor=receiver)
        if n % 4 >= 2:
            item = loop.item_transition(
                item=item, name="report", actor=receiver, comment="已核实处理，结果反馈如下。"
            )
        if n % 4 == 3:
            loop.item_transition(item=item, name="confirm", actor=officer)
    # the lead's interim joint report, as of today, drawn from what the plan shares
    report = services.report_issue(actor=supervisor, plan=plan)
    if stdout is not None:
        stdout.write(
            f"joint plans: 1, findings: {JointFinding.objects.count()}, "
            f"hand-overs: {Handover.objects.count()}, joint report: {report.serial}"
        )

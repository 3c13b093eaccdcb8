"""About 60 major matters of the demo county, in every state, some overdue.

Each matter's story is played on the demo's history (``core.demo``): registered through the
loop's services on the day it happened, its tasks reported on, submitted and verified in the days
after, every step at its own time; then the periodic sweep sets their lights.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from oversight.core import demo
from oversight.core.demo import Story
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import Matter

TITLES = [
    "城区老旧小区改造",
    "农村人居环境整治",
    "县城污水管网建设",
    "义务教育学校扩容",
    "县医院新院区建设",
    "高标准农田建设",
    "乡村振兴示范村创建",
    "营商环境优化提升",
    "政务服务一网通办",
    "安全生产专项整治",
    "河湖长制落实",
    "森林防火责任落实",
    "食品安全城市创建",
    "养老服务体系建设",
    "重点项目征地拆迁",
    "信访积案化解",
    "粮食安全责任制考核",
    "耕地保护专项整治",
    "城乡供水一体化",
    "公共文化设施提升",
]
TASKS = [
    "制定实施方案",
    "完成项目立项",
    "资金拨付到位",
    "完成招标采购",
    "完成施工建设",
    "组织验收",
    "开展群众满意度调查",
    "建立长效机制",
    "整改问题清单",
    "报送工作总结",
]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": [
        "loop:item:view",
        "loop:item:instruct",
        "loop:item:export",
        "matters:matter:view",
        "documents:document:view",
    ],
    "supervisor": [
        "loop:item:view",
        "loop:item:supervise",
        "loop:item:extend",
        "loop:item:export",
        "matters:matter:view",
        "matters:matter:register",
        "matters:matter:close",
        "documents:document:view",
        "documents:document:issue",
        "documents:document:export",
    ],
    "stationed_officer": [
        "loop:item:view",
        "loop:item:supervise",
        "matters:matter:view",
        "documents:document:view",
        "documents:document:issue",
    ],
    "town_officer": ["loop:item:view", "loop:item:handle", "matters:matter:view"],
    "unit_clerk": ["loop:item:view", "loop:item:handle", "matters:matter:view"],
}


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions(EXTRA_PERMISSIONS)
        if Matter.objects.exists():
            return
        supervisor = Account.objects.get(username="supervisor")
        leader = Account.objects.get(username="leader")
        commission = OrgNode.objects.get(code="QH-JW")
        units = list(
            OrgNode.objects.filter(
                type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN], code__startswith="QH"
            ).order_by("code")
        )
        handlers = {
            a.org_node_id: a
            for a in Account.objects.filter(
                org_node__in=units, roles__key__in=["unit_clerk", "town_officer"]
            ).order_by("-pk")
        }
        people = Cast(supervisor, leader, commission, units, handlers)
        for n in range(60):
            age = rng.randrange(5, 160)  # days since the matter was registered
            past.story(past.present - timedelta(days=age, hours=-9), _matter(rng, n, age, people))

        def finish() -> None:
            loop.sweep()
            if stdout is not None:
                tasks = WorkItem.objects.filter(kind="matters.task").count()
                stdout.write(f"major matters: {Matter.objects.count()}, tasks: {tasks}")

        past.then(finish)


@dataclass(frozen=True)
class Cast:
    supervisor: Account
    leader: Account
    commission: OrgNode
    units: list[OrgNode]
    handlers: dict[int, Account]


def _matter(rng: random.Random, n: int, age: int, cast: Cast) -> Story:
    """One matter's story, from its registration ``age`` days ago: its tasks are reported on,
    submitted and verified in the days that follow."""
    units = cast.units
    step = timedelta(days=max(1, age // 12))
    lead = units[rng.randrange(len(units))]
    span = rng.randrange(30, 150)  # its time limit
    today = timing.today()
    matter = services.matter_register(
        actor=cast.supervisor,
        title=f"{TITLES[n % len(TITLES)]}（{2026 - n // 20}-{n % 20 + 1:02d}）",
        category=rng.choice(list(Matter.Category.values)),
        description="县委常委会研究部署，纳入年度督查督办事项。",
        source=f"县委常委会议纪要〔2026〕{n + 1}号",
        lead_node=lead,
        supervising_node=cast.commission,
        final_deadline=today + timedelta(days=span),
        priority=rng.choice([0, 0, 1, 2]),
        leader=cast.leader,
    )
    tasks = []
    for t in range(rng.randrange(2, 5)):
        task_lead = lead if t == 0 else units[rng.randrange(len(units))]
        assisting = [units[rng.randrange(len(units))] for _ in range(rng.randrange(0, 3))]
        due = today + timedelta(days=max(7, span - rng.randrange(0, 20)))
        task = services.task_add(
            actor=cast.supervisor,
            parent=matter.item,
            title=TASKS[(n + t) % len(TASKS)],
            description="",
            lead_node=task_lead,
            assisting_nodes=assisting,
            final_deadline=due,
            milestones=[("提交阶段性报告", due - timedelta(days=5))],
        )
        tasks.append((task, cast.handlers.get(task_lead.pk), rng.random()))
    for task, handler, fate in tasks:
        if handler is None or fate < 0.3:
            continue
        yield step
        loop.item_report_progress(
            item=task, actor=handler, percent=rng.choice([30, 50, 80]), comment="按计划推进中。"
        )
        if fate < 0.45:
            continue
        yield step
        loop.item_transition(item=task, name="submit", actor=handler, comment="已完成，请核实。")
        if fate < 0.6:
            continue
        yield step
        if fate < 0.7:
            loop.item_transition(
                item=task, name="return", actor=cast.supervisor, comment="佐证材料不全，请补充。"
            )
            continue
        loop.item_transition(item=task, name="verify", actor=cast.supervisor)
    item = WorkItem.objects.get(pk=matter.item_id)
    yield step
    if not item.children.filter(closed_at__isnull=True).exists() and rng.random() < 0.7:
        loop.item_transition(item=item, name="close", actor=cast.supervisor)
    if rng.random() < 0.3:
        loop.item_instruct(item=item, actor=cast.leader, text="务必按期保质完成，确保群众满意。")

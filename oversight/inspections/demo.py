"""Two patrol inspections (巡察) of the demo county, played on the demo's history:

- the first, about eleven months ago, finished: findings imported from the group's sheet, the
  feedback issued, tasks assigned, rectified, reported, verified or returned, some left
  overdue, every unit's two-month report signed by its head and accepted, and two months ago
  its look-back (回头看), which reopened some tasks found not really rectified;
- the second, about three months ago, in its two-month window: its feedback issued some weeks
  ago, immediate tasks (立行立改) done or overdue, the rest under way.

About 300 findings in all. Each unit's head (the person holding its top post) gets an account to
sign the report with. Every step is taken by the platform's services at its historical time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password

from oversight.core import demo
from oversight.core.demo import DEMO_PASSWORD, Story
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs import services as orgs
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode, Position, Role

from . import services
from .models import Finding, InspectedUnit, Round, Task

VIEW = ["inspections:round:view"]
HANDLE = [*VIEW, "inspections:report:sign", "loop:item:view", "loop:item:handle"]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": [*VIEW, "loop:item:view"],
    "supervisor": [
        *VIEW,
        "inspections:round:edit",
        "inspections:task:verify",
        "loop:item:view",
        "loop:item:supervise",
        "documents:document:view",
        "documents:document:issue",
    ],
    "stationed_officer": VIEW,
    "town_officer": HANDLE,
    "unit_clerk": HANDLE,
}
HEAD_TITLES = ["党委书记", "局长"]

PROBLEMS = {
    "political": ["贯彻落实上级重大决策部署不到位", "意识形态工作责任制落实不力", "“第一议题”制度执行不严格"],
    "party": ["基层党组织“三会一课”流于形式", "发展党员程序不规范", "党费收缴管理不规范"],
    "discipline": ["违规发放津贴补贴", "公务接待超标准", "公车私用问题时有发生", "会议室超标准配置"],
    "funds": ["专项资金拨付滞后", "村级财务票据不规范", "政府采购化整为零", "工程项目未经招标直接发包"],
    "personnel": ["干部选拔任用程序不规范", "干部档案审核不严", "编外人员管理混乱"],
    "service": ["群众办事“多头跑”问题未解决", "窗口服务态度差被投诉", "惠民政策落实“最后一公里”梗阻"],
    "other": ["安全生产隐患排查不彻底", "信访积案化解不力"],
}  # fmt: skip
MEASURES = [
    "制定专项整改方案，明确责任人和时限",
    "全面清理并追缴违规资金",
    "修订完善相关制度并组织学习",
    "开展专项自查，建立问题台账",
    "对相关责任人进行批评教育或问责",
    "建立长效机制并跟踪问效",
]


@dataclass
class Cast:
    supervisor: Account
    commission: OrgNode
    handlers: dict[int, Account]
    heads: dict[int, Account]


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions(EXTRA_PERMISSIONS)
        if Round.objects.exists():
            return
        supervisor = Account.objects.get(username="supervisor")
        commission = OrgNode.objects.get(code="QH-JW")
        units = list(
            OrgNode.objects.filter(
                type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN],
                code__startswith="QH",
                is_active=True,
            ).order_by("code")
        )
        handlers = {
            a.org_node_id: a
            for a in Account.objects.filter(
                org_node__in=units, roles__key__in=["unit_clerk", "town_officer"]
            ).order_by("-pk")
        }
        # the demo accounts clerk (县教育局) and town1 (城关镇) each see one inspected unit
        first = [u for u in units if u.code == "QH-U04"] + [u for u in units if u.type == "unit" and u.code != "QH-U04"][:4]  # fmt: skip
        second = [u for u in units if u.code == "QH-T01"] + [u for u in units if u.type == "town" and u.code != "QH-T01"][:2] + [u for u in units if u.type == "unit" and u not in first][:2]  # fmt: skip
        cast = Cast(supervisor, commission, handlers, _heads(first + second))
        present = past.present
        past.story(present - timedelta(days=335), _round(rng, cast, first, 1, finished=True))
        past.story(present - timedelta(days=75), _round(rng, cast, second, 2, finished=False))

        def finish() -> None:
            loop.sweep()
            if stdout is not None:
                stdout.write(
                    f"inspection rounds: {Round.objects.count()}, findings: "
                    f"{Finding.objects.count()}, rectification tasks: {Task.objects.count()}"
                )

        past.then(finish)


def _heads(nodes: list[OrgNode]) -> dict[int, Account]:
    """An account for each unit's head (the person in its top post), to sign its report with."""
    heads = {}
    password_hash = make_password(DEMO_PASSWORD)
    for node in nodes:
        post = (
            Position.objects.filter(
                org_node=node, title__in=HEAD_TITLES, end_date__isnull=True, is_leader=True
            )
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if post is None:
            continue
        username = f"{node.code.lower()}-head"
        account = Account.objects.filter(username=username).first()
        if account is None:
            role = Role.objects.get(key="town_officer" if node.type == "town" else "unit_clerk")
            account = orgs.account_save(
                account=None,
                username=username,
                display_name=post.person.name,
                org_node=node,
                person=post.person,
                roles=[role],
                password_hash=password_hash,
            )
        heads[node.pk] = account
    return heads


def _rows(rng: random.Random, nodes: list[OrgNode]) -> list[dict]:
    """The inspection group's sheet: 25 to 35 problems per unit."""
    rows, n = [], 2
    for node in nodes:
        for _k in range(rng.randrange(25, 36)):
            category = rng.choice(list(PROBLEMS))
            rows.append(
                {
                    "_row": n,
                    "unit": node.name,
                    "category": category,
                    "description": rng.choice(PROBLEMS[category]),
                    "evidence": f"巡察组谈话记录第{rng.randrange(1, 90)}号、调阅资料{rng.randrange(1, 40)}份",
                }
            )
            n += 1
    return rows


def _round(
    rng: random.Random, cast: Cast, nodes: list[OrgNode], number: int, *, finished: bool
) -> Story:
    today = timing.today()
    round_ = services.round_create(
        actor=cast.supervisor,
        kind=Round.Kind.PATROL,
        year=today.year,
        number=number,
        title=f"{today.year}年县委第{'一二'[number - 1]}轮巡察",
        inspecting_node=cast.commission,
        group=f"县委第{'一二三四五'[number - 1]}巡察组",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    units = [services.unit_add(actor=cast.supervisor, round=round_, node=node) for node in nodes]
    yield timedelta(days=35)
    services.findings_import(actor=cast.supervisor, round=round_, rows=_rows(rng, nodes))
    yield timedelta(days=7)
    for unit in units:
        services.feedback_record(
            actor=cast.supervisor,
            unit=unit,
            feedback_on=timing.today(),
            body="巡察组反馈了巡察发现的问题，请对照问题清单逐项整改，做到立行立改、真改实改。",
        )
    yield timedelta(days=3)
    today = timing.today()
    tasks: list[tuple[Task, float]] = []
    for finding in Finding.objects.filter(unit__round=round_).select_related("unit__node"):
        immediate = rng.random() < 0.25
        deadline = today + timedelta(
            days=rng.randrange(7, 28) if immediate else rng.randrange(40, 150)
        )
        task = services.task_assign(
            actor=cast.supervisor,
            finding=finding,
            measure=rng.choice(MEASURES),
            deadline=deadline,
            immediate=immediate,
        )
        tasks.append((task, rng.random()))
    # the unit works on its tasks; the inspecting body verifies, returns, or leaves them open
    for day in range(10, 200, 10):
        yield timedelta(days=10)
        today = timing.today()
        if not finished and day > 30:
            return
        for task, fate in tasks:
            item = WorkItem.objects.get(pk=task.item_id)
            handler = cast.handlers.get(task.node_id)
            if handler is None or not item.is_open or fate < 0.08:
                continue  # never started: overdue in the end
            # most report a fortnight before the deadline, a quarter of them late
            horizon = task.deadline + timedelta(days=10 if fate < 0.25 else -15)
            if item.state == "assigned":
                loop.item_transition(item=item, name="start", actor=handler)
            elif item.state == "rectifying" and today >= horizon:
                if fate < 0.15 and finished:
                    continue  # stuck: rectifying past the deadline
                loop.item_transition(
                    item=item,
                    name="report",
                    actor=handler,
                    comment=f"已{rng.choice(MEASURES)}，相关佐证材料已上传。",
                )
            elif item.state == "reported":
                if fate < 0.3 and not item.events.filter(transition="return").exists():
                    loop.item_transition(
                        item=item,
                        name="return",
                        actor=cast.supervisor,
                        comment="整改不到位，佐证材料不足，请继续整改。",
                    )
                elif fate > 0.35 or finished:
                    loop.item_transition(item=item, name="verify", actor=cast.supervisor)
        if day == 50:
            for unit in InspectedUnit.objects.filter(round=round_).select_related("report_item"):
                _report(cast, unit)
    if finished:
        yield timedelta(days=40)
        _lookback(rng, cast, round_)


def _report(cast: Cast, unit: InspectedUnit) -> None:
    """The two-month report: written by the unit, signed by its head, accepted."""
    handler, head = cast.handlers.get(unit.node_id), cast.heads.get(unit.node_id)
    item = unit.report_item
    if handler is None or head is None or item is None or not item.is_open:
        return
    item = loop.item_transition(
        item=item,
        name="submit",
        actor=handler,
        comment="本单位巡察整改情况报告及主要负责人履行整改第一责任人职责情况报告。",
    )
    item = loop.item_transition(item=item, name="sign", actor=head)
    loop.item_transition(item=item, name="accept", actor=cast.supervisor)


def _lookback(rng: random.Random, cast: Cast, round_: Round) -> None:
    """The look-back of the finished round: funds and personnel (high risk), tasks closed in the
    last five days before their deadline, and a tenth of the rest; about one in five drawn is
    found not really rectified and reopens, most are confirmed, a few wait."""
    lookback = services.lookback_draw(
        actor=cast.supervisor,
        round=round_,
        categories=["funds", "personnel"],
        last_days=5,
        random_share=10,
    )
    today = timing.today()
    for check in lookback.checks.order_by("pk"):
        fate = rng.random()
        if fate < 0.1:
            continue
        if fate < 0.3:
            services.check_decide(
                actor=cast.supervisor,
                check=check,
                rectified=False,
                comment="回头看发现问题反弹，整改不彻底。",
                deadline=today + timedelta(days=rng.randrange(30, 90)),
            )
        else:
            services.check_decide(
                actor=cast.supervisor,
                check=check,
                rectified=True,
                comment="经回头看核实，整改到位。",
            )

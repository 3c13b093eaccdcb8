"""A principal-responsibility list of the demo county (12 duties in 5 areas, typed rules, a veto
and the citizens' window ratings as a computed item) issued to its towns
and units, each of which has signed for it; some reports are made, returned or scored, so the
live ranking has something to rank.

The list is for the year of the coming deadlines (the next year from November on), and every
deadline lies ahead: reports are made and scored through the loop's services, as people would.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import DutyList, DutyReport

VIEW = ["duties:list:view"]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": VIEW,
    "supervisor": [*VIEW, "duties:template:edit", "duties:list:issue", "duties:report:score"],
    "stationed_officer": [*VIEW, "duties:report:score"],
    "town_officer": [*VIEW, "loop:item:view", "loop:item:handle"],
    "unit_clerk": [*VIEW, "loop:item:view", "loop:item:handle"],
}

AREAS = [
    ("加强政治建设", ["学习贯彻党的二十大精神专题研讨", "落实意识形态工作责任制"]),
    (
        "落实全面从严治党主体责任",
        [
            "制定年度主体责任清单和工作计划",
            "党委（党组）专题研究党风廉政建设",
            "书记履行第一责任人职责",
        ],
    ),
    ("加强作风建设", ["整治形式主义官僚主义", "落实中央八项规定精神"]),
    (
        "强化监督执纪",
        [
            "支持纪检监察机关履行监督责任",
            "开展廉政警示教育",
            "抓好巡察反馈问题整改",
            "本单位发生严重违纪违法案件",
        ],
    ),
    ("群众评价", ["群众对窗口服务和工作作风的评价"]),
]
# Items not scored as points given by the supervisor: (points, rule, parameters, measure).
TYPED = {
    "学习贯彻党的二十大精神专题研讨": (5, "all_or_nothing", {}, ""),
    "落实意识形态工作责任制": (5, "per_occurrence", {"per": "2", "cap": "5"}, ""),
    "落实中央八项规定精神": (10, "deduction", {"per": "2"}, ""),
    "本单位发生严重违纪违法案件": (0, "veto", {}, ""),
    # M16: the citizens' window ratings (1 to 5) feed the year's score: 3 earns nothing,
    # each point above it 5, so 5 stars earn all 10.
    "群众对窗口服务和工作作风的评价": (
        10,
        "threshold",
        {"threshold": "3", "slope": "5"},
        "public.window_rating",
    ),
}
VALUES = {"all_or_nothing": [1, 1, 0], "per_occurrence": [1, 2, 3], "deduction": [0, 1, 2],
          "veto": [0, 0, 0, 1]}  # fmt: skip


def _measured(title: str) -> bool:
    return bool(TYPED.get(title, (0, "", {}, ""))[3])


def _year_and_dates(today: datetime.date, count: int) -> tuple[int, list[datetime.date]]:
    """The list's year and ``count`` deadlines spread over what is left of it (at least a week
    from today)."""
    year = today.year if today.month < 11 else today.year + 1
    first = max(today + datetime.timedelta(days=7), datetime.date(year, 1, 15))
    last = datetime.date(year, 12, 20)
    span = (last - first).days
    return year, [first + datetime.timedelta(days=span * k // count) for k in range(count)]


def _report_text(rng: random.Random, unit: str, duty: str) -> str:
    month, people, items = rng.randrange(1, 12), rng.randrange(8, 60), rng.randrange(3, 15)
    return (
        f"{month}月{rng.randrange(1, 28)}日，{unit}召开专题会议，研究{duty or '年度重点工作'}，"
        f"明确{items}项具体措施和责任人。会后组织{people}名干部集中学习，"
        f"{rng.choice(['逐一走访基层站所', '开展谈心谈话', '对照清单自查', '约谈重点岗位人员'])}，"
        f"形成{rng.choice(['会议纪要', '工作台账', '自查报告', '整改清单'])}。"
    )


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if DutyList.objects.exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    commission = OrgNode.objects.get(code="QH-JW")
    today = timing.today()
    titles = [title for _area, items in AREAS for title in items if not _measured(title)]
    year, dates = _year_and_dates(today, len(titles))
    duty_list = services.list_create(
        actor=supervisor,
        kind=DutyList.Kind.PRINCIPAL,
        title="党委（党组）落实全面从严治党主体责任清单",
        year=year,
        owner_node=commission,
    )
    n = 0
    for area_title, items in AREAS:
        area = services.area_add(actor=supervisor, duty_list=duty_list, title=area_title)
        for title in items:
            points, rule, params, measure = TYPED.get(title, (10, "points", {}, ""))
            services.item_add(
                actor=supervisor,
                area=area,
                title=title,
                points=Decimal(points),
                requirement=f"按要求完成“{title}”，形成工作记录。",
                evidence="会议记录、文件、照片等佐证材料",
                schedule="once",
                due_on=None if measure else dates[n],
                rule=rule,
                params=params,
                measure=measure,
            )
            n += 0 if measure else 1
    units = list(
        OrgNode.objects.filter(
            type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN], code__startswith="QH", is_active=True
        ).order_by("code")
    )
    handlers = {
        a.org_node_id: a
        for a in Account.objects.filter(
            org_node__in=units, roles__key__in=["unit_clerk", "town_officer"]
        ).order_by("-pk")
    }
    made: dict[int, str] = {}  # the last report text of each duty, for a planted copy
    issued = services.list_issue(
        actor=supervisor, duty_list=duty_list, nodes=units, supervising_node=commission
    )
    for unit_list in issued:
        handler = handlers.get(unit_list.node_id)
        if handler is None:
            continue
        services.unit_list_sign(actor=handler, unit_list=unit_list)
        for report in DutyReport.objects.filter(unit_list=unit_list).order_by("due")[:4]:
            fate = rng.random()
            if fate < 0.25:
                continue
            if fate < 0.3:
                comment = "已按要求完成。"  # thin
            elif fate < 0.35 and report.duty_item_id in made:
                comment = made[report.duty_item_id]  # copied from another unit's report
            else:
                comment = _report_text(rng, unit_list.node.name, report.duty_item.title)
                made[report.duty_item_id] = comment
            item = loop.item_transition(
                item=report.item, name="submit", actor=handler, comment=comment
            )
            if fate < 0.4:
                continue
            if fate < 0.5:
                loop.item_transition(
                    item=item, name="return", actor=supervisor, comment="材料空泛，请补充具体做法。"
                )
                continue
            rule = report.duty_item.rule
            services.report_accept(
                actor=supervisor,
                report=report,
                score=Decimal(rng.choice([6, 7, 8, 9, 10])) if rule == "points" else None,
                value=Decimal(rng.choice(VALUES[rule])) if rule in VALUES else None,
                reason="按要求完成。",
            )
    if stdout is not None:
        stdout.write(f"duty lists: 1, reports: {DutyReport.objects.count()}")

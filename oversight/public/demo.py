"""The public channel of the demo county: the small-power list ("40 + N": 40 items set by the
province and 8 local additions, each with its responsible department), QR points for every
window and unit, about 600 ratings and 30 style reports, and 48 complaints in every state.

Each complaint's story is played on the demo's history (``core.demo``): submitted on the day
it happened and taken from step to step by the real services in the days after, each step at its
own time (so every trace is the one the service wrote then). Tracking codes are drawn from
``rng``, so the demonstration codes printed at the end are the same on every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from oversight.core import demo
from oversight.lib.crypto import _CROCKFORD
from oversight.loop import services as loop
from oversight.loop.models import WorkItem
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import Complaint, PowerCategory, PowerItem, Rating, StyleReport

CATEGORIES = [
    ("C01", "村级事务"),
    ("C02", "民生保障"),
    ("C03", "农业农村"),
    ("C04", "住房建设"),
    ("C05", "教育卫生"),
    ("C06", "市场监管与执法"),
    ("C07", "政务服务"),
]
# (category, name, responsible unit code or None for the town of the place, limit days)
PROVINCE_ITEMS = [
    ("C01", "村级财务收支", None, 10),
    ("C01", "集体资产资源发包租赁", None, 15),
    ("C01", "村级工程项目", None, 15),
    ("C01", "宅基地申请初审", None, 10),
    ("C01", "低保五保初审评议", None, 10),
    ("C01", "村干部报酬补贴发放", None, 10),
    ("C01", "惠农补贴发放到户", None, 10),
    ("C01", "村务公开", None, 5),
    ("C02", "最低生活保障审批", "QH-U07", 15),
    ("C02", "特困人员救助供养", "QH-U07", 15),
    ("C02", "临时救助", "QH-U07", 10),
    ("C02", "残疾人两项补贴", "QH-U07", 15),
    ("C02", "城乡居民养老保险待遇", "QH-U10", 15),
    ("C02", "就业创业补贴", "QH-U10", 15),
    ("C02", "优抚对象抚恤补助", "QH-U20", 15),
    ("C02", "医疗救助", "QH-U26", 15),
    ("C02", "医疗费用报销", "QH-U26", 10),
    ("C03", "耕地地力保护补贴", "QH-U16", 15),
    ("C03", "农机购置补贴", "QH-U16", 20),
    ("C03", "生态公益林补偿", "QH-U30", 20),
    ("C03", "衔接推进乡村振兴资金项目", "QH-U31", 20),
    ("C03", "农村饮水安全工程", "QH-U15", 20),
    ("C04", "农村危房改造", "QH-U13", 20),
    ("C04", "保障性住房分配", "QH-U13", 20),
    ("C04", "建设工程规划许可", "QH-U11", 15),
    ("C04", "不动产登记", "QH-U33", 10),
    ("C04", "住房公积金提取", "QH-U32", 10),
    ("C05", "学生资助", "QH-U04", 15),
    ("C05", "义务教育招生入学", "QH-U04", 10),
    ("C05", "教师资格认定", "QH-U04", 15),
    ("C05", "计划生育奖励扶助", "QH-U19", 15),
    ("C05", "医疗服务收费", "QH-U34", 10),
    ("C06", "市场主体登记", "QH-U24", 10),
    ("C06", "食品经营许可", "QH-U24", 10),
    ("C06", "城市管理行政执法", "QH-U27", 10),
    ("C06", "户籍业务办理", "QH-U06", 10),
    ("C06", "安全生产执法检查", "QH-U21", 15),
    ("C07", "行政审批事项办理", "QH-U28", 10),
    ("C07", "办税缴费服务", "QH-U40", 10),
    ("C07", "信访事项办理", "QH-U29", 30),
]
LOCAL_ITEMS = [
    ("C06", "城区停车收费管理", "QH-U27", 10),
    ("C06", "农贸市场摊位分配", "QH-U24", 10),
    ("C05", "中小学校园配餐", "QH-U04", 10),
    ("C05", "乡镇卫生院医疗服务", "QH-U19", 10),
    ("C03", "农村公路养护", "QH-U14", 20),
    ("C03", "河道采砂管理", "QH-U15", 15),
    ("C02", "殡葬服务收费", "QH-U07", 10),
    ("C01", "村级公益岗位安排", None, 10),
]
EXTRA_PERMISSIONS = {
    "leader": [
        "public:complaint:view",
        "public:complaint:export",
        "public:identity:view",
        "public:style:view",
        "public:review:conclude",
    ],
    "supervisor": [
        "public:complaint:view",
        "public:complaint:accept",
        "public:complaint:review",
        "public:complaint:export",
        "public:review:conclude",
        "public:style:view",
        "public:style:check",
        "public:list:manage",
        "public:poster:print",
        "public:partner:manage",
    ],
    "stationed_officer": ["public:complaint:view", "public:style:view"],
    "town_officer": ["public:complaint:view", "public:complaint:handle"],
    "unit_clerk": ["public:complaint:view", "public:complaint:handle"],
}
CONTENTS = [
    "办理时工作人员要求额外交纳“加急费”，未开具任何票据。",
    "补贴名单公示期间发现不符合条件的人员在列，反映后无人答复。",
    "窗口人员多次以材料不全为由让我来回跑，但每次说法不一样。",
    "村里集体土地发包没有公开招标，价格明显偏低。",
    "申请已超过承诺时限两个月，至今没有结果，也没有告知原因。",
    "工作人员上班时间玩手机，对群众咨询态度冷漠。",
]
REPLIES = [
    "经核查，反映问题属实。已责令当事人退还违规收取的费用，并对其进行诫勉谈话。",
    "经核查，公示名单中有2户不符合条件，已取消其资格并追回资金，相关责任人已作出检查。",
    "经核查，部分属实。已对窗口人员开展一次性告知培训，并公开办事指南。",
    "经核查，反映问题不属实。该事项已按规定程序办理，相关材料已公开。",
]
# How far each complaint gets: (share of the 48, the last step reached)
FATES = (
    ["received"] * 5
    + ["accepted"] * 4
    + ["not_accepted"] * 3
    + ["transferred"] * 2
    + ["handling"] * 7
    + ["handled"] * 4
    + ["reviewing"] * 4
    + ["replied"] * 5
    + ["satisfied"] * 5
    + ["dissatisfied"] * 4
    + ["closed"] * 5
)


def _power_list(admin) -> list[PowerItem]:
    categories = {c.code: c for c in PowerCategory.objects.all()}
    for order, (code, name) in enumerate(CATEGORIES):
        if code not in categories:
            categories[code] = PowerCategory.objects.create(code=code, name=name, sort=order)
    nodes = {n.code: n for n in OrgNode.objects.filter(code__startswith="QH-U")}
    existing = set(PowerItem.objects.values_list("code", flat=True))
    rows = [
        (f"S{n + 1:02d}", PowerItem.Source.PROVINCE, row) for n, row in enumerate(PROVINCE_ITEMS)
    ]
    rows += [(f"L{n + 1:02d}", PowerItem.Source.LOCAL, row) for n, row in enumerate(LOCAL_ITEMS)]
    for sort, (code, source, (category, name, unit, days)) in enumerate(rows):
        if code in existing:
            continue
        PowerItem.objects.create(
            category=categories[category],
            code=code,
            name=name,
            source=source,
            sort=sort,
            responsible_node=nodes.get(unit) if unit else None,
            limit_days=days,
            limit_working=True,
            description="依据省级小微权力清单"
            if source == PowerItem.Source.PROVINCE
            else "县级增补事项",
        )
    return list(PowerItem.objects.select_related("responsible_node").order_by("sort", "code"))


def _code(rng: random.Random) -> str:
    raw = "".join(rng.choice(_CROCKFORD) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _handler(item: WorkItem) -> Account | None:
    return (
        Account.objects.filter(
            org_node_id=item.responsible_node_id,
            is_active=True,
            roles__key__in=["unit_clerk", "town_officer"],
        )
        .order_by("pk")
        .first()
    )


def _complaints(rng: random.Random, items: list[PowerItem], past: demo.History, stdout) -> None:
    """Schedule the 48 complaints' stories: each submitted on its day and taken from step to
    step by the services in the days after, as far as its fate goes."""
    supervisor = Account.objects.get(username="supervisor")
    windows = list(
        OrgNode.objects.filter(code__startswith="QH-U", type=OrgNode.Type.SERVICE_WINDOW).order_by(
            "code"
        )
    )
    villages = list(
        OrgNode.objects.filter(code__startswith="QH-T", type=OrgNode.Type.VILLAGE).order_by("code")
    )
    codes: dict[str, str] = {}
    repeated = None  # the first complaint being handled, which a later one repeats
    for n, fate in enumerate(FATES):
        power = items[(n * 7) % len(items)]
        if power.responsible_node_id:
            unit_windows = [w for w in windows if w.parent_id == power.responsible_node_id]
            point = unit_windows[n % len(unit_windows)] if unit_windows else None
            subject = point or power.responsible_node
        else:
            point, subject = None, villages[(n * 5) % len(villages)]
        age = 3 if fate == "received" else rng.randrange(8, 170)
        if fate == "handling":
            if repeated is None:
                repeated = (power, subject, point, age)
            else:
                power, subject, point = repeated[:3]
                age = min(age, repeated[3] - 1)  # a repeat comes after what it repeats
        story = _complaint(rng, n, fate, age, (power, subject, point), supervisor, codes)
        past.story(past.present - timedelta(days=age), story)

    def report() -> None:
        if stdout is not None:
            stdout.write(
                "public complaints: demonstration tracking codes: "
                + ", ".join(
                    f"{fate} {codes[fate]}"
                    for fate in ("handling", "replied", "closed")
                    if fate in codes
                )
            )

    past.then(report)


def _complaint(
    rng: random.Random,
    n: int,
    fate: str,
    age: int,
    about: tuple,
    supervisor: Account,
    codes: dict[str, str],
) -> demo.Story:
    power, subject, point = about
    step = timedelta(days=max(1, age // 12))
    named = n % 3 == 0
    phone = f"139{rng.randrange(10**8):08d}" if named else ""
    code = _code(rng)  # drawn after the phone, as before
    complaint, _secret = services.complaint_submit(
        content=CONTENTS[n % len(CONTENTS)],
        power_item=power,
        subject_node=subject,
        point=point,
        channel=Complaint.Channel.WINDOW if point else Complaint.Channel.WEB,
        named=named,
        name="张先生" if named else "",
        phone=phone,
        tracking_code=code,  # in the submission's leaf, not set behind the ledger's back
    )
    codes.setdefault(fate, code)
    item = complaint.item
    steps = []
    if fate == "not_accepted":
        steps = [("reject", supervisor, "该问题已进入司法程序，不属于本平台受理范围。")]
    elif fate == "transferred":
        steps = [("transfer", supervisor, "已转市纪委监委信访室办理。")]
    elif fate != "received":
        steps = [("accept", supervisor, "")]
        if fate != "accepted":
            steps.append(("route", supervisor, ""))
    for name, actor, comment in steps:
        yield step
        loop.item_transition(item=item, name=name, actor=actor, comment=comment)
    if fate in ("received", "accepted", "not_accepted", "transferred", "handling"):
        return
    handler = _handler(WorkItem.objects.get(pk=item.pk))
    if handler is None:
        return
    reply = REPLIES[n % len(REPLIES)]
    yield step
    loop.item_transition(item=item, name="handle", actor=handler, comment="已调查核实并处理。")
    if fate == "handled":
        return
    yield step
    loop.item_transition(item=item, name="draft", actor=handler, comment=reply)
    if n % 4 == 0:
        yield step
        loop.item_transition(
            item=item, name="return", actor=supervisor, comment="请写明处理结果和依据。"
        )
        yield step
        loop.item_transition(
            item=item, name="draft", actor=handler, comment=reply + "（依据有关规定）"
        )
    if fate == "reviewing":
        return
    yield step
    loop.item_transition(item=item, name="approve", actor=supervisor, data={"publish": n % 2 == 0})
    complaint.refresh_from_db()
    if fate in ("satisfied", "closed", "dissatisfied"):
        yield step
    if fate == "satisfied" or fate == "closed":
        services.citizen_rate(complaint=complaint, satisfied=True)
    elif fate == "dissatisfied":
        services.citizen_rate(
            complaint=complaint, satisfied=False, reason="问题没有真正解决，费用至今未退还。"
        )
        complaint.refresh_from_db()
        review = complaint.dissatisfaction.review_item
        reviewer = _handler(review)
        if reviewer is not None and n % 2 == 0:
            yield step
            loop.item_transition(
                item=review, name="explain", actor=reviewer, comment="已补充说明办理情况。"
            )
            yield step
            loop.item_transition(
                item=review,
                name="conclude_responsible",
                actor=supervisor,
                comment="办理不到位，责令整改并约谈分管负责人。",
            )
    if fate == "closed":
        yield step
        loop.item_transition(item=item, name="close", actor=supervisor)


def _ratings(rng: random.Random, today, past: demo.History, stdout) -> None:
    points = list(
        OrgNode.objects.filter(
            code__startswith="QH-U", type__in=[OrgNode.Type.SERVICE_WINDOW]
        ).order_by("code")
    )
    tags = list(Rating.Tag.values)
    comments = ["", "", "办事很快", "态度很好", "排队时间太长", "指引清楚", "等了很久才有人"]
    rows = []
    for n in range(600):
        node = points[n % len(points)]
        bias = int(node.code[4:6]) % 4  # some units do better than others
        score = max(1, min(5, round(rng.gauss(4.3 - bias * 0.35, 0.8))))
        rows.append(
            Rating(
                node=node,
                score=score,
                tags=sorted(set(rng.sample(tags, rng.randrange(0, 3)))),
                comment=rng.choice(comments),
                created_on=today - timedelta(days=rng.randrange(180)),
            )
        )
    Rating.objects.bulk_create(rows, batch_size=500)
    checker = Account.objects.get(username="supervisor")
    kinds = list(StyleReport.Kind.values)
    texts = [
        "工作人员索要香烟。",
        "上班时间多次离岗，窗口无人。",
        "故意刁难，要求提供无关材料。",
        "推诿扯皮，让群众找其他部门。",
    ]
    for n in range(30):
        day = today - timedelta(days=rng.randrange(180))
        moment = timezone.make_aware(datetime.combine(day, time(10)))
        past.story(moment, _style_report(n, points[(n * 3) % len(points)], kinds, texts, checker))
    if stdout is not None:
        past.then(
            lambda: stdout.write(
                f"public ratings: {Rating.objects.count()}, "
                f"style reports: {StyleReport.objects.count()}"
            )
        )


def _style_report(n: int, node: OrgNode, kinds: list, texts: list, checker: Account) -> demo.Story:
    """A citizen's style report on its day, checked by the supervisor the next."""
    report = services.style_report_submit(
        node=node, kinds=[kinds[n % len(kinds)]], text=texts[n % len(texts)]
    )
    if n % 3 == 2:
        return
    yield timedelta(days=1)
    verified = n % 3 == 0
    services.style_report_check(
        report=report,
        actor=checker,
        status=StyleReport.Status.VERIFIED if verified else StyleReport.Status.UNFOUNDED,
        note="经核实属实，已通报批评。" if verified else "经调阅监控，未发现所反映情况。",
    )


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions(EXTRA_PERMISSIONS)
        admin = Account.objects.filter(username="admin").first()
        items = _power_list(admin)
        for node in OrgNode.objects.filter(
            code__startswith="QH", type__in=[OrgNode.Type.SERVICE_WINDOW, OrgNode.Type.UNIT]
        ).order_by("code"):
            services.point_for(node)
        if Complaint.objects.exists():
            return
        today = timezone.localtime(past.present).date()
        _ratings(rng, today, past, stdout)
        _complaints(rng, [i for i in items if i.published], past, stdout)

        def finish() -> None:
            loop.sweep()
            if stdout is not None:
                stdout.write(
                    f"small-power list: {len(items)} items; complaints: {Complaint.objects.count()}"
                )

        past.then(finish)

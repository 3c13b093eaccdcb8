"""The commission's officers on the board: the specialty dictionary, an account and a profile
for six officers of the commission and the first stationed group's officer, their targets
of the year on the assessment chain, and 20 tasks
published over the past four months, their stories played on the demo's history — claimed
first come, chosen from applicants or assigned by tag, reported, returned and verified (points
awarded), some left overdue, the newest still open.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files import File
from django.utils import timezone

from oversight.core import demo
from oversight.core.demo import DEMO_PASSWORD, Story
from oversight.core.models import DictType
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs import services as orgs
from oversight.orgs.demo import grant_permissions
from oversight.orgs.dictionaries import dict_item_save, dict_type_save
from oversight.orgs.models import Account, OrgNode, Person, Role

from . import selectors, services
from .models import SPECIALTY_DICT, Claim, Profile, Question, Task

OFFICER = [
    "team:task:claim",
    "team:profile:view",
    "team:course:learn",
    "loop:item:view",
    "loop:item:handle",
]
PUBLISHER = [
    *OFFICER,
    "team:task:publish",
    "team:task:verify",
    "team:profile:edit",
    "team:target:set",
    "team:chain:freeze",
    "team:course:edit",
]
EXTRA_PERMISSIONS = {
    "leader": ["team:profile:view", "team:task:claim"],
    "supervisor": PUBLISHER,
    "stationed_officer": OFFICER,
}

SPECIALTIES = [
    ("finance", "财务审计", "Finance audit"),
    ("engineering", "工程项目", "Engineering projects"),
    ("medical_insurance", "医保基金", "Medical insurance"),
    ("law", "法律法规", "Law"),
    ("data", "数据分析", "Data analysis"),
    ("case_review", "案件审理", "Case review"),
    ("petitions", "信访举报", "Petitions and reports"),
    ("rural_assets", "农村三资", "Rural collective assets"),
]

# Each officer's specialties (officer1 … officer6, then group1).
TAGS = [
    ["finance", "data"],
    ["engineering", "finance"],
    ["law", "case_review"],
    ["medical_insurance", "data"],
    ["petitions", "law"],
    ["rural_assets", "finance"],
    ["case_review", "petitions"],
]

TASKS = [
    ("乡村振兴衔接资金使用情况专项检查", ["finance", "rural_assets"], "城关镇、河西乡"),
    ("县人民医院医保基金使用情况抽查", ["medical_insurance", "data"], "县人民医院"),
    ("城区道路改造工程招投标资料审查", ["engineering"], "县住建局"),
    ("重复信访件梳理与回访", ["petitions"], "县信访局"),
    ("低保数据与财政供养人员比对复核", ["data"], "县民政局"),
    ("三资管理平台异常支出核查", ["rural_assets", "finance"], "各乡镇"),
    ("典型案例卷宗评查", ["case_review", "law"], "案件审理室"),
    ("公车使用违规线索核实", ["law"], "县机关事务中心"),
    ("惠民惠农补贴发放情况抽查", ["finance"], "县农业农村局"),
    ("政府投资项目结算审计协查", ["engineering", "finance"], "县发改局"),
]

# (days ago published, mode, places, fate): fate = what became of the places taken
PLAN = [
    (130, "first_come", 1, "verified"),
    (124, "assign", 2, "verified"),
    (118, "apply", 1, "verified"),
    (112, "first_come", 1, "verified"),
    (105, "assign", 1, "returned_verified"),
    (98, "first_come", 2, "verified"),
    (91, "apply", 1, "verified"),
    (84, "first_come", 1, "verified"),
    (77, "assign", 1, "verified"),
    (70, "first_come", 1, "verified"),
    (63, "apply", 2, "verified"),
    (56, "first_come", 1, "overdue"),
    (49, "assign", 1, "overdue"),
    (42, "first_come", 1, "verified"),
    (35, "first_come", 1, "reported"),
    (28, "assign", 1, "returned"),
    (21, "apply", 1, "reported"),
    (14, "first_come", 1, "doing"),
    (7, "apply", 1, "applied"),
    (2, "first_come", 2, "open"),
]


def _dictionary() -> None:
    kind = DictType.objects.filter(code=SPECIALTY_DICT).first() or dict_type_save(
        dict_type=None,
        code=SPECIALTY_DICT,
        name="纪检监察干部专长",
        name_en="Officers' specialties",
        description="任务抢单台与人才库的专长标签 / specialty tags of the board and the pool",
    )
    existing = set(kind.items.values_list("value", flat=True))
    for order, (value, label, label_en) in enumerate(SPECIALTIES):
        if value not in existing:
            dict_item_save(
                item=None, dict_type=kind, value=value, label=label, label_en=label_en, sort=order
            )


def _officers() -> list[Account]:
    """Six officers of the commission with accounts (officer1 … officer6) and group1."""
    commission = OrgNode.objects.get(code="QH-JW")
    role = Role.objects.filter(key="discipline_officer").first()
    if role is not None and not set(OFFICER) <= set(role.permissions):
        grant_permissions({"discipline_officer": OFFICER})
        role.refresh_from_db()
    role = role or orgs.role_save(
        role=None,
        key="discipline_officer",
        name="纪检监察干部",
        permissions=OFFICER,
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
        sort=20,
    )
    officers = list(Account.objects.filter(username__startswith="officer").order_by("username"))
    if not officers:
        people = Person.objects.filter(org_node=commission, account__isnull=True).order_by("pk")
        password_hash = make_password(DEMO_PASSWORD)
        for n, person in enumerate(people[:6], 1):
            officers.append(
                orgs.account_save(
                    account=None,
                    username=f"officer{n}",
                    display_name=person.name,
                    org_node=commission,
                    person=person,
                    roles=[role],
                    password_hash=password_hash,
                )
            )
    group1 = Account.objects.filter(username="group1", person__isnull=False).first()
    return officers + ([group1] if group1 else [])


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions(EXTRA_PERMISSIONS)
        _dictionary()
        officers = _officers()
        supervisor = Account.objects.get(username="supervisor")
        for account, tags in zip(officers, TAGS, strict=False):
            if not Profile.objects.filter(person=account.person).exists():
                services.profile_save(
                    actor=supervisor,
                    person=account.person,
                    tags=tags,
                    certificates=rng.choice(["", "审计师", "法律职业资格证书", "注册会计师"]),
                    summary=f"从事纪检监察工作{rng.randrange(3, 20)}年。",
                )
        if Task.objects.exists():
            return
        commission = OrgNode.objects.get(code="QH-JW")
        for n, (ago, mode, places, fate) in enumerate(PLAN):
            past.story(
                past.present - timedelta(days=ago, hours=-10),
                _task(rng, n, mode, places, fate, supervisor, commission),
            )

        # the courses, the officers' progress (the videos played over a few minutes of the past:
        # the clock only moves forward, so nothing of it lands after the present) and the tests
        past.story(
            past.present - timedelta(days=3), _learning(rng, supervisor, commission, past.present)
        )

        def finish() -> None:
            # The year's targets on the assessment chain, set at the present.
            supervisor.__dict__.pop("_perm_codes", None)
            year = timing.today().year
            for profile in Profile.objects.order_by("pk"):
                for metric, value in (("tasks", 3), ("points", 30), ("items", 2), ("training", 1)):
                    services.target_set(
                        actor=supervisor,
                        profile=profile,
                        year=year,
                        metric=metric,
                        value=value + rng.randrange(0, 3) * (10 if metric == "points" else 1),
                    )
            loop.sweep()
            if stdout is not None:
                done = Claim.objects.filter(points_awarded__isnull=False).count()
                stdout.write(f"board tasks: {Task.objects.count()}, verified places: {done}")

        past.then(finish)


def _task(
    rng: random.Random,
    n: int,
    mode: str,
    places: int,
    fate: str,
    supervisor: Account,
    commission: OrgNode,
) -> Story:
    title, tags, place = TASKS[n % len(TASKS)]
    today = timing.today()
    task = services.task_publish(
        actor=supervisor,
        title=title,
        description=f"请于期限内完成{title}，形成书面报告并附佐证材料。",
        place=place,
        tags=tags,
        points=rng.choice([5, 8, 10, 15, 20]),
        deadline=today + timedelta(days=14 if fate == "overdue" else rng.randrange(20, 40)),
        places=places,
        mode=mode,
        publisher_node=commission,
    )
    if fate == "open":
        return
    fitting = [p for p in selectors.profile_list(viewer=supervisor) if selectors.fits(p, task)]
    rng.shuffle(fitting)
    yield timedelta(days=1, hours=rng.randrange(0, 6))
    claims: list[Claim] = []
    if mode == "first_come":
        for profile in fitting[:places]:
            claims.append(services.task_claim(actor=profile.person.account, task=task))
    elif mode == "apply":
        applied = [
            services.task_claim(actor=p.person.account, task=task) for p in fitting[: places + 1]
        ]
        if fate == "applied":
            return
        yield timedelta(days=1)
        claims = [services.claim_choose(actor=supervisor, claim=c) for c in applied[:places]]
    else:
        suggested = selectors.suggestions(viewer=supervisor, task=task)[:places]
        claims = services.task_assign(actor=supervisor, task=task, profiles=suggested)
    if fate in ("doing", "overdue"):
        return
    for claim in claims:
        yield timedelta(days=rng.randrange(3, 9))
        officer = claim.profile.person.account
        item = loop.item_transition(
            item=claim.item,
            name="report",
            actor=officer,
            comment=f"已完成{task.title}，发现问题{rng.randrange(0, 6)}个，报告见附件。",
        )
        if fate == "reported":
            continue
        yield timedelta(days=rng.randrange(1, 4))
        if fate in ("returned", "returned_verified"):
            item = loop.item_transition(
                item=item, name="return", actor=supervisor, comment="问题描述不具体，请补充佐证。"
            )
            if fate == "returned":
                continue
            yield timedelta(days=2)
            item = loop.item_transition(
                item=item, name="report", actor=officer, comment="已补充问题清单和佐证材料。"
            )
            yield timedelta(days=1)
        loop.item_transition(item=item, name="verify", actor=supervisor)


KNOWLEDGE = [
    ("eight_rules", "中央八项规定精神", "The eight-point rules"),
    ("sanctions", "纪律处分条例", "Disciplinary sanctions"),
    ("integrity", "廉洁自律准则", "Integrity and self-discipline"),
    ("supervision_law", "监察法", "The supervision law"),
    ("petitions", "信访工作条例", "Petition rules"),
    ("inspection", "巡视工作条例", "Inspection rules"),
    ("rural_assets", "农村集体三资管理", "Rural collective assets"),
    ("two_duties", "两个责任", "The two responsibilities"),
]
MEDIA_DIR = Path(__file__).resolve().parent / "demo_media"
VIDEOS = [("lesson-video-1.webm", 12), ("lesson-video-2.webm", 15)]  # tools/make_lesson_video.py

COURSES = [
    ("书记说法", ["eight_rules", "two_duties", "integrity"]),
    ("党纪法规", ["sanctions", "supervision_law", "petitions", "inspection"]),
    ("案例警示", ["rural_assets", "eight_rules", "sanctions"]),
]


def _learning(rng: random.Random, supervisor: Account, commission: OrgNode, present) -> Story:
    """The knowledge points, three micro-courses, a bank of 200 questions on party discipline,
    and two tests taken by the commission's officers (their weak points push lessons)."""
    from oversight.team import learning
    from oversight.team.models import KNOWLEDGE_DICT, Course

    if Course.objects.exists():
        return
    kind = DictType.objects.filter(code=KNOWLEDGE_DICT).first() or dict_type_save(
        dict_type=None, code=KNOWLEDGE_DICT, name="知识点", name_en="Knowledge points"
    )
    for order, (value, label, label_en) in enumerate(KNOWLEDGE):
        dict_item_save(
            item=None, dict_type=kind, value=value, label=label, label_en=label_en, sort=order
        )
    supervisor.__dict__.pop("_perm_codes", None)
    labels = {value: label for value, label, _en in KNOWLEDGE}
    kinds = ["video", "document", "slides"]
    for c, (title, points) in enumerate(COURSES):
        course = learning.course_add(actor=supervisor, title=title, owner_node=commission)
        for n, point in enumerate(points):
            kind = kinds[n % 3]
            if kind == "video":  # a small generated video that ships with the code
                name, seconds = VIDEOS[(c + n) % len(VIDEOS)]
                with (MEDIA_DIR / name).open("rb") as handle:
                    learning.lesson_add(
                        actor=supervisor, course=course, title=f"{title}：{labels[point]}解读",
                        kind=kind, minutes=1, seconds=seconds, knowledge_point=point,
                        media=File(handle, name=name),
                    )  # fmt: skip
                continue
            learning.lesson_add(
                actor=supervisor,
                course=course,
                title=f"{title}：{labels[point]}解读",
                kind=kind,
                minutes=rng.choice([8, 12, 15, 20]),
                knowledge_point=point,
            )
    yield from _progress(rng, supervisor, present)
    rows = []
    for n in range(200):
        point, label, _en = KNOWLEDGE[n % len(KNOWLEDGE)]
        kind_code = ["单选题", "多选题", "判断题", "填空题"][n % 4]
        text = f"根据《{label}》的有关规定，下列说法是否符合要求？（第{n + 1}题）"
        options, answer = "符合|不符合|视情况而定|需请示报告", "B"
        if kind_code == "多选题":
            options, answer = "应当如实报告|可以不报告|接受组织监督|自行处理", "AC"
        elif kind_code == "判断题":
            options, answer = "", rng.choice(["对", "错"])
        elif kind_code == "填空题":
            text = f"《{label}》规定的主要内容可以概括为“____”。（第{n + 1}题）"
            options, answer = "", label
        rows.append(
            {"_row": n + 2, "text": text, "kind": kind_code, "options": options,
             "answer": answer, "knowledge_point": point, "difficulty": str(1 + n % 3)}
        )  # fmt: skip
    learning.questions_import(actor=supervisor, owner_node=commission, rows=rows)
    papers = [
        learning.paper_create(
            actor=supervisor,
            title=title,
            owner_node=commission,
            minutes=30,
            rules=[{"point": p, "count": 4} for p in points],
        )  # fmt: skip
        for title, points in (
            ("党纪法规知识测试（一）", ["eight_rules", "sanctions", "integrity"]),
            ("党纪法规知识测试（二）", ["supervision_law", "petitions", "two_duties"]),
        )
    ]
    for paper in papers:
        for profile in Profile.objects.order_by("pk"):
            officer = profile.person.account
            officer.__dict__.pop("_perm_codes", None)
            attempt = learning.attempt_start(actor=officer, paper=paper, rng=rng)
            answers = {}
            for question in Question.objects.filter(pk__in=attempt.questions):
                if rng.random() < 0.7:
                    answers[str(question.pk)] = (
                        question.answer[0] if question.kind == "fill" else list(question.answer)
                    )
            learning.attempt_submit(actor=officer, attempt=attempt, answers=answers)


def _progress(rng: random.Random, supervisor: Account, present) -> Story:
    """The officers' progress in the lessons, written by the services: most have read some
    documents and slides (confirmed) and watched videos, some only half of one (each report a
    few seconds after the last, on the history's clock); the first course is required of the
    discipline officers by a month from now."""
    from oversight.team import learning
    from oversight.team.models import Course, Lesson

    lessons = list(Lesson.objects.order_by("course_id", "order"))
    for profile in Profile.objects.order_by("pk"):
        officer = profile.person.account
        officer.__dict__.pop("_perm_codes", None)
        for lesson in lessons:
            if rng.random() < 0.4:
                continue
            learning.lesson_open(actor=officer, lesson=lesson)
            if lesson.kind != Lesson.Kind.VIDEO:
                learning.lesson_confirm(actor=officer, lesson=lesson)
                continue
            played, length = 0.0, lesson.duration * (1.0 if rng.random() < 0.7 else 0.5)
            while played < length:
                step = min(10.0, length - played)
                yield timedelta(seconds=max(2.5, step / 2 + 1))
                learning.progress_report(
                    actor=officer, lesson=lesson, position=played + step, start=played,
                    end=played + step,
                )  # fmt: skip
                played += step
    role = Role.objects.filter(key="discipline_officer").first()
    course = Course.objects.order_by("pk").first()
    if role is not None and course is not None:
        learning.course_require(
            actor=supervisor,
            course=course,
            role=role,
            deadline=timezone.localdate(present) + timedelta(days=30),
        )

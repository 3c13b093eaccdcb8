"""Integrity files of the demo county's leaders and a sample of cadres: family members (some
with resident IDs, some of them people of the county), sanctions inside and outside their
influence periods, yearly personal-matter reports (a few missing), and the openings of files by
the commission's officers with their reasons. Written through the services, at the present
(sanction dates are those of past decisions, entered now)."""

from __future__ import annotations

import datetime
import random

from oversight.lib import resident_id as rid
from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, Person

from . import services
from .models import MatterEntry, Relative, Sanction

OFFICER = ["integrity:file:view", "integrity:file:edit"]
OPINION = ["integrity:opinion:draft", "integrity:opinion:review"]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": [
        "integrity:file:view",
        "integrity:file:own",
        "integrity:opinion:review",
        "integrity:opinion:sign",
    ],
    "supervisor": [*OFFICER, *OPINION, "integrity:file:own", "integrity:check"],
    "stationed_officer": ["integrity:file:view"],
    "town_officer": ["integrity:file:own"],
    "unit_clerk": ["integrity:file:own"],
    "cadre": ["integrity:file:own"],
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英"
WORKPLACES = ["县人民医院", "县第一中学", "个体经营", "清河县建设工程有限公司", "退休", "在读学生"]
FACTS = {
    Sanction.Kind.PARTY_WARNING: "违规收受礼金",
    Sanction.Kind.PARTY_SERIOUS_WARNING: "违规操办婚丧喜庆事宜",
    Sanction.Kind.ADMIN_WARNING: "工作日饮酒",
    Sanction.Kind.ADMIN_DEMERIT: "履职不力造成不良影响",
    Sanction.Kind.ADMIN_MAJOR_DEMERIT: "违规发放津贴补贴",
}
REPORTED = {
    MatterEntry.Item.MARRIAGE: "无变化",
    MatterEntry.Item.PASSPORTS: "持有因私护照一本，由组织部门集中保管",
    MatterEntry.Item.FAMILY_EMPLOYMENT: "配偶在县人民医院工作",
    MatterEntry.Item.SALARY: "工资及各类奖金、津贴、补贴合计约 12 万元",
    MatterEntry.Item.HOUSING: "县城商品房一套，面积 98 平方米",
    MatterEntry.Item.SECURITIES: "无",
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randrange(1, 3)))


def _relative_id(rng: random.Random, person: Person, years: int, male: bool) -> str:
    born = person.birth_date.replace(day=1) + datetime.timedelta(days=365 * years)
    return rid.make(
        area=person.resident_id[:6], born=born, sequence=rng.randrange(1, 999), male=male
    )


def _opinions(supervisor: Account, sample: list[Person]) -> None:
    """Two requests of the organisation department: one signed (its opinions issued as Word
    documents), one drafted and awaiting review."""
    from oversight.loop import services as loop

    leader = Account.objects.filter(username="leader").first()
    signed = services.opinion_request_create(
        actor=supervisor,
        requester="中共清河县委组织部",
        purpose="promotion",
        resident_ids=[p.resident_id for p in sample[:5]],
    )
    services.opinion_request_create(
        actor=supervisor,
        requester="中共清河县委组织部",
        purpose="award",
        resident_ids=[p.resident_id for p in sample[5:10]],
    )
    if leader is None:
        return
    item = loop.item_transition(item=signed.item, name="submit", actor=supervisor)
    item = loop.item_transition(item=item, name="review", actor=leader)
    loop.item_transition(item=item, name="sign", actor=leader)


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if Relative.objects.exists() or Sanction.objects.exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    today = timing.today()
    leaders = list(
        Person.objects.filter(positions__is_leader=True, positions__end_date__isnull=True)
        .distinct()
        .order_by("resident_id")[:40]
    )
    others = list(Person.objects.exclude(pk__in=[p.pk for p in leaders]).order_by("resident_id"))
    sample = leaders + rng.sample(others, min(40, len(others)))
    county_people = [p for p in others if p not in sample]
    for n, person in enumerate(sample):
        male = person.gender == "M"
        services.relative_add(
            actor=supervisor,
            person=person,
            relation=Relative.Relation.SPOUSE,
            name=_name(rng),
            resident_id=_relative_id(rng, person, rng.randrange(-3, 4), not male),
            workplace=rng.choice(WORKPLACES),
        )
        if person.birth_date.year < 1990:
            services.relative_add(
                actor=supervisor,
                person=person,
                relation=Relative.Relation.CHILD,
                name=_name(rng),
                resident_id=_relative_id(rng, person, rng.randrange(24, 30), rng.random() < 0.5)
                if rng.random() < 0.7
                else "",
                workplace=rng.choice(WORKPLACES),
            )
        if n % 7 == 0 and county_people:
            # a sibling who works for the county too: linked by resident ID
            sibling = county_people.pop(rng.randrange(len(county_people)))
            services.relative_add(
                actor=supervisor,
                person=person,
                relation=Relative.Relation.SIBLING,
                name=sibling.name,
                resident_id=sibling.resident_id,
                workplace=sibling.org_node.name,
            )
        if n % 9 == 0:
            services.relative_add(
                actor=supervisor,
                person=person,
                relation=Relative.Relation.SOCIAL,
                name=_name(rng),
                workplace="清河县建设工程有限公司",
                note="同学",
            )
        if n % 5 == 0:
            # sanctions inside and outside their influence periods
            kind = rng.choice(list(FACTS))
            services.sanction_add(
                actor=supervisor,
                person=person,
                kind=kind,
                decided_on=today - datetime.timedelta(days=rng.randrange(60, 1500)),
                authority="清河县纪委监委",
                document_no=f"清纪处〔{today.year - 1}〕{n + 1}号",
                summary=FACTS[kind],
            )
        if n % 6 != 5:  # a few missing reports for the reminders to find
            services.matter_report_submit(
                actor=supervisor,
                person=person,
                kind="yearly",
                year=today.year - 1,
                entries=list(REPORTED.items()),
            )
    views = [
        services.file_open(actor=supervisor, person=person, reason="干部提拔廉政意见征求")
        for person in sample[:5]
    ]
    # one request to see family and property parts, awaiting the leaders' approval
    services.sensitive_request(actor=supervisor, view=views[0], reason="核实其配偶从业和房产情况")
    cadre = Account.objects.filter(username="cadre").select_related("person").first()
    if cadre is not None and cadre.person is not None:
        services.file_open(actor=cadre, person=cadre.person)
    _opinions(supervisor, sample)
    if stdout is not None:
        stdout.write(
            f"integrity files: {len(sample)}, relatives: {Relative.objects.count()}, "
            f"sanctions: {Sanction.objects.count()}\n"
        )

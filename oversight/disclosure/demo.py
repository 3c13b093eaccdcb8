"""The demo county's disclosure supervision: a catalogue for villages (quarterly village
affairs, monthly finances, major projects on event), and the last hundred days of the
villages (all of the county's) played on the demo's history: the schedule service opens each period ahead of its due
date, the villages publish (most on time, some late, some not at all, some without the fields
or the notice-board photo, some republishing last period's content), the daily check lights
the lapses, and the towns send supervision suggestions, dismiss, verify or return feedback.
Every step runs through the services at its own time, so ``verify_ledger`` finds it clean."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from oversight.core import demo
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode, Role
from oversight.schedules import services as schedules
from oversight.schedules.models import Obligation

from . import schedules as declared
from . import services
from .models import CatalogueItem, Lapse

VIEW = ["disclosure:view"]
EXTRA_PERMISSIONS = {
    "leader": VIEW,
    "supervisor": [
        *VIEW,
        "disclosure:catalogue:edit",
        "disclosure:publication:capture",
        "disclosure:lapse:supervise",
    ],
    "town_officer": [
        *VIEW,
        "disclosure:publication:capture",
        "disclosure:lapse:supervise",
        "documents:document:view",
        "documents:document:issue",
        "loop:item:view",
    ],
    "unit_clerk": ["loop:item:view", "loop:item:handle"],
}
DAYS = 100

CATALOGUE = [
    dict(title="村务公开", category="village", area="general", frequency="quarterly",
         required_fields="公开事项、办理结果、监督电话", photo_required=True,
         keywords="村务公开"),
    dict(title="村级财务收支公开", category="finance", area="general", frequency="monthly",
         required_fields="收入、支出、结余、经办人", keywords="财务公开,财务收支"),
    dict(title="重大项目公示", category="village", area="major_projects", frequency="event",
         required_fields="项目名称、资金来源、金额、承建方", photo_required=True,
         keywords="项目公示"),
    dict(title="低保和特困供养对象公示", category="government", area="social_assistance",
         frequency="quarterly", required_fields="姓名、保障人数、保障金额",
         keywords="低保,特困供养"),
]  # fmt: skip


def _title(item: CatalogueItem, key: str) -> str:
    if key.startswith("E"):
        return f"{item.title}（{key}）"
    year, part = key.split("-")
    if part.startswith("Q"):
        return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度{item.title}"
    return f"{year}年{int(part)}月{item.title}"


def _body(rng: random.Random, item: CatalogueItem, key: str, village: str) -> str:
    income, spent = rng.randrange(20, 400) * 100, rng.randrange(10, 300) * 100
    return (
        f"{village}{key}{item.title}：本期收入{income}元，支出{spent}元，"
        f"结余{income - spent}元。经村务监督委员会审核，现予公开，监督电话0312-{rng.randrange(1000000, 9999999)}。"
    )


def _liaisons(villages: list[OrgNode]) -> dict[int, Account]:
    """A liaison account per demo village (username = its code in lower case), to feed back."""
    role = Role.objects.get(key="unit_clerk")
    found = {}
    password_hash = make_password(demo.DEMO_PASSWORD)
    for node in villages:
        username = node.code.lower()
        account = Account.objects.filter(username=username).first()
        if account is None:
            account = org_services.account_save(
                account=None,
                username=username,
                display_name=f"{node.name}联络员",
                org_node=node,
                person=None,
                roles=[role],
                password_hash=password_hash,
            )
        found[node.pk] = account
    return found


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions(EXTRA_PERMISSIONS)
        if CatalogueItem.objects.exists():
            return
        start = past.present - timedelta(days=DAYS)
        last_day = timezone.localdate(past.present)
        past.story(start.replace(hour=8, minute=30), _story(rng, stdout, last_day))


def _story(rng: random.Random, stdout, last_day: datetime.date):
    supervisor = Account.objects.get(username="supervisor")
    catalogue = [
        services.catalogue_item_save(actor=supervisor, unit_type="village", **spec)
        for spec in CATALOGUE
    ]
    villages = list(
        OrgNode.objects.filter(
            type=OrgNode.Type.VILLAGE, code__startswith="QH-T", is_active=True
        ).order_by("code")
    )
    in_demo = {v.pk for v in villages}
    _sources(villages[:3], supervisor)
    liaisons = _liaisons(villages)
    officers = {
        a.org_node_id: a
        for a in Account.objects.filter(
            org_node__type=OrgNode.Type.TOWN, roles__key="town_officer"
        ).order_by("-pk")
    }
    planned: dict[datetime.date, list] = defaultdict(list)
    steps: dict[datetime.date, list] = defaultdict(list)
    seen: set[int] = set()
    last_body: dict[tuple[int, int], str] = {}
    events = 0
    while True:
        today = timing.today()
        schedules.schedule_run(on=today)
        # A major project approved now and then, to be disclosed within 5 working days.
        if rng.random() < 0.08 and events < 6:
            node = villages[rng.randrange(len(villages))]
            event = services.event_record(
                actor=officers.get(node.parent_id, supervisor), node=node,
                catalogue_item=catalogue[2], title=f"{node.name}道路硬化项目立项",
                happened_on=today,
            )  # fmt: skip
            events += 1
            if rng.random() < 0.8:
                planned[today + timedelta(days=rng.randrange(1, 5))].append(
                    (node, catalogue[2], event.key, True, True, False)
                )
        # Plan the villages' notices of every period just opened.
        for obligation in Obligation.objects.filter(
            schedule__in=[declared.MONTHLY, declared.QUARTERLY], node__in=villages
        ).exclude(pk__in=seen):
            seen.add(obligation.pk)
            for item in catalogue:
                if (
                    item.unit_type != obligation.node.type
                    or item.frequency
                    != {declared.MONTHLY: "monthly", declared.QUARTERLY: "quarterly"}[
                        obligation.schedule
                    ]
                ):
                    continue
                fate = rng.random()
                if fate < 0.08:
                    continue  # missing
                lead = max(1, (obligation.due - today).days)
                on = today + timedelta(days=rng.randrange(0, lead))
                if fate < 0.18:
                    on = obligation.due + timedelta(days=rng.randrange(1, 6))
                incomplete = 0.18 <= fate < 0.25
                # planted: the second village of each town forgets the notice-board photo
                no_photo = 0.25 <= fate < 0.29 or obligation.node.code.endswith("-V02")
                republish = 0.29 <= fate < 0.33
                planned[on].append((obligation.node, item, obligation.key, not incomplete,
                                    not no_photo, republish))  # fmt: skip
        for node, item, key, complete, photo, republish in planned.pop(today, []):
            fields = list(item.required_fields)
            if not complete:
                fields = fields[: max(1, len(fields) - 1 - rng.randrange(2))]
            body = last_body.get((node.pk, item.pk)) if republish else None
            body = body or _body(rng, item, key, node.name)
            last_body[(node.pk, item.pk)] = body
            services.publication_capture(
                actor=officers.get(node.parent_id, supervisor), node=node,
                title=f"{node.name}{_title(item, key)}", published_on=today,
                url=f"https://zwgk.qinghe.example/cun/{node.code.lower()}/t{today:%Y%m%d}_{rng.randrange(10**5)}.html",
                body=body, fields=fields, has_photo=photo and item.photo_required,
                catalogue_item=item, key=key,
            )  # fmt: skip
        for lapse in services.check_run(on=today).lapses:
            if lapse.node_id in in_demo:
                steps[today + timedelta(days=rng.randrange(1, 4))].append(("decide", lapse.pk))
        for action, pk in steps.pop(today, []):
            _supervise(rng, action, Lapse.objects.select_related("item").get(pk=pk), officers,
                       liaisons, steps, today)  # fmt: skip
        if today >= last_day:
            break
        yield timedelta(days=1)
    loop.sweep()
    if stdout is not None:
        stdout.write(
            f"disclosure: {len(catalogue)} catalogue items, {len(villages)} villages, "
            f"{Lapse.objects.count()} lapses\n"
        )


def _supervise(rng, action, lapse, officers, liaisons, steps, today) -> None:
    item = lapse.item
    officer = officers.get(item.supervising_node_id)
    village = liaisons.get(lapse.node_id)
    if officer is None or village is None or not item.is_open:
        return
    if action == "decide" and item.state == "lit":
        if rng.random() < 0.12:
            loop.item_transition(item=item, name="dismiss", actor=officer,
                                 comment="经核实，该村已在公开栏按时公开，网上未同步，予以销号。")  # fmt: skip
            return
        if rng.random() < 0.85:
            loop.item_transition(
                item=item, name="suggest", actor=officer,
                comment=f"{lapse.get_kind_display()}：{lapse.detail}请于期限内整改并反馈。",
            )  # fmt: skip
            if rng.random() < 0.75:
                steps[today + timedelta(days=rng.randrange(2, 9))].append(("feedback", lapse.pk))
    elif action == "feedback" and item.state == "suggested":
        loop.item_transition(item=item, name="feedback", actor=village,
                             comment="已补充公开并张贴公开栏，附照片。")  # fmt: skip
        steps[today + timedelta(days=rng.randrange(1, 4))].append(("verify", lapse.pk))
    elif action == "verify" and item.state == "answered":
        if rng.random() < 0.2:
            loop.item_transition(item=item, name="return", actor=officer,
                                 comment="反馈材料不全，未附公开栏照片，请重新整改。")  # fmt: skip
            steps[today + timedelta(days=rng.randrange(2, 6))].append(("feedback", lapse.pk))
        else:
            loop.item_transition(item=item, name="verify", actor=officer)


SAMPLES = Path(__file__).resolve().parent / "samples"
DEMO_SOURCES = [
    # kind, address (never fetched: the demo reads the sample through the same adapter), sample,
    # configuration
    ("rss", "https://zwgk.qinghe.example/feed.rss", "feed.rss", {}),
    (
        "html",
        "https://zwgk.qinghe.example/gk/index.html",
        "list.html",
        {"item": "ul.notices li.row", "title": "a", "date": ".date", "body": ".summary"},
    ),
    (
        "json",
        "https://wx.qinghe.example/api/list",
        "notices.json",
        {"items": "data.list", "date": "publishTime", "body": "content"},
    ),
]


def _sources(villages: list[OrgNode], supervisor: Account) -> None:
    """Three villages publish through sources read from local sample files (no network): their
    last notices are old, so the check finds each source silent."""
    for node, (kind, url, sample, config) in zip(villages, DEMO_SOURCES, strict=False):
        source = services.source_save(
            actor=supervisor, node=node, name=f"{node.name} {kind}", kind=kind, url=url,
            config=config, cadence_days=20,
        )  # fmt: skip
        services.source_fetch(source=source, data=(SAMPLES / sample).read_bytes())

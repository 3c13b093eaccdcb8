"""The demonstration county 清河县: org tree, about 2,000 cadres, roles and one account per role."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from oversight.core.demo import DEMO_PASSWORD
from oversight.core.models import DictType
from oversight.lib import resident_id as rid

from . import services
from .dictionaries import dict_item_save, dict_type_save
from .models import Account, OrgNode, Person, Position, Role

T = OrgNode.Type
AREA = "130534"  # a county-level area code of Hebei, used for every demo resident ID

UNITS = [
    ("县委办公室", False),
    ("县政府办公室", False),
    ("县发展和改革局", False),
    ("县教育局", True),
    ("县科技和工业信息化局", False),
    ("县公安局", True),
    ("县民政局", True),
    ("县司法局", False),
    ("县财政局", False),
    ("县人力资源和社会保障局", True),
    ("县自然资源和规划局", True),
    ("县生态环境分局", False),
    ("县住房和城乡建设局", True),
    ("县交通运输局", False),
    ("县水利局", False),
    ("县农业农村局", True),
    ("县商务局", False),
    ("县文化广电和旅游局", False),
    ("县卫生健康局", True),
    ("县退役军人事务局", True),
    ("县应急管理局", False),
    ("县审计局", False),
    ("县国有资产服务中心", False),
    ("县市场监督管理局", True),
    ("县统计局", False),
    ("县医疗保障局", True),
    ("县城市管理综合行政执法局", True),
    ("县行政审批局", True),
    ("县信访局", True),
    ("县林业局", False),
    ("县乡村振兴局", False),
    ("县住房公积金管理中心", True),
    ("县不动产登记中心", True),
    ("县人民医院", True),
    ("县中医院", True),
    ("县第一中学", False),
    ("县融媒体中心", False),
    ("县档案馆", False),
    ("县供销合作社", False),
    ("县税务局", True),
]
DEPARTMENTS = ["办公室", "财务股", "业务股", "法规股"]
WINDOWS = ["综合受理窗口", "业务办理窗口", "咨询投诉窗口"]
TOWNS = [
    ("城关镇", 12),
    ("东关街道", 9),
    ("西关街道", 8),
    ("柳林镇", 14),
    ("王庄镇", 11),
    ("河西乡", 15),
    ("北营镇", 10),
    ("南屯乡", 13),
    ("马集镇", 9),
    ("石桥乡", 12),
]
VILLAGE_STEMS = [
    "张庄",
    "李屯",
    "王营",
    "刘集",
    "陈寨",
    "杨楼",
    "赵村",
    "黄庄",
    "周庄",
    "吴桥",
    "徐屯",
    "孙庄",
    "胡集",
    "朱营",
    "高村",
    "林庄",
    "何屯",
    "郭楼",
    "马庄",
    "罗寨",
    "梁村",
    "宋庄",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红海波宁鹏飞斌辉玲婷雪梅晨阳欣怡浩宇子涵嘉琪文博思远佳慧晓东春生玉珍德胜立新永福"
RANKS = [
    ("clerk", "科员", "Clerk"),
    ("deputy_section", "副科级", "Deputy section level"),
    ("section", "正科级", "Section level"),
    ("deputy_division", "副处级", "Deputy division level"),
    ("division", "正处级", "Division level"),
    ("staff", "工作人员", "Staff"),
]
UNIT_TITLES = [
    "局长",
    "副局长",
    "副局长",
    "股长",
    "副股长",
    "科员",
    "科员",
    "科员",
    "科员",
    "工作人员",
]
TOWN_TITLES = ["党委书记", "镇长", "纪委书记", "副镇长", "组织委员", "科员", "科员", "科员", "科员"]
VILLAGE_TITLES = ["党支部书记", "村委会主任", "村务监督委员会主任", "会计", "委员"]

VIEW = ["orgs:node:view", "orgs:person:view", "orgs:person:export"]
LEDGER = "ledger:audit:view"  # the trace of records in their scope, and receipts of closed files
ROLES = [
    # key, name, scope, permissions
    ("admin", "系统管理员", Role.Scope.ALL, ["*"]),
    ("leader", "纪委领导", Role.Scope.ALL, [*VIEW, "orgs:log:view", LEDGER]),
    ("supervisor", "监督检查干部", Role.Scope.ALL, [*VIEW, LEDGER]),
    ("stationed_officer", "派驻纪检组干部", Role.Scope.SUPERVISED, [*VIEW, LEDGER]),
    (
        "town_officer",
        "乡镇纪委干部",
        Role.Scope.OWN_AND_BELOW,
        [*VIEW, "orgs:node:edit", "orgs:person:edit", "orgs:account:view"],
    ),
    ("unit_clerk", "单位联络员", Role.Scope.OWN_AND_BELOW, [*VIEW, "orgs:person:edit"]),
    ("cadre", "党员干部", Role.Scope.SELF, []),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    """Create what is missing of the county; existing rows (matched by code) are left alone.

    Given the demo's ``history``, the tree is built at its start, before anything happens in it.
    """
    _dictionaries()
    nodes = _tree()
    people = _people(rng, nodes)
    _roles_and_accounts(nodes, people)
    _say(stdout, f"org tree: {OrgNode.objects.count()} nodes; people: {Person.objects.count()}")


def _dictionaries() -> None:
    rank = DictType.objects.filter(code="cadre_rank").first() or dict_type_save(
        dict_type=None,
        code="cadre_rank",
        name="职级",
        name_en="Cadre rank",
        description="干部职级 / ranks of cadres",
    )
    existing = set(rank.items.values_list("value", flat=True))
    for order, (value, label, label_en) in enumerate(RANKS):
        if value not in existing:
            dict_item_save(
                item=None, dict_type=rank, value=value, label=label, label_en=label_en, sort=order
            )


def _tree() -> dict[str, OrgNode]:
    nodes = {n.code: n for n in OrgNode.objects.filter(code__startswith="QH")}

    def ensure(code: str, name: str, type: str, parent: str | None, sort: int = 0) -> OrgNode:
        if code not in nodes:
            nodes[code] = services.node_create(
                name=name, code=code, type=type, parent=nodes[parent] if parent else None, sort=sort
            )
        return nodes[code]

    ensure("QH", "清河县", T.DISTRICT, None)
    ensure("QH-JW", "清河县纪委监委", T.COMMISSION, "QH", 1)
    for i, office in enumerate(["党风政风监督室", "信访室", "案件监督管理室", "第一监督检查室"], 1):
        ensure(f"QH-JW-O{i}", office, T.DEPARTMENT, "QH-JW", i)
    ensure("QH-XW", "中共清河县委员会", T.PARTY_COMMITTEE, "QH", 2)
    for i, (name, has_windows) in enumerate(UNITS, 1):
        code = f"QH-U{i:02d}"
        ensure(code, name, T.UNIT, "QH", 10 + i)
        for j, dept in enumerate(DEPARTMENTS[: 2 + i % 3], 1):
            ensure(f"{code}-D{j}", dept, T.DEPARTMENT, code, j)
        if has_windows:
            for j, window in enumerate(WINDOWS[: 1 + i % 3], 1):
                ensure(
                    f"{code}-W{j}",
                    f"{name.removeprefix('县')}{window}",
                    T.SERVICE_WINDOW,
                    code,
                    10 + j,
                )
    numerals = "一二三四五"
    for g in range(1, 6):
        group = ensure(
            f"QH-JW-G{g}", f"派驻第{numerals[g - 1]}纪检监察组", T.STATIONED_GROUP, "QH-JW", 10 + g
        )
        supervised = [nodes[f"QH-U{i:02d}"] for i in range(g, len(UNITS) + 1, 5)]
        if not group.supervises.exists():
            services.node_update(
                node=group,
                name=group.name,
                code=group.code,
                type=group.type,
                sort=group.sort,
                supervises=supervised,
            )
    stems = iter(VILLAGE_STEMS * 10)
    for t, (town, villages) in enumerate(TOWNS, 1):
        code = f"QH-T{t:02d}"
        ensure(code, town, T.TOWN, "QH", 100 + t)
        for v in range(1, villages + 1):
            stem = next(stems)
            kind = "社区" if town.endswith("街道") else "村"
            ensure(f"{code}-V{v:02d}", f"{stem}{kind}", T.VILLAGE, code, v)
    return nodes


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _people(rng: random.Random, nodes: dict[str, OrgNode]) -> dict[str, Person]:
    """About 2,000 cadres: staff of every unit, town and village, with their current posts."""
    plan: list[tuple[str, OrgNode, str]] = []  # (key, node, title)
    for code, node in sorted(nodes.items()):
        if node.type == T.UNIT:
            titles = UNIT_TITLES * 3
            count = 24 + rng.randrange(12)
        elif node.type == T.TOWN:
            titles = TOWN_TITLES * 4
            count = 26 + rng.randrange(10)
        elif node.type == T.VILLAGE:
            titles = VILLAGE_TITLES
            count = 3 + rng.randrange(3)
        elif node.type in (T.COMMISSION, T.STATIONED_GROUP):
            titles = ["纪检监察干部"] * 12
            count = 6 + rng.randrange(4)
        else:
            continue
        for k in range(count):
            plan.append((f"{code}#{k}", node, titles[k % len(titles)]))
    start = date(1962, 1, 1)
    wanted: dict[str, tuple[str, OrgNode, str]] = {}
    for index, (key, node, title) in enumerate(plan):
        born = start + timedelta(days=rng.randrange(365 * 38))
        number = rid.make(area=AREA, born=born, sequence=index % 1000, male=rng.random() < 0.62)
        wanted[number] = (key, node, title)
    existing = set(
        Person.objects.filter(resident_id__in=wanted).values_list("resident_id", flat=True)
    )
    rank_for = {
        "局长": "section",
        "党委书记": "section",
        "镇长": "section",
        "副局长": "deputy_section",
        "纪委书记": "deputy_section",
        "副镇长": "deputy_section",
        "股长": "clerk",
    }
    new_people = []
    for number, (_key, node, title) in wanted.items():
        if number in existing:
            continue
        new_people.append(
            Person(
                name=_name(rng),
                resident_id=number,
                gender=rid.gender(number),
                birth_date=rid.birth_date(number),
                org_node=node,
                rank=rank_for.get(title, "staff" if node.type == T.VILLAGE else "clerk"),
                phone=f"13{rng.randrange(10**9):09d}",
                is_cadre=True,
            )
        )
    Person.objects.bulk_create(new_people, batch_size=500)
    created = {p.resident_id for p in new_people}
    by_number = {p.resident_id: p for p in Person.objects.filter(resident_id__in=list(wanted))}
    Position.objects.bulk_create(
        [
            Position(
                person=by_number[number],
                org_node=wanted[number][1],
                title=wanted[number][2],
                is_leader=wanted[number][2] in rank_for,
                start_date=date(2016 + rng.randrange(9), 1 + rng.randrange(12), 1),
            )
            for number in sorted(created)
        ],
        batch_size=500,
    )
    return {
        key: by_number[number] for number, (key, _n, _t) in wanted.items() if number in by_number
    }


def grant_permissions(codes_by_role: Mapping[str, Iterable[str]]) -> None:
    """Give the demo roles (by key) the permission codes a later module's builder adds, through
    ``role_save`` (so the change is traced); a role that already holds them is left alone, and
    a role the county does not have is skipped. The one helper every builder uses."""
    for key, codes in codes_by_role.items():
        role = Role.objects.filter(key=key).prefetch_related("listed_nodes").first()
        if role is None or set(codes) <= set(role.permissions):
            continue
        services.role_save(
            role=role,
            key=role.key,
            name=role.name,
            permissions=sorted(set(role.permissions) | set(codes)),
            data_scope=role.data_scope,
            listed_nodes=list(role.listed_nodes.all()),
            sort=role.sort,
            is_active=role.is_active,
            remark=role.remark,
        )


def _roles_and_accounts(nodes: dict[str, OrgNode], people: dict[str, Person]) -> None:
    roles = {}
    for order, (key, name, scope, permissions) in enumerate(ROLES):
        role = Role.objects.filter(key=key).first()
        if role is None:
            role = services.role_save(
                role=None,
                key=key,
                name=name,
                permissions=permissions,
                data_scope=scope,
                listed_nodes=[],
                sort=order,
            )
        roles[key] = role
    accounts = [
        ("admin", "QH", "admin", None, "系统管理员"),
        ("leader", "QH-JW", "leader", "QH-JW#0", None),
        ("supervisor", "QH-JW", "supervisor", "QH-JW#1", None),
        ("group1", "QH-JW-G1", "stationed_officer", "QH-JW-G1#0", None),
        ("town1", "QH-T01", "town_officer", "QH-T01#2", None),
        ("clerk", "QH-U04", "unit_clerk", "QH-U04#5", None),
        ("cadre", "QH-U04", "cadre", "QH-U04#6", None),
    ]
    password_hash = make_password(DEMO_PASSWORD)
    # A liaison account for every unit and town (username = node code in lower case), so that
    # demonstration work items can be handled by the units they are assigned to.
    for code, node in sorted(nodes.items()):
        if node.type in (T.UNIT, T.TOWN) and code not in ("QH-U04", "QH-T01"):
            accounts.append(
                (
                    code.lower(),
                    code,
                    "town_officer" if node.type == T.TOWN else "unit_clerk",
                    None,
                    f"{node.name}联络员",
                )
            )
    for username, node_code, role_key, person_key, display in accounts:
        if Account.objects.filter(username=username).exists():
            continue
        person = people.get(person_key) if person_key else None
        account = services.account_save(
            account=None,
            username=username,
            display_name=display or (person.name if person else ""),
            org_node=nodes[node_code],
            person=person,
            roles=[roles[role_key]],
            password_hash=password_hash,
        )
        if username == "admin":
            services.account_make_superuser(account=account)

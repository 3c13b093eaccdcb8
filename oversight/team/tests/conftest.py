"""The test county's commission with a board: the specialty dictionary, three officers of the
commission with accounts (officer1 tagged finance and law, officer2 finance, officer3 none),
the supervisor publishing and verifying, and a second county whose commission's officer must
see nothing of the first. Today is Monday 2026-03-02."""

from types import SimpleNamespace

import pytest

from oversight.conftest import PASSWORD, make_person
from oversight.orgs import services as orgs
from oversight.orgs.dictionaries import dict_item_save, dict_type_save
from oversight.orgs.models import OrgNode, Role
from oversight.team import services
from oversight.team.models import SPECIALTY_DICT

OFFICER = ["team:task:claim", "team:profile:view", "loop:item:view", "loop:item:handle"]
PUBLISHER = [*OFFICER, "team:task:publish", "team:task:verify", "team:profile:edit"]
SPECIALTIES = [
    ("finance", "财务审计"),
    ("engineering", "工程项目"),
    ("law", "法律法规"),
    ("data", "数据分析"),
]


def officer_account(node, username, role):
    person = make_person(node, f"Officer {username}")
    account = orgs.account_save(
        account=None,
        username=username,
        display_name=username,
        org_node=node,
        person=person,
        roles=[role],
        password=PASSWORD,
    )
    return account


@pytest.fixture
def team(loop_county):
    c = loop_county
    kind = dict_type_save(dict_type=None, code=SPECIALTY_DICT, name="专长", name_en="Specialty")
    for order, (value, label) in enumerate(SPECIALTIES):
        dict_item_save(item=None, dict_type=kind, value=value, label=label, sort=order)
    c.role_supervisor.permissions = sorted(set(c.role_supervisor.permissions) | set(PUBLISHER))
    c.role_supervisor.save()
    c.supervisor.__dict__.pop("_perm_codes", None)
    c.role_officer = orgs.role_save(
        role=None,
        key="officer",
        name="officer",
        permissions=OFFICER,
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
    )
    c.officer1 = officer_account(c.commission, "officer1", c.role_officer)
    c.officer2 = officer_account(c.commission, "officer2", c.role_officer)
    c.officer3 = officer_account(c.commission, "officer3", c.role_officer)
    c.profile1 = services.profile_save(
        actor=c.supervisor, person=c.officer1.person, tags=["finance", "law"]
    )
    c.profile2 = services.profile_save(
        actor=c.supervisor, person=c.officer2.person, tags=["finance"]
    )
    c.profile3 = services.profile_save(actor=c.supervisor, person=c.officer3.person, tags=[])
    return c


@pytest.fixture
def elsewhere(team):
    """Another county's commission, its officer tagged finance, with the same role."""
    e = SimpleNamespace()
    e.county = orgs.node_create(name="County 2", code="D", type=OrgNode.Type.DISTRICT, parent=None)
    e.commission = orgs.node_create(
        name="Commission 2", code="D-JW", type=OrgNode.Type.COMMISSION, parent=e.county
    )
    e.officer = officer_account(e.commission, "far-officer", team.role_officer)
    e.publisher = orgs.account_save(
        account=None,
        username="far-publisher",
        display_name="far-publisher",
        org_node=e.commission,
        person=make_person(e.commission, "Far publisher"),
        roles=[
            orgs.role_save(
                role=None,
                key="far-publisher",
                name="far-publisher",
                permissions=PUBLISHER,
                data_scope=Role.Scope.OWN_AND_BELOW,
                listed_nodes=[],
            )
        ],
        password=PASSWORD,
    )
    e.profile = services.profile_save(actor=e.publisher, person=e.officer.person, tags=["finance"])
    return e


@pytest.fixture
def publish(team):
    def make(**kwargs):
        from datetime import date

        values = {
            "actor": team.supervisor,
            "title": "Audit the poverty-relief fund",
            "points": 10,
            "deadline": date(2026, 3, 20),
            "mode": "first_come",
            "publisher_node": team.commission,
            "places": 1,
            "tags": ["finance"],
        }
        values.update(kwargs)
        return services.task_publish(**values)

    return make


KNOWLEDGE = [
    ("eight_rules", "中央八项规定"),
    ("sanctions", "纪律处分条例"),
    ("integrity", "廉洁自律"),
]


@pytest.fixture
def learning(team):
    """The knowledge-point dictionary, a course with a lesson per point, and a bank of 12
    questions: for each point, one of each kind at difficulty 1 (plus a second single choice
    at difficulty 2 for eight_rules). The supervisor edits; the officers learn."""
    from oversight.team import learning as services_learning
    from oversight.team.models import KNOWLEDGE_DICT

    c = team
    kind = dict_type_save(dict_type=None, code=KNOWLEDGE_DICT, name="知识点")
    for order, (value, label) in enumerate(KNOWLEDGE):
        dict_item_save(item=None, dict_type=kind, value=value, label=label, sort=order)
    for role in (c.role_supervisor, c.role_officer):
        extra = {"team:course:learn"} | (
            {"team:course:edit"} if role is c.role_supervisor else set()
        )
        role.permissions = sorted(set(role.permissions) | extra)
        role.save()
    for account in (c.supervisor, c.officer1, c.officer2, c.officer3):
        account.__dict__.pop("_perm_codes", None)
    c.course = services_learning.course_add(
        actor=c.supervisor, title="Party discipline", owner_node=c.commission
    )
    c.lessons = {
        point: services_learning.lesson_add(
            actor=c.supervisor,
            course=c.course,
            title=f"Lesson on {point}",
            kind="video",
            minutes=10,
            knowledge_point=point,
        )  # fmt: skip
        for point, _label in KNOWLEDGE
    }
    c.questions = {}
    for point, _label in KNOWLEDGE:
        c.questions[point] = [
            services_learning.question_add(
                actor=c.supervisor, owner_node=c.commission, text=f"{point} single",
                kind="single", options=["a", "b", "c"], answer=[1], knowledge_point=point,
                difficulty=1,
            ),
            services_learning.question_add(
                actor=c.supervisor, owner_node=c.commission, text=f"{point} multiple",
                kind="multiple", options=["a", "b", "c", "d"], answer=[0, 2],
                knowledge_point=point, difficulty=1,
            ),
            services_learning.question_add(
                actor=c.supervisor, owner_node=c.commission, text=f"{point} true",
                kind="true_false", options=[], answer=[0], knowledge_point=point, difficulty=1,
            ),
            services_learning.question_add(
                actor=c.supervisor, owner_node=c.commission, text=f"{point} fill",
                kind="fill", options=[], answer=["Eight", "八项"], knowledge_point=point,
                difficulty=1,
            ),
        ]  # fmt: skip
    c.questions["eight_rules"].append(
        services_learning.question_add(
            actor=c.supervisor,
            owner_node=c.commission,
            text="eight_rules hard",
            kind="single",
            options=["a", "b"],
            answer=[0],
            knowledge_point="eight_rules",
            difficulty=2,
        )  # fmt: skip
    )
    return c

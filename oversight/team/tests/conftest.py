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

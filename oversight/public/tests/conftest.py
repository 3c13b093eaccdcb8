"""Fixtures of the public channel: keys of its own, a small-power list on the test county, the
public-channel roles, and helpers to file complaints and move them along."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Role
from oversight.public import keys
from oversight.public import services as public
from oversight.public.models import PowerCategory, PowerItem

INTAKE = [
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
    "loop:item:view",
    "loop:item:export",
]
HANDLER = [
    "public:complaint:view",
    "public:complaint:handle",
    "public:complaint:export",
    "loop:item:view",
]


@pytest.fixture(autouse=True)
def public_keys(settings):
    settings.PUBLIC_IDENTITY_KEYS = "t2:" + "22" * 32 + ",t1:" + "11" * 32
    settings.PUBLIC_LOOKUP_KEY = "33" * 32
    keys._load.cache_clear()
    cache.clear()
    yield
    keys._load.cache_clear()
    cache.clear()


@pytest.fixture
def pc(loop_county):
    """The test county with a small-power list and the public channel's roles:
    ``intake`` at the commission (accepts, routes, reviews), ``guardian`` (may see identities),
    the town and unit officers handle what is routed to them."""
    c = loop_county
    c.category = PowerCategory.objects.create(code="C1", name="Village affairs")
    c.item_town = PowerItem.objects.create(
        category=c.category,
        code="V01",
        name="Subsidy distribution",
        responsible_node=c.town1,
        limit_days=10,
    )
    c.item_unit = PowerItem.objects.create(
        category=c.category, code="U01", name="Licence approval", responsible_node=c.unit_a
    )
    c.item_village = PowerItem.objects.create(
        category=c.category, code="V02", name="Village finances"
    )
    c.hidden_item = PowerItem.objects.create(
        category=c.category, code="H01", name="Hidden", published=False
    )
    grant_permissions({role.key: HANDLER for role in (c.role_town, c.role_clerk)})
    for role in (c.role_town, c.role_clerk):
        role.refresh_from_db()
    c.role_intake = org_services.role_save(
        role=None,
        key="intake",
        name="intake",
        permissions=INTAKE,
        data_scope=Role.Scope.ALL,
        listed_nodes=[],
    )
    c.intake = org_services.account_save(
        account=None,
        username="intake",
        display_name="intake",
        org_node=c.commission,
        person=None,
        roles=[c.role_intake],
        password="a-long-test-password",
    )
    c.role_guardian = org_services.role_save(
        role=None,
        key="guardian",
        name="guardian",
        permissions=[*INTAKE, "public:identity:view"],
        data_scope=Role.Scope.ALL,
        listed_nodes=[],
    )
    c.guardian = org_services.account_save(
        account=None,
        username="guardian",
        display_name="guardian",
        org_node=c.commission,
        person=None,
        roles=[c.role_guardian],
        password="a-long-test-password",
    )
    c.point = public.point_for(c.window_a2)
    return c


def citizen() -> Client:
    """A phone's browser: it has been given the random session cookie by a first page."""
    client = Client()
    client.get("/p/")
    return client


def file_complaint(pc, **overrides):
    data = dict(
        content="The clerk asked for a fee.", power_item=pc.item_town, subject_node=pc.village1a
    )
    data.update(overrides)
    return public.complaint_submit(**data)

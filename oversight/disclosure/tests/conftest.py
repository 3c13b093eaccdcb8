"""The test county's villages owe a quarterly village-affairs notice (fields 收入、支出, a photo
of the notice board) and a monthly finance notice; towns supervise their villages. Today is
Monday 2026-03-02 (the loop's frozen day)."""

import pytest

from oversight.disclosure import services
from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Role

from .test_sources import server  # noqa: F401 (the loopback server, shared)

ALL = [
    "disclosure:view",
    "disclosure:catalogue:edit",
    "disclosure:publication:capture",
    "disclosure:lapse:supervise",
]
TOWN = [
    "disclosure:view",
    "disclosure:publication:capture",
    "disclosure:lapse:supervise",
    "documents:document:view",
    "documents:document:issue",
]


@pytest.fixture
def disclosure_county(loop_county):
    c = loop_county
    grant_permissions({"supervisor": ALL, "town": TOWN})
    c.role_village = org_services.role_save(
        role=None,
        key="village",
        name="village",
        permissions=["loop:item:view", "loop:item:handle"],
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
    )
    c.village1a_clerk = org_services.account_save(
        account=None,
        username="village1a",
        display_name="village1a",
        org_node=c.village1a,
        person=None,
        roles=[c.role_village],
        password="x-Village-1a-password",
    )
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.admin):
        account.__dict__.pop("_perm_codes", None)
    c.quarterly = services.catalogue_item_save(
        actor=c.supervisor,
        title="村务公开",
        category="village",
        area="general",
        unit_type="village",
        frequency="quarterly",
        required_fields="收入、支出",
        photo_required=True,
        keywords="村务公开",
    )
    c.monthly = services.catalogue_item_save(
        actor=c.supervisor,
        title="财务收支公开",
        category="finance",
        area="general",
        unit_type="village",
        frequency="monthly",
        required_fields=["收入", "支出", "结余"],
        keywords="财务公开,财务收支",
    )
    return c

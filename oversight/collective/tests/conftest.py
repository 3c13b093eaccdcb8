"""The test county's villages 1a (Town 1) and 2a (Town 2) keep collectives; towns keep and
supervise their villages' books. Today is Monday 2026-03-02 (the loop's frozen day)."""

import pytest

from oversight.collective import services
from oversight.orgs.demo import grant_permissions

ALL = ["collective:view", "collective:record", "collective:anomaly:supervise"]


@pytest.fixture
def collective_county(loop_county):
    c = loop_county
    grant_permissions({"supervisor": ALL, "town": ALL})
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.admin):
        account.__dict__.pop("_perm_codes", None)
    c.coll1 = services.collective_save(actor=c.supervisor, node=c.village1a, name="一村经济合作社")
    c.coll2 = services.collective_save(actor=c.supervisor, node=c.village2a, name="二村经济合作社")
    return c


VILLAGE = ["collective:view", "collective:record", "loop:item:view", "loop:item:handle"]


@pytest.fixture
def review_county(collective_county):
    """Village clerks of 1a, 1b (Town 1) and 2a (Town 2); the towns review."""
    from oversight.conftest import PASSWORD
    from oversight.orgs import services as orgs
    from oversight.orgs.models import Role

    c = collective_county
    grant_permissions({"town": [*ALL, "collective:review"]})
    role = orgs.role_save(
        role=None,
        key="village_clerk",
        name="village clerk",
        permissions=VILLAGE,
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
    )

    def clerk(username, node):
        return orgs.account_save(
            account=None,
            username=username,
            display_name=username,
            org_node=node,
            person=None,
            roles=[role],
            password=PASSWORD,
        )

    c.clerk1a = clerk("clerk1a", c.village1a)
    c.clerk1b = clerk("clerk1b", c.village1b)
    c.clerk2a = clerk("clerk2a", c.village2a)
    c.coll1b = services.collective_save(actor=c.supervisor, node=c.village1b, name="一村乙合作社")
    for account in (c.town1_officer, c.town2_officer):
        account.__dict__.pop("_perm_codes", None)
    return c

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

"""A year's duty list for the test county: two areas, a quarterly item (60 points) and one due
once on 2026-03-10 (40 points); today is Monday 2026-03-02."""

from datetime import date
from decimal import Decimal

import pytest

from oversight.duties import services

DUTIES = [
    "duties:list:view",
    "duties:template:edit",
    "duties:list:issue",
    "duties:report:score",
    "duties:assessment:manage",
]


@pytest.fixture
def duties_county(loop_county):
    c = loop_county
    c.role_supervisor.permissions = sorted(set(c.role_supervisor.permissions) | set(DUTIES))
    c.role_supervisor.save()
    for role in (c.role_town, c.role_clerk):
        role.permissions = sorted(set(role.permissions) | {"duties:list:view"})
        role.save()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    return c


@pytest.fixture
def duty_list(duties_county):
    c = duties_county
    duty_list = services.list_create(
        actor=c.supervisor,
        kind="principal",
        title="Principal responsibility",
        year=2026,
        owner_node=c.commission,
    )
    study = services.area_add(actor=c.supervisor, duty_list=duty_list, title="Study")
    plan = services.area_add(actor=c.supervisor, duty_list=duty_list, title="Planning")
    services.item_add(
        actor=c.supervisor,
        area=study,
        title="Hold a study session",
        points=Decimal(60),
        schedule="quarterly",
        due_day=10,
        requirement="Study the rules each quarter.",
    )
    services.item_add(
        actor=c.supervisor,
        area=plan,
        title="Write the year's plan",
        points=Decimal(40),
        schedule="once",
        due_on=date(2026, 3, 10),
        evidence="The plan, signed.",
    )
    return duty_list

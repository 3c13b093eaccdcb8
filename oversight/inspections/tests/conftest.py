"""An inspection round of the test county: the commission inspects Town 1 and Unit B; Town 1
has one finding. Today is Monday 2026-03-02."""

from datetime import date

import pytest

from oversight.inspections import services

INSPECTIONS = [
    "inspections:round:view",
    "inspections:round:edit",
    "inspections:task:verify",
    "documents:document:issue",
    "documents:document:view",
]
UNIT = ["inspections:round:view", "inspections:report:sign"]


@pytest.fixture
def inspections_county(loop_county):
    c = loop_county
    c.role_supervisor.permissions = sorted(set(c.role_supervisor.permissions) | set(INSPECTIONS))
    c.role_supervisor.save()
    for role in (c.role_town, c.role_clerk):
        role.permissions = sorted(set(role.permissions) | set(UNIT))
        role.save()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.clerk, c.town1_leader):
        account.__dict__.pop("_perm_codes", None)
    return c


@pytest.fixture
def round_(inspections_county):
    c = inspections_county
    return services.round_create(
        actor=c.supervisor,
        kind="patrol",
        year=2026,
        number=1,
        title="2026 first patrol",
        inspecting_node=c.commission,
        group="Group 1",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 2, 13),
    )


@pytest.fixture
def town1_unit(inspections_county, round_):
    return services.unit_add(
        actor=inspections_county.supervisor, round=round_, node=inspections_county.town1
    )


@pytest.fixture
def finding(inspections_county, town1_unit):
    return services.finding_add(
        actor=inspections_county.supervisor,
        unit=town1_unit,
        category="funds",
        description="Village funds paid without approval",
        evidence="Ledger of 2025, vouchers 12-19",
    )


@pytest.fixture
def task(inspections_county, finding):
    c = inspections_county
    return services.task_assign(
        actor=c.supervisor,
        finding=finding,
        measure="Recover the payments and set up approval",
        deadline=date(2026, 4, 30),
        leader=c.p_town1,
        department=c.village1a,
    )

"""The test county's commission with an indicator system for units: two aspects (60 and 40
points), leaves fed by a measure, a manual rating and a survey aspect."""

from decimal import Decimal

import pytest
from django.utils import translation

from oversight.ecology import services

ECOLOGY = [
    "ecology:system:view",
    "ecology:system:edit",
    "ecology:round:run",
    "ecology:rating:enter",
]


def grant(role, codes):
    role.permissions = sorted(set(role.permissions) | set(codes))
    role.save()


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def eco_county(loop_county):
    c = loop_county
    grant(c.role_supervisor, [*ECOLOGY, "documents:document:draft", "documents:document:view"])
    grant(c.role_town, ["ecology:system:view"])
    grant(c.role_clerk, ["ecology:system:view"])
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    return c


@pytest.fixture
def system(eco_county):
    c = eco_county
    system = services.system_create(
        actor=c.supervisor,
        subject="unit",
        year=2026,
        title="Unit portraits",
        owner_node=c.commission,
    )
    duty = services.indicator_add(
        actor=c.supervisor, system=system, title="Duty", weight=Decimal(60)
    )
    services.indicator_add(
        actor=c.supervisor,
        system=system,
        parent=duty,
        title="Work opened",
        weight=Decimal(40),
        source="measure",
        measure_id="loop.opened",
        rule="deduction",
        params={"per": Decimal(10)},
    )
    services.indicator_add(
        actor=c.supervisor,
        system=system,
        parent=duty,
        title="Leader's study",
        weight=Decimal(20),
        source="manual",
        rater_role="Commission office",
        rule="average",
    )
    style = services.indicator_add(
        actor=c.supervisor, system=system, title="Style", weight=Decimal(40)
    )
    services.indicator_add(
        actor=c.supervisor,
        system=system,
        parent=style,
        title="Staff's view",
        weight=Decimal(40),
        source="survey",
        survey_aspect="Integrity",
        rule="average",
    )
    return system

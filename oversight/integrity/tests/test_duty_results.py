"""The file's part on duty assessments: the year-end results of the person's units, read from
``duties`` and linked to their page (not copied); a unit the person left is not shown, and an
officer sees only the results within their scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from oversight.conftest import client_for
from oversight.duties.models import Assessment, AssessmentResult, DutyList, UnitList
from oversight.integrity import selectors, services
from oversight.orgs.models import Position

pytestmark = pytest.mark.django_db

D = datetime.date


def _result(c, node, year, grade, percent):
    duty_list = DutyList.objects.create(
        kind="principal", title=f"Principal duties {year} {node.name}", year=year,
        owner_node=c.commission,
    )  # fmt: skip
    unit_list = UnitList.objects.create(
        duty_list=duty_list, node=node, supervising_node=c.commission
    )
    assessment = Assessment.objects.create(
        duty_list=duty_list,
        method="thresholds",
        frozen_on=D(year, 12, 31),
        appeal_until=D(year + 1, 1, 15),
    )
    return AssessmentResult.objects.create(
        assessment=assessment,
        unit_list=unit_list,
        node=node,
        earned=Decimal(percent),
        possible=Decimal(100),
        percent=Decimal(percent),
        grade=grade,
    )


def test_the_file_links_the_units_year_end_duty_results(icounty):
    c = icounty
    own = _result(c, c.town1, 2025, "good", 82)
    Position.objects.create(
        person=c.p_town1, org_node=c.village1a, title="Secretary", start_date=D(2024, 1, 1)
    )
    held = _result(c, c.village1a, 2025, "fair", 65)
    Position.objects.create(
        person=c.p_town1,
        org_node=c.town2,
        title="Former deputy",
        start_date=D(2018, 1, 1),
        end_date=D(2020, 12, 31),
    )
    left = _result(c, c.town2, 2025, "excellent", 95)
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    shown = selectors.file_of(viewer=c.supervisor, view=view, on=D(2026, 3, 2)).duty_results
    assert {r.pk for r in shown} == {own.pk, held.pk}
    assert left.pk not in {r.pk for r in shown}
    page = client_for(c.supervisor).get(reverse("integrity:file_detail", args=[view.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("duties:result_detail", args=[own.pk]) in html
    assert reverse("duties:result_detail", args=[held.pk]) in html
    assert reverse("duties:result_detail", args=[left.pk]) not in html


def test_an_officer_sees_only_the_results_within_their_scope(icounty):
    c = icounty
    Position.objects.create(
        person=c.p_town1, org_node=c.town2, title="Acting head", start_date=D(2025, 1, 1)
    )
    inside = _result(c, c.town1, 2025, "good", 82)
    outside = _result(c, c.town2, 2025, "poor", 40)
    view = services.file_open(actor=c.town1_officer, person=c.p_town1, reason="complaint check")
    shown = selectors.file_of(viewer=c.town1_officer, view=view, on=D(2026, 3, 2)).duty_results
    assert [r.pk for r in shown] == [inside.pk]
    assert outside.pk not in [r.pk for r in shown]

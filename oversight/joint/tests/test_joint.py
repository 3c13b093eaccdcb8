"""Joint supervision: a plan of three departments (the commission, Town 1's office and Unit A)
over Unit B and Village 2a. Each department sees its own findings and what is shared; a
department outside the plan (Town 2) sees none of it; hand-overs run on the loop with their
acceptance and feedback deadlines. Today is Monday 2026-03-02."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from oversight.conftest import client_for, refusal_codes
from oversight.joint import selectors, services
from oversight.joint.models import JointFinding
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import Reminder

pytestmark = pytest.mark.django_db

MEMBER = ["joint:plan:view", "joint:finding:record"]


@pytest.fixture
def county(loop_county):
    c = loop_county
    c.role_supervisor.permissions = sorted(
        set(c.role_supervisor.permissions) | {*MEMBER, "joint:plan:edit"}
    )
    c.role_supervisor.save()
    for role in (c.role_town, c.role_clerk):
        role.permissions = sorted(
            set(role.permissions) | set(MEMBER) | {"loop:item:view", "loop:item:handle"}
        )
        role.save()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    return c


@pytest.fixture
def plan(county):
    c = county
    return services.plan_create(
        actor=c.supervisor,
        title="Rural funds 2026",
        lead=c.commission,
        members=[c.town1, c.unit_a],
        units=[c.unit_b, c.village2a],
        themes="Subsidies and collective funds",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
    )


@pytest.fixture
def findings(county, plan):
    c = county
    hidden = services.finding_record(
        actor=c.town1_officer, plan=plan, unit=c.unit_b, description="Invoices split", shared=False
    )
    shared = services.finding_record(
        actor=c.clerk, plan=plan, unit=c.unit_b, description="Payroll includes the dead"
    )
    return hidden, shared


def test_each_department_sees_its_own_and_what_is_shared(county, plan, findings):
    c = county
    hidden, shared = findings
    assert hidden.department == c.town1 and shared.department == c.unit_a
    assert set(selectors.finding_list(viewer=c.town1_officer, plan=plan)) == {hidden, shared}
    assert list(selectors.finding_list(viewer=c.clerk, plan=plan)) == [shared]
    assert set(selectors.finding_list(viewer=c.supervisor, plan=plan)) == {hidden, shared}
    members = list(plan.members.order_by("path"))
    picture = {
        row["unit"]: dict(zip(members, row["cells"], strict=True))
        for row in selectors.combined(viewer=c.clerk, plan=plan)
    }
    assert picture[c.unit_b] == {c.commission: [], c.town1: [], c.unit_a: [shared]}
    assert picture[c.village2a] == {c.commission: [], c.town1: [], c.unit_a: []}


def test_a_department_outside_the_plan_sees_none_of_it(county, plan, findings):
    c = county
    outsider = client_for(c.town2_officer)
    assert list(selectors.plan_list(viewer=c.town2_officer)) == []
    assert list(selectors.finding_list(viewer=c.town2_officer)) == []
    assert outsider.get(reverse("joint:plan_detail", args=[plan.pk])).status_code == 404
    assert outsider.get(reverse("joint:finding_list", args=[plan.pk])).status_code == 404
    assert (
        outsider.get(reverse("joint:finding_list", args=[plan.pk]) + "?export=xlsx").status_code
        == 404
    )
    assert "Rural funds 2026" not in outsider.get(reverse("joint:plan_list")).content.decode()
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=c.town2_officer, plan=plan, unit=c.unit_b, description="Looked anyway"
        )
    member = client_for(c.clerk).get(reverse("joint:finding_list", args=[plan.pk]) + "?export=xlsx")
    assert load_workbook(BytesIO(member.content)).active.max_row == 2  # the header and shared


def test_a_hand_over_is_accepted_handled_and_reported_back(county, plan, findings):
    c = county
    hidden, _shared = findings
    with pytest.raises(ValidationError) as refused:
        services.handover(
            actor=c.town1_officer,
            finding=hidden,
            to_department=c.unit_a,
            feedback_by=date(2026, 3, 9),
        )
    assert refusal_codes(refused.value) == {"feedback_by": ["too_soon"]}
    with pytest.raises(ValidationError) as refused:
        services.handover(
            actor=c.town1_officer,
            finding=hidden,
            to_department=c.town2,
            feedback_by=date(2026, 4, 1),
        )
    assert refusal_codes(refused.value) == {"to_department": ["not_member"]}
    with pytest.raises(PermissionDenied):
        services.handover(
            actor=c.clerk, finding=hidden, to_department=c.unit_a, feedback_by=date(2026, 4, 1)
        )
    row = services.handover(
        actor=c.town1_officer, finding=hidden, to_department=c.unit_a, feedback_by=date(2026, 4, 1)
    )
    item = row.item
    assert (item.kind, item.state, item.responsible_node, item.supervising_node) == (
        "joint.handover", "handed_over", c.unit_a, c.town1,
    )  # fmt: skip
    assert item.step_deadline == date(2026, 3, 9)  # accepted within 5 working days
    assert item.final_deadline == date(2026, 4, 1)
    # the receiving department now sees the finding handed to it, shared or not
    assert hidden in selectors.finding_list(viewer=c.clerk, plan=plan)
    loop.sweep(on=date(2026, 3, 10))  # not accepted in time: escalated
    assert Reminder.objects.filter(item=item, type=Reminder.Type.ESCALATION).exists()
    item = loop.item_transition(item=item, name="accept", actor=c.clerk)
    item = loop.item_transition(item=item, name="report", actor=c.clerk, comment="Recovered.")
    item = loop.item_transition(item=item, name="confirm", actor=c.town1_officer)
    assert item.state == "closed"
    assert [m for m in verify_ledger().mismatches if m.table.startswith("joint")] == []


def test_bad_plans_and_findings_are_refused(county, plan):
    c = county
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            actor=c.supervisor, title="", lead=c.commission, members=[c.commission], units=[],
            starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1),
        )  # fmt: skip
    assert refusal_codes(refused.value) == {
        "title": ["required"],
        "members": ["too_few"],
        "units": ["required"],
        "ends_on": ["before_start"],
    }
    with pytest.raises(ValidationError) as refused:
        services.finding_record(actor=c.clerk, plan=plan, unit=c.town2, description=" ")
    assert refusal_codes(refused.value) == {"unit": ["not_in_plan"], "description": ["required"]}
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=c.clerk, title="x", lead=c.unit_a, members=[c.town1], units=[c.unit_b],
            starts_on=date(2026, 3, 1), ends_on=date(2026, 4, 1),
        )  # fmt: skip
    assert not JointFinding.objects.exists()


def test_the_picture_shows_the_units_figures_as_measures(county, plan, findings, today):
    c = county
    loop.item_open(
        kind="matters.task",
        title="Late task",
        actor=c.supervisor,
        responsible_node=c.unit_b,
        supervising_node=c.commission,
        final_deadline=date(2026, 3, 3),
    )
    today(date(2026, 3, 5))
    loop.sweep(on=date(2026, 3, 5))  # overdue: red
    picture = {
        row["unit"]: {m.id: f.value for m, f in row["figures"]}
        for row in selectors.combined(viewer=c.supervisor, plan=plan, on=date(2026, 3, 5))
    }
    assert picture[c.unit_b]["loop.overdue"] == 1
    assert picture[c.village2a]["loop.overdue"] == 0
    # figures obey the viewer's scope: Unit A's clerk does not see Unit B's work
    clerk = {
        row["unit"]: {m.id: f.value for m, f in row["figures"]}
        for row in selectors.combined(viewer=c.clerk, plan=plan, on=date(2026, 3, 5))
    }
    assert clerk[c.unit_b] == {"loop.overdue": 0}


def test_the_pages(county, plan, findings):
    c = county
    client = client_for(c.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("joint:plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Payroll includes the dead" in text and "Invoices split" not in text
    response = client.post(
        reverse("joint:finding_record", args=[plan.pk]), {"unit": c.unit_b.pk, "description": ""}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("joint:finding_record", args=[plan.pk]),
        {"unit": c.unit_b.pk, "description": "Tender split", "shared": "on"},
    )
    assert response.status_code == 302

"""Rounds, findings and rectification tasks: the state flow of a task through the loop, the five
lists, refusals with their codes, copy notices, and every row traced in the ledger."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from oversight.conftest import refusal_codes
from oversight.documents.models import Document
from oversight.inspections import selectors, services
from oversight.inspections.models import Finding, InspectedUnit, Task
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused

pytestmark = pytest.mark.django_db


def test_it_runs_a_task_from_assignment_to_closure_against_the_list(inspections_county, task):
    c = inspections_county
    item = task.item
    assert (item.kind, item.state, item.responsible_node, item.supervising_node) == (
        "inspections.rectification",
        "assigned",
        c.town1,
        c.commission,
    )
    item = loop.item_transition(item=item, name="start", actor=c.town1_officer)
    assert item.state == "rectifying"
    with pytest.raises(TransitionRefused):  # the unit cannot verify its own work
        loop.item_transition(item=item, name="verify", actor=c.town1_officer)
    item = loop.item_transition(
        item=item, name="report", actor=c.town1_officer, comment="Half recovered."
    )
    item = loop.item_transition(
        item=item, name="return", actor=c.supervisor, comment="Recover the rest."
    )
    assert item.state == "rectifying"
    # the return issues a rectification notice with its serial number, to the unit
    notice = Document.objects.get(doc_type="rectification_notice", target_id=str(item.pk))
    assert notice.recipient_unit == c.town1.name
    item = loop.item_transition(
        item=item, name="report", actor=c.town1_officer, comment="All 8 payments recovered."
    )
    item = loop.item_transition(item=item, name="verify", actor=c.supervisor)
    task.refresh_from_db()
    assert item.state == "closed" and item.closed_on_time is True
    assert task.result == "All 8 payments recovered."
    assert task.reported_on == task.verified_on == date(2026, 3, 2)
    mismatches = [m for m in verify_ledger().mismatches if m.table.startswith("inspections")]
    assert mismatches == []


def test_the_five_lists_come_from_the_unit_and_its_tasks(inspections_county, task, town1_unit):
    c = inspections_county
    second = services.task_assign(
        actor=c.supervisor,
        finding=task.finding,
        measure="Train the village accountants",
        deadline=date(2026, 3, 20),
        immediate=True,
    )
    rows = list(
        selectors.task_list(viewer=c.supervisor, filters=selectors.TaskFilters(unit=town1_unit))
    )
    assert [(t.finding.description, t.measure, t.leader, t.department) for t in rows] == [
        ("Village funds paid without approval", task.measure, c.p_town1, c.village1a),
        ("Village funds paid without approval", second.measure, None, None),
    ]
    assert second.item.priority == 1


def test_it_refuses_bad_tasks_with_codes(inspections_county, finding):
    c = inspections_county
    with pytest.raises(ValidationError) as refused:
        services.task_assign(
            actor=c.supervisor,
            finding=finding,
            measure=" ",
            deadline=date(2026, 3, 1),
            leader=c.p_town2,
            department=c.village2a,
        )
    assert refusal_codes(refused.value) == {
        "measure": ["required"],
        "deadline": ["past"],
        "leader": ["outside_unit"],
        "department": ["outside_unit"],
    }
    with pytest.raises(ValidationError) as refused:
        services.task_assign(
            actor=c.supervisor,
            finding=finding,
            measure="Fix it now",
            deadline=date(2026, 4, 30),
            immediate=True,
        )
    assert refusal_codes(refused.value) == {"deadline": ["too_late_for_immediate"]}
    with pytest.raises(PermissionDenied):
        services.task_assign(
            actor=c.town1_officer, finding=finding, measure="x", deadline=date(2026, 4, 30)
        )
    assert not Task.objects.exists()


def test_it_refuses_bad_rounds_and_units_with_codes(inspections_county, round_, town1_unit):
    c = inspections_county
    with pytest.raises(ValidationError) as refused:
        services.round_create(
            actor=c.supervisor,
            kind="raid",
            year=1999,
            number=0,
            title="",
            inspecting_node=c.commission,
            group="",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
        )
    assert refusal_codes(refused.value) == {
        "kind": ["invalid"],
        "year": ["out_of_range"],
        "number": ["invalid"],
        "title": ["required"],
        "group": ["required"],
        "ends_on": ["before_start"],
    }
    with pytest.raises(ValidationError) as refused:
        services.round_create(
            actor=c.supervisor,
            kind="patrol",
            year=2026,
            number=1,
            title="Again",
            inspecting_node=c.commission,
            group="Group 2",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 2, 13),
        )
    assert refusal_codes(refused.value) == {"number": ["exists"]}
    with pytest.raises(ValidationError) as refused:
        services.unit_add(actor=c.supervisor, round=round_, node=c.town1)
    assert refusal_codes(refused.value) == {"node": ["exists"]}
    with pytest.raises(ValidationError) as refused:
        services.unit_add(actor=c.supervisor, round=round_, node=c.unit_b, head=c.p_town1)
    assert refusal_codes(refused.value) == {"head": ["outside_unit"]}
    with pytest.raises(ValidationError) as refused:
        services.finding_add(actor=c.supervisor, unit=town1_unit, category="x", description="")
    assert refusal_codes(refused.value) == {"category": ["invalid"], "description": ["required"]}
    assert InspectedUnit.objects.count() == 1 and not Finding.objects.exists()


def test_findings_are_numbered_per_unit(inspections_county, town1_unit, finding):
    c = inspections_county
    again = services.finding_add(
        actor=c.supervisor, unit=town1_unit, category="discipline", description="Banquets"
    )
    assert (finding.number, again.number) == (1, 2)


def test_a_copy_notice_goes_to_the_department_and_joins_the_timeline(inspections_county, task):
    c = inspections_county
    document = services.copy_notice_issue(actor=c.supervisor, task=task)
    assert (document.doc_type, document.recipient_unit) == ("copy_notice", c.village1a.name)
    assert document.receipts.get().node == c.village1a
    assert c.p_town1.name in document.content["body"]
    assert task.item.events.filter(data__document=document.pk).exists()
    with pytest.raises(PermissionDenied):
        services.copy_notice_issue(actor=c.town1_officer, task=task)


def test_completion_per_unit_and_category(inspections_county, round_, task):
    c = inspections_county
    unit_b = services.unit_add(actor=c.supervisor, round=round_, node=c.unit_b)
    other = services.finding_add(
        actor=c.supervisor, unit=unit_b, category="discipline", description="Cars"
    )
    services.task_assign(
        actor=c.supervisor, finding=other, measure="Return the car", deadline=date(2026, 3, 31)
    )
    item = loop.item_transition(
        item=task.item, name="report", actor=c.town1_officer, comment="Done"
    )
    loop.item_transition(item=item, name="verify", actor=c.supervisor)
    by_unit = {r.label: (r.tasks, r.closed, r.rate) for r in selectors.completion(
        viewer=c.supervisor, round=round_, by="unit")}  # fmt: skip
    assert by_unit == {"Town 1": (1, 1, 100.0), "Unit B": (1, 0, 0.0)}
    by_category = {r.key: (r.tasks, r.closed) for r in selectors.completion(
        viewer=c.supervisor, round=round_, by="category")}  # fmt: skip
    assert by_category == {"funds": (1, 1), "discipline": (1, 0)}
    # Town 1 sees its own unit only
    assert [r.label for r in selectors.completion(viewer=c.town1_officer, round=round_)] == [
        "Town 1"
    ]


def test_the_round_summary_is_a_word_document_with_the_rates(inspections_county, round_, task):
    c = inspections_county
    with pytest.raises(PermissionDenied):
        services.round_summary_issue(actor=c.town1_officer, round=round_)
    item = loop.item_transition(
        item=task.item, name="report", actor=c.town1_officer, comment="Done"
    )
    loop.item_transition(item=item, name="verify", actor=c.supervisor)
    with translation.override("en"):
        document = services.round_summary_issue(actor=c.supervisor, round=round_)
    assert (document.doc_type, document.recipient_unit) == ("inspection_summary", "County")
    assert document.file.name.endswith(".docx") and document.size > 0
    body = document.content["body"]
    assert "1 rectification tasks, 1 verified and closed, 0 overdue" in body
    assert "Town 1: 1 tasks, 1 closed (100.0%), 0 overdue." in body


def test_a_round_without_tasks_has_no_summary(inspections_county, round_):
    with pytest.raises(ValidationError) as refused:
        services.round_summary_issue(actor=inspections_county.supervisor, round=round_)
    assert refusal_codes(refused.value) == ["no_tasks"]

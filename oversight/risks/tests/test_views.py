"""Pages, services and scope: the catalogue and its import, assignments, rules, reminders (the
loop's steps), talks, the risk map and the yearly review; nobody outside a scope gets anything."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from oversight.conftest import client_for
from oversight.loop import services as loop
from oversight.schedules import services as schedule_services

from .. import selectors, services
from ..models import Assignment, RiskPoint, RiskRule
from .conftest import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminder(rcounty, point):
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town1)
    rule("T1", RiskRule.Kind.TENURE, {"years": 5}, level="high")
    return services.rules_run().fired[0]


def test_reminders_are_scoped(rcounty, reminder):
    url = reverse("risks:reminder_detail", args=[reminder.item_id])
    mine, other = client_for(rcounty.town1_officer), client_for(rcounty.town2_officer)
    assert mine.get(url).status_code == 200
    assert other.get(url).status_code == 404
    listing = other.get(reverse("risks:reminder_list"))
    assert listing.status_code == 200 and "Leader of Town 1" not in listing.content.decode()
    assert "Leader of Town 1" in mine.get(reverse("risks:reminder_list")).content.decode()
    export = other.get(reverse("risks:reminder_list") + "?export=xlsx")
    assert export.status_code == 200
    assert selectors.reminder_list(viewer=rcounty.town2_officer).count() == 0
    assert other.post(reverse("risks:talk_add", args=[reminder.item_id])).status_code in (403, 404)


def test_reminder_moves_only_through_the_loop(rcounty, reminder):
    loop.item_transition(
        item=reminder.item, name="acknowledge", actor=rcounty.town1_officer, comment="Rotated"
    )
    reminder.item.refresh_from_db()
    assert reminder.item.state == "answered"
    with pytest.raises(PermissionDenied):
        loop.item_transition(item=reminder.item, name="confirm", actor=rcounty.town1_officer)
    loop.item_transition(item=reminder.item, name="confirm", actor=rcounty.supervisor)
    reminder.item.refresh_from_db()
    assert reminder.item.state == "closed"


def test_talk_recorded_on_the_reminder_and_bad_input_named(rcounty, reminder):
    client = client_for(rcounty.supervisor)
    url = reverse("risks:talk_add", args=[reminder.item_id])
    bad = client.post(url, {"held_on": "2026-03-09", "talker": "", "summary": ""})
    assert bad.status_code == 400
    assert reminder.talks.count() == 0
    good = client.post(url, {"held_on": "2026-03-02", "talker": "Wang", "summary": "Rotate"})
    assert good.status_code == 302
    talk = reminder.talks.get()
    assert talk.person == reminder.person
    assert reminder.item.events.filter(comment__contains="Wang").exists()
    with pytest.raises(ValidationError) as exc:
        services.talk_record(
            actor=rcounty.supervisor,
            person=rcounty.p_town2,
            held_on=datetime.date(2026, 3, 1),
            talker="Wang",
            summary="x",
            reminder=reminder,
        )
    assert "person" in exc.value.message_dict


def test_catalogue_pages_and_bad_input(rcounty, point):
    client = client_for(rcounty.supervisor)
    page = client.get(reverse("risks:point_list"))
    assert page.status_code == 200 and "Funds diverted" in page.content.decode()
    assert client.get(reverse("risks:point_list") + "?export=xlsx").status_code == 200
    bad = client.post(
        reverse("risks:point_create"),
        {"category": "finance", "name": "Funds diverted", "description": "d", "prevention": "p",
         "level": "high", "active": "on"},
    )  # fmt: skip
    assert bad.status_code == 400 and RiskPoint.objects.count() == 1
    assert client.get(reverse("risks:point_detail", args=[point.pk])).status_code == 200
    town = client_for(rcounty.town1_officer)
    assert town.post(reverse("risks:point_create"), {}).status_code == 403


def test_assignments_are_scoped(rcounty, point):
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town2)
    assert selectors.assignment_list(viewer=rcounty.town1_officer).count() == 0
    assert selectors.assignment_list(viewer=rcounty.town2_officer).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town2)
    assert "post" in exc.value.message_dict
    row = Assignment.objects.get()
    client = client_for(rcounty.supervisor)
    assert client.post(reverse("risks:assignment_remove", args=[row.pk])).status_code == 302
    assert Assignment.objects.count() == 0


def test_import_reports_every_bad_row_and_writes_nothing(rcounty):
    rows = [
        {"_row": 2, "category": "Finance", "name": "A", "description": "d", "prevention": "p",
         "level": "High"},
        {"_row": 3, "category": "planets", "name": "B", "description": "d", "prevention": "p",
         "level": "high"},
        {"_row": 4, "category": "finance", "name": "A", "description": "d", "prevention": "p",
         "level": "high"},
        {"_row": 5, "category": "Procurement", "name": "C", "description": "", "prevention": "p",
         "level": "urgent"},
    ]  # fmt: skip
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.points_import(actor=rcounty.supervisor, rows=rows)
    text = " ".join(exc.value.messages)
    assert "Row 3" in text and "Row 4" in text and "Row 5" in text and "Row 2" not in text
    assert RiskPoint.objects.count() == 0
    assert services.points_import(actor=rcounty.supervisor, rows=rows[:1]) == 1
    assert RiskPoint.objects.get().category == "finance"


def test_rule_page_edits_parameters_and_refuses_bad_ones(rcounty):
    r = RiskRule.objects.get(code="R01")
    client = client_for(rcounty.supervisor)
    assert client.get(reverse("risks:rule_list")).status_code == 200
    url = reverse("risks:rule_edit", args=[r.pk])
    p = f"r{r.pk}-"
    assert client.post(url, {p + "params": "{not json", p + "level": "high"}).status_code == 400
    bad = client.post(url, {p + "params": '{"years": -1}', p + "level": "high"})
    assert bad.status_code == 400
    ok = client.post(url, {p + "params": json.dumps({"years": 6}), p + "level": "high"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.params == {"years": 6, "min_level": "high"} and not r.active
    assert client_for(rcounty.town1_officer).get(reverse("risks:rule_list")).status_code == 403


def test_risk_map_counts_by_level_in_scope(rcounty, reminder):
    period, rows = selectors.risk_map(viewer=rcounty.supervisor, on=datetime.date(2026, 3, 2))
    town1 = next(r for r in rows if r.node == rcounty.town1)
    assert town1.by_level["high"] == 1 and town1.trend == "up"
    _, theirs = selectors.risk_map(viewer=rcounty.town2_officer, on=datetime.date(2026, 3, 2))
    assert all(r.total == 0 for r in theirs)
    assert rcounty.town1 not in [r.node for r in theirs]
    page = client_for(rcounty.town1_officer).get(reverse("risks:risk_map"))
    assert page.status_code == 200


def test_yearly_review_opened_by_the_schedule_service(rcounty, point):
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town1)
    items = schedule_services.schedule_run(on=datetime.date(2026, 3, 2))
    reviews = [i for i in items if i.kind == "risks.review"]
    assert [(i.responsible_node, i.final_deadline) for i in reviews] == [
        (rcounty.town1, datetime.date(2026, 3, 31))
    ]
    assert schedule_services.schedule_run(on=datetime.date(2026, 3, 3)) == [] or all(
        i.kind != "risks.review"
        for i in schedule_services.schedule_run(on=datetime.date(2026, 3, 3))
    )


def test_risk_map_refuses_a_unit_outside_the_scope(rcounty, reminder):
    client = client_for(rcounty.town2_officer)
    page = client.get(reverse("risks:risk_map"), {"parent": rcounty.county.pk, "kind": "month"})
    assert page.status_code == 400
    assert f'data-node="{rcounty.town1.pk}"' not in page.content.decode()
    mine = client_for(rcounty.supervisor).get(reverse("risks:risk_map"), {"kind": "month"})
    assert f'data-node="{rcounty.town1.pk}"' in mine.content.decode()


def _sheet(rows):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["category", "name", "description", "prevention", "indicator", "level"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("points.xlsx", buffer.getvalue())


def test_the_import_page_names_bad_rows_and_imports_good_sheets(rcounty):
    client = client_for(rcounty.supervisor)
    url = reverse("risks:points_import")
    assert client.get(url + "?template=1").status_code == 200
    bad = client.post(
        url,
        {"file": _sheet([["finance", "A", "d", "p", "", "high"], ["x", "B", "", "p", "", "x"]])},
    )
    assert bad.status_code == 400 and RiskPoint.objects.count() == 0
    assert "3" in bad.content.decode()
    good = client.post(url, {"file": _sheet([["finance", "A", "d", "p", "", "high"]])})
    assert good.status_code == 302 and RiskPoint.objects.count() == 1
    assert client_for(rcounty.town1_officer).get(url).status_code == 403


def test_the_loop_reminds_and_escalates_an_unanswered_reminder(rcounty, reminder, today):
    assert reminder.item.deadline == datetime.date(2026, 3, 9)  # 5 working days
    today(datetime.date(2026, 3, 11))
    report = loop.sweep()
    reminder.item.refresh_from_db()
    assert reminder.item.light == "red"
    assert report.escalations >= 1

"""The two-month report: the feedback issues a formal document and opens the report through the
schedule service, due two months later on the working-day calendar; it is reminded before and
escalated after its deadline by the loop's sweep, and only the unit's head signs it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.documents.models import Document
from oversight.inspections import services
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import Reminder
from oversight.schedules.models import Obligation

pytestmark = pytest.mark.django_db


def _feedback(c, unit, on=date(2026, 2, 27)):
    return services.feedback_record(
        actor=c.supervisor, unit=unit, feedback_on=on, body="Eight problems in three areas."
    )


def test_the_feedback_opens_the_report_due_two_months_later(inspections_county, town1_unit):
    c = inspections_county
    unit = _feedback(c, town1_unit)
    item = unit.report_item
    assert (item.kind, item.state, item.responsible_node, item.supervising_node) == (
        "inspections.report",
        "open",
        c.town1,
        c.commission,
    )
    assert item.final_deadline == date(2026, 4, 27)  # a Monday, two months after a Friday
    assert Obligation.objects.get(item=item).schedule == "inspections.two_month_report"
    document = Document.objects.get(doc_type="inspection_feedback")
    assert (document.target_id, document.reply_by) == (str(unit.pk), date(2026, 4, 27))
    assert document.receipts.get().node == c.town1
    with pytest.raises(ValidationError) as refused:
        _feedback(c, unit)
    assert refusal_codes(refused.value) == ["recorded"]


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day(inspections_county, town1_unit):
    c = inspections_county
    unit = _feedback(c, town1_unit, on=date(2026, 3, 1))  # two months: 1 May, Labour Day
    due = unit.report_item.final_deadline
    cal = timing.calendar()
    assert due > date(2026, 5, 1) and cal.is_working_day(due)
    assert not any(
        cal.is_working_day(date(2026, 5, 1) + timedelta(days=n))
        for n in range((due - date(2026, 5, 1)).days)
    )


def test_bad_feedback_is_refused(inspections_county, town1_unit):
    c = inspections_county
    for on, body, expected in [
        (date(2026, 3, 3), "x", {"feedback_on": ["future"]}),
        (date(2026, 1, 1), "x", {"feedback_on": ["before_start"]}),
        (date(2026, 1, 2), "", {"feedback_on": ["before_start"], "body": ["required"]}),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.feedback_record(actor=c.supervisor, unit=town1_unit, feedback_on=on, body=body)
        assert refusal_codes(refused.value) == expected
    assert not Document.objects.exists()


def test_a_feedback_whose_report_would_be_overdue_is_refused(inspections_county, round_, today):
    c = inspections_county
    unit = services.unit_add(actor=c.supervisor, round=round_, node=c.unit_b)
    today(date(2026, 4, 1))
    with pytest.raises(ValidationError) as refused:
        services.feedback_record(
            actor=c.supervisor, unit=unit, feedback_on=date(2026, 1, 20), body="Late"
        )
    assert refusal_codes(refused.value) == {"feedback_on": ["too_late"]}


def test_reminders_before_and_escalation_after_the_deadline(inspections_county, town1_unit):
    c = inspections_county
    item = _feedback(c, town1_unit).report_item
    loop.sweep(on=date(2026, 4, 10))  # 17 days before: nothing yet
    assert not Reminder.objects.filter(item=item).exists()
    loop.sweep(on=date(2026, 4, 17))  # 10 days before
    assert Reminder.objects.filter(item=item, type=Reminder.Type.BEFORE).count() == 1
    loop.sweep(on=date(2026, 4, 28))  # overdue
    escalation = Reminder.objects.get(item=item, type=Reminder.Type.ESCALATION)
    assert c.supervisor.pk in escalation.recipients  # the inspecting body is told
    assert c.town1_leader.pk in escalation.recipients  # and the unit's leader


def test_only_the_head_signs_the_report(inspections_county, town1_unit):
    c = inspections_county
    item = _feedback(c, town1_unit).report_item
    item = loop.item_transition(
        item=item, name="submit", actor=c.town1_officer, comment="Report attached."
    )
    assert item.state == "signing"
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=item, name="sign", actor=c.town1_officer)
    assert refusal_codes(refused.value) == ["not_head"]
    item = loop.item_transition(item=item, name="sign", actor=c.town1_leader)
    assert item.state == "filed"
    item = loop.item_transition(item=item, name="accept", actor=c.supervisor)
    assert item.state == "accepted" and item.closed_on_time

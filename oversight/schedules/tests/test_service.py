"""The schedule service opens each occurrence's work item on time, once; administrators are
warned from December when the holiday library does not know next year."""

from __future__ import annotations

import datetime

import pytest

from oversight.conftest import client_for
from oversight.loop import services as loop_services
from oversight.loop.models import CalendarDay, Reminder, WorkItem
from oversight.schedules import registry, selectors, services
from oversight.schedules.models import Obligation
from oversight.schedules.registry import Recurring
from oversight.schedules.rules import AfterEvent, Monthly

D = datetime.date


@pytest.fixture
def monthly(loop_county):
    recurring = registry.register(
        Recurring(
            id="test.monthly_review",
            title="Monthly review {key}",
            kind="matters.matter",
            rule=Monthly(day=10),
            units=lambda: [loop_county.town1, loop_county.town2],
            supervisor=lambda node: loop_county.commission,
            open_days_before=10,
        )
    )
    yield recurring
    registry.unregister(recurring.id)


def test_it_opens_each_occurrence_once_when_it_comes_near(loop_county, monthly, today):
    today(D(2026, 2, 27))
    assert services.schedule_run(on=D(2026, 2, 27)) == []  # 10 March is 11 days away
    today(D(2026, 2, 28))
    opened = services.schedule_run(on=D(2026, 2, 28))
    assert {(i.responsible_node, i.final_deadline, i.title) for i in opened} == {
        (loop_county.town1, D(2026, 3, 10), "Monthly review 2026-03"),
        (loop_county.town2, D(2026, 3, 10), "Monthly review 2026-03"),
    }
    today(D(2026, 3, 2))
    assert services.schedule_run(on=D(2026, 3, 2)) == []
    assert Obligation.objects.filter(schedule="test.monthly_review").count() == 2


def test_its_items_get_the_loops_reminders(loop_county, monthly, today):
    today(D(2026, 2, 28))
    services.schedule_run(on=D(2026, 2, 28))
    today(D(2026, 3, 9))
    loop_services.sweep()
    assert (
        Reminder.objects.filter(
            item__obligation__schedule="test.monthly_review", type=Reminder.Type.BEFORE
        ).count()
        == 2
    )


def test_an_event_opens_its_obligation_once(loop_county, today):
    today(D(2026, 3, 2))
    registry.register(
        Recurring(
            id="test.after_event", title="Report on {key}", kind="matters.matter",
            rule=AfterEvent(days=5), units=list, supervisor=lambda n: loop_county.commission,
        )
    )  # fmt: skip
    try:
        item = services.schedule_event(
            schedule="test.after_event", node=loop_county.town1, happened_on=D(2026, 3, 2),
            key="case-7",
        )  # fmt: skip
        assert item.final_deadline == D(2026, 3, 9)
        again = services.schedule_event(
            schedule="test.after_event", node=loop_county.town1, happened_on=D(2026, 3, 2),
            key="case-7",
        )  # fmt: skip
        assert again is None
        assert WorkItem.objects.filter(obligation__key="case-7").count() == 1
    finally:
        registry.unregister("test.after_event")


def test_an_unknown_event_schedule_is_refused(loop_county):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="nope"):
        services.schedule_event(
            schedule="nope", node=loop_county.town1, happened_on=D(2026, 3, 2), key="1"
        )


def test_the_calendar_gap_from_december_on(db):
    assert selectors.calendar_gap(on=D(2026, 11, 30)) is None
    assert selectors.calendar_gap(on=D(2026, 12, 1)) == 2027
    assert selectors.calendar_gap(on=D(2027, 2, 1)) == 2027
    CalendarDay.objects.create(day=D(2027, 1, 1), is_working=False, note="New Year")
    assert selectors.calendar_gap(on=D(2026, 12, 1)) is None


def test_administrators_see_the_warning_with_the_calendar_page(loop_county, today):
    today(D(2026, 12, 3))
    page = client_for(loop_county.admin).get("/").content.decode()
    assert "2027" in page and "/work/calendar/" in page
    officer = client_for(loop_county.town1_officer).get("/").content.decode()
    assert 'data-testid="calendar-gap"' not in officer

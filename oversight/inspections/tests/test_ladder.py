"""The commission's warning ladder for rectification tasks, carried by the loop's sweep: green to
the officer in charge 20 days before, yellow adding the leader in charge at 10 days, red to the
unit, its party secretary and the commission once overdue; the commission changes it as data."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from oversight.conftest import PASSWORD
from oversight.loop import services as loop
from oversight.loop.models import KindSetting, Reminder
from oversight.notify.models import Notification
from oversight.orgs import services as orgs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Messages compared in English, on pages and from services alike."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


KIND = "inspections.rectification"


@pytest.fixture
def deputy(inspections_county):
    """The task's leader in charge (Person of Town 1) with an account at the county, whose scope
    covers the task (a notification goes only to those who may open its item)."""
    c = inspections_county
    return orgs.account_save(
        account=None,
        username="deputy",
        display_name="deputy",
        org_node=c.county,
        person=c.p_town1,
        roles=[c.role_supervisor],
        password=PASSWORD,
    )


def told(item, kind):
    notes = Notification.objects.filter(kind=kind, target_id=str(item.pk))
    return set(notes.values_list("recipient__username", flat=True))


def test_the_default_ladder_warns_each_rung_its_audience(inspections_county, task, deputy, today):
    item = task.item  # deadline 2026-04-30
    today(date(2026, 4, 9))  # 21 days before: nothing yet
    assert loop.sweep().reminders == 0
    today(date(2026, 4, 10))  # 20 days before: green, to the officer in charge
    loop.sweep()
    assert item.events.get(type="reminder").data["light"] == "green"
    assert told(item, "loop.reminder") == {"town1", "town1-leader"}
    Notification.objects.all().delete()
    today(date(2026, 4, 20))  # 10 days before: yellow, adding the leader in charge
    report = loop.sweep()
    item.refresh_from_db()
    assert item.light == "yellow" and report.reminders == 1
    assert told(item, "loop.reminder") == {"town1", "town1-leader", "deputy"}
    assert loop.sweep().reminders == 0  # once
    today(date(2026, 5, 1))  # overdue: red, to the unit, its secretary, the leader, the body
    loop.sweep()
    item.refresh_from_db()
    assert item.light == "red"
    assert told(item, "loop.escalation") == {"town1", "town1-leader", "deputy", "supervisor"}
    levels = list(Reminder.objects.filter(item=item).values_list("type", "level"))
    assert sorted(levels) == [("before", 0), ("before", 1), ("escalation", 0)]
    event = item.events.filter(type="escalation").get()
    assert event.data["light"] == "red"


def test_the_commission_changes_the_ladder_on_its_page(inspections_county, task, client, today):
    c = inspections_county
    c.role_supervisor.permissions = sorted({*c.role_supervisor.permissions, "loop:calendar:edit"})
    c.role_supervisor.save()
    client.force_login(c.supervisor)
    url = reverse("loop:kind_ladder", args=[KIND])
    page = client.get(url)
    assert page.status_code == 200 and "leader in charge" in page.content.decode()
    answer = client.post(
        url,
        {
            "light_1": "green",
            "days_1": "30",
            "audiences_1": ["responsible"],
            "light_2": "red",
            "days_2": "3",
            "audiences_2": ["supervising"],
        },
    )
    assert answer.status_code == 302
    row = KindSetting.objects.get(kind=KIND)
    assert row.ladder == [
        {"light": "green", "days": 30, "audiences": ["responsible"]},
        {"light": "red", "days": 3, "audiences": ["supervising"]},
    ]
    item = task.item
    today(date(2026, 3, 31))  # 30 days before
    assert loop.sweep().reminders == 1
    today(date(2026, 5, 2))  # second overdue day: the red rung starts on the fourth
    assert loop.sweep().escalations == 0
    item.refresh_from_db()
    assert item.light == "red"  # overdue is red whatever the ladder
    today(date(2026, 5, 4))
    assert loop.sweep().escalations == 1
    assert told(item, "loop.escalation") == {"supervisor"}
    # emptied, the kind's declared ladder applies again
    assert client.post(url, {}).status_code == 302
    assert KindSetting.objects.get(kind=KIND).ladder == []


def test_a_bad_ladder_is_refused_naming_the_rung(inspections_county, client):
    c = inspections_county
    c.role_supervisor.permissions = sorted({*c.role_supervisor.permissions, "loop:calendar:edit"})
    c.role_supervisor.save()
    client.force_login(c.supervisor)
    url = reverse("loop:kind_ladder", args=[KIND])
    answer = client.post(url, {"light_1": "yellow", "days_1": "10"})  # nobody to warn
    assert answer.status_code == 400
    assert "Rung 1: name who is warned." in answer.content.decode()
    assert client.post(url, {"light_1": "green"}).status_code == 400  # no days
    assert not KindSetting.objects.filter(kind=KIND).exists()
    with pytest.raises(ValidationError) as refused:
        loop.kind_ladder_save(
            kind=KIND,
            ladder=[
                {"light": "green", "days": 20, "audiences": ["responsible"]},
                {"light": "blue", "days": 5, "audiences": ["responsible"]},
                {"light": "red", "days": 0, "audiences": ["nobody"]},
            ],
        )
    messages = refused.value.message_dict["ladder"]
    assert messages == [
        "Rung 2: choose green, yellow or red.",
        "Rung 3: unknown audience nobody.",
    ]
    with pytest.raises(ValidationError):
        loop.kind_ladder_save(kind="no.such", ladder=[])
    assert client.get(reverse("loop:kind_ladder", args=["no.such"])).status_code == 404


def test_only_the_calendar_editors_reach_the_ladder(inspections_county, client):
    client.force_login(inspections_county.town1_officer)
    assert client.get(reverse("loop:kind_ladder", args=[KIND])).status_code == 403

"""催办 by hand: on one overdue item or a list's, recorded, exactly one reminder per item."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import client_for
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.loop.models import Event
from oversight.notify.models import Notification


@pytest.fixture
def overdue(loop_county, open_task, today):
    tasks = [open_task(title=f"Road {n}", deadline=date(2026, 3, 10)) for n in range(3)]
    today(date(2026, 3, 16))
    return tasks


def test_bulk_reminder_sends_exactly_one_per_item(loop_county, overdue):
    client = client_for(loop_county.supervisor)
    ids = [t.pk for t in overdue]
    response = client.post(
        "/work/items/remind/", {"items": [*ids, ids[0], ids[1]], "next": "/work/items/"}
    )
    assert response.status_code == 302
    client.post("/work/items/remind/", {"items": ids})  # pressed again the same day
    for task in overdue:
        events = Event.objects.filter(item=task, type="escalation", actor=loop_county.supervisor)
        assert events.count() == 1
        notes = Notification.objects.filter(target_id=str(task.pk), kind="loop.escalation")
        assert notes.count() == notes.values("recipient").distinct().count() >= 1
    assert Leaf.objects.filter(action="loop.item.remind").count() == 3


def test_a_reminder_on_an_item_that_is_not_overdue_is_refused(loop_county, open_task):
    task = open_task(deadline=date(2026, 6, 30))
    with pytest.raises(ValidationError):
        loop.items_remind(items=[task], actor=loop_county.supervisor)
    assert not Event.objects.filter(item=task, type="escalation").exists()


def test_the_item_page_offers_the_reminder_and_others_cannot_send_it(loop_county, overdue):
    page = client_for(loop_county.supervisor).get(f"/work/items/{overdue[0].pk}/")
    assert b'data-testid="remind"' in page.content
    clerk = client_for(loop_county.town1_officer)
    assert clerk.post("/work/items/remind/", {"items": [overdue[0].pk]}).status_code == 403
    outsider = client_for(loop_county.town2_officer)
    assert outsider.post("/work/items/remind/", {"items": [overdue[0].pk]}).status_code == 403
    assert not Event.objects.filter(item=overdue[0], type="escalation").exists()


def test_the_print_view_and_no_link_to_the_page_itself(loop_county, open_task):
    task = open_task()
    client = client_for(loop_county.supervisor)
    printed = client.get(f"/work/items/{task.pk}/print/")
    assert printed.status_code == 200 and b'data-testid="item-print"' in printed.content
    assert (
        client_for(loop_county.town2_officer).get(f"/work/items/{task.pk}/print/").status_code
        == 404
    )
    matter_page = client.get(f"/matters/{task.parent_id}/").content.decode()
    assert 'data-testid="open-in-module"' not in matter_page

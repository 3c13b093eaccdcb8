"""Nobody is sent what they cannot open; leaders are told of the steps their role takes."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.conftest import client_for
from oversight.loop import services as loop
from oversight.notify import services
from oversight.notify.models import Notification, Preference


@pytest.fixture
def unit_task(loop_county):
    """A task for Unit A, where a clerk (own node and below) and a cadre (own records) work."""
    loop_county.role_cadre.permissions = ["loop:item:view", "loop:item:handle"]
    loop_county.role_cadre.save()
    return loop.item_open(
        kind="matters.task",
        title="Fix the school roof",
        actor=loop_county.supervisor,
        responsible_node=loop_county.unit_a,
        supervising_node=loop_county.commission,
        final_deadline=date(2026, 3, 20),
    )


def test_it_does_not_tell_a_cadre_about_the_units_work(loop_county, unit_task):
    got = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "clerk" in got
    assert "cadre" not in got


def test_it_tells_an_assigned_cadre_who_can_open_it(loop_county, unit_task):
    task = loop.item_open(
        kind="matters.task",
        title="Write the report",
        actor=loop_county.supervisor,
        responsible_node=loop_county.unit_a,
        supervising_node=loop_county.commission,
        assignee=loop_county.cadre,
        final_deadline=date(2026, 3, 20),
    )
    note = Notification.objects.get(recipient=loop_county.cadre, target_id=str(task.pk))
    assert client_for(loop_county.cadre).get(note.url).status_code == 200


def test_it_drops_a_recipient_whose_role_lacks_the_links_function(loop_county):
    sent = services.notify(
        recipients=[loop_county.clerk, loop_county.admin],
        kind="test.ping",
        title="Look at the accounts",
        url="/orgs/accounts/",
    )
    assert [n.recipient.username for n in sent] == ["admin"]


def test_a_cadres_home_counts_only_what_they_can_open(loop_county, unit_task):
    response = client_for(loop_county.cadre).get("/")
    assert response.status_code == 200
    assert response.context["figures"]["todo"] == 0
    assert client_for(loop_county.clerk).get("/").context["figures"]["todo"] == 1


def test_the_not_found_page_offers_the_way_back(loop_county, unit_task):
    response = client_for(loop_county.town2_officer).get(f"/work/items/{unit_task.pk}/")
    assert response.status_code == 404
    assert b'data-testid="way-back"' in response.content
    assert b'href="/"' in response.content


def _watcher(loop_county):
    """A commission account whose role views and instructs but does not verify (a leader)."""
    from oversight.orgs import services as orgs

    role = orgs.role_save(
        role=None,
        key="leader",
        name="leader",
        permissions=["loop:item:view", "loop:item:instruct"],
        data_scope=loop_county.role_supervisor.data_scope,
        listed_nodes=[],
    )
    return orgs.account_save(
        account=None,
        username="leader",
        display_name="leader",
        org_node=loop_county.commission,
        person=None,
        roles=[role],
        password="a-long-test-password",
    )


def _submit(loop_county, task):
    for name in ("accept", "submit"):
        if name in {t.name for t in loop.available_transitions(task, loop_county.clerk)}:
            task = loop.item_transition(
                item=task, name=name, actor=loop_county.clerk, comment="Done, see the photos."
            )
    return task


def test_a_leader_is_not_told_of_each_verification_step(loop_county, unit_task):
    leader = _watcher(loop_county)
    task = _submit(loop_county, unit_task)
    assert task.waiting_on == "supervising"
    awaiting = Notification.objects.filter(kind="loop.awaiting")
    assert set(awaiting.values_list("recipient__username", flat=True)) == {"supervisor"}
    assert not awaiting.filter(recipient=leader).exists()


def test_a_leader_who_asks_for_copies_gets_them(loop_county, unit_task):
    leader = _watcher(loop_county)
    services.preferences_save(account=leader, choices={("loop.awaiting", "inapp"): True})
    assert Preference.objects.filter(account=leader, channel="inapp", enabled=True).exists()
    _submit(loop_county, unit_task)
    assert Notification.objects.filter(kind="loop.awaiting", recipient=leader).exists()
    page = client_for(leader).get("/notifications/settings/")
    assert b'data-testid="copy-rule"' in page.content


def test_it_refuses_an_inbox_choice_on_a_kind_without_copies(loop_county):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.preferences_save(
            account=loop_county.clerk, choices={("loop.escalation", "inapp"): False}
        )

"""The leaders' monthly digest: sent on the first working day of the month to the roles granted
it, once, with last month's figures of the recipient's scope as the measures registry counts
them; someone whose scope holds none of the records is told none of them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from oversight.conftest import PASSWORD, client_for
from oversight.core.measure_registry import Period
from oversight.loop.models import WorkItem
from oversight.measures import registry as measure_registry
from oversight.measures.selectors import figures
from oversight.notify.models import Notification
from oversight.orgs import services as org_services
from oversight.orgs.models import Role
from oversight.schedules import digest, services

D = datetime.date
PERMS = [
    "schedules:digest:receive", "loop:item:view", "analytics:warning:view",
    "public:complaint:view", "matters:matter:view",
]  # fmt: skip


def leader(county, key, node, scope, perms=PERMS):
    role = org_services.role_save(
        role=None, key=key, name=key, permissions=perms, data_scope=scope, listed_nodes=[]
    )
    return org_services.account_save(
        account=None, username=key, display_name=f"Leader {key}", org_node=node, person=None,
        roles=[role], password=PASSWORD,
    )  # fmt: skip


@pytest.fixture
def leaders(loop_county, open_task, today):
    today(D(2026, 3, 2))
    open_task(title="Repair the village road", deadline=D(2026, 3, 20))  # matter and task
    open_task(title="Fix the school roof", deadline=D(2026, 4, 20))  # not due in March
    # opened on the frozen day (the loop stamps the clock's time)
    opened = timezone.make_aware(datetime.datetime(2026, 3, 2, 10))
    WorkItem.objects.update(opened_at=opened)
    c = loop_county
    c.county_leader = leader(c, "county-leader", c.commission, Role.Scope.ALL)
    c.town2_leader = leader(c, "town2-leader", c.town2, Role.Scope.OWN_AND_BELOW)
    return c


@pytest.fixture(autouse=True)
def english():
    """The digest is written in the language active when it is sent (the platform's default,
    Chinese, in the worker); these tests read it in English."""
    with translation.override("en"):
        yield


def digests(account):
    return list(Notification.objects.filter(recipient=account, kind=digest.KIND))


def test_the_digest_is_due_on_the_first_working_day_and_made_up_within_the_week(loop_county):
    from oversight.loop import timing

    cal = timing.calendar()
    assert digest.due_period(cal, D(2026, 4, 1)) == Period.parse("2026-03")
    assert digest.due_period(cal, D(2026, 4, 3)) == Period.parse("2026-03")  # catching up
    assert digest.due_period(cal, D(2026, 4, 10)) is None
    assert digest.due_period(cal, D(2026, 3, 31)) is None
    # 1 February 2026 is a Sunday: the digest of January is due on Monday the 2nd
    assert digest.due_period(cal, D(2026, 2, 1)) is None
    assert digest.due_period(cal, D(2026, 2, 2)) == Period.parse("2026-01")


def test_leaders_get_last_months_figures_of_their_scope_once(leaders, today):
    c = leaders
    today(D(2026, 4, 1))
    assert services.digest_send(on=D(2026, 4, 1)) == 3
    told = set(Notification.objects.filter(kind=digest.KIND).values_list("recipient", flat=True))
    assert told == {c.county_leader.pk, c.town2_leader.pk, c.admin.pk}  # the admin holds "*"
    (sent,) = digests(c.county_leader)
    overdue = measure_registry.get("loop.overdue")
    expected = figures(
        viewer=c.county_leader, measures=[overdue], nodes=[c.county],
        period=Period.parse("2026-03"), on=D(2026, 4, 1),
    )["loop.overdue"][c.county.pk].value  # fmt: skip
    assert expected == 2  # the matter and its task, past 20 March and open on the 31st
    assert "2026-03" in sent.title and f"{overdue.label} 2" in sent.title
    assert f"{overdue.label}: 2 (" in sent.body
    assert str(measure_registry.get("public.complaints").label) in sent.body
    # the link opens for the recipient
    assert client_for(c.county_leader).get(sent.url).status_code == 200
    # a second run, the same day or later in the week, sends nothing new
    assert services.digest_send(on=D(2026, 4, 1)) == 0
    assert services.digest_send(on=D(2026, 4, 3)) == 0
    assert len(digests(c.county_leader)) == 1


def test_an_outsider_is_told_none_of_the_records_outside_their_scope(leaders, today):
    c = leaders
    today(D(2026, 4, 1))
    services.digest_send(on=D(2026, 4, 1))
    (sent,) = digests(c.town2_leader)
    overdue = measure_registry.get("loop.overdue")
    assert f"{overdue.label}: 0 (" in sent.body  # Town 1's overdue work is not Town 2's
    # nobody without the digest's function receives it, even with a whole scope
    assert digests(c.supervisor) == [] and digests(c.town1_leader) == []


def test_a_measure_the_leader_may_not_see_is_left_out(leaders, today):
    c = leaders
    only_work = leader(c, "work-leader", c.commission, Role.Scope.ALL,
                       perms=["schedules:digest:receive", "loop:item:view"])  # fmt: skip
    today(D(2026, 4, 1))
    services.digest_send(on=D(2026, 4, 1))
    (sent,) = digests(only_work)
    assert str(measure_registry.get("public.complaints").label) not in sent.body
    assert str(measure_registry.get("analytics.warnings").label) not in sent.body
    assert client_for(only_work).get(sent.url).status_code == 200  # the home page

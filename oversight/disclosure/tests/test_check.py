"""Expected disclosures come from the schedule service on the working-day calendar; the check
lights each kind of lapse on its case and not on its near miss, and closes the period."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.disclosure import services
from oversight.disclosure.models import Expectation, Lapse
from oversight.loop.models import WorkItem
from oversight.schedules import services as schedules
from oversight.schedules.models import Obligation

pytestmark = pytest.mark.django_db

Q1_DUE = date(2026, 4, 22)  # 15 working days after 31 March, Qingming (4–6 April) skipped


def capture(c, node, *, on, title="2026年第一季度村务公开", fields="收入、支出", photo=True, body="",
            key=""):  # fmt: skip
    return services.publication_capture(
        actor=c.supervisor, node=node, title=title, published_on=on, fields=fields,
        has_photo=photo, body=body or f"{node.name} {title} {on}", key=key,
    )  # fmt: skip


def open_q1(c, today):
    today(date(2026, 4, 2))
    return schedules.schedule_run(on=date(2026, 4, 2))


def lapses_of(node, kind=None):
    qs = Lapse.objects.filter(node=node, key="2026-Q1")
    return sorted(qs.values_list("kind", flat=True)) if kind is None else qs.filter(kind=kind)


def test_it_opens_the_quarter_for_every_village_on_the_working_day_calendar(
    disclosure_county, today
):
    c = disclosure_county
    opened = open_q1(c, today)
    quarterly = Obligation.objects.filter(schedule="disclosure.quarterly", key="2026-Q1")
    assert {o.node for o in quarterly} == {c.village1a, c.village1b, c.village2a}
    assert {o.due for o in quarterly} == {Q1_DUE}
    item = quarterly.get(node=c.village1a).item
    assert item.kind == "disclosure.period" and item.supervising_node == c.town1
    assert item.final_deadline == Q1_DUE
    # the monthly finance notice due 10 April is within its 10 days too
    assert (
        sorted((i.obligation.schedule, i.obligation.key) for i in opened)
        == [("disclosure.monthly", "2026-04")] * 3 + [("disclosure.quarterly", "2026-Q1")] * 3
    )
    assert Obligation.objects.get(schedule="disclosure.monthly", node=c.village2a).due == date(
        2026, 4, 10
    )


def test_nothing_is_checked_until_the_due_date_has_passed(disclosure_county, today):
    c = disclosure_county
    open_q1(c, today)
    today(Q1_DUE)
    services.check_run(on=Q1_DUE)  # the monthly notice due 10 April is checked
    assert not Expectation.objects.filter(key="2026-Q1").exists()
    assert set(Expectation.objects.values_list("key", flat=True)) == {"2026-04"}


def test_a_notice_on_its_due_date_is_on_time_and_complete(disclosure_county, today):
    c = disclosure_county
    open_q1(c, today)
    today(Q1_DUE)
    capture(c, c.village1a, on=Q1_DUE)
    today(date(2026, 4, 23))
    report = services.check_run(on=date(2026, 4, 23))
    assert lapses_of(c.village1a) == []
    expectation = Expectation.objects.get(node=c.village1a, key="2026-Q1")
    assert expectation.status == "on_time" and expectation.published_on == Q1_DUE
    assert lapses_of(c.village1b) == ["missing"]  # nothing captured for it
    assert report.periods == 6  # three villages, the quarter and April
    period = Obligation.objects.get(node=c.village1a, schedule="disclosure.quarterly").item
    assert period.state == "checked" and period.closed_at is not None
    assert services.check_run(on=date(2026, 4, 24)).periods == 0  # once


def test_a_notice_a_day_late_is_late(disclosure_county, today):
    c = disclosure_county
    open_q1(c, today)
    today(date(2026, 4, 23))
    capture(c, c.village1a, on=date(2026, 4, 23))
    services.check_run(on=date(2026, 4, 24))
    assert lapses_of(c.village1a) == ["late"]
    assert Expectation.objects.get(node=c.village1a, key="2026-Q1").status == "late"


def test_fields_missing_and_no_photo_are_lit(disclosure_county, today):
    c = disclosure_county
    open_q1(c, today)
    today(date(2026, 4, 20))
    capture(c, c.village1a, on=date(2026, 4, 20), fields="收入", photo=False)
    capture(c, c.village1b, on=date(2026, 4, 20), fields="收入、支出、其他", photo=True)
    services.check_run(on=date(2026, 4, 23))
    assert lapses_of(c.village1a) == ["incomplete", "no_photo"]
    assert "支出" in lapses_of(c.village1a, "incomplete").get().detail
    assert lapses_of(c.village1b) == []


def test_last_periods_content_republished_is_lit_and_a_changed_one_is_not(disclosure_county, today):
    c = disclosure_county
    body = "一、收入 12,000元\n二、支出 8,000元"
    for node in (c.village1a, c.village1b):
        capture(c, node, on=date(2026, 1, 10), title="2025年第四季度村务公开", body=body)
    open_q1(c, today)
    today(date(2026, 4, 20))
    capture(c, c.village1a, on=date(2026, 4, 20), body=" 一、收入 12,000元 二、支出 8,000元 ")
    capture(c, c.village1b, on=date(2026, 4, 20), body="一、收入 12,000元\n二、支出 8,001元")
    services.check_run(on=date(2026, 4, 23))
    assert lapses_of(c.village1a) == ["republished"]
    assert lapses_of(c.village1b) == []


def test_a_lapse_is_a_loop_item_supervised_by_the_town(disclosure_county, today):
    c = disclosure_county
    open_q1(c, today)
    services.check_run(on=date(2026, 4, 23))
    lapse = Lapse.objects.get(node=c.village1a, key="2026-Q1")
    assert lapse.kind == "missing"
    assert lapse.item.kind == "disclosure.lapse" and lapse.item.state == "lit"
    assert lapse.item.responsible_node == c.village1a
    assert lapse.item.supervising_node == c.town1
    assert WorkItem.objects.filter(kind="disclosure.lapse", title__contains="2026-Q1").count() == 3


def test_an_event_opens_its_obligation_within_five_working_days(disclosure_county, today):
    c = disclosure_county
    event_item = services.catalogue_item_save(
        actor=c.supervisor, title="重大项目公示", category="village", area="major_projects",
        unit_type="village", frequency="event", keywords="项目公示",
    )  # fmt: skip
    today(date(2026, 4, 2))
    event = services.event_record(
        actor=c.town1_officer, node=c.village1a, catalogue_item=event_item,
        title="村道硬化项目立项", happened_on=date(2026, 4, 2),
    )  # fmt: skip
    obligation = Obligation.objects.get(schedule="disclosure.event", key=event.key)
    assert obligation.due == date(2026, 4, 10)  # 3, 7, 8, 9, 10 April: Qingming skipped
    today(date(2026, 4, 9))
    notice = capture(c, c.village1a, on=date(2026, 4, 9), title="村道硬化项目公示", fields="")
    assert (notice.catalogue_item, notice.key) == (event_item, event.key)
    services.check_run(on=date(2026, 4, 13))
    assert Expectation.objects.get(key=event.key).status == "on_time"
    assert not Lapse.objects.filter(key=event.key).exists()


def test_an_event_in_the_future_or_for_another_kind_is_refused(disclosure_county, today):
    c = disclosure_county
    with pytest.raises(ValidationError) as refused:
        services.event_record(
            actor=c.town1_officer, node=c.village1a, catalogue_item=c.quarterly,
            title="x", happened_on=date(2026, 3, 3),
        )  # fmt: skip
    assert refusal_codes(refused.value) == {
        "catalogue_item": ["not_event"],
        "happened_on": ["future"],
    }


def test_content_first_published_after_the_periods_notice_is_not_a_republication(
    disclosure_county, today
):
    c = disclosure_county
    body = "一、收入 12,000元\n二、支出 8,000元"
    open_q1(c, today)
    today(date(2026, 4, 21))
    capture(c, c.village1a, on=date(2026, 4, 20), body=body)
    # The next quarter's notice, published after this one, says the same: this one is not at fault.
    capture(c, c.village1a, on=date(2026, 4, 21), title="2026年第二季度村务公开", body=body)
    # The near miss: an earlier period's notice with the same content, published before it.
    capture(c, c.village1b, on=date(2026, 4, 10), title="2025年第四季度村务公开", body=body)
    capture(c, c.village1b, on=date(2026, 4, 20), body=body)
    services.check_run(on=date(2026, 4, 23))
    assert lapses_of(c.village1a) == []
    assert lapses_of(c.village1b) == ["republished"]


def test_a_second_check_writes_nothing_twice_and_the_ledger_verifies(disclosure_county, today):
    from oversight.ledger.models import Leaf
    from oversight.ledger.verify import verify_ledger

    c = disclosure_county
    open_q1(c, today)
    today(date(2026, 4, 20))
    capture(c, c.village1a, on=date(2026, 4, 20), fields="收入", photo=False)
    first = services.check_run(on=date(2026, 4, 23))
    expectations, lapses = Expectation.objects.count(), Lapse.objects.count()
    assert first.expected == expectations > 0 and len(first.lapses) == lapses > 0
    checked = Leaf.objects.filter(action="disclosure.expectation.check").count()
    lit = Leaf.objects.filter(action="disclosure.lapse.light").count()
    assert (checked, lit) == (expectations, lapses)
    second = services.check_run(on=date(2026, 4, 24))
    assert second.expected == 0 and second.lapses == []
    assert (Expectation.objects.count(), Lapse.objects.count()) == (expectations, lapses)
    assert verify_ledger().ok

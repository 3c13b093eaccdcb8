"""Lights, reminders and escalation by the periodic job: each sent once, to the right people."""

from datetime import date

from oversight.ledger.models import Leaf
from oversight.loop import services, timing
from oversight.loop.models import Event, Reminder, WorkItem
from oversight.loop.timing import KindTiming
from oversight.notify.models import Notification

TIMING = KindTiming(yellow_days=3, behind_margin=30, remind_days_before=2, escalate_every_days=3)


def light(deadline, on, progress=0, started=date(2026, 3, 1)):
    return timing.compute_light(
        deadline=deadline, started=started, progress=progress, closed=False, on=on, timing=TIMING
    )


def test_it_computes_lights_from_time_left_and_progress():
    deadline = date(2026, 4, 1)
    assert light(deadline, date(2026, 3, 2), progress=0) == "green"
    assert light(deadline, date(2026, 3, 29)) == "yellow"  # 3 days left
    assert light(deadline, date(2026, 4, 2)) == "red"
    assert (
        light(deadline, date(2026, 3, 20), progress=10) == "yellow"
    )  # 61% of the time gone, 10% done
    assert light(deadline, date(2026, 3, 20), progress=50) == "green"
    assert (
        timing.compute_light(
            deadline=None, started=None, progress=0, closed=False, on=deadline, timing=TIMING
        )
        == "none"
    )


def test_it_turns_an_overdue_item_red(loop_county, open_task, today):
    task = open_task(deadline=date(2026, 3, 10))
    assert task.light == "green"
    today(date(2026, 3, 11))
    report = services.sweep()
    task.refresh_from_db()
    assert task.light == WorkItem.Light.RED and report.lights_changed >= 1


def test_it_reminds_once_before_the_deadline_even_when_run_twice(loop_county, open_task, today):
    task = open_task(deadline=date(2026, 3, 10))
    today(date(2026, 3, 8))
    first, second = services.sweep(), services.sweep()
    assert Reminder.objects.filter(item=task, type="before").count() == 1
    assert first.reminders >= 1 and second.reminders == 0
    notes = Notification.objects.filter(kind="loop.reminder", target_id=str(task.pk))
    assert set(notes.values_list("recipient__username", flat=True)) == {"town1", "town1-leader"}
    assert notes.count() == 2


def test_it_escalates_to_the_superior_and_the_supervisors(loop_county, open_task, today):
    task = open_task(deadline=date(2026, 3, 10), assignee=loop_county.town1_officer)
    today(date(2026, 3, 11))
    services.sweep()
    reminder = Reminder.objects.get(item=task, type="escalation")
    assert reminder.level == 0
    recipients = set(
        Notification.objects.filter(kind="loop.escalation", target_id=str(task.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"town1", "town1-leader", "supervisor"}
    assert Event.objects.filter(item=task, type="escalation").count() == 1
    assert Leaf.objects.filter(action="loop.item.escalation", target_id=str(task.pk)).count() == 1


def test_it_escalates_again_at_the_interval_and_only_the_current_level_when_late(
    loop_county, open_task, today
):
    task = open_task(deadline=date(2026, 3, 10))
    today(date(2026, 3, 11))
    services.sweep()
    today(date(2026, 3, 12))
    services.sweep()  # same level: nothing new
    assert Reminder.objects.filter(item=task, type="escalation").count() == 1
    today(
        date(2026, 3, 20)
    )  # the job was down for a week: level 3 now, levels 1 and 2 are obsolete
    services.sweep()
    services.sweep()
    levels = sorted(
        Reminder.objects.filter(item=task, type="escalation").values_list("level", flat=True)
    )
    assert levels == [0, 3]


def test_it_sends_nothing_for_closed_items(loop_county, open_task, today):
    task = open_task(deadline=date(2026, 3, 10))
    services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    services.item_transition(item=task, name="verify", actor=loop_county.supervisor)
    today(date(2026, 3, 30))
    services.sweep()
    assert not Reminder.objects.filter(item=task).exists()


def test_it_respects_an_administrators_kind_settings(loop_county, open_task, today):
    services.kind_setting_save(
        kind="looptest.step",
        yellow_days=10,
        behind_margin=30,
        remind_days_before=0,
        escalate_every_days=1,
    )
    task = open_task(deadline=date(2026, 3, 10))
    services.sweep()
    task.refresh_from_db()
    assert task.light == "yellow"
    assert not Reminder.objects.filter(item=task).exists()


def test_it_spreads_a_backlog_over_runs_oldest_deadline_first(
    loop_county, open_task, today, settings
):
    settings.LOOP_SWEEP_MAX_MESSAGES = 2
    late = open_task(title="late", deadline=date(2026, 3, 5))  # the task and its matter
    later = open_task(title="later", deadline=date(2026, 3, 9))
    today(date(2026, 3, 20))
    first = services.sweep()
    assert first.escalations == 2 and first.deferred == 2
    assert Reminder.objects.filter(item__in=[late, late.parent]).count() == 2
    assert not Reminder.objects.filter(item__in=[later, later.parent]).exists()
    second = services.sweep()
    assert second.escalations == 2 and second.deferred == 0
    assert services.sweep().escalations == 0

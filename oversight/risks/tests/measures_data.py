"""Risk reminders and talks for the measures' test county (``measures/tests/conftest.py``
calls ``feed(c)`` and grants ``risks:view`` in its ``VIEW_ALL``): in February and March 2026,
at both towns, open and closed, of the report-missing rule and another, so every risks measure
has something to count in each of the registry test's periods."""

from __future__ import annotations

import datetime

from django.utils import timezone

D = datetime.date


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def feed(c) -> None:
    from oversight.loop.models import WorkItem
    from oversight.risks.models import Reminder, RiskRule, Talk

    tenure = RiskRule.objects.get(code="R01")
    missing = RiskRule.objects.get(code="R05")
    person = {c.town1: c.p_town1, c.town2: c.p_town2}
    n = 0
    for node in (c.town1, c.town2):
        for fired, closed, rule, level in (
            (D(2026, 2, 3), D(2026, 2, 20), tenure, "high"),
            (D(2026, 2, 10), None, missing, "medium"),
            (D(2026, 3, 2), None, tenure, "low"),
        ):
            n += 1
            item = WorkItem.objects.create(
                kind="risks.reminder",
                title=f"risk reminder {n} at {node.name}",
                state="closed" if closed else "sent",
                responsible_node=node,
                supervising_node=c.commission,
                opened_at=_at(fired),
                closed_at=_at(closed) if closed else None,
                light="none" if closed else "green",
            )
            reminder = Reminder.objects.create(
                rule=rule,
                fingerprint=f"measures-test:{n}",
                node=node,
                person=person[node],
                level=level,
                facts="test",
                fired_on=fired,
                item=item,
            )
        for held in (D(2026, 2, 12), D(2026, 3, 2)):
            Talk.objects.create(
                person=person[node],
                node=node,
                reminder=reminder,
                held_on=held,
                talker="test",
                summary="test",
            )

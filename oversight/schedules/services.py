"""The schedule service: recurring obligations become work items on time, once each."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oversight.loop import services as loop_services
from oversight.loop import timing
from oversight.loop.models import WorkItem

from . import registry
from .models import Obligation
from .rules import AfterEvent


def _open(
    recurring, *, node, key: str, due: datetime.date, supervising_node=None, title: str = ""
) -> WorkItem | None:
    if Obligation.objects.filter(schedule=recurring.id, key=key, node=node).exists():
        return None
    try:
        with transaction.atomic():
            item = loop_services.item_open(
                kind=recurring.kind,
                title=title or str(recurring.title).format(key=key),
                description=str(recurring.description),
                actor=None,
                responsible_node=node,
                supervising_node=supervising_node or recurring.supervisor(node),
                final_deadline=due,
            )
            Obligation.objects.create(schedule=recurring.id, key=key, node=node, due=due, item=item)
    except IntegrityError:  # a concurrent run opened it first
        return None
    return item


def schedule_run(*, on: datetime.date) -> list[WorkItem]:
    """Open the work items of every declared obligation due within its ``open_days_before``
    of ``on``, for each of its units; what was opened before is left alone."""
    cal = timing.calendar()
    opened = []
    for recurring in registry.all_schedules():
        if isinstance(recurring.rule, AfterEvent):
            continue
        horizon = on + datetime.timedelta(days=recurring.open_days_before)
        occurrences = recurring.rule.occurrences(cal, on, horizon)
        if not occurrences:
            continue
        units = list(recurring.units())
        for occurrence in occurrences:
            for node in units:
                item = _open(recurring, node=node, key=occurrence.key, due=occurrence.due)
                if item is not None:
                    opened.append(item)
    return opened


def schedule_event(
    *,
    schedule: str,
    node,
    happened_on: datetime.date,
    key: str,
    supervising_node=None,
    title: str = "",
    due: datetime.date | None = None,
) -> WorkItem | None:
    """An event happened (``key`` names it, e.g. the record's id): open the obligation it
    starts, due ``days`` (or ``months``) after it on the calendar; once per key and unit.
    ``supervising_node`` and ``title`` replace the schedule's own where the event names them
    (the inspection round's body supervises its units' reports); ``due`` where the event sets
    its own deadline (a required course's)."""
    recurring = registry.SCHEDULES.get(schedule)
    if recurring is None or not isinstance(recurring.rule, AfterEvent):
        raise ValidationError(
            {
                "schedule": ValidationError(
                    _("No such event-driven schedule: %s") % schedule, code="unknown"
                )
            }
        )
    due = due or recurring.rule.due(timing.calendar(), happened_on)
    return _open(
        recurring,
        node=node,
        key=key[:16],
        due=due,
        supervising_node=supervising_node,
        title=title,
    )


def digest_send(*, on: datetime.date, period=None) -> int:
    """The leaders' digest (``schedules.digest``): when one is due on ``on``, each recipient is
    sent last month's figures of their scope, once (a second run the same month sends nothing).
    ``period`` sends that month's digest whatever the day (the demo). Returns how many were
    sent now."""
    from oversight.notify.services import Message, notify_many

    from . import digest

    period = period or digest.due_period(timing.calendar(), on)
    if period is None:
        return 0
    messages = []
    for account in digest.recipients():
        found = digest.message_for(account, period, on=on)
        if found is None:
            continue
        title, body, url = found
        messages.append(
            Message(
                [account],
                digest.KIND,
                title,
                body,
                url,
                dedupe_key=f"{digest.KIND}:{period.key}",
            )  # fmt: skip
        )
    return len(notify_many(messages))

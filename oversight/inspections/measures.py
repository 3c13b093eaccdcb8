"""Inspection rectification's measures, for the inspected unit that owes the work: tasks open
and overdue, the rectification rate (tasks closed of those due), the on-time closure rate."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import RATE, Measure, Source
from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q

from .models import Task

TASKS = Source(
    id="inspections.tasks",
    label=_("Rectification tasks"),
    model=Task,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda task: reverse("inspections:task_detail", args=[task.item_id]),
    record_label=lambda task: f"{task.node.name} · {task.measure[:60]}",
    select_related=("node",),
)


def still_open(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True)
    return Q(item__opened_at__lt=w.as_of_end) & (
        Q(item__closed_at__isnull=True) | Q(item__closed_at__gte=w.as_of_end)
    )


def overdue(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True, item__light=WorkItem.Light.RED)
    return still_open(w) & Q(deadline__lt=w.as_of)


def closed(w) -> Q:
    return Q(item__closed_at__gte=w.start_at, item__closed_at__lt=w.end_at)


def due(w) -> Q:
    """Due in the period, up to its reference day."""
    return Q(deadline__gte=w.start, deadline__lte=w.end, deadline__lt=w.as_of)


MEASURES = [
    Measure(
        "inspections.open",
        _("Rectification tasks open"),
        source=TASKS,
        where=still_open,
        definition=_("Rectification tasks open on the reference day (today, or the period's end)."),
        perm="inspections:round:view",
        order=10,
    ),
    Measure(
        "inspections.overdue",
        _("Rectification tasks overdue"),
        source=TASKS,
        where=overdue,
        definition=_(
            "Rectification tasks open past their deadline on the reference day (while the "
            "period runs: the loop's red light)."
        ),
        perm="inspections:round:view",
        order=20,
    ),
    Measure(
        "inspections.rectification_rate",
        _("Rectification rate"),
        source=TASKS,
        where=due,
        kind=RATE,
        good=Q(item__closed_at__isnull=False),
        definition=_(
            "Share of the rectification tasks due in the period (up to the reference day) that "
            "have been verified and closed."
        ),
        perm="inspections:round:view",
        higher_is_better=True,
        order=30,
    ),
    Measure(
        "inspections.on_time_rate",
        _("Rectification closed on time"),
        source=TASKS,
        where=lambda w: closed(w) | overdue(w),
        kind=RATE,
        good=Q(item__closed_on_time=True),
        definition=_(
            "Rectification tasks closed on time in the period, as a share of those closed in "
            "the period plus those overdue and still open."
        ),
        perm="inspections:round:view",
        higher_is_better=True,
        order=40,
    ),
]

MEASURES.append(
    Measure(
        "inspections.reopened",
        _("Rectification reopened by look-backs"),
        source=TASKS,
        where=lambda w: Q(
            reopens__isnull=False,
            item__opened_at__gte=w.start_at,
            item__opened_at__lt=w.end_at,
        ),
        definition=_(
            "Closed rectification tasks a look-back (回头看) found not really rectified and "
            "reopened in the period."
        ),
        perm="inspections:round:view",
        order=50,
    )
)

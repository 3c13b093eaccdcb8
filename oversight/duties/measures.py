"""Duty lists' measures: reports due, reports not made by their deadline, the on-time
reporting rate and the average score of the reports scored, for the unit that owes them."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import MEAN, RATE, Measure, Source
from oversight.orgs.access import scope_q

from .models import DutyReport

REPORTS = Source(
    id="duties.reports",
    label=_("Duty reports"),
    model=DutyReport,
    scope=lambda viewer: scope_q(viewer, node="unit_list__node"),
    node="unit_list__node",
    record_url=lambda report: reverse("duties:report_detail", args=[report.item_id]),
    record_label=lambda report: (
        f"{report.unit_list.node.name} · {report.duty_item.title} ({report.key})"
    ),
    select_related=("unit_list__node", "duty_item"),
)


def due(w) -> Q:
    """Due in the period, up to its reference day."""
    return Q(due__gte=w.start, due__lte=w.end, due__lt=w.as_of)


def not_reported_in_time(w) -> Q:
    return due(w) & (Q(reported_on__isnull=True) | Q(reported_on__gt=F("due")))


def scored(w) -> Q:
    return Q(scored_on__gte=w.start, scored_on__lte=w.end)


MEASURES = [
    Measure(
        "duties.reports_due",
        _("Duty reports due"),
        source=REPORTS,
        where=due,
        definition=_("Reports of duty lists whose deadline fell in the period, up to today."),
        perm="duties:list:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "duties.reports_late",
        _("Duty reports missing or late"),
        source=REPORTS,
        where=not_reported_in_time,
        definition=_(
            "Reports of duty lists due in the period (up to today) that were not made by their "
            "deadline."
        ),
        perm="duties:list:view",
        order=20,
    ),
    Measure(
        "duties.punctuality",
        _("Duty reports made on time"),
        source=REPORTS,
        where=due,
        kind=RATE,
        good=Q(reported_on__isnull=False, reported_on__lte=F("due")),
        definition=_(
            "Share of the reports due in the period (up to today) that were made by their deadline."
        ),
        perm="duties:list:view",
        higher_is_better=True,
        order=30,
    ),
    Measure(
        "duties.copied",
        _("Duty reports resembling another unit's"),
        source=REPORTS,
        where=lambda w: Q(
            reported_on__gte=w.start, reported_on__lte=w.end, copied_from__isnull=False
        ),
        definition=_(
            "Reports first made in the period whose latest text resembles another unit's report "
            "on the same duty (the duty's own requirement discounted)."
        ),
        perm="duties:list:view",
        order=35,
    ),
    Measure(
        "duties.score",
        _("Average duty score"),
        source=REPORTS,
        where=scored,
        kind=MEAN,
        field="score_rate",
        unit="%",
        definition=_(
            "Average score of the duty reports scored in the period, as a share of each item's "
            "points."
        ),
        perm="duties:list:view",
        higher_is_better=True,
        order=40,
    ),
]

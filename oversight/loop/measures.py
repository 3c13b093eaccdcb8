"""The closed loop's measures: work items opened, closed, open, overdue, the on-time closure
rate and the average days to close, each also by kind (the source's dimension).

Stock figures (open, overdue) describe the period's reference day: today while the period
runs (overdue: the engine's red light), its last day once it is over (overdue: the final
deadline had passed).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.measures.registry import MEAN, RATE, Dimension, Measure, Source

from .models import WorkItem
from .registry import kind_choices
from .selectors import item_scope


def _item_url(item) -> str:
    return reverse("loop:item_detail", args=[item.pk])


ITEMS = Source(
    id="loop.items",
    label=_("Work items"),
    model=WorkItem,
    scope=item_scope,
    node="responsible_node",
    record_url=_item_url,
    dimension=Dimension("kind", _("kind"), kind_choices),
    select_related=("responsible_node",),
    # Whatever a loop measure counts was open at some moment of the window: read only the
    # items open, and those closed since it began, from the covering index loop_item_measures.
    relevant=lambda w: [Q(closed_at__isnull=True), Q(closed_at__gte=w.start_at)],
)


def opened(w) -> Q:
    return Q(opened_at__gte=w.start_at, opened_at__lt=w.end_at)


def closed(w) -> Q:
    return Q(closed_at__gte=w.start_at, closed_at__lt=w.end_at)


def still_open(w) -> Q:
    if w.live:
        return Q(closed_at__isnull=True)
    return Q(opened_at__lt=w.as_of_end) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=w.as_of_end)
    )


def overdue(w) -> Q:
    if w.live:
        return Q(closed_at__isnull=True, light=WorkItem.Light.RED)
    return still_open(w) & Q(final_deadline__lt=w.as_of)


def _list_url(**fixed):
    """The loop's own item list with the same filters, where it has them (live figures)."""

    def url(node, w, param: str) -> str:
        if not w.live:
            return ""
        query = {"node": node.pk, **fixed}
        if param:
            query["kind"] = param
        from urllib.parse import urlencode

        return reverse("loop:item_list") + "?" + urlencode(query)

    return url


MEASURES = [
    Measure(
        "loop.opened",
        _("Work items opened"),
        source=ITEMS,
        where=opened,
        definition=_("Work items opened in the period, by the unit responsible."),
        perm="loop:item:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "loop.closed",
        _("Work items closed"),
        source=ITEMS,
        where=closed,
        definition=_("Work items closed in the period."),
        perm="loop:item:view",
        higher_is_better=True,
        order=20,
    ),
    Measure(
        "loop.open",
        _("Work items open"),
        source=ITEMS,
        where=still_open,
        definition=_("Work items open on the reference day (today, or the period's last day)."),
        perm="loop:item:view",
        higher_is_better=None,
        list_url=_list_url(status="open"),
        order=30,
    ),
    Measure(
        "loop.overdue",
        _("Work items overdue"),
        source=ITEMS,
        where=overdue,
        definition=_(
            "Open work items past their deadline on the reference day (today: a red light; a "
            "closed period: open on its last day with the final deadline passed)."
        ),
        perm="loop:item:view",
        list_url=_list_url(status="overdue"),
        order=40,
    ),
    Measure(
        "loop.on_time_rate",
        _("On-time closure rate"),
        source=ITEMS,
        where=lambda w: closed(w) | overdue(w),
        good=Q(closed_on_time=True),
        kind=RATE,
        definition=_(
            "Work items closed on time in the period, as a share of those closed in the period "
            "plus those overdue and still open: an overdue item counts against the rate before "
            "it is closed."
        ),
        perm="loop:item:view",
        higher_is_better=True,
        order=50,
    ),
    Measure(
        "loop.days_to_close",
        _("Average days to close"),
        source=ITEMS,
        where=lambda w: closed(w) & Q(days_to_close__isnull=False),
        kind=MEAN,
        field="days_to_close",
        unit=_("days"),
        definition=_(
            "Average calendar days from opening to closing of the items closed in the period."
        ),
        perm="loop:item:view",
        order=60,
    ),
]

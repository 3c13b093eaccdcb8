"""Major matters' measures: the progress of open matters and the milestones missed."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.measures import still_open
from oversight.loop.models import WorkItem
from oversight.loop.selectors import item_scope
from oversight.measures.registry import MEAN, Measure, Source

from .models import Milestone

MATTER = "matters.matter"

MATTERS = Source(
    id="matters.matters",
    label=_("Major matters"),
    model=WorkItem,
    scope=item_scope,
    node="responsible_node",
    record_url=lambda item: reverse("loop:item_detail", args=[item.pk]),
    select_related=("responsible_node",),
)

MILESTONES = Source(
    id="matters.milestones",
    label=_("Milestones of tasks"),
    model=Milestone,
    scope=lambda viewer: Q(item__in=WorkItem.objects.filter(item_scope(viewer)).values("pk")),
    node="item__responsible_node",
    record_url=lambda milestone: reverse("loop:item_detail", args=[milestone.item_id]),
    record_label=lambda milestone: f"{milestone.item.title} · {milestone.title} ({milestone.due})",
    select_related=("item",),
)


def missed(w) -> Q:
    """Due in the period before the reference day, and not done by its due day."""
    return Q(due__gte=w.start, due__lte=w.end, due__lt=w.as_of) & (
        Q(done_on__isnull=True) | Q(done_on__gt=F("due"))
    )


MEASURES = [
    Measure(
        "matters.progress",
        _("Progress of open major matters"),
        source=MATTERS,
        where=lambda w: Q(kind=MATTER) & still_open(w),
        kind=MEAN,
        field="progress",
        unit="%",
        definition=_("Average reported progress of the major matters open on the reference day."),
        perm="matters:matter:view",
        higher_is_better=True,
        order=10,
    ),
    Measure(
        "matters.milestones_missed",
        _("Milestones missed"),
        source=MILESTONES,
        where=missed,
        definition=_(
            "Milestones of tasks due in the period (up to the reference day) that were not done "
            "by their due day."
        ),
        perm="matters:matter:view",
        order=20,
    ),
]

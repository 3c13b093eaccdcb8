"""The trace graph's measures: flagged paths taken up for checking, those still open, and those
the commission confirmed as problems, counted for the unit of the person the path is about
(the work item's responsible unit)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import Measure, Source
from oversight.loop.measures import closed, opened, still_open
from oversight.loop.models import WorkItem
from oversight.loop.selectors import item_scope

from .workflows import KIND

FINDINGS = Source(
    id="traces.findings",
    label=_("Flagged paths taken up"),
    model=WorkItem,
    scope=item_scope,
    node="responsible_node",
    record_url=lambda item: reverse("loop:item_detail", args=[item.pk]),
    select_related=("responsible_node",),
)

MEASURES = [
    Measure(
        "traces.taken_up",
        _("Flagged paths taken up"),
        source=FINDINGS,
        where=lambda w: Q(kind=KIND) & opened(w),
        definition=_("Flagged paths of the trace graph taken up for checking in the period."),
        perm="traces:graph:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "traces.open",
        _("Flagged paths being checked"),
        source=FINDINGS,
        where=lambda w: Q(kind=KIND) & still_open(w),
        definition=_("Flagged paths taken up and not yet confirmed or dismissed (reference day)."),
        perm="traces:graph:view",
        order=20,
    ),
    Measure(
        "traces.confirmed",
        _("Flagged paths confirmed as problems"),
        source=FINDINGS,
        where=lambda w: Q(kind=KIND, state="confirmed") & closed(w),
        definition=_("Flagged paths the commission confirmed as problems in the period."),
        perm="traces:graph:view",
        order=30,
    ),
]
